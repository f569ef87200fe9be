//! Token generation through a signer, and releasing the tokens.

use std::ffi::c_char;

use auroraiam::{SigningTime, TokenRequest, TokenRequestBuilder};

use crate::call::{call, infallible};
use crate::failure::Failure;
use crate::ptr::{
    bytes_arg, object_arg, opt_bytes_arg, opt_str_arg, str_arg, token_free, token_into_raw, Out,
};
use crate::result::auroraiam_result;
use crate::signer::auroraiam_signer;

/// When to sign: an explicit instant (Unix seconds) or the system clock.
#[derive(Clone, Copy)]
enum When {
    At(i64),
    Now,
}

impl When {
    fn signing_time(self) -> Result<SigningTime, auroraiam::Error> {
        match self {
            When::At(unix_seconds) => SigningTime::from_unix_seconds(unix_seconds),
            When::Now => SigningTime::now(),
        }
    }
}

/// Signs the request `request` reads from the caller's arguments with `signer` at `when` and
/// stores the token in `*token_out`, inside [`call`]. Arguments are checked in the order the
/// exports list them: the signer, the request's strings, then `token_out`. One path for every
/// token kind; only `request` differs.
///
/// # Safety
/// `signer` is NULL or live; `request` reads only pointers valid for the call.
unsafe fn sign<'a>(
    function: &'static str,
    signer: *const auroraiam_signer,
    when: When,
    token_out: *mut *mut c_char,
    request: impl FnOnce() -> Result<TokenRequestBuilder<'a>, Failure>,
) -> auroraiam_result {
    call(function, || {
        // SAFETY: the caller's contract.
        let signer = unsafe { object_arg(signer, "signer")? };
        let request = request()?;
        let out = Out::new(token_out, "token_out")?;
        let token = signer.inner.sign(&request.build()?, when.signing_time()?)?;
        // SAFETY: `out` was checked non-NULL; the caller promised it is writable.
        unsafe { out.write(token_into_raw(token.as_str())) };
        Ok(())
    })
}

/// Generates an RDS / Aurora IAM authentication token: the password for `username` at
/// `hostname:port`, signed at `signing_time`.
///
/// - `signer`: from `auroraiam_signer_new*()`; only read, so share one between threads.
/// - `hostname`: the endpoint the database knows (no scheme, no port), NUL-terminated UTF-8.
///   Its case is kept in the token.
/// - `port`: 1..=65535.
/// - `username`: the database user, any UTF-8 (percent-encoded in the token).
/// - `region`: the region to sign for, or NULL to infer it from an RDS endpoint name
///   (`AURORAIAM_RESULT_REGION_REQUIRED` when it cannot be, e.g. for an IP address or CNAME).
/// - `expires_in`: lifetime in seconds, 1..=`AURORAIAM_MAX_RDS_EXPIRES_IN` (900); never clamped.
/// - `signing_time`: Unix seconds (UTC), 0..=253402300799 (1970 to 9999).
///
/// Strings are borrowed for the duration of the call only.
///
/// On success stores a new NUL-terminated token in `*token_out` and returns
/// `AURORAIAM_RESULT_OK`; the caller owns the token and releases it with
/// `auroraiam_token_free()` (not `free()`). On failure returns the status of the first bad
/// argument: `NULL_ARGUMENT` (`signer`, `hostname`, `username` or `token_out` is NULL),
/// `INVALID_UTF8` (naming the argument), `INVALID_HOSTNAME`, `INVALID_PORT`,
/// `INVALID_USERNAME`, `INVALID_REGION`, `REGION_REQUIRED`, `INVALID_EXPIRES_IN`,
/// `INVALID_SIGNING_TIME`; it then sets the detail message (`auroraiam_last_error_message()`)
/// and leaves `*token_out` untouched.
///
/// Thread-safe: any number of threads may call it at once with the same signer.
///
/// # Safety
/// `signer` is NULL or a live signer; each string is NULL or NUL-terminated; `token_out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_rds_token(
    signer: *const auroraiam_signer,
    hostname: *const c_char,
    port: i64,
    username: *const c_char,
    region: *const c_char,
    expires_in: i64,
    signing_time: i64,
    token_out: *mut *mut c_char,
) -> auroraiam_result {
    // SAFETY: the caller's contract above; the pointers are read inside the call.
    unsafe {
        sign("auroraiam_signer_rds_token", signer, When::At(signing_time), token_out, || {
            Ok(TokenRequest::rds(str_arg(hostname, "hostname")?, port, str_arg(username, "username")?)
                .maybe_region(opt_str_arg(region, "region")?)
                .expires_in_secs(expires_in))
        })
    }
}

