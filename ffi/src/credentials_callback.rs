//! Credentials from a C callback: `auroraiam_credentials_callback` and the
//! `auroraiam_credentials_sink` it fills.

use std::ffi::{c_char, c_int, c_void};
use std::time::SystemTime;

use auroraiam::{credentials_from_parts, expiry_from_unix_seconds, Credentials, ErrorCode};

use crate::call::call;
use crate::failure::Failure;
use crate::ptr::{
    bytes_arg, object_mut_arg, opt_bytes_arg, opt_i64_arg, opt_str_arg, str_arg, UserData,
};
use crate::result::auroraiam_result;

/// Where an `auroraiam_credentials_callback` puts the credentials it resolved (opaque).
///
/// Lent by the library for the duration of one callback call only: use it on the callback's
/// thread, before the callback returns, and never keep the pointer.
#[derive(Default)]
pub struct auroraiam_credentials_sink {
    credentials: Option<Credentials>,
    rejected: Option<String>,
    error: Option<String>,
}

/// Resolves AWS credentials for an `auroraiam_token_provider` (a secrets manager, a vault, an
/// in-house STS client...).
///
/// Called with the `userdata` given to `auroraiam_token_provider_builder_use_credentials_callback()`
/// and a sink: fill it with `auroraiam_credentials_sink_set()` (or `_set_len()`) and return 0.
/// To fail, return `AURORAIAM_RESULT_CREDENTIALS_NOT_FOUND` (the provider reports
/// `CREDENTIALS_NOT_FOUND`) or any other non-zero value (`CREDENTIALS_PROVIDER_FAILED`),
/// optionally after `auroraiam_credentials_sink_set_error()` with a reason for the message.
///
/// Threading: the provider calls it when it needs credentials (the first token, credentials
/// about to expire, after `auroraiam_token_provider_invalidate()`), on the thread that asked
/// for the token — any thread that uses the provider. One provider never runs two calls at once
/// (its credential cache keeps one fetch in flight; other threads wait for that fetch), but two
/// providers sharing a callback and userdata may call it concurrently. It must not call
/// functions of the same provider (that waits for itself until the fetch wait gives up) and
/// must not unwind (no C++ exception or longjmp across the library).
pub type auroraiam_credentials_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, sink: *mut auroraiam_credentials_sink) -> c_int,
>;

/// A C callback and its userdata as a core credentials source.
#[derive(Clone, Copy)]
pub(crate) struct CallbackSource {
    callback: unsafe extern "C" fn(*mut c_void, *mut auroraiam_credentials_sink) -> c_int,
    userdata: UserData,
}

impl CallbackSource {
    pub(crate) fn new(
        callback: auroraiam_credentials_callback,
        userdata: *mut c_void,
    ) -> Result<CallbackSource, Failure> {
        let callback = callback.ok_or_else(|| Failure::null_argument("callback"))?;
        Ok(CallbackSource {
            callback,
            userdata: UserData(userdata),
        })
    }

    /// Calls the callback once and turns what it left in the sink into credentials or an error.
    pub(crate) fn fetch(&self) -> auroraiam::Result<Credentials> {
        let mut sink = auroraiam_credentials_sink::default();
        // SAFETY: a C function pointer the caller registered with this signature; the sink is
        // a live, exclusive object for the duration of the call, and the userdata is the
        // caller's own pointer (its thread-safety is the caller's documented responsibility).
        let rc = unsafe { (self.callback)(self.userdata.0, &mut sink) };
        let reason = |default: String| match &sink.error {
            Some(message) => format!("the credentials callback failed: {message}"),
            None => default,
        };
        match rc {
            0 => match (sink.credentials.take(), &sink.rejected) {
                (Some(credentials), _) => Ok(credentials),
                (None, Some(rejected)) => Err(auroraiam::Error::new(
                    ErrorCode::CredentialsProviderFailed,
                    format!("the credentials callback gave invalid credentials: {rejected}"),
                )),
                (None, None) => Err(auroraiam::Error::new(
                    ErrorCode::CredentialsProviderFailed,
                    reason(
                        "the credentials callback returned 0 without calling auroraiam_credentials_sink_set()"
                            .to_string(),
                    ),
                )),
            },
            n if n as u32 == ErrorCode::CredentialsNotFound.number() => Err(auroraiam::Error::new(
                ErrorCode::CredentialsNotFound,
                reason("the credentials callback found no credentials".to_string()),
            )),
            n => Err(auroraiam::Error::new(
                ErrorCode::CredentialsProviderFailed,
                reason(format!("the credentials callback failed (returned {n})")),
            )),
        }
    }
}

/// A credential expiry argument: NULL = the credentials do not expire.
fn expiry(expires_at: Option<i64>) -> Result<Option<SystemTime>, Failure> {
    // i64 -> f64 is exact for every time the core accepts (below 2^53 s); values beyond are
    // rejected by the core with the field named.
    Ok(expires_at
        .map(|s| expiry_from_unix_seconds(s as f64))
        .transpose()?)
}

