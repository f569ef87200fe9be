//! The command-line contract: help and version, the exit-code table (every core code mapped and
//! documented), argument edge cases (non-UTF-8, huge, out of range), credentials, and no panics.

mod common;

use std::ffi::OsString;

use auroraiam::ErrorCode;
use common::*;

const SUBCOMMANDS: &[&str] = &[
    "generate-db-auth-token",
    "generate-db-connect-auth-token",
    "generate-db-connect-admin-auth-token",
    "inspect",
    "verify",
];

fn rds(extra: &[&str]) -> Run {
    let mut args = vec!["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u",
                        "--signing-time", "1795694400"];
    args.extend(extra);
    Run::new(args).creds()
}

#[test]
fn help_for_every_subcommand_has_an_example() {
    for sub in SUBCOMMANDS {
        for args in [vec![*sub, "--help"], vec!["help", *sub], vec![*sub, "-h"]] {
            let out = Run::new(&args).run();
            out.assert_ok();
            let help = out.stdout_str();
            assert!(help.contains("Examples:"), "{args:?}:\n{help}");
            assert!(help.contains(&format!("  auroraiam {sub} ")) || help.contains(&format!("$(auroraiam {sub} ")),
                    "{args:?} has no example of itself:\n{help}");
            assert!(out.stderr.is_empty());
        }
    }
    let out = Run::new(["--help"]).run();
    out.assert_ok();
    let help = out.stdout_str();
    for sub in SUBCOMMANDS {
        assert!(help.contains(sub), "{sub} not listed");
    }
    assert!(help.contains("Examples:") && help.contains("Exit codes:"));
}

#[test]
fn version_is_the_workspace_version() {
    for flag in ["--version", "-V"] {
        let out = Run::new([flag]).run();
        out.assert_ok();
        let features = if cfg!(feature = "credential-chain") {
            "features: credential-chain"
        } else {
            "features: none; credentials from AWS_* variables only"
        };
        assert_eq!(out.stdout_str(), format!("auroraiam {} ({features})\n", env!("CARGO_PKG_VERSION")));
    }
}

/// Parses the `Exit codes:` table of `--help` into (code name, exit code).
fn help_exit_table() -> Vec<(String, i32)> {
    let help = Run::new(["--help"]).run().stdout_str();
    let table = help.split("Exit codes:\n").nth(1).expect("exit code table");
    let mut rows = Vec::new();
    let mut current = -1;
    for line in table.lines() {
        let line = line.trim();
        let rest = match line.split_once("  ") {
            Some((n, rest)) if n.parse::<i32>().is_ok() => {
                current = n.parse().unwrap();
                rest
            }
            _ => line,
        };
        for name in rest.split([',', ' ']).filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')) {
            rows.push((name.to_string(), current));
        }
    }
    rows
}

#[test]
fn every_core_code_has_a_documented_exit_code() {
    let table = help_exit_table();
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md")).expect("docs/cli.md");
    let names = ErrorCode::ALL.iter().map(|c| c.name()).chain(["USAGE", "IO_ERROR", "TOKEN_REJECTED", "LOGIN_DENIED"]);
    for name in names {
        let exit = documented_exit(name);
        let in_help: Vec<i32> = table.iter().filter(|(n, _)| n == name).map(|(_, e)| *e).collect();
        assert_eq!(in_help, [exit], "{name} in the --help exit code table");
        let row = docs
            .lines()
            .find(|l| l.starts_with(&format!("| {exit} |")) && l.contains(&format!("`{name}`")));
        assert!(row.is_some(), "docs/cli.md exit code table lacks `{name}` in the row for {exit}");
    }
}

