//! Parsing a token back into its fields, and redacting it for logs.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use crate::encoding::percent_decode;
use crate::error::{quoted, Error, ErrorCode, Result};
use crate::hostname::validate_hostname;
use crate::presign::ALGORITHM;
use crate::request::{TokenKind, MAX_DSQL_EXPIRES_IN};
use crate::time::SigningTime;

/// Longest text accepted as a token (PostgreSQL accepts up to 32 KB; anything longer is not a token).
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// The fields of a token, decoded. `Debug` shows no signature and no session token.
#[derive(Clone)]
pub struct ParsedToken {
    pub(crate) kind: TokenKind,
    pub(crate) hostname: String,
    pub(crate) port: Option<u16>,
    pub(crate) username: Option<String>,
    pub(crate) access_key_id: String,
    pub(crate) scope_date: String,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) signing_time: SigningTime,
    pub(crate) expires_in: u32,
    pub(crate) session_token: Option<Zeroizing<String>>,
    pub(crate) signature: String,
    pub(crate) length: usize,
    /// Decoded query parameters in token order, for recomputing the canonical request.
    pub(crate) params: Vec<(String, Zeroizing<String>)>,
}

impl ParsedToken {
    /// RDS, DSQL or DSQL admin (from `Action`).
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
    /// The host as written in the token.
    pub fn hostname(&self) -> &str {
        &self.hostname
    }
    /// The port, if the token has one (RDS tokens always do).
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// The database user, decoded (RDS only).
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }
    /// Access key id from the credential scope.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    /// Region from the credential scope.
    pub fn region(&self) -> &str {
        &self.region
    }
    /// Service from the credential scope (`rds-db` or `dsql`).
    pub fn service(&self) -> &str {
        &self.service
    }
    /// `X-Amz-Date`.
    pub fn signing_time(&self) -> SigningTime {
        self.signing_time
    }
    /// `X-Amz-Expires`, in seconds.
    pub fn expires_in(&self) -> u32 {
        self.expires_in
    }
    /// Signing time plus `expires_in`, in Unix seconds.
    pub fn expires_at_unix(&self) -> i64 {
        self.signing_time.plus_seconds(self.expires_in)
    }
    /// Signing time plus `expires_in`.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.expires_at_unix() as u64)
    }
    /// Seconds of life left at `now` (negative once expired).
    pub fn remaining_secs(&self, now: SigningTime) -> i64 {
        self.expires_at_unix() - now.unix_seconds()
    }
    /// True when the token carries `X-Amz-Security-Token` (temporary credentials).
    pub fn has_session_token(&self) -> bool {
        self.session_token.is_some()
    }
    /// Length of the token text in bytes.
    pub fn length(&self) -> usize {
        self.length
    }
}

impl fmt::Debug for ParsedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedToken")
            .field("kind", &self.kind)
            .field("hostname", &self.hostname)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("signing_time", &self.signing_time)
            .field("expires_in", &self.expires_in)
            .field("has_session_token", &self.session_token.is_some())
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

fn malformed(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::TokenMalformed, message)
}

