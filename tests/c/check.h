/* Minimal assertion counting for the C tests: each CHECK is one test; the binary ends with
 * "<suite>: N passed, N failed" and exits non-zero when anything failed. */
#ifndef AURORAIAM_TEST_CHECK_H
#define AURORAIAM_TEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__GNUC__)
#define CHECK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CHECK_PRINTF(f, a)
#endif

/* Records one check; prints the expression and the formatted message when it failed.
 * Returns `ok` so callers can stop on a failure. */
bool check_record(bool ok, const char *file, int line, const char *expr, const char *fmt, ...) CHECK_PRINTF(5, 6);

/* CHECK(condition, "format", args...): the format is required (ISO C variadic macros). */
#define CHECK(cond, ...) check_record((cond) ? true : false, __FILE__, __LINE__, #cond, __VA_ARGS__)

/* Checks that `got` is the status named `want_name` (e.g. "INVALID_PORT"), and for a failure
 * that the thread's detail message is not empty; for success that it is empty. */
#define CHECK_STATUS(got, want_name, context) \
    check_status((got), (want_name), (context), __FILE__, __LINE__)
bool check_status(uint32_t got, const char *want_name, const char *context, const char *file, int line);

/* The calling thread's detail message (static buffer of this thread's test, truncated at 4 KiB). */
const char *last_message(void);

/* Prints "<suite>: N passed, N failed" and returns the process exit code. */
int check_summary(const char *suite);

#endif
