//! Every vector token parses back to its inputs, verifies with the right secret, and fails
//! with the exact reason for a wrong secret, a flipped byte, a changed user/host/port and a
//! past or future clock. A mutation sweep finds no panic in parse/verify/diagnose/redact.

mod common;

use auroraiam::{
    diagnose, parse_token, redact_token, verify_token, DiagnoseOptions, ErrorCode, SigningTime, TokenKind,
    VerifyOptions, Zeroizing,
};
use common::all_cases;

fn token_cases() -> Vec<common::Case> {
    all_cases().into_iter().map(|(_, c)| c).filter(|c| c.expected_token.is_some()).collect()
}

fn secret_of(case: &common::Case) -> impl Fn(&str) -> Option<Zeroizing<String>> + '_ {
    move |akid| (akid == case.access_key_id).then(|| Zeroizing::new(case.secret_access_key.clone()))
}

fn at(t: i64) -> SigningTime {
    SigningTime::from_unix_seconds(t).unwrap()
}

/// Verification at `t` expecting the case's kind (the default expects RDS).
fn opts(c: &common::Case, t: i64) -> VerifyOptions<'static> {
    let mut o = VerifyOptions::at(at(t));
    o.expect_kind = Some(TokenKind::from_name(&c.kind).unwrap());
    o
}

#[test]
fn every_vector_token_parses_back_to_its_inputs() {
    let cases = token_cases();
    assert!(cases.len() > 300);
    for c in &cases {
        let token = c.expected_token.as_deref().unwrap();
        let p = parse_token(token).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        assert_eq!(p.kind(), TokenKind::from_name(&c.kind).unwrap(), "{}", c.id);
        assert_eq!(p.hostname(), c.hostname, "{}", c.id);
        assert_eq!(p.port().map(i64::from), c.port, "{}", c.id);
        assert_eq!(p.username(), c.username.as_deref(), "{}", c.id);
        assert_eq!(p.access_key_id(), c.access_key_id, "{}", c.id);
        if let Some(r) = &c.region {
            assert_eq!(p.region(), r, "{}", c.id);
        }
        assert_eq!(p.signing_time().unix_seconds(), c.signing_time, "{}", c.id);
        assert_eq!(i64::from(p.expires_in()), c.expires_in, "{}", c.id);
        assert_eq!(p.has_session_token(), c.session_token.as_deref().is_some_and(|t| !t.is_empty()), "{}", c.id);
        assert_eq!(p.length(), token.len());
    }
}

#[test]
fn every_vector_token_verifies_and_each_tampering_is_named() {
    for c in &token_cases() {
        let token = c.expected_token.as_deref().unwrap();
        let now = opts(c, c.signing_time);
        verify_token(token, secret_of(c), &now).unwrap_or_else(|e| panic!("{}: {e}", c.id));

        let code = |t: &str, o: &VerifyOptions<'_>| verify_token(t, secret_of(c), o).map(|_| ()).unwrap_err().code();
        let wrong = verify_token(token, |_| Some(Zeroizing::new(format!("{}x", c.secret_access_key))), &now);
        assert_eq!(wrong.unwrap_err().code(), ErrorCode::SignatureMismatch, "{}", c.id);

        // Flip one hex digit of the signature.
        let mut flipped = token.to_string();
        let last = flipped.pop().unwrap();
        flipped.push(if last == '0' { '1' } else { '0' });
        assert_eq!(code(&flipped, &now), ErrorCode::SignatureMismatch, "{}", c.id);

        // Change what the token was made for: the signature no longer matches.
        let (authority, query) = token.split_once("/?").unwrap();
        if !authority.starts_with('[') {
            let swapped = if authority.starts_with('x') { "y" } else { "x" };
            let moved_host = format!("{swapped}{}/?{query}", &authority[1..]);
            assert_eq!(code(&moved_host, &now), ErrorCode::SignatureMismatch, "{}", c.id);
        }
        if let Some(port) = c.port {
            let other = if port == 65535 { 65534 } else { port + 1 };
            let moved_port = token.replacen(&format!(":{port}/?"), &format!(":{other}/?"), 1);
            assert_eq!(code(&moved_port, &now), ErrorCode::SignatureMismatch, "{}", c.id);
            let other_user = token.replacen("&DBUser=", "&DBUser=x", 1);
            assert_eq!(code(&other_user, &now), ErrorCode::SignatureMismatch, "{}", c.id);
            // An intact token checked against other intentions names the mismatch.
            let mut o = opts(c, c.signing_time);
            o.expect_username = Some("someone-else");
            assert_eq!(code(token, &o), ErrorCode::UserMismatch, "{}", c.id);
            let mut o = opts(c, c.signing_time);
            o.expect_port = Some(other as u16);
            assert_eq!(code(token, &o), ErrorCode::PortMismatch, "{}", c.id);
        }
        let mut o = opts(c, c.signing_time);
        o.expect_hostname = Some("elsewhere.example.com");
        assert_eq!(code(token, &o), ErrorCode::HostMismatch, "{}", c.id);

        // Past and future clocks.
        let expiry = c.signing_time + c.expires_in;
        if expiry <= SigningTime::MAX_UNIX_SECONDS {
            assert_eq!(code(token, &opts(c, expiry)), ErrorCode::TokenExpired, "{}", c.id);
        }
        if c.signing_time >= 301 {
            assert_eq!(code(token, &opts(c, c.signing_time - 301)), ErrorCode::TokenNotYetValid, "{}", c.id);
        }
    }
}

#[test]
fn redaction_hides_signature_and_session_token_of_every_vector() {
    for c in &token_cases() {
        let token = c.expected_token.as_deref().unwrap();
        let red = redact_token(token);
        let signature = &token[token.rfind("X-Amz-Signature=").unwrap() + 16..];
        assert!(!red.contains(signature), "{}", c.id);
        if let Some(t) = c.session_token.as_deref().filter(|t| t.len() >= 8) {
            assert!(!red.contains(&auroraiam::percent_encode(t)), "{}", c.id);
        }
    }
}

/// A small deterministic PRNG (xorshift) so the sweep is reproducible without dependencies.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_tokens_never_panic() {
    let tokens: Vec<String> = token_cases().into_iter().filter_map(|c| c.expected_token).collect();
    let alphabet = b"%&=/?:[]+ aZ09-_.~\0\xff";
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let now = VerifyOptions::at(at(1_700_000_000));
    let mut checked = 0;
    for i in 0..20_000 {
        let base = tokens[i % tokens.len()].as_bytes();
        let mut bytes = base.to_vec();
        for _ in 0..=rng.below(4) {
            match rng.below(4) {
                0 if !bytes.is_empty() => {
                    let at = rng.below(bytes.len());
                    bytes[at] = alphabet[rng.below(alphabet.len())];
                }
                1 if !bytes.is_empty() => {
                    let at = rng.below(bytes.len());
                    bytes.remove(at);
                }
                2 => {
                    let at = rng.below(bytes.len() + 1);
                    bytes.insert(at, alphabet[rng.below(alphabet.len())]);
                }
                _ => {
                    let cut = rng.below(bytes.len() + 1);
                    bytes.truncate(cut);
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = redact_token(&text);
        if let Ok(p) = parse_token(&text) {
            let _ = diagnose(&p, &DiagnoseOptions::at(at(1_700_000_000)));
        }
        let _ = verify_token(&text, |_| Some(Zeroizing::new("secret".to_string())), &now);
        checked += 1;
    }
    assert_eq!(checked, 20_000);
}
