/*
 * The C API contract: version macros, result names, and bad input through every function
 * (NULL for each pointer, non-UTF-8 bytes, empty strings, out-of-range numbers, absurd
 * lengths), each with its specific status, the detail message, and untouched out-parameters.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auroraiam.h"
#include "check.h"

#define HOST "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
#define DSQL_HOST "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"
#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AT 1478540373
/* rds-0001 of tests/vectors/rds.json (botocore's token for these inputs). */
#define RDS_0001_TOKEN                                                                                     \
    "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user&X-Amz-"       \
    "Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20161107%2Fus-east-1%2Frds-db%2F"  \
    "aws4_request&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" \
    "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14"

static char sentinel;
#define UNTOUCHED_TOKEN (&sentinel)
#define UNTOUCHED_SIGNER ((auroraiam_signer *)&sentinel)

static auroraiam_signer *signer;

/* Signs an RDS token with the test signer; checks the status, the untouched out-param on
 * failure, and returns the token (or NULL). */
static char *rds(const char *context, const char *want, const char *host, int64_t port, const char *user,
                 const char *region, int64_t expires_in, int64_t at) {
    char *token = UNTOUCHED_TOKEN;
    uint32_t rc = auroraiam_signer_rds_token(signer, host, port, user, region, expires_in, at, &token);
    CHECK_STATUS(rc, want, context);
    if (rc != AURORAIAM_RESULT_OK) {
        CHECK(token == UNTOUCHED_TOKEN, "%s: token_out written on failure", context);
        return NULL;
    }
    return token;
}

static void rds_fails(const char *context, const char *want, const char *host, int64_t port, const char *user,
                      const char *region, int64_t expires_in, int64_t at) {
    char *token = rds(context, want, host, port, user, region, expires_in, at);
    auroraiam_token_free(token);
}

static void message_mentions(const char *context, const char *word) {
    const char *m = last_message();
    CHECK(strstr(m, word) != NULL, "%s: detail message \"%s\" should mention \"%s\"", context, m, word);
}

static void test_version(void) {
    const char *v = auroraiam_version();
    unsigned major = 999, minor = 999, patch = 999;
    char tail = 0;
    int n = sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &tail);
    CHECK(n == 3, "auroraiam_version() \"%s\" is MAJOR.MINOR.PATCH", v);
    /* Each component on its own: a packed number that repeats a component must fail. */
    CHECK(major == AURORAIAM_VERSION_MAJOR, "major %u vs macro %d", major, AURORAIAM_VERSION_MAJOR);
    CHECK(minor == AURORAIAM_VERSION_MINOR, "minor %u vs macro %d", minor, AURORAIAM_VERSION_MINOR);
    CHECK(patch == AURORAIAM_VERSION_PATCH, "patch %u vs macro %d", patch, AURORAIAM_VERSION_PATCH);
    CHECK(strcmp(v, AURORAIAM_VERSION_STRING) == 0, "string %s vs macro %s", v, AURORAIAM_VERSION_STRING);
    uint32_t packed = (uint32_t)AURORAIAM_VERSION_NUMBER;
    CHECK(((packed >> 16) & 0xff) == major, "NUMBER's major byte %u", (unsigned)((packed >> 16) & 0xff));
    CHECK(((packed >> 8) & 0xff) == minor, "NUMBER's minor byte %u", (unsigned)((packed >> 8) & 0xff));
    CHECK((packed & 0xff) == patch, "NUMBER's patch byte %u", (unsigned)(packed & 0xff));
    CHECK(packed == major * 65536u + minor * 256u + patch, "NUMBER 0x%06x", (unsigned)packed);
    CHECK(auroraiam_version_number() == packed, "auroraiam_version_number() 0x%06x vs macro 0x%06x",
          (unsigned)auroraiam_version_number(), (unsigned)packed);
}

