/*
 * IAM policy and database account helpers through the C API: golden policy, explain round
 * trip with a decision, each bad part's status, hostile names quoted, NULL arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auroraiam.h"
#include "check.h"
#include "json.h"

#define ACCOUNT "123456789012"
#define CLUSTER "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static char sentinel;
#define UNTOUCHED (&sentinel)

static void test_rds_policy(void) {
    const char *ids[] = {CLUSTER};
    const char *users[] = {"app_user"};
    const char *patterns[] = {"report_*"};
    char *policy = NULL;
    uint32_t rc = auroraiam_rds_connect_policy("us-east-1", ACCOUNT, ids, 1, users, 1, patterns, 1, &policy);
    if (!CHECK_STATUS(rc, "OK", "rds policy")) return;
    CHECK(strstr(policy, "\"Action\": \"rds-db:connect\"") != NULL, "action in %s", policy);
    CHECK(strstr(policy, "\"arn:aws:rds-db:us-east-1:123456789012:dbuser:" CLUSTER "/app_user\"") != NULL, "user arn in %s",
          policy);
    CHECK(strstr(policy, "/report_*\"") != NULL, "pattern arn in %s", policy);

    char *json = NULL;
    rc = auroraiam_explain_policy(policy, "us-east-1", ACCOUNT, CLUSTER, "report_daily", &json);
    if (CHECK_STATUS(rc, "OK", "explain allowed")) {
        CHECK(strstr(json, "\"outcome\": \"allowed\"") != NULL, "allowed: %s", json);
        auroraiam_token_free(json);
    }
    json = NULL;
    rc = auroraiam_explain_policy(policy, "us-east-1", ACCOUNT, CLUSTER, "admin", &json);
    if (CHECK_STATUS(rc, "OK", "explain denied")) {
        CHECK(strstr(json, "\"outcome\": \"implicit_deny\"") != NULL, "denied: %s", json);
        CHECK(strstr(json, "\\\"app_user\\\" in the policy, \\\"admin\\\" in the login") != NULL, "reason: %s", json);
        auroraiam_token_free(json);
    }
    json = NULL;
    rc = auroraiam_explain_policy(policy, NULL, NULL, NULL, NULL, &json);
    if (CHECK_STATUS(rc, "OK", "explain without a login")) {
        CHECK(strstr(json, "\"decision\"") == NULL, "no decision: %s", json);
        auroraiam_token_free(json);
    }
    auroraiam_token_free(policy);
}

static void test_errors(void) {
    const char *ids[] = {CLUSTER};
    const char *bad_ids[] = {"my-aurora-cluster"};
    const char *users[] = {"app_user"};
    const char *empty_user[] = {""};
    char *out = UNTOUCHED;
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1a", ACCOUNT, ids, 1, users, 1, NULL, 0, &out), "INVALID_REGION", "region");
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1", "1234", ids, 1, users, 1, NULL, 0, &out), "INVALID_ACCOUNT_ID", "account");
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1", ACCOUNT, bad_ids, 1, users, 1, NULL, 0, &out), "INVALID_RESOURCE_ID",
                 "resource id");
    CHECK(strstr(last_message(), "cluster identifier") != NULL, "message: %s", last_message());
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1", ACCOUNT, ids, 1, empty_user, 1, NULL, 0, &out), "INVALID_USERNAME",
                 "user");
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1", ACCOUNT, ids, 1, NULL, 0, NULL, 0, &out), "INVALID_ARGUMENT", "no user");
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1", ACCOUNT, NULL, 1, users, 1, NULL, 0, &out), "NULL_ARGUMENT", "ids NULL");
    CHECK_STATUS(auroraiam_rds_connect_policy("us-east-1", ACCOUNT, ids, 1, users, 1, NULL, 0, NULL), "NULL_ARGUMENT", "out NULL");
    CHECK_STATUS(auroraiam_dsql_connect_policy(ACCOUNT, "short.dsql.us-east-1.on.aws", NULL, false, &out), "INVALID_RESOURCE_ID",
                 "dsql id");
    CHECK_STATUS(auroraiam_explain_policy("{\"Statement\": 1}", NULL, NULL, NULL, NULL, &out), "INVALID_POLICY", "policy");
    CHECK_STATUS(auroraiam_explain_policy("{}", NULL, ACCOUNT, NULL, "u", &out), "NULL_ARGUMENT", "login without region");
    CHECK_STATUS(auroraiam_create_user_sql("oracle", "u", NULL, NULL, &out, NULL), "INVALID_ARGUMENT", "dialect");
    CHECK_STATUS(auroraiam_create_user_sql("dsql", "u", NULL, "arn:aws:iam::123456789012:user/u", &out, NULL), "INVALID_ARN",
                 "role arn");
    CHECK_STATUS(auroraiam_create_user_sql("postgresql", "pg_x", NULL, NULL, &out, NULL), "INVALID_USERNAME", "reserved");
    CHECK(out == UNTOUCHED, "out-parameter untouched on failure");
}

static void test_dsql_and_sql(void) {
    char *policy = NULL;
    if (CHECK_STATUS(auroraiam_dsql_connect_policy(ACCOUNT, "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", NULL, true, &policy),
                     "OK", "dsql policy")) {
        CHECK(strstr(policy, "\"dsql:DbConnectAdmin\"") != NULL, "%s", policy);
        CHECK(strstr(policy, "\"arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz\"") != NULL, "%s", policy);
        auroraiam_token_free(policy);
    }
    char *sql = NULL, *warnings = NULL;
    if (CHECK_STATUS(auroraiam_create_user_sql("mysql", "a`b'c\\d", NULL, NULL, &sql, &warnings), "OK", "mysql sql")) {
        CHECK(strcmp(sql, "CREATE USER `a``b'c\\d`@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;\n") == 0,
              "%s", sql);
        CHECK(strcmp(warnings, "") == 0, "no warnings: %s", warnings);
        auroraiam_token_free(sql);
        auroraiam_token_free(warnings);
    }
    if (CHECK_STATUS(auroraiam_create_user_sql("postgresql", "admin", "admin", NULL, &sql, &warnings), "OK", "pg master")) {
        CHECK(strcmp(sql, "GRANT rds_iam TO \"admin\";\n") == 0, "%s", sql);
        CHECK(strstr(warnings, "IAM takes precedence") != NULL, "%s", warnings);
        auroraiam_token_free(sql);
        auroraiam_token_free(warnings);
    }
}

/* The shared cases (tests/policy/cases.json, also run by the core, Python and Node): every
   golden RDS policy byte for byte, every DSQL one with one cluster, and the SQL and warnings
   for each dialect's hostile names and master users. */
