//! The shared bad-input table (tests/bad_inputs.json) through the built binary: every case
//! fails with `auroraiam: error: <CODE>: ` on stderr, a non-zero exit and nothing on stdout.
//! The same table runs through the Rust core, C, Python and Node (see docs/reliability.md).

mod common;

use common::{run_all, Run};
use serde_json::Value;

fn table() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/bad_inputs.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("tests/bad_inputs.json")).unwrap();
    doc["cases"].as_array().expect("cases").clone()
}

/// The invocation for one case.
fn invocation(c: &Value) -> Run {
    let s = |k: &str| c[k].as_str();
    let n = |k: &str| c[k].as_i64().map(|v| v.to_string());
    let mut args: Vec<String> = Vec::new();
    let mut opt = |args: &mut Vec<String>, name: &str, value: Option<String>| {
        // `--name=value`, so a value starting with '-' stays a value.
        if let Some(v) = value {
            args.push(format!("{name}={v}"));
        }
    };
    match s("op").unwrap() {
        "generate" => {
            let kind = s("kind").unwrap();
            args.push(
                match kind {
                    "rds" => "generate-db-auth-token",
                    "dsql" => "generate-db-connect-auth-token",
                    _ => "generate-db-connect-admin-auth-token",
                }
                .into(),
            );
            opt(&mut args, "--hostname", s("hostname").map(String::from));
            if kind == "rds" {
                opt(&mut args, "--port", n("port"));
                opt(&mut args, "--username", s("username").map(String::from));
            }
            opt(&mut args, "--region", s("region").map(String::from));
            opt(&mut args, "--expires-in", n("expires_in"));
            opt(&mut args, "--signing-time", n("signing_time"));
            let mut run = Run::new(args)
                .env("AWS_ACCESS_KEY_ID", s("access_key_id").unwrap())
                .env("AWS_SECRET_ACCESS_KEY", s("secret_access_key").unwrap());
            if let Some(t) = s("session_token") {
                run = run.env("AWS_SESSION_TOKEN", t);
            }
            run
        }
        "parse" => Run::new(["inspect", s("token").unwrap()]),
        "verify" => {
            args.push("verify".into());
            opt(&mut args, "--now", n("now"));
            opt(&mut args, "--access-key-id", s("access_key_id").map(String::from));
            opt(&mut args, "--max-clock-skew", n("max_clock_skew"));
            opt(&mut args, "--expect-kind", s("expect_kind").map(String::from));
            opt(&mut args, "--expect-host", s("expect_hostname").map(String::from));
            opt(&mut args, "--expect-port", n("expect_port"));
            opt(&mut args, "--expect-user", s("expect_username").map(String::from));
            opt(&mut args, "--expect-region", s("expect_region").map(String::from));
            args.push(s("token").unwrap().into());
            Run::new(args).env("AURORAIAM_VERIFY_SECRET_ACCESS_KEY", s("secret_access_key").unwrap())
        }
        op => panic!("unknown op {op}"),
    }
}

#[test]
fn every_bad_input_fails_with_its_code() {
    let cases = table();
    assert!(cases.len() >= 40, "the table has {} cases", cases.len());
    let runs: Vec<Run> = cases.iter().map(invocation).collect();
    let mut failures = Vec::new();
    for (c, out) in cases.iter().zip(run_all(&runs)) {
        let out = out.expect("spawn");
        let want = c["expected_error"].as_str().unwrap();
        let ok = out.code > 0
            && out.stderr.starts_with(&format!("auroraiam: error: {want}: "))
            && out.stdout.is_empty()
            && !out.stderr.contains("panicked");
        if !ok {
            failures.push(format!("{} ({}): expected {want}, got exit {} {:?}", c["id"], c["description"], out.code, out.stderr));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    eprintln!("bad inputs: {} cases through the CLI, each with its exact code", cases.len());
}