static void test_result_names(void) {
    static const struct {
        uint32_t value;
        const char *name;
    } named[] = {
#define NAMED(x) {AURORAIAM_RESULT_##x, #x}
        NAMED(OK), NAMED(INVALID_HOSTNAME), NAMED(INVALID_PORT), NAMED(INVALID_USERNAME), NAMED(INVALID_REGION),
        NAMED(REGION_REQUIRED), NAMED(INVALID_CREDENTIALS), NAMED(INVALID_EXPIRES_IN), NAMED(INVALID_SIGNING_TIME),
        NAMED(INVALID_UTF8), NAMED(CREDENTIALS_NOT_FOUND), NAMED(CREDENTIALS_EXPIRED), NAMED(TOKEN_MALFORMED),
        NAMED(UNKNOWN_ACCESS_KEY), NAMED(SIGNATURE_MISMATCH), NAMED(TOKEN_EXPIRED), NAMED(TOKEN_NOT_YET_VALID),
        NAMED(HOST_MISMATCH), NAMED(PORT_MISMATCH), NAMED(USER_MISMATCH), NAMED(REGION_MISMATCH),
        NAMED(KIND_MISMATCH), NAMED(INVALID_ARGUMENT), NAMED(CREDENTIALS_PROVIDER_FAILED), NAMED(INVALID_ACCOUNT_ID),
        NAMED(INVALID_RESOURCE_ID), NAMED(INVALID_ARN), NAMED(INVALID_POLICY), NAMED(TOKEN_LIFETIME_TOO_LONG),
        NAMED(NULL_ARGUMENT),
        NAMED(INVALID_LENGTH), NAMED(PANIC), NAMED(INTERNAL), NAMED(UNSUPPORTED),
#undef NAMED
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        const char *name = auroraiam_result_name(named[i].value);
        const char *text = auroraiam_result_str(named[i].value);
        CHECK(strcmp(name, named[i].name) == 0, "auroraiam_result_name(%u) = %s, want %s", (unsigned)named[i].value,
              name, named[i].name);
        CHECK(text != NULL && text[0] != '\0' && strcmp(text, "unknown auroraiam_result value") != 0,
              "auroraiam_result_str(%s) = \"%s\"", named[i].name, text);
        for (size_t j = 0; j < i; j++) {
            CHECK(named[j].value != named[i].value, "%s and %s share a value", named[j].name, named[i].name);
        }
    }
    CHECK(AURORAIAM_RESULT_OK == 0, "OK is 0");
    CHECK(AURORAIAM_RESULT_INVALID_HOSTNAME == 7001, "core codes keep their numbers");
    CHECK(strcmp(auroraiam_result_str(AURORAIAM_RESULT_OK), "success") == 0, "OK reads success");
    CHECK(strcmp(auroraiam_result_str(AURORAIAM_RESULT_INVALID_HOSTNAME), "invalid hostname") == 0,
          "core description");
    const uint32_t unknown[] = {1, 6999, 7000, 7900, 7999, UINT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(strcmp(auroraiam_result_name(unknown[i]), "UNKNOWN") == 0, "unknown value %u", (unsigned)unknown[i]);
        CHECK(strcmp(auroraiam_result_str(unknown[i]), "unknown auroraiam_result value") == 0, "unknown value %u",
              (unsigned)unknown[i]);
    }
}

