/*
 * Per-token time through the C API (a shared auroraiam_signer, token allocated and freed each
 * time), for the same inputs as the Rust core benchmark (core/benches/token.rs): an RDS token,
 * an RDS token with an ~800-character session token, a DSQL token. `make bench-c` runs both
 * and prints the ratio. Prints "c/<name>: <median> ns/token" lines (thread CPU time, median of
 * samples); the optional argument is the length of one sample in seconds (default 0.2).
 * `bench --count N [workload]` signs N tokens and exits (instruction counts under callgrind).
 * The `provider` workload is a token provider cache hit: auroraiam_token_provider_token() on a
 * warm provider (explicit credentials) reads the clock and hands out a copy of the cached token,
 * which is wiped and freed like a signed one.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auroraiam.h"

#define HOST "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
#define DSQL_HOST "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"
#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define AT 1795694400

enum { SAMPLES = 15 };

/* The benchmark's STS-shaped session token of about 800 characters (same generator as Rust). */
static void session_token(char out[801]) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    strcpy(out, "IQoJb3JpZ2luX2VjE");
    size_t n = strlen(out);
    uint32_t x = 12345;
    while (n < 798) {
        x = x * 1103515245u + 12345u;
        out[n++] = alphabet[(x >> 16) % 64];
    }
    out[n++] = '=';
    out[n++] = '=';
    out[n] = '\0';
}

/* CPU time of the calling thread: time spent descheduled (other processes on a shared
 * machine) does not count; ffi/examples/bench_baseline.rs measures the same way. */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef enum { RDS, RDS_LEN, DSQL, PROVIDER } workload;

static const auroraiam_signer *bench_signer;
static const auroraiam_token_provider *bench_provider;
static size_t host_len, user_len;

static int one(workload w) {
    char *token = NULL;
    auroraiam_result rc;
    switch (w) {
    case RDS:
        rc = auroraiam_signer_rds_token(bench_signer, HOST, 5432, "app_user", NULL, 900, AT, &token);
        break;
    case RDS_LEN:
        rc = auroraiam_signer_rds_token_len(bench_signer, HOST, host_len, 5432, "app_user", user_len, NULL, 0, 900, AT,
                                            &token);
        break;
    case PROVIDER:
        rc = auroraiam_token_provider_token(bench_provider, &token, NULL, NULL);
        break;
    default:
        rc = auroraiam_signer_dsql_token(bench_signer, DSQL_HOST, false, NULL, 900, AT, &token);
        break;
    }
    if (rc != AURORAIAM_RESULT_OK) {
        fprintf(stderr, "bench: %s\n", auroraiam_result_name(rc));
        exit(1);
    }
    auroraiam_token_free(token);
    return 0;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median ns/token over SAMPLES samples of about `sample_seconds` each, after a warm-up. */
static double measure(const char *name, const auroraiam_signer *signer, workload w, double sample_seconds) {
    bench_signer = signer;
    long batch = 1000;
    double start = now();
    while (now() - start < 0.5) {
        for (long i = 0; i < batch; i++) one(w);
    }
    /* Size the batch so one sample takes about sample_seconds. */
    start = now();
    for (long i = 0; i < batch; i++) one(w);
    double per = (now() - start) / (double)batch;
    batch = (long)(sample_seconds / per) + 1;
    double ns[SAMPLES];
    for (int s = 0; s < SAMPLES; s++) {
        start = now();
        for (long i = 0; i < batch; i++) one(w);
        ns[s] = (now() - start) * 1e9 / (double)batch;
    }
    qsort(ns, SAMPLES, sizeof ns[0], compare);
    printf("c/%s: %.1f ns/token (median of %d samples of %ld tokens; min %.1f, max %.1f)\n", name, ns[SAMPLES / 2],
           SAMPLES, batch, ns[0], ns[SAMPLES - 1]);
    fflush(stdout);
    return ns[SAMPLES / 2];
}

/* A provider for the bench endpoint over explicit credentials, warmed by one token. */
static auroraiam_token_provider *make_provider(void) {
    auroraiam_token_provider_builder *b = NULL;
    auroraiam_token_provider *p = NULL;
    char *token = NULL;
    if (auroraiam_token_provider_builder_new_rds(HOST, 5432, "app_user", &b) != AURORAIAM_RESULT_OK ||
        auroraiam_token_provider_builder_use_credentials(b, AKID, SECRET, NULL, NULL) != AURORAIAM_RESULT_OK ||
        auroraiam_token_provider_builder_build(b, &p) != AURORAIAM_RESULT_OK ||
        auroraiam_token_provider_token(p, &token, NULL, NULL) != AURORAIAM_RESULT_OK) {
        fprintf(stderr, "bench: cannot create the provider\n");
        exit(1);
    }
    auroraiam_token_free(token);
    auroraiam_token_provider_builder_free(b);
    return p;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "--count") == 0) {
        /* `--count N [rds|rds_session_token_800|dsql]`: sign N tokens and exit (callgrind). */
        long n = atol(argv[2]);
        const char *which = argc > 3 ? argv[3] : "rds";
        char session[801];
        session_token(session);
        host_len = strlen(HOST);
        user_len = strlen("app_user");
        bool with_session = strcmp(which, "rds_session_token_800") == 0;
        auroraiam_signer *signer = NULL;
        if (auroraiam_signer_new(with_session ? "ASIAIOSFODNN7EXAMPLE" : AKID, SECRET, with_session ? session : NULL,
                                 &signer) != AURORAIAM_RESULT_OK) {
            return 1;
        }
        bench_signer = signer;
        auroraiam_token_provider *provider = make_provider();
        bench_provider = provider;
        workload w = strcmp(which, "dsql") == 0 ? DSQL : strcmp(which, "provider") == 0 ? PROVIDER : RDS;
        for (long i = 0; i < n; i++) one(w);
        auroraiam_signer_free(signer);
        auroraiam_token_provider_free(provider);
        return 0;
    }
    double sample_seconds = argc > 1 ? atof(argv[1]) : 0.2;
    char token[801];
    session_token(token);
    host_len = strlen(HOST);
    user_len = strlen("app_user");
    auroraiam_signer *plain = NULL, *with_session = NULL;
    if (auroraiam_signer_new(AKID, SECRET, NULL, &plain) != AURORAIAM_RESULT_OK ||
        auroraiam_signer_new("ASIAIOSFODNN7EXAMPLE", SECRET, token, &with_session) != AURORAIAM_RESULT_OK) {
        fprintf(stderr, "bench: cannot create the signers\n");
        return 1;
    }
    printf("libauroraiam %s, session token %zu characters\n", auroraiam_version(), strlen(token));
    measure("rds", plain, RDS, sample_seconds);
    measure("rds_session_token_800", with_session, RDS, sample_seconds);
    measure("dsql", plain, DSQL, sample_seconds);
    measure("rds_len", plain, RDS_LEN, sample_seconds);
    auroraiam_token_provider *provider = make_provider();
    bench_provider = provider;
    measure("provider", plain, PROVIDER, sample_seconds);
    auroraiam_token_provider_free(provider);
    auroraiam_signer_free(plain);
    auroraiam_signer_free(with_session);
    return 0;
}
