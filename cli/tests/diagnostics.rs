//! `inspect`: every diagnostic code, the human and JSON reports, and the exit code rule
//! (0 with no or only warning diagnostics, 9 with any error, 3 for a malformed token).

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use common::*;
use serde_json::Value;

/// Every `auroraiam::DiagnosticCode` name. The core has no `DiagnosticCode::ALL` to check this
/// list against, so it is written out; `every_diagnostic_code_is_covered` checks each one was seen.
const ALL_DIAGNOSTICS: &[&str] = &[
    "EXPIRED",
    "NOT_YET_VALID",
    "REGION_MISMATCH",
    "EXPIRES_IN_TOO_LONG",
    "MISSING_SESSION_TOKEN",
    "HOST_MISMATCH",
    "PORT_MISMATCH",
    "USER_MISMATCH",
    "TOO_LONG_FOR_POOLERS",
    "NOT_AN_AWS_ENDPOINT",
];

static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Runs `inspect --json` and `inspect` (text) on `token`; checks both agree and return the
/// diagnostics as (code, severity) plus the JSON exit code.
fn inspect(token: &str, extra: &[&str]) -> (Vec<(String, String)>, i32, Value) {
    let mut args = vec!["inspect", "--json"];
    args.extend(extra);
    args.push(token);
    let json = Run::new(&args).run();
    let j = json.json();
    let diags: Vec<(String, String)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string()))
        .collect();
    args.remove(1);
    let text = Run::new(&args).run();
    assert_eq!(text.code, json.code, "text and JSON exit codes differ");
    let human = text.stdout_str();
    for (code, severity) in &diags {
        assert!(human.contains(&format!("{severity:<8}{code}: ")), "{code} missing from text report:\n{human}");
    }
    // Exit rule and stderr summary.
    let errors: Vec<&str> = diags.iter().filter(|(_, s)| s == "error").map(|(c, _)| c.as_str()).collect();
    if errors.is_empty() {
        assert_eq!(json.code, 0, "{json:?}");
        assert!(json.stderr.is_empty(), "{json:?}");
        assert_eq!(j["ok"], true);
    } else {
        assert_eq!(json.code, 9, "{json:?}");
        assert_eq!(json.stderr, format!("auroraiam: error: TOKEN_REJECTED: the server would reject this token ({})\n", errors.join(", ")));
        assert_eq!(j["ok"], false);
    }
    SEEN.lock().unwrap().extend(diags.iter().map(|(c, _)| c.clone()));
    (diags, json.code, j)
}

fn pair(code: &str, severity: &str) -> (String, String) {
    (code.to_string(), severity.to_string())
}

fn now(t: i64) -> String {
    format!("--now={t}")
}

#[test]
fn healthy_token_has_no_diagnostics() {
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    let (d, code, _) = inspect(&token, &[&now(AT + 1)]);
    assert!(d.is_empty() && code == 0, "{d:?}");
    let text = Run::new(["inspect", &now(AT), &token]).run().stdout_str();
    assert!(text.contains("diagnostics: none found"), "{text}");
}

#[test]
fn lifetime_diagnostics() {
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    assert_eq!(inspect(&token, &[&now(AT + 900)]).0, [pair("EXPIRED", "error")]);
    assert_eq!(inspect(&token, &[&now(AT + 899)]).0, []);
    assert_eq!(inspect(&token, &[&now(AT - 301)]).0, [pair("NOT_YET_VALID", "error")]);
    assert_eq!(inspect(&token, &[&now(AT - 300)]).0, []);
    assert_eq!(inspect(&token, &[&now(AT - 301), "--max-clock-skew=400"]).0, []);
    let (_, _, j) = inspect(&token, &["--now=2026-11-26T12:20:00Z"]);
    assert_eq!((j["remaining_secs"].as_i64(), j["expired"].as_bool()), (Some(-300), Some(true)));
}

#[test]
fn region_mismatch() {
    let token = gen_rds(HOST, 5432, "app_user", &["--region=eu-west-1"]);
    assert_eq!(inspect(&token, &[&now(AT)]).0, [pair("REGION_MISMATCH", "error")]);
}

#[test]
fn expires_in_too_long() {
    // No generator makes such a token (the core rejects it); a hand-edited one still parses.
    let token = gen_rds(HOST, 5432, "app_user", &[]).replace("X-Amz-Expires=900", "X-Amz-Expires=3600");
    assert_eq!(inspect(&token, &[&now(AT)]).0, [pair("EXPIRES_IN_TOO_LONG", "error")]);
}

#[test]
fn missing_session_token() {
    let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u",
                        "--signing-time", &AT.to_string()])
        .env("AWS_ACCESS_KEY_ID", "ASIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .run();
    out.assert_ok();
    let token = out.stdout_str();
    assert_eq!(inspect(token.trim_end(), &[&now(AT)]).0, [pair("MISSING_SESSION_TOKEN", "error")]);
}

