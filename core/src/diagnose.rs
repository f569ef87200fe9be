//! Offline diagnosis: the reasons Aurora, RDS or DSQL would reject a token, found without the
//! secret key.

use std::fmt;

use crate::parse::ParsedToken;
use crate::region::{infer_dsql_region, infer_rds_region};
use crate::error::quoted;
use crate::request::{TokenKind, MAX_RDS_EXPIRES_IN};
use crate::time::SigningTime;
use crate::verify::DEFAULT_MAX_CLOCK_SKEW_SECS;

/// Token length above which common poolers and tools are known to truncate passwords.
pub const DEFAULT_POOLER_LENGTH_LIMIT: usize = 1024;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The server will reject the token.
    Error,
    /// The token may work, but something is likely to go wrong.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Stable identifiers of diagnostic findings.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticCode {
    /// The token's lifetime is over.
    Expired,
    /// Signed further in the future than clock skew allows.
    NotYetValid,
    /// The credential-scope region differs from the region in the hostname.
    RegionMismatch,
    /// RDS/Aurora token asks for more than 900 s.
    ExpiresInTooLong,
    /// Temporary (`ASIA…`) access key without a session token.
    MissingSessionToken,
    /// Made for another host than the intended one.
    HostMismatch,
    /// Made for another port than the intended one.
    PortMismatch,
    /// Made for another database user than the intended one.
    UserMismatch,
    /// Longer than some poolers and tools accept as a password.
    TooLongForPoolers,
    /// The host is not an RDS/Aurora/DSQL endpoint name (CNAME, IP, tunnel).
    NotAnAwsEndpoint,
}

impl DiagnosticCode {
    /// Every diagnostic code.
    pub const ALL: &'static [DiagnosticCode] = &[
        DiagnosticCode::Expired,
        DiagnosticCode::NotYetValid,
        DiagnosticCode::RegionMismatch,
        DiagnosticCode::ExpiresInTooLong,
        DiagnosticCode::MissingSessionToken,
        DiagnosticCode::HostMismatch,
        DiagnosticCode::PortMismatch,
        DiagnosticCode::UserMismatch,
        DiagnosticCode::TooLongForPoolers,
        DiagnosticCode::NotAnAwsEndpoint,
    ];

    /// Severity this finding always has.
    pub const fn severity(self) -> Severity {
        match self {
            DiagnosticCode::TooLongForPoolers | DiagnosticCode::NotAnAwsEndpoint => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Stable upper-case name, e.g. `EXPIRED`.
    pub const fn name(self) -> &'static str {
        match self {
            DiagnosticCode::Expired => "EXPIRED",
            DiagnosticCode::NotYetValid => "NOT_YET_VALID",
            DiagnosticCode::RegionMismatch => "REGION_MISMATCH",
            DiagnosticCode::ExpiresInTooLong => "EXPIRES_IN_TOO_LONG",
            DiagnosticCode::MissingSessionToken => "MISSING_SESSION_TOKEN",
            DiagnosticCode::HostMismatch => "HOST_MISMATCH",
            DiagnosticCode::PortMismatch => "PORT_MISMATCH",
            DiagnosticCode::UserMismatch => "USER_MISMATCH",
            DiagnosticCode::TooLongForPoolers => "TOO_LONG_FOR_POOLERS",
            DiagnosticCode::NotAnAwsEndpoint => "NOT_AN_AWS_ENDPOINT",
        }
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding about a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What was found.
    pub code: DiagnosticCode,
    /// Whether the server will reject the token because of it.
    pub severity: Severity,
    /// Human explanation with the values involved (never secrets).
    pub message: String,
}

/// What the token was meant for and when it will be used; everything optional but `now`.
#[derive(Clone, Debug)]
pub struct DiagnoseOptions<'a> {
    /// The time the token is (to be) used.
    pub now: SigningTime,
    /// Allowed clock skew for tokens signed in the future.
    pub max_clock_skew_secs: u32,
    /// Intended host.
    pub expect_hostname: Option<&'a str>,
    /// Intended port.
    pub expect_port: Option<u16>,
    /// Intended database user.
    pub expect_username: Option<&'a str>,
    /// Length above which to warn about poolers truncating passwords.
    pub pooler_length_limit: usize,
}

