//! Reading a token back (`auroraiam_token_info`) and masking it for logs.

use std::ffi::c_char;

use auroraiam::{parse_token, redact_token, ParsedToken, SigningTime};

use crate::call::{call, infallible};
use crate::kind::auroraiam_token_kind;
use crate::ptr::{
    bytes_arg, free_raw, into_raw, object_arg, object_ref, str_arg, token_into_raw, CText, Out,
};
use crate::result::auroraiam_result;

/// The fields of a token, decoded (opaque, immutable).
///
/// Made by `auroraiam_token_parse*()` and by the `auroraiam_token_verify*()` functions; freed
/// with `auroraiam_token_info_free()`. The getters only read it, so one info may be read by
/// any number of threads at once. Strings it returns are borrowed from it: valid until it is
/// freed, never to be freed or modified by the caller. It holds no secret (the session token
/// it may have seen is wiped when it is freed; the signature is not exposed).
pub struct auroraiam_token_info {
    pub(crate) parsed: ParsedToken,
    hostname: CText,
    username: Option<CText>,
    access_key_id: CText,
    region: CText,
    service: CText,
}

impl auroraiam_token_info {
    pub(crate) fn new(parsed: ParsedToken) -> auroraiam_token_info {
        auroraiam_token_info {
            hostname: CText::new(parsed.hostname()),
            username: parsed.username().map(CText::new),
            access_key_id: CText::new(parsed.access_key_id()),
            region: CText::new(parsed.region()),
            service: CText::new(parsed.service()),
            parsed,
        }
    }
}

/// Stores a new info in a checked out-parameter.
pub(crate) fn store_info(parsed: ParsedToken, out: Out<*mut auroraiam_token_info>) {
    // SAFETY: `out` was checked non-NULL; the caller promised it is writable.
    unsafe { out.write(into_raw(auroraiam_token_info::new(parsed))) }
}

/// Parses a token (NUL-terminated) into its fields without checking its signature: for
/// logging, diagnosing (`auroraiam_token_diagnose()`) and routing. To trust a token, verify it
/// (`auroraiam_token_verify*()`).
///
/// Every part a server checks for shape is checked: host and port, `Action`, the credential
/// scope, `X-Amz-Date`, `X-Amz-Expires`, the signature's form, no unknown or repeated
/// parameter, no scheme, no whitespace, at most 64 KiB.
///
/// On success stores a new info in `*info_out` (free it with `auroraiam_token_info_free()`)
/// and returns `AURORAIAM_RESULT_OK`. On failure returns `NULL_ARGUMENT` (`token` or
/// `info_out` is NULL), `INVALID_UTF8` or `TOKEN_MALFORMED` (the detail message says what is
/// wrong, without echoing the signature or session token), and leaves `*info_out` untouched.
///
/// Thread-safe.
///
/// # Safety
/// `token` is NULL or NUL-terminated; `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_parse(
    token: *const c_char,
    info_out: *mut *mut auroraiam_token_info,
) -> auroraiam_result {
    call("auroraiam_token_parse", || {
        // SAFETY: the caller's contract above.
        let token = unsafe { str_arg(token, "token") }?;
        let out = Out::new(info_out, "info_out")?;
        store_info(parse_token(token)?, out);
        Ok(())
    })
}

/// `auroraiam_token_parse()` with the token given as a pointer and a byte length (a password
/// field that is not NUL-terminated; a NUL byte inside is `TOKEN_MALFORMED`). `token` must not
/// be NULL; a length above `PTRDIFF_MAX` is `INVALID_LENGTH`. Everything else as
/// `auroraiam_token_parse()`.
///
/// # Safety
/// `token` is NULL or points to `token_len` readable bytes; `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_parse_len(
    token: *const c_char,
    token_len: usize,
    info_out: *mut *mut auroraiam_token_info,
) -> auroraiam_result {
    call("auroraiam_token_parse_len", || {
        // SAFETY: the caller's contract above.
        let token = unsafe { bytes_arg(token, token_len, "token") }?;
        let out = Out::new(info_out, "info_out")?;
        store_info(parse_token(token)?, out);
        Ok(())
    })
}

