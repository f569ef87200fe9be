/*
 * The token provider through the C API: every credentials source (explicit, environment, a C
 * callback, the AWS default chain against the loopback emulator), the cache (one credential
 * fetch for many calls and threads; a new token at the refresh margin, when credentials near
 * their expiry, after invalidate), tokens byte-identical to a signer's for the same inputs and
 * verifiable with the secret the emulator minted, and clear, bounded failures.
 *
 *   test_provider                 the default build: needs the emulator (AURORAIAM_EMULATOR_PORT,
 *                                 started by tests/c/run.sh in a hermetic AWS_* environment)
 *   test_provider --expect-slim   the build without the default chain (no emulator needed)
 *   test_provider --quick         fewer calls per thread (sanitizers, valgrind)
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auroraiam.h"
#include "check.h"
#include "emulator.h"

#define HOST "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
#define DSQL_HOST "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"
#define USER "iam_user"
#define AKID "AKIAIOSFODNN7EXAMPLE"
#define TEMP_AKID "ASIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define SESSION "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+session/token=="
#define AT 1478540373
/* rds-0001 of tests/vectors/rds.json (botocore's token for these inputs). */
#define RDS_0001_TOKEN                                                                                     \
    "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=iam_user&X-Amz-"       \
    "Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20161107%2Fus-east-1%2Frds-db%2F"  \
    "aws4_request&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" \
    "2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14"

static char sentinel;
#define UNTOUCHED_TOKEN (&sentinel)
static bool quick;

