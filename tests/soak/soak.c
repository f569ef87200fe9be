/* Soak driver for the C surface (tests/soak/run.sh, docs/reliability.md).
 *
 *   soak_c rss TOKENS         one-shot (a signer made, used once and freed per token) then
 *                             cached (one signer): TOKENS tokens each, RSS sampled
 *   soak_c rotation SECONDS M 16 pthreads call one token provider over the default chain
 *                             (pointed at the loopback emulator by run.sh), refresh margin M s
 *
 * Prints the lines every surface's driver prints (tests/soak/check.py reads them). */
#include <auroraiam.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOST "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
#define USER "app_user"
#define AKID "AKIASOAKEXAMPLE00001"
#define SECRET "soakSECRETexample/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SESSION "IQoJb3JpZ2luX2VjSOAKsessionTOKENexample0123456789abcdefghijklmnop"

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, auroraiam_result r) {
    char msg[512];
    auroraiam_last_error_message(msg, sizeof msg);
    fprintf(stderr, "soak c: %s: %s: %s\n", what, auroraiam_result_name(r), msg);
    exit(1);
}

static void one_token(const struct auroraiam_signer *signer) {
    char *token = NULL;
    auroraiam_result r = auroraiam_signer_rds_token_now(signer, HOST, 5432, USER, "us-east-1", 900, &token);
    if (r != AURORAIAM_RESULT_OK) die("token", r);
    auroraiam_token_free(token);
}

static void rss_run(const char *path, long n, const struct auroraiam_signer *cached) {
    long warm = n / 10 > 0 ? n / 10 : 1, every = n / 100 > 0 ? n / 100 : 1;
    long after = 0, max_after = 0;
    double start = now_s();
    for (long i = 0; i < n; i++) {
        if (cached) {
            one_token(cached);
        } else {
            struct auroraiam_signer *s = NULL;
            auroraiam_result r = auroraiam_signer_new(AKID, SECRET, SESSION, &s);
            if (r != AURORAIAM_RESULT_OK) die("signer", r);
            one_token(s);
            auroraiam_signer_free(s);
        }
        if (i + 1 == warm) {
            after = max_after = rss_kb();
        } else if (i + 1 > warm && (i + 1) % every == 0) {
            long k = rss_kb();
            if (k > max_after) max_after = k;
        }
    }
    long end = rss_kb();
    if (end > max_after) max_after = end;
    printf("soak c %s: %ld tokens in %.1f s; RSS after warm-up %ld kB, end %ld kB, growth %ld kB, "
           "max growth %ld kB\n", path, n, now_s() - start, after, end, end - after, max_after - after);
    fflush(stdout);
}

/* Distinct tokens handed out during rotation (one per rotation: a few dozen). */
struct seen { char *token; double first, last, expires_at; long calls; };
static struct seen seen[4096];
static size_t nseen;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop;
static atomic_long errors;
static struct auroraiam_token_provider *provider;

static void *hammer(void *arg) {
    (void)arg;
    while (!atomic_load(&stop)) {
        char *token = NULL;
        size_t len = 0;
        int64_t expires_at = 0;
        auroraiam_result r = auroraiam_token_provider_token(provider, &token, &len, &expires_at);
        if (r != AURORAIAM_RESULT_OK) {
            char msg[512];
            auroraiam_last_error_message(msg, sizeof msg);
            fprintf(stderr, "soak c rotation: error: %s: %s\n", auroraiam_result_name(r), msg);
            atomic_fetch_add(&errors, 1);
            continue;
        }
        double t = now_s();
        pthread_mutex_lock(&lock);
        size_t i = nseen;
        while (i > 0 && strcmp(seen[i - 1].token, token) != 0) i--;
        if (i == 0 && nseen < sizeof seen / sizeof seen[0]) {
            seen[nseen] = (struct seen){strdup(token), t, t, (double)expires_at, 0};
            i = ++nseen;
        }
        if (i > 0) {
            seen[i - 1].last = t;
            seen[i - 1].calls++;
        }
        pthread_mutex_unlock(&lock);
        auroraiam_token_free(token);
    }
    return NULL;
}

static void rotation(int seconds, int margin) {
    struct auroraiam_token_provider_builder *b = NULL;
    auroraiam_result r = auroraiam_token_provider_builder_new_rds(HOST, 5432, USER, &b);
    if (r == AURORAIAM_RESULT_OK) r = auroraiam_token_provider_builder_set_region(b, "us-east-1");
    if (r == AURORAIAM_RESULT_OK) r = auroraiam_token_provider_builder_set_refresh_margin(b, margin);
    if (r == AURORAIAM_RESULT_OK) r = auroraiam_token_provider_builder_use_default_chain(b, NULL, AURORAIAM_DEFAULT_CHAIN_TIMEOUT_MS);
    if (r == AURORAIAM_RESULT_OK) r = auroraiam_token_provider_builder_build(b, &provider);
    if (r != AURORAIAM_RESULT_OK) die("provider", r);
    auroraiam_token_provider_builder_free(b);
    pthread_t threads[16];
    for (int i = 0; i < 16; i++) pthread_create(&threads[i], NULL, hammer, NULL);
    sleep((unsigned)seconds);
    atomic_store(&stop, 1);
    long calls = 0;
    for (int i = 0; i < 16; i++) pthread_join(threads[i], NULL);
    for (size_t i = 0; i < nseen; i++) {
        calls += seen[i].calls;
        printf("{\"token\": \"%s\", \"first\": %.3f, \"last\": %.3f, \"calls\": %ld, \"expires_at\": %.0f}\n",
               seen[i].token, seen[i].first, seen[i].last, seen[i].calls, seen[i].expires_at);
        free(seen[i].token);
    }
    printf("{\"summary\": \"c\", \"workers\": 16, \"calls\": %ld, \"errors\": %ld, \"fetches\": %llu, "
           "\"margin\": %d}\n", calls, atomic_load(&errors),
           (unsigned long long)auroraiam_token_provider_credential_fetch_count(provider), margin);
    auroraiam_token_provider_free(provider);
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "rss") == 0) {
        long n = argc > 2 ? atol(argv[2]) : 10000000;
        struct auroraiam_signer *s = NULL;
        auroraiam_result r = auroraiam_signer_new(AKID, SECRET, SESSION, &s);
        if (r != AURORAIAM_RESULT_OK) die("signer", r);
        rss_run("one-shot", n, NULL);
        rss_run("cached", n, s);
        auroraiam_signer_free(s);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "rotation") == 0) {
        rotation(argc > 2 ? atoi(argv[2]) : 30, argc > 3 ? atoi(argv[3]) : 2);
        return 0;
    }
    fprintf(stderr, "usage: soak_c rss TOKENS | rotation SECONDS [MARGIN]\n");
    return 2;
}