static void test_signer_new(void) {
    auroraiam_signer *s = UNTOUCHED_SIGNER;
    CHECK_STATUS(auroraiam_signer_new(NULL, SECRET, NULL, &s), "NULL_ARGUMENT", "access_key_id NULL");
    message_mentions("access_key_id NULL", "access_key_id");
    CHECK_STATUS(auroraiam_signer_new(AKID, NULL, NULL, &s), "NULL_ARGUMENT", "secret_access_key NULL");
    message_mentions("secret NULL", "secret_access_key");
    CHECK_STATUS(auroraiam_signer_new(AKID, SECRET, NULL, NULL), "NULL_ARGUMENT", "signer_out NULL");
    message_mentions("signer_out NULL", "signer_out");
    CHECK_STATUS(auroraiam_signer_new("", SECRET, NULL, &s), "INVALID_CREDENTIALS", "empty access key id");
    CHECK_STATUS(auroraiam_signer_new(AKID, "", NULL, &s), "INVALID_CREDENTIALS", "empty secret");
    CHECK_STATUS(auroraiam_signer_new("AKIA\xff", SECRET, NULL, &s), "INVALID_UTF8", "non-UTF-8 access key id");
    message_mentions("non-UTF-8 access key id", "access_key_id");
    CHECK_STATUS(auroraiam_signer_new(AKID, "secret\xc3\x28", NULL, &s), "INVALID_UTF8", "non-UTF-8 secret");
    message_mentions("non-UTF-8 secret", "secret_access_key");
    CHECK_STATUS(auroraiam_signer_new(AKID, SECRET, "tok\xe2\x82", &s), "INVALID_UTF8", "non-UTF-8 session token");
    message_mentions("non-UTF-8 session token", "session_token");
    CHECK_STATUS(auroraiam_signer_new("AKIA EXAMPLE", SECRET, NULL, &s), "INVALID_CREDENTIALS", "space in key id");

    /* Huge values: rejected, and the message never echoes a secret. */
    size_t big = 1u << 20;
    char *huge = malloc(big + 1);
    memset(huge, 'S', big);
    huge[big] = '\0';
    CHECK_STATUS(auroraiam_signer_new(AKID, huge, NULL, &s), "INVALID_CREDENTIALS", "1 MB secret");
    CHECK(strstr(last_message(), "SSSSSSSS") == NULL && strlen(last_message()) < 300,
          "the message does not echo the secret: %s", last_message());
    CHECK_STATUS(auroraiam_signer_new(AKID, SECRET, huge, &s), "INVALID_CREDENTIALS", "1 MB session token");
    CHECK(strstr(last_message(), "SSSSSSSS") == NULL, "the message does not echo the token");
    CHECK_STATUS(auroraiam_signer_new(huge, SECRET, NULL, &s), "INVALID_CREDENTIALS", "1 MB access key id");
    CHECK(strlen(last_message()) < 300, "short message for a 1 MB key id");
    CHECK(s == UNTOUCHED_SIGNER, "signer_out untouched by every failure");

    /* Pointer + length. */
    CHECK_STATUS(auroraiam_signer_new_len(NULL, 0, SECRET, strlen(SECRET), NULL, 0, &s), "NULL_ARGUMENT",
                 "len: access_key_id NULL with length 0");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, strlen(AKID), NULL, 0, NULL, 0, &s), "NULL_ARGUMENT",
                 "len: secret NULL");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, SIZE_MAX, SECRET, strlen(SECRET), NULL, 0, &s), "INVALID_LENGTH",
                 "len: SIZE_MAX");
    message_mentions("len: SIZE_MAX", "access_key_id");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, strlen(AKID), SECRET, (size_t)PTRDIFF_MAX + 1, NULL, 0, &s),
                 "INVALID_LENGTH", "len: PTRDIFF_MAX + 1");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, strlen(AKID), "sec\0ret", 7, NULL, 0, &s), "INVALID_CREDENTIALS",
                 "len: NUL inside the secret");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, strlen(AKID), SECRET, strlen(SECRET), "to\0ken", 6, &s),
                 "INVALID_CREDENTIALS", "len: NUL inside the session token");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, 0, SECRET, strlen(SECRET), NULL, 0, &s), "INVALID_CREDENTIALS",
                 "len: empty key id");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, strlen(AKID), SECRET, strlen(SECRET), NULL, 0, NULL),
                 "NULL_ARGUMENT", "len: signer_out NULL");
    CHECK(s == UNTOUCHED_SIGNER, "signer_out untouched by every failure");

    /* Valid: NULL and "" session tokens mean none; a length-delimited key inside a longer buffer. */
    auroraiam_signer *a = NULL, *b = NULL, *c = NULL;
    CHECK_STATUS(auroraiam_signer_new(AKID, SECRET, "", &a), "OK", "empty session token is absent");
    CHECK_STATUS(auroraiam_signer_new_len(AKID "TRAILING", strlen(AKID), SECRET, strlen(SECRET), NULL, 12345, &b),
                 "OK", "len: prefix of a longer buffer, NULL session token ignores its length");
    CHECK_STATUS(auroraiam_signer_new_len(AKID, strlen(AKID), SECRET, strlen(SECRET), "", 0, &c), "OK",
                 "len: empty session token");
    char *ta = NULL, *tb = NULL, *tc = NULL;
    if (a && b && c) {
        auroraiam_signer_rds_token(a, HOST, 5432, "iam_user", "us-east-1", 900, AT, &ta);
        auroraiam_signer_rds_token(b, HOST, 5432, "iam_user", "us-east-1", 900, AT, &tb);
        auroraiam_signer_rds_token(c, HOST, 5432, "iam_user", "us-east-1", 900, AT, &tc);
        CHECK(ta && tb && tc && strcmp(ta, RDS_0001_TOKEN) == 0 && strcmp(tb, RDS_0001_TOKEN) == 0 &&
                  strcmp(tc, RDS_0001_TOKEN) == 0,
              "the three signers give rds-0001's token");
    }
    auroraiam_token_free(ta);
    auroraiam_token_free(tb);
    auroraiam_token_free(tc);
    auroraiam_signer_free(a);
    auroraiam_signer_free(b);
    auroraiam_signer_free(c);
    auroraiam_signer_free(NULL);
    free(huge);
}

