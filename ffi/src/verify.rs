//! Server-side verification: `auroraiam_verify_options` and the `auroraiam_token_verify*()`
//! functions, with one known secret or a secret-lookup callback.

use std::ffi::{c_char, c_int, c_void};

use auroraiam::{validate_max_clock_skew, verify_token, ErrorCode, TokenKind, VerifyOptions, Zeroizing};

use crate::call::{call, infallible};
use crate::failure::Failure;
use crate::inspect::{auroraiam_token_info, store_info};
use crate::kind::kind_arg;
use crate::options::{port, Clock};
use crate::ptr::{
    bytes_arg, free_raw, into_raw, object_mut_arg, object_ref, str_arg, CText, Out, SecretBuffer,
};
use crate::result::auroraiam_result;

/// What `auroraiam_token_verify*()` checks a token against besides its signature (opaque).
///
/// Create with `auroraiam_verify_options_new()`, adjust with the `auroraiam_verify_options_set_*()`
/// functions, free with `auroraiam_verify_options_free()`. Setters change it, so do not call
/// them while another thread uses the options; once set up, any number of threads may verify
/// with the same options at once.
#[derive(Default)]
pub struct auroraiam_verify_options {
    now: Clock,
    max_clock_skew_secs: Option<u32>,
    expect_kind: Option<TokenKind>,
    expect_hostname: Option<String>,
    expect_port: Option<u16>,
    expect_username: Option<String>,
    expect_region: Option<String>,
}

impl auroraiam_verify_options {
    fn to_core(&self) -> Result<VerifyOptions<'_>, Failure> {
        let mut o = VerifyOptions::at(self.now.now()?);
        if let Some(skew) = self.max_clock_skew_secs {
            o.max_clock_skew_secs = skew;
        }
        if let Some(kind) = self.expect_kind {
            o.expect_kind = Some(kind);
        }
        o.expect_hostname = self.expect_hostname.as_deref();
        o.expect_port = self.expect_port;
        o.expect_username = self.expect_username.as_deref();
        o.expect_region = self.expect_region.as_deref();
        Ok(o)
    }
}

/// Creates verify options with the defaults: the system clock at the time of each
/// verification, `AURORAIAM_DEFAULT_MAX_CLOCK_SKEW` (300 s), kind RDS (set
/// `auroraiam_verify_options_set_expect_kind()` to verify DSQL tokens), no expected host, port,
/// user or region.
///
/// Stores them in `*options_out` (free with `auroraiam_verify_options_free()`) and returns
/// `AURORAIAM_RESULT_OK`, or `NULL_ARGUMENT` when `options_out` is NULL. Thread-safe.
///
/// # Safety
/// `options_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_new(
    options_out: *mut *mut auroraiam_verify_options,
) -> auroraiam_result {
    call("auroraiam_verify_options_new", || {
        let out = Out::new(options_out, "options_out")?;
        // SAFETY: checked non-NULL; writable per the caller's contract.
        unsafe { out.write(into_raw(auroraiam_verify_options::default())) };
        Ok(())
    })
}

/// Frees verify options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or options from this library not freed before, unused by other threads.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_free(options: *mut auroraiam_verify_options) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(options) })
}

/// Runs a setter on live options.
///
/// # Safety
/// `options` is NULL or live options not used by another thread during the call.
unsafe fn set(
    function: &'static str,
    options: *mut auroraiam_verify_options,
    f: impl FnOnce(&mut auroraiam_verify_options) -> Result<(), Failure>,
) -> auroraiam_result {
    call(function, || {
        // SAFETY: forwarded contract.
        f(unsafe { object_mut_arg(options, "options") }?)
    })
}

/// Verifies as of `now` (Unix seconds) instead of the system clock: `INVALID_SIGNING_TIME`
/// outside 1970..9999, `NULL_ARGUMENT` for NULL `options`; on failure the options are
/// unchanged. Not thread-safe for the same options (see `auroraiam_verify_options`).
///
/// # Safety
/// `options` is NULL or live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_now(
    options: *mut auroraiam_verify_options,
    now: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set("auroraiam_verify_options_set_now", options, |o| {
            o.now.set(now)
        })
    }
}