static double monotonic(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void message_mentions(const char *context, const char *word) {
    const char *m = last_message();
    CHECK(strstr(m, word) != NULL, "%s: detail message \"%s\" should mention \"%s\"", context, m, word);
}

/* An RDS builder for HOST:5432/USER. */
static auroraiam_token_provider_builder *rds_builder(void) {
    auroraiam_token_provider_builder *b = NULL;
    CHECK_STATUS(auroraiam_token_provider_builder_new_rds(HOST, 5432, USER, &b), "OK", "new_rds");
    return b;
}

static auroraiam_token_provider *build(auroraiam_token_provider_builder *b, const char *context) {
    auroraiam_token_provider *p = NULL;
    CHECK_STATUS(auroraiam_token_provider_builder_build(b, &p), "OK", context);
    auroraiam_token_provider_builder_free(b);
    return p;
}

/* The signer's token for the same inputs (the reference a provider must match). */
static char *signer_token(const char *akid, const char *secret, const char *session, int64_t at) {
    auroraiam_signer *s = NULL;
    char *token = NULL;
    auroraiam_signer_new(akid, secret, session, &s);
    auroraiam_signer_rds_token(s, HOST, 5432, USER, NULL, 900, at, &token);
    auroraiam_signer_free(s);
    return token;
}

/* token_at() that checks OK and returns the token (owned) with its expiry. */
static char *token_at(const auroraiam_token_provider *p, int64_t now, int64_t *expires_at, const char *context) {
    char *token = NULL;
    size_t len = 0;
    int64_t exp = 0;
    uint32_t rc = auroraiam_token_provider_token_at(p, now, &token, &len, &exp);
    if (!CHECK_STATUS(rc, "OK", context)) return NULL;
    CHECK(len == strlen(token), "%s: token_len_out %zu", context, len);
    if (expires_at) *expires_at = exp;
    return token;
}

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ---- builder and provider contract ------------------------------------------------------ */

static void test_contract(bool slim) {
    auroraiam_token_provider_builder *b = (auroraiam_token_provider_builder *)&sentinel;
    CHECK_STATUS(auroraiam_token_provider_builder_new_rds(NULL, 5432, USER, &b), "NULL_ARGUMENT", "new_rds host NULL");
    message_mentions("new_rds host NULL", "hostname");
    CHECK_STATUS(auroraiam_token_provider_builder_new_rds(HOST, 5432, NULL, &b), "NULL_ARGUMENT", "new_rds user NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_new_rds(HOST, 5432, USER, NULL), "NULL_ARGUMENT", "new_rds out NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_new_rds("h\xff", 5432, USER, &b), "INVALID_UTF8", "new_rds UTF-8");
    CHECK_STATUS(auroraiam_token_provider_builder_new_dsql(NULL, false, &b), "NULL_ARGUMENT", "new_dsql host NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_new_dsql(DSQL_HOST, false, NULL), "NULL_ARGUMENT", "new_dsql out");
    CHECK(b == (auroraiam_token_provider_builder *)&sentinel, "builder_out untouched by failures");

    /* Setters on NULL. */
    CHECK_STATUS(auroraiam_token_provider_builder_set_region(NULL, "us-east-1"), "NULL_ARGUMENT", "set_region NULL");
    message_mentions("set_region NULL", "builder");
    CHECK_STATUS(auroraiam_token_provider_builder_set_expires_in(NULL, 900), "NULL_ARGUMENT", "set_expires_in NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_set_refresh_margin(NULL, 60), "NULL_ARGUMENT", "margin NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_use_environment(NULL), "NULL_ARGUMENT", "use_environment NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials(NULL, AKID, SECRET, NULL, NULL), "NULL_ARGUMENT",
                 "use_credentials NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(NULL, NULL, 1000), "NULL_ARGUMENT",
                 "use_default_chain NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials_callback(NULL, NULL, NULL), "NULL_ARGUMENT",
                 "use_credentials_callback NULL");

    /* Validation at build time, with the signer's statuses. */
    static const struct {
        const char *host;
        int64_t port;
        const char *user, *region;
        int64_t expires_in, margin;
        const char *want;
    } bad[] = {
        {"", 5432, USER, NULL, 900, 60, "INVALID_HOSTNAME"},
        {HOST, 0, USER, NULL, 900, 60, "INVALID_PORT"},
        {HOST, 65536, USER, NULL, 900, 60, "INVALID_PORT"},
        {HOST, 5432, "", NULL, 900, 60, "INVALID_USERNAME"},
        {HOST, 5432, USER, "US-EAST-1", 900, 60, "INVALID_REGION"},
        {"10.0.0.1", 5432, USER, NULL, 900, 60, "REGION_REQUIRED"},
        {HOST, 5432, USER, NULL, 901, 60, "INVALID_EXPIRES_IN"},
        {HOST, 5432, USER, NULL, 0, 60, "INVALID_EXPIRES_IN"},
        {HOST, 5432, USER, NULL, 900, 900, "INVALID_ARGUMENT"},
        {HOST, 5432, USER, NULL, 60, 60, "INVALID_ARGUMENT"},
        {HOST, 5432, USER, NULL, 900, -1, "INVALID_ARGUMENT"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b = NULL;
        auroraiam_token_provider_builder_new_rds(bad[i].host, bad[i].port, bad[i].user, &b);
        if (bad[i].region) auroraiam_token_provider_builder_set_region(b, bad[i].region);
        auroraiam_token_provider_builder_set_expires_in(b, bad[i].expires_in);
        auroraiam_token_provider_builder_set_refresh_margin(b, bad[i].margin);
        auroraiam_token_provider_builder_use_credentials(b, AKID, SECRET, NULL, NULL);
        auroraiam_token_provider *p = (auroraiam_token_provider *)&sentinel;
        char ctx[64];
        snprintf(ctx, sizeof ctx, "build: bad case %zu", i);
        CHECK_STATUS(auroraiam_token_provider_builder_build(b, &p), bad[i].want, ctx);
        CHECK(p == (auroraiam_token_provider *)&sentinel, "%s: provider_out untouched", ctx);
        auroraiam_token_provider_builder_free(b);
    }
    b = NULL;
    auroraiam_token_provider_builder_new_dsql(DSQL_HOST, true, &b);
    auroraiam_token_provider_builder_set_expires_in(b, 604801);
    auroraiam_token_provider *p = NULL;
    CHECK_STATUS(auroraiam_token_provider_builder_build(b, &p), "INVALID_EXPIRES_IN", "dsql 604801 s");
    auroraiam_token_provider_builder_set_expires_in(b, 604800);
    CHECK_STATUS(auroraiam_token_provider_builder_build(b, NULL), "NULL_ARGUMENT", "build: provider_out NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_build(NULL, &p), "NULL_ARGUMENT", "build: builder NULL");

    /* Credentials are validated when given. */
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials(b, NULL, SECRET, NULL, NULL), "NULL_ARGUMENT",
                 "use_credentials: akid NULL");
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials(b, "", SECRET, NULL, NULL), "INVALID_CREDENTIALS",
                 "use_credentials: empty akid");
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials(b, AKID, "s\xff", NULL, NULL), "INVALID_UTF8",
                 "use_credentials: secret UTF-8");
    const int64_t bad_expiry[] = {-1, 253402300800, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof bad_expiry / sizeof bad_expiry[0]; i++) {
        CHECK_STATUS(auroraiam_token_provider_builder_use_credentials(b, AKID, SECRET, NULL, &bad_expiry[i]),
                     "INVALID_CREDENTIALS", "use_credentials: expiry out of range");
    }
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials_len(b, AKID, SIZE_MAX, SECRET, 3, NULL, 0, NULL),
                 "INVALID_LENGTH", "use_credentials_len: SIZE_MAX");
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials_len(b, AKID, strlen(AKID), "hunter\0two", 10, NULL,
                                                                      0, NULL),
                 "INVALID_CREDENTIALS", "use_credentials_len: NUL inside the secret");
    CHECK(strstr(last_message(), "hunter") == NULL, "no secret in the message: %s", last_message());
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials_callback(b, NULL, NULL), "NULL_ARGUMENT",
                 "callback NULL");
    message_mentions("callback NULL", "callback");

    /* The default chain: validated now, or unsupported in the slim build. */
    if (slim) {
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, NULL, AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS),
                     "UNSUPPORTED", "slim: use_default_chain");
        message_mentions("slim: use_default_chain", "credential-chain");
    } else {
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, NULL, 0), "INVALID_ARGUMENT", "timeout 0");
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, NULL, -1), "INVALID_ARGUMENT",
                     "timeout -1");
        message_mentions("timeout -1", "timeout_ms");
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, NULL, 600001), "INVALID_ARGUMENT",
                     "timeout 600001 ms");
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, "", 1000), "INVALID_ARGUMENT",
                     "empty profile");
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, "pr\xff", 1000), "INVALID_UTF8",
                     "profile UTF-8");
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, "prod", 600000), "OK", "profile prod");
    }
    /* Every failed use_* left the builder as it was: it still builds. */
    p = NULL;
    CHECK_STATUS(auroraiam_token_provider_builder_build(b, &p), "OK", "build after failed setters");
    auroraiam_token_provider_free(p);
    auroraiam_token_provider_builder_free(b);
    auroraiam_token_provider_builder_free(NULL);

    /* Provider functions on NULL. */
    char *token = UNTOUCHED_TOKEN;
    CHECK_STATUS(auroraiam_token_provider_token(NULL, &token, NULL, NULL), "NULL_ARGUMENT", "token: provider NULL");
    message_mentions("token: provider NULL", "provider");
    CHECK_STATUS(auroraiam_token_provider_token_at(NULL, AT, &token, NULL, NULL), "NULL_ARGUMENT", "token_at NULL");
    CHECK_STATUS(auroraiam_token_provider_invalidate(NULL), "NULL_ARGUMENT", "invalidate NULL");
    CHECK(auroraiam_token_provider_credential_fetch_count(NULL) == 0, "fetch count of NULL");
    auroraiam_token_provider_free(NULL);
    b = rds_builder();
    auroraiam_token_provider_builder_use_credentials(b, AKID, SECRET, NULL, NULL);
    p = build(b, "explicit provider");
    CHECK_STATUS(auroraiam_token_provider_token(p, NULL, NULL, NULL), "NULL_ARGUMENT", "token: token_out NULL");
    message_mentions("token: token_out NULL", "token_out");
    int64_t exp = 42;
    size_t len = 42;
    CHECK_STATUS(auroraiam_token_provider_token_at(p, -1, &token, &len, &exp), "INVALID_SIGNING_TIME", "token_at -1");
    CHECK_STATUS(auroraiam_token_provider_token_at(p, 253402300800, &token, &len, &exp), "INVALID_SIGNING_TIME",
                 "token_at year 10000");
    CHECK(token == UNTOUCHED_TOKEN && exp == 42 && len == 42, "out-parameters untouched by failures");
    CHECK(auroraiam_token_provider_credential_fetch_count(p) == 0, "no fetch before the first token");
    auroraiam_token_provider_free(p);

    /* Sink functions outside a callback, on NULL. */
    CHECK_STATUS(auroraiam_credentials_sink_set(NULL, AKID, SECRET, NULL, NULL), "NULL_ARGUMENT", "sink_set NULL");
    message_mentions("sink_set NULL", "sink");
    CHECK_STATUS(auroraiam_credentials_sink_set_len(NULL, AKID, 3, SECRET, 3, NULL, 0, NULL), "NULL_ARGUMENT",
                 "sink_set_len NULL");
    CHECK_STATUS(auroraiam_credentials_sink_set_error(NULL, "x"), "NULL_ARGUMENT", "sink_set_error NULL");
    CHECK(auroraiam_has_default_chain() == !slim, "auroraiam_has_default_chain() is %d",
          (int)auroraiam_has_default_chain());
}

