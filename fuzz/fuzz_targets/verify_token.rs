//! verify_token against structured mutations of valid tokens: duplicated, reordered and
//! oddly-cased parameters, `+` for `%20`, double encoding, overlong values, byte edits. The
//! verifier (given the right secret and every expectation) may accept a mutated token only if
//! it means exactly what the signed one means; every rejection has a specific code; no error
//! or Debug text shows the secret, the session token or the signature.
#![no_main]

use auroraiam::{
    credentials_from_parts, generate_token, parse_token, verify_token, AuthToken, ErrorCode, ParsedToken, SigningTime,
    TokenRequest, VerifyOptions, Zeroizing,
};
use auroraiam_fuzz::{assert_not_shown, meaning, signature_of, Reader, AKID, SECRET, SESSION};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static BASE: std::cell::RefCell<std::collections::HashMap<String, (AuthToken, ParsedToken)>> = Default::default();
}

const USERS: &[&str] = &["app_user", "a b+c", "é/ü=&?", "%20", "user*~-_.", "x"];

fn split(token: &str) -> (String, Vec<String>) {
    let (authority, query) = token.split_once("/?").expect("own token");
    (authority.to_string(), query.split('&').map(str::to_string).collect())
}

fn join(authority: &str, params: &[String]) -> String {
    format!("{authority}/?{}", params.join("&"))
}

fn mutate(r: &mut Reader<'_>, token: &str) -> String {
    let (mut authority, mut params) = split(token);
    let n = 1 + r.below(3);
    for _ in 0..n {
        if params.is_empty() {
            break;
        }
        let i = r.below(params.len());
        match r.u8() % 12 {
            // duplicated parameter (same or edited value)
            0 => {
                let mut dup = params[i].clone();
                if r.bool() {
                    dup.push_str(&r.text(8));
                }
                let at = r.below(params.len() + 1);
                params.insert(at, dup);
            }
            // reordered
            1 => {
                let j = r.below(params.len());
                params.swap(i, j);
            }
            // oddly-cased key
            2 => {
                let (k, v) = params[i].split_once('=').unwrap_or((&params[i], ""));
                let k: String = k
                    .chars()
                    .map(|c| if r.bool() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
                    .collect();
                params[i] = format!("{k}={v}");
            }
            // `+` vs `%20` (both directions)
            3 => params[i] = params[i].replace("%20", "+"),
            4 => params[i] = params[i].replace('+', "%20"),
            // double encoding
            5 => params[i] = params[i].replacen('%', "%25", 1),
            6 => {
                let (k, v) = params[i].split_once('=').unwrap_or((&params[i], ""));
                let v: String = v.bytes().map(|b| format!("%{b:02X}")).collect();
                params[i] = format!("{k}={v}");
            }
            // overlong value
            7 => {
                let fill = r.pick(&["a", "0", "%", "F", "/"]);
                let len = [10usize, 1000, 70_000][r.below(3)];
                // `str::repeat` (std, not instrumented) rather than a char-by-char extend in
                // this crate: the instrumented loop was a third of an execution's time.
                params[i].push_str(&fill.repeat(len));
            }
            // value replaced by fuzzer text
            8 => {
                let (k, _) = params[i].split_once('=').unwrap_or((&params[i], ""));
                params[i] = format!("{k}={}", r.text(40));
            }
            // parameter dropped
            9 => {
                params.remove(i);
            }
            // authority edits: case, port, trailing dot
            10 => {
                authority = match r.u8() % 4 {
                    0 => authority.to_ascii_uppercase(),
                    1 => format!("{authority}."),
                    2 => authority.replace(":5432", ":05432"),
                    _ => format!("{authority}{}", r.text(6)),
                }
            }
            // single byte overwrite anywhere
            _ => {
                let mut s = join(&authority, &params).into_bytes();
                let at = r.below(s.len());
                s[at] = r.u8();
                return String::from_utf8_lossy(&s).into_owned();
            }
        }
    }
    join(&authority, &params)
}

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let mut r = Reader::new(data);
    let user = r.pick(USERS);
    let session = r.bool().then_some(SESSION);
    let shape = r.u8() % 3;
    let admin = r.bool();
    let request = match shape {
        0 => TokenRequest::rds("MyDB.cluster-c9akciq32.us-east-1.rds.amazonaws.com", 5432, user).build(),
        1 => TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", admin).build(),
        _ => TokenRequest::rds("10.0.0.1", 443, user).region("eu-west-2").expires_in_secs(60).build(),
    }
    .expect("harness request");
    // The few base tokens are signed once (signing is covered by sign_roundtrip).
    let key = format!("{shape}{admin}{user}{}", session.is_some());
    let (token, original) = BASE.with(|b| {
        b.borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let time = SigningTime::from_unix_seconds(1_700_000_000).expect("time");
                let credentials = credentials_from_parts(AKID, SECRET, session, None).expect("credentials");
                let token = generate_token(&request, &credentials, time).expect("token");
                let parsed = parse_token(token.as_str()).expect("own token parses");
                (token, parsed)
            })
            .clone()
    });
    let sig = signature_of(token.as_str()).expect("signature").to_string();
    let mutated = mutate(&mut r, token.as_str());
    let now = SigningTime::from_unix_seconds(1_700_000_000 + i64::from(r.u8() % 60)).expect("now");

    let mut options = VerifyOptions::at(now);
    options.expect_kind = Some(request.kind());
    options.expect_hostname = Some(request.hostname());
    options.expect_port = request.port();
    options.expect_username = request.username();
    options.expect_region = Some(request.region());
    let secret_for = |akid: &str| (akid == AKID).then(|| Zeroizing::new(SECRET.to_string()));
    let shown = [SECRET, SESSION, sig.as_str()];
    match verify_token(&mutated, secret_for, &options) {
        Ok(p) => {
            assert_eq!(meaning(&p), meaning(&original), "a mutated token verified with another meaning: {mutated:?}");
            assert_not_shown("Debug of a verified token", &format!("{p:?}"), &shown);
        }
        Err(e) => {
            let c = e.code();
            assert!(
                c == ErrorCode::TokenMalformed || c.is_verification_failure(),
                "verification failed with a non-verification code {c:?}"
            );
            assert!(!e.message().is_empty());
            assert_not_shown("verify error", &format!("{e:?}"), &shown);
        }
    }
});
