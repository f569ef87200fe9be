//! `generate-* --format token|uri|jdbc|env|env-no-export|json`: every format carries exactly the
//! token `--format token` prints (decoded back by a URI parser's rules, evaluated by a real
//! shell, parsed as JSON), for PostgreSQL, MySQL and DSQL, with users that need escaping; bad
//! combinations are clear errors.

mod common;

use std::process::Command;

use auroraiam::percent_decode;
use common::{Run, AT, HOST};

const DSQL_HOST: &str = "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws";

fn rds(port: &str, user: &str, extra: &[&str]) -> Run {
    let mut args = vec!["generate-db-auth-token", "--hostname", HOST, "--port", port, "--username", user,
                        "--signing-time", "1795694400"];
    args.extend(extra);
    Run::new(args).creds()
}

fn token(port: &str, user: &str) -> String {
    let out = rds(port, user, &[]).run();
    out.assert_ok();
    out.stdout_str().strip_suffix('\n').unwrap().to_string()
}

/// What the command printed, which must be one line ending in a newline.
fn line(run: Run) -> String {
    let out = run.run();
    out.assert_ok();
    assert!(out.stderr.is_empty(), "{out:?}");
    let text = out.stdout_str();
    let line = text.strip_suffix('\n').expect("ends in a newline");
    assert!(!line.contains('\n'), "one line: {text}");
    line.to_string()
}

/// Splits `scheme://user:password@host:port/db?query` by RFC 3986 rules.
fn parse_uri(uri: &str) -> (String, String, String, String, String) {
    let (scheme, rest) = uri.split_once("://").unwrap();
    let (info, after) = rest.split_once('@').unwrap();
    assert!(!after.contains('@') && !info.contains('/') && !info.contains('?'), "unescaped delimiter: {uri}");
    let (user, password) = info.split_once(':').unwrap();
    let (authority_path, query) = after.split_once('?').unwrap();
    (
        scheme.to_string(),
        percent_decode(user).unwrap(),
        percent_decode(password).unwrap(),
        authority_path.to_string(),
        query.to_string(),
    )
}

#[test]
fn token_is_the_default_format() {
    assert_eq!(line(rds("5432", "app_user", &["--format", "token"])), token("5432", "app_user"));
}

#[test]
fn uri_postgresql_and_mysql() {
    for (port, user, db, scheme, tail, query) in [
        ("5432", "app_user", None, "postgresql", "/", "sslmode=require"),
        ("5432", "app+user@x", Some("my app"), "postgresql", "/my%20app", "sslmode=require"),
        ("3306", "o'brien", Some("shop"), "mysql", "/shop", "ssl-mode=REQUIRED"),
    ] {
        let mut extra = vec!["--format", "uri"];
        if let Some(db) = db {
            extra.extend(["--dbname", db]);
        }
        let uri = line(rds(port, user, &extra));
        let (s, u, p, authority_path, q) = parse_uri(&uri);
        assert_eq!((s.as_str(), u.as_str(), q.as_str()), (scheme, user, query), "{uri}");
        assert_eq!(p, token(port, user), "the password is the token");
        assert_eq!(authority_path, format!("{HOST}:{port}{tail}"));
    }
    // --engine overrides the port rule.
    let uri = line(rds("15432", "app_user", &["--format", "uri", "--engine", "postgres"]));
    assert!(uri.starts_with("postgresql://app_user:") && uri.contains(&format!("@{HOST}:15432/?")), "{uri}");
}

#[test]
fn jdbc_url() {
    let url = line(rds("5432", "app+user", &["--format", "jdbc", "--dbname", "app"]));
    let prefix = format!("jdbc:postgresql://{HOST}:5432/app?");
    let query = url.strip_prefix(&prefix).unwrap_or_else(|| panic!("{url}"));
    let params: Vec<(&str, String)> =
        query.split('&').map(|kv| kv.split_once('=').unwrap()).map(|(k, v)| (k, percent_decode(v).unwrap())).collect();
    assert_eq!(params[0], ("user", "app+user".to_string()));
    assert_eq!(params[1], ("password", token("5432", "app+user")));
    assert_eq!(params[2], ("sslmode", "require".to_string()));
    let url = line(rds("3306", "app_user", &["--format", "jdbc"]));
    assert!(url.starts_with(&format!("jdbc:mysql://{HOST}:3306/?user=app_user&password=")), "{url}");
    assert!(url.ends_with("&sslMode=REQUIRED"), "{url}");
}

/// `eval` of the output in a real POSIX shell sets exactly the values (and exports them with
/// `env`, not with `env-no-export`).
#[test]
fn env_lines_evaluate_in_sh() {
    const NAMES: [&str; 8] =
        ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_PWD"];
    let show: String = NAMES
        .iter()
        .map(|n| format!("printf '%s=[%s] exported=%s\\n' {n} \"${{{n}-unset}}\" \"$(sh -c 'printf %s \"${{{n}+yes}}\"')\"\n"))
        .collect();
    for (port, user, format) in [("5432", "o'brien", "env"), ("3306", "app_user", "env-no-export"), ("5432", "a b$c`d", "env")] {
        let out = rds(port, user, &["--format", format]).run();
        out.assert_ok();
        let lines = out.stdout_str();
        let script = format!("eval \"$1\"\n{show}");
        let sh = Command::new("sh").arg("-c").arg(&script).arg("sh").arg(&lines).env_clear().output().unwrap();
        assert!(sh.status.success(), "{sh:?}");
        let got = String::from_utf8(sh.stdout).unwrap();
        let t = token(port, user);
        let exported = if format == "env" { "yes" } else { "" };
        let expect = |name: &str, value: Option<&str>| match value {
            Some(v) => format!("{name}=[{v}] exported={exported}\n"),
            None => format!("{name}=[unset] exported=\n"),
        };
        let pg = port == "5432";
        let want = [
            expect("PGHOST", pg.then_some(HOST)),
            expect("PGPORT", pg.then_some(port)),
            expect("PGUSER", pg.then_some(user)),
            expect("PGDATABASE", None),
            expect("PGPASSWORD", pg.then_some(t.as_str())),
            expect("MYSQL_HOST", (!pg).then_some(HOST)),
            expect("MYSQL_TCP_PORT", (!pg).then_some(port)),
            expect("MYSQL_PWD", (!pg).then_some(t.as_str())),
        ]
        .concat();
        assert_eq!(got, want, "{lines}");
    }
}