/// How many seconds in the future a signing time may lie (default 300; more is
/// `TOKEN_NOT_YET_VALID`): 0..=3600 (`AURORAIAM_MAX_CLOCK_SKEW`), else `INVALID_ARGUMENT`.
/// Otherwise as `auroraiam_verify_options_set_now()`.
///
/// # Safety
/// As `auroraiam_verify_options_set_now()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_max_clock_skew(
    options: *mut auroraiam_verify_options,
    seconds: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_verify_options_set_max_clock_skew",
            options,
            |o| {
                o.max_clock_skew_secs = Some(validate_max_clock_skew(i128::from(seconds), "max_clock_skew")?);
                Ok(())
            },
        )
    }
}

/// Requires the token kind (an `auroraiam_token_kind` value; another kind is `KIND_MISMATCH`):
/// any other number is `INVALID_ARGUMENT`. Otherwise as `auroraiam_verify_options_set_now()`.
///
/// # Safety
/// As `auroraiam_verify_options_set_now()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_expect_kind(
    options: *mut auroraiam_verify_options,
    kind: u32,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set("auroraiam_verify_options_set_expect_kind", options, |o| {
            o.expect_kind = Some(kind_arg(kind, "kind")?);
            Ok(())
        })
    }
}

/// Requires the host (compared case-insensitively; another host is `HOST_MISMATCH`).
/// NUL-terminated UTF-8, copied; NULL is `NULL_ARGUMENT`, invalid UTF-8 `INVALID_UTF8`.
/// Otherwise as `auroraiam_verify_options_set_now()`.
///
/// # Safety
/// As `auroraiam_verify_options_set_now()`; `hostname` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_expect_hostname(
    options: *mut auroraiam_verify_options,
    hostname: *const c_char,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_verify_options_set_expect_hostname",
            options,
            |o| {
                o.expect_hostname = Some(str_arg(hostname, "hostname")?.to_string());
                Ok(())
            },
        )
    }
}

/// Requires the port (another or no port is `PORT_MISMATCH`): 1..=65535, else `INVALID_PORT`.
/// Otherwise as `auroraiam_verify_options_set_now()`.
///
/// # Safety
/// As `auroraiam_verify_options_set_now()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_expect_port(
    options: *mut auroraiam_verify_options,
    port: i64,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set("auroraiam_verify_options_set_expect_port", options, |o| {
            o.expect_port = Some(self::port(port)?);
            Ok(())
        })
    }
}

/// Requires the database user (compared exactly; another user is `USER_MISMATCH`).
/// NUL-terminated UTF-8, copied; NULL is `NULL_ARGUMENT`. Otherwise as
/// `auroraiam_verify_options_set_now()`.
///
/// # Safety
/// As `auroraiam_verify_options_set_now()`; `username` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_expect_username(
    options: *mut auroraiam_verify_options,
    username: *const c_char,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set(
            "auroraiam_verify_options_set_expect_username",
            options,
            |o| {
                o.expect_username = Some(str_arg(username, "username")?.to_string());
                Ok(())
            },
        )
    }
}

/// Requires the region of the credential scope (compared exactly; another region is
/// `REGION_MISMATCH`). NUL-terminated UTF-8, copied; NULL is `NULL_ARGUMENT`. Otherwise as
/// `auroraiam_verify_options_set_now()`.
///
/// # Safety
/// As `auroraiam_verify_options_set_now()`; `region` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_verify_options_set_expect_region(
    options: *mut auroraiam_verify_options,
    region: *const c_char,
) -> auroraiam_result {
    // SAFETY: forwarded contract.
    unsafe {
        set("auroraiam_verify_options_set_expect_region", options, |o| {
            o.expect_region = Some(str_arg(region, "region")?.to_string());
            Ok(())
        })
    }
}