static void test_signer_from_env(void) {
    auroraiam_signer *s = UNTOUCHED_SIGNER;
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    CHECK_STATUS(auroraiam_signer_new_from_env(&s), "CREDENTIALS_NOT_FOUND", "env: nothing set");
    setenv("AWS_ACCESS_KEY_ID", AKID, 1);
    CHECK_STATUS(auroraiam_signer_new_from_env(&s), "CREDENTIALS_NOT_FOUND", "env: only the key id");
    message_mentions("env: only the key id", "AWS_SECRET_ACCESS_KEY");
    setenv("AWS_SECRET_ACCESS_KEY", "", 1);
    CHECK_STATUS(auroraiam_signer_new_from_env(&s), "CREDENTIALS_NOT_FOUND", "env: empty secret");
    setenv("AWS_ACCESS_KEY_ID", "AKIA BAD", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    CHECK_STATUS(auroraiam_signer_new_from_env(&s), "INVALID_CREDENTIALS", "env: malformed key id");
    CHECK(strstr(last_message(), SECRET) == NULL, "env: the message does not contain the secret");
    setenv("AWS_ACCESS_KEY_ID", AKID, 1);
    CHECK_STATUS(auroraiam_signer_new_from_env(NULL), "NULL_ARGUMENT", "env: signer_out NULL");
    CHECK(s == UNTOUCHED_SIGNER, "signer_out untouched by every failure");
    s = NULL;
    CHECK_STATUS(auroraiam_signer_new_from_env(&s), "OK", "env: key id and secret");
    char *token = NULL;
    if (s) {
        CHECK_STATUS(auroraiam_signer_rds_token(s, HOST, 5432, "iam_user", NULL, 900, AT, &token), "OK",
                     "env signer signs");
        CHECK(token && strcmp(token, RDS_0001_TOKEN) == 0, "env signer gives rds-0001's token (region inferred)");
    }
    auroraiam_token_free(token);
    auroraiam_signer_free(s);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
}

static void test_rds_bad_input(void) {
    char *token = UNTOUCHED_TOKEN;
    /* NULL for each pointer. */
    CHECK_STATUS(auroraiam_signer_rds_token(NULL, HOST, 5432, "u", NULL, 900, AT, &token), "NULL_ARGUMENT",
                 "signer NULL");
    message_mentions("signer NULL", "signer");
    rds_fails("hostname NULL", "NULL_ARGUMENT", NULL, 5432, "u", NULL, 900, AT);
    message_mentions("hostname NULL", "hostname");
    rds_fails("username NULL", "NULL_ARGUMENT", HOST, 5432, NULL, NULL, 900, AT);
    message_mentions("username NULL", "username");
    CHECK_STATUS(auroraiam_signer_rds_token(signer, HOST, 5432, "u", NULL, 900, AT, NULL), "NULL_ARGUMENT",
                 "token_out NULL");
    message_mentions("token_out NULL", "token_out");
    CHECK_STATUS(auroraiam_signer_rds_token_now(NULL, HOST, 5432, "u", NULL, 900, &token), "NULL_ARGUMENT",
                 "now: signer NULL");
    CHECK_STATUS(auroraiam_signer_rds_token_now(signer, NULL, 5432, "u", NULL, 900, &token), "NULL_ARGUMENT",
                 "now: hostname NULL");
    CHECK_STATUS(auroraiam_signer_rds_token_now(signer, HOST, 5432, NULL, NULL, 900, &token), "NULL_ARGUMENT",
                 "now: username NULL");
    CHECK_STATUS(auroraiam_signer_rds_token_now(signer, HOST, 5432, "u", NULL, 900, NULL), "NULL_ARGUMENT",
                 "now: token_out NULL");
    CHECK(token == UNTOUCHED_TOKEN, "token_out untouched");

    /* Non-UTF-8 bytes, naming the argument. */
    rds_fails("non-UTF-8 hostname", "INVALID_UTF8", "db\xff.example.com", 5432, "u", "us-east-1", 900, AT);
    message_mentions("non-UTF-8 hostname", "hostname");
    rds_fails("non-UTF-8 username", "INVALID_UTF8", HOST, 5432, "us\xc3\x28r", NULL, 900, AT);
    message_mentions("non-UTF-8 username", "username");
    rds_fails("non-UTF-8 region", "INVALID_UTF8", HOST, 5432, "u", "us-east-\xe2\x82", 900, AT);
    message_mentions("non-UTF-8 region", "region");
    rds_fails("overlong UTF-8 encoding", "INVALID_UTF8", HOST, 5432, "\xc0\xaf", NULL, 900, AT);
    rds_fails("UTF-16 surrogate in UTF-8", "INVALID_UTF8", HOST, 5432, "\xed\xa0\x80", NULL, 900, AT);

    /* Empty strings. */
    rds_fails("empty hostname", "INVALID_HOSTNAME", "", 5432, "u", "us-east-1", 900, AT);
    rds_fails("empty username", "INVALID_USERNAME", HOST, 5432, "", NULL, 900, AT);
    rds_fails("empty region", "INVALID_REGION", HOST, 5432, "u", "", 900, AT);

    /* Ports. */
    const int64_t bad_ports[] = {0, -1, 65536, 100000, INT32_MAX, (int64_t)INT32_MAX + 1, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad_ports / sizeof bad_ports[0]; i++) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "port %lld", (long long)bad_ports[i]);
        rds_fails(ctx, "INVALID_PORT", HOST, bad_ports[i], "u", NULL, 900, AT);
    }
    auroraiam_token_free(rds("port 1", "OK", HOST, 1, "u", NULL, 900, AT));
    auroraiam_token_free(rds("port 65535", "OK", HOST, 65535, "u", NULL, 900, AT));

    /* Expiry: never clamped. */
    const int64_t bad_expiry[] = {0, -1, 901, 3600, 604800, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad_expiry / sizeof bad_expiry[0]; i++) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "rds expires_in %lld", (long long)bad_expiry[i]);
        rds_fails(ctx, "INVALID_EXPIRES_IN", HOST, 5432, "u", NULL, bad_expiry[i], AT);
    }
    auroraiam_token_free(rds("expires_in 1", "OK", HOST, 5432, "u", NULL, 1, AT));
    auroraiam_token_free(rds("expires_in max", "OK", HOST, 5432, "u", NULL, AURORAIAM_MAX_RDS_EXPIRES_IN, AT));

    /* Signing time. */
    const int64_t bad_times[] = {-1, -86400, 253402300800, 1478540373000000, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "signing_time %lld", (long long)bad_times[i]);
        rds_fails(ctx, "INVALID_SIGNING_TIME", HOST, 5432, "u", NULL, 900, bad_times[i]);
    }
    auroraiam_token_free(rds("signing_time 0", "OK", HOST, 5432, "u", NULL, 900, 0));
    auroraiam_token_free(rds("signing_time max", "OK", HOST, 5432, "u", NULL, 900, 253402300799));

    /* Regions. */
    rds_fails("region required for an IP", "REGION_REQUIRED", "10.0.0.1", 5432, "u", NULL, 900, AT);
    rds_fails("malformed region", "INVALID_REGION", HOST, 5432, "u", "US-EAST-1", 900, AT);
    rds_fails("scheme in hostname", "INVALID_HOSTNAME", "https://" HOST, 5432, "u", NULL, 900, AT);
    rds_fails("port in hostname", "INVALID_HOSTNAME", HOST ":5432", 5432, "u", NULL, 900, AT);

    /* Absurd lengths: 1 MB strings are rejected quickly with a short message. */
    size_t big = 1u << 20;
    char *huge = malloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\0';
    rds_fails("1 MB hostname", "INVALID_HOSTNAME", huge, 5432, "u", "us-east-1", 900, AT);
    CHECK(strlen(last_message()) < 300, "1 MB hostname: short message (%zu bytes)", strlen(last_message()));
    rds_fails("1 MB username", "INVALID_USERNAME", HOST, 5432, huge, NULL, 900, AT);
    CHECK(strlen(last_message()) < 300, "1 MB username: short message");
    rds_fails("1 MB region", "INVALID_REGION", HOST, 5432, "u", huge, 900, AT);
    CHECK(strlen(last_message()) < 300, "1 MB region: short message");
    free(huge);
}

