//! Every case of the shared conformance vectors (tests/vectors/*.json, read in place), each one
//! a real process invocation of the `auroraiam` binary.

mod common;

use auroraiam::{infer_dsql_region, infer_rds_region};
use common::*;

/// Cases with a NUL byte in a value the CLI can only receive through argv or the environment.
/// Both are NUL-terminated C strings, so no process can be handed these values: the OS (and
/// Rust's `Command`) refuses to start the process. The test asserts exactly that, for exactly
/// these cases. (NUL bytes the CLI *can* receive, on stdin or in the secret file, are rejected
/// with TOKEN_MALFORMED / INVALID_CREDENTIALS: see roundtrip.rs and interface.rs.)
const NUL_CASES: &[&str] = &["err-0015", "err-0063", "err-0064", "err-0115", "err-0119", "err-0121"];

/// Cases whose only fault is an empty access key id or secret. Through the environment an
/// empty variable is the same as an unset one (as in every AWS SDK's environment provider), so
/// the CLI reports CREDENTIALS_NOT_FOUND (same exit class, 8) where the library API, given an
/// explicit empty string, reports INVALID_CREDENTIALS.
const EMPTY_ENV_CREDENTIAL_CASES: &[&str] = &["err-0111", "err-0112", "err-0122", "err-0123", "err-0124", "err-0125"];

fn id(case: &serde_json::Value) -> &str {
    field(case, "id").unwrap()
}

#[test]
fn every_vector_case_generates_the_exact_token_or_error() {
    let cases = all_cases();
    assert!(cases.len() >= 599, "expected about 600 cases, found {}", cases.len());
    let runs: Vec<Run> = cases.iter().map(|(_, c)| generate_run(c)).collect();
    let results = run_all(&runs);
    let (mut tokens, mut errors) = (0, 0);
    let (mut nul, mut empty_env) = (Vec::new(), Vec::new());
    for ((file, case), result) in cases.iter().zip(results) {
        let id = id(case);
        if needs_nul_in_argv_or_env(case) {
            let e = result.err().unwrap_or_else(|| panic!("{file} {id}: a NUL byte reached the process"));
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{id}: {e}");
            nul.push(id.to_string());
            continue;
        }
        let out = result.unwrap_or_else(|e| panic!("{file} {id}: spawn failed: {e}"));
        let secret = field(case, "secret_access_key").unwrap();
        if secret.len() >= 8 {
            assert!(!out.stderr.contains(secret), "{id}: secret on stderr");
        }
        if let Some(t) = field(case, "session_token").filter(|t| t.len() >= 8) {
            assert!(!out.stderr.contains(t), "{id}: session token on stderr");
        }
        match (field(case, "expected_token"), field(case, "expected_error")) {
            (Some(expected), None) => {
                assert_eq!(out.code, 0, "{file} {id}: {out:?}");
                assert_eq!(out.stdout, format!("{expected}\n").into_bytes(), "{file} {id}: token differs");
                assert!(out.stderr.is_empty(), "{id}: {}", out.stderr);
                tokens += 1;
            }
            (None, Some(code)) if EMPTY_ENV_CREDENTIAL_CASES.contains(&id) => {
                assert_eq!(code, "INVALID_CREDENTIALS", "{id}");
                out.assert_error(8, "CREDENTIALS_NOT_FOUND");
                empty_env.push(id.to_string());
            }
            (None, Some(code)) => {
                out.assert_error(documented_exit(code), code);
                errors += 1;
            }
            _ => panic!("{id}: a case has exactly one of expected_token / expected_error"),
        }
    }
    assert_eq!(nul, NUL_CASES, "cases that cannot be passed on a command line");
    assert_eq!(empty_env, EMPTY_ENV_CREDENTIAL_CASES, "empty credential variables");
    assert_eq!(tokens + errors + nul.len() + empty_env.len(), cases.len());
    assert!(tokens >= 458 && errors >= 129, "tokens {tokens}, errors {errors}");
    eprintln!(
        "vectors: {} cases = {tokens} tokens byte-identical + {errors} errors with their code \
         + {} empty-env credential cases + {} NUL cases refused by the OS",
        cases.len(),
        empty_env.len(),
        nul.len()
    );
}