/// Verifies `token` with `secret_for`, then stores the info if the caller asked for it.
fn verify_with(
    token: &str,
    secret_for: impl FnOnce(&str) -> Option<Zeroizing<String>>,
    options: Option<&auroraiam_verify_options>,
    info_out: Option<Out<*mut auroraiam_token_info>>,
) -> Result<(), Failure> {
    let defaults = auroraiam_verify_options::default();
    let options = options.unwrap_or(&defaults).to_core()?;
    let parsed = verify_token(token, secret_for, &options)?;
    if let Some(out) = info_out {
        store_info(parsed, out);
    }
    Ok(())
}

/// The lookup of the one-secret functions: the secret for exactly this access key id.
fn one_secret<'a>(
    access_key_id: &'a str,
    secret_access_key: &'a str,
) -> impl FnOnce(&str) -> Option<Zeroizing<String>> + 'a {
    move |wanted| (wanted == access_key_id).then(|| Zeroizing::new(secret_access_key.to_string()))
}

/// Verifies a token (NUL-terminated) signed with one known key: recomputes its SigV4 signature
/// with `secret_access_key` (constant-time comparison), then checks kind, host, port, user and
/// region against `options`, and its lifetime at the options' clock. For a server or proxy that
/// accepts IAM tokens, and for tests.
///
/// - `access_key_id`, `secret_access_key`: the key the token must be signed with (a token
///   signed by another key id is `UNKNOWN_ACCESS_KEY`). Both are borrowed for the call; the
///   library's copy of the secret is wiped before it returns.
/// - `options`: NULL for the defaults (system clock, 300 s skew, kind RDS, no other expectation).
/// - `info_out`: NULL, or where to store the verified token's fields (free them with
///   `auroraiam_token_info_free()`); written only on success.
///
/// Returns `AURORAIAM_RESULT_OK` when the token is genuine, meant for what the options expect,
/// and alive. Otherwise the first reason, exactly: `NULL_ARGUMENT`, `INVALID_UTF8`,
/// `TOKEN_MALFORMED`, `UNKNOWN_ACCESS_KEY`, `SIGNATURE_MISMATCH` (wrong secret or an altered
/// token), `TOKEN_LIFETIME_TOO_LONG` (an RDS token with `X-Amz-Expires` over 900), `KIND_MISMATCH`, `HOST_MISMATCH`, `PORT_MISMATCH`, `USER_MISMATCH`,
/// `REGION_MISMATCH`, `TOKEN_NOT_YET_VALID`, `TOKEN_EXPIRED` (the signature is checked before
/// the expectations, those before the lifetime); the detail message says what differed and
/// never contains the secret, the signature or the session token. Thread-safe.
///
/// # Safety
/// Each string is NULL or NUL-terminated; `options` is NULL or live options; `info_out` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_verify(
    token: *const c_char,
    access_key_id: *const c_char,
    secret_access_key: *const c_char,
    options: *const auroraiam_verify_options,
    info_out: *mut *mut auroraiam_token_info,
) -> auroraiam_result {
    call("auroraiam_token_verify", || {
        // SAFETY: the caller's contract above.
        let (token, access_key_id, secret_access_key, options) = unsafe {
            (
                str_arg(token, "token")?,
                str_arg(access_key_id, "access_key_id")?,
                str_arg(secret_access_key, "secret_access_key")?,
                object_ref(options),
            )
        };
        verify_with(
            token,
            one_secret(access_key_id, secret_access_key),
            options,
            Out::optional(info_out),
        )
    })
}

