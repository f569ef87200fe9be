/*
 * Checks an IAM database token the way a server, proxy or PAM module would: reads it from stdin
 * (one line), prints it redacted, its fields and the offline diagnosis, then verifies its
 * signature with a known key and what it was meant for.
 *
 *   verify_token [--host HOST] [--port PORT] [--user USER] [--region REGION] [--now UNIX_SECONDS] < token
 *
 * The key the token must be signed with comes from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 * Exit status: 0 verified, 1 rejected (the reason on stderr), 2 usage.
 *
 * Build: cc verify_token.c $(pkg-config --cflags --libs auroraiam)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auroraiam.h"

static const char *option(int argc, char **argv, const char *name) {
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    return NULL;
}

static int failure(const char *what, auroraiam_result rc) {
    char detail[512];
    auroraiam_last_error_message(detail, sizeof detail);
    fprintf(stderr, "verify_token: %s: %s: %s\n", what, auroraiam_result_name(rc), detail);
    return 1;
}

int main(int argc, char **argv) {
    const char *akid = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    if (!akid || !secret) {
        fprintf(stderr, "verify_token: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the signing key\n"
                        "usage: verify_token [--host H] [--port P] [--user U] [--region R] [--now UNIX] < token\n");
        return 2;
    }
    static char line[65536];
    if (!fgets(line, sizeof line, stdin)) {
        fprintf(stderr, "verify_token: no token on stdin\n");
        return 2;
    }
    line[strcspn(line, "\r\n")] = '\0';

    /* Safe to log: signature and session token masked. */
    char *redacted = NULL;
    auroraiam_result rc = auroraiam_token_redact(line, &redacted);
    if (rc != AURORAIAM_RESULT_OK) return failure("redact", rc);
    printf("token:    %s\n", redacted);
    auroraiam_token_free(redacted);

    auroraiam_token_info *info = NULL;
    rc = auroraiam_token_parse(line, &info);
    if (rc != AURORAIAM_RESULT_OK) return failure("parse", rc);
    printf("kind:     %s\nhost:     %s:%u\nuser:     %s\nkey id:   %s\nregion:   %s\nsigned:   %lld, "
           "expires %lld\n",
           auroraiam_token_kind_name(auroraiam_token_info_kind(info)), auroraiam_token_info_hostname(info),
           (unsigned)auroraiam_token_info_port(info),
           auroraiam_token_info_username(info) ? auroraiam_token_info_username(info) : "-",
           auroraiam_token_info_access_key_id(info), auroraiam_token_info_region(info),
           (long long)auroraiam_token_info_signing_time(info), (long long)auroraiam_token_info_expires_at(info));

    /* The same expectations for the diagnosis and the verification. */
    auroraiam_diagnose_options *diagnose = NULL;
    auroraiam_verify_options *verify = NULL;
    auroraiam_diagnose_options_new(&diagnose);
    auroraiam_verify_options_new(&verify);
    const char *host = option(argc, argv, "--host"), *port = option(argc, argv, "--port");
    const char *user = option(argc, argv, "--user"), *region = option(argc, argv, "--region");
    const char *now = option(argc, argv, "--now");
    if (host) {
        auroraiam_diagnose_options_set_expect_hostname(diagnose, host);
        auroraiam_verify_options_set_expect_hostname(verify, host);
    }
    if (port) {
        if ((rc = auroraiam_diagnose_options_set_expect_port(diagnose, atoll(port))) != AURORAIAM_RESULT_OK) {
            return failure("--port", rc);
        }
        auroraiam_verify_options_set_expect_port(verify, atoll(port));
    }
    if (user) {
        auroraiam_diagnose_options_set_expect_username(diagnose, user);
        auroraiam_verify_options_set_expect_username(verify, user);
    }
    if (region) auroraiam_verify_options_set_expect_region(verify, region);
    if (now) {
        if ((rc = auroraiam_diagnose_options_set_now(diagnose, atoll(now))) != AURORAIAM_RESULT_OK) {
            return failure("--now", rc);
        }
        auroraiam_verify_options_set_now(verify, atoll(now));
    }

    auroraiam_diagnostics *found = NULL;
    rc = auroraiam_token_diagnose(info, diagnose, &found);
    if (rc != AURORAIAM_RESULT_OK) return failure("diagnose", rc);
    for (size_t i = 0; i < auroraiam_diagnostics_count(found); i++) {
        printf("%-8s  %s: %s\n", auroraiam_diagnostics_severity(found, i), auroraiam_diagnostics_code(found, i),
               auroraiam_diagnostics_message(found, i));
    }
    auroraiam_diagnostics_free(found);
    auroraiam_diagnose_options_free(diagnose);
    auroraiam_token_info_free(info);

    rc = auroraiam_token_verify(line, akid, secret, verify, NULL);
    auroraiam_verify_options_free(verify);
    if (rc != AURORAIAM_RESULT_OK) return failure("rejected", rc);
    printf("verified: OK\n");
    return 0;
}