/// Every vector token goes back through `inspect --json` (fields equal the inputs) and through
/// `verify` with the case's secret (valid; half of them read from stdin).
#[test]
fn every_vector_token_inspects_back_and_verifies() {
    let cases: Vec<_> = all_cases().into_iter().filter(|(_, c)| c["expected_token"].is_string()).collect();
    let dir = scratch("vector-verify");
    let mut inspects = Vec::new();
    let mut verifies = Vec::new();
    for (i, (_, case)) in cases.iter().enumerate() {
        let token = field(case, "expected_token").unwrap();
        let now = format!("--now={}", case["signing_time"].as_i64().unwrap());
        inspects.push(Run::new(["inspect", "--json", now.as_str(), token]));
        let secret_file = dir.join(format!("{i}.secret"));
        std::fs::write(&secret_file, format!("{}\n", field(case, "secret_access_key").unwrap())).unwrap();
        let mut args = vec![
            "verify".to_string(),
            format!("--secret-access-key-file={}", secret_file.display()),
            format!("--access-key-id={}", field(case, "access_key_id").unwrap()),
            now.clone(),
            format!("--expect-host={}", field(case, "hostname").unwrap()),
            format!("--expect-kind={}", field(case, "kind").unwrap()),
        ];
        if let Some(port) = case["port"].as_i64() {
            args.push(format!("--expect-port={port}"));
        }
        if let Some(user) = field(case, "username") {
            args.push(format!("--expect-user={user}"));
        }
        if let Some(region) = field(case, "region") {
            args.push(format!("--expect-region={region}"));
        }
        if i % 2 == 0 {
            args.push(token.to_string());
            verifies.push(Run::new(args));
        } else {
            args.push("-".to_string());
            verifies.push(Run::new(args).stdin(format!("{token}\n")));
        }
    }
    let inspected = run_all(&inspects);
    let verified = run_all(&verifies);
    for (((_, case), inspect), verify) in cases.iter().zip(inspected).zip(verified) {
        let id = id(case);
        let verify = verify.unwrap();
        assert_eq!((verify.code, verify.stdout.len(), verify.stderr.as_str()), (0, 0, ""), "{id}: verify {verify:?}");

        let inspect = inspect.unwrap();
        let j = inspect.json();
        let kind = field(case, "kind").unwrap();
        let host = field(case, "hostname").unwrap();
        assert_eq!(j["kind"], kind, "{id}");
        assert_eq!(j["hostname"], host, "{id}");
        assert_eq!(j["port"], case["port"], "{id}");
        assert_eq!(j["username"], case["username"], "{id}");
        assert_eq!(j["access_key_id"], case["access_key_id"], "{id}");
        assert_eq!(j["expires_in"], case["expires_in"], "{id}");
        assert_eq!(j["signing_time_unix"], case["signing_time"], "{id}");
        assert_eq!(j["remaining_secs"], case["expires_in"], "{id}");
        assert_eq!(j["service"], if kind == "rds" { "rds-db" } else { "dsql" }, "{id}");
        let token = field(case, "expected_token").unwrap();
        assert_eq!(j["length"].as_u64(), Some(token.len() as u64), "{id}");
        let session = field(case, "session_token").filter(|t| !t.is_empty());
        assert_eq!(j["has_session_token"], session.is_some(), "{id}");
        let host_region = if kind == "rds" { infer_rds_region(host) } else { infer_dsql_region(host) };
        let region = field(case, "region").map(str::to_string).or(host_region.clone()).unwrap();
        assert_eq!(j["region"], region.as_str(), "{id}");

        // Nothing secret in the report.
        let text = inspect.stdout_str();
        let signature = &token[token.rfind('=').unwrap() + 1..];
        assert!(!text.contains(signature), "{id}: signature in inspect output");
        if let Some(t) = session {
            let encoded = auroraiam::percent_encode(t);
            assert!(!text.contains(&encoded) || encoded.len() < 4, "{id}: session token in inspect output");
        }

        // The exit code follows the error-severity diagnostics this case must have.
        let mut want: Vec<&str> = Vec::new();
        if host_region.as_deref().is_some_and(|r| r != region) {
            want.push("REGION_MISMATCH");
        }
        if field(case, "access_key_id").unwrap().starts_with("ASIA") && session.is_none() {
            want.push("MISSING_SESSION_TOKEN");
        }
        let got: Vec<&str> = j["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(got, want, "{id}: {j}");
        assert_eq!(inspect.code, if want.is_empty() { 0 } else { 9 }, "{id}: {inspect:?}");
        assert_eq!(j["ok"], want.is_empty(), "{id}");
    }
    let _ = std::fs::remove_dir_all(dir);
    eprintln!("vectors: {} tokens inspected back and verified", cases.len());
}
