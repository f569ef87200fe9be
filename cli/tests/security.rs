//! Security fixes (issue #18) through the CLI: an RDS token asking to live longer than 900 s
//! fails `verify` with TOKEN_LIFETIME_TOO_LONG (exit 6), `--max-clock-skew` is capped at an
//! hour, verification expects an RDS token unless `--expect-kind` says otherwise, and error
//! messages quote and cut what they echo.

mod common;

use common::*;

/// botocore 1.43.11 (tests/vectors/generate.py rds_presign) for db.example.com:5432, user app,
/// us-east-1, signed at 1700000000 by AKIAIOSFODNN7EXAMPLE with X-Amz-Expires=3600.
const LONG_LIVED: &str = "db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=d5745e39572c3e98c5ae1e34048bac7770ffdbadd9a9a529c08da71fce13f61d";
const BOTO_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const BOTO_AT: i64 = 1_700_000_000;

fn verify(args: &[&str]) -> Out {
    // One scratch dir per call: the tests run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = scratch(&format!("security-{}", CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    let file = dir.join("secret");
    std::fs::write(&file, BOTO_SECRET).unwrap();
    let mut all = vec!["verify".to_string(), format!("--secret-access-key-file={}", file.display())];
    all.extend(args.iter().map(|s| s.to_string()));
    Run::new(all).run()
}

#[test]
fn rds_tokens_living_longer_than_900_s_are_refused() {
    let now = format!("--now={}", BOTO_AT + 10);
    let out = verify(&[&now, LONG_LIVED]);
    out.assert_error(6, "TOKEN_LIFETIME_TOO_LONG");
    assert!(out.stderr.contains("3600 s") && out.stderr.contains("900"), "{out:?}");
    verify(&[&now, "--expect-kind", "rds", LONG_LIVED]).assert_error(6, "TOKEN_LIFETIME_TOO_LONG");
    // The same token with 900 s verifies (the literal is a genuine botocore token).
    let genuine = LONG_LIVED
        .replace("X-Amz-Expires=3600", "X-Amz-Expires=900")
        .replace("d5745e39572c3e98c5ae1e34048bac7770ffdbadd9a9a529c08da71fce13f61d", "cfc30f454156e43ff24d9b4cc3fb740e70b063e1814b29afbf8d67526b73eb34");
    verify(&[&now, &genuine]).assert_ok();
}

#[test]
fn clock_skew_is_capped_at_an_hour() {
    let now = format!("--now={}", BOTO_AT + 10);
    for skew in ["3601", "86400", "4294967295"] {
        let out = verify(&[&now, "--max-clock-skew", skew, LONG_LIVED]);
        out.assert_error(2, "INVALID_ARGUMENT");
        assert!(out.stderr.contains("--max-clock-skew") && out.stderr.contains("3600"), "{out:?}");
    }
}

#[test]
fn dsql_tokens_need_expect_kind() {
    let token = Run::new(["generate-db-connect-auth-token", "--hostname", "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws",
                          "--signing-time", &BOTO_AT.to_string()])
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", BOTO_SECRET)
        .run();
    token.assert_ok();
    let token = String::from_utf8(token.stdout).unwrap();
    let token = token.trim_end();
    let now = format!("--now={}", BOTO_AT + 10);
    verify(&[&now, token]).assert_error(7, "KIND_MISMATCH");
    verify(&[&now, "--expect-kind", "dsql", token]).assert_ok();
}

#[test]
fn errors_quote_escape_and_cut_echoed_text() {
    let evil = format!("db:5432/?Action=connect&X%0A%1B[2J{}=%zz", "y".repeat(500));
    for sub in ["inspect", "verify"] {
        let out = if sub == "verify" { verify(&[&evil]) } else { Run::new(["inspect", &evil]).run() };
        out.assert_error(3, "TOKEN_MALFORMED");
        let line = out.stderr.trim_end_matches('\n');
        assert!(!line.chars().any(char::is_control) && line.len() < 300, "{out:?}");
    }
}
