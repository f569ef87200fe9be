/*
 * Concurrency: 8 threads share one auroraiam_signer and generate tokens for the vector cases
 * that use the signer's credentials (every RDS/DSQL kind, many regions and days, so the key
 * cache is filled and hit concurrently); every token must equal botocore's expected token.
 *
 *   test_threads --seconds 10      run for 10 s (the normal run)
 *   test_threads --rounds 3        each thread signs every case 3 times (sanitizers, valgrind)
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
#include "vectors.h"

#define THREADS 8

typedef struct {
    const vec_case **cases;
    size_t count;
    const auroraiam_signer *signer;
    double deadline; /* seconds on CLOCK_MONOTONIC, or 0 */
    long rounds;     /* when deadline is 0 */
    int index;
    long tokens;
    long wrong;
} worker;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg) {
    worker *w = arg;
    /* Each thread walks the cases in its own order (stride coprime with most counts). */
    size_t stride = (size_t)(2 * w->index + 1), pos = (size_t)w->index;
    for (long round = 0;; round++) {
        if (w->deadline > 0 ? now_seconds() >= w->deadline : round >= w->rounds) break;
        for (size_t k = 0; k < w->count; k++) {
            const vec_case *c = w->cases[pos % w->count];
            pos += stride;
            char *token = NULL;
            const char *region = c->region.present ? c->region.ptr : NULL;
            uint32_t rc;
            if (strcmp(c->kind, "rds") == 0) {
                rc = auroraiam_signer_rds_token(w->signer, c->hostname.ptr, c->port, c->username.ptr, region,
                                                c->expires_in, c->signing_time, &token);
            } else {
                rc = auroraiam_signer_dsql_token(w->signer, c->hostname.ptr, strcmp(c->kind, "dsql-admin") == 0,
                                                 region, c->expires_in, c->signing_time, &token);
            }
            bool right = rc == AURORAIAM_RESULT_OK && strlen(token) == c->expected_token.len &&
                         memcmp(token, c->expected_token.ptr, c->expected_token.len) == 0;
            if (!right) {
                if (w->wrong++ < 5) {
                    fprintf(stderr, "thread %d: %s: status %s token %s\n", w->index, c->id,
                            auroraiam_result_name(rc), rc == AURORAIAM_RESULT_OK ? token : "(none)");
                }
            }
            w->tokens++;
            auroraiam_token_free(token);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    double seconds = 0;
    long rounds = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--seconds") == 0) seconds = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--rounds") == 0) rounds = atol(argv[i + 1]);
    }
    vec_set set;
    char err[512];
    if (!vec_load(vec_default_dir(), &set, err, sizeof err)) {
        fprintf(stderr, "cannot load the vectors: %s\n", err);
        vec_free(&set);
        return 1;
    }
    /* The credentials of the first token case, and every token case that uses them. */
    const vec_case *first = NULL;
    for (size_t i = 0; i < set.count && !first; i++) {
        if (set.cases[i].expected_token.present && !set.cases[i].session_token.present) first = &set.cases[i];
    }
    const vec_case **cases = calloc(set.count, sizeof *cases);
    size_t count = 0, kinds[3] = {0, 0, 0};
    for (size_t i = 0; first && i < set.count; i++) {
        const vec_case *c = &set.cases[i];
        if (c->expected_token.present && !c->session_token.present &&
            strcmp(c->access_key_id.ptr, first->access_key_id.ptr) == 0 &&
            strcmp(c->secret_access_key.ptr, first->secret_access_key.ptr) == 0) {
            cases[count++] = c;
            kinds[strcmp(c->kind, "rds") == 0 ? 0 : strcmp(c->kind, "dsql") == 0 ? 1 : 2]++;
        }
    }
    CHECK(count >= 100 && kinds[0] && kinds[1] && kinds[2], "found %zu shared-credential cases of every kind", count);
    auroraiam_signer *signer = NULL;
    if (first) {
        CHECK_STATUS(auroraiam_signer_new(first->access_key_id.ptr, first->secret_access_key.ptr, NULL, &signer), "OK",
                     "signer");
    }
    if (signer && count > 0) {
        worker workers[THREADS];
        pthread_t threads[THREADS];
        double start = now_seconds();
        for (int i = 0; i < THREADS; i++) {
            workers[i] = (worker){cases, count, signer, seconds > 0 ? start + seconds : 0, rounds, i, 0, 0};
            CHECK(pthread_create(&threads[i], NULL, run, &workers[i]) == 0, "pthread_create %d", i);
        }
        long tokens = 0, wrong = 0;
        for (int i = 0; i < THREADS; i++) {
            pthread_join(threads[i], NULL);
            tokens += workers[i].tokens;
            wrong += workers[i].wrong;
            CHECK(workers[i].tokens > 0 && workers[i].wrong == 0, "thread %d: %ld tokens, %ld wrong", i,
                  workers[i].tokens, workers[i].wrong);
        }
        double elapsed = now_seconds() - start;
        printf("threads: %d threads sharing one signer signed %ld tokens over %zu cases in %.1f s "
               "(%.0f tokens/s), %ld wrong\n",
               THREADS, tokens, count, elapsed, (double)tokens / elapsed, wrong);
    }
    auroraiam_signer_free(signer);
    free(cases);
    vec_free(&set);
    return check_summary("test_threads");
}
