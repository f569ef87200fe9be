/*
 * Token inspection through the C API: every token of the shared vectors (tests/vectors/<kind>.json,
 * read in place) parses back to the inputs it was made from, verifies with its secret and
 * with the expectations it was made for, and fails with the exact status for a wrong secret, a
 * flipped byte, another host/port/user/region/kind, a clock before or after its lifetime;
 * redaction hides its signature and session token; diagnosis finds what it should. Then the API
 * contract of every inspection function: NULL for each pointer, bad UTF-8, absurd lengths,
 * out-of-range numbers, out-parameters untouched on failure, the secret-lookup callback.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auroraiam.h"
#include "check.h"
#include "vectors.h"

#define HOST "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AT 1478540373
/* rds-0001 of tests/vectors/rds.json (botocore's token for these inputs). */
#define RDS_0001_TOKEN                                                                                     \
    "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user&X-Amz-"       \
    "Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20161107%2Fus-east-1%2Frds-db%2F"  \
    "aws4_request&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" \
    "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14"
#define RDS_0001_SIGNATURE "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14"

/* The last second a SigV4 date can express (9999-12-31T23:59:59Z). */
#define MAX_UNIX_TIME INT64_C(253402300799)

static char sentinel;
#define UNTOUCHED_INFO ((auroraiam_token_info *)&sentinel)
#define UNTOUCHED_STRING (&sentinel)

static uint32_t kind_of(const vec_case *c) {
    if (strcmp(c->kind, "rds") == 0) return AURORAIAM_TOKEN_KIND_RDS;
    if (strcmp(c->kind, "dsql") == 0) return AURORAIAM_TOKEN_KIND_DSQL;
    return AURORAIAM_TOKEN_KIND_DSQL_ADMIN;
}

static bool has_code(const auroraiam_diagnostics *d, const char *code) {
    for (size_t i = 0; i < auroraiam_diagnostics_count(d); i++) {
        if (strcmp(auroraiam_diagnostics_code(d, i), code) == 0) return true;
    }
    return false;
}