static const char **strings(const json_value *array, size_t *count) {
    *count = array && array->type == JSON_ARRAY ? array->count : 0;
    const char **out = calloc(*count + 1, sizeof *out);
    for (size_t i = 0; i < *count; i++) out[i] = array->items[i].string;
    return out;
}

static const char *opt_string(const json_value *object, const char *key) {
    const json_value *v = json_get(object, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

static void test_shared_cases(void) {
    char err[256];
    json_value *doc = json_parse_file(AURORAIAM_VECTORS_DIR "/../policy/cases.json", err, sizeof err);
    if (!CHECK(doc != NULL, "tests/policy/cases.json: %s", err)) return;
    const json_value *build = json_get(doc, "build");
    size_t rds = 0, dsql = 0;
    for (size_t i = 0; build && i < build->count; i++) {
        const json_value *c = &build->items[i];
        const char *name = opt_string(c, "name"), *want = opt_string(c, "policy");
        char *policy = NULL;
        uint32_t rc;
        if (json_get(c, "resource_ids")) {
            size_t n_ids, n_users, n_patterns;
            const char **ids = strings(json_get(c, "resource_ids"), &n_ids);
            const char **users = strings(json_get(c, "users"), &n_users);
            const char **patterns = strings(json_get(c, "user_patterns"), &n_patterns);
            rc = auroraiam_rds_connect_policy(opt_string(c, "region"), opt_string(c, "account_id"), ids, n_ids, users, n_users,
                                              patterns, n_patterns, &policy);
            free(ids);
            free(users);
            free(patterns);
            rds++;
        } else {
            const json_value *clusters = json_get(c, "clusters"), *admin = json_get(c, "admin");
            if (!clusters || clusters->count != 1) continue;
            rc = auroraiam_dsql_connect_policy(opt_string(c, "account_id"), clusters->items[0].string, opt_string(c, "region"),
                                               admin && admin->boolean, &policy);
            dsql++;
        }
        if (CHECK_STATUS(rc, "OK", name)) {
            CHECK(strcmp(policy, want) == 0, "%s: got %s", name, policy);
            auroraiam_token_free(policy);
        }
    }
    CHECK(rds >= 6 && dsql >= 3, "ran %zu rds and %zu dsql golden policies", rds, dsql);
    const json_value *sql_cases = json_get(doc, "create_user_sql");
    for (size_t i = 0; sql_cases && i < sql_cases->count; i++) {
        const json_value *c = &sql_cases->items[i];
        const char *user = opt_string(c, "user");
        char *sql = NULL, *warnings = NULL;
        uint32_t rc = auroraiam_create_user_sql(opt_string(c, "dialect"), user, opt_string(c, "master_user"),
                                                opt_string(c, "role_arn"), &sql, &warnings);
        if (!CHECK_STATUS(rc, "OK", user)) continue;
        CHECK(strcmp(sql, opt_string(c, "sql")) == 0, "%s: got %s", user, sql);
        const json_value *want = json_get(c, "warnings");
        CHECK((want->count == 0 && warnings[0] == '\0') || (want->count == 1 && strcmp(warnings, want->items[0].string) == 0),
              "%s: warnings %s", user, warnings);
        auroraiam_token_free(sql);
        auroraiam_token_free(warnings);
    }
    json_free(doc);
}

int main(void) {
    test_rds_policy();
    test_errors();
    test_dsql_and_sql();
    test_shared_cases();
    return check_summary("test_policy");
}
