#include "check.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "auroraiam.h"

static atomic_long passed;
static atomic_long failed;

bool check_record(bool ok, const char *file, int line, const char *expr, const char *fmt, ...) {
    if (ok) {
        atomic_fetch_add(&passed, 1);
        return true;
    }
    atomic_fetch_add(&failed, 1);
    fprintf(stderr, "FAIL %s:%d: %s: ", file, line, expr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return false;
}

const char *last_message(void) {
    static _Thread_local char buf[4096];
    auroraiam_last_error_message(buf, sizeof buf);
    return buf;
}

bool check_status(uint32_t got, const char *want_name, const char *context, const char *file, int line) {
    const char *got_name = auroraiam_result_name(got);
    const char *message = last_message();
    bool ok = strcmp(got_name, want_name) == 0;
    if (ok && got == AURORAIAM_RESULT_OK) {
        ok = message[0] == '\0';
    } else if (ok) {
        ok = message[0] != '\0';
    }
    return check_record(ok, file, line, "status", "%s: got %s (%u) with message \"%s\", want %s", context, got_name,
                        (unsigned)got, message, want_name);
}

int check_summary(const char *suite) {
    long p = atomic_load(&passed), f = atomic_load(&failed);
    printf("%s: %ld passed, %ld failed\n", suite, p, f);
    fflush(stdout);
    return f == 0 && p > 0 ? 0 : 1;
}
