/*
 * Every case of the shared conformance vectors (tests/vectors/<kind>.json, read in place) through
 * the C API: byte-identical tokens for token cases, the exact status name for error cases.
 *
 * Each case runs through the pointer+length functions (which can carry the NUL bytes some
 * error cases contain) and, when no field contains NUL, through the NUL-terminated functions
 * too; both must agree. Token cases are signed twice with the same signer (the second time
 * from its key cache). Error cases must leave the out-parameters untouched, set a detail
 * message and never echo the secret or the session token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auroraiam.h"
#include "check.h"
#include "vectors.h"

/* Outcome of one path: status, token (owned) and detail message. */
typedef struct {
    uint32_t status;
    char *token;
    bool token_untouched;
    char message[1024];
} outcome;

static char sentinel_token;
static auroraiam_signer *const sentinel_signer = (auroraiam_signer *)&sentinel_token;

static bool is_rds(const vec_case *c) { return strcmp(c->kind, "rds") == 0; }
static bool is_admin(const vec_case *c) { return strcmp(c->kind, "dsql-admin") == 0; }

static void finish(outcome *o, uint32_t status, char *token) {
    o->status = status;
    auroraiam_last_error_message(o->message, sizeof o->message);
    o->token_untouched = token == &sentinel_token;
    o->token = status == AURORAIAM_RESULT_OK ? token : NULL;
}

/* Signs with the pointer+length functions; `repeat` extra tokens from the same signer must match. */
static void run_len(const vec_case *c, outcome *o, int repeat) {
    auroraiam_signer *signer = sentinel_signer;
    const vec_str *st = &c->session_token;
    uint32_t rc = auroraiam_signer_new_len(c->access_key_id.ptr, c->access_key_id.len, c->secret_access_key.ptr,
                                           c->secret_access_key.len, st->present ? st->ptr : NULL, st->len, &signer);
    if (rc != AURORAIAM_RESULT_OK) {
        CHECK(signer == sentinel_signer, "%s: signer_out written on failure", c->id);
        finish(o, rc, &sentinel_token);
        return;
    }
    const char *region = c->region.present ? c->region.ptr : NULL;
    for (int i = 0; i <= repeat; i++) {
        char *token = &sentinel_token;
        if (is_rds(c)) {
            rc = auroraiam_signer_rds_token_len(signer, c->hostname.ptr, c->hostname.len, c->port, c->username.ptr,
                                                c->username.len, region, c->region.len, c->expires_in,
                                                c->signing_time, &token);
        } else {
            rc = auroraiam_signer_dsql_token_len(signer, c->hostname.ptr, c->hostname.len, is_admin(c), region,
                                                 c->region.len, c->expires_in, c->signing_time, &token);
        }
        if (i == 0) {
            finish(o, rc, token);
        } else {
            bool same = rc == o->status && (rc != AURORAIAM_RESULT_OK || strcmp(token, o->token) == 0);
            CHECK(same, "%s: a second token from the same signer differs (status %s)", c->id,
                  auroraiam_result_name(rc));
            if (rc == AURORAIAM_RESULT_OK) auroraiam_token_free(token);
        }
    }
    auroraiam_signer_free(signer);
}

/* Signs with the NUL-terminated functions. */
static void run_cstr(const vec_case *c, outcome *o) {
    auroraiam_signer *signer = sentinel_signer;
    uint32_t rc = auroraiam_signer_new(c->access_key_id.ptr, c->secret_access_key.ptr,
                                       c->session_token.present ? c->session_token.ptr : NULL, &signer);
    if (rc != AURORAIAM_RESULT_OK) {
        CHECK(signer == sentinel_signer, "%s: signer_out written on failure", c->id);
        finish(o, rc, &sentinel_token);
        return;
    }
    char *token = &sentinel_token;
    const char *region = c->region.present ? c->region.ptr : NULL;
    if (is_rds(c)) {
        rc = auroraiam_signer_rds_token(signer, c->hostname.ptr, c->port, c->username.ptr, region, c->expires_in,
                                        c->signing_time, &token);
    } else {
        rc = auroraiam_signer_dsql_token(signer, c->hostname.ptr, is_admin(c), region, c->expires_in,
                                         c->signing_time, &token);
    }
    finish(o, rc, token);
    auroraiam_signer_free(signer);
}

