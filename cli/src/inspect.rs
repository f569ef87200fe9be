//! `inspect`: a token's fields and the reasons a server would reject it, without the secret.

use std::fmt::Write as _;

use auroraiam::{diagnose, parse_token, redact_token, DiagnoseOptions, Diagnostic, ParsedToken, Severity, SigningTime};
use serde_json::{json, Value};

use crate::cli::InspectArgs;
use crate::error::CliError;
use crate::input;

/// What `inspect` prints, and whether it found an error.
pub struct Report {
    /// Text for stdout (ends with a newline).
    pub stdout: String,
    /// Error-severity diagnostic codes (non-empty means exit 9).
    pub errors: Vec<&'static str>,
}

/// Runs `inspect`.
pub fn run(args: &InspectArgs) -> Result<Report, CliError> {
    let token = input::token(args.token.as_ref())?;
    // Options are read before parsing the token so that a bad option is reported as such.
    let expect = &args.expect;
    let now = input::now_or_clock(expect.now.as_ref())?;
    let expect_hostname = input::opt_text(expect.expect_host.as_ref(), "--expect-host")?;
    let expect_username = input::opt_text(expect.expect_user.as_ref(), "--expect-user")?;
    let expect_port = expect.expect_port.as_ref().map(|p| input::port(p, "--expect-port")).transpose()?;

    let parsed = parse_token(&token)?;
    let mut options = DiagnoseOptions::at(now);
    options.expect_hostname = expect_hostname;
    options.expect_port = expect_port;
    options.expect_username = expect_username;
    if let Some(skew) = expect.max_clock_skew {
        options.max_clock_skew_secs = skew;
    }
    if let Some(limit) = args.pooler_length_limit {
        options.pooler_length_limit = limit;
    }
    let diagnostics = diagnose(&parsed, &options);
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.code.name()).collect();
    let redacted = redact_token(&token);
    let stdout = if args.json {
        render_object(&json_fields(&parsed, &diagnostics, now, &redacted))
    } else {
        to_text(&parsed, &diagnostics, now, &redacted)
    };
    Ok(Report { stdout, errors })
}

fn rfc3339(unix: i64) -> String {
    SigningTime::from_unix_seconds(unix).map(|t| t.to_string()).unwrap_or_else(|_| unix.to_string())
}

/// The `--json` fields in their documented order. Names are stable; docs/cli.md documents each.
pub fn json_fields(p: &ParsedToken, diagnostics: &[Diagnostic], now: SigningTime, redacted: &str) -> Vec<(&'static str, Value)> {
    let remaining = p.remaining_secs(now);
    vec![
        ("kind", json!(p.kind().name())),
        ("hostname", json!(p.hostname())),
        ("port", json!(p.port())),
        ("username", json!(p.username())),
        ("region", json!(p.region())),
        ("service", json!(p.service())),
        ("access_key_id", json!(p.access_key_id())),
        ("has_session_token", json!(p.has_session_token())),
        ("signing_time", json!(p.signing_time().to_string())),
        ("signing_time_unix", json!(p.signing_time().unix_seconds())),
        ("expires_in", json!(p.expires_in())),
        ("expires_at", json!(rfc3339(p.expires_at_unix()))),
        ("expires_at_unix", json!(p.expires_at_unix())),
        ("now", json!(now.to_string())),
        ("now_unix", json!(now.unix_seconds())),
        ("remaining_secs", json!(remaining)),
        ("expired", json!(remaining <= 0)),
        ("length", json!(p.length())),
        ("redacted_token", json!(redacted)),
        ("ok", json!(!diagnostics.iter().any(|d| d.severity == Severity::Error))),
        (
            "diagnostics",
            Value::Array(
                diagnostics
                    .iter()
                    .map(|d| json!({"code": d.code.name(), "severity": d.severity.name(), "message": d.message}))
                    .collect(),
            ),
        ),
    ]
}

/// Pretty-prints `fields` as one JSON object, keeping their order (serde_json's own map sorts keys).
pub fn render_object(fields: &[(&'static str, Value)]) -> String {
    let mut out = String::from("{\n");
    for (i, (key, value)) in fields.iter().enumerate() {
        let value = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_string());
        let _ = write!(out, "  {}: {}", Value::from(*key), value.replace('\n', "\n  "));
        out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

/// Human-readable report. User-controlled text (the user name) is escaped so that control
/// characters cannot act on the terminal.
pub fn to_text(p: &ParsedToken, diagnostics: &[Diagnostic], now: SigningTime, redacted: &str) -> String {
    let mut out = String::new();
    let mut row = |label: &str, value: &str| {
        let _ = writeln!(out, "{label:<14}{value}");
    };
    let kind = match p.kind() {
        auroraiam::TokenKind::Rds => "rds (Aurora/RDS IAM, Action=connect)",
        auroraiam::TokenKind::Dsql => "dsql (Aurora DSQL, Action=DbConnect)",
        auroraiam::TokenKind::DsqlAdmin => "dsql-admin (Aurora DSQL admin, Action=DbConnectAdmin)",
    };
    row("kind", kind);
    row("hostname", p.hostname());
    row("port", &p.port().map_or("-".to_string(), |x| x.to_string()));
    if let Some(user) = p.username() {
        row("username", &user.escape_debug().to_string());
    }
    row("region", p.region());
    row("service", p.service());
    row("access key id", p.access_key_id());
    row(
        "session token",
        if p.has_session_token() { "present (temporary credentials)" } else { "none" },
    );
    row("signed at", &p.signing_time().to_string());
    row("expires in", &format!("{} s", p.expires_in()));
    let remaining = p.remaining_secs(now);
    let state = if remaining > 0 {
        format!("{remaining} s left at {now}")
    } else {
        format!("expired {} s before {now}", -remaining)
    };
    row("expires at", &format!("{} ({state})", rfc3339(p.expires_at_unix())));
    row("length", &format!("{} bytes", p.length()));
    row("redacted", redacted);
    out.push('\n');
    if diagnostics.is_empty() {
        out.push_str("diagnostics: none found\n");
    } else {
        out.push_str("diagnostics:\n");
        for d in diagnostics {
            let _ = writeln!(out, "  {:<8}{}: {}", d.severity.name(), d.code.name(), d.message);
        }
    }
    out
}