/// Stores credentials in a sink, remembering a rejection for the provider's message.
fn fill(
    sink: &mut auroraiam_credentials_sink,
    parts: Result<Credentials, Failure>,
) -> Result<(), Failure> {
    match parts {
        Ok(credentials) => {
            sink.credentials = Some(credentials);
            sink.rejected = None;
            Ok(())
        }
        Err(failure) => {
            // The last call wins: earlier credentials must not be used after a failed set.
            sink.credentials = None;
            sink.rejected = Some(failure.message().to_string());
            Err(failure)
        }
    }
}

/// Builds validated credentials from explicit parts (shared with the provider builder).
pub(crate) fn credentials(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: Option<&str>,
    expires_at: Option<i64>,
) -> Result<Credentials, Failure> {
    Ok(credentials_from_parts(
        access_key_id,
        secret_access_key,
        session_token,
        expiry(expires_at)?,
    )?)
}

/// Gives the provider the credentials the callback resolved (copied; wipe your own copies).
///
/// - `access_key_id`, `secret_access_key`: required, NUL-terminated UTF-8.
/// - `session_token`: the session token of temporary credentials, or NULL (or "") for
///   long-term keys.
/// - `expires_at`: NULL when the credentials do not expire, else a pointer to their expiry in
///   Unix seconds: the provider refreshes them (calls the callback again) before then, and never
///   hands out a token that outlives them.
///
/// Returns `AURORAIAM_RESULT_OK`, or `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_CREDENTIALS`
/// (malformed values, an expiry outside 1970..9999); then nothing is stored, and if the callback
/// still returns 0 the provider fails with `CREDENTIALS_PROVIDER_FAILED` naming the reason.
/// A later successful call replaces earlier values. Only valid inside the callback.
///
/// # Safety
/// `sink` is the pointer the callback received; each string is NULL or NUL-terminated;
/// `expires_at` is NULL or readable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_credentials_sink_set(
    sink: *mut auroraiam_credentials_sink,
    access_key_id: *const c_char,
    secret_access_key: *const c_char,
    session_token: *const c_char,
    expires_at: *const i64,
) -> auroraiam_result {
    call("auroraiam_credentials_sink_set", || {
        // SAFETY: the caller's contract above.
        let sink = unsafe { object_mut_arg(sink, "sink") }?;
        // SAFETY: the caller's contract above.
        let parts = unsafe {
            (|| {
                credentials(
                    str_arg(access_key_id, "access_key_id")?,
                    str_arg(secret_access_key, "secret_access_key")?,
                    opt_str_arg(session_token, "session_token")?,
                    opt_i64_arg(expires_at),
                )
            })()
        };
        fill(sink, parts)
    })
}

/// `auroraiam_credentials_sink_set()` with each string given as a pointer and a byte length
/// (`access_key_id` and `secret_access_key` non-NULL; `session_token` NULL for none, then its
/// length is ignored; lengths above `PTRDIFF_MAX` are `INVALID_LENGTH`; a NUL byte inside a
/// value is `INVALID_CREDENTIALS`).
///
/// # Safety
/// `sink` is the pointer the callback received; each string pointer is NULL or points to at
/// least its length in readable bytes; `expires_at` is NULL or readable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_credentials_sink_set_len(
    sink: *mut auroraiam_credentials_sink,
    access_key_id: *const c_char,
    access_key_id_len: usize,
    secret_access_key: *const c_char,
    secret_access_key_len: usize,
    session_token: *const c_char,
    session_token_len: usize,
    expires_at: *const i64,
) -> auroraiam_result {
    call("auroraiam_credentials_sink_set_len", || {
        // SAFETY: the caller's contract above.
        let sink = unsafe { object_mut_arg(sink, "sink") }?;
        // SAFETY: the caller's contract above.
        let parts = unsafe {
            (|| {
                credentials(
                    bytes_arg(access_key_id, access_key_id_len, "access_key_id")?,
                    bytes_arg(
                        secret_access_key,
                        secret_access_key_len,
                        "secret_access_key",
                    )?,
                    opt_bytes_arg(session_token, session_token_len, "session_token")?,
                    opt_i64_arg(expires_at),
                )
            })()
        };
        fill(sink, parts)
    })
}

/// Gives a reason for a failure the callback is about to return (non-zero): the provider's
/// detail message becomes "the credentials callback failed: <message>". Do not put secrets in
/// it. `message` is NUL-terminated UTF-8, copied (at most 1024 bytes are kept). Returns
/// `AURORAIAM_RESULT_OK`, `NULL_ARGUMENT` or `INVALID_UTF8`. Only valid inside the callback.
///
/// # Safety
/// `sink` is the pointer the callback received; `message` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_credentials_sink_set_error(
    sink: *mut auroraiam_credentials_sink,
    message: *const c_char,
) -> auroraiam_result {
    call("auroraiam_credentials_sink_set_error", || {
        // SAFETY: the caller's contract above.
        let (sink, message) =
            unsafe { (object_mut_arg(sink, "sink")?, str_arg(message, "message")?) };
        let mut end = message.len().min(1024);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        sink.error = Some(message[..end].to_string());
        Ok(())
    })
}
