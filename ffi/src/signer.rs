//! `auroraiam_signer`: credentials plus the cache of derived signing keys.

use std::ffi::c_char;

use auroraiam::{credentials_from_env, credentials_from_parts, Signer};

use crate::call::{call, infallible};
use crate::ptr::{bytes_arg, free_raw, into_raw, opt_bytes_arg, opt_str_arg, str_arg, Out};
use crate::result::auroraiam_result;

/// Signs tokens with one set of AWS credentials (opaque).
///
/// Immutable once created, so one signer can be shared by any number of threads; it caches
/// the derived SigV4 signing key per day, region and service, which makes every token after
/// the first of the day cheap. Create it with `auroraiam_signer_new()`,
/// `auroraiam_signer_new_len()` or `auroraiam_signer_new_from_env()`, free it with
/// `auroraiam_signer_free()`. The secret and session token are wiped from memory when it is freed.
pub struct auroraiam_signer {
    pub(crate) inner: Signer,
}

fn store(signer: Signer, out: Out<*mut auroraiam_signer>) {
    // SAFETY: `out` was checked non-NULL; the caller promised it is writable.
    unsafe { out.write(into_raw(auroraiam_signer { inner: signer })) }
}

/// Creates a signer for explicit AWS credentials.
///
/// `access_key_id` and `secret_access_key` are required NUL-terminated UTF-8 strings.
/// `session_token` is the session token of temporary (STS) credentials, or NULL (or "") for
/// long-term keys. The strings are copied: the caller keeps ownership of them.
///
/// On success stores a new signer in `*signer_out` and returns `AURORAIAM_RESULT_OK`; the
/// caller owns it and releases it with `auroraiam_signer_free()`. On failure returns
/// `AURORAIAM_RESULT_NULL_ARGUMENT` (a required pointer is NULL), `AURORAIAM_RESULT_INVALID_UTF8`
/// (naming the argument) or `AURORAIAM_RESULT_INVALID_CREDENTIALS` (empty, too long, NUL or
/// other forbidden characters), sets the detail message (`auroraiam_last_error_message()`,
/// which never contains the secret or the session token) and leaves `*signer_out` untouched.
///
/// Thread-safe.
///
/// # Safety
/// Each string is NULL or NUL-terminated; `signer_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_new(
    access_key_id: *const c_char,
    secret_access_key: *const c_char,
    session_token: *const c_char,
    signer_out: *mut *mut auroraiam_signer,
) -> auroraiam_result {
    call("auroraiam_signer_new", || {
        // SAFETY: the caller's contract above.
        let (access_key_id, secret_access_key, session_token) = unsafe {
            (
                str_arg(access_key_id, "access_key_id")?,
                str_arg(secret_access_key, "secret_access_key")?,
                opt_str_arg(session_token, "session_token")?,
            )
        };
        let out = Out::new(signer_out, "signer_out")?;
        let credentials =
            credentials_from_parts(access_key_id, secret_access_key, session_token, None)?;
        store(Signer::new(credentials)?, out);
        Ok(())
    })
}

/// Like `auroraiam_signer_new()`, with each string given as a pointer and a byte length
/// instead of NUL-terminated (for buffers that are not NUL-terminated, and so that a NUL byte
/// inside a value is reported as `AURORAIAM_RESULT_INVALID_CREDENTIALS` rather than silently
/// ending the string).
///
/// `access_key_id` and `secret_access_key` must not be NULL (even with length 0: an empty
/// value is `AURORAIAM_RESULT_INVALID_CREDENTIALS`). `session_token` may be NULL, then
/// `session_token_len` is ignored. A length above `PTRDIFF_MAX` gives
/// `AURORAIAM_RESULT_INVALID_LENGTH`. Errors, ownership and thread-safety as
/// `auroraiam_signer_new()`.
///
/// # Safety
/// Each pointer is NULL or points to at least its length in readable bytes; `signer_out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_new_len(
    access_key_id: *const c_char,
    access_key_id_len: usize,
    secret_access_key: *const c_char,
    secret_access_key_len: usize,
    session_token: *const c_char,
    session_token_len: usize,
    signer_out: *mut *mut auroraiam_signer,
) -> auroraiam_result {
    call("auroraiam_signer_new_len", || {
        // SAFETY: the caller's contract above.
        let (access_key_id, secret_access_key, session_token) = unsafe {
            (
                bytes_arg(access_key_id, access_key_id_len, "access_key_id")?,
                bytes_arg(
                    secret_access_key,
                    secret_access_key_len,
                    "secret_access_key",
                )?,
                opt_bytes_arg(session_token, session_token_len, "session_token")?,
            )
        };
        let out = Out::new(signer_out, "signer_out")?;
        let credentials =
            credentials_from_parts(access_key_id, secret_access_key, session_token, None)?;
        store(Signer::new(credentials)?, out);
        Ok(())
    })
}

/// Creates a signer from the `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional
/// `AWS_SESSION_TOKEN` environment variables, read once, now (the AWS SDKs' environment source).
///
/// On success stores a new signer in `*signer_out` (free it with `auroraiam_signer_free()`)
/// and returns `AURORAIAM_RESULT_OK`. Returns `AURORAIAM_RESULT_CREDENTIALS_NOT_FOUND` when
/// either required variable is unset or empty, `AURORAIAM_RESULT_INVALID_CREDENTIALS` when a
/// value is malformed, `AURORAIAM_RESULT_NULL_ARGUMENT` when `signer_out` is NULL; on failure
/// sets the detail message and leaves `*signer_out` untouched.
///
/// Thread-safe with respect to other auroraiam calls, but like `getenv()` it must not run
/// while another thread changes the environment (`setenv()`, `putenv()`).
///
/// # Safety
/// `signer_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_new_from_env(
    signer_out: *mut *mut auroraiam_signer,
) -> auroraiam_result {
    call("auroraiam_signer_new_from_env", || {
        let out = Out::new(signer_out, "signer_out")?;
        store(Signer::new(credentials_from_env()?)?, out);
        Ok(())
    })
}

/// Frees a signer and wipes its credentials from memory. NULL is a no-op.
///
/// No other thread may use the signer during or after this call; tokens it generated stay
/// valid (they are separate allocations).
///
/// # Safety
/// `signer` is NULL or a signer from `auroraiam_signer_new*()` not freed before.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_free(signer: *mut auroraiam_signer) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { free_raw(signer) })
}
