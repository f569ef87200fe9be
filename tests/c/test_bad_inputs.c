/*
 * The shared bad-input table (tests/bad_inputs.json) through the C API: every case returns its
 * exact status (AURORAIAM_RESULT_<expected_error>) with a detail message that never shows the
 * secret, and produces no token. The same table runs through the Rust core, Python, Node and the
 * CLI (docs/reliability.md). Strings go in as pointer + length (the *_len functions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auroraiam.h"
#include "check.h"
#include "json.h"

#ifndef AURORAIAM_VECTORS_DIR
#error "compile with -DAURORAIAM_VECTORS_DIR=\"<repo>/tests/vectors\""
#endif

static const json_value *str(const json_value *c, const char *key) {
    const json_value *v = json_get(c, key);
    return v && v->type == JSON_STRING ? v : NULL;
}

static int64_t num(const json_value *c, const char *key, int64_t fallback) {
    const json_value *v = json_get(c, key);
    return v && v->type == JSON_NUMBER && v->is_integer ? v->integer : fallback;
}

static uint32_t run_generate(const json_value *c) {
    const json_value *akid = str(c, "access_key_id"), *secret = str(c, "secret_access_key");
    const json_value *session = str(c, "session_token"), *host = str(c, "hostname"), *region = str(c, "region");
    const json_value *kind = str(c, "kind");
    auroraiam_signer *signer = NULL;
    uint32_t s = auroraiam_signer_new_len(akid->string, akid->string_len, secret->string, secret->string_len,
                                          session ? session->string : NULL, session ? session->string_len : 0, &signer);
    if (s != AURORAIAM_RESULT_OK) return s;
    char *token = NULL;
    if (strcmp(kind->string, "rds") == 0) {
        const json_value *user = str(c, "username");
        s = auroraiam_signer_rds_token_len(signer, host->string, host->string_len, num(c, "port", 0), user->string,
                                           user->string_len, region ? region->string : NULL,
                                           region ? region->string_len : 0, num(c, "expires_in", 0),
                                           num(c, "signing_time", 0), &token);
    } else {
        s = auroraiam_signer_dsql_token_len(signer, host->string, host->string_len, strcmp(kind->string, "dsql-admin") == 0,
                                            region ? region->string : NULL, region ? region->string_len : 0,
                                            num(c, "expires_in", 0), num(c, "signing_time", 0), &token);
    }
    CHECK(token == NULL || s == AURORAIAM_RESULT_OK, "a token was stored on failure");
    auroraiam_token_free(token);
    auroraiam_signer_free(signer);
    return s;
}

static uint32_t run_parse(const json_value *c) {
    const json_value *token = str(c, "token");
    auroraiam_token_info *info = NULL;
    uint32_t s = auroraiam_token_parse_len(token->string, token->string_len, &info);
    auroraiam_token_info_free(info);
    return s;
}

static uint32_t kind_value(const char *name) {
    if (strcmp(name, "rds") == 0) return AURORAIAM_TOKEN_KIND_RDS;
    if (strcmp(name, "dsql") == 0) return AURORAIAM_TOKEN_KIND_DSQL;
    return AURORAIAM_TOKEN_KIND_DSQL_ADMIN;
}

static uint32_t run_verify(const json_value *c) {
    const json_value *token = str(c, "token"), *akid = str(c, "access_key_id"), *secret = str(c, "secret_access_key");
    const json_value *v;
    auroraiam_verify_options *o = NULL;
    uint32_t s = auroraiam_verify_options_new(&o);
    if (s != AURORAIAM_RESULT_OK) return s;
    bool set = auroraiam_verify_options_set_now(o, num(c, "now", 0)) == AURORAIAM_RESULT_OK;
    if (num(c, "max_clock_skew", -1) >= 0)
        set = set && auroraiam_verify_options_set_max_clock_skew(o, num(c, "max_clock_skew", 0)) == AURORAIAM_RESULT_OK;
    if ((v = str(c, "expect_kind")))
        set = set && auroraiam_verify_options_set_expect_kind(o, kind_value(v->string)) == AURORAIAM_RESULT_OK;
    if ((v = str(c, "expect_hostname")))
        set = set && auroraiam_verify_options_set_expect_hostname(o, v->string) == AURORAIAM_RESULT_OK;
    if (num(c, "expect_port", -1) >= 0)
        set = set && auroraiam_verify_options_set_expect_port(o, num(c, "expect_port", 0)) == AURORAIAM_RESULT_OK;
    if ((v = str(c, "expect_username")))
        set = set && auroraiam_verify_options_set_expect_username(o, v->string) == AURORAIAM_RESULT_OK;
    if ((v = str(c, "expect_region")))
        set = set && auroraiam_verify_options_set_expect_region(o, v->string) == AURORAIAM_RESULT_OK;
    CHECK(set, "verify options of %s could not be set", str(c, "id")->string);
    auroraiam_token_info *info = NULL;
    s = auroraiam_token_verify_len(token->string, token->string_len, akid->string, akid->string_len, secret->string,
                                   secret->string_len, o, &info);
    CHECK(info == NULL || s == AURORAIAM_RESULT_OK, "info stored on failure");
    auroraiam_token_info_free(info);
    auroraiam_verify_options_free(o);
    return s;
}

int main(void) {
    char err[256];
    json_value *doc = json_parse_file(AURORAIAM_VECTORS_DIR "/../bad_inputs.json", err, sizeof err);
    if (!doc) {
        fprintf(stderr, "bad_inputs.json: %s\n", err);
        return 1;
    }
    const json_value *cases = json_get(doc, "cases");
    CHECK(cases && cases->type == JSON_ARRAY && cases->count >= 40, "the table has at least 40 cases");
    size_t n = cases ? cases->count : 0;
    for (size_t i = 0; i < n; i++) {
        const json_value *c = &cases->items[i];
        const char *op = str(c, "op")->string, *id = str(c, "id")->string;
        uint32_t s = strcmp(op, "generate") == 0 ? run_generate(c)
                     : strcmp(op, "parse") == 0  ? run_parse(c)
                                                 : run_verify(c);
        char context[160];
        snprintf(context, sizeof context, "%s %s (%s)", id, op, str(c, "description")->string);
        CHECK_STATUS(s, str(c, "expected_error")->string, context);
        const json_value *secret = str(c, "secret_access_key");
        CHECK(!secret || !strstr(last_message(), secret->string), "%s: the message shows the secret", id);
    }
    printf("bad inputs: %zu cases through the C API\n", n);
    json_free(doc);
    return check_summary("bad-inputs");
}