#[test]
fn json_has_the_token_and_the_effective_expiry() {
    let out = rds("5432", "app_user", &["--format", "json"]).run();
    out.assert_ok();
    assert_eq!(out.stdout_str().lines().count(), 1);
    let v = out.json();
    assert_eq!(v["token"], token("5432", "app_user"));
    assert_eq!(v["kind"], "rds");
    assert_eq!(v["hostname"], HOST);
    assert_eq!(v["port"], 5432);
    assert_eq!(v["username"], "app_user");
    assert_eq!(v["region"], "us-east-1");
    assert_eq!(v["signing_time"], "2026-11-26T12:00:00Z");
    assert_eq!(v["expires_in"], 900);
    assert_eq!(v["expires_at"], "2026-11-26T12:15:00Z");
    assert_eq!(v["expires_at_unix"], AT + 900);
    assert_eq!(v["token_expires_at"], "2026-11-26T12:15:00Z");
    assert!(v["credentials_expire_at"].is_null());

    let v = Run::new(["generate-db-connect-auth-token", "--hostname", DSQL_HOST, "--expires-in", "3600",
                      "--signing-time", "1795694400", "--format", "json"]).creds().run().json();
    assert_eq!((v["kind"].as_str(), v["port"].is_null(), v["username"].is_null()), (Some("dsql"), true, true));
    assert_eq!(v["expires_at_unix"], AT + 3600);
}

/// Temporary credentials expiring before the token: `expires_at` is the credentials' expiry.
#[cfg(feature = "credential-chain")]
#[test]
fn json_expiry_is_capped_by_the_credentials() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("auroraiam-cli-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let expiry = auroraiam::SigningTime::from_unix_seconds(now + 600).unwrap().to_string();
    let script = dir.join("process.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESSEXAMPLE01\", \"SecretAccessKey\": \"s/k\", \
             \"SessionToken\": \"session\", \"Expiration\": \"{expiry}\"}}'\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = dir.join("config");
    std::fs::write(&config, format!("[profile temp]\ncredential_process = {}\n", script.display())).unwrap();
    let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u",
                        "--profile", "temp", "--format", "json"])
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("HOME", &dir)
        .run();
    let _ = std::fs::remove_dir_all(&dir);
    out.assert_ok();
    let v = out.json();
    assert_eq!(v["credentials_expire_at"], expiry.as_str());
    assert_eq!(v["expires_at"], expiry.as_str(), "{v}");
    assert_eq!(v["expires_at_unix"], now + 600);
    assert!(v["token_expires_at"].as_str().unwrap() > expiry.as_str());
}

#[test]
fn dsql_formats() {
    let admin = |extra: &[&str]| {
        let mut args = vec!["generate-db-connect-admin-auth-token", "--hostname", DSQL_HOST, "--signing-time", "1795694400"];
        args.extend(extra);
        Run::new(args).creds()
    };
    let t = line(admin(&[]));
    let (scheme, user, password, authority_path, query) = parse_uri(&line(admin(&["--format", "uri"])));
    assert_eq!((scheme.as_str(), user.as_str(), query.as_str()), ("postgresql", "admin", "sslmode=require"));
    assert_eq!(password, t);
    assert_eq!(authority_path, format!("{DSQL_HOST}/postgres"));

    // A custom role's token does not name the role: no URI, a clear error, nothing on stdout.
    let out = Run::new(["generate-db-connect-auth-token", "--hostname", DSQL_HOST, "--format", "uri"]).creds().run();
    out.assert_error(2, "INVALID_ARGUMENT");
    assert!(out.stderr.contains("role"), "{out:?}");
    assert!(!out.stderr.contains("X-Amz-Signature"), "no token in errors: {out:?}");
}

#[test]
fn bad_combinations_are_errors() {
    rds("6543", "u", &["--format", "uri"]).run().assert_error(2, "INVALID_ARGUMENT");
    let out = rds("5432", "u", &["--format", "env", "--engine", "oracle"]).run();
    out.assert_error(2, "INVALID_ARGUMENT");
    assert!(out.stderr.contains("oracle"), "{out:?}");
    rds("5432", "u", &["--format", "uri", "--dbname", ""]).run().assert_error(2, "INVALID_ARGUMENT");
    rds("5432", "u", &["--dbname", "app"]).run().assert_error(2, "USAGE");
    rds("5432", "u", &["--format", "json", "--engine", "mysql"]).run().assert_error(2, "USAGE");
    rds("5432", "u", &["--format", "yaml"]).run().assert_error(2, "USAGE");
    // Output options are checked before credentials are looked for.
    let out = Run::new(["generate-db-auth-token", "--hostname", HOST, "--port", "5432", "--username", "u",
                        "--format", "uri", "--engine", "nope"]).run();
    out.assert_error(2, "INVALID_ARGUMENT");
}
