//! Server-side verification: recompute the SigV4 signature with a known secret and check the
//! token's lifetime and what it was made for.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::encoding::{hex32, push_encoded};
use crate::error::{quoted, Error, ErrorCode, Result};
use crate::parse::{parse_token, ParsedToken};
use crate::presign::{ALGORITHM, EMPTY_PAYLOAD_SHA256};
use crate::request::TokenKind;
use crate::signing_key::derive_signing_key;
use crate::time::SigningTime;

/// Default tolerance for tokens signed slightly in the future (clock skew), in seconds.
pub const DEFAULT_MAX_CLOCK_SKEW_SECS: u32 = 300;

/// Largest clock skew a verifier may allow, in seconds (one hour). A larger tolerance would let
/// a token signed days ahead be used for days; `verify_token` refuses it with `INVALID_ARGUMENT`.
pub const MAX_CLOCK_SKEW_SECS: u32 = 3600;

/// Checks a clock skew tolerance given by a caller (any integer width): `0..=3600` seconds,
/// else `INVALID_ARGUMENT` naming `field` and the limit.
pub fn validate_max_clock_skew(seconds: i128, field: &str) -> Result<u32> {
    u32::try_from(seconds).ok().filter(|s| *s <= MAX_CLOCK_SKEW_SECS).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!("{field} is {seconds} s; the clock skew a verifier allows must be 0..={MAX_CLOCK_SKEW_SECS} seconds"),
        )
    })
}

/// What a verifier checks a token against, besides its signature.
#[derive(Clone, Debug)]
pub struct VerifyOptions<'a> {
    /// The verifier's clock.
    pub now: SigningTime,
    /// How far in the future a signing time may lie: at most [`MAX_CLOCK_SKEW_SECS`].
    pub max_clock_skew_secs: u32,
    /// Required kind; [`VerifyOptions::at`] sets RDS, so a DSQL token passes only when asked
    /// for. `None` accepts every kind.
    pub expect_kind: Option<TokenKind>,
    /// Required host (compared case-insensitively), if any.
    pub expect_hostname: Option<&'a str>,
    /// Required port, if any.
    pub expect_port: Option<u16>,
    /// Required database user (exact), if any.
    pub expect_username: Option<&'a str>,
    /// Required region, if any.
    pub expect_region: Option<&'a str>,
}

impl<'a> VerifyOptions<'a> {
    /// Checks signature and lifetime at `now`, with the default clock skew (300 s), kind RDS
    /// and no host, port, user or region expectation.
    pub fn at(now: SigningTime) -> Self {
        VerifyOptions {
            now,
            max_clock_skew_secs: DEFAULT_MAX_CLOCK_SKEW_SECS,
            expect_kind: Some(TokenKind::Rds),
            expect_hostname: None,
            expect_port: None,
            expect_username: None,
            expect_region: None,
        }
    }
}

