//! `policy` and `create-user-sql`: golden output, explain round trip, each bad part's error.

mod common;

use common::{documented_exit, scratch, Run};

const ACCOUNT: &str = "123456789012";
const CLUSTER: &str = "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DSQL_HOST: &str = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

fn policy(extra: &[&str]) -> Run {
    let mut args = vec!["policy", "--region", "us-east-1", "--account-id", ACCOUNT];
    args.extend_from_slice(extra);
    Run::new(args)
}

#[test]
fn writes_the_golden_policy_per_resource_kind() {
    for id in ["db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", CLUSTER, "prx-0123456789abcdef0"] {
        let out = policy(&["--resource-id", id, "--user", "app_user"]).run();
        out.assert_ok();
        assert_eq!(
            out.stdout_str(),
            format!(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"RdsDbConnect\",\n      \"Effect\": \"Allow\",\n      \
                 \"Action\": \"rds-db:connect\",\n      \"Resource\": [\n        \"arn:aws:rds-db:us-east-1:123456789012:dbuser:{id}/app_user\"\n      \
                 ]\n    }}\n  ]\n}}\n"
            )
        );
        assert!(out.stderr.is_empty());
    }
    let out = Run::new(["policy", "--account-id", ACCOUNT, "--dsql-hostname", DSQL_HOST, "--dsql-admin"]).run();
    out.assert_ok();
    let v = out.json();
    assert_eq!(v["Statement"][0]["Action"], "dsql:DbConnectAdmin");
    assert_eq!(v["Statement"][0]["Resource"][0], "arn:aws:dsql:us-east-1:123456789012:cluster/abcdefghijklmnopqrstuvwxyz");
}

#[test]
fn explain_round_trip_and_the_denied_login() {
    let dir = scratch("policy");
    let file = dir.join("policy.json");
    let out = policy(&["--resource-id", CLUSTER, "--user", "app_user", "--user-pattern", "ro_*", "--dsql-hostname", DSQL_HOST]).run();
    out.assert_ok();
    std::fs::write(&file, &out.stdout).unwrap();
    let path = file.to_str().unwrap();
    let out = Run::new(["policy", "--explain", path]).run();
    out.assert_ok();
    let v = out.json();
    let users: Vec<&str> = v["grants"].as_array().unwrap().iter().filter_map(|g| g["user"].as_str()).collect();
    assert_eq!(users, ["app_user", "ro_*"]);
    assert_eq!(v["grants"][2]["action"], "dsql:DbConnect");
    assert_eq!(v["notes"].as_array().unwrap().len(), 0);

    let allowed = policy(&["--explain", path, "--resource-id", CLUSTER, "--user", "ro_reports"]).run();
    allowed.assert_ok();
    assert_eq!(allowed.json()["decision"]["outcome"], "allowed");

    let denied = policy(&["--explain", path, "--resource-id", CLUSTER, "--user", "admin"]).run();
    assert_eq!(denied.code, documented_exit("LOGIN_DENIED"));
    assert_eq!(denied.json()["decision"]["outcome"], "implicit_deny");
    assert!(denied.stderr.starts_with("auroraiam: error: LOGIN_DENIED: no statement allows rds-db:connect"), "{}", denied.stderr);
    assert!(denied.stderr.contains("user \"app_user\" in the policy, \"admin\" in the login"), "{}", denied.stderr);

    // The classic: the cluster identifier where the resource id belongs, read from stdin.
    let classic = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect",
        "Resource": "arn:aws:rds-db:us-east-1:123456789012:dbuser:my-aurora-cluster/app_user"}]}"#;
    let out = policy(&["--explain", "-", "--resource-id", CLUSTER, "--user", "app_user"]).stdin(classic).run();
    assert_eq!(out.code, 9);
    let v = out.json();
    assert_eq!(v["notes"][0]["code"], "INVALID_RESOURCE_ID");
    assert!(out.stderr.contains("cluster identifier"), "{}", out.stderr);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn explain_a_token() {
    let token = common::gen_rds("localhost", 5432, "app_user", &["--region", "us-east-1"]);
    let allow = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "rds-db:*", "Resource": "arn:aws:rds-db:us-east-1:{ACCOUNT}:dbuser:{CLUSTER}/*"}}}}"#
    );
    let out = Run::new(["policy", "--explain", "-", "--token", &token, "--account-id", ACCOUNT, "--resource-id", CLUSTER]).stdin(allow.clone()).run();
    out.assert_ok();
    assert_eq!(out.json()["decision"]["resource"], format!("arn:aws:rds-db:us-east-1:{ACCOUNT}:dbuser:{CLUSTER}/app_user"));
    let out = Run::new(["policy", "--explain", "-", "--token", &token, "--account-id", ACCOUNT]).stdin(allow).run();
    out.assert_error(2, "INVALID_RESOURCE_ID");
}

