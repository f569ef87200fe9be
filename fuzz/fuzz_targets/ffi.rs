//! The C entry points, called through their `extern "C"` symbols (the C library's Rust side,
//! linked in) with arbitrary byte buffers and lengths, NULL pointers and lengths above
//! PTRDIFF_MAX: never a crash or a panic at the boundary (this build aborts on panic), every
//! result a known status, and every token the C signer makes parses and verifies through the
//! C verifier. No detail message shows the secret.
#![no_main]

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut};

use auroraiam_fuzz::{assert_not_shown, signature_of, Reader, AKID, SECRET, SESSION};
use libfuzzer_sys::fuzz_target;

// Keeps the C library (its #[no_mangle] exports) linked in.
use auroraiam_ffi as _;

#[repr(C)]
struct Opaque {
    _p: [u8; 0],
}

extern "C" {
    fn auroraiam_token_parse_len(token: *const c_char, len: usize, info_out: *mut *mut Opaque) -> u32;
    fn auroraiam_token_info_free(info: *mut Opaque);
    fn auroraiam_token_redact_len(token: *const c_char, len: usize, out: *mut *mut c_char) -> u32;
    fn auroraiam_token_free(token: *mut c_char);
    fn auroraiam_signer_new_len(
        akid: *const c_char,
        akid_len: usize,
        secret: *const c_char,
        secret_len: usize,
        session: *const c_char,
        session_len: usize,
        out: *mut *mut Opaque,
    ) -> u32;
    fn auroraiam_signer_free(signer: *mut Opaque);
    fn auroraiam_signer_rds_token_len(
        signer: *const Opaque,
        hostname: *const c_char,
        hostname_len: usize,
        port: i64,
        username: *const c_char,
        username_len: usize,
        region: *const c_char,
        region_len: usize,
        expires_in: i64,
        signing_time: i64,
        token_out: *mut *mut c_char,
    ) -> u32;
    fn auroraiam_signer_dsql_token_len(
        signer: *const Opaque,
        hostname: *const c_char,
        hostname_len: usize,
        admin: bool,
        region: *const c_char,
        region_len: usize,
        expires_in: i64,
        signing_time: i64,
        token_out: *mut *mut c_char,
    ) -> u32;
    fn auroraiam_verify_options_new(out: *mut *mut Opaque) -> u32;
    fn auroraiam_verify_options_free(options: *mut Opaque);
    fn auroraiam_verify_options_set_now(options: *mut Opaque, now: i64) -> u32;
    fn auroraiam_verify_options_set_expect_kind(options: *mut Opaque, kind: u32) -> u32;
    fn auroraiam_token_verify_len(
        token: *const c_char,
        token_len: usize,
        akid: *const c_char,
        akid_len: usize,
        secret: *const c_char,
        secret_len: usize,
        options: *const Opaque,
        info_out: *mut *mut Opaque,
    ) -> u32;
    fn auroraiam_last_error_message(buf: *mut c_char, buf_len: usize) -> usize;
    fn auroraiam_result_name(result: u32) -> *const c_char;
}

const OK: u32 = 0;
/// The C-only statuses (NULL_ARGUMENT .. UNSUPPORTED).
const C_ONLY: std::ops::RangeInclusive<u32> = 7901..=7905;
const PANIC: u32 = 7903;

/// The status is a known one (the library names it), and the detail message is readable
/// through a buffer of any size and shows no secret.
fn check(status: u32, what: &str, buf_len: usize) {
    assert!(status == OK || (7001..=7023).contains(&status) || C_ONLY.contains(&status),
            "{what}: unknown status {status}");
    // SAFETY: auroraiam_result_name returns a static NUL-terminated string.
    let name = unsafe { CStr::from_ptr(auroraiam_result_name(status)) }.to_string_lossy();
    assert!(!name.contains("unknown"), "{what}: status {status} has no name");
    assert_ne!(status, PANIC, "{what}: a panic was caught at the C boundary");
    if status != OK {
        let mut buf = vec![0u8; buf_len.min(4096)];
        // SAFETY: buf has buf.len() writable bytes.
        let full = unsafe { auroraiam_last_error_message(buf.as_mut_ptr().cast(), buf.len()) };
        // SAFETY: NULL buffer asks for the length only.
        assert_eq!(unsafe { auroraiam_last_error_message(null_mut(), 12345) }, full);
        let mut whole = vec![0u8; full + 1];
        // SAFETY: whole has full + 1 writable bytes.
        unsafe { auroraiam_last_error_message(whole.as_mut_ptr().cast(), whole.len()) };
        let text = String::from_utf8_lossy(&whole[..full]);
        assert_not_shown(what, &text, &[SECRET, SESSION]);
        if !buf.is_empty() {
            assert_eq!(*buf.last().unwrap(), 0, "{what}: the cut message is not NUL-terminated");
        }
    }
}