static void test_rds_len(void) {
    char *token = UNTOUCHED_TOKEN;
    const char *host = HOST;
    size_t hl = strlen(HOST);
#define RDS_LEN(h, hlen, port, u, ulen, r, rlen) \
    auroraiam_signer_rds_token_len(signer, h, hlen, port, u, ulen, r, rlen, 900, AT, &token)
    CHECK_STATUS(auroraiam_signer_rds_token_len(NULL, host, hl, 5432, "u", 1, NULL, 0, 900, AT, &token),
                 "NULL_ARGUMENT", "len: signer NULL");
    CHECK_STATUS(RDS_LEN(NULL, 0, 5432, "u", 1, NULL, 0), "NULL_ARGUMENT", "len: hostname NULL");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, NULL, 0, NULL, 0), "NULL_ARGUMENT", "len: username NULL");
    CHECK_STATUS(auroraiam_signer_rds_token_len(signer, host, hl, 5432, "u", 1, NULL, 0, 900, AT, NULL),
                 "NULL_ARGUMENT", "len: token_out NULL");
    CHECK_STATUS(RDS_LEN(host, SIZE_MAX, 5432, "u", 1, NULL, 0), "INVALID_LENGTH", "len: hostname SIZE_MAX");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "u", SIZE_MAX, NULL, 0), "INVALID_LENGTH", "len: username SIZE_MAX");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "u", 1, "us-east-1", SIZE_MAX), "INVALID_LENGTH", "len: region SIZE_MAX");
    CHECK_STATUS(RDS_LEN("db\0.example.com", 15, 5432, "u", 1, "us-east-1", 9), "INVALID_HOSTNAME",
                 "len: NUL inside the hostname");
    message_mentions("len: NUL inside the hostname", "NUL");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "a\0b", 3, NULL, 0), "INVALID_USERNAME", "len: NUL inside the username");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "u", 1, "us-east-1\0", 10), "INVALID_REGION", "len: NUL inside the region");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "u", 1, "us-east-1", 0), "INVALID_REGION", "len: empty region");
    CHECK_STATUS(RDS_LEN(host, 0, 5432, "u", 1, NULL, 0), "INVALID_HOSTNAME", "len: empty hostname");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "u", 0, NULL, 0), "INVALID_USERNAME", "len: empty username");
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "\xff", 1, NULL, 0), "INVALID_UTF8", "len: non-UTF-8 username");
    CHECK_STATUS(RDS_LEN(host, hl, 0, "u", 1, NULL, 0), "INVALID_PORT", "len: port 0");
    CHECK_STATUS(RDS_LEN(host, hl, 65536, "u", 1, NULL, 0), "INVALID_PORT", "len: port 65536");
    CHECK(token == UNTOUCHED_TOKEN, "token_out untouched");
    size_t big = 1u << 20;
    char *huge = malloc(big); /* not NUL-terminated at all */
    memset(huge, 'h', big);
    CHECK_STATUS(RDS_LEN(huge, big, 5432, "u", 1, "us-east-1", 9), "INVALID_HOSTNAME", "len: 1 MB hostname");
    free(huge);

    /* Not NUL-terminated buffers: exactly `len` bytes are used. */
    const char *buffer = HOST "XXXXiam_userYYYYus-east-1ZZZZ";
    CHECK_STATUS(auroraiam_signer_rds_token_len(signer, buffer, hl, 5432, buffer + hl + 4, 8, buffer + hl + 16, 9,
                                                900, AT, &token),
                 "OK", "len: slices of a larger buffer");
    CHECK(token != UNTOUCHED_TOKEN && strcmp(token, RDS_0001_TOKEN) == 0, "len: rds-0001's token");
    if (token != UNTOUCHED_TOKEN) auroraiam_token_free(token);
    token = UNTOUCHED_TOKEN;
    CHECK_STATUS(RDS_LEN(host, hl, 5432, "iam_user", 8, NULL, 99), "OK", "len: NULL region ignores its length");
    CHECK(token != UNTOUCHED_TOKEN && strcmp(token, RDS_0001_TOKEN) == 0, "len: inferred region token");
    if (token != UNTOUCHED_TOKEN) auroraiam_token_free(token);
