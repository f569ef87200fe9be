//! The shared policy / account-SQL cases (tests/policy/cases.json): golden policies per
//! resource kind, explanations with their decisions, each bad part's code, and the SQL for
//! hostile names. Python and Node run the same file through their bindings.

use auroraiam::policy::{dsql_connect_policy, explain_policy_json, rds_connect_policy, ConnectRequest};
use auroraiam::{create_user_sql, DbUser, SqlDialect};
use serde_json::Value;

fn cases() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/policy/cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("tests/policy/cases.json")).unwrap()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap()).collect()).unwrap_or_default()
}

fn rds(a: &Value) -> auroraiam::Result<String> {
    let users = strs(&a["users"]);
    let patterns = strs(&a["user_patterns"]);
    let db_users: Vec<DbUser> = users.iter().map(|u| DbUser::Exact(u)).chain(patterns.iter().map(|p| DbUser::Pattern(p))).collect();
    rds_connect_policy(a["region"].as_str().unwrap(), a["account_id"].as_str().unwrap(), &strs(&a["resource_ids"]), &db_users)
}

fn dsql(a: &Value) -> auroraiam::Result<String> {
    dsql_connect_policy(a["account_id"].as_str().unwrap(), &strs(&a["clusters"]), a["region"].as_str(), a["admin"].as_bool().unwrap_or(false))
}

fn explain(a: &Value, policy: &str) -> auroraiam::Result<String> {
    let request = match a["account_id"].as_str() {
        None => None,
        Some(account) => Some(ConnectRequest::rds(
            a["region"].as_str().unwrap(),
            account,
            a["resource_id"].as_str().unwrap(),
            a["user"].as_str().unwrap(),
        )?),
    };
    explain_policy_json(policy, request.as_ref())
}

fn sql(a: &Value) -> auroraiam::Result<auroraiam::CreateUserSql> {
    create_user_sql(SqlDialect::from_name(a["dialect"].as_str().unwrap())?, a["user"].as_str().unwrap(), a["master_user"].as_str(), a["role_arn"].as_str())
}

#[test]
fn golden_policies() {
    let doc = cases();
    let build = doc["build"].as_array().unwrap();
    assert!(build.len() >= 9);
    for c in build {
        let got = if c["kind"] == "rds" { rds(c) } else { dsql(c) }.unwrap();
        assert_eq!(got, c["policy"].as_str().unwrap(), "{}", c["name"]);
    }
}

#[test]
fn explanations_and_decisions() {
    let doc = cases();
    for c in doc["explain"].as_array().unwrap() {
        let got: Value = serde_json::from_str(&explain(&c["login"], c["policy"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(got, c["explanation"], "{}", c["login"]);
    }
}

#[test]
fn each_bad_part_has_its_code() {
    let doc = cases();
    for c in doc["errors"].as_array().unwrap() {
        let a = &c["args"];
        let err = match c["function"].as_str().unwrap() {
            "rds_connect_policy" => rds(a).err(),
            "dsql_connect_policy" => dsql(a).err(),
            "explain_policy" => explain(a, a["policy"].as_str().unwrap()).err(),
            "create_user_sql" => sql(a).err(),
            other => panic!("unknown function {other}"),
        };
        assert_eq!(err.map(|e| e.code().name()), c["code"].as_str(), "{c}");
    }
}

#[test]
fn account_sql_for_hostile_names() {
    let doc = cases();
    for c in doc["create_user_sql"].as_array().unwrap() {
        let got = sql(c).unwrap();
        assert_eq!(got.sql(), c["sql"].as_str().unwrap(), "{c}");
        assert_eq!(got.warnings, strs(&c["warnings"]), "{c}");
    }
}
