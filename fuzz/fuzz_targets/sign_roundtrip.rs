//! Request building + signing from structured input: every token the signer makes parses back
//! to the same fields, the cached signer makes the same bytes, the token verifies with every
//! expectation set, and any single-byte change is rejected with a specific code (or means
//! exactly the same token). Nothing shows the secret, the session token or the signature.
#![no_main]

use auroraiam::{
    credentials_from_parts, generate_token, parse_token, verify_token, ErrorCode, Signer,
    SigningTime, TokenKind, TokenRequest, VerifyOptions, Zeroizing,
};
use auroraiam_fuzz::{assert_not_shown, meaning, signature_of, Reader, AKID, SECRET, SESSION};
use libfuzzer_sys::fuzz_target;

const HOSTS: &[&str] = &[
    "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com",
    "MyDB.Cluster-Abc.EU-West-2.RDS.amazonaws.com",
    "db.rds.cn-north-1.amazonaws.com.cn",
    "abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws",
    "10.0.0.1",
    "[2001:DB8::A]",
    "localhost",
    "db.example.com",
];
const REGIONS: &[&str] = &["us-east-1", "eu-west-2", "cn-north-1", "us-gov-west-1", "ap-southeast-5"];

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let mut r = Reader::new(data);
    let kind = r.pick(&[TokenKind::Rds, TokenKind::Dsql, TokenKind::DsqlAdmin]);
    let host_text = r.text(80);
    let host = if r.bool() { r.pick(HOSTS).to_string() } else { host_text };
    let port: i64 = if r.bool() { i64::from(r.u16()) } else { r.i64() };
    let user = r.text(48);
    let region_text = r.text(24);
    let region = match r.u8() % 3 {
        0 => None,
        1 => Some(r.pick(REGIONS).to_string()),
        _ => Some(region_text),
    };
    let session = r.bool().then_some(SESSION);
    let at = if r.bool() { 1_700_000_000 + i64::from(r.u32()) } else { r.i64() };
    let expires: i64 = if r.bool() { i64::from(r.u16()) } else { r.i64() };
    let (pos, byte) = (r.u16(), r.u8());

    let secrets = [SECRET, SESSION];
    let credentials = credentials_from_parts(AKID, SECRET, session, None).expect("harness credentials");
    assert_not_shown("Debug of credentials", &format!("{credentials:?}"), &secrets);
    let builder = match kind {
        TokenKind::Rds => TokenRequest::rds(&host, port, &user),
        TokenKind::Dsql => TokenRequest::dsql(&host, false),
        _ => TokenRequest::dsql(&host, true),
    };
    let request = match builder.maybe_region(region.as_deref()).expires_in_secs(expires).build() {
        Ok(req) => req,
        Err(e) => {
            assert!(!e.code().is_verification_failure(), "building failed with {:?}", e.code());
            assert_not_shown("build error", &format!("{e:?}"), &secrets);
            return;
        }
    };
    let time = match SigningTime::from_unix_seconds(at) {
        Ok(t) => t,
        Err(e) => return assert_eq!(e.code(), ErrorCode::InvalidSigningTime),
    };
    let token = match generate_token(&request, &credentials, time) {
        Ok(t) => t,
        Err(e) => panic!("a built request failed to sign: {e:?}"),
    };
    let text = token.as_str().to_string();
    let sig = signature_of(&text).expect("a signature").to_string();
    let shown = [SECRET, SESSION, sig.as_str()];
    assert_not_shown("Debug of a token", &format!("{token:?}"), &shown);
    assert_not_shown("Debug of a request", &format!("{request:?}"), &shown);

    // The cached signer makes the same bytes, twice.
    let signer = Signer::new(credentials.clone()).expect("signer");
    assert_not_shown("Debug of a signer", &format!("{signer:?}"), &shown);
    for _ in 0..2 {
        assert_eq!(signer.sign(&request, time).expect("cached signer").as_str(), text);
    }

    // parse(sign(x)) == x
    let p = parse_token(&text).unwrap_or_else(|e| panic!("own token does not parse: {e:?}"));
    assert_eq!(p.kind(), request.kind());
    assert_eq!(p.hostname(), request.hostname());
    assert_eq!(p.port(), request.port());
    assert_eq!(p.username(), request.username());
    assert_eq!(p.access_key_id(), AKID);
    assert_eq!(p.region(), request.region());
    assert_eq!(p.signing_time(), time);
    assert_eq!(p.expires_in(), request.expires_in());
    assert_eq!(p.has_session_token(), session.is_some());
    assert_eq!(p.length(), text.len());
    assert_not_shown("Debug of a parsed token", &format!("{p:?}"), &shown);

    // verify(sign(x)) is ok with every expectation set.
    let secret_for = |akid: &str| (akid == AKID).then(|| Zeroizing::new(SECRET.to_string()));
    let mut options = VerifyOptions::at(time);
    options.expect_kind = Some(request.kind());
    options.expect_hostname = Some(request.hostname());
    options.expect_port = request.port();
    options.expect_username = request.username();
    options.expect_region = Some(request.region());
    if let Err(e) = verify_token(&text, secret_for, &options) {
        panic!("own token does not verify: {e:?}");
    }
    // ... and expired at its end.
    if let Ok(end) = SigningTime::from_unix_seconds(p.expires_at_unix()) {
        let mut late = options.clone();
        late.now = end;
        let e = verify_token(&text, secret_for, &late).expect_err("verified at its expiry");
        assert_eq!(e.code(), ErrorCode::TokenExpired);
    }

    // Any single-byte change: a specific failure, or exactly the same meaning and signature.
    let mut bytes = text.clone().into_bytes();
    let i = usize::from(pos) % bytes.len();
    let new = if bytes[i] == byte { byte.wrapping_add(1) } else { byte };
    bytes[i] = new;
    let Ok(mutated) = String::from_utf8(bytes) else { return };
    match verify_token(&mutated, secret_for, &options) {
        Ok(q) => {
            assert_eq!(meaning(&q), meaning(&p), "a changed token verified with another meaning: {mutated:?}");
            let qs = signature_of(&mutated).unwrap_or("");
            assert!(qs.eq_ignore_ascii_case(&sig), "a changed signature verified");
        }
        Err(e) => {
            let c = e.code();
            assert!(
                c == ErrorCode::TokenMalformed || c.is_verification_failure(),
                "single-byte change failed with {c:?}"
            );
            assert_not_shown("verify error", &format!("{e:?}"), &shown);
        }
    }
});