#undef RDS_LEN
}

static void test_dsql(void) {
    char *token = UNTOUCHED_TOKEN;
    CHECK_STATUS(auroraiam_signer_dsql_token(NULL, DSQL_HOST, false, NULL, 900, AT, &token), "NULL_ARGUMENT",
                 "dsql: signer NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, NULL, false, NULL, 900, AT, &token), "NULL_ARGUMENT",
                 "dsql: hostname NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, false, NULL, 900, AT, NULL), "NULL_ARGUMENT",
                 "dsql: token_out NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_now(NULL, DSQL_HOST, true, NULL, 900, &token), "NULL_ARGUMENT",
                 "dsql now: signer NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_now(signer, NULL, true, NULL, 900, &token), "NULL_ARGUMENT",
                 "dsql now: hostname NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_now(signer, DSQL_HOST, true, NULL, 900, NULL), "NULL_ARGUMENT",
                 "dsql now: token_out NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_len(NULL, DSQL_HOST, 10, false, NULL, 0, 900, AT, &token),
                 "NULL_ARGUMENT", "dsql len: signer NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_len(signer, NULL, 0, false, NULL, 0, 900, AT, &token), "NULL_ARGUMENT",
                 "dsql len: hostname NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_len(signer, DSQL_HOST, strlen(DSQL_HOST), false, NULL, 0, 900, AT, NULL),
                 "NULL_ARGUMENT", "dsql len: token_out NULL");
    CHECK_STATUS(auroraiam_signer_dsql_token_len(signer, DSQL_HOST, SIZE_MAX, false, NULL, 0, 900, AT, &token),
                 "INVALID_LENGTH", "dsql len: SIZE_MAX");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, "", false, "us-east-1", 900, AT, &token), "INVALID_HOSTNAME",
                 "dsql: empty hostname");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, false, "", 900, AT, &token), "INVALID_REGION",
                 "dsql: empty region");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, "dsql\xff.on.aws", false, NULL, 900, AT, &token),
                 "INVALID_UTF8", "dsql: non-UTF-8 hostname");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, HOST, false, NULL, 900, AT, &token), "REGION_REQUIRED",
                 "dsql: RDS hostname gives no DSQL region");
    const int64_t bad_expiry[] = {0, -1, 604801, INT64_MAX};
    for (size_t i = 0; i < sizeof bad_expiry / sizeof bad_expiry[0]; i++) {
        char ctx[64];
        snprintf(ctx, sizeof ctx, "dsql expires_in %lld", (long long)bad_expiry[i]);
        CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, true, NULL, bad_expiry[i], AT, &token),
                     "INVALID_EXPIRES_IN", ctx);
    }
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, false, NULL, 900, -1, &token), "INVALID_SIGNING_TIME",
                 "dsql: signing_time -1");
    CHECK(token == UNTOUCHED_TOKEN, "token_out untouched");

    char *plain = NULL, *admin = NULL, *week = NULL;
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, false, NULL, 900, AT, &plain), "OK", "dsql");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, true, NULL, 900, AT, &admin), "OK", "dsql admin");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, DSQL_HOST, true, NULL, AURORAIAM_MAX_DSQL_EXPIRES_IN, AT, &week),
                 "OK", "dsql one week");
    CHECK(plain && strstr(plain, "/?Action=DbConnect&") != NULL, "dsql token is DbConnect: %s", plain);
    CHECK(admin && strstr(admin, "/?Action=DbConnectAdmin&") != NULL, "admin token is DbConnectAdmin");
    CHECK(week && strstr(week, "X-Amz-Expires=604800&") != NULL, "one-week expiry kept");
    char *by_len = NULL;
    CHECK_STATUS(auroraiam_signer_dsql_token_len(signer, DSQL_HOST "junk", strlen(DSQL_HOST), false, "us-east-1junk",
                                                 9, 900, AT, &by_len),
                 "OK", "dsql len");
    CHECK(plain && by_len && strcmp(plain, by_len) == 0, "dsql len gives the same token");
    auroraiam_token_free(plain);
    auroraiam_token_free(admin);
    auroraiam_token_free(week);
    auroraiam_token_free(by_len);
}