/// `auroraiam_signer_rds_token()` signed at the current system time (whole seconds).
///
/// Arguments, errors, ownership and thread-safety as `auroraiam_signer_rds_token()`; a system
/// clock outside 1970..9999 gives `AURORAIAM_RESULT_INVALID_SIGNING_TIME`.
///
/// # Safety
/// As `auroraiam_signer_rds_token()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_rds_token_now(
    signer: *const auroraiam_signer,
    hostname: *const c_char,
    port: i64,
    username: *const c_char,
    region: *const c_char,
    expires_in: i64,
    token_out: *mut *mut c_char,
) -> auroraiam_result {
    // SAFETY: the caller's contract above; the pointers are read inside the call.
    unsafe {
        sign("auroraiam_signer_rds_token_now", signer, When::Now, token_out, || {
            Ok(TokenRequest::rds(str_arg(hostname, "hostname")?, port, str_arg(username, "username")?)
                .maybe_region(opt_str_arg(region, "region")?)
                .expires_in_secs(expires_in))
        })
    }
}

/// `auroraiam_signer_rds_token()` with each string given as a pointer and a byte length
/// instead of NUL-terminated (for buffers that are not NUL-terminated, and so that a NUL byte
/// inside a value is reported, e.g. as `AURORAIAM_RESULT_INVALID_HOSTNAME`, rather than
/// silently ending the string).
///
/// `hostname` and `username` must not be NULL, even with length 0 (an empty value is
/// `INVALID_HOSTNAME` / `INVALID_USERNAME`). `region` may be NULL to infer it; then
/// `region_len` is ignored (a non-NULL `region` with length 0 is the empty region,
/// `INVALID_REGION`). A length above `PTRDIFF_MAX` gives `AURORAIAM_RESULT_INVALID_LENGTH`.
/// Everything else as `auroraiam_signer_rds_token()`.
///
/// # Safety
/// `signer` is NULL or a live signer; each string pointer is NULL or points to at least its
/// length in readable bytes; `token_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_rds_token_len(
    signer: *const auroraiam_signer,
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
) -> auroraiam_result {
    // SAFETY: the caller's contract above; the pointers are read inside the call.
    unsafe {
        sign("auroraiam_signer_rds_token_len", signer, When::At(signing_time), token_out, || {
            let hostname = bytes_arg(hostname, hostname_len, "hostname")?;
            Ok(TokenRequest::rds(hostname, port, bytes_arg(username, username_len, "username")?)
                .maybe_region(opt_bytes_arg(region, region_len, "region")?)
                .expires_in_secs(expires_in))
        })
    }
}

