//! parse_token and redact_token on arbitrary text: never panic; a parsed token parses again to
//! the same fields; Debug of the parse and the redacted text never show the signature or the
//! session token.
#![no_main]

use auroraiam::{parse_token, redact_token, ParsedToken, TokenKind, MAX_TOKEN_LEN};
use auroraiam_fuzz::{assert_not_shown, param_of, signature_anywhere, signature_of};
use libfuzzer_sys::fuzz_target;

/// Every field a parsed token exposes (what its Debug shows).
#[allow(clippy::type_complexity)]
fn fields(p: &ParsedToken) -> (TokenKind, &str, Option<u16>, Option<&str>, &str, &str, &str, i64, u32, bool, usize) {
    (
        p.kind(),
        p.hostname(),
        p.port(),
        p.username(),
        p.access_key_id(),
        p.region(),
        p.service(),
        p.signing_time().unix_seconds(),
        p.expires_in(),
        p.has_session_token(),
        p.length(),
    )
}

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let text = String::from_utf8_lossy(data);
    let redacted = redact_token(&text);
    match parse_token(&text) {
        Ok(p) => {
            assert!(text.len() <= MAX_TOKEN_LEN);
            let sig = signature_of(&text).unwrap_or("");
            let debug = format!("{p:?}");
            assert_not_shown("Debug of a parsed token", &debug, &[sig]);
            assert_not_shown("redact_token", &redacted, &[sig]);
            if p.has_session_token() {
                // The raw session token value, as written in the token.
                // A value the input also writes elsewhere (e.g. as the user name, shown on
                // purpose) is not a leak when shown there: checked only when it occurs once.
                if let Some(st) = param_of(&text, "X-Amz-Security-Token") {
                    if text.matches(st).count() == 1 {
                        assert_not_shown("Debug of a parsed token", &debug, &[st]);
                        assert_not_shown("redact_token", &redacted, &[st]);
                    }
                }
            }
            // Parsing is a function of the text: every field (what Debug shows, compared
            // directly rather than through a second Debug text).
            let again = parse_token(&text).expect("a token parses twice");
            assert_eq!(fields(&again), fields(&p));
            assert_eq!(p.expires_at_unix(), p.signing_time().unix_seconds() + i64::from(p.expires_in()));
            assert_eq!(p.length(), text.len());
        }
        Err(e) => {
            let name = e.code().name();
            assert!(name == "TOKEN_MALFORMED" || name == "INVALID_UTF8", "parse_token failed with {name}");
            assert!(!e.message().is_empty());
            let sig = signature_anywhere(&text).filter(|s| s.len() == 64).unwrap_or("");
            assert_not_shown("parse_token error", e.message(), &[sig]);
        }
    }
});
