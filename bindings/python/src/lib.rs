//! `auroraiam._auroraiam`: the native half of the `auroraiam` Python package.
//!
//! Converts Python arguments to core types and core errors to Python exceptions; every rule
//! (validation, encoding, region inference, time range, credential lookup) is the core's.
//!
//! The three token functions are registered as `METH_FASTCALL` builtins (`fastcall.rs`) and
//! borrow UTF-8 from `str` arguments (`args::text`): both are stable-ABI calls from 3.10 that
//! every CPython >= 3.9 has, which pyo3 does not use on a cp39-abi3 build. The rest is
//! ordinary pyo3.
//!
//! The GIL stays held while signing: a token costs about a microsecond, less than releasing and
//! re-acquiring the GIL, which under contention can wait a whole switch interval (5 ms). Blocking
//! work, fetching credentials from the default chain or a `Signer`'s source, runs with the GIL
//! released (`default_chain.rs`, `signer.rs`).

mod args;
mod bench;
mod connect;
mod credentials;
mod default_chain;
mod errors;
mod fastcall;
mod inspect;
mod memo;
mod policy;
mod request;
mod signer;
mod token_str;

use std::ffi::CStr;

use auroraiam::{SigningTime, TokenKind, DEFAULT_EXPIRES_IN};
use pyo3::exceptions::PySystemError;
use pyo3::ffi;
use pyo3::prelude::*;

use crate::args::{flag, instant, int, optional_int, optional_text, text};
use crate::credentials::{signer_for, PyCredentials};
use crate::errors::IntoPyResult;
use crate::fastcall::Signature;
use crate::request::{request_for, RequestArgs};

/// Signing time: the given instant, or now.
fn signing_time(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<SigningTime> {
    match value {
        Some(v) if !v.is_none() => instant(v, "signing_time"),
        _ => SigningTime::now().or_raise(py),
    }
}

static AUTH_TOKEN: Signature = Signature::new(
    "generate_auth_token",
    &["hostname", "port", "username", "region", "credentials", "expires_in", "signing_time"],
    4,
    3,
);

/// `generate_auth_token(hostname, port, username, region=None, *, credentials=None,
/// expires_in=900, signing_time=None)`: an RDS / Aurora IAM authentication token.
unsafe extern "C" fn generate_auth_token(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython as METH_FASTCALL | METH_KEYWORDS.
    unsafe {
        fastcall::call::<7>(&AUTH_TOKEN, args, nargs, kwnames, |py, [host, port, user, region, creds, expires, at]| {
            rds_token(py, &AUTH_TOKEN, [host, port, user, region], creds, expires, at)
        })
    }
}

const AUTH_TOKEN_DOC: &CStr = c"generate_auth_token(hostname, port, username, region=None, *, credentials=None, expires_in=900, signing_time=None)
--

An RDS / Aurora IAM authentication token: the password for `username` at `hostname:port`.

region=None infers the region from the hostname. credentials=None uses the AWS SDKs' default
credential chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN first, then
profiles, SSO, web identity, ECS/EKS, IMDSv2; the environment only in a slim build). expires_in is 1..900 seconds; signing_time (default
now) is an aware datetime or Unix seconds.";

static DB_AUTH_TOKEN: Signature = Signature::new(
    "generate_db_auth_token",
    &["DBHostname", "Port", "DBUsername", "Region", "credentials", "signing_time"],
    4,
    3,
);

/// `generate_db_auth_token(DBHostname, Port, DBUsername, Region=None, *, credentials=None,
/// signing_time=None)`: drop-in for `boto3.client("rds").generate_db_auth_token`.
unsafe extern "C" fn generate_db_auth_token(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython as METH_FASTCALL | METH_KEYWORDS.
    unsafe {
        fastcall::call::<6>(&DB_AUTH_TOKEN, args, nargs, kwnames, |py, [host, port, user, region, creds, at]| {
            rds_token(py, &DB_AUTH_TOKEN, [host, port, user, region], creds, None, at)
        })
    }
}

const DB_AUTH_TOKEN_DOC: &CStr = c"generate_db_auth_token(DBHostname, Port, DBUsername, Region=None, *, credentials=None, signing_time=None)
--

Drop-in for boto3.client(\"rds\").generate_db_auth_token (same argument names, 900 s lifetime).
Region=None infers the region from the hostname instead of taking the client's.";

/// A required argument (present once `Signature::bind` succeeded).
fn required<'a, 'py>(slot: &'a Option<Borrowed<'_, 'py, PyAny>>, name: &str) -> PyResult<&'a Bound<'py, PyAny>> {
    slot.as_deref().ok_or_else(|| PySystemError::new_err(format!("argument {name} was not bound")))
}

#[inline(always)]
fn rds_token<'py>(
    py: Python<'py>,
    signature: &Signature,
    [hostname, port, username, region]: [Option<Borrowed<'_, '_, PyAny>>; 4],
    credentials: Option<Borrowed<'_, '_, PyAny>>,
    expires_in: Option<Borrowed<'_, '_, PyAny>>,
    signing_time_arg: Option<Borrowed<'_, '_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let names = signature.params;
    let hostname = text(required(&hostname, names[0])?, names[0])?;
    let port = int(required(&port, names[1])?, names[1])?;
    let username = text(required(&username, names[2])?, names[2])?;
    let region = optional_text(region.as_deref(), names[3])?;
    let expires_in = optional_int(expires_in.as_deref(), "expires_in", i64::from(DEFAULT_EXPIRES_IN))?;
    let at = signing_time(py, signing_time_arg.as_deref())?;
    let args = RequestArgs {
        kind: TokenKind::Rds,
        hostname,
        port: port.value,
        username,
        region,
        expires_in: expires_in.value,
    };
    let request = request_for(&args).map_err(|e| expires_in.fix(port.fix(e))).or_raise(py)?;
    let signer = signer_for(py, credentials.as_deref())?;
    token_str::sign_str(py, &signer, &request.as_request(), at).map(Bound::into_any)
}

