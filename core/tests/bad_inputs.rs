//! The shared bad-input table (tests/bad_inputs.json): every case fails with its exact code.
//! The same table runs through C, Python, Node and the CLI (see docs/reliability.md).

use auroraiam::{
    credentials_from_parts, generate_token, parse_token, verify_token, SigningTime, TokenKind, TokenRequest,
    VerifyOptions, Zeroizing,
};
use serde_json::Value;

fn table() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/bad_inputs.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("tests/bad_inputs.json")).unwrap();
    doc["cases"].as_array().expect("cases").clone()
}

fn s<'a>(c: &'a Value, k: &str) -> Option<&'a str> {
    c[k].as_str()
}

fn i(c: &Value, k: &str) -> Option<i64> {
    c[k].as_i64()
}

/// Runs one case; the error code name, or "OK".
fn run(c: &Value) -> String {
    let result = match s(c, "op").unwrap() {
        "generate" => (|| {
            let host = s(c, "hostname").unwrap();
            let builder = match s(c, "kind").unwrap() {
                "rds" => TokenRequest::rds(host, i(c, "port").unwrap(), s(c, "username").unwrap()),
                kind => TokenRequest::dsql(host, kind == "dsql-admin"),
            };
            let request = builder.maybe_region(s(c, "region")).expires_in_secs(i(c, "expires_in").unwrap()).build()?;
            let creds = credentials_from_parts(
                s(c, "access_key_id").unwrap(),
                s(c, "secret_access_key").unwrap(),
                s(c, "session_token"),
                None,
            )?;
            generate_token(&request, &creds, SigningTime::from_unix_seconds(i(c, "signing_time").unwrap())?).map(|_| ())
        })(),
        "parse" => parse_token(s(c, "token").unwrap()).map(|_| ()),
        "verify" => (|| {
            let mut o = VerifyOptions::at(SigningTime::from_unix_seconds(i(c, "now").unwrap())?);
            if let Some(skew) = i(c, "max_clock_skew") {
                o.max_clock_skew_secs = skew as u32;
            }
            o.expect_kind = s(c, "expect_kind").map(|k| TokenKind::from_name(k).unwrap());
            o.expect_hostname = s(c, "expect_hostname");
            o.expect_port = i(c, "expect_port").map(|p| p as u16);
            o.expect_username = s(c, "expect_username");
            o.expect_region = s(c, "expect_region");
            let (akid, secret) = (s(c, "access_key_id").unwrap(), s(c, "secret_access_key").unwrap());
            verify_token(s(c, "token").unwrap(), |k| (k == akid).then(|| Zeroizing::new(secret.to_string())), &o)
                .map(|_| ())
        })(),
        op => panic!("unknown op {op}"),
    };
    match result {
        Ok(()) => "OK".into(),
        Err(e) => e.code().name().into(),
    }
}

#[test]
fn every_bad_input_fails_with_its_code() {
    let cases = table();
    assert!(cases.len() >= 40, "the table has {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = run(c);
            let want = s(c, "expected_error").unwrap();
            (got != want).then(|| format!("{} ({}): expected {want}, got {got}", s(c, "id").unwrap(), s(c, "description").unwrap()))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    eprintln!("bad inputs: {} cases, each with its exact code", cases.len());
}