/// Frees a token info and the strings borrowed from it. NULL is a no-op. No other thread may
/// use it during or after this call.
///
/// # Safety
/// `info` is NULL or an info from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_free(info: *mut auroraiam_token_info) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(info) })
}

/// Runs an infallible getter: NULL (or a caught panic) gives `zero`.
///
/// # Safety
/// `info` is NULL or a live info.
unsafe fn get<T>(
    info: *const auroraiam_token_info,
    zero: T,
    f: impl FnOnce(&auroraiam_token_info) -> T,
) -> T {
    // SAFETY: forwarded contract.
    match unsafe { object_ref(info) } {
        Some(info) => infallible(zero, || f(info)),
        None => zero,
    }
}

/// The token's kind as an `auroraiam_token_kind` value (`AURORAIAM_TOKEN_KIND_RDS`, `_DSQL`,
/// `_DSQL_ADMIN`); 0 when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_kind(info: *const auroraiam_token_info) -> u32 {
    // SAFETY: forwarded contract.
    unsafe {
        get(info, 0, |i| {
            auroraiam_token_kind::from_core(i.parsed.kind()) as u32
        })
    }
}

/// The host as written in the token (its case kept). Borrowed from `info` (valid until
/// `auroraiam_token_info_free()`); NULL when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_hostname(
    info: *const auroraiam_token_info,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { get(info, std::ptr::null(), |i| i.hostname.as_ptr()) }
}

/// True when the token names a port (RDS tokens always do; DSQL tokens normally do not).
/// False when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_has_port(info: *const auroraiam_token_info) -> bool {
    // SAFETY: forwarded contract.
    unsafe { get(info, false, |i| i.parsed.port().is_some()) }
}

/// The port (1..=65535), or 0 when the token has none or `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_port(info: *const auroraiam_token_info) -> u16 {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i.parsed.port().unwrap_or(0)) }
}

/// The database user, percent-decoded (RDS tokens); NULL for DSQL tokens (which carry none)
/// and when `info` is NULL. Borrowed from `info`.
///
/// A token can percent-encode any byte, so the decoded user may contain a NUL byte (no signer
/// of this library produces one): C sees the text up to it, and
/// `auroraiam_token_info_username_len()` gives the full length — compare it with `strlen()`
/// before trusting the string.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_username(
    info: *const auroraiam_token_info,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe {
        get(info, std::ptr::null(), |i| {
            i.username.as_ref().map_or(std::ptr::null(), CText::as_ptr)
        })
    }
}

/// Length in bytes of the decoded database user (see `auroraiam_token_info_username()`);
/// 0 when there is none or `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_username_len(
    info: *const auroraiam_token_info,
) -> usize {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i.username.as_ref().map_or(0, CText::len)) }
}

/// The access key id from the token's credential scope, percent-decoded. Borrowed from
/// `info`; NULL when `info` is NULL. Like the user it may contain a NUL byte in a token not
/// made by a real signer: compare `strlen()` with `auroraiam_token_info_access_key_id_len()`.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_access_key_id(
    info: *const auroraiam_token_info,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { get(info, std::ptr::null(), |i| i.access_key_id.as_ptr()) }
}

/// Length in bytes of the access key id; 0 when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_access_key_id_len(
    info: *const auroraiam_token_info,
) -> usize {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i.access_key_id.len()) }
}

/// The region of the token's credential scope (`us-east-1`). Borrowed from `info`; NULL when
/// `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_region(
    info: *const auroraiam_token_info,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { get(info, std::ptr::null(), |i| i.region.as_ptr()) }
}

/// The service of the token's credential scope: "rds-db" (RDS) or "dsql". Borrowed from
/// `info`; NULL when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_service(
    info: *const auroraiam_token_info,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { get(info, std::ptr::null(), |i| i.service.as_ptr()) }
}

/// When the token was signed (`X-Amz-Date`), in Unix seconds; 0 when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_signing_time(
    info: *const auroraiam_token_info,
) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i.parsed.signing_time().unix_seconds()) }
}