/// Parses a token into its fields, checking every part a server checks for shape.
///
/// Errors are `TOKEN_MALFORMED` with a message saying exactly what is wrong. The signature is
/// not checked here (see [`crate::verify_token`]).
pub fn parse_token(token: &str) -> Result<ParsedToken> {
    if token.is_empty() {
        return Err(malformed("token is empty"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed(format!("token is {} bytes long; tokens are at most a few KB", token.len())));
    }
    if token.contains("://") {
        return Err(malformed("token starts with a URL scheme; a token is host:port/?Action=… without https://"));
    }
    if let Some(c) = token.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return Err(malformed(format!(
            "token contains {}; copy it without line breaks or spaces",
            if c == '\0' { "a NUL byte".to_string() } else { format!("the character {c:?}") }
        )));
    }
    let (authority, query) = token
        .split_once("/?")
        .ok_or_else(|| malformed("token has no \"/?\" separating the host from the query"))?;
    let (hostname, port) = split_authority(authority)?;
    validate_hostname(hostname).map_err(|e| malformed(format!("token host is invalid: {}", e.message())))?;

    let mut params: Vec<(String, Zeroizing<String>)> = Vec::new();
    for pair in query.split('&') {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| malformed(format!("query parameter {} has no '='", shown(pair))))?;
        let key = percent_decode(key).ok_or_else(|| malformed(format!("query parameter name {} is badly percent-encoded", shown(key))))?;
        let value = Zeroizing::new(
            percent_decode(value).ok_or_else(|| malformed(format!("value of {} is badly percent-encoded", shown(&key))))?,
        );
        if !KNOWN_PARAMS.contains(&key.as_str()) {
            return Err(malformed(format!("unexpected query parameter {}", shown(&key))));
        }
        if params.iter().any(|(k, _)| *k == key) {
            return Err(malformed(format!("query parameter {key} appears twice")));
        }
        params.push((key, value));
    }
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let require = |name: &str| get(name).ok_or_else(|| malformed(format!("token has no {name} parameter")));

    let kind = match require("Action")? {
        "connect" => TokenKind::Rds,
        "DbConnect" => TokenKind::Dsql,
        "DbConnectAdmin" => TokenKind::DsqlAdmin,
        other => return Err(malformed(format!("Action {} is not connect, DbConnect or DbConnectAdmin", shown(other)))),
    };
    let algorithm = require("X-Amz-Algorithm")?;
    if algorithm != ALGORITHM {
        return Err(malformed(format!("X-Amz-Algorithm is {}, not {ALGORITHM}", shown(algorithm))));
    }
    let signed_headers = require("X-Amz-SignedHeaders")?;
    if signed_headers != "host" {
        return Err(malformed(format!("X-Amz-SignedHeaders is {}; IAM database tokens sign only host", shown(signed_headers))));
    }
    let credential = require("X-Amz-Credential")?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, scope_date, region, service, terminator] = scope[..] else {
        return Err(malformed("X-Amz-Credential is not <access key id>/<date>/<region>/<service>/aws4_request"));
    };
    if terminator != "aws4_request" || access_key_id.is_empty() {
        return Err(malformed("X-Amz-Credential is not <access key id>/<date>/<region>/<service>/aws4_request"));
    }
    if !access_key_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(malformed("the access key id in X-Amz-Credential has characters no access key id has"));
    }
    if service != kind.service() {
        return Err(malformed(format!(
            "the credential scope names service {} but Action={} needs {}",
            shown(service),
            kind.action(),
            kind.service()
        )));
    }
    crate::region::validate_region(region).map_err(|e| malformed(format!("credential scope region: {}", e.message())))?;
    let amz_date = require("X-Amz-Date")?;
    let signing_time = SigningTime::parse_amz_date(amz_date)
        .ok_or_else(|| malformed(format!("X-Amz-Date {} is not a valid YYYYMMDDTHHMMSSZ time", shown(amz_date))))?;
    if scope_date != &amz_date[..8] {
        return Err(malformed(format!(
            "the credential scope date {} differs from the X-Amz-Date day {}",
            shown(scope_date),
            &amz_date[..8]
        )));
    }
    let expires = require("X-Amz-Expires")?;
    let expires_in = expires
        .parse::<u32>()
        .ok()
        .filter(|e| (1..=MAX_DSQL_EXPIRES_IN).contains(e) && !expires.starts_with('+'))
        .ok_or_else(|| malformed(format!("X-Amz-Expires {} is not a number of seconds in 1..=604800", shown(expires))))?;
    let signature = require("X-Amz-Signature")?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(malformed("X-Amz-Signature is not 64 lower-case hex digits"));
    }
    let username = get("DBUser").map(str::to_string);
    match (kind, &username) {
        (TokenKind::Rds, None) => return Err(malformed("an RDS token (Action=connect) needs a DBUser parameter")),
        (TokenKind::Rds, Some(u)) if u.is_empty() => return Err(malformed("DBUser is empty")),
        (TokenKind::Rds, Some(u)) if u.contains('\0') => return Err(malformed("DBUser contains a NUL byte")),
        (TokenKind::Dsql | TokenKind::DsqlAdmin, Some(_)) => {
            return Err(malformed("a DSQL token carries no DBUser parameter"))
        }
        _ => {}
    }
    if kind == TokenKind::Rds && port.is_none() {
        return Err(malformed("an RDS token needs host:port before /?"));
    }
    let session_token = get("X-Amz-Security-Token").map(|t| Zeroizing::new(t.to_string()));
    if session_token.as_ref().is_some_and(|t| t.is_empty()) {
        return Err(malformed("X-Amz-Security-Token is present but empty"));
    }
    Ok(ParsedToken {
        kind,
        hostname: hostname.to_string(),
        port,
        username,
        access_key_id: access_key_id.to_string(),
        scope_date: scope_date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signing_time,
        expires_in,
        session_token,
        signature: signature.to_string(),
        length: token.len(),
        params,
    })
}