static DSQL_TOKEN: Signature = Signature::new(
    "generate_dsql_token",
    &["hostname", "region", "admin", "credentials", "expires_in", "signing_time"],
    2,
    1,
);

/// `generate_dsql_token(hostname, region=None, *, admin=False, credentials=None,
/// expires_in=900, signing_time=None)`: an Aurora DSQL authentication token.
unsafe extern "C" fn generate_dsql_token(
    _module: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: called by CPython as METH_FASTCALL | METH_KEYWORDS.
    unsafe {
        fastcall::call::<6>(&DSQL_TOKEN, args, nargs, kwnames, |py, [host, region, admin, creds, expires, at]| {
            dsql_token(py, host, region, admin, creds, expires, at)
        })
    }
}

const DSQL_TOKEN_DOC: &CStr = c"generate_dsql_token(hostname, region=None, *, admin=False, credentials=None, expires_in=900, signing_time=None)
--

An Aurora DSQL authentication token for hostname (admin=True: the admin role).

region=None infers the region from the hostname. expires_in is 1..604800 seconds; the other
arguments are as for generate_auth_token.";

fn dsql_token<'py>(
    py: Python<'py>,
    hostname: Option<Borrowed<'_, '_, PyAny>>,
    region: Option<Borrowed<'_, '_, PyAny>>,
    admin: Option<Borrowed<'_, '_, PyAny>>,
    credentials: Option<Borrowed<'_, '_, PyAny>>,
    expires_in: Option<Borrowed<'_, '_, PyAny>>,
    signing_time: Option<Borrowed<'_, '_, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let hostname = text(required(&hostname, "hostname")?, "hostname")?;
    let region = optional_text(region.as_deref(), "region")?;
    let admin = flag(admin.as_deref().filter(|a| !a.is_none()), "admin")?;
    let expires_in = optional_int(expires_in.as_deref(), "expires_in", i64::from(DEFAULT_EXPIRES_IN))?;
    let at = self::signing_time(py, signing_time.as_deref())?;
    let args = RequestArgs {
        kind: if admin { TokenKind::DsqlAdmin } else { TokenKind::Dsql },
        hostname,
        port: 0,
        username: "",
        region,
        expires_in: expires_in.value,
    };
    let request = request_for(&args).map_err(|e| expires_in.fix(e)).or_raise(py)?;
    let signer = signer_for(py, credentials.as_deref())?;
    token_str::sign_str(py, &signer, &request.as_request(), at).map(Bound::into_any)
}

#[pymodule]
fn _auroraiam(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyCredentials>()?;
    fastcall::add(m, c"generate_auth_token", generate_auth_token, AUTH_TOKEN_DOC)?;
    fastcall::add(m, c"generate_dsql_token", generate_dsql_token, DSQL_TOKEN_DOC)?;
    fastcall::add(m, c"generate_db_auth_token", generate_db_auth_token, DB_AUTH_TOKEN_DOC)?;
    m.add_function(wrap_pyfunction!(errors::_error_codes, m)?)?;
    m.add_class::<inspect::TokenInfo>()?;
    m.add_class::<inspect::PyDiagnostic>()?;
    m.add_function(wrap_pyfunction!(inspect::parse_token, m)?)?;
    m.add_function(wrap_pyfunction!(inspect::diagnose_token, m)?)?;
    m.add_function(wrap_pyfunction!(inspect::verify_token, m)?)?;
    m.add_function(wrap_pyfunction!(inspect::redact_token, m)?)?;
    m.add_class::<signer::PySigner>()?;
    m.add_function(wrap_pyfunction!(connect::_connect_target, m)?)?;
    m.add_function(wrap_pyfunction!(connect::_pg_sslmode, m)?)?;
    m.add_function(wrap_pyfunction!(connect::_retry_auth_failure, m)?)?;
    m.add_function(wrap_pyfunction!(connect::_is_auth_failure, m)?)?;
    m.add_function(wrap_pyfunction!(default_chain::_reset_default_chain, m)?)?;
    m.add_function(wrap_pyfunction!(default_chain::_has_default_chain, m)?)?;
    policy::add(m)?;
    m.add_function(wrap_pyfunction!(bench::_core_sign_loop, m)?)?;
    m.add_function(wrap_pyfunction!(token_str::_token_str_in_place, m)?)?;
    token_str::check_in_place(m.py());
    Ok(())
}
