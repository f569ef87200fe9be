//! Round trips through the CLI: generate, then `inspect --json` back to the inputs, then
//! `verify` with the right secret and with every kind of wrong input.

mod common;

use std::path::PathBuf;

use common::*;

fn secret_file(dir: &std::path::Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn verify(token: &str, file: &std::path::Path, extra: &[&str]) -> Out {
    let mut args = vec!["verify".to_string(), format!("--secret-access-key-file={}", file.display())];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(token.to_string());
    Run::new(args).run()
}

#[test]
fn generated_tokens_inspect_back_to_their_inputs() {
    struct Case {
        args: Vec<String>,
        env: Vec<(&'static str, &'static str)>,
        want: Vec<(&'static str, serde_json::Value)>,
    }
    use serde_json::json;
    let dsql_host = "abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws";
    let cases = vec![
        Case {
            args: vec!["generate-db-auth-token".into(), "--hostname".into(), HOST.into(), "--port".into(), "5432".into(),
                       "--username".into(), "app user+é".into(), "--signing-time".into(), "2026-11-26T12:00:00Z".into()],
            env: vec![("AWS_SESSION_TOKEN", "FQoGZXIvYXdzEXAMPLE/+=")],
            want: vec![("kind", json!("rds")), ("hostname", json!(HOST)), ("port", json!(5432)),
                       ("username", json!("app user+é")), ("region", json!("us-east-1")), ("service", json!("rds-db")),
                       ("access_key_id", json!(AKID)), ("has_session_token", json!(true)),
                       ("signing_time", json!("2026-11-26T12:00:00Z")), ("signing_time_unix", json!(AT)),
                       ("expires_in", json!(900)), ("expires_at_unix", json!(AT + 900)),
                       ("expires_at", json!("2026-11-26T12:15:00Z"))],
        },
        Case {
            args: vec!["generate-db-auth-token".into(), "--hostname=10.0.0.1".into(), "--port=443".into(),
                       "--username=-dash".into(), "--region=ap-southeast-7".into(), "--expires-in=60".into(),
                       format!("--signing-time={AT}")],
            env: vec![],
            want: vec![("hostname", json!("10.0.0.1")), ("port", json!(443)), ("username", json!("-dash")),
                       ("region", json!("ap-southeast-7")), ("expires_in", json!(60)), ("has_session_token", json!(false))],
        },
        Case {
            args: vec!["generate-db-connect-auth-token".into(), "--hostname".into(), dsql_host.into(),
                       "--expires-in".into(), "604800".into(), "--signing-time".into(), AT.to_string()],
            env: vec![],
            want: vec![("kind", json!("dsql")), ("hostname", json!(dsql_host)), ("port", json!(null)),
                       ("username", json!(null)), ("region", json!("eu-west-1")), ("service", json!("dsql")),
                       ("expires_in", json!(604800))],
        },
        Case {
            args: vec!["generate-db-connect-admin-auth-token".into(), "--hostname".into(), dsql_host.into(),
                       "--region".into(), "eu-west-1".into(), "--signing-time".into(), AT.to_string()],
            env: vec![],
            want: vec![("kind", json!("dsql-admin")), ("region", json!("eu-west-1")), ("expires_in", json!(900))],
        },
    ];
    for case in cases {
        let mut run = Run::new(&case.args).creds();
        for (k, v) in &case.env {
            run = run.env(k, v);
        }
        let out = run.run();
        out.assert_ok();
        let token = out.stdout_str();
        assert!(token.ends_with('\n') && !token[..token.len() - 1].contains('\n'), "{token:?}");
        let token = token.trim_end_matches('\n');
        let j = Run::new(["inspect", "--json", "--now", &AT.to_string(), token]).run();
        for (key, value) in &case.want {
            assert_eq!(&j.json()[key], value, "{key} of {:?}", case.args);
        }
        assert_eq!(j.json()["length"].as_u64(), Some(token.len() as u64));
    }
}

#[test]
fn signing_time_accepts_rfc3339_and_unix_seconds_alike() {
    let a = gen_rds(HOST, 5432, "u", &[]);
    let b = gen_rds(HOST, 5432, "u", &["--signing-time=2026-11-26T13:00:00+01:00"]);
    assert_eq!(a, b);
}

#[test]
fn verify_accepts_the_right_secret_and_names_every_failure() {
    let dir = scratch("roundtrip-verify");
    let good = secret_file(&dir, "good", format!("{SECRET}\n").as_bytes());
    let crlf = secret_file(&dir, "crlf", format!("{SECRET}\r\n").as_bytes());
    let bare = secret_file(&dir, "bare", SECRET.as_bytes());
    let wrong = secret_file(&dir, "wrong", b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ\n");
    let two_newlines = secret_file(&dir, "two", format!("{SECRET}\n\n").as_bytes());
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    let now = format!("--now={}", AT + 60);

    for file in [&good, &crlf, &bare] {
        let out = verify(&token, file, &[&now]);
        assert_eq!((out.code, out.stdout.len(), out.stderr.as_str()), (0, 0, ""), "{out:?}");
    }
    let all = ["--expect-host", "MYDB.cluster-c9akciq32.us-east-1.rds.amazonaws.com", "--expect-port", "5432",
               "--expect-user", "app_user", "--expect-region", "us-east-1", "--expect-kind", "rds",
               "--access-key-id", AKID];
    let mut args = vec![now.as_str()];
    args.extend(all);
    verify(&token, &good, &args).assert_ok();

    // Wrong secret, and only one newline is stripped.
    verify(&token, &wrong, &[&now]).assert_error(5, "SIGNATURE_MISMATCH");
    verify(&token, &two_newlines, &[&now]).assert_error(5, "SIGNATURE_MISMATCH");
    // A flipped byte anywhere signed: signature, user, host, port, date, expiry.
    let sig_at = token.rfind('=').unwrap() + 1;
    let mut flipped_sig = token.clone().into_bytes();
    flipped_sig[sig_at] = if flipped_sig[sig_at] == b'0' { b'1' } else { b'0' };
    let flipped_sig = String::from_utf8(flipped_sig).unwrap();
    for tampered in [
        flipped_sig,
        token.replace("DBUser=app_user", "DBUser=app_usev"),
        token.replace("mydb.", "mydc."),
        token.replace(":5432/", ":5433/"),
        token.replace("T120000Z", "T120001Z"),
        token.replace("X-Amz-Expires=900", "X-Amz-Expires=899"),
    ] {
        assert_ne!(tampered, token);
        verify(&tampered, &good, &[&now]).assert_error(5, "SIGNATURE_MISMATCH");
    }
    // What it was made for.
    verify(&token, &good, &[&now, "--expect-user", "admin"]).assert_error(7, "USER_MISMATCH");
    verify(&token, &good, &[&now, "--expect-host", "other.cluster-x.us-east-1.rds.amazonaws.com"])
        .assert_error(7, "HOST_MISMATCH");
    verify(&token, &good, &[&now, "--expect-port", "3306"]).assert_error(7, "PORT_MISMATCH");
    verify(&token, &good, &[&now, "--expect-region", "eu-west-1"]).assert_error(7, "REGION_MISMATCH");
    verify(&token, &good, &[&now, "--expect-kind", "dsql"]).assert_error(7, "KIND_MISMATCH");
    // Lifetime: expired at signing + 900, not yet valid beyond 300 s of skew (adjustable).
    verify(&token, &good, &[&format!("--now={}", AT + 900)]).assert_error(6, "TOKEN_EXPIRED");
    verify(&token, &good, &["--now=2030-01-01T00:00:00Z"]).assert_error(6, "TOKEN_EXPIRED");
    verify(&token, &good, &[&format!("--now={}", AT + 899)]).assert_ok();
    verify(&token, &good, &[&format!("--now={}", AT - 301)]).assert_error(6, "TOKEN_NOT_YET_VALID");
    verify(&token, &good, &[&format!("--now={}", AT - 300)]).assert_ok();
    verify(&token, &good, &[&format!("--now={}", AT - 301), "--max-clock-skew", "301"]).assert_ok();
    verify(&token, &good, &[&format!("--now={}", AT - 10), "--max-clock-skew", "0"]).assert_error(6, "TOKEN_NOT_YET_VALID");
    // Key id.
    let out = verify(&token, &good, &[&now, "--access-key-id", "AKIAOTHERKEY"]);
    out.assert_error(4, "UNKNOWN_ACCESS_KEY");
    assert!(out.stderr.contains("AKIAOTHERKEY"), "{}", out.stderr);
    // Not a token.
    verify("hunter2", &good, &[&now]).assert_error(3, "TOKEN_MALFORMED");
    verify(&format!("https://{token}"), &good, &[&now]).assert_error(3, "TOKEN_MALFORMED");
    // The default clock: a token signed in 2020 has expired by now.
    let old = gen_rds(HOST, 5432, "app_user", &["--signing-time=2020-01-01T00:00:00Z"]);
    verify(&old, &good, &[]).assert_error(6, "TOKEN_EXPIRED");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn verify_reads_the_secret_from_the_environment_and_never_from_argv() {
    let dir = scratch("roundtrip-secret");
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    let now = format!("--now={AT}");
    let env = "AURORAIAM_VERIFY_SECRET_ACCESS_KEY";
    Run::new(["verify", &now, &token]).env(env, SECRET).run().assert_ok();
    Run::new(["verify", &now, &token]).env(env, "wrong").run().assert_error(5, "SIGNATURE_MISMATCH");
    // The file wins over the variable.
    let good = secret_file(&dir, "good", SECRET.as_bytes());
    Run::new(["verify".to_string(), format!("--secret-access-key-file={}", good.display()), now.clone(), token.clone()])
        .env(env, "wrong")
        .run()
        .assert_ok();
    // No secret at all, or a secret flag: usage errors.
    Run::new(["verify", &now, &token]).run().assert_error(2, "USAGE");
    let out = Run::new(["verify", "--secret-access-key", SECRET, &token]).run();
    out.assert_error(2, "USAGE");
    assert!(!out.stderr.contains(SECRET), "{}", out.stderr);
    Run::new(["verify", &now, &token]).env(env, "").run().assert_error(8, "INVALID_CREDENTIALS");
    // Bad secret files.
    let empty = secret_file(&dir, "empty", b"\n");
    verify(&token, &empty, &[&now]).assert_error(8, "INVALID_CREDENTIALS");
    let nul = secret_file(&dir, "nul", b"wJalr\0XUtnFEMI\n");
    let out = verify(&token, &nul, &[&now]);
    out.assert_error(8, "INVALID_CREDENTIALS");
    assert!(out.stderr.contains("NUL") && !out.stderr.contains("wJalr"), "{}", out.stderr);
    let latin1 = secret_file(&dir, "latin1", b"s\xe9cret\n");
    verify(&token, &latin1, &[&now]).assert_error(2, "INVALID_UTF8");
    let huge = secret_file(&dir, "huge", &vec![b's'; 2 * 1024 * 1024]);
    verify(&token, &huge, &[&now]).assert_error(8, "INVALID_CREDENTIALS");
    let long = secret_file(&dir, "long", &vec![b's'; 5000]);
    let out = verify(&token, &long, &[&now]);
    out.assert_error(8, "INVALID_CREDENTIALS");
    assert!(!out.stderr.contains("sssss"), "secret in message: {}", out.stderr);
    verify(&token, &dir.join("missing"), &[&now]).assert_error(1, "IO_ERROR");
    verify(&token, &dir, &[&now]).assert_error(1, "IO_ERROR");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn verify_verbose_prints_the_redacted_token_and_a_summary() {
    let dir = scratch("roundtrip-verbose");
    let good = secret_file(&dir, "good", SECRET.as_bytes());
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    let out = verify(&token, &good, &[&format!("--now={AT}"), "--verbose"]);
    out.assert_ok();
    let stdout = out.stdout_str();
    let signature = &token[token.rfind('=').unwrap() + 1..];
    assert!(stdout.contains("X-Amz-Signature=<redacted:64 chars>") && !stdout.contains(signature), "{stdout}");
    assert!(out.stderr.starts_with("auroraiam: verify: OK: rds token for user \"app_user\""), "{}", out.stderr);
    assert!(!out.stderr.contains(signature));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn verify_and_inspect_read_the_token_from_stdin() {
    let dir = scratch("roundtrip-stdin");
    let good = secret_file(&dir, "good", SECRET.as_bytes());
    let token = gen_rds(HOST, 5432, "app_user", &[]);
    let base = ["verify".to_string(), format!("--secret-access-key-file={}", good.display()), format!("--now={AT}")];
    for input in [format!("{token}\n"), format!("{token}\r\n"), token.clone()] {
        let mut with_dash = base.to_vec();
        with_dash.push("-".into());
        Run::new(&with_dash).stdin(input.clone()).run().assert_ok();
        // No argument and stdin is a pipe, not a terminal.
        Run::new(&base).stdin(input.clone()).run().assert_ok();
        Run::new(["inspect", "--now", &AT.to_string()]).stdin(input).run().assert_ok();
    }
    // Only one newline is stripped; NUL bytes and non-UTF-8 are rejected with their code.
    Run::new(&base).stdin(format!("{token}\n\n")).run().assert_error(3, "TOKEN_MALFORMED");
    let out = Run::new(["inspect"]).stdin(format!("{token}\0")).run();
    out.assert_error(3, "TOKEN_MALFORMED");
    assert!(out.stderr.contains("NUL"), "{}", out.stderr);
    Run::new(["inspect", "-"]).stdin(b"\xff\xfe".to_vec()).run().assert_error(2, "INVALID_UTF8");
    // stdin is /dev/null (not a terminal): an empty token.
    Run::new(["inspect"]).run().assert_error(3, "TOKEN_MALFORMED");
    let _ = std::fs::remove_dir_all(dir);
}