#[test]
fn each_bad_part_has_its_own_error() {
    let cases: &[(&[&str], &str)] = &[
        (&["policy", "--region", "us-east-1a", "--account-id", ACCOUNT, "--resource-id", CLUSTER, "--user", "u"], "INVALID_REGION"),
        (&["policy", "--region", "us-east-1", "--account-id", "1234", "--resource-id", CLUSTER, "--user", "u"], "INVALID_ACCOUNT_ID"),
        (&["policy", "--region", "us-east-1", "--account-id", ACCOUNT, "--resource-id", "my-cluster", "--user", "u"], "INVALID_RESOURCE_ID"),
        (&["policy", "--region", "us-east-1", "--account-id", ACCOUNT, "--resource-id", CLUSTER, "--user", ""], "INVALID_USERNAME"),
        (&["policy", "--account-id", ACCOUNT, "--dsql-hostname", "mydb.cluster-x.us-east-1.rds.amazonaws.com"], "INVALID_HOSTNAME"),
        (&["policy", "--account-id", ACCOUNT, "--dsql-hostname", "short.dsql.us-east-1.on.aws"], "INVALID_RESOURCE_ID"),
        (&["policy", "--region", "us-east-1", "--account-id", ACCOUNT, "--resource-id", CLUSTER], "USAGE"),
        (&["policy", "--account-id", ACCOUNT], "USAGE"),
        (&["create-user-sql", "--dialect", "oracle", "--user", "u"], "INVALID_ARGUMENT"),
        (&["create-user-sql", "--dialect", "postgresql", "--user", "pg_x"], "INVALID_USERNAME"),
        (&["create-user-sql", "--dialect", "dsql", "--user", "u"], "INVALID_ARGUMENT"),
        (&["create-user-sql", "--dialect", "dsql", "--user", "u", "--role-arn", "arn:aws:iam::123456789012:user/u"], "INVALID_ARN"),
    ];
    for (args, code) in cases {
        Run::new(*args).run().assert_error(documented_exit(code), code);
    }
    Run::new(["policy", "--explain", "-"]).stdin("{\"Statement\": 1}").run().assert_error(2, "INVALID_POLICY");
    Run::new(["policy", "--explain", "/nonexistent/policy.json"]).run().assert_error(1, "IO_ERROR");
}

#[test]
fn create_user_sql_for_every_dialect() {
    let out = Run::new(["create-user-sql", "--dialect", "postgresql", "--user", "app_user", "--user", "o'brien \"x\""]).run();
    out.assert_ok();
    assert_eq!(
        out.stdout_str(),
        "CREATE USER \"app_user\";\nGRANT rds_iam TO \"app_user\";\nCREATE USER \"o'brien \"\"x\"\"\";\nGRANT rds_iam TO \"o'brien \"\"x\"\"\";\n"
    );
    let out = Run::new(["create-user-sql", "--dialect", "mariadb", "--user", "a`b\\c"]).run();
    assert_eq!(out.stdout_str(), "CREATE USER `a``b\\c`@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;\n");
    let out = Run::new(["create-user-sql", "--dialect", "dsql", "--user", "app", "--role-arn", "arn:aws:iam::123456789012:role/app"]).run();
    assert_eq!(out.stdout_str(), "CREATE ROLE \"app\" WITH LOGIN;\nAWS IAM GRANT \"app\" TO 'arn:aws:iam::123456789012:role/app';\n");
    let out = Run::new(["create-user-sql", "--dialect", "pg", "--user", "admin", "--master-user", "admin"]).run();
    out.assert_ok();
    assert_eq!(out.stdout_str(), "GRANT rds_iam TO \"admin\";\n");
    assert!(out.stderr.starts_with("auroraiam: warning: \"admin\" is the master user"), "{}", out.stderr);
}
