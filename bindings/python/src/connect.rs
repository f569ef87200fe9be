//! The core's connection rules (`auroraiam::SigningTarget`, `pg_sslmode`, `LoginFailure`,
//! `retry_auth_failure`) for the pure-Python driver integrations (`auroraiam._integration`).
//! Conversion only.

use auroraiam::{pg_sslmode, retry_auth_failure, LoginFailure, SigningTarget, TokenKind};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::IntoPyResult;

/// `_connect_target(dsql, host, port, user, region)` → `(kind, hostname, port, region)`:
/// the checked endpoint a connection signs for (`kind` is "rds", "dsql" or "dsql-admin"; `port`
/// is `None` for DSQL). Raises `InvalidParameterError` naming what is missing or wrong.
#[pyfunction]
#[pyo3(signature = (dsql, host, port, user, region))]
pub(crate) fn _connect_target(
    py: Python<'_>,
    dsql: bool,
    host: Option<&str>,
    port: Option<i64>,
    user: Option<&str>,
    region: Option<&str>,
) -> PyResult<(&'static str, String, Option<u16>, String)> {
    let target = if dsql {
        SigningTarget::dsql(host, user, region)
    } else {
        SigningTarget::rds(host, port, user, region)
    }
    .or_raise(py)?;
    let kind: TokenKind = target.kind();
    Ok((kind.name(), target.hostname().to_string(), target.port(), target.region().to_string()))
}

/// `_pg_sslmode(mode)`: the sslmode to use (`None` → "verify-full"); refuses modes without TLS.
#[pyfunction]
#[pyo3(signature = (mode))]
pub(crate) fn _pg_sslmode(py: Python<'_>, mode: Option<&str>) -> PyResult<&'static str> {
    pg_sslmode(mode).or_raise(py)
}

/// `_retry_auth_failure(failed_attempts)`: whether a login refused for authentication after
/// that many attempts gets another one with a forced-fresh token.
#[pyfunction]
pub(crate) fn _retry_auth_failure(failed_attempts: u32) -> bool {
    retry_auth_failure(failed_attempts)
}

/// `_is_auth_failure(sqlstate, errno, message)`: whether a driver error carrying any of these is
/// the server refusing the login's credentials (the core's `LoginFailure`). A value of another
/// type (a SQLSTATE that is not a `str`, an errno that is not an `int` in range) counts as absent.
#[pyfunction]
#[pyo3(signature = (sqlstate=None, errno=None, message=None))]
pub(crate) fn _is_auth_failure(
    sqlstate: Option<&Bound<'_, PyAny>>,
    errno: Option<&Bound<'_, PyAny>>,
    message: Option<&Bound<'_, PyAny>>,
) -> bool {
    let text = |v: Option<&Bound<'_, PyAny>>| v.and_then(|v| v.cast::<PyString>().ok().map(|s| s.to_string()));
    let sqlstate = text(sqlstate);
    let errno = errno.and_then(|e| e.extract::<i64>().ok());
    LoginFailure::Postgres(sqlstate.as_deref()).is_auth_failure()
        || LoginFailure::Mysql(errno).is_auth_failure()
        || text(message).is_some_and(|m| LoginFailure::Message(&m).is_auth_failure())
}