#[test]
fn numbers_are_checked_by_the_core_not_the_parser() {
    for port in ["0", "65536", "-1", "100000", "99999999999999999999999", "-99999999999999999999999"] {
        let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", port, "--username", "u"]).creds().run();
        out.assert_error(2, "INVALID_PORT");
        assert!(out.stderr.contains("1..=65535") || out.stderr.contains("out of range"), "{}", out.stderr);
    }
    for port in ["abc", "", "5432x", "0x1538", "54 32"] {
        let out = Run::new(["generate-db-auth-token", "--hostname", HOST, &format!("--port={port}"), "--username", "u"])
            .creds()
            .run();
        out.assert_error(2, "INVALID_PORT");
    }
    for e in ["0", "901", "-5", "3600", "x", "99999999999999999999999"] {
        rds(&["--expires-in", e]).run().assert_error(2, "INVALID_EXPIRES_IN");
    }
    rds(&["--expires-in", "1"]).run().assert_ok();
    rds(&["--expires-in", "900"]).run().assert_ok();
    let dsql = |e: &str| {
        Run::new(["generate-db-connect-auth-token", "--hostname", "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws",
                  "--expires-in", e])
            .creds()
            .run()
    };
    dsql("604800").assert_ok();
    dsql("604801").assert_error(2, "INVALID_EXPIRES_IN");
    for t in ["-1", "yesterday", "253402300800", "2026-02-30T00:00:00Z", "1795694400000"] {
        Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u", "--signing-time", t])
            .creds()
            .run()
            .assert_error(2, "INVALID_SIGNING_TIME");
    }
}

#[test]
fn generate_prints_the_token_and_a_newline_only() {
    let out = rds(&[]).run();
    out.assert_ok();
    let s = out.stdout_str();
    assert!(s.ends_with('\n') && s.matches('\n').count() == 1 && out.stderr.is_empty());
    // The same token the core makes for the same inputs.
    let credentials = auroraiam::credentials_from_parts(AKID, SECRET, None, None).unwrap();
    let request = auroraiam::TokenRequest::rds(HOST, 5432, "u").build().unwrap();
    let at = auroraiam::SigningTime::from_unix_seconds(AT).unwrap();
    let core = auroraiam::generate_token(&request, &credentials, at).unwrap();
    assert_eq!(s, format!("{}\n", core.as_str()));
}

#[test]
fn credentials_come_from_the_environment() {
    let bare = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u"]);
    bare.clone().run().assert_error(8, "CREDENTIALS_NOT_FOUND");
    bare.clone().env("AWS_ACCESS_KEY_ID", AKID).run().assert_error(8, "CREDENTIALS_NOT_FOUND");
    bare.clone().env("AWS_SECRET_ACCESS_KEY", SECRET).run().assert_error(8, "CREDENTIALS_NOT_FOUND");
    let out = bare.clone().env("AWS_ACCESS_KEY_ID", "AKIA EXAMPLE").env("AWS_SECRET_ACCESS_KEY", SECRET).run();
    out.assert_error(8, "INVALID_CREDENTIALS");
    assert!(!out.stderr.contains(SECRET));
    // With a session token, the token carries it; an empty one is absent.
    let with = bare.clone().creds().env("AWS_SESSION_TOKEN", "FQoGZXIvYXdzEXAMPLE").run();
    assert!(with.stdout_str().contains("&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE&"));
    let empty = bare.creds().env("AWS_SESSION_TOKEN", "").run();
    assert!(!empty.stdout_str().contains("X-Amz-Security-Token"));
}

#[test]
fn region_rules_come_from_the_core() {
    let local = |extra: &[&str]| {
        let mut args = vec!["generate-db-auth-token", "--hostname", "localhost", "--port", "5432", "--username", "u"];
        args.extend(extra);
        Run::new(args).creds().run()
    };
    // AWS_REGION is deliberately not read: no silent default region.
    let out = Run::new(["generate-db-auth-token", "--hostname", "localhost", "--port", "5432", "--username", "u"])
        .creds()
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .run();
    out.assert_error(2, "REGION_REQUIRED");
    local(&["--region", "us-east-1"]).assert_ok();
    local(&["--region", "US-EAST-1"]).assert_error(2, "INVALID_REGION");
    local(&["--region="]).assert_error(2, "INVALID_REGION");
}