/* ---- explicit credentials ---------------------------------------------------------------- */

static void test_explicit(void) {
    auroraiam_token_provider_builder *b = rds_builder();
    auroraiam_token_provider_builder_use_credentials(b, AKID, SECRET, NULL, NULL);
    auroraiam_token_provider *p = build(b, "explicit");
    int64_t exp = 0;
    char *a = token_at(p, AT, &exp, "explicit at AT");
    CHECK(same(a, RDS_0001_TOKEN), "the provider's token is rds-0001's: %s", a ? a : "(none)");
    CHECK(exp == AT + 900, "expiry AT+900: %lld", (long long)exp);
    char *again = token_at(p, AT + 839, &exp, "explicit at AT+839");
    CHECK(same(again, a) && exp == AT + 900, "cached until the refresh margin");
    char *next = token_at(p, AT + 840, &exp, "explicit at AT+840");
    char *want = signer_token(AKID, SECRET, NULL, AT + 840);
    CHECK(same(next, want) && exp == AT + 840 + 900, "a new token signed at AT+840 (60 s margin)");
    CHECK(auroraiam_token_provider_credential_fetch_count(p) == 1, "explicit credentials fetched once: %llu",
          (unsigned long long)auroraiam_token_provider_credential_fetch_count(p));
    /* Optional out-parameters. */
    char *plain = NULL;
    CHECK_STATUS(auroraiam_token_provider_token_at(p, AT + 841, &plain, NULL, NULL), "OK", "token_at, no len/expiry");
    CHECK(same(plain, want), "same cached token");
    auroraiam_token_free(plain);
    auroraiam_token_free(a);
    auroraiam_token_free(again);
    auroraiam_token_free(next);
    auroraiam_token_free(want);
    auroraiam_token_provider_free(p);

    /* A custom margin and lifetime. */
    b = rds_builder();
    auroraiam_token_provider_builder_use_credentials(b, AKID, SECRET, NULL, NULL);
    auroraiam_token_provider_builder_set_expires_in(b, 60);
    auroraiam_token_provider_builder_set_refresh_margin(b, 10);
    p = build(b, "margin 10 s");
    a = token_at(p, AT, &exp, "margin: AT");
    again = token_at(p, AT + 49, NULL, "margin: AT+49");
    next = token_at(p, AT + 50, NULL, "margin: AT+50");
    CHECK(exp == AT + 60 && same(a, again) && next && !same(a, next), "60 s tokens replaced 10 s before the end");
    auroraiam_token_free(a);
    auroraiam_token_free(again);
    auroraiam_token_free(next);
    auroraiam_token_provider_free(p);

    /* Temporary credentials with an expiry: tokens never outlive them. */
    int64_t cred_expiry = AT + 300;
    b = rds_builder();
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials(b, TEMP_AKID, SECRET, SESSION, &cred_expiry), "OK",
                 "temporary credentials");
    p = build(b, "temporary");
    a = token_at(p, AT, &exp, "temporary at AT");
    want = signer_token(TEMP_AKID, SECRET, SESSION, AT);
    CHECK(same(a, want), "same token as a signer with the session token");
    CHECK(exp == AT + 300, "effective expiry is the credentials' (AT+300): %lld", (long long)exp);
    char *late = UNTOUCHED_TOKEN;
    CHECK_STATUS(auroraiam_token_provider_token_at(p, AT + 250, &late, NULL, NULL), "CREDENTIALS_EXPIRED",
                 "credentials expire within the margin");
    CHECK(late == UNTOUCHED_TOKEN, "token_out untouched");
    CHECK(strstr(last_message(), SECRET) == NULL && strstr(last_message(), SESSION) == NULL, "no secret in: %s",
          last_message());
    auroraiam_token_free(a);
    auroraiam_token_free(want);
    auroraiam_token_provider_free(p);

    /* Pointer + length credentials inside longer buffers; DSQL. */
    auroraiam_token_provider_builder *d = NULL;
    auroraiam_token_provider_builder_new_dsql(DSQL_HOST, true, &d);
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials_len(d, AKID "XX", strlen(AKID), SECRET "YY",
                                                                      strlen(SECRET), NULL, 99, NULL),
                 "OK", "use_credentials_len");
    p = build(d, "dsql admin");
    a = token_at(p, AT, &exp, "dsql at AT");
    auroraiam_signer *s = NULL;
    auroraiam_signer_new(AKID, SECRET, NULL, &s);
    want = NULL;
    auroraiam_signer_dsql_token(s, DSQL_HOST, true, NULL, 900, AT, &want);
    CHECK(same(a, want) && exp == AT + 900, "dsql admin token equals the signer's");
    auroraiam_token_free(a);
    auroraiam_token_free(want);
    auroraiam_signer_free(s);
    auroraiam_token_provider_free(p);
}

