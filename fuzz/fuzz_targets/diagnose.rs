//! diagnose on arbitrary text and options: never panics; findings are errors-first, each with
//! a message that never shows the signature or session token.
#![no_main]

use auroraiam::{diagnose, parse_token, DiagnoseOptions, Severity, SigningTime};
use auroraiam_fuzz::{assert_not_shown, signature_of, Reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let mut r = Reader::new(data);
    let now = SigningTime::from_unix_seconds(r.i64().rem_euclid(253_402_300_800)).expect("in range");
    let skew = r.u32();
    let port = r.u16();
    let host = r.text(64);
    let user = r.text(32);
    let pooler = usize::from(r.u16());
    let flags = r.u8();
    let text = String::from_utf8_lossy(r.rest()).into_owned();
    let Ok(parsed) = parse_token(&text) else { return };
    let mut options = DiagnoseOptions::at(now);
    options.max_clock_skew_secs = skew;
    options.expect_hostname = (flags & 1 != 0).then_some(host.as_str());
    options.expect_port = (flags & 2 != 0).then_some(port);
    options.expect_username = (flags & 4 != 0).then_some(user.as_str());
    options.pooler_length_limit = pooler;
    let found = diagnose(&parsed, &options);
    let sig = signature_of(&text).unwrap_or("");
    let mut seen_warning = false;
    for d in &found {
        match d.severity {
            Severity::Error => assert!(!seen_warning, "errors must come before warnings: {found:?}"),
            Severity::Warning => seen_warning = true,
        }
        assert!(!d.message.is_empty());
        assert_not_shown("diagnostic message", &d.message, &[sig]);
        assert_not_shown("diagnostic Debug", &format!("{d:?}"), &[sig]);
    }
});