#[test]
fn usage_errors_exit_2_with_the_usage_code() {
    for args in [
        vec![],
        vec!["no-such-command"],
        vec!["generate-db-auth-token"],
        vec!["generate-db-auth-token", "--hostname", HOST, "--port", "5432"],
        vec!["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u", "--profile"],
        vec!["generate-db-auth-token", "--hostname", HOST, "--hostname", HOST, "--port", "1", "--username", "u"],
        vec!["generate-db-auth-token", "--hostname", "-bad", "--port", "5432", "--username", "u"],
        vec!["inspect", "a", "b"],
        vec!["inspect", "--max-clock-skew=-1", "x"],
        vec!["verify", "--bogus"],
    ] {
        let out = Run::new(&args).creds().run();
        out.assert_error(2, "USAGE");
    }
    let out = Run::new(["verify", "--expect-kind", "postgres", "x"]).env("AURORAIAM_VERIFY_SECRET_ACCESS_KEY", "s").run();
    out.assert_error(2, "USAGE");
}

#[test]
fn huge_arguments_get_their_error_never_a_crash() {
    // Linux caps one argument at 128 KiB; 120 KB each, and more than 1 MB in total below.
    let big = "a".repeat(120_000);
    Run::new(["generate-db-auth-token", "--hostname", &big, "--port", "5432", "--username", "u"])
        .creds()
        .run()
        .assert_error(2, "INVALID_HOSTNAME");
    rds(&[]).run().assert_ok();
    Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", &big])
        .creds()
        .run()
        .assert_error(2, "INVALID_USERNAME");
    rds(&["--region", &big]).run().assert_error(2, "INVALID_REGION");
    rds(&["--expires-in", &"9".repeat(120_000)]).run().assert_error(2, "INVALID_EXPIRES_IN");
    Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", &"9".repeat(120_000), "--username", "u"])
        .creds()
        .run()
        .assert_error(2, "INVALID_PORT");
    let out = rds(&[]).env("AWS_SESSION_TOKEN", &big).run();
    out.assert_error(8, "INVALID_CREDENTIALS");
    assert!(out.stderr.len() < 1000, "an error message echoed the input");
    for sub in ["inspect", "verify"] {
        let out = Run::new([sub, &big]).env("AURORAIAM_VERIFY_SECRET_ACCESS_KEY", "s").run();
        out.assert_error(3, "TOKEN_MALFORMED");
        assert!(out.stderr.len() < 1000);
    }
    // Tokens on stdin: 1 MiB and 3 MiB of text.
    for size in [1024 * 1024, 3 * 1024 * 1024] {
        let out = Run::new(["inspect", "-"]).stdin(vec![b'x'; size]).run();
        out.assert_error(3, "TOKEN_MALFORMED");
    }
    // Many arguments, > 1 MB in total.
    let mut args = vec!["inspect".to_string()];
    args.extend((0..10).map(|_| big.clone()));
    Run::new(&args).run().assert_error(2, "USAGE");
    let mut args: Vec<String> = vec!["inspect".into(), "x".into()];
    args.extend((0..20_000).map(|i| format!("--x{i}")));
    Run::new(&args).run().assert_error(2, "USAGE");
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_invalid_utf8_naming_the_option() {
    use std::os::unix::ffi::OsStringExt;
    let bad = || OsString::from_vec(b"db\xff.example.com".to_vec());
    let s = |x: &str| OsString::from(x);
    let cases: Vec<(Vec<OsString>, &str)> = vec![
        (vec![s("generate-db-auth-token"), s("--hostname"), bad(), s("--port"), s("1"), s("--username"), s("u")], "--hostname"),
        (vec![s("generate-db-auth-token"), s("--hostname"), s(HOST), s("--port"), bad(), s("--username"), s("u")], "--port"),
        (vec![s("generate-db-auth-token"), s("--hostname"), s(HOST), s("--port"), s("1"), s("--username"), bad()], "--username"),
        (vec![s("generate-db-auth-token"), s("--hostname"), s(HOST), s("--port"), s("1"), s("--username"), s("u"),
              s("--region"), bad()], "--region"),
        (vec![s("generate-db-connect-auth-token"), s("--hostname"), bad()], "--hostname"),
        (vec![s("generate-db-connect-admin-auth-token"), s("--hostname"), s(HOST), s("--expires-in"), bad()], "--expires-in"),
        (vec![s("generate-db-connect-auth-token"), s("--hostname"), s(HOST), s("--signing-time"), bad()], "--signing-time"),
        (vec![s("inspect"), bad()], "token"),
        (vec![s("inspect"), s("--expect-host"), bad(), s("x")], "--expect-host"),
        (vec![s("inspect"), s("--now"), bad(), s("x")], "--now"),
        (vec![s("verify"), s("--access-key-id"), bad(), s("x")], "--access-key-id"),
    ];
    for (args, option) in cases {
        let out = Run::new(&args).creds().env("AURORAIAM_VERIFY_SECRET_ACCESS_KEY", "s").run();
        out.assert_error(2, "INVALID_UTF8");
        assert!(out.stderr.contains(option), "{option}: {}", out.stderr);
    }
    // Where the parser itself needs text (subcommand or option names): a usage error.
    Run::new([bad()]).run().assert_error(2, "USAGE");
    Run::new([s("inspect"), OsString::from_vec(b"--\xff".to_vec())]).run().assert_error(2, "USAGE");
    // Non-UTF-8 environment variables.
    for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
        let mut run = rds(&[]);
        run.env.retain(|(k, _)| k != var);
        let out = run.env(var, bad()).run();
        out.assert_error(2, "INVALID_UTF8");
        assert!(out.stderr.contains(var), "{}", out.stderr);
    }
    let out = Run::new(["verify", "x"]).env("AURORAIAM_VERIFY_SECRET_ACCESS_KEY", bad()).run();
    out.assert_error(2, "INVALID_UTF8");
}

