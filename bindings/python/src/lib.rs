//! `auroraiam._auroraiam`: the native half of the `auroraiam` Python package.
//!
//! Converts Python arguments to core types and core errors to Python exceptions; every rule
//! (validation, encoding, region inference, time range, credential lookup) is the core's.
//!
//! The GIL stays held while signing: a token costs about a microsecond, less than releasing and
//! re-acquiring the GIL, which under contention can wait a whole switch interval (5 ms). Blocking
//! work (credential fetches, when they arrive) is where the GIL will be released.

mod args;
mod credentials;
mod errors;
mod request;

use auroraiam::{SigningTime, TokenKind, DEFAULT_EXPIRES_IN};
use pyo3::prelude::*;

use crate::args::{flag, instant, int, optional_int, optional_text, text};
use crate::credentials::{signer_for, PyCredentials};
use crate::errors::IntoPyResult;
use crate::request::{request_for, RequestArgs};

/// Signing time: the given instant, or now.
fn signing_time(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<SigningTime> {
    match value {
        Some(v) if !v.is_none() => instant(v, "signing_time"),
        _ => SigningTime::now().or_raise(py),
    }
}

/// An RDS / Aurora IAM authentication token: the password for `username` at `hostname:port`.
///
/// `region=None` infers the region from the hostname. `credentials=None` reads
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`. `expires_in` is
/// 1..900 seconds; `signing_time` (default now) is an aware datetime or Unix seconds.
#[pyfunction]
#[pyo3(
    signature = (hostname, port, username, region=None, *, credentials=None, expires_in=None, signing_time=None),
    text_signature = "(hostname, port, username, region=None, *, credentials=None, expires_in=900, signing_time=None)"
)]
#[allow(clippy::too_many_arguments)]
fn generate_auth_token(
    py: Python<'_>,
    hostname: &Bound<'_, PyAny>,
    port: &Bound<'_, PyAny>,
    username: &Bound<'_, PyAny>,
    region: Option<&Bound<'_, PyAny>>,
    credentials: Option<&Bound<'_, PyAny>>,
    expires_in: Option<&Bound<'_, PyAny>>,
    signing_time: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    rds_token(py, ("hostname", "port", "username", "region"), hostname, port, username, region, credentials,
              expires_in, signing_time)
}

/// Drop-in for `boto3.client("rds").generate_db_auth_token` (same argument names, 900 s
/// lifetime). `Region=None` infers the region from the hostname instead of taking the client's.
#[pyfunction]
#[pyo3(
    signature = (DBHostname, Port, DBUsername, Region=None, *, credentials=None, signing_time=None),
    text_signature = "(DBHostname, Port, DBUsername, Region=None, *, credentials=None, signing_time=None)"
)]
#[allow(non_snake_case)]
fn generate_db_auth_token(
    py: Python<'_>,
    DBHostname: &Bound<'_, PyAny>,
    Port: &Bound<'_, PyAny>,
    DBUsername: &Bound<'_, PyAny>,
    Region: Option<&Bound<'_, PyAny>>,
    credentials: Option<&Bound<'_, PyAny>>,
    signing_time: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    rds_token(py, ("DBHostname", "Port", "DBUsername", "Region"), DBHostname, Port, DBUsername, Region,
              credentials, None, signing_time)
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn rds_token(
    py: Python<'_>,
    names: (&str, &str, &str, &str),
    hostname: &Bound<'_, PyAny>,
    port: &Bound<'_, PyAny>,
    username: &Bound<'_, PyAny>,
    region: Option<&Bound<'_, PyAny>>,
    credentials: Option<&Bound<'_, PyAny>>,
    expires_in: Option<&Bound<'_, PyAny>>,
    signing_time_arg: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let hostname = text(hostname, names.0)?;
    let port = int(port, names.1)?;
    let username = text(username, names.2)?;
    let region = optional_text(region, names.3)?;
    let expires_in = optional_int(expires_in, "expires_in", i64::from(DEFAULT_EXPIRES_IN))?;
    let at = signing_time(py, signing_time_arg)?;
    let args = RequestArgs {
        kind: TokenKind::Rds,
        hostname: &hostname,
        port: port.value,
        username: &username,
        region: region.as_deref(),
        expires_in: expires_in.value,
    };
    let request = request_for(&args).map_err(|e| expires_in.fix(port.fix(e))).or_raise(py)?;
    let signer = signer_for(py, credentials)?;
    Ok(signer.sign(&request.as_request(), at).or_raise(py)?.into_string())
}

/// An Aurora DSQL authentication token for `hostname` (`admin=True`: the `admin` role).
///
/// `region=None` infers the region from the hostname. `expires_in` is 1..604800 seconds; the
/// other arguments are as for `generate_auth_token`.
#[pyfunction]
#[pyo3(
    signature = (hostname, region=None, *, admin=None, credentials=None, expires_in=None, signing_time=None),
    text_signature = "(hostname, region=None, *, admin=False, credentials=None, expires_in=900, signing_time=None)"
)]
fn generate_dsql_token(
    py: Python<'_>,
    hostname: &Bound<'_, PyAny>,
    region: Option<&Bound<'_, PyAny>>,
    admin: Option<&Bound<'_, PyAny>>,
    credentials: Option<&Bound<'_, PyAny>>,
    expires_in: Option<&Bound<'_, PyAny>>,
    signing_time: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let hostname = text(hostname, "hostname")?;
    let region = optional_text(region, "region")?;
    let admin = flag(admin, "admin")?;
    let expires_in = optional_int(expires_in, "expires_in", i64::from(DEFAULT_EXPIRES_IN))?;
    let at = self::signing_time(py, signing_time)?;
    let args = RequestArgs {
        kind: if admin { TokenKind::DsqlAdmin } else { TokenKind::Dsql },
        hostname: &hostname,
        port: 0,
        username: "",
        region: region.as_deref(),
        expires_in: expires_in.value,
    };
    let request = request_for(&args).map_err(|e| expires_in.fix(e)).or_raise(py)?;
    let signer = signer_for(py, credentials)?;
    Ok(signer.sign(&request.as_request(), at).or_raise(py)?.into_string())
}

#[pymodule]
fn _auroraiam(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyCredentials>()?;
    m.add_function(wrap_pyfunction!(generate_auth_token, m)?)?;
    m.add_function(wrap_pyfunction!(generate_dsql_token, m)?)?;
    m.add_function(wrap_pyfunction!(generate_db_auth_token, m)?)?;
    m.add_function(wrap_pyfunction!(errors::_error_codes, m)?)?;
    Ok(())
}