#[test]
fn host_port_user_mismatch() {
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    let n = now(AT);
    assert_eq!(inspect(&token, &[&n, "--expect-host=other.cluster-x.us-east-1.rds.amazonaws.com"]).0,
               [pair("HOST_MISMATCH", "error")]);
    assert_eq!(inspect(&token, &[&n, "--expect-host", &HOST.to_uppercase()]).0, []);
    assert_eq!(inspect(&token, &[&n, "--expect-port=3306"]).0, [pair("PORT_MISMATCH", "error")]);
    assert_eq!(inspect(&token, &[&n, "--expect-user=App_user"]).0, [pair("USER_MISMATCH", "error")]);
    assert_eq!(
        inspect(&token, &[&n, "--expect-host=a.example.com", "--expect-port=1", "--expect-user=x"]).0,
        [pair("HOST_MISMATCH", "error"), pair("PORT_MISMATCH", "error"), pair("USER_MISMATCH", "error")]
    );
    // A bad expectation is the caller's mistake, with the core's code.
    Run::new(["inspect", &n, "--expect-port=0", &token]).run().assert_error(2, "INVALID_PORT");
    Run::new(["inspect", &n, "--expect-port=x", &token]).run().assert_error(2, "INVALID_PORT");
    Run::new(["inspect", "--now=soon", &token]).run().assert_error(2, "INVALID_SIGNING_TIME");
}

#[test]
fn warnings_alone_exit_zero() {
    // Long token (session token): a warning.
    let long_session = "FQoGZXIvYXdzE".repeat(100);
    let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u",
                        "--signing-time", &AT.to_string()])
        .creds()
        .env("AWS_SESSION_TOKEN", &long_session)
        .run();
    out.assert_ok();
    let token = out.stdout_str();
    let (d, code, j) = inspect(token.trim_end(), &[&now(AT)]);
    assert_eq!((d, code), (vec![pair("TOO_LONG_FOR_POOLERS", "warning")], 0));
    let text = serde_json::to_string(&j).unwrap();
    assert!(!text.contains(&long_session[..40]), "session token in the report");
    assert_eq!(j["has_session_token"], true);
    // The limit is adjustable.
    let short = gen_rds(HOST, 5432, "u", &[]);
    assert_eq!(inspect(&short, &[&now(AT), "--pooler-length-limit=100"]).0, [pair("TOO_LONG_FOR_POOLERS", "warning")]);
    // Not an AWS endpoint name: a warning.
    let ip = gen_rds("10.0.0.1", 5432, "u", &["--region=us-east-1"]);
    assert_eq!(inspect(&ip, &[&now(AT)]).0, [pair("NOT_AN_AWS_ENDPOINT", "warning")]);
    // An error plus a warning: exit 9, errors first.
    let (d, code, _) = inspect(&ip, &[&now(AT + 5000)]);
    assert_eq!((d, code), (vec![pair("EXPIRED", "error"), pair("NOT_AN_AWS_ENDPOINT", "warning")], 9));
}

#[test]
fn dsql_tokens_are_diagnosed_too() {
    let host = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";
    let out = Run::new(["generate-db-connect-admin-auth-token", "--hostname", host, "--region", "us-west-2",
                        "--signing-time", &AT.to_string()])
        .creds()
        .run();
    out.assert_ok();
    let (d, _, j) = inspect(out.stdout_str().trim_end(), &[&now(AT)]);
    assert_eq!(d, [pair("REGION_MISMATCH", "error")]);
    assert_eq!((j["kind"].as_str(), j["port"].is_null(), j["username"].is_null()), (Some("dsql-admin"), true, true));
}

#[test]
fn malformed_tokens_exit_3_with_nothing_on_stdout() {
    for bad in ["hunter2", "x/?Action=connect", " mydb:5432/?Action=connect", "-"] {
        let out = if bad == "-" { Run::new(["inspect", "-"]).stdin("") } else { Run::new(["inspect", "--json", bad]) }.run();
        out.assert_error(3, "TOKEN_MALFORMED");
    }
    // The message never echoes a password someone pasted by mistake.
    let out = Run::new(["inspect", "correct horse battery staple"]).run();
    out.assert_error(3, "TOKEN_MALFORMED");
}

#[test]
fn text_report_shows_fields_but_no_secret() {
    let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "bad\u{1b}[31muser",
                        "--signing-time", &AT.to_string()])
        .creds()
        .env("AWS_SESSION_TOKEN", "SESSIONTOKENSECRETVALUE")
        .run();
    out.assert_ok();
    let token = out.stdout_str();
    let token = token.trim_end();
    let text = Run::new(["inspect", &now(AT + 100), token]).run();
    text.assert_ok();
    let s = text.stdout_str();
    let signature = &token[token.rfind('=').unwrap() + 1..];
    assert!(!s.contains(signature) && !s.contains("SESSIONTOKENSECRETVALUE"), "{s}");
    assert!(!s.contains('\u{1b}'), "terminal escape passed through: {s:?}");
    for needle in ["kind          rds", "hostname      mydb.", "port          5432", "region        us-east-1",
                   "session token present", "signed at     2026-11-26T12:00:00Z",
                   "expires at    2026-11-26T12:15:00Z (800 s left at 2026-11-26T12:01:40Z)", "X-Amz-Security-Token=<redacted:"] {
        assert!(s.contains(needle), "{needle:?} not in\n{s}");
    }
}

/// Runs after the others in this file have filled `SEEN` (it calls them itself, so it does not
/// depend on test order).
#[test]
fn every_diagnostic_code_is_covered() {
    lifetime_diagnostics();
    region_mismatch();
    expires_in_too_long();
    missing_session_token();
    host_port_user_mismatch();
    warnings_alone_exit_zero();
    let seen = SEEN.lock().unwrap().clone();
    let all: BTreeSet<String> = ALL_DIAGNOSTICS.iter().map(|s| s.to_string()).collect();
    assert_eq!(seen, all);
}