/// The lifetime the token asks for (`X-Amz-Expires`), in seconds; 0 when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_expires_in(info: *const auroraiam_token_info) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i64::from(i.parsed.expires_in())) }
}

/// Signing time plus lifetime, in Unix seconds: from then on servers reject the token (it may
/// die earlier with the temporary credentials that signed it, which a token does not show).
/// 0 when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_expires_at(info: *const auroraiam_token_info) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i.parsed.expires_at_unix()) }
}

/// True when the token carries a session token (`X-Amz-Security-Token`, temporary
/// credentials). The session token itself is never exposed. False when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_has_session_token(
    info: *const auroraiam_token_info,
) -> bool {
    // SAFETY: forwarded contract.
    unsafe { get(info, false, |i| i.parsed.has_session_token()) }
}

/// Length of the token text in bytes (poolers with short password buffers truncate long
/// tokens, see `auroraiam_token_diagnose()`); 0 when `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_length(info: *const auroraiam_token_info) -> usize {
    // SAFETY: forwarded contract.
    unsafe { get(info, 0, |i| i.parsed.length()) }
}

/// Seconds of life the token has left at `now` (Unix seconds): `expires_at - now`, negative
/// once it has expired.
///
/// On success stores the value in `*remaining_out` and returns `AURORAIAM_RESULT_OK`. Returns
/// `NULL_ARGUMENT` (`info` or `remaining_out` is NULL) or `INVALID_SIGNING_TIME` (`now` outside
/// 1970..9999), then leaves `*remaining_out` untouched. Thread-safe.
///
/// # Safety
/// `info` is NULL or a live info; `remaining_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_info_remaining(
    info: *const auroraiam_token_info,
    now: i64,
    remaining_out: *mut i64,
) -> auroraiam_result {
    call("auroraiam_token_info_remaining", || {
        // SAFETY: the caller's contract above.
        let info = unsafe { object_arg(info, "info") }?;
        let out = Out::new(remaining_out, "remaining_out")?;
        let remaining = info
            .parsed
            .remaining_secs(SigningTime::from_unix_seconds(now)?);
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(remaining) };
        Ok(())
    })
}

fn redact_into(token: &str, out: Out<*mut c_char>) {
    // SAFETY: `out` was checked non-NULL; the caller promised it is writable.
    unsafe { out.write(token_into_raw(&redact_token(token))) }
}

/// The token with its signature and session token masked (`X-Amz-Signature=<redacted:64
/// chars>`), safe to log; the host, port, user, key id, scope, date and lifetime stay
/// readable. Text that is not a token at all is masked whole (`<redacted: 7 bytes, not a
/// token>`), so anything typed into a password field can be passed.
///
/// On success stores a new NUL-terminated string in `*redacted_out` (release it with
/// `auroraiam_token_free()`) and returns `AURORAIAM_RESULT_OK`. Returns `NULL_ARGUMENT`
/// (`token` or `redacted_out` is NULL) or `INVALID_UTF8`, then leaves `*redacted_out`
/// untouched. Thread-safe.
///
/// # Safety
/// `token` is NULL or NUL-terminated; `redacted_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_redact(
    token: *const c_char,
    redacted_out: *mut *mut c_char,
) -> auroraiam_result {
    call("auroraiam_token_redact", || {
        // SAFETY: the caller's contract above.
        let token = unsafe { str_arg(token, "token") }?;
        redact_into(token, Out::new(redacted_out, "redacted_out")?);
        Ok(())
    })
}

/// `auroraiam_token_redact()` with the text given as a pointer and a byte length (`token`
/// must not be NULL; a length above `PTRDIFF_MAX` is `INVALID_LENGTH`).
///
/// # Safety
/// `token` is NULL or points to `token_len` readable bytes; `redacted_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_redact_len(
    token: *const c_char,
    token_len: usize,
    redacted_out: *mut *mut c_char,
) -> auroraiam_result {
    call("auroraiam_token_redact_len", || {
        // SAFETY: the caller's contract above.
        let token = unsafe { bytes_arg(token, token_len, "token") }?;
        redact_into(token, Out::new(redacted_out, "redacted_out")?);
        Ok(())
    })
}