/// `auroraiam_token_verify()` with each string given as a pointer and a byte length (none may
/// be NULL; lengths above `PTRDIFF_MAX` are `INVALID_LENGTH`). Everything else as
/// `auroraiam_token_verify()`.
///
/// # Safety
/// Each string pointer is NULL or points to at least its length in readable bytes; `options`
/// is NULL or live options; `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_verify_len(
    token: *const c_char,
    token_len: usize,
    access_key_id: *const c_char,
    access_key_id_len: usize,
    secret_access_key: *const c_char,
    secret_access_key_len: usize,
    options: *const auroraiam_verify_options,
    info_out: *mut *mut auroraiam_token_info,
) -> auroraiam_result {
    call("auroraiam_token_verify_len", || {
        // SAFETY: the caller's contract above.
        let (token, access_key_id, secret_access_key, options) = unsafe {
            (
                bytes_arg(token, token_len, "token")?,
                bytes_arg(access_key_id, access_key_id_len, "access_key_id")?,
                bytes_arg(
                    secret_access_key,
                    secret_access_key_len,
                    "secret_access_key",
                )?,
                object_ref(options),
            )
        };
        verify_with(
            token,
            one_secret(access_key_id, secret_access_key),
            options,
            Out::optional(info_out),
        )
    })
}

/// Returned by an `auroraiam_secret_lookup` that wrote the secret.
pub const AURORAIAM_SECRET_FOUND: c_int = 0;
/// Returned by an `auroraiam_secret_lookup` that knows no secret for the key id: the
/// verification fails with `AURORAIAM_RESULT_UNKNOWN_ACCESS_KEY`.
pub const AURORAIAM_SECRET_UNKNOWN: c_int = 1;
/// Size of the buffer an `auroraiam_secret_lookup` writes the secret into: the longest secret
/// access key the library accepts.
pub const AURORAIAM_SECRET_BUFFER_LEN: usize = 1024;

/// Finds the secret access key for an access key id, for `auroraiam_token_verify_with_lookup()`.
///
/// Called at most once per verification, on the verifying thread, with:
/// - `userdata`: the pointer given to the verify function, untouched;
/// - `access_key_id`, `access_key_id_len`: the key id from the token, NUL-terminated and with
///   its length (a forged token may put a NUL byte inside: compare with `strlen()` or use the
///   length); borrowed for the call;
/// - `secret_buf`, `secret_buf_len`: a library buffer of `AURORAIAM_SECRET_BUFFER_LEN` bytes;
///   write the secret there (no NUL needed) and its length to `*secret_len`. The library wipes
///   the buffer after use; wipe your own copies.
///
/// Return `AURORAIAM_SECRET_FOUND` after writing the secret, `AURORAIAM_SECRET_UNKNOWN` when
/// there is none for this key id (`UNKNOWN_ACCESS_KEY`), any other value when the lookup itself
/// failed (the verification returns `CREDENTIALS_PROVIDER_FAILED` naming the value). A
/// `*secret_len` above `secret_buf_len` is `INVALID_CREDENTIALS`, a secret that is not UTF-8
/// `INVALID_UTF8`. The callback must not unwind (no C++ exception or longjmp across the library).
pub type auroraiam_secret_lookup = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        access_key_id: *const c_char,
        access_key_id_len: usize,
        secret_buf: *mut c_char,
        secret_buf_len: usize,
        secret_len: *mut usize,
    ) -> c_int,
>;

/// Calls `lookup` for `access_key_id`; a failure of the lookup itself goes to `failure` (the
/// core's lookup can only say "none", so the caller turns that into the real reason).
fn call_lookup(
    lookup: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        usize,
        *mut c_char,
        usize,
        *mut usize,
    ) -> c_int,
    userdata: *mut c_void,
    access_key_id: &str,
    failure: &mut Option<Failure>,
) -> Option<Zeroizing<String>> {
    let key_id = CText::new(access_key_id);
    let mut buffer = SecretBuffer::new(AURORAIAM_SECRET_BUFFER_LEN);
    let mut len = 0usize;
    // SAFETY: a C function pointer the caller gave us with this signature; every pointer we
    // pass is valid for the call (key id NUL-terminated with its length, the buffer with its
    // size, `len` a writable usize).
    let rc = unsafe {
        lookup(
            userdata,
            key_id.as_ptr(),
            key_id.len(),
            buffer.as_mut_ptr(),
            buffer.capacity(),
            &mut len,
        )
    };
    match rc {
        AURORAIAM_SECRET_FOUND => {}
        AURORAIAM_SECRET_UNKNOWN => return None,
        other => {
            *failure = Some(Failure::core(
                ErrorCode::CredentialsProviderFailed,
                format!("the secret lookup callback failed (returned {other})"),
            ));
            return None;
        }
    }
    let Some(bytes) = buffer.written(len) else {
        *failure = Some(Failure::core(
            ErrorCode::InvalidCredentials,
            format!(
                "the secret lookup callback reported a {len}-byte secret; the buffer holds {}",
                buffer.capacity()
            ),
        ));
        return None;
    };
    match auroraiam::str_from_utf8(bytes, "the secret from the lookup callback") {
        Ok(secret) => Some(Zeroizing::new(secret.to_string())),
        Err(e) => {
            *failure = Some(e.into());
            None
        }
    }
}

