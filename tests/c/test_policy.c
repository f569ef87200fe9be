/*
 * IAM policy and database account helpers through the C API: golden policy, explain round
 * trip with a decision, each bad part's status, hostile names quoted, NULL arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auroraiam.h"
#include "check.h"

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

int main(void) {
    test_rds_policy();
    test_errors();
    test_dsql_and_sql();
    return check_summary("test_policy");
}