const KNOWN_PARAMS: &[&str] = &[
    "Action",
    "DBUser",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

fn split_authority(authority: &str) -> Result<(&str, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let rest = &authority[end + 1..];
                match rest.strip_prefix(':') {
                    Some(p) => (&authority[..=end], Some(p)),
                    None if rest.is_empty() => (&authority[..=end], None),
                    None => return Err(malformed("token host has text after the IPv6 literal")),
                }
            }
            None => return Err(malformed("token host has an unclosed '['")),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|n| *n != 0 && !p.starts_with('+') && !p.starts_with('0'))
                .ok_or_else(|| malformed(format!("token port {} is not 1..=65535", quoted(p))))?,
        ),
        None => None,
    };
    Ok((host, port))
}

/// Query text for an error message: quoted as usual, unless it contains a secret parameter
/// (a corrupted `&` or `=` makes `X-Amz-Signature=<hex>` or `X-Amz-Security-Token=…` part of
/// another parameter's name or value); then only its length is shown.
fn shown(text: &str) -> String {
    let has_secret = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("x-amz-signature") || s.contains("x-amz-security-token")
    };
    if has_secret(text) || percent_decode(text).is_some_and(|d| has_secret(&d)) {
        format!("<{} bytes holding a secret parameter, not shown>", text.len())
    } else {
        quoted(text)
    }
}

/// Longest text [`redact_token`] returns, in bytes; a longer redacted token is cut, with `…`.
/// Every token a signer can make fits (a 1024-byte user name encodes to at most 3072 bytes).
pub const MAX_REDACTED_LEN: usize = 8192;

/// Longest `name=value` pair [`redact_token`] shows whole (a 1024-byte user name, encoded, fits);
/// a longer one is cut with `…`, so the masked signature stays visible.
const MAX_REDACTED_PAIR_LEN: usize = 3200;