static bool contains(const char *haystack, const vec_str *needle) {
    /* Only secrets long enough to be recognisable; one-character secrets occur in the vectors. */
    if (!needle->present || needle->len < 8 || memchr(needle->ptr, '\0', needle->len)) return false;
    return strstr(haystack, needle->ptr) != NULL;
}

/* Checks one outcome against the case; returns true when it matched. */
static bool verify(const vec_case *c, const outcome *o, const char *path) {
    bool ok;
    if (c->expected_token.present) {
        ok = o->status == AURORAIAM_RESULT_OK && o->token != NULL && strlen(o->token) == c->expected_token.len &&
             memcmp(o->token, c->expected_token.ptr, c->expected_token.len) == 0 && o->message[0] == '\0';
        CHECK(ok, "%s %s [%s]: want the expected token, got status %s (%s) token %s", c->file, c->id, path,
              auroraiam_result_name(o->status), o->message, o->token ? o->token : "(none)");
    } else {
        ok = strcmp(auroraiam_result_name(o->status), c->expected_error) == 0 && o->token_untouched &&
             o->message[0] != '\0';
        CHECK(ok, "%s %s [%s]: want %s, got %s (%s)%s", c->file, c->id, path, c->expected_error,
              auroraiam_result_name(o->status), o->message, o->token_untouched ? "" : " and token_out was written");
        bool leaks = contains(o->message, &c->secret_access_key) || contains(o->message, &c->session_token);
        CHECK(!leaks, "%s %s [%s]: the detail message contains a secret", c->file, c->id, path);
        ok = ok && !leaks;
    }
    return ok;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : vec_default_dir();
    vec_set set;
    char err[512];
    if (!vec_load(dir, &set, err, sizeof err)) {
        fprintf(stderr, "cannot load the vectors: %s\n", err);
        vec_free(&set);
        return 1;
    }
    CHECK(set.count >= 500, "expected the ~600 shared vectors, found %zu", set.count);
    size_t tokens = 0, errors = 0, both_paths = 0, failures = 0;
    for (size_t i = 0; i < set.count; i++) {
        const vec_case *c = &set.cases[i];
        outcome by_len = {0}, by_cstr = {0};
        run_len(c, &by_len, c->expected_token.present ? 1 : 0);
        bool ok = verify(c, &by_len, "ptr+len");
        bool representable = !vec_str_has_nul(c->hostname) && !vec_str_has_nul(c->username) &&
                             !vec_str_has_nul(c->region) && !vec_str_has_nul(c->access_key_id) &&
                             !vec_str_has_nul(c->secret_access_key) && !vec_str_has_nul(c->session_token);
        if (representable) {
            run_cstr(c, &by_cstr);
            ok = verify(c, &by_cstr, "NUL-terminated") && ok;
            bool agree = by_len.status == by_cstr.status && strcmp(by_len.message, by_cstr.message) == 0;
            CHECK(agree, "%s: the two paths disagree: %s (%s) vs %s (%s)", c->id, auroraiam_result_name(by_len.status),
                  by_len.message, auroraiam_result_name(by_cstr.status), by_cstr.message);
            both_paths++;
        }
        auroraiam_token_free(by_len.token);
        auroraiam_token_free(by_cstr.token);
        if (!ok) {
            failures++;
        } else if (c->expected_token.present) {
            tokens++;
        } else {
            errors++;
        }
    }
    printf("vectors: %zu cases from %zu files (%s): %zu tokens byte-identical, %zu errors with the exact status, "
           "%zu failed; %zu cases also through the NUL-terminated functions\n",
           set.count, set.file_count, dir, tokens, errors, failures, both_paths);
    CHECK(tokens > 0 && errors > 0, "both token and error cases ran");
    vec_free(&set);
    return check_summary("test_vectors");
}