/// A pointer/length pair for `bytes`: the real pair, NULL with the length, or (rarely) the
/// real pointer with a length above PTRDIFF_MAX (which the library must refuse unread).
fn arg(r: &mut Reader<'_>, bytes: &[u8]) -> (*const c_char, usize) {
    match r.u8() % 16 {
        0 => (null(), bytes.len()),
        1 => (bytes.as_ptr().cast(), isize::MAX as usize + 1 + usize::from(r.u8())),
        _ => (bytes.as_ptr().cast(), bytes.len()),
    }
}

fn c_string(p: *mut c_char) -> String {
    // SAFETY: the library returns NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let mut r = Reader::new(data);
    let buf_len = usize::from(r.u8());
    let token = r.bytes(255).to_vec();
    let host = r.bytes(80).to_vec();
    let user = r.bytes(40).to_vec();
    let region = r.bytes(20).to_vec();
    let use_region = r.bool();
    let port = if r.bool() { i64::from(r.u16()) } else { r.i64() };
    let expires = if r.bool() { i64::from(r.u16() % 1000) } else { r.i64() };
    let time = if r.bool() { 1_700_000_000 + i64::from(r.u32()) } else { r.i64() };
    let kind = r.u8() % 3;
    let with_session = r.bool();

    unsafe {
        // Parse and redact arbitrary bytes.
        let (p, n) = arg(&mut r, &token);
        let mut info = null_mut();
        let s = auroraiam_token_parse_len(p, n, &mut info);
        check(s, "parse", buf_len);
        assert_eq!(s == OK, !info.is_null());
        auroraiam_token_info_free(info);
        let (p, n) = arg(&mut r, &token);
        let mut red = null_mut();
        let s = auroraiam_token_redact_len(p, n, &mut red);
        check(s, "redact", buf_len);
        if s == OK {
            let text = c_string(red);
            let input = String::from_utf8_lossy(&token);
            if let Some(sig) = signature_of(&input).filter(|x| x.len() >= 16) {
                assert_not_shown("redacted", &text, &[sig]);
            }
            auroraiam_token_free(red);
        }
        // Verify arbitrary bytes with the harness key.
        let (p, n) = arg(&mut r, &token);
        let s = auroraiam_token_verify_len(p, n, AKID.as_ptr().cast(), AKID.len(), SECRET.as_ptr().cast(), SECRET.len(),
                                           null(), null_mut());
        check(s, "verify", buf_len);
        assert_ne!(s, OK, "fuzzer bytes verified");

        // Sign with arbitrary request fields.
        let mut signer = null_mut();
        let (sp, sn) = if with_session { (SESSION.as_ptr().cast(), SESSION.len()) } else { (null(), 0) };
        let s = auroraiam_signer_new_len(AKID.as_ptr().cast(), AKID.len(), SECRET.as_ptr().cast(), SECRET.len(), sp, sn,
                                         &mut signer);
        check(s, "signer_new", buf_len);
        assert_eq!(s, OK);
        let (hp, hn) = arg(&mut r, &host);
        let (rp, rn) = if use_region { arg(&mut r, &region) } else { (null(), 0) };
        let mut tok = null_mut();
        let s = if kind == 0 {
            let (up, un) = arg(&mut r, &user);
            auroraiam_signer_rds_token_len(signer, hp, hn, port, up, un, rp, rn, expires, time, &mut tok)
        } else {
            auroraiam_signer_dsql_token_len(signer, hp, hn, kind == 2, rp, rn, expires, time, &mut tok)
        };
        check(s, "sign", buf_len);
        if s == OK {
            let text = c_string(tok);
            let mut info = null_mut();
            assert_eq!(auroraiam_token_parse_len(tok, text.len(), &mut info), OK, "own token does not parse: {text}");
            auroraiam_token_info_free(info);
            let mut options = null_mut();
            assert_eq!(auroraiam_verify_options_new(&mut options), OK);
            assert_eq!(auroraiam_verify_options_set_now(options, time), OK);
            // The kind signed (the options expect RDS unless told: security fix 5).
            // AURORAIAM_TOKEN_KIND_RDS = 1, _DSQL = 2, _DSQL_ADMIN = 3.
            assert_eq!(auroraiam_verify_options_set_expect_kind(options, u32::from(kind) + 1), OK);
            let s = auroraiam_token_verify_len(tok, text.len(), AKID.as_ptr().cast(), AKID.len(), SECRET.as_ptr().cast(),
                                               SECRET.len(), options, null_mut());
            assert_eq!(s, OK, "own token does not verify: {text}");
            // One byte changed: never OK unless the byte was in the (case-insensitive) host.
            let mut bytes = text.clone().into_bytes();
            let i = usize::from(r.u16()) % bytes.len();
            let old = bytes[i];
            bytes[i] = if old == b'#' { b'$' } else { b'#' };
            let s = auroraiam_token_verify_len(bytes.as_ptr().cast(), bytes.len(), AKID.as_ptr().cast(), AKID.len(),
                                               SECRET.as_ptr().cast(), SECRET.len(), options, null_mut());
            check(s, "verify mutated", buf_len);
            assert_ne!(s, OK, "a token with byte {i} changed verified");
            auroraiam_verify_options_free(options);
            auroraiam_token_free(tok);
        }
        auroraiam_signer_free(signer);
    }
});