/// The token with its signature and session token masked, safe for logs. Never fails and never
/// returns its input unchanged: text that does not parse as a token (a password, a connection
/// string, a truncated or altered token) is masked whole as `<redacted: N bytes, not a token>`.
/// A token's visible part holds no control character (parsing refuses them) and is cut to
/// [`MAX_REDACTED_LEN`] bytes.
pub fn redact_token(token: &str) -> String {
    if parse_token(token).is_err() {
        return format!("<redacted: {} bytes, not a token>", token.len());
    }
    let Some((authority, query)) = token.split_once("/?") else {
        return format!("<redacted: {} bytes, not a token>", token.len());
    };
    let mut out = String::with_capacity(authority.len() + query.len().min(400) + 2);
    out.push_str(authority);
    out.push_str("/?");
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((k, v)) if is_secret_param(k) => {
                out.push_str(k);
                out.push_str("=<redacted:");
                out.push_str(&v.len().to_string());
                out.push_str(" chars>");
            }
            Some(_) if pair.len() > MAX_REDACTED_PAIR_LEN => {
                let mut cut = MAX_REDACTED_PAIR_LEN;
                while !pair.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.push_str(&pair[..cut]);
                out.push('…');
            }
            Some(_) => out.push_str(pair),
            None => out.push_str("<redacted>"),
        }
    }
    if out.len() > MAX_REDACTED_LEN {
        let mut cut = MAX_REDACTED_LEN;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn is_secret_param(key: &str) -> bool {
    let decoded = percent_decode(key).unwrap_or_default();
    decoded.eq_ignore_ascii_case("X-Amz-Signature") || decoded.eq_ignore_ascii_case("X-Amz-Security-Token")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{credentials_from_parts, generate_token, TokenRequest};

    fn token(session: Option<&str>) -> String {
        let c = credentials_from_parts("ASIAEXAMPLE", "secret", session, None).unwrap();
        let r = TokenRequest::rds("Db.Cluster-X.us-east-1.rds.amazonaws.com", 5432, "a b+c").build().unwrap();
        generate_token(&r, &c, SigningTime::from_unix_seconds(1_700_000_000).unwrap()).unwrap().into_string()
    }

    #[test]
    fn parses_fields_back() {
        let t = token(Some("SESSION/+="));
        let p = parse_token(&t).unwrap();
        assert_eq!(p.kind(), TokenKind::Rds);
        assert_eq!(p.hostname(), "Db.Cluster-X.us-east-1.rds.amazonaws.com");
        assert_eq!(p.port(), Some(5432));
        assert_eq!(p.username(), Some("a b+c"));
        assert_eq!((p.access_key_id(), p.region(), p.service()), ("ASIAEXAMPLE", "us-east-1", "rds-db"));
        assert_eq!(p.signing_time().unix_seconds(), 1_700_000_000);
        assert_eq!(p.expires_in(), 900);
        assert!(p.has_session_token());
        assert_eq!(p.length(), t.len());
        assert_eq!(p.remaining_secs(SigningTime::from_unix_seconds(1_700_000_100).unwrap()), 800);
        let d = format!("{p:?}");
        assert!(!d.contains("SESSION") && !d.contains(&p.signature), "{d}");
    }

    #[test]
    fn rejects_malformed_tokens_precisely() {
        let good = token(None);
        let cases = [
            (String::new(), "empty"),
            (format!("https://{good}"), "scheme"),
            (good.replace("/?", "?"), "/?"),
            (good.replace(":5432", ":0"), "port"),
            (good.replace(":5432", ":65536"), "port"),
            (good.replace("Action=connect", "Action=login"), "Action"),
            (good.replace("&DBUser=a%20b%2Bc", ""), "DBUser"),
            (good.replace("X-Amz-Date=2023", "X-Amz-Date=2022"), "scope date"),
            (good.replace("X-Amz-Expires=900", "X-Amz-Expires=0"), "X-Amz-Expires"),
            (good.replace("SignedHeaders=host", "SignedHeaders=host%3Bx-amz-date"), "SignedHeaders"),
            (good.replace("rds-db", "dsql"), "service"),
            (format!("{good}&Extra=1"), "unexpected"),
            (format!("{good}&Action=connect"), "twice"),
            (good[..good.len() - 1].to_string(), "hex"),
            (good.replace("%2B", "%G2"), "percent-encoded"),
            (good.replace("DBUser=a", "DBUser=%00a"), "NUL"),
            (good.replace("Credential=ASIA", "Credential=%00ASIA"), "access key id"),
            (format!("{good}\n"), "line breaks"),
        ];
        for (t, needle) in cases {
            let e = parse_token(&t).unwrap_err();
            assert_eq!(e.code(), ErrorCode::TokenMalformed);
            assert!(e.message().contains(needle), "{needle}: {}", e.message());
        }
    }

    #[test]
    fn redacts_signature_and_session_token() {
        let t = token(Some("SECRETSESSION"));
        let r = redact_token(&t);
        assert!(!r.contains("SECRETSESSION"));
        let sig = &t[t.rfind('=').unwrap() + 1..];
        assert!(!r.contains(sig));
        assert!(r.contains("X-Amz-Signature=<redacted:64 chars>"));
        assert!(r.contains("DBUser=a%20b%2Bc"));
        assert_eq!(redact_token("hunter2"), "<redacted: 7 bytes, not a token>");
        assert_eq!(redact_token("h/?X-Amz-Signature%3Dabc"), "<redacted: 24 bytes, not a token>");
    }

    #[test]
    fn redact_masks_whole_whatever_is_not_a_token() {
        let good = token(None);
        for text in [
            "postgres://app:hunter2@db:5432/?sslmode=require".to_string(),
            "db:5432/?password=hunter2".to_string(),
            "db:5432/?Action=connect&DBUser=app&hunter2".to_string(),
            format!("{good}&password=hunter2"),
            format!("{good}\u{1b}[2Jhunter2"),
            good.replace("X-Amz-Signature=", "X-Amz-Signature=hunter2"),
            "h\n/?x=hunter2\r".to_string(),
        ] {
            let r = redact_token(&text);
            assert_eq!(r, format!("<redacted: {} bytes, not a token>", text.len()), "{text:?}");
            assert!(!r.contains("hunter2") && !r.chars().any(char::is_control));
        }
        let user = "é".repeat(512);
        let long_user = TokenRequest::rds("db.example.com", 5432, &user).region("us-east-1").build().unwrap();
        let c = credentials_from_parts("AKIDEXAMPLE", "s", Some(&"S".repeat(16_000)), None).unwrap();
        let t = generate_token(&long_user, &c, SigningTime::from_unix_seconds(1_700_000_000).unwrap()).unwrap();
        let r = redact_token(t.as_str());
        // The longest user name a signer accepts is shown whole, with the signature masked.
        assert!(r.contains(&crate::percent_encode(&user)) && r.contains("X-Amz-Signature=<redacted:64 chars>"), "{r}");
        assert!(r.len() < t.as_str().len());
        // A hostile token with a 40 KB user name is cut.
        let huge = t.as_str().replacen("DBUser=", &format!("DBUser={}", "u".repeat(40_000)), 1);
        assert!(huge.len() < MAX_TOKEN_LEN && parse_token(&huge).is_ok());
        let r = redact_token(&huge);
        assert!(r.len() <= MAX_REDACTED_LEN + '…'.len_utf8() && r.contains("X-Amz-Signature=<redacted:64 chars>"), "{}", r.len());
    }

    #[test]
    fn errors_quote_and_cut_what_they_echo() {
        let good = token(None);
        let evil = format!("X%0A{}", "y".repeat(500));
        for t in [
            good.replace("X-Amz-Date=", &format!("{evil}=%zz&X-Amz-Date=")),
            good.replace("ASIAEXAMPLE%2F20231114", &format!("ASIAEXAMPLE%2F2023%0A1114{}", "z".repeat(500))),
            good.replace("X-Amz-Date=", &format!("{evil}=1&X-Amz-Date=")),
        ] {
            assert_ne!(t, good);
            let m = parse_token(&t).unwrap_err().message().to_string();
            assert!(!m.chars().any(char::is_control), "{m:?}");
            assert!(m.len() < 300, "{} bytes: {m}", m.len());
        }
    }

    #[test]
    fn errors_never_echo_a_signature_or_session_token_merged_into_another_parameter() {
        // Found by fuzz/fuzz_targets/sign_roundtrip.rs: one corrupted byte ('=' or '&') made the
        // whole X-Amz-Signature=<hex> part of a parameter name or value the message quoted.
        let good = token(Some("SECRETSESSIONTOKEN"));
        let sig = good[good.rfind('=').unwrap() + 1..].to_string();
        let cases = [
            good.replace("X-Amz-Signature=", "X-Amz-Signatures"),
            good.replace("&X-Amz-Signature=", "#X-Amz-Signature="),
            good.replace("X-Amz-SignedHeaders=host&", "X-Amz-SignedHeaders=host%26"),
            good.replace("X-Amz-Security-Token=", "X-Amz-Security-Tokens"),
            good.replace("&X-Amz-Security-Token=", "&X-Amz-Expires=9&X-Amz-Security-Token="),
            good.replace("X-Amz-Signature=", "X-Amz-Signature%3D") + "=x",
        ];
        for t in cases {
            let e = parse_token(&t).unwrap_err();
            assert_eq!(e.code(), ErrorCode::TokenMalformed, "{t}");
            assert!(!e.message().contains(&sig) && !e.message().contains("SECRETSESSION"), "{}", e.message());
        }
    }
}