/* Formats the X-Amz-Date day of a Unix time. */
static void amz_day(time_t t, char out[9]) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 9, "%Y%m%d", &tm);
}

static void test_now(void) {
    char before[9], after[9], *rds_token = NULL, *dsql_token = NULL;
    amz_day(time(NULL), before);
    CHECK_STATUS(auroraiam_signer_rds_token_now(signer, HOST, 5432, "iam_user", NULL, 900, &rds_token), "OK", "now");
    CHECK_STATUS(auroraiam_signer_dsql_token_now(signer, DSQL_HOST, false, NULL, 900, &dsql_token), "OK", "dsql now");
    amz_day(time(NULL), after);
    char want1[32], want2[32];
    snprintf(want1, sizeof want1, "X-Amz-Date=%sT", before);
    snprintf(want2, sizeof want2, "X-Amz-Date=%sT", after);
    CHECK(rds_token && (strstr(rds_token, want1) || strstr(rds_token, want2)), "now: today's date in %s", rds_token);
    CHECK(dsql_token && (strstr(dsql_token, want1) || strstr(dsql_token, want2)), "dsql now: today's date");
    auroraiam_token_free(rds_token);
    auroraiam_token_free(dsql_token);
}

static void test_tokens_and_messages(void) {
    /* Known answer through the NUL-terminated function, explicit region and inferred. */
    char *a = rds("rds-0001", "OK", HOST, 5432, "iam_user", "us-east-1", 900, AT);
    char *b = rds("rds-0001 inferred", "OK", HOST, 5432, "iam_user", NULL, 900, AT);
    CHECK(a && strcmp(a, RDS_0001_TOKEN) == 0, "rds-0001 token: %s", a ? a : "(none)");
    CHECK(b && strcmp(b, RDS_0001_TOKEN) == 0, "rds-0001 token with the region inferred");
    /* Writing into a token before freeing it is allowed: it is wiped and freed whole. */
    if (a) a[10] = '\0';
    auroraiam_token_free(a);
    auroraiam_token_free(b);
    auroraiam_token_free(NULL);

    /* The detail message: set on failure, cleared on success, snprintf-style copying. */
    rds_fails("message", "INVALID_PORT", HOST, 0, "u", NULL, 900, AT);
    size_t full = auroraiam_last_error_message(NULL, 0);
    CHECK(full > 10, "message length %zu", full);
    CHECK(auroraiam_last_error_message(NULL, 100) == full, "NULL buffer with a length: length only");
    char small[8];
    memset(small, 'X', sizeof small);
    CHECK(auroraiam_last_error_message(small, sizeof small) == full, "truncated copy returns the full length");
    CHECK(strlen(small) == sizeof small - 1, "truncated copy is NUL-terminated");
    char untouched = 'X';
    auroraiam_last_error_message(&untouched, 0);
    CHECK(untouched == 'X', "buf_len 0 writes nothing");
    char full_buf[512];
    auroraiam_last_error_message(full_buf, sizeof full_buf);
    CHECK(strstr(full_buf, "port 0") != NULL, "message names the value: %s", full_buf);
    char *ok = rds("success clears", "OK", HOST, 5432, "u", NULL, 900, AT);
    CHECK(auroraiam_last_error_message(NULL, 0) == 0, "success leaves an empty message");
    auroraiam_token_free(ok);
}