/* A copy of `token` with the query value of `key` (up to '&' or the end), or "" when absent. */
static void query_value(const char *token, const char *key, char *out, size_t out_len) {
    out[0] = '\0';
    const char *p = strstr(token, key);
    if (!p) return;
    p += strlen(key);
    size_t n = strcspn(p, "&");
    if (n >= out_len) n = out_len - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Verify options for a case: its clock at signing time and every expectation it was made for. */
static auroraiam_verify_options *options_for(const vec_case *c, const auroraiam_token_info *info) {
    auroraiam_verify_options *o = NULL;
    if (auroraiam_verify_options_new(&o) != AURORAIAM_RESULT_OK) return NULL;
    auroraiam_verify_options_set_now(o, c->signing_time);
    auroraiam_verify_options_set_expect_kind(o, kind_of(c));
    auroraiam_verify_options_set_expect_hostname(o, c->hostname.ptr);
    if (c->has_port) auroraiam_verify_options_set_expect_port(o, c->port);
    if (c->username.present) auroraiam_verify_options_set_expect_username(o, c->username.ptr);
    auroraiam_verify_options_set_expect_region(o, c->region.present ? c->region.ptr : auroraiam_token_info_region(info));
    return o;
}

/* Runs one verification with `options` changed by `tweak`, expecting `want`. */
typedef uint32_t (*tweak_fn)(auroraiam_verify_options *o, const vec_case *c);

static void verify_expecting(const vec_case *c, const auroraiam_token_info *info, const char *token, tweak_fn tweak,
                             const char *want, const char *what) {
    auroraiam_verify_options *o = options_for(c, info);
    if (tweak) tweak(o, c);
    auroraiam_token_info *out = UNTOUCHED_INFO;
    uint32_t rc = auroraiam_token_verify(token, c->access_key_id.ptr, c->secret_access_key.ptr, o, &out);
    char ctx[256];
    snprintf(ctx, sizeof ctx, "%s %s: %s", c->file, c->id, what);
    CHECK_STATUS(rc, want, ctx);
    if (rc == AURORAIAM_RESULT_OK) {
        auroraiam_token_info_free(out);
    } else {
        CHECK(out == UNTOUCHED_INFO, "%s: info_out written on failure", ctx);
        CHECK(strstr(last_message(), c->secret_access_key.ptr) == NULL || c->secret_access_key.len < 8,
              "%s: the message contains the secret", ctx);
    }
    auroraiam_verify_options_free(o);
}

static uint32_t other_host(auroraiam_verify_options *o, const vec_case *c) {
    (void)c;
    return auroraiam_verify_options_set_expect_hostname(o, "other.cluster-x.us-east-1.rds.amazonaws.com");
}
static uint32_t other_port(auroraiam_verify_options *o, const vec_case *c) {
    return auroraiam_verify_options_set_expect_port(o, c->has_port && c->port == 5432 ? 3306 : 5432);
}
static uint32_t other_user(auroraiam_verify_options *o, const vec_case *c) {
    (void)c;
    return auroraiam_verify_options_set_expect_username(o, "someone_else");
}
static uint32_t other_region(auroraiam_verify_options *o, const vec_case *c) {
    (void)c;
    return auroraiam_verify_options_set_expect_region(o, "xx-nowhere-9");
}
static uint32_t other_kind(auroraiam_verify_options *o, const vec_case *c) {
    return auroraiam_verify_options_set_expect_kind(o, kind_of(c) == AURORAIAM_TOKEN_KIND_RDS
                                                           ? AURORAIAM_TOKEN_KIND_DSQL
                                                           : AURORAIAM_TOKEN_KIND_RDS);
}
static uint32_t too_early(auroraiam_verify_options *o, const vec_case *c) {
    return auroraiam_verify_options_set_now(o, c->signing_time - AURORAIAM_DEFAULT_MAX_CLOCK_SKEW - 1);
}
static uint32_t at_expiry(auroraiam_verify_options *o, const vec_case *c) {
    return auroraiam_verify_options_set_now(o, c->signing_time + c->expires_in);
}
static uint32_t within_skew(auroraiam_verify_options *o, const vec_case *c) {
    return auroraiam_verify_options_set_now(o, c->signing_time - AURORAIAM_DEFAULT_MAX_CLOCK_SKEW);
}
static uint32_t last_second(auroraiam_verify_options *o, const vec_case *c) {
    return auroraiam_verify_options_set_now(o, c->signing_time + c->expires_in - 1);
}

/* A secret lookup over one vector case (userdata); counts its calls. */
typedef struct {
    const vec_case *c;
    int calls;
} lookup_state;

static int case_lookup(void *userdata, const char *access_key_id, size_t access_key_id_len, char *secret_buf,
                       size_t secret_buf_len, size_t *secret_len) {
    lookup_state *s = userdata;
    s->calls++;
    if (access_key_id_len != s->c->access_key_id.len ||
        memcmp(access_key_id, s->c->access_key_id.ptr, access_key_id_len) != 0 ||
        access_key_id[access_key_id_len] != '\0') {
        return AURORAIAM_SECRET_UNKNOWN;
    }
    if (s->c->secret_access_key.len > secret_buf_len) return -1;
    memcpy(secret_buf, s->c->secret_access_key.ptr, s->c->secret_access_key.len);
    *secret_len = s->c->secret_access_key.len;
    return AURORAIAM_SECRET_FOUND;
}

/* Tokens whose host still parsed after one byte of it was changed (checked for SIGNATURE_MISMATCH). */
static size_t flipped_hosts;

/* Every check of one token case; returns false when any failed. */
static bool round_trip(const vec_case *c) {
    const char *token = c->expected_token.ptr;
    char ctx[200];
    snprintf(ctx, sizeof ctx, "%s %s", c->file, c->id);
    auroraiam_token_info *info = NULL;
    uint32_t rc = auroraiam_token_parse(token, &info);
    if (!CHECK_STATUS(rc, "OK", ctx)) return false;
    bool ok = true;

    /* Fields back to the inputs. */
    ok &= CHECK(auroraiam_token_info_kind(info) == kind_of(c), "%s: kind %u", ctx, auroraiam_token_info_kind(info));
    ok &= CHECK(strcmp(auroraiam_token_kind_name(auroraiam_token_info_kind(info)), c->kind) == 0, "%s: kind name",
                ctx);
    ok &= CHECK(strcmp(auroraiam_token_info_hostname(info), c->hostname.ptr) == 0, "%s: hostname %s", ctx,
                auroraiam_token_info_hostname(info));
    if (c->has_port) {
        ok &= CHECK(auroraiam_token_info_has_port(info) && auroraiam_token_info_port(info) == c->port, "%s: port %u",
                    ctx, (unsigned)auroraiam_token_info_port(info));
    } else {
        ok &= CHECK(!auroraiam_token_info_has_port(info) && auroraiam_token_info_port(info) == 0, "%s: no port", ctx);
    }
    if (c->username.present) {
        const char *u = auroraiam_token_info_username(info);
        ok &= CHECK(u && auroraiam_token_info_username_len(info) == c->username.len &&
                        memcmp(u, c->username.ptr, c->username.len) == 0,
                    "%s: username", ctx);
    } else {
        ok &= CHECK(auroraiam_token_info_username(info) == NULL && auroraiam_token_info_username_len(info) == 0,
                    "%s: no username", ctx);
    }
    ok &= CHECK(auroraiam_token_info_access_key_id_len(info) == c->access_key_id.len &&
                    strcmp(auroraiam_token_info_access_key_id(info), c->access_key_id.ptr) == 0,
                "%s: access key id", ctx);
    const char *region = auroraiam_token_info_region(info);
    if (c->region.present) {
        ok &= CHECK(strcmp(region, c->region.ptr) == 0, "%s: region %s", ctx, region);
    } else {
        /* Inferred: it is part of the endpoint name. */
        bool in_host = false;
        for (const char *h = c->hostname.ptr; *h && !in_host; h++) in_host = strncasecmp(h, region, strlen(region)) == 0;
        ok &= CHECK(region[0] != '\0' && in_host, "%s: inferred region %s", ctx, region);
    }
    ok &= CHECK(strcmp(auroraiam_token_info_service(info), kind_of(c) == AURORAIAM_TOKEN_KIND_RDS ? "rds-db" : "dsql") ==
                    0,
                "%s: service", ctx);
    ok &= CHECK(auroraiam_token_info_signing_time(info) == c->signing_time, "%s: signing time", ctx);
    ok &= CHECK(auroraiam_token_info_expires_in(info) == c->expires_in, "%s: expires_in", ctx);
    ok &= CHECK(auroraiam_token_info_expires_at(info) == c->signing_time + c->expires_in, "%s: expires_at", ctx);
    bool session = c->session_token.present && c->session_token.len > 0;
    ok &= CHECK(auroraiam_token_info_has_session_token(info) == session, "%s: has_session_token", ctx);
    ok &= CHECK(auroraiam_token_info_length(info) == c->expected_token.len, "%s: length", ctx);
    int64_t remaining = -12345;
    ok &= CHECK(auroraiam_token_info_remaining(info, c->signing_time, &remaining) == AURORAIAM_RESULT_OK &&
                    remaining == c->expires_in,
                "%s: remaining at signing time %lld", ctx, (long long)remaining);

    /* The pointer+length parser agrees. */
    auroraiam_token_info *by_len = NULL;
    ok &= CHECK(auroraiam_token_parse_len(token, c->expected_token.len, &by_len) == AURORAIAM_RESULT_OK &&
                    auroraiam_token_info_signing_time(by_len) == c->signing_time,
                "%s: parse_len", ctx);
    auroraiam_token_info_free(by_len);

    /* Verifies with its secret and the expectations it was made for, also at the edges of
     * its lifetime, through every verify function. */
    verify_expecting(c, info, token, NULL, "OK", "right secret");
    bool end_representable = c->signing_time + c->expires_in <= MAX_UNIX_TIME;
    if (end_representable) verify_expecting(c, info, token, last_second, "OK", "last second of its life");
    if (c->signing_time >= AURORAIAM_DEFAULT_MAX_CLOCK_SKEW) {
        verify_expecting(c, info, token, within_skew, "OK", "signed within the clock skew");
    }
    auroraiam_verify_options *o = options_for(c, info);
    auroraiam_token_info *verified = NULL;
    rc = auroraiam_token_verify_len(token, c->expected_token.len, c->access_key_id.ptr, c->access_key_id.len,
                                    c->secret_access_key.ptr, c->secret_access_key.len, o, &verified);
    ok &= CHECK_STATUS(rc, "OK", "verify_len");
    ok &= CHECK(verified && auroraiam_token_info_expires_at(verified) == c->signing_time + c->expires_in &&
                    strcmp(auroraiam_token_info_hostname(verified), c->hostname.ptr) == 0,
                "%s: verified info", ctx);
    auroraiam_token_info_free(verified);
    lookup_state state = {c, 0};
    rc = auroraiam_token_verify_with_lookup(token, case_lookup, &state, o, NULL);
    ok &= CHECK_STATUS(rc, "OK", "verify_with_lookup") && CHECK(state.calls == 1, "%s: lookup called once", ctx);
    rc = auroraiam_token_verify_with_lookup_len(token, c->expected_token.len, case_lookup, &state, o, NULL);
    ok &= CHECK_STATUS(rc, "OK", "verify_with_lookup_len");
    auroraiam_verify_options_free(o);

    /* Exact failures. */
    o = options_for(c, info);
    char wrong[64];
    snprintf(wrong, sizeof wrong, "%.*sX", (int)(c->secret_access_key.len < 40 ? c->secret_access_key.len : 40),
             c->secret_access_key.ptr);
    rc = auroraiam_token_verify(token, c->access_key_id.ptr, wrong, o, NULL);
    ok &= CHECK_STATUS(rc, "SIGNATURE_MISMATCH", "wrong secret");
    rc = auroraiam_token_verify(token, "AKIDSOMEONEELSE", c->secret_access_key.ptr, o, NULL);
    ok &= CHECK_STATUS(rc, "UNKNOWN_ACCESS_KEY", "another access key id");
    char *flipped = malloc(c->expected_token.len + 1);
    memcpy(flipped, token, c->expected_token.len + 1);
    flipped[c->expected_token.len - 1] = flipped[c->expected_token.len - 1] == '0' ? '1' : '0';
    rc = auroraiam_token_verify(flipped, c->access_key_id.ptr, c->secret_access_key.ptr, o, NULL);
    ok &= CHECK_STATUS(rc, "SIGNATURE_MISMATCH", "flipped signature digit");
    memcpy(flipped, token, c->expected_token.len + 1);
    /* The first letter or digit of the host (inside the brackets of an IPv6 literal). */
    bool bracketed = flipped[0] == '[';
    for (char *h = flipped; *h && *h != '/' && !(*h == ':' && !bracketed) && *h != ']'; h++) {
        if (isalnum((unsigned char)*h) && *h != 'z' && *h != 'Z' && *h != '9' && *h != 'f' && *h != 'F') {
            (*h)++;
            break;
        }
    }
    auroraiam_token_info *flipped_info = NULL;
    if (auroraiam_token_parse(flipped, &flipped_info) == AURORAIAM_RESULT_OK) {
        ok &= CHECK(strcmp(flipped, token) != 0, "%s: a host byte was flipped", ctx);
        flipped_hosts++;
        rc = auroraiam_token_verify(flipped, c->access_key_id.ptr, c->secret_access_key.ptr, NULL, NULL);
        ok &= CHECK_STATUS(rc, "SIGNATURE_MISMATCH", "flipped host byte");
    }
    auroraiam_token_info_free(flipped_info);
    free(flipped);
    auroraiam_verify_options_free(o);
    verify_expecting(c, info, token, other_host, "HOST_MISMATCH", "another host");
    verify_expecting(c, info, token, other_port, "PORT_MISMATCH", "another port");
    if (c->username.present) verify_expecting(c, info, token, other_user, "USER_MISMATCH", "another user");
    verify_expecting(c, info, token, other_region, "REGION_MISMATCH", "another region");
    verify_expecting(c, info, token, other_kind, "KIND_MISMATCH", "another kind");
    if (c->signing_time >= AURORAIAM_DEFAULT_MAX_CLOCK_SKEW + 1) {
        verify_expecting(c, info, token, too_early, "TOKEN_NOT_YET_VALID", "clock before the signing time");
    }
    if (end_representable) verify_expecting(c, info, token, at_expiry, "TOKEN_EXPIRED", "clock at the expiry");

    /* Redaction hides the signature and the session token, keeps the rest readable. */
    char *redacted = NULL;
    rc = auroraiam_token_redact(token, &redacted);
    ok &= CHECK_STATUS(rc, "OK", "redact");
    if (redacted) {
        char signature[80], session_value[20000];
        query_value(token, "X-Amz-Signature=", signature, sizeof signature);
        ok &= CHECK(strlen(signature) == 64 && strstr(redacted, signature) == NULL, "%s: signature visible", ctx);
        ok &= CHECK(strstr(redacted, "X-Amz-Signature=<redacted:64 chars>") != NULL, "%s: redacted %s", ctx, redacted);
        query_value(token, "X-Amz-Security-Token=", session_value, sizeof session_value);
        if (session) {
            ok &= CHECK(session_value[0] != '\0' && strstr(redacted, session_value) == NULL,
                        "%s: session token visible", ctx);
            ok &= CHECK(strstr(redacted, "X-Amz-Security-Token=<redacted:") != NULL, "%s: session marker", ctx);
        }
        size_t authority = strcspn(token, "/");
        ok &= CHECK(strncmp(redacted, token, authority) == 0, "%s: host kept", ctx);
        char *by_len_redacted = NULL;
        ok &= CHECK(auroraiam_token_redact_len(token, c->expected_token.len, &by_len_redacted) == AURORAIAM_RESULT_OK &&
                        strcmp(by_len_redacted, redacted) == 0,
                    "%s: redact_len agrees", ctx);
        auroraiam_token_free(by_len_redacted);
    }
    auroraiam_token_free(redacted);

    /* Diagnosis: healthy on the lifetime checks at signing time, expired at the end. */
    auroraiam_diagnose_options *d = NULL;
    auroraiam_diagnose_options_new(&d);
    auroraiam_diagnose_options_set_now(d, c->signing_time);
    auroraiam_diagnose_options_set_expect_hostname(d, c->hostname.ptr);
    if (c->has_port) auroraiam_diagnose_options_set_expect_port(d, c->port);
    if (c->username.present) auroraiam_diagnose_options_set_expect_username(d, c->username.ptr);
    auroraiam_diagnostics *found = NULL;
    ok &= CHECK_STATUS(auroraiam_token_diagnose(info, d, &found), "OK", "diagnose");
    static const char *const never[] = {"EXPIRED", "NOT_YET_VALID", "HOST_MISMATCH", "PORT_MISMATCH", "USER_MISMATCH",
                                        "EXPIRES_IN_TOO_LONG"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        ok &= CHECK(!has_code(found, never[i]), "%s: diagnosed %s at signing time", ctx, never[i]);
    }
    for (size_t i = 0; i < auroraiam_diagnostics_count(found); i++) {
        const char *sev = auroraiam_diagnostics_severity(found, i);
        ok &= CHECK(sev && (strcmp(sev, "error") == 0 || strcmp(sev, "warning") == 0) &&
                        auroraiam_diagnostics_message(found, i) && auroraiam_diagnostics_message(found, i)[0],
                    "%s: finding %zu", ctx, i);
    }
    auroraiam_diagnostics_free(found);
    auroraiam_diagnose_options_set_expect_port(d, c->has_port && c->port == 5432 ? 3306 : 5432);
    if (end_representable) auroraiam_diagnose_options_set_now(d, c->signing_time + c->expires_in);
    found = NULL;
    auroraiam_token_diagnose(info, d, &found);
    ok &= CHECK((has_code(found, "EXPIRED") || !end_representable) && has_code(found, "PORT_MISMATCH") &&
                    auroraiam_diagnostics_has_errors(found),
                "%s: EXPIRED and PORT_MISMATCH at the expiry with another port", ctx);
    auroraiam_diagnostics_free(found);
    auroraiam_diagnose_options_free(d);

    auroraiam_token_info_free(info);
    return ok;
}

static void test_vectors(const char *dir) {
    vec_set set;
    char err[512];
    if (!vec_load(dir, &set, err, sizeof err)) {
        CHECK(false, "cannot load the vectors: %s", err);
        vec_free(&set);
        return;
    }
    size_t tokens = 0, good = 0;
    for (size_t i = 0; i < set.count; i++) {
        if (!set.cases[i].expected_token.present) continue;
        tokens++;
        if (round_trip(&set.cases[i])) good++;
    }
    printf("vectors: %zu tokens from %zu files parsed back to their inputs, verified, redacted and diagnosed: "
           "%zu fully right (%zu also with a changed host byte)\n",
           tokens, set.file_count, good, flipped_hosts);
    CHECK(tokens >= 450 && good == tokens, "%zu of %zu tokens passed every check", good, tokens);
    vec_free(&set);
}

/* ---- API contract ---------------------------------------------------------------------- */

static void message_mentions(const char *context, const char *word) {
    const char *m = last_message();
    CHECK(strstr(m, word) != NULL, "%s: detail message \"%s\" should mention \"%s\"", context, m, word);
}

static void test_parse_contract(void) {
    auroraiam_token_info *info = UNTOUCHED_INFO;
    CHECK_STATUS(auroraiam_token_parse(NULL, &info), "NULL_ARGUMENT", "parse: token NULL");
    message_mentions("parse: token NULL", "token");
    CHECK_STATUS(auroraiam_token_parse(RDS_0001_TOKEN, NULL), "NULL_ARGUMENT", "parse: info_out NULL");
    message_mentions("parse: info_out NULL", "info_out");
    CHECK_STATUS(auroraiam_token_parse("", &info), "TOKEN_MALFORMED", "parse: empty");
    CHECK_STATUS(auroraiam_token_parse("hunter2", &info), "TOKEN_MALFORMED", "parse: a password");
    CHECK_STATUS(auroraiam_token_parse("https://" RDS_0001_TOKEN, &info), "TOKEN_MALFORMED", "parse: with scheme");
    message_mentions("parse: with scheme", "scheme");
    CHECK_STATUS(auroraiam_token_parse(RDS_0001_TOKEN "\n", &info), "TOKEN_MALFORMED", "parse: line break");
    CHECK_STATUS(auroraiam_token_parse(RDS_0001_TOKEN "&Extra=1", &info), "TOKEN_MALFORMED", "parse: extra param");
    CHECK_STATUS(auroraiam_token_parse("db\xff:5432/?Action=connect", &info), "INVALID_UTF8", "parse: not UTF-8");
    message_mentions("parse: not UTF-8", "token");
    CHECK_STATUS(auroraiam_token_parse_len(NULL, 0, &info), "NULL_ARGUMENT", "parse_len: NULL");
    CHECK_STATUS(auroraiam_token_parse_len(RDS_0001_TOKEN, SIZE_MAX, &info), "INVALID_LENGTH", "parse_len: SIZE_MAX");
    CHECK_STATUS(auroraiam_token_parse_len(RDS_0001_TOKEN, 10, &info), "TOKEN_MALFORMED", "parse_len: a prefix");
    char with_nul[] = RDS_0001_TOKEN;
    with_nul[20] = '\0';
    CHECK_STATUS(auroraiam_token_parse_len(with_nul, sizeof with_nul - 1, &info), "TOKEN_MALFORMED",
                 "parse_len: NUL inside");
    size_t big = 1u << 20;
    char *huge = malloc(big + 1);
    memset(huge, 'a', big);
    huge[big] = '\0';
    CHECK_STATUS(auroraiam_token_parse(huge, &info), "TOKEN_MALFORMED", "parse: 1 MB");
    CHECK(strlen(last_message()) < 300, "parse: short message for 1 MB: %zu bytes", strlen(last_message()));
    free(huge);
    CHECK(info == UNTOUCHED_INFO, "info_out untouched by every failure");

    /* A token carrying the whole length in a longer buffer parses through _len. */
    CHECK_STATUS(auroraiam_token_parse_len(RDS_0001_TOKEN "TRAILING", strlen(RDS_0001_TOKEN), &info), "OK",
                 "parse_len: prefix of a longer buffer");
    CHECK(info != UNTOUCHED_INFO && strcmp(auroraiam_token_info_username(info), "iam_user") == 0, "iam_user");
    int64_t remaining = 777;
    CHECK_STATUS(auroraiam_token_info_remaining(info, AT + 100, &remaining), "OK", "remaining");
    CHECK(remaining == 800, "remaining at AT+100: %lld", (long long)remaining);
    CHECK_STATUS(auroraiam_token_info_remaining(info, AT + 1000, &remaining), "OK", "remaining after expiry");
    CHECK(remaining == -100, "remaining is negative once expired: %lld", (long long)remaining);
    CHECK_STATUS(auroraiam_token_info_remaining(info, -1, &remaining), "INVALID_SIGNING_TIME", "remaining: now -1");
    CHECK_STATUS(auroraiam_token_info_remaining(NULL, AT, &remaining), "NULL_ARGUMENT", "remaining: info NULL");
    CHECK_STATUS(auroraiam_token_info_remaining(info, AT, NULL), "NULL_ARGUMENT", "remaining: out NULL");
    CHECK(remaining == -100, "remaining_out untouched by failures");
    auroraiam_token_info_free(info);

    /* Getters on NULL give their zero values. */
    CHECK(auroraiam_token_info_kind(NULL) == 0 && auroraiam_token_info_hostname(NULL) == NULL &&
              !auroraiam_token_info_has_port(NULL) && auroraiam_token_info_port(NULL) == 0 &&
              auroraiam_token_info_username(NULL) == NULL && auroraiam_token_info_username_len(NULL) == 0 &&
              auroraiam_token_info_access_key_id(NULL) == NULL && auroraiam_token_info_access_key_id_len(NULL) == 0 &&
              auroraiam_token_info_region(NULL) == NULL && auroraiam_token_info_service(NULL) == NULL &&
              auroraiam_token_info_signing_time(NULL) == 0 && auroraiam_token_info_expires_in(NULL) == 0 &&
              auroraiam_token_info_expires_at(NULL) == 0 && !auroraiam_token_info_has_session_token(NULL) &&
              auroraiam_token_info_length(NULL) == 0,
          "getters on NULL return zero values");
    auroraiam_token_info_free(NULL);

    /* A decoded user or access key id with a NUL byte (a forged token; no signer makes one) is
       TOKEN_MALFORMED, and the out-param stays untouched. */
    const char *forged_user = "db.example.com:5432/?Action=connect&DBUser=ab%00cd&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                              "X-Amz-Credential=AKID%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date="
                              "20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature="
                              "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14";
    const char *forged_key = "db.example.com:5432/?Action=connect&DBUser=abcd&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                             "X-Amz-Credential=AK%00ID%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date="
                             "20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature="
                             "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14";
    info = NULL;
    CHECK_STATUS(auroraiam_token_parse(forged_user, &info), "TOKEN_MALFORMED", "parse: user with %00");
    CHECK(info == NULL, "out-param untouched on a forged user");
    CHECK_STATUS(auroraiam_token_parse(forged_key, &info), "TOKEN_MALFORMED", "parse: access key id with %00");
    CHECK(info == NULL, "out-param untouched on a forged access key id");

    /* DSQL: no port, no user. */
    const char *dsql = "abc.dsql.us-east-1.on.aws/?Action=DbConnectAdmin&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
                       "X-Amz-Credential=AKID%2F20161107%2Fus-east-1%2Fdsql%2Faws4_request&X-Amz-Date=20161107T173933Z&"
                       "X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature="
                       "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14";
    info = NULL;
    CHECK_STATUS(auroraiam_token_parse(dsql, &info), "OK", "parse: dsql admin");
    CHECK(auroraiam_token_info_kind(info) == AURORAIAM_TOKEN_KIND_DSQL_ADMIN && !auroraiam_token_info_has_port(info) &&
              auroraiam_token_info_username(info) == NULL && auroraiam_token_info_expires_in(info) == 604800 &&
              strcmp(auroraiam_token_info_service(info), "dsql") == 0,
          "dsql admin fields");
    auroraiam_token_info_free(info);

    /* Kind names. */
    CHECK(strcmp(auroraiam_token_kind_name(AURORAIAM_TOKEN_KIND_RDS), "rds") == 0 &&
              strcmp(auroraiam_token_kind_name(AURORAIAM_TOKEN_KIND_DSQL), "dsql") == 0 &&
              strcmp(auroraiam_token_kind_name(AURORAIAM_TOKEN_KIND_DSQL_ADMIN), "dsql-admin") == 0 &&
              strcmp(auroraiam_token_kind_name(0), "unknown") == 0 &&
              strcmp(auroraiam_token_kind_name(UINT32_MAX), "unknown") == 0,
          "kind names");
}

static void test_redact_contract(void) {
    char *out = UNTOUCHED_STRING;
    CHECK_STATUS(auroraiam_token_redact(NULL, &out), "NULL_ARGUMENT", "redact: token NULL");
    CHECK_STATUS(auroraiam_token_redact(RDS_0001_TOKEN, NULL), "NULL_ARGUMENT", "redact: out NULL");
    message_mentions("redact: out NULL", "redacted_out");
    CHECK_STATUS(auroraiam_token_redact("abc\xff", &out), "INVALID_UTF8", "redact: not UTF-8");
    CHECK_STATUS(auroraiam_token_redact_len(NULL, 3, &out), "NULL_ARGUMENT", "redact_len: NULL");
    CHECK_STATUS(auroraiam_token_redact_len("abc", SIZE_MAX, &out), "INVALID_LENGTH", "redact_len: SIZE_MAX");
    CHECK(out == UNTOUCHED_STRING, "redacted_out untouched by failures");
    out = NULL;
    CHECK_STATUS(auroraiam_token_redact("hunter2", &out), "OK", "redact: a password");
    CHECK(out && strcmp(out, "<redacted: 7 bytes, not a token>") == 0, "a password is masked whole: %s", out);
    auroraiam_token_free(out);
    out = NULL;
    CHECK_STATUS(auroraiam_token_redact(RDS_0001_TOKEN, &out), "OK", "redact rds-0001");
    CHECK(out && strstr(out, RDS_0001_SIGNATURE) == NULL && strstr(out, "DBUser=iam_user") != NULL &&
              strstr(out, "X-Amz-Signature=<redacted:64 chars>") != NULL,
          "rds-0001 redacted: %s", out);
    auroraiam_token_free(out);
    out = NULL;
    CHECK_STATUS(auroraiam_token_redact_len("", 0, &out), "OK", "redact: empty");
    CHECK(out && strcmp(out, "<redacted: 0 bytes, not a token>") == 0, "empty: %s", out);
    auroraiam_token_free(out);
}

static const char *ip_token_host = "10.1.2.3";

static void test_diagnose_contract(void) {
    auroraiam_token_info *info = NULL;
    auroraiam_token_parse(RDS_0001_TOKEN, &info);
    auroraiam_diagnose_options *o = (auroraiam_diagnose_options *)&sentinel;
    CHECK_STATUS(auroraiam_diagnose_options_new(NULL), "NULL_ARGUMENT", "diagnose options_out NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_now(NULL, AT), "NULL_ARGUMENT", "set_now: options NULL");
    message_mentions("set_now: options NULL", "options");
    o = NULL;
    CHECK_STATUS(auroraiam_diagnose_options_new(&o), "OK", "diagnose options");
    CHECK_STATUS(auroraiam_diagnose_options_set_now(o, -1), "INVALID_SIGNING_TIME", "set_now -1");
    CHECK_STATUS(auroraiam_diagnose_options_set_now(o, 253402300800), "INVALID_SIGNING_TIME", "set_now year 10000");
    CHECK_STATUS(auroraiam_diagnose_options_set_max_clock_skew(o, -1), "INVALID_ARGUMENT", "skew -1");
    message_mentions("skew -1", "max_clock_skew");
    CHECK_STATUS(auroraiam_diagnose_options_set_max_clock_skew(o, (int64_t)UINT32_MAX + 1), "INVALID_ARGUMENT",
                 "skew 2^32");
    CHECK_STATUS(auroraiam_diagnose_options_set_max_clock_skew(NULL, 1), "NULL_ARGUMENT", "skew: NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_hostname(o, NULL), "NULL_ARGUMENT", "expect_hostname NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_hostname(o, "h\xff"), "INVALID_UTF8", "expect_hostname UTF-8");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_hostname(NULL, HOST), "NULL_ARGUMENT", "expect_hostname: NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_port(o, 0), "INVALID_PORT", "expect_port 0");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_port(o, 65536), "INVALID_PORT", "expect_port 65536");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_port(NULL, 5432), "NULL_ARGUMENT", "expect_port: NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_username(o, NULL), "NULL_ARGUMENT", "expect_username NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_expect_username(NULL, "u"), "NULL_ARGUMENT", "expect_username: NULL");
    CHECK_STATUS(auroraiam_diagnose_options_set_pooler_length_limit(NULL, 10), "NULL_ARGUMENT", "pooler: NULL");

    /* After the failed setters the options are still the defaults: healthy at AT. */
    CHECK_STATUS(auroraiam_diagnose_options_set_now(o, AT + 1), "OK", "set_now");
    auroraiam_diagnostics *d = (auroraiam_diagnostics *)&sentinel;
    CHECK_STATUS(auroraiam_token_diagnose(NULL, o, &d), "NULL_ARGUMENT", "diagnose: info NULL");
    CHECK_STATUS(auroraiam_token_diagnose(info, o, NULL), "NULL_ARGUMENT", "diagnose: out NULL");
    CHECK(d == (auroraiam_diagnostics *)&sentinel, "diagnostics_out untouched");
    d = NULL;
    CHECK_STATUS(auroraiam_token_diagnose(info, o, &d), "OK", "diagnose healthy");
    CHECK(auroraiam_diagnostics_count(d) == 0 && !auroraiam_diagnostics_has_errors(d), "rds-0001 at AT+1: %zu findings",
          auroraiam_diagnostics_count(d));
    auroraiam_diagnostics_free(d);

    /* Every expectation wrong, expired, pooler limit below the length: errors first, in order. */
    auroraiam_diagnose_options_set_now(o, AT + 960);
    auroraiam_diagnose_options_set_expect_hostname(o, "other.example.com");
    auroraiam_diagnose_options_set_expect_port(o, 3306);
    auroraiam_diagnose_options_set_expect_username(o, "bob");
    auroraiam_diagnose_options_set_pooler_length_limit(o, 100);
    d = NULL;
    CHECK_STATUS(auroraiam_token_diagnose(info, o, &d), "OK", "diagnose problems");
    static const char *const want[] = {"EXPIRED", "HOST_MISMATCH", "PORT_MISMATCH", "USER_MISMATCH",
                                       "TOO_LONG_FOR_POOLERS"};
    size_t n = auroraiam_diagnostics_count(d);
    CHECK(n == 5, "five findings, got %zu", n);
    for (size_t i = 0; i < n && i < 5; i++) {
        CHECK(strcmp(auroraiam_diagnostics_code(d, i), want[i]) == 0, "finding %zu is %s, want %s", i,
              auroraiam_diagnostics_code(d, i), want[i]);
        CHECK(strcmp(auroraiam_diagnostics_severity(d, i), i < 4 ? "error" : "warning") == 0, "severity of %s",
              want[i]);
    }
    CHECK(strstr(auroraiam_diagnostics_message(d, 0), "expired 60 s ago") != NULL, "EXPIRED message: %s",
          auroraiam_diagnostics_message(d, 0));
    CHECK(auroraiam_diagnostics_has_errors(d), "has errors");
    CHECK(auroraiam_diagnostics_code(d, n) == NULL && auroraiam_diagnostics_severity(d, n) == NULL &&
              auroraiam_diagnostics_message(d, SIZE_MAX) == NULL,
          "index out of range gives NULL");
    CHECK(auroraiam_diagnostics_count(NULL) == 0 && !auroraiam_diagnostics_has_errors(NULL) &&
              auroraiam_diagnostics_code(NULL, 0) == NULL && auroraiam_diagnostics_message(NULL, 0) == NULL,
          "getters on NULL");
    /* The static code strings stay valid after the list is freed. */
    const char *code = auroraiam_diagnostics_code(d, 0);
    auroraiam_diagnostics_free(d);
    CHECK(strcmp(code, "EXPIRED") == 0, "code names are static");
    auroraiam_diagnostics_free(NULL);
    auroraiam_diagnose_options_free(o);
    auroraiam_diagnose_options_free(NULL);

    /* NULL options: defaults with the system clock (rds-0001 was signed in 2016: expired). */
    d = NULL;
    CHECK_STATUS(auroraiam_token_diagnose(info, NULL, &d), "OK", "diagnose with default options");
    CHECK(auroraiam_diagnostics_count(d) == 1 && strcmp(auroraiam_diagnostics_code(d, 0), "EXPIRED") == 0,
          "2016 token is expired today");
    auroraiam_diagnostics_free(d);
    auroraiam_token_info_free(info);

    /* A token for an IP address: a warning, not an error. */
    auroraiam_signer *s = NULL;
    auroraiam_signer_new(AKID, SECRET, NULL, &s);
    char *token = NULL;
    auroraiam_signer_rds_token(s, ip_token_host, 5432, "u", "us-east-1", 900, AT, &token);
    info = NULL;
    auroraiam_token_parse(token, &info);
    o = NULL;
    auroraiam_diagnose_options_new(&o);
    auroraiam_diagnose_options_set_now(o, AT);
    d = NULL;
    auroraiam_token_diagnose(info, o, &d);
    CHECK(auroraiam_diagnostics_count(d) == 1 && strcmp(auroraiam_diagnostics_code(d, 0), "NOT_AN_AWS_ENDPOINT") == 0 &&
              !auroraiam_diagnostics_has_errors(d),
          "IP host: NOT_AN_AWS_ENDPOINT warning only");
    auroraiam_diagnostics_free(d);
    auroraiam_diagnose_options_free(o);
    auroraiam_token_info_free(info);
    auroraiam_token_free(token);
    auroraiam_signer_free(s);
}

static int lookup_calls;
static int unknown_lookup(void *u, const char *k, size_t kl, char *b, size_t bl, size_t *l) {
    (void)u, (void)k, (void)kl, (void)b, (void)bl, (void)l;
    lookup_calls++;
    return AURORAIAM_SECRET_UNKNOWN;
}
static int failing_lookup(void *u, const char *k, size_t kl, char *b, size_t bl, size_t *l) {
    (void)u, (void)k, (void)kl, (void)b, (void)bl, (void)l;
    lookup_calls++;
    return -7;
}
static int oversized_lookup(void *u, const char *k, size_t kl, char *b, size_t bl, size_t *l) {
    (void)u, (void)k, (void)kl, (void)b;
    lookup_calls++;
    *l = bl + 1;
    return AURORAIAM_SECRET_FOUND;
}
static int non_utf8_lookup(void *u, const char *k, size_t kl, char *b, size_t bl, size_t *l) {
    (void)u, (void)k, (void)kl, (void)bl;
    lookup_calls++;
    memcpy(b, "se\xffret", 6);
    *l = 6;
    return AURORAIAM_SECRET_FOUND;
}
/* Checks what the library lends the callback, then answers with SECRET. */
static int checking_lookup(void *u, const char *k, size_t kl, char *b, size_t bl, size_t *l) {
    lookup_calls++;
    CHECK(u == &sentinel, "userdata passed through");
    CHECK(kl == strlen(AKID) && strcmp(k, AKID) == 0, "key id NUL-terminated with its length");
    CHECK(bl == AURORAIAM_SECRET_BUFFER_LEN, "buffer of AURORAIAM_SECRET_BUFFER_LEN bytes: %zu", bl);
    memcpy(b, SECRET, strlen(SECRET));
    *l = strlen(SECRET);
    return AURORAIAM_SECRET_FOUND;
}

static void test_verify_contract(void) {
    auroraiam_verify_options *o = NULL;
    CHECK_STATUS(auroraiam_verify_options_new(NULL), "NULL_ARGUMENT", "verify options_out NULL");
    CHECK_STATUS(auroraiam_verify_options_new(&o), "OK", "verify options");
    CHECK_STATUS(auroraiam_verify_options_set_now(NULL, AT), "NULL_ARGUMENT", "verify set_now: NULL");
    CHECK_STATUS(auroraiam_verify_options_set_now(o, INT64_MIN), "INVALID_SIGNING_TIME", "verify set_now INT64_MIN");
    CHECK_STATUS(auroraiam_verify_options_set_max_clock_skew(o, -5), "INVALID_ARGUMENT", "verify skew -5");
    CHECK_STATUS(auroraiam_verify_options_set_max_clock_skew(NULL, 5), "NULL_ARGUMENT", "verify skew NULL");
    CHECK_STATUS(auroraiam_verify_options_set_expect_kind(o, 0), "INVALID_ARGUMENT", "expect_kind 0");
    message_mentions("expect_kind 0", "auroraiam_token_kind");
    CHECK_STATUS(auroraiam_verify_options_set_expect_kind(o, 4), "INVALID_ARGUMENT", "expect_kind 4");
    CHECK_STATUS(auroraiam_verify_options_set_expect_kind(NULL, 1), "NULL_ARGUMENT", "expect_kind NULL");
    CHECK_STATUS(auroraiam_verify_options_set_expect_hostname(o, NULL), "NULL_ARGUMENT", "verify expect_hostname");
    CHECK_STATUS(auroraiam_verify_options_set_expect_hostname(NULL, HOST), "NULL_ARGUMENT", "verify host: NULL");
    CHECK_STATUS(auroraiam_verify_options_set_expect_port(o, -1), "INVALID_PORT", "verify expect_port -1");
    CHECK_STATUS(auroraiam_verify_options_set_expect_port(NULL, 1), "NULL_ARGUMENT", "verify expect_port NULL");
    CHECK_STATUS(auroraiam_verify_options_set_expect_username(o, "\xc3\x28"), "INVALID_UTF8", "verify user UTF-8");
    CHECK_STATUS(auroraiam_verify_options_set_expect_username(NULL, "u"), "NULL_ARGUMENT", "verify user NULL");
    CHECK_STATUS(auroraiam_verify_options_set_expect_region(o, NULL), "NULL_ARGUMENT", "verify region NULL");
    CHECK_STATUS(auroraiam_verify_options_set_expect_region(NULL, "us-east-1"), "NULL_ARGUMENT", "verify region: NULL");
    CHECK_STATUS(auroraiam_verify_options_set_now(o, AT + 10), "OK", "verify set_now");

    /* The failed setters left no expectation behind. */
    auroraiam_token_info *info = UNTOUCHED_INFO;
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "OK", "verify, info_out NULL");
    CHECK_STATUS(auroraiam_token_verify(NULL, AKID, SECRET, o, &info), "NULL_ARGUMENT", "verify: token NULL");
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, NULL, SECRET, o, &info), "NULL_ARGUMENT", "verify: akid NULL");
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, NULL, o, &info), "NULL_ARGUMENT", "verify: secret NULL");
    message_mentions("verify: secret NULL", "secret_access_key");
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, "s\xff", o, &info), "INVALID_UTF8", "verify: secret UTF-8");
    CHECK_STATUS(auroraiam_token_verify("garbage", AKID, SECRET, o, &info), "TOKEN_MALFORMED", "verify: garbage");
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, "AKIAOTHER", SECRET, o, &info), "UNKNOWN_ACCESS_KEY",
                 "verify: another key id");
    message_mentions("verify: another key id", AKID);
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, "wrong-secret-value", o, &info), "SIGNATURE_MISMATCH",
                 "verify: wrong secret");
    CHECK(strstr(last_message(), "wrong-secret-value") == NULL && strstr(last_message(), RDS_0001_SIGNATURE) == NULL,
          "no secret or signature in: %s", last_message());
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, NULL, &info), "TOKEN_EXPIRED",
                 "verify with default options (system clock): a 2016 token is expired");
    CHECK_STATUS(auroraiam_token_verify_len(NULL, 0, AKID, 1, SECRET, 1, o, &info), "NULL_ARGUMENT", "verify_len NULL");
    CHECK_STATUS(auroraiam_token_verify_len(RDS_0001_TOKEN, SIZE_MAX, AKID, strlen(AKID), SECRET, strlen(SECRET), o,
                                            &info),
                 "INVALID_LENGTH", "verify_len SIZE_MAX");
    CHECK_STATUS(auroraiam_token_verify_len(RDS_0001_TOKEN, strlen(RDS_0001_TOKEN), AKID, strlen(AKID), SECRET,
                                            (size_t)PTRDIFF_MAX + 1, o, &info),
                 "INVALID_LENGTH", "verify_len secret length");
    CHECK(info == UNTOUCHED_INFO, "info_out untouched by every failure");
    CHECK_STATUS(auroraiam_token_verify_len(RDS_0001_TOKEN, strlen(RDS_0001_TOKEN), AKID "XYZ", strlen(AKID),
                                            SECRET "XYZ", strlen(SECRET), o, &info),
                 "OK", "verify_len with prefixes of longer buffers");
    CHECK(info != UNTOUCHED_INFO && auroraiam_token_info_port(info) == 5432, "verified info");
    auroraiam_token_info_free(info);

    /* Kind: rds-0001 is RDS. */
    auroraiam_verify_options_set_expect_kind(o, AURORAIAM_TOKEN_KIND_DSQL_ADMIN);
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "KIND_MISMATCH", "kind mismatch");
    message_mentions("kind mismatch", "dsql-admin");
    auroraiam_verify_options_set_expect_kind(o, AURORAIAM_TOKEN_KIND_RDS);
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "OK", "kind rds");
    /* Host compared case-insensitively, user exactly. */
    auroraiam_verify_options_set_expect_hostname(o, "MYDB.cluster-c9akciq32.us-east-1.rds.amazonaws.com");
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "OK", "host in another case");
    auroraiam_verify_options_set_expect_username(o, "IAM_USER");
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "USER_MISMATCH", "user case matters");
    auroraiam_verify_options_set_expect_username(o, "iam_user");
    /* Skew: 0 s tolerates no future signing time. */
    auroraiam_verify_options_set_now(o, AT - 1);
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "OK", "1 s early within the skew");
    auroraiam_verify_options_set_max_clock_skew(o, 0);
    CHECK_STATUS(auroraiam_token_verify(RDS_0001_TOKEN, AKID, SECRET, o, NULL), "TOKEN_NOT_YET_VALID", "skew 0");
    auroraiam_verify_options_set_now(o, AT);

    /* The lookup callback. */
    lookup_calls = 0;
    info = UNTOUCHED_INFO;
    CHECK_STATUS(auroraiam_token_verify_with_lookup(RDS_0001_TOKEN, NULL, NULL, o, &info), "NULL_ARGUMENT",
                 "lookup NULL");
    message_mentions("lookup NULL", "lookup");
    CHECK_STATUS(auroraiam_token_verify_with_lookup(NULL, unknown_lookup, NULL, o, &info), "NULL_ARGUMENT",
                 "lookup: token NULL");
    CHECK_STATUS(auroraiam_token_verify_with_lookup("garbage", unknown_lookup, NULL, o, &info), "TOKEN_MALFORMED",
                 "lookup: malformed token");
    CHECK(lookup_calls == 0, "the lookup is not called for a malformed token");
    CHECK_STATUS(auroraiam_token_verify_with_lookup(RDS_0001_TOKEN, unknown_lookup, NULL, o, &info),
                 "UNKNOWN_ACCESS_KEY", "lookup: unknown");
    CHECK_STATUS(auroraiam_token_verify_with_lookup(RDS_0001_TOKEN, failing_lookup, NULL, o, &info),
                 "CREDENTIALS_PROVIDER_FAILED", "lookup: failed");
    message_mentions("lookup: failed", "-7");
    CHECK_STATUS(auroraiam_token_verify_with_lookup(RDS_0001_TOKEN, oversized_lookup, NULL, o, &info),
                 "INVALID_CREDENTIALS", "lookup: oversized");
    CHECK_STATUS(auroraiam_token_verify_with_lookup(RDS_0001_TOKEN, non_utf8_lookup, NULL, o, &info), "INVALID_UTF8",
                 "lookup: non-UTF-8 secret");
    CHECK_STATUS(auroraiam_token_verify_with_lookup_len(RDS_0001_TOKEN, SIZE_MAX, unknown_lookup, NULL, o, &info),
                 "INVALID_LENGTH", "lookup_len: SIZE_MAX");
    CHECK(lookup_calls == 4, "each verification called the lookup once: %d", lookup_calls);
    CHECK(info == UNTOUCHED_INFO, "info_out untouched by every failure");
    CHECK_STATUS(auroraiam_token_verify_with_lookup(RDS_0001_TOKEN, checking_lookup, &sentinel, o, &info), "OK",
                 "lookup: found");
    CHECK(info != UNTOUCHED_INFO && strcmp(auroraiam_token_info_access_key_id(info), AKID) == 0, "lookup info");
    auroraiam_token_info_free(info);
    auroraiam_verify_options_free(o);
    auroraiam_verify_options_free(NULL);
}

