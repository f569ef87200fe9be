/*
 * Prints one RDS token for the demo inputs (`source scripts/demo.env`): DEMO_HOSTNAME,
 * DEMO_PORT, DEMO_USERNAME, DEMO_SIGNING_TIME (Unix seconds), credentials from AWS_*;
 * the region is inferred from the hostname. Used by `make demo-c`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "auroraiam.h"

static const char *need(const char *name) {
    const char *value = getenv(name);
    if (!value || !*value) {
        fprintf(stderr, "demo_token: %s is not set (source scripts/demo.env)\n", name);
        exit(2);
    }
    return value;
}

static long long integer(const char *name) {
    const char *text = need(name);
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        fprintf(stderr, "demo_token: %s=%s is not an integer\n", name, text);
        exit(2);
    }
    return value;
}

int main(void) {
    const char *hostname = need("DEMO_HOSTNAME");
    const char *username = need("DEMO_USERNAME");
    long long port = integer("DEMO_PORT");
    long long signing_time = integer("DEMO_SIGNING_TIME");
    auroraiam_signer *signer = NULL;
    char *token = NULL;
    auroraiam_result rc = auroraiam_signer_new_from_env(&signer);
    if (rc == AURORAIAM_RESULT_OK) {
        rc = auroraiam_signer_rds_token(signer, hostname, port, username, NULL, AURORAIAM_DEFAULT_EXPIRES_IN,
                                        signing_time, &token);
    }
    if (rc != AURORAIAM_RESULT_OK) {
        char detail[512];
        auroraiam_last_error_message(detail, sizeof detail);
        fprintf(stderr, "demo_token: %s: %s\n", auroraiam_result_name(rc), detail);
        auroraiam_signer_free(signer);
        return 1;
    }
    puts(token);
    auroraiam_token_free(token);
    auroraiam_signer_free(signer);
    return 0;
}