static void *other_thread(void *arg) {
    (void)arg;
    char *token = NULL;
    /* This thread fails with its own message... */
    uint32_t rc = auroraiam_signer_rds_token(signer, HOST, 70000, "u", NULL, 900, AT, &token);
    bool own = rc == AURORAIAM_RESULT_INVALID_PORT && strstr(last_message(), "70000") != NULL;
    return own ? (void *)1 : NULL;
}

static void test_message_is_per_thread(void) {
    rds_fails("main thread", "INVALID_EXPIRES_IN", HOST, 5432, "u", NULL, 901, AT);
    char before[512];
    snprintf(before, sizeof before, "%s", last_message());
    pthread_t t;
    void *result = NULL;
    CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0, "pthread_create");
    pthread_join(t, &result);
    CHECK(result == (void *)1, "the other thread saw its own status and message");
    CHECK(strcmp(before, last_message()) == 0, "...and this thread's message is unchanged: %s", last_message());
}

int main(void) {
    CHECK_STATUS(auroraiam_signer_new(AKID, SECRET, NULL, &signer), "OK", "test signer");
    if (!signer) return check_summary("test_api");
    test_version();
    test_result_names();
    test_signer_new();
    test_signer_from_env();
    test_rds_bad_input();
    test_rds_len();
    test_dsql();
    test_now();
    test_tokens_and_messages();
    test_message_is_per_thread();
    auroraiam_signer_free(signer);
    return check_summary("test_api");
}