/// Verifies `token`: looks up the secret for its access key id with `secret_for`, recomputes
/// the signature (constant-time comparison), then checks kind, host, port, user, region and
/// lifetime against `options`. Returns the parsed token, or the first failure with its exact
/// reason (`INVALID_ARGUMENT` for a clock skew over [`MAX_CLOCK_SKEW_SECS`], `TOKEN_MALFORMED`,
/// `UNKNOWN_ACCESS_KEY`, `SIGNATURE_MISMATCH`, `TOKEN_LIFETIME_TOO_LONG` for an `X-Amz-Expires`
/// over the kind's maximum (RDS: 900 s, as Aurora enforces; DSQL: 604800 s), `*_MISMATCH`,
/// `TOKEN_EXPIRED`, `TOKEN_NOT_YET_VALID`).
pub fn verify_token<F>(token: &str, secret_for: F, options: &VerifyOptions<'_>) -> Result<ParsedToken>
where
    F: FnOnce(&str) -> Option<Zeroizing<String>>,
{
    validate_max_clock_skew(i128::from(options.max_clock_skew_secs), "max_clock_skew")?;
    let parsed = parse_token(token)?;
    let secret = secret_for(&parsed.access_key_id).ok_or_else(|| {
        Error::new(
            ErrorCode::UnknownAccessKey,
            format!("no secret is known for access key id {}", quoted(&parsed.access_key_id)),
        )
    })?;
    let key = derive_signing_key(&secret, &parsed.scope_date, &parsed.region, parsed.kind.service());
    let expected = hex_to_bytes(&parsed.signature);
    let matches = host_header_candidates(&parsed).iter().any(|host| {
        let computed = key.mac(&string_to_sign(&parsed, host));
        constant_time_eq(&computed, &expected)
    });
    if !matches {
        return Err(Error::new(
            ErrorCode::SignatureMismatch,
            format!(
                "signature does not match for access key id {}: wrong secret, or the token was altered",
                quoted(&parsed.access_key_id)
            ),
        ));
    }
    check_lifetime_limit(&parsed)?;
    check_expectations(&parsed, options)?;
    check_lifetime(&parsed, options)?;
    Ok(parsed)
}

/// `X-Amz-Expires` within what the kind allows. Parsing accepts up to 604800 s for every kind
/// (so `parse_token`/`diagnose` can show such a token); Aurora refuses RDS tokens over 900 s.
fn check_lifetime_limit(p: &ParsedToken) -> Result<()> {
    let max = p.kind.max_expires_in();
    if p.expires_in > max {
        return Err(Error::new(
            ErrorCode::TokenLifetimeTooLong,
            format!(
                "token asks to live {} s (X-Amz-Expires); {} tokens may live at most {max} s",
                p.expires_in,
                p.kind.name()
            ),
        ));
    }
    Ok(())
}

fn check_expectations(p: &ParsedToken, o: &VerifyOptions<'_>) -> Result<()> {
    if let Some(kind) = o.expect_kind.filter(|k| *k != p.kind) {
        return Err(Error::new(
            ErrorCode::KindMismatch,
            format!("token is a {} token, expected {}", p.kind.name(), kind.name()),
        ));
    }
    if let Some(host) = o.expect_hostname.filter(|h| !h.eq_ignore_ascii_case(&p.hostname)) {
        return Err(Error::new(
            ErrorCode::HostMismatch,
            format!("token was made for host {}, expected {}", quoted(&p.hostname), quoted(host)),
        ));
    }
    if let Some(port) = o.expect_port.filter(|port| Some(*port) != p.port) {
        let got = p.port.map_or("no port".to_string(), |x| format!("port {x}"));
        return Err(Error::new(ErrorCode::PortMismatch, format!("token was made for {got}, expected port {port}")));
    }
    if let Some(user) = o.expect_username.filter(|u| Some(*u) != p.username.as_deref()) {
        return Err(Error::new(
            ErrorCode::UserMismatch,
            format!(
                "token was made for database user {}, expected {}",
                quoted(p.username.as_deref().unwrap_or("")),
                quoted(user)
            ),
        ));
    }
    if let Some(region) = o.expect_region.filter(|r| *r != p.region) {
        return Err(Error::new(
            ErrorCode::RegionMismatch,
            format!("token was signed for region {}, expected {}", quoted(&p.region), quoted(region)),
        ));
    }
    Ok(())
}

fn check_lifetime(p: &ParsedToken, o: &VerifyOptions<'_>) -> Result<()> {
    let now = o.now.unix_seconds();
    let signed = p.signing_time.unix_seconds();
    if signed > now + i64::from(o.max_clock_skew_secs) {
        return Err(Error::new(
            ErrorCode::TokenNotYetValid,
            format!(
                "token is signed at {}, {} s after the verifier's clock ({}); more than the {} s clock skew allowed",
                p.signing_time,
                signed - now,
                o.now,
                o.max_clock_skew_secs
            ),
        ));
    }
    if now >= p.expires_at_unix() {
        return Err(Error::new(
            ErrorCode::TokenExpired,
            format!(
                "token expired at {} ({} s ago; signed at {} for {} s)",
                SigningTime::from_unix_seconds(p.expires_at_unix()).map(|t| t.to_string()).unwrap_or_default(),
                now - p.expires_at_unix(),
                p.signing_time,
                p.expires_in
            ),
        ));
    }
    Ok(())
}

/// The `host` header values a legitimate signer may have signed: botocore's (lower-cased,
/// `:443` dropped) first, then the JS SDK's (as written, `:443` kept) when it differs.
fn host_header_candidates(p: &ParsedToken) -> Vec<String> {
    let with_port = |host: &str, keep_443: bool| match p.port {
        Some(port) if port != 443 || keep_443 => format!("{host}:{port}"),
        _ => host.to_string(),
    };
    let mut out = vec![with_port(&p.hostname.to_ascii_lowercase(), false)];
    for candidate in [with_port(&p.hostname, true), with_port(&p.hostname.to_ascii_lowercase(), true)] {
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

fn string_to_sign(p: &ParsedToken, host: &str) -> Vec<u8> {
    let mut pairs: Vec<(String, Zeroizing<String>)> = p
        .params
        .iter()
        .filter(|(k, _)| k != "X-Amz-Signature")
        .map(|(k, v)| {
            let mut ek = String::new();
            push_encoded(&mut ek, k);
            let mut ev = Zeroizing::new(String::new());
            push_encoded(&mut ev, v);
            (ek, ev)
        })
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut creq = Sha256::new();
    creq.update(b"GET\n/\n");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            creq.update(b"&");
        }
        creq.update(k.as_bytes());
        creq.update(b"=");
        creq.update(v.as_bytes());
    }
    creq.update(b"\nhost:");
    creq.update(host.as_bytes());
    creq.update(b"\n\nhost\n");
    creq.update(EMPTY_PAYLOAD_SHA256.as_bytes());
    let hash: [u8; 32] = creq.finalize().into();
    let amz = p.signing_time.amz_date();
    let mut sts = Vec::with_capacity(200);
    for piece in [
        ALGORITHM.as_bytes(),
        b"\n",
        amz.as_str().as_bytes(),
        b"\n",
        p.scope_date.as_bytes(),
        b"/",
        p.region.as_bytes(),
        b"/",
        p.service.as_bytes(),
        b"/aws4_request\n",
        &hex32(&hash),
    ] {
        sts.extend_from_slice(piece);
    }
    sts
}

fn hex_to_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, pair) in hex.as_bytes().chunks_exact(2).take(32).enumerate() {
        let digit = |c: u8| if c.is_ascii_digit() { c - b'0' } else { c - b'a' + 10 };
        out[i] = digit(pair[0]) << 4 | digit(pair[1]);
    }
    out
}