/* ---- security fixes (issue #18) --------------------------------------------------------- */

/* botocore 1.43.11 (tests/vectors/generate.py rds_presign) for db.example.com:5432, user app,
 * us-east-1, AKID/SECRET above, signed at 1700000000 with X-Amz-Expires=3600 (Aurora refuses
 * RDS tokens that live longer than 900 s). */
#define LONG_LIVED_AT 1700000000
#define LONG_LIVED_RDS_TOKEN                                                                                  \
    "db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="       \
    "AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-" \
    "Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature="                                                 \
    "d5745e39572c3e98c5ae1e34048bac7770ffdbadd9a9a529c08da71fce13f61d"

static bool has_control(const char *s) {
    for (; s && *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return true;
    }
    return false;
}

static void test_security_fixes(void) {
    auroraiam_verify_options *o = NULL;
    auroraiam_verify_options_new(&o);
    auroraiam_verify_options_set_now(o, LONG_LIVED_AT + 10);
    /* An authentic RDS token asking for an hour of life: refused, with its own code. */
    CHECK_STATUS(auroraiam_token_verify(LONG_LIVED_RDS_TOKEN, AKID, SECRET, o, NULL), "TOKEN_LIFETIME_TOO_LONG",
                 "RDS token with X-Amz-Expires=3600");
    message_mentions("X-Amz-Expires=3600", "900");
    CHECK(AURORAIAM_RESULT_TOKEN_LIFETIME_TOO_LONG == 7028, "TOKEN_LIFETIME_TOO_LONG is 7028");
    CHECK(strcmp(auroraiam_result_name(7028), "TOKEN_LIFETIME_TOO_LONG") == 0, "name of 7028");

    /* Clock skew is capped at one hour. */
    CHECK(AURORAIAM_MAX_CLOCK_SKEW == 3600, "AURORAIAM_MAX_CLOCK_SKEW");
    CHECK_STATUS(auroraiam_verify_options_set_max_clock_skew(o, 3601), "INVALID_ARGUMENT", "skew 3601");
    message_mentions("skew 3601", "3600");
    CHECK_STATUS(auroraiam_verify_options_set_max_clock_skew(o, UINT32_MAX), "INVALID_ARGUMENT", "skew u32 max");
    CHECK_STATUS(auroraiam_verify_options_set_max_clock_skew(o, 3600), "OK", "skew 3600");

    /* Default kind is RDS: a DSQL token verifies only when DSQL is asked for. */
    char *dsql = NULL;
    auroraiam_signer *signer = NULL;
    CHECK_STATUS(auroraiam_signer_new(AKID, SECRET, NULL, &signer), "OK", "signer");
    CHECK_STATUS(auroraiam_signer_dsql_token(signer, "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", false, NULL, 900,
                                             AT, &dsql),
                 "OK", "dsql token");
    auroraiam_verify_options *d = NULL;
    auroraiam_verify_options_new(&d);
    auroraiam_verify_options_set_now(d, AT + 1);
    CHECK_STATUS(auroraiam_token_verify(dsql, AKID, SECRET, d, NULL), "KIND_MISMATCH", "dsql token, default options");
    CHECK_STATUS(auroraiam_verify_options_set_expect_kind(d, AURORAIAM_TOKEN_KIND_DSQL), "OK", "expect dsql");
    CHECK_STATUS(auroraiam_token_verify(dsql, AKID, SECRET, d, NULL), "OK", "dsql token, expecting dsql");
    auroraiam_token_free(dsql);
    auroraiam_signer_free(signer);
    auroraiam_verify_options_free(d);

    /* Echoed attacker text is quoted, escaped and short. */
    /* A parameter name with an escape sequence and 500 more bytes, badly encoded value. */
    char evil[800];
    const char *head = "db:5432/?Action=connect&X%0A%1B[2J";
    size_t n = strlen(head);
    memcpy(evil, head, n);
    memset(evil + n, 'y', 500);
    memcpy(evil + n + 500, "=%zz", 5);
    CHECK_STATUS(auroraiam_token_verify(evil, AKID, SECRET, o, NULL), "TOKEN_MALFORMED", "evil parameter name");
    CHECK(!has_control(last_message()) && strlen(last_message()) < 300, "escaped, short message: %s", last_message());
    auroraiam_verify_options_free(o);

    /* redact: whatever is not a token is masked whole. */
    static const char *const not_tokens[] = {
        "postgres://app:hunter2@db:5432/?sslmode=require",
        "db:5432/?password=hunter2",
        "db:5432/?Action=connect&DBUser=app&hunter2",
        RDS_0001_TOKEN "&password=hunter2",
        "h\n/?x=hunter2\x1b[2J",
    };
    for (size_t i = 0; i < sizeof not_tokens / sizeof not_tokens[0]; i++) {
        char *out = NULL;
        char want[64];
        snprintf(want, sizeof want, "<redacted: %zu bytes, not a token>", strlen(not_tokens[i]));
        CHECK_STATUS(auroraiam_token_redact(not_tokens[i], &out), "OK", "redact a non-token");
        CHECK(out && strcmp(out, want) == 0, "non-token %zu masked whole: %s", i, out ? out : "(null)");
        auroraiam_token_free(out);
    }
}

int main(int argc, char **argv) {
    test_vectors(argc > 1 ? argv[1] : vec_default_dir());
    test_parse_contract();
    test_redact_contract();
    test_diagnose_contract();
    test_verify_contract();
    test_security_fixes();
    return check_summary("test_inspect");
}