#[test]
fn a_closed_stdout_is_an_error_not_a_crash() {
    use std::process::{Command, Stdio};
    for args in [vec!["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u"],
                 vec!["--help"]] {
        let mut child = Command::new(BIN)
            .args(&args)
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", AKID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away (usually before the write)
        let out = child.wait_with_output().unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0) | Some(1)), "{code:?} {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        if code == Some(1) && args[0] != "--help" {
            assert!(stderr.starts_with("auroraiam: error: IO_ERROR: "), "{stderr}");
        }
    }
}

#[test]
fn nul_bytes_cannot_reach_the_process_through_argv_or_env() {
    // What the vector test relies on for its six NUL cases: the OS interface refuses them.
    let e = Run::new(["generate-db-auth-token", "--hostname", "a\0b", "--port", "1", "--username", "u"]).try_run().err();
    assert_eq!(e.map(|e| e.kind()), Some(std::io::ErrorKind::InvalidInput));
    let e = rds(&[]).env("AWS_SECRET_ACCESS_KEY", "s\0").try_run().err();
    assert_eq!(e.map(|e| e.kind()), Some(std::io::ErrorKind::InvalidInput));
}

#[test]
fn no_token_and_a_terminal_on_stdin_is_a_usage_error() {
    // `script` (util-linux, always on Debian) gives the child a pseudo-terminal.
    let script = ["/usr/bin/script", "/bin/script"].into_iter().find(|p| std::path::Path::new(p).exists());
    let Some(script) = script else {
        eprintln!("skipped: no `script` to provide a terminal");
        return;
    };
    for sub in ["inspect", "verify"] {
        let out = std::process::Command::new(script)
            .args(["-qec", &format!("{BIN} {sub}"), "/dev/null"])
            .env("AURORAIAM_VERIFY_SECRET_ACCESS_KEY", "s")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("auroraiam: error: USAGE: no token given"), "{sub}: {text}");
        assert_eq!(out.status.code(), Some(2), "{sub}: {text}");
    }
}
