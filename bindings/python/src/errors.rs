//! Core errors become the pure-Python exceptions of `auroraiam._errors`.
//!
//! The class follows from the code alone (`is_credentials_error()`, `is_verification_failure()`),
//! so codes the core adds later map without a change here; `.code` is always the core's code name.

use auroraiam::{Error, ErrorCode};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

const ERRORS_MODULE: &str = "auroraiam._errors";

static INVALID_PARAMETER_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CREDENTIALS_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TOKEN_VERIFICATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The Python exception for a core error: `CredentialsError` for credential codes,
/// `TokenVerificationError` for verification failures (`is_verification_failure()`),
/// `InvalidParameterError` (also a `ValueError`) for everything else.
pub(crate) fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    let class = if error.code().is_credentials_error() {
        CREDENTIALS_ERROR.import(py, ERRORS_MODULE, "CredentialsError")
    } else if error.code().is_verification_failure() {
        TOKEN_VERIFICATION_ERROR.import(py, ERRORS_MODULE, "TokenVerificationError")
    } else {
        INVALID_PARAMETER_ERROR.import(py, ERRORS_MODULE, "InvalidParameterError")
    };
    match class.and_then(|class| class.call1((error.message(), error.code().name()))) {
        Ok(instance) => PyErr::from_value(instance),
        Err(import_failed) => import_failed,
    }
}

/// `Result<T, auroraiam::Error>` → `PyResult<T>`.
pub(crate) trait IntoPyResult<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    #[inline]
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, &e))
    }
}

/// `TypeError: <field> must be <expected>, not <type>`.
pub(crate) fn wrong_type(value: &Bound<'_, PyAny>, field: &str, expected: &str) -> PyErr {
    let got = value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string());
    PyTypeError::new_err(format!("{field} must be {expected}, not {got}"))
}

/// Test hook: every core code with its number and exception, so tests can check that each one
/// is mapped (`auroraiam._auroraiam._error_codes()`).
#[pyfunction]
pub(crate) fn _error_codes(py: Python<'_>) -> PyResult<Vec<(&'static str, u32, Py<PyAny>)>> {
    ErrorCode::ALL
        .iter()
        .map(|code| {
            let error = to_py_err(py, &Error::new(*code, code.description()));
            Ok((code.name(), code.number(), error.into_value(py).into_any()))
        })
        .collect()
}
