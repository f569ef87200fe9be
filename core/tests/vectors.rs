//! Every shared conformance vector: byte-identical tokens, exact error codes.

mod common;

use auroraiam::{credentials_from_parts, Signer, SigningTime};
use common::{all_cases, generate, request_of};

#[test]
fn every_vector_matches_botocore_or_fails_with_its_code() {
    let cases = all_cases();
    assert!(cases.len() >= 200, "expected a few hundred vectors, found {}", cases.len());
    let (mut tokens, mut errors, mut failures) = (0, 0, Vec::new());
    for (file, case) in &cases {
        match (&case.expected_token, &case.expected_error, generate(case)) {
            (Some(want), None, Ok(got)) if got.as_str() == want => tokens += 1,
            (None, Some(code), Err(e)) if e.code().name() == code => errors += 1,
            (_, _, got) => failures.push(format!("{file} {}: expected {:?}/{:?}, got {:?}", case.id,
                case.expected_token, case.expected_error, got.map(|t| t.as_str().to_string()))),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(tokens > 0 && errors > 0);
    eprintln!("vectors: {tokens} tokens and {errors} errors matched");
}

#[test]
fn signer_with_cached_keys_matches_one_shot_generation() {
    for (_, case) in all_cases().iter().filter(|(_, c)| c.expected_token.is_some()) {
        let creds = credentials_from_parts(&case.access_key_id, &case.secret_access_key,
                                           case.session_token.as_deref(), None).unwrap();
        let signer = Signer::new(creds).unwrap();
        let req = request_of(case).unwrap();
        let at = SigningTime::from_unix_seconds(case.signing_time).unwrap();
        for _ in 0..2 {
            assert_eq!(signer.sign(&req, at).unwrap().as_str(), case.expected_token.as_deref().unwrap(), "{}", case.id);
        }
    }
}

/// `Signer::sign_to` writes every vector's token, on the first call (which lays the request out)
/// and on later ones; a buffer of the wrong length gets nothing.
#[test]
fn sign_to_writes_the_same_tokens_into_the_callers_buffer() {
    struct Exact(Option<Vec<u8>>, usize);
    impl auroraiam::TokenOutput for Exact {
        fn buffer(&mut self, len: usize) -> Option<&mut [u8]> {
            self.1 = len;
            self.0.as_deref_mut().filter(|b| b.len() == len)
        }
    }
    for (_, case) in all_cases().iter().filter(|(_, c)| c.expected_token.is_some()) {
        let creds = credentials_from_parts(&case.access_key_id, &case.secret_access_key,
                                           case.session_token.as_deref(), None).unwrap();
        let signer = Signer::new(creds).unwrap();
        let req = request_of(case).unwrap();
        let at = SigningTime::from_unix_seconds(case.signing_time).unwrap();
        let want = case.expected_token.as_deref().unwrap();
        for _ in 0..2 {
            let mut out = Vec::new();
            assert!(signer.sign_to(&req, at, &mut out).unwrap(), "{}", case.id);
            assert_eq!(out, want.as_bytes(), "{}", case.id);
        }
        let mut short = Exact(Some(vec![b'?'; want.len() - 1]), 0);
        assert!(!signer.sign_to(&req, at, &mut short).unwrap());
        assert_eq!(short.1, want.len(), "{}: asked for the token's length", case.id);
        assert!(short.0.unwrap().iter().all(|b| *b == b'?'), "{}: nothing written", case.id);
        let mut none = Exact(None, 0);
        assert!(!signer.sign_to(&req, at, &mut none).unwrap());
    }
}

/// One `Signer` per set of credentials signs every vector that uses them, twice over in turn:
/// far more requests × days than it keeps layouts for (the first eight pinned and read without a
/// lock, then a bounded list under a lock with the oldest days evicted), so every path that
/// finds, makes, pins, keeps or evicts a layout signs some of them.
#[test]
fn one_signer_for_many_requests_and_days_matches_every_vector() {
    use std::collections::BTreeMap;
    let mut by_credentials: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for (_, case) in all_cases().iter().filter(|(_, c)| c.expected_token.is_some()) {
        let key = (case.access_key_id.clone(), case.secret_access_key.clone(), case.session_token.clone());
        by_credentials.entry(key).or_default().push(case.clone());
    }
    let mut most = 0;
    for ((akid, secret, token), cases) in &by_credentials {
        let signer = Signer::new(credentials_from_parts(akid, secret, token.as_deref(), None).unwrap()).unwrap();
        most = most.max(cases.len());
        for pass in 0..2 {
            for case in cases {
                let req = request_of(case).unwrap();
                let at = SigningTime::from_unix_seconds(case.signing_time).unwrap();
                let want = case.expected_token.as_deref().unwrap();
                assert_eq!(signer.sign(&req, at).unwrap().as_str(), want, "{} (pass {pass})", case.id);
                let mut out = Vec::new();
                assert!(signer.sign_to(&req, at, &mut out).unwrap());
                assert_eq!(out, want.as_bytes(), "{} (pass {pass}, sign_to)", case.id);
            }
        }
    }
    assert!(most > 24, "some credentials sign more than 24 vectors (found at most {most})");
}