/* ---- threads share a provider ---------------------------------------------------------- */

typedef struct {
    const auroraiam_token_provider *p;
    long calls;
    const char *want; /* every token must equal it */
    long wrong;
} share;

static void *hammer(void *arg) {
    share *sh = arg;
    for (long i = 0; i < sh->calls; i++) {
        char *t = NULL;
        if (auroraiam_token_provider_token(sh->p, &t, NULL, NULL) != AURORAIAM_RESULT_OK || !same(t, sh->want)) {
            sh->wrong++;
        }
        auroraiam_token_free(t);
    }
    return NULL;
}

/* Runs `threads` threads of `calls` token() calls each; returns how many went wrong. */
static long run_threads(const auroraiam_token_provider *p, const char *want, int threads, long calls) {
    pthread_t tid[16];
    share sh[16];
    long wrong = 0;
    for (int i = 0; i < threads; i++) {
        sh[i] = (share){p, calls, want, 0};
        pthread_create(&tid[i], NULL, hammer, &sh[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        wrong += sh[i].wrong;
    }
    return wrong;
}

/* ---- environment ------------------------------------------------------------------------ */

static void clear_env_credentials(void) {
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
}

static void test_environment(bool slim) {
    clear_env_credentials();
    for (int pass = 0; pass < (slim ? 2 : 1); pass++) {
        /* Pass 1 (slim only): no source at all means the environment in the slim build. */
        const char *what = pass == 0 ? "use_environment" : "slim default source";
        auroraiam_token_provider_builder *b = rds_builder();
        if (pass == 0) auroraiam_token_provider_builder_use_environment(b);
        auroraiam_token_provider *p = build(b, what);
        char *t = UNTOUCHED_TOKEN;
        CHECK_STATUS(auroraiam_token_provider_token_at(p, AT, &t, NULL, NULL), "CREDENTIALS_NOT_FOUND", what);
        message_mentions(what, "AWS_ACCESS_KEY_ID");
        setenv("AWS_ACCESS_KEY_ID", AKID, 1);
        setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
        t = token_at(p, AT, NULL, what);
        CHECK(same(t, RDS_0001_TOKEN), "%s: the next call reads the variables and signs rds-0001", what);
        auroraiam_token_free(t);
        clear_env_credentials();
        t = token_at(p, AT + 1, NULL, what);
        CHECK(same(t, RDS_0001_TOKEN), "%s: cached (the variables are read per fetch, not per call)", what);
        auroraiam_token_free(t);
        auroraiam_token_provider_invalidate(p);
        t = UNTOUCHED_TOKEN;
        CHECK_STATUS(auroraiam_token_provider_token_at(p, AT + 2, &t, NULL, NULL), "CREDENTIALS_NOT_FOUND",
                     "after invalidate the variables are read again");
        auroraiam_token_provider_free(p);
    }
}

/* ---- a C callback ------------------------------------------------------------------------ */

enum mode { GIVE, GIVE_LEN, NOT_FOUND, FAIL_WITH_REASON, FAIL_SILENTLY, ZERO_WITHOUT_SET, GIVE_INVALID, GIVE_EXPIRED, GIVE_THEN_INVALID };

typedef struct {
    enum mode mode;
    int64_t now;      /* the simulated clock: credentials expire at now + lifetime */
    int64_t lifetime; /* 0: credentials without expiry */
    atomic_int calls;
    atomic_int in_flight, max_in_flight;
    int sleep_ms;
    uint32_t set_status; /* what auroraiam_credentials_sink_set*() returned */
} source_state;

static int callback(void *userdata, auroraiam_credentials_sink *sink) {
    source_state *st = userdata;
    int n = atomic_fetch_add(&st->calls, 1) + 1;
    int flying = atomic_fetch_add(&st->in_flight, 1) + 1;
    int seen = atomic_load(&st->max_in_flight);
    while (flying > seen && !atomic_compare_exchange_weak(&st->max_in_flight, &seen, flying)) {
    }
    if (st->sleep_ms) {
        struct timespec ts = {0, st->sleep_ms * 1000000L};
        nanosleep(&ts, NULL);
    }
    int64_t expiry = st->now + st->lifetime;
    const int64_t *expires_at = st->lifetime ? &expiry : NULL;
    int rc = 0;
    switch (st->mode) {
    case GIVE:
        st->set_status = auroraiam_credentials_sink_set(sink, TEMP_AKID, SECRET, SESSION, expires_at);
        break;
    case GIVE_LEN:
        st->set_status = auroraiam_credentials_sink_set_len(sink, TEMP_AKID "+", strlen(TEMP_AKID), SECRET "+",
                                                            strlen(SECRET), SESSION "+", strlen(SESSION), expires_at);
        break;
    case NOT_FOUND:
        rc = AURORAIAM_RESULT_CREDENTIALS_NOT_FOUND;
        break;
    case FAIL_WITH_REASON:
        auroraiam_credentials_sink_set_error(sink, "the vault is sealed");
        rc = -1;
        break;
    case FAIL_SILENTLY:
        rc = -1;
        break;
    case ZERO_WITHOUT_SET:
        break;
    case GIVE_INVALID:
        st->set_status = auroraiam_credentials_sink_set(sink, "", SECRET, NULL, NULL);
        break;
    case GIVE_THEN_INVALID: /* a later failed set must not leave the earlier credentials in use */
        auroraiam_credentials_sink_set(sink, TEMP_AKID, SECRET, SESSION, expires_at);
        st->set_status = auroraiam_credentials_sink_set(sink, "", SECRET, NULL, NULL);
        break;
    case GIVE_EXPIRED: {
        int64_t past = st->now - 10;
        st->set_status = auroraiam_credentials_sink_set(sink, TEMP_AKID, SECRET, SESSION, &past);
        break;
    }
    }
    (void)n;
    atomic_fetch_sub(&st->in_flight, 1);
    return rc;
}

static void test_callback(void) {
    source_state st = {.mode = GIVE, .now = AT, .lifetime = 120};
    auroraiam_token_provider_builder *b = rds_builder();
    CHECK_STATUS(auroraiam_token_provider_builder_use_credentials_callback(b, callback, &st), "OK", "callback source");
    auroraiam_token_provider *p = build(b, "callback");
    int64_t exp = 0;
    char *a = token_at(p, AT, &exp, "callback at AT");
    char *want = signer_token(TEMP_AKID, SECRET, SESSION, AT);
    CHECK(same(a, want), "callback credentials sign the signer's token");
    CHECK(exp == AT + 120 && st.calls == 1 && st.set_status == AURORAIAM_RESULT_OK, "expiry %lld, %d calls",
          (long long)exp, (int)st.calls);
    for (int i = 0; i < 100; i++) {
        char *t = token_at(p, AT + 59, NULL, "callback cache hit");
        if (!same(t, a)) CHECK(false, "cache hit %d differs", i);
        auroraiam_token_free(t);
    }
    CHECK(st.calls == 1, "100 cache hits, still one callback call: %d", (int)st.calls);
    /* At AT+60 the token (effective expiry AT+120) is within the 60 s margin: new credentials. */
    st.now = AT + 60;
    char *b2 = token_at(p, AT + 60, &exp, "callback at AT+60");
    CHECK(st.calls == 2 && exp == AT + 180 && b2 && !same(b2, a), "refreshed before the credentials expire: %d calls",
          (int)st.calls);
    CHECK(auroraiam_token_provider_credential_fetch_count(p) == 2, "fetch count 2");
    auroraiam_token_free(a);
    auroraiam_token_free(b2);
    auroraiam_token_free(want);

    /* invalidate: the next call asks the callback again. */
    CHECK_STATUS(auroraiam_token_provider_invalidate(p), "OK", "invalidate");
    a = token_at(p, AT + 61, NULL, "after invalidate");
    CHECK(st.calls == 3, "invalidate made the provider ask again: %d", (int)st.calls);
    auroraiam_token_free(a);

    /* Failures, each retried by the next call. */
    static const struct {
        enum mode mode;
        const char *want, *mentions;
    } failures[] = {
        {NOT_FOUND, "CREDENTIALS_NOT_FOUND", "found no credentials"},
        {FAIL_WITH_REASON, "CREDENTIALS_PROVIDER_FAILED", "the vault is sealed"},
        {FAIL_SILENTLY, "CREDENTIALS_PROVIDER_FAILED", "returned -1"},
        {ZERO_WITHOUT_SET, "CREDENTIALS_PROVIDER_FAILED", "auroraiam_credentials_sink_set"},
        {GIVE_INVALID, "CREDENTIALS_PROVIDER_FAILED", "invalid credentials"},
        {GIVE_THEN_INVALID, "CREDENTIALS_PROVIDER_FAILED", "invalid credentials"},
        {GIVE_EXPIRED, "CREDENTIALS_EXPIRED", TEMP_AKID},
    };
    for (size_t i = 0; i < sizeof failures / sizeof failures[0]; i++) {
        auroraiam_token_provider_invalidate(p);
        st.mode = failures[i].mode;
        int before = st.calls;
        char *t = UNTOUCHED_TOKEN;
        char ctx[64];
        snprintf(ctx, sizeof ctx, "callback failure mode %d", (int)failures[i].mode);
        CHECK_STATUS(auroraiam_token_provider_token_at(p, AT + 100, &t, NULL, NULL), failures[i].want, ctx);
        message_mentions(ctx, failures[i].mentions);
        CHECK(strstr(last_message(), SECRET) == NULL, "%s: no secret in the message", ctx);
        CHECK(t == UNTOUCHED_TOKEN && st.calls == before + 1, "%s: token_out untouched, one call", ctx);
        if (failures[i].mode == GIVE_INVALID || failures[i].mode == GIVE_THEN_INVALID) {
            CHECK(st.set_status == AURORAIAM_RESULT_INVALID_CREDENTIALS, "sink_set rejected an empty key id");
        }
    }
    st.mode = GIVE_LEN;
    st.now = AT + 100;
    a = token_at(p, AT + 100, NULL, "callback recovers");
    want = signer_token(TEMP_AKID, SECRET, SESSION, AT + 100);
    CHECK(same(a, want), "the pointer+length sink gives the same credentials");
    auroraiam_token_free(a);
    auroraiam_token_free(want);
    auroraiam_token_provider_free(p);

    /* Threads: one fetch in flight, one callback call for everyone. */
    source_state shared = {.mode = GIVE, .lifetime = 0, .sleep_ms = 50};
    b = rds_builder();
    auroraiam_token_provider_builder_use_credentials_callback(b, callback, &shared);
    p = build(b, "callback, threads");
    char *first = NULL;
    long wrong = 0;
    /* The first token is taken by the threads themselves (all start cold). */
    pthread_t tid[8];
    share sh[8];
    for (int i = 0; i < 8; i++) {
        sh[i] = (share){p, 1, NULL, 0};
    }
    for (int i = 0; i < 8; i++) pthread_create(&tid[i], NULL, hammer, &sh[i]);
    for (int i = 0; i < 8; i++) pthread_join(tid[i], NULL);
    CHECK(shared.calls == 1 && shared.max_in_flight == 1, "8 cold threads: %d callback calls, %d at once",
          (int)shared.calls, (int)shared.max_in_flight);
    CHECK_STATUS(auroraiam_token_provider_token(p, &first, NULL, NULL), "OK", "first");
    wrong = run_threads(p, first, 8, quick ? 200 : 5000);
    CHECK(wrong == 0 && shared.calls == 1, "8 threads share one token and one fetch: %ld wrong, %d calls", wrong,
          (int)shared.calls);
    auroraiam_token_free(first);
    auroraiam_token_provider_free(p);
}

/* ---- the default chain against the emulator ---------------------------------------------- */

/* Verifies `token` with the secret the emulator minted for its key id and every expectation. */
static bool verify_minted(const char *token, const char *context) {
    auroraiam_token_info *info = NULL;
    if (!CHECK_STATUS(auroraiam_token_parse(token, &info), "OK", context)) return false;
    char secret[1024];
    int64_t expiration = 0;
    const char *akid = auroraiam_token_info_access_key_id(info);
    bool minted = emu_minted(akid, secret, sizeof secret, &expiration);
    CHECK(minted && strncmp(akid, "ASIA", 4) == 0, "%s: %s was minted by the emulator", context, akid);
    auroraiam_verify_options *o = NULL;
    auroraiam_verify_options_new(&o);
    auroraiam_verify_options_set_now(o, auroraiam_token_info_signing_time(info));
    auroraiam_verify_options_set_expect_kind(o, AURORAIAM_TOKEN_KIND_RDS);
    auroraiam_verify_options_set_expect_hostname(o, HOST);
    auroraiam_verify_options_set_expect_port(o, 5432);
    auroraiam_verify_options_set_expect_username(o, USER);
    auroraiam_verify_options_set_expect_region(o, "us-east-1");
    bool ok = minted && CHECK_STATUS(auroraiam_token_verify(token, akid, secret, o, NULL), "OK", context);
    ok &= CHECK(auroraiam_token_info_has_session_token(info), "%s: carries the session token", context);
    auroraiam_verify_options_free(o);
    auroraiam_token_info_free(info);
    return ok;
}

static char *akid_of(const char *token, char out[64]) {
    auroraiam_token_info *info = NULL;
    out[0] = '\0';
    if (auroraiam_token_parse(token, &info) == AURORAIAM_RESULT_OK) {
        snprintf(out, 64, "%s", auroraiam_token_info_access_key_id(info));
    }
    auroraiam_token_info_free(info);
    return out;
}

static auroraiam_token_provider *chain_provider(bool explicit_chain, int64_t timeout_ms) {
    auroraiam_token_provider_builder *b = rds_builder();
    auroraiam_token_provider_builder_set_region(b, "us-east-1");
    if (explicit_chain) {
        CHECK_STATUS(auroraiam_token_provider_builder_use_default_chain(b, NULL, timeout_ms), "OK", "use_default_chain");
    }
    return build(b, "chain provider");
}

static void test_chain(void) {
    char imds[128];
    snprintf(imds, sizeof imds, "http://127.0.0.1:%d", emu_port());
    CHECK(getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT") && strcmp(getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"), imds) == 0,
          "run.sh points IMDS at the emulator");
    clear_env_credentials();
    CHECK(emu_reset(), "emulator reset");

    /* IMDS through the default chain: a token that verifies with the minted secret. */
    auroraiam_token_provider *p = chain_provider(true, AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS);
    char *first = NULL;
    int64_t exp = 0;
    double t0 = monotonic();
    CHECK_STATUS(auroraiam_token_provider_token(p, &first, NULL, &exp), "OK", "chain: IMDS");
    printf("chain: first token through IMDS in %.0f ms\n", (monotonic() - t0) * 1000);
    if (!first) {
        auroraiam_token_provider_free(p);
        return;
    }
    verify_minted(first, "chain: IMDS token");
    char akid[64], secret[1024];
    int64_t cred_expiry = 0;
    emu_minted(akid_of(first, akid), secret, sizeof secret, &cred_expiry);
    auroraiam_token_info *info = NULL;
    auroraiam_token_parse(first, &info);
    int64_t token_end = auroraiam_token_info_expires_at(info);
    CHECK(exp == (token_end < cred_expiry ? token_end : cred_expiry), "effective expiry %lld = min(%lld, %lld)",
          (long long)exp, (long long)token_end, (long long)cred_expiry);
    auroraiam_token_info_free(info);
    CHECK(emu_stat("imds") == 1, "one IMDS fetch: %lld", (long long)emu_stat("imds"));

    /* The cache: the same token, no new fetch. */
    int differ = 0;
    for (int i = 0; i < 200; i++) {
        char *t = NULL;
        auroraiam_token_provider_token(p, &t, NULL, NULL);
        differ += !same(t, first);
        auroraiam_token_free(t);
    }
    CHECK(differ == 0, "200 calls: %d other tokens", differ);
    CHECK(emu_stat("imds") == 1 && auroraiam_token_provider_credential_fetch_count(p) == 1,
          "200 calls, still one IMDS fetch: emulator %lld, provider %llu", (long long)emu_stat("imds"),
          (unsigned long long)auroraiam_token_provider_credential_fetch_count(p));

    /* invalidate: new credentials, a new token. */
    auroraiam_token_provider_invalidate(p);
    char *second = NULL;
    CHECK_STATUS(auroraiam_token_provider_token(p, &second, NULL, NULL), "OK", "chain after invalidate");
    char akid2[64];
    CHECK(second && strcmp(akid_of(second, akid2), akid) != 0 && emu_stat("imds") == 2,
          "after invalidate: new credentials %s (was %s), 2 fetches", akid2, akid);
    if (second) verify_minted(second, "chain: token after invalidate");
    auroraiam_token_free(second);
    auroraiam_token_free(first);
    auroraiam_token_provider_free(p);

    /* Credentials approaching their expiry, on a simulated clock: the emulator mints 900 s
     * credentials; the token is reused until 60 s before they end, then new ones are fetched
     * (minted with the emulator's clock moved forward so they outlive the simulated now). */
    CHECK(emu_reset(), "emulator reset");
    int64_t now0 = (int64_t)time(NULL);
    p = chain_provider(true, AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS);
    char *a = token_at(p, now0, &exp, "sim: now0");
    char *a2 = token_at(p, now0 + 600, NULL, "sim: now0+600");
    CHECK(same(a, a2) && emu_stat("imds") == 1, "sim: cached at +600 s, one fetch");
    CHECK(emu_config("{\"clock_offset\": 1000}"), "emulator clock +1000 s");
    char *b = token_at(p, now0 + 850, &exp, "sim: now0+850");
    CHECK(b && !same(a, b) && emu_stat("imds") == 2, "sim: new credentials near the expiry (%lld fetches)",
          (long long)emu_stat("imds"));
    if (b) {
        auroraiam_token_info *bi = NULL;
        auroraiam_token_parse(b, &bi);
        CHECK(auroraiam_token_info_signing_time(bi) == now0 + 850 && exp == now0 + 850 + 900,
              "sim: signed at the simulated now, full lifetime");
        auroraiam_token_info_free(bi);
        char sk[1024];
        int64_t ce = 0;
        CHECK(emu_minted(akid_of(b, akid), sk, sizeof sk, &ce) && ce > now0 + 850 + 900, "sim: fresh credentials");
    }
    auroraiam_token_free(a);
    auroraiam_token_free(a2);
    auroraiam_token_free(b);
    auroraiam_token_provider_free(p);
    CHECK(emu_reset(), "emulator reset");

    /* Threads start cold: one IMDS fetch for everyone. */
    p = chain_provider(true, AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS);
    CHECK(emu_config("{\"delay_ms\": 100}"), "slow IMDS");
    pthread_t tid[8];
    share sh[8];
    for (int i = 0; i < 8; i++) sh[i] = (share){p, 1, NULL, 0};
    for (int i = 0; i < 8; i++) pthread_create(&tid[i], NULL, hammer, &sh[i]);
    for (int i = 0; i < 8; i++) pthread_join(tid[i], NULL);
    CHECK(emu_stat("imds") == 1, "8 cold threads, one IMDS fetch: %lld", (long long)emu_stat("imds"));
    CHECK(emu_config("{\"delay_ms\": 0}"), "fast IMDS");
    first = NULL;
    auroraiam_token_provider_token(p, &first, NULL, NULL);
    long wrong = run_threads(p, first, 8, quick ? 50 : 1000);
    CHECK(wrong == 0 && emu_stat("imds") == 1, "8 threads share the token: %ld wrong, %lld fetches", wrong,
          (long long)emu_stat("imds"));
    auroraiam_token_free(first);
    auroraiam_token_provider_free(p);

    /* No source chosen: the default build uses the chain. */
    p = chain_provider(false, 0);
    first = NULL;
    CHECK_STATUS(auroraiam_token_provider_token(p, &first, NULL, NULL), "OK", "default source");
    CHECK(first && verify_minted(first, "default source") && emu_stat("imds") == 2, "default source is the chain");
    auroraiam_token_free(first);
    auroraiam_token_provider_free(p);

    /* The environment comes first in the chain. */
    setenv("AWS_ACCESS_KEY_ID", AKID, 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    p = chain_provider(true, AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS);
    a = token_at(p, AT, NULL, "chain: environment first");
    CHECK(same(a, RDS_0001_TOKEN) && emu_stat("imds") == 2, "the chain takes the environment before IMDS");
    auroraiam_token_free(a);
    auroraiam_token_provider_free(p);
    clear_env_credentials();

    /* IMDS hangs: the chain timeout bounds the call. */
    CHECK(emu_config("{\"mode\": \"hang\"}"), "IMDS hangs");
    p = chain_provider(true, 1500);
    char *t = UNTOUCHED_TOKEN;
    t0 = monotonic();
    uint32_t rc = auroraiam_token_provider_token(p, &t, NULL, NULL);
    double took = monotonic() - t0;
    printf("chain: IMDS hanging, 1.5 s timeout: %s after %.2f s: %s\n", auroraiam_result_name(rc), took,
           last_message());
    CHECK_STATUS(rc, "CREDENTIALS_PROVIDER_FAILED", "IMDS hangs");
    message_mentions("IMDS hangs", "EC2 instance metadata");
    CHECK(took < 5.0 && t == UNTOUCHED_TOKEN, "bounded by the timeout: %.2f s", took);
    auroraiam_token_provider_free(p);
    CHECK(emu_reset(), "emulator reset");

    /* IMDS down: a clear error naming every source tried, quickly. */
    char down[128];
    snprintf(down, sizeof down, "http://127.0.0.1:%d", closed_port());
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", down, 1);
    p = chain_provider(true, 8000);
    t0 = monotonic();
    rc = auroraiam_token_provider_token(p, &t, NULL, NULL);
    took = monotonic() - t0;
    printf("chain: IMDS down: %s after %.2f s: %s\n", auroraiam_result_name(rc), took, last_message());
    CHECK(rc == AURORAIAM_RESULT_CREDENTIALS_NOT_FOUND || rc == AURORAIAM_RESULT_CREDENTIALS_PROVIDER_FAILED,
          "IMDS down: %s", auroraiam_result_name(rc));
    static const char *const sources[] = {"sources tried", "environment", "profile", "web identity", "container",
                                          "EC2 instance metadata"};
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) message_mentions("IMDS down", sources[i]);
    CHECK(took < 10.0 && t == UNTOUCHED_TOKEN, "IMDS down: failed within %.2f s", took);
    auroraiam_token_provider_free(p);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds, 1);
}

int main(int argc, char **argv) {
    bool slim = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--expect-slim") == 0) slim = true;
        if (strcmp(argv[i], "--quick") == 0) quick = true;
    }
    printf("libauroraiam %s, default chain: %s\n", auroraiam_version(), auroraiam_has_default_chain() ? "yes" : "no");
    test_contract(slim);
    test_explicit();
    test_environment(slim);
    test_callback();
    if (!slim) {
        if (CHECK(emu_port() > 0, "AURORAIAM_EMULATOR_PORT is set (tests/c/run.sh starts the emulator)")) test_chain();
    }
    return check_summary("test_provider");
}