/// Compares in time independent of where the inputs differ.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{credentials_from_parts, generate_token, TokenRequest};

    const AT: i64 = 1_700_000_000;

    fn make(host: &str, port: i64, user: &str, session: Option<&str>) -> String {
        let c = credentials_from_parts("AKIDEXAMPLE", "right-secret", session, None).unwrap();
        let r = TokenRequest::rds(host, port, user).region("us-east-1").build().unwrap();
        generate_token(&r, &c, SigningTime::from_unix_seconds(AT).unwrap()).unwrap().into_string()
    }

    fn secret(s: &'static str) -> impl FnOnce(&str) -> Option<Zeroizing<String>> {
        move |akid| (akid == "AKIDEXAMPLE").then(|| Zeroizing::new(s.to_string()))
    }

    fn opts(now: i64) -> VerifyOptions<'static> {
        VerifyOptions::at(SigningTime::from_unix_seconds(now).unwrap())
    }

    #[test]
    fn accepts_a_good_token_and_names_each_failure() {
        let t = make("Db.Example.com", 5432, "a b", Some("tok/+="));
        verify_token(&t, secret("right-secret"), &opts(AT + 10)).unwrap();
        let code = |t: &str, s, o: &VerifyOptions<'_>| verify_token(t, secret(s), o).unwrap_err().code();
        assert_eq!(code(&t, "wrong", &opts(AT)), ErrorCode::SignatureMismatch);
        assert_eq!(code(&t, "right-secret", &opts(AT + 900)), ErrorCode::TokenExpired);
        assert_eq!(code(&t, "right-secret", &opts(AT - 301)), ErrorCode::TokenNotYetValid);
        verify_token(&t, secret("right-secret"), &opts(AT - 300)).unwrap();
        let unknown = verify_token(&t, |_| None, &opts(AT)).unwrap_err();
        assert_eq!(unknown.code(), ErrorCode::UnknownAccessKey);
        let mut o = opts(AT);
        o.expect_username = Some("other");
        assert_eq!(code(&t, "right-secret", &o), ErrorCode::UserMismatch);
        let mut o = opts(AT);
        o.expect_hostname = Some("db.example.COM");
        verify_token(&t, secret("right-secret"), &o).unwrap();
        o.expect_hostname = Some("other.example.com");
        assert_eq!(code(&t, "right-secret", &o), ErrorCode::HostMismatch);
        let mut o = opts(AT);
        o.expect_port = Some(3306);
        assert_eq!(code(&t, "right-secret", &o), ErrorCode::PortMismatch);
        let mut o = opts(AT);
        o.expect_region = Some("eu-west-1");
        assert_eq!(code(&t, "right-secret", &o), ErrorCode::RegionMismatch);
        let mut o = opts(AT);
        o.expect_kind = Some(TokenKind::Dsql);
        assert_eq!(code(&t, "right-secret", &o), ErrorCode::KindMismatch);
    }

    /// botocore 1.43.11 `rds_presign` (tests/vectors/generate.py) of db.example.com:5432, user
    /// app, us-east-1, key AKIAIOSFODNN7EXAMPLE, at 1700000000, with X-Amz-Expires 900 / 3600 / 604800.
    const BOTO_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
    const BOTO_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const BOTO_HEAD: &str = "db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20231114T221320Z";
    const BOTO_TAILS: [(u32, &str); 3] = [
        (900, "cfc30f454156e43ff24d9b4cc3fb740e70b063e1814b29afbf8d67526b73eb34"),
        (3600, "d5745e39572c3e98c5ae1e34048bac7770ffdbadd9a9a529c08da71fce13f61d"),
        (604800, "0d5b68cfdd87636903b08bd12e4aa0c75fca7682acca76256a04cb8a2fa4cf0b"),
    ];

    #[test]
    fn rds_tokens_living_longer_than_900_s_are_refused() {
        let boto = |k: &str| (k == BOTO_KEY).then(|| Zeroizing::new(BOTO_SECRET.to_string()));
        for (expires, sig) in BOTO_TAILS {
            let t = format!("{BOTO_HEAD}&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host&X-Amz-Signature={sig}");
            let r = verify_token(&t, boto, &opts(AT + 10));
            if expires <= 900 {
                r.unwrap();
                continue;
            }
            let e = r.unwrap_err();
            assert_eq!(e.code(), ErrorCode::TokenLifetimeTooLong, "{expires}: {e:?}");
            assert!(e.message().contains(&format!("{expires} s")) && e.message().contains("900"), "{}", e.message());
            // Also without any expectation set: the kind's own limit applies.
            let mut o = opts(AT + 10);
            o.expect_kind = None;
            assert_eq!(verify_token(&t, boto, &o).unwrap_err().code(), ErrorCode::TokenLifetimeTooLong);
            // parse_token still reads it (so inspect/diagnose can say what is wrong).
            assert_eq!(parse_token(&t).unwrap().expires_in(), expires);
        }
    }

    #[test]
    fn defaults_expect_rds_and_skew_is_capped() {
        assert_eq!(opts(AT).expect_kind, Some(TokenKind::Rds));
        let c = credentials_from_parts("AKIDEXAMPLE", "right-secret", None, None).unwrap();
        let r = TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", false).expires_in_secs(604_800).build().unwrap();
        let dsql = generate_token(&r, &c, SigningTime::from_unix_seconds(AT).unwrap()).unwrap().into_string();
        let e = verify_token(&dsql, secret("right-secret"), &opts(AT)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KindMismatch, "{e:?}");
        let mut o = opts(AT);
        o.expect_kind = Some(TokenKind::Dsql);
        verify_token(&dsql, secret("right-secret"), &o).unwrap();
        let t = make("db.example.com", 5432, "alice", None);
        for skew in [3601, 86_400, u32::MAX] {
            let mut o = opts(AT + 10);
            o.max_clock_skew_secs = skew;
            let e = verify_token(&t, secret("right-secret"), &o).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidArgument, "{skew}");
            assert!(e.message().contains("max_clock_skew") && e.message().contains("3600"), "{}", e.message());
        }
        let mut o = opts(AT - 3600);
        o.max_clock_skew_secs = MAX_CLOCK_SKEW_SECS;
        verify_token(&t, secret("right-secret"), &o).unwrap();
        assert_eq!(validate_max_clock_skew(-1, "x").unwrap_err().code(), ErrorCode::InvalidArgument);
        assert_eq!(validate_max_clock_skew(3600, "x").unwrap(), 3600);
    }

    #[test]
    fn tampering_breaks_the_signature() {
        let t = make("db.example.com", 5432, "alice", None);
        for tampered in [
            t.replace("alice", "alicf"),
            t.replace(":5432", ":5433"),
            t.replace("db.example", "dc.example"),
            t.replace("Expires=900", "Expires=899"),
        ] {
            let e = verify_token(&tampered, secret("right-secret"), &opts(AT)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::SignatureMismatch, "{tampered}");
        }
    }

    #[test]
    fn accepts_other_parameter_orders_and_the_js_host_forms() {
        let t = make("db.example.com", 5432, "alice", Some("sess"));
        let (head, query) = t.split_once("/?").unwrap();
        let mut parts: Vec<&str> = query.split('&').collect();
        parts.reverse();
        let reordered = format!("{head}/?{}", parts.join("&"));
        verify_token(&reordered, secret("right-secret"), &opts(AT)).unwrap();
        let t443 = make("db.example.com", 443, "alice", None);
        verify_token(&t443, secret("right-secret"), &opts(AT)).unwrap();
    }
}