fn verify_with_lookup(
    token: &str,
    lookup: auroraiam_secret_lookup,
    userdata: *mut c_void,
    options: Option<&auroraiam_verify_options>,
    info_out: Option<Out<*mut auroraiam_token_info>>,
) -> Result<(), Failure> {
    let lookup = lookup.ok_or_else(|| Failure::null_argument("lookup"))?;
    let mut failure = None;
    let result = verify_with(
        token,
        |akid| call_lookup(lookup, userdata, akid, &mut failure),
        options,
        info_out,
    );
    match (result, failure) {
        (Err(_), Some(failure)) => Err(failure),
        (result, _) => result,
    }
}

/// Verifies a token (NUL-terminated) whose secret comes from `lookup` (see
/// `auroraiam_secret_lookup`): for a server that knows many keys. `lookup` must not be NULL;
/// `userdata` is passed to it untouched (may be NULL). Checks, options, `info_out`, results and
/// thread-safety as `auroraiam_token_verify()`, plus the lookup's own failures
/// (`CREDENTIALS_PROVIDER_FAILED`, `INVALID_CREDENTIALS`, `INVALID_UTF8`). The lookup runs on
/// the calling thread before the function returns; it is not called for a malformed token.
///
/// # Safety
/// `token` is NULL or NUL-terminated; `lookup` follows `auroraiam_secret_lookup`'s contract;
/// `options` is NULL or live options; `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_verify_with_lookup(
    token: *const c_char,
    lookup: auroraiam_secret_lookup,
    userdata: *mut c_void,
    options: *const auroraiam_verify_options,
    info_out: *mut *mut auroraiam_token_info,
) -> auroraiam_result {
    call("auroraiam_token_verify_with_lookup", || {
        // SAFETY: the caller's contract above.
        let (token, options) = unsafe { (str_arg(token, "token")?, object_ref(options)) };
        verify_with_lookup(token, lookup, userdata, options, Out::optional(info_out))
    })
}

/// `auroraiam_token_verify_with_lookup()` with the token given as a pointer and a byte length
/// (`token` must not be NULL; a length above `PTRDIFF_MAX` is `INVALID_LENGTH`).
///
/// # Safety
/// `token` is NULL or points to `token_len` readable bytes; otherwise as
/// `auroraiam_token_verify_with_lookup()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_verify_with_lookup_len(
    token: *const c_char,
    token_len: usize,
    lookup: auroraiam_secret_lookup,
    userdata: *mut c_void,
    options: *const auroraiam_verify_options,
    info_out: *mut *mut auroraiam_token_info,
) -> auroraiam_result {
    call("auroraiam_token_verify_with_lookup_len", || {
        // SAFETY: the caller's contract above.
        let (token, options) =
            unsafe { (bytes_arg(token, token_len, "token")?, object_ref(options)) };
        verify_with_lookup(token, lookup, userdata, options, Out::optional(info_out))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_buffer_holds_the_longest_accepted_secret() {
        assert_eq!(
            AURORAIAM_SECRET_BUFFER_LEN,
            auroraiam::MAX_SECRET_ACCESS_KEY_LEN
        );
    }
}