/// Generates an Aurora DSQL authentication token for `hostname`, signed at `signing_time`:
/// with `admin` true for the `admin` role (`DbConnectAdmin`), false for any other role
/// (`DbConnect`).
///
/// - `hostname`: the cluster endpoint (`<id>.dsql.<region>.on.aws`), NUL-terminated UTF-8.
/// - `region`: the region to sign for, or NULL to infer it from a DSQL endpoint name.
/// - `expires_in`: lifetime in seconds, 1..=`AURORAIAM_MAX_DSQL_EXPIRES_IN` (604800);
///   `AURORAIAM_DEFAULT_EXPIRES_IN` (900) is the usual choice; never clamped.
/// - `signing_time`: Unix seconds (UTC), 0..=253402300799.
///
/// On success stores a new token in `*token_out` (release it with `auroraiam_token_free()`)
/// and returns `AURORAIAM_RESULT_OK`. On failure returns `NULL_ARGUMENT` (`signer`,
/// `hostname` or `token_out` is NULL), `INVALID_UTF8`, `INVALID_HOSTNAME`, `INVALID_REGION`,
/// `REGION_REQUIRED`, `INVALID_EXPIRES_IN` or `INVALID_SIGNING_TIME`, sets the detail message
/// and leaves `*token_out` untouched. Strings are borrowed for the call only.
///
/// Thread-safe: any number of threads may call it at once with the same signer.
///
/// # Safety
/// `signer` is NULL or a live signer; each string is NULL or NUL-terminated; `token_out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_dsql_token(
    signer: *const auroraiam_signer,
    hostname: *const c_char,
    admin: bool,
    region: *const c_char,
    expires_in: i64,
    signing_time: i64,
    token_out: *mut *mut c_char,
) -> auroraiam_result {
    // SAFETY: the caller's contract above; the pointers are read inside the call.
    unsafe {
        sign("auroraiam_signer_dsql_token", signer, When::At(signing_time), token_out, || {
            Ok(TokenRequest::dsql(str_arg(hostname, "hostname")?, admin)
                .maybe_region(opt_str_arg(region, "region")?)
                .expires_in_secs(expires_in))
        })
    }
}

/// `auroraiam_signer_dsql_token()` signed at the current system time (whole seconds).
///
/// Arguments, errors, ownership and thread-safety as `auroraiam_signer_dsql_token()`.
///
/// # Safety
/// As `auroraiam_signer_dsql_token()`.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_dsql_token_now(
    signer: *const auroraiam_signer,
    hostname: *const c_char,
    admin: bool,
    region: *const c_char,
    expires_in: i64,
    token_out: *mut *mut c_char,
) -> auroraiam_result {
    // SAFETY: the caller's contract above; the pointers are read inside the call.
    unsafe {
        sign("auroraiam_signer_dsql_token_now", signer, When::Now, token_out, || {
            Ok(TokenRequest::dsql(str_arg(hostname, "hostname")?, admin)
                .maybe_region(opt_str_arg(region, "region")?)
                .expires_in_secs(expires_in))
        })
    }
}

/// `auroraiam_signer_dsql_token()` with each string given as a pointer and a byte length
/// (see `auroraiam_signer_rds_token_len()` for the rules: `hostname` non-NULL, `region` NULL
/// to infer, lengths up to `PTRDIFF_MAX`).
///
/// # Safety
/// `signer` is NULL or a live signer; each string pointer is NULL or points to at least its
/// length in readable bytes; `token_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_signer_dsql_token_len(
    signer: *const auroraiam_signer,
    hostname: *const c_char,
    hostname_len: usize,
    admin: bool,
    region: *const c_char,
    region_len: usize,
    expires_in: i64,
    signing_time: i64,
    token_out: *mut *mut c_char,
) -> auroraiam_result {
    // SAFETY: the caller's contract above; the pointers are read inside the call.
    unsafe {
        sign("auroraiam_signer_dsql_token_len", signer, When::At(signing_time), token_out, || {
            Ok(TokenRequest::dsql(bytes_arg(hostname, hostname_len, "hostname")?, admin)
                .maybe_region(opt_bytes_arg(region, region_len, "region")?)
                .expires_in_secs(expires_in))
        })
    }
}

/// Wipes a token (overwrites every byte of its buffer with zeros) and frees it. NULL is a no-op.
///
/// Use it for every token from `auroraiam_signer_*_token*()`, never `free()`. A token is a
/// bearer credential until it expires: free it as soon as it has been sent. It is wiped whole
/// even if the caller wrote into it. Thread-safe (for distinct tokens).
///
/// # Safety
/// `token` is NULL or a token from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_token_free(token: *mut c_char) {
    // SAFETY: the caller's contract above.
    infallible((), || unsafe { token_free(token) })
}