impl<'a> DiagnoseOptions<'a> {
    /// Defaults: skew 300 s, pooler limit 1024 bytes, no expectations.
    pub fn at(now: SigningTime) -> Self {
        DiagnoseOptions {
            now,
            max_clock_skew_secs: DEFAULT_MAX_CLOCK_SKEW_SECS,
            expect_hostname: None,
            expect_port: None,
            expect_username: None,
            pooler_length_limit: DEFAULT_POOLER_LENGTH_LIMIT,
        }
    }
}

/// Lists every problem that would make the server reject `token` (errors) or is likely to
/// cause trouble (warnings), errors first. Empty means nothing found.
pub fn diagnose(token: &ParsedToken, options: &DiagnoseOptions<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut add = |code, severity, message: String| out.push(Diagnostic { code, severity, message });
    let now = options.now.unix_seconds();
    let signed = token.signing_time().unix_seconds();

    if now >= token.expires_at_unix() {
        add(
            DiagnosticCode::Expired,
            Severity::Error,
            format!(
                "expired {} s ago: signed at {} for {} s (expired at {})",
                now - token.expires_at_unix(),
                token.signing_time(),
                token.expires_in(),
                SigningTime::from_unix_seconds(token.expires_at_unix()).map(|t| t.to_string()).unwrap_or_default()
            ),
        );
    }
    if signed > now + i64::from(options.max_clock_skew_secs) {
        add(
            DiagnosticCode::NotYetValid,
            Severity::Error,
            format!(
                "signed {} s in the future ({} vs now {}): the signing clock is ahead; more than {} s of skew is rejected",
                signed - now,
                token.signing_time(),
                options.now,
                options.max_clock_skew_secs
            ),
        );
    }
    let host_region = match token.kind() {
        TokenKind::Rds => infer_rds_region(token.hostname()),
        TokenKind::Dsql | TokenKind::DsqlAdmin => infer_dsql_region(token.hostname()),
    };
    match &host_region {
        Some(r) if r != token.region() => add(
            DiagnosticCode::RegionMismatch,
            Severity::Error,
            format!("signed for region {} but the hostname is in {r}", token.region()),
        ),
        _ => {}
    }
    if token.kind() == TokenKind::Rds && token.expires_in() > MAX_RDS_EXPIRES_IN {
        add(
            DiagnosticCode::ExpiresInTooLong,
            Severity::Error,
            format!("X-Amz-Expires is {} s; RDS/Aurora tokens may live at most {MAX_RDS_EXPIRES_IN} s", token.expires_in()),
        );
    }
    if crate::credentials::is_temporary_access_key_id(token.access_key_id()) && !token.has_session_token() {
        add(
            DiagnosticCode::MissingSessionToken,
            Severity::Error,
            format!(
                "access key {} is temporary (ASIA…) but the token has no X-Amz-Security-Token: pass the session token",
                quoted(token.access_key_id())
            ),
        );
    }
    if let Some(host) = options.expect_hostname.filter(|h| !h.eq_ignore_ascii_case(token.hostname())) {
        add(
            DiagnosticCode::HostMismatch,
            Severity::Error,
            format!("made for host {} but meant for {}", quoted(token.hostname()), quoted(host)),
        );
    }
    if let Some(port) = options.expect_port.filter(|p| Some(*p) != token.port()) {
        let got = token.port().map_or("no port".to_string(), |p| format!("port {p}"));
        add(DiagnosticCode::PortMismatch, Severity::Error, format!("made for {got} but meant for port {port}"));
    }
    if let Some(user) = options.expect_username.filter(|u| Some(*u) != token.username()) {
        add(
            DiagnosticCode::UserMismatch,
            Severity::Error,
            format!("made for database user {} but meant for {}", quoted(token.username().unwrap_or("")), quoted(user)),
        );
    }
    if token.length() > options.pooler_length_limit {
        add(
            DiagnosticCode::TooLongForPoolers,
            Severity::Warning,
            format!(
                "{} bytes long: poolers and tools with short password buffers (older pgbouncer, pgagroal, \
                 phpMyAdmin) may truncate it beyond {} bytes",
                token.length(),
                options.pooler_length_limit
            ),
        );
    }
    if host_region.is_none() {
        add(
            DiagnosticCode::NotAnAwsEndpoint,
            Severity::Warning,
            format!(
                "host {} is not an {} endpoint name: the token must be signed for the real endpoint, \
                 not a CNAME, IP address or tunnel, or the server rejects it",
                quoted(token.hostname()),
                if token.kind() == TokenKind::Rds { "RDS/Aurora" } else { "Aurora DSQL" }
            ),
        );
    }
    out.sort_by_key(|d| d.severity);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{credentials_from_parts, generate_token, parse_token, TokenRequest};

    const AT: i64 = 1_700_000_000;

    fn parsed(host: &str, region: &str, akid: &str, session: Option<&str>) -> ParsedToken {
        let c = credentials_from_parts(akid, "s", session, None).unwrap();
        let r = TokenRequest::rds(host, 5432, "alice").region(region).build().unwrap();
        let t = generate_token(&r, &c, SigningTime::from_unix_seconds(AT).unwrap()).unwrap();
        parse_token(t.as_str()).unwrap()
    }

    fn codes(p: &ParsedToken, o: &DiagnoseOptions<'_>) -> Vec<&'static str> {
        diagnose(p, o).iter().map(|d| d.code.name()).collect()
    }

    fn at(t: i64) -> DiagnoseOptions<'static> {
        DiagnoseOptions::at(SigningTime::from_unix_seconds(t).unwrap())
    }

    const HOST: &str = "db.cluster-x.us-east-1.rds.amazonaws.com";

    #[test]
    fn healthy_token_has_no_findings() {
        assert!(codes(&parsed(HOST, "us-east-1", "AKIDEXAMPLE", None), &at(AT + 1)).is_empty());
    }

    #[test]
    fn each_problem_is_found() {
        let p = parsed(HOST, "us-east-1", "AKIDEXAMPLE", None);
        assert_eq!(codes(&p, &at(AT + 900)), ["EXPIRED"]);
        assert_eq!(codes(&p, &at(AT - 301)), ["NOT_YET_VALID"]);
        assert_eq!(codes(&parsed(HOST, "eu-west-1", "AKIDEXAMPLE", None), &at(AT)), ["REGION_MISMATCH"]);
        assert_eq!(codes(&parsed(HOST, "us-east-1", "ASIAEXAMPLE", None), &at(AT)), ["MISSING_SESSION_TOKEN"]);
        let mut o = at(AT);
        o.expect_hostname = Some("other.example.com");
        o.expect_port = Some(3306);
        o.expect_username = Some("bob");
        assert_eq!(codes(&p, &o), ["HOST_MISMATCH", "PORT_MISMATCH", "USER_MISMATCH"]);
        let long = "x".repeat(1200);
        assert_eq!(codes(&parsed(HOST, "us-east-1", "ASIAEXAMPLE", Some(&long)), &at(AT)), ["TOO_LONG_FOR_POOLERS"]);
        let cname = parsed("db.example.com", "us-east-1", "AKIDEXAMPLE", None);
        assert_eq!(codes(&cname, &at(AT)), ["NOT_AN_AWS_ENDPOINT"]);
        let mut p = p;
        p.expires_in = 3600;
        let found = diagnose(&p, &at(AT));
        assert_eq!(found[0].code, DiagnosticCode::ExpiresInTooLong);
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn errors_sort_before_warnings() {
        let p = parsed("db.example.com", "us-east-1", "AKIDEXAMPLE", None);
        let found = diagnose(&p, &at(AT + 5000));
        assert_eq!(found.iter().map(|d| d.severity).collect::<Vec<_>>(), [Severity::Error, Severity::Warning]);
    }
}
