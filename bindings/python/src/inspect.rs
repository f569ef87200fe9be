//! Token inspection: `parse_token`, `diagnose_token`, `verify_token`, `redact_token`.
//!
//! The core parses, diagnoses, verifies and redacts; this module converts the arguments and
//! wraps the results (`TokenInfo`, `Diagnostic`). Inspection is not a hot path, so these are
//! ordinary pyo3 functions, all with the GIL held (a verification is a few microseconds).

use auroraiam::{
    diagnose, parse_token as core_parse, redact_token as core_redact, validate_port, verify_token as core_verify,
    validate_max_clock_skew, DiagnoseOptions, Error, ErrorCode, ParsedToken, SigningTime, TokenKind, VerifyOptions, Zeroizing,
    DEFAULT_MAX_CLOCK_SKEW_SECS, DEFAULT_POOLER_LENGTH_LIMIT,
};
use pyo3::exceptions::{PyKeyError, PyOverflowError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString, PyTuple};

use crate::args::{instant, int, optional_text, text, to_datetime};
use crate::errors::{to_py_err, wrong_type, IntoPyResult};

/// The fields of a token, read back by `parse_token` or `verify_token`. Immutable; `repr()`
/// shows no signature and no session token.
#[pyclass(frozen, module = "auroraiam", name = "TokenInfo")]
pub(crate) struct TokenInfo {
    parsed: ParsedToken,
}

#[pymethods]
impl TokenInfo {
    /// `'rds'`, `'dsql'` or `'dsql-admin'`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.parsed.kind().name()
    }

    /// The host as written in the token.
    #[getter]
    fn hostname(&self) -> &str {
        self.parsed.hostname()
    }

    /// The port (RDS tokens always have one), else `None`.
    #[getter]
    fn port(&self) -> Option<u16> {
        self.parsed.port()
    }

    /// The database user, decoded (RDS), else `None`.
    #[getter]
    fn username(&self) -> Option<&str> {
        self.parsed.username()
    }

    /// The region of the credential scope.
    #[getter]
    fn region(&self) -> &str {
        self.parsed.region()
    }

    /// The service of the credential scope (`'rds-db'` or `'dsql'`).
    #[getter]
    fn service(&self) -> &str {
        self.parsed.service()
    }

    /// The access key id that signed the token.
    #[getter]
    fn access_key_id(&self) -> &str {
        self.parsed.access_key_id()
    }

    /// When the token was signed (`X-Amz-Date`), an aware UTC datetime.
    #[getter]
    fn signing_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_datetime(py, self.parsed.signing_time())
    }

    /// The lifetime the token was signed with (`X-Amz-Expires`), in seconds.
    #[getter]
    fn expires_in(&self) -> u32 {
        self.parsed.expires_in()
    }

    /// `signing_time + expires_in`, an aware UTC datetime (`OverflowError` past year 9999,
    /// which a token signed in its last week can reach).
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match SigningTime::from_unix_seconds(self.parsed.expires_at_unix()) {
            Ok(at) => to_datetime(py, at),
            Err(_) => Err(PyOverflowError::new_err(format!(
                "expires_at is {} Unix seconds, after 9999-12-31T23:59:59Z: beyond datetime's range",
                self.parsed.expires_at_unix()
            ))),
        }
    }

    /// True when the token carries a session token (temporary credentials).
    #[getter]
    fn has_session_token(&self) -> bool {
        self.parsed.has_session_token()
    }

    /// Length of the token in bytes.
    #[getter]
    fn length(&self) -> usize {
        self.parsed.length()
    }

    /// Seconds of life left at `now` (default: the current time; an aware datetime or Unix
    /// seconds, floored to whole seconds); negative once expired.
    #[pyo3(signature = (now=None))]
    fn remaining(&self, py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<f64> {
        Ok(self.parsed.remaining_secs(now_or_clock(py, now)?) as f64)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = &self.parsed;
        let quote = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        let port = p.port().map_or("None".to_string(), |x| x.to_string());
        let username = match p.username() {
            Some(u) => quote(u)?,
            None => "None".to_string(),
        };
        Ok(format!(
            "auroraiam.TokenInfo(kind={}, hostname={}, port={port}, username={username}, region={}, \
             service={}, access_key_id={}, signing_time='{}', expires_in={}, has_session_token={}, length={})",
            quote(p.kind().name())?,
            quote(p.hostname())?,
            quote(p.region())?,
            quote(p.service())?,
            quote(p.access_key_id())?,
            p.signing_time(),
            p.expires_in(),
            if p.has_session_token() { "True" } else { "False" },
            p.length(),
        ))
    }
}

/// One finding of `diagnose_token`: `code` (e.g. `'EXPIRED'`), `severity` (`'error'`: the
/// server will reject the token; `'warning'`: it may cause trouble) and a `message` with the
/// values involved. Compares by value and unpacks like a tuple: `code, severity, message = d`.
#[pyclass(frozen, eq, hash, module = "auroraiam", name = "Diagnostic")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyDiagnostic {
    code: &'static str,
    severity: &'static str,
    message: String,
}

#[pymethods]
impl PyDiagnostic {
    /// Stable upper-case name of the finding (`EXPIRED`, `HOST_MISMATCH`, …).
    #[getter]
    fn code(&self) -> &'static str {
        self.code
    }

    /// `'error'` or `'warning'`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.severity
    }

    /// What was found, with the values involved (never a secret).
    #[getter]
    fn message(&self) -> &str {
        &self.message
    }

    #[classattr]
    fn __match_args__() -> (&'static str, &'static str, &'static str) {
        ("code", "severity", "message")
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyTuple::new(py, [self.code, self.severity, self.message.as_str()])?.try_iter().map(Bound::into_any)
    }

    fn __len__(&self) -> usize {
        3
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "auroraiam.Diagnostic(code='{}', severity='{}', message={})",
            self.code,
            self.severity,
            PyString::new(py, &self.message).repr()?
        ))
    }
}

/// `now=None` is the current time; otherwise an aware datetime or Unix seconds
/// (`INVALID_SIGNING_TIME` naming `now` when out of range).
fn now_or_clock(py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<SigningTime> {
    match now {
        Some(v) if !v.is_none() => instant(v, "now"),
        _ => SigningTime::now().or_raise(py),
    }
}

/// The token text. A lone surrogate is `INVALID_UTF8`; everything else about the text is the
/// core's to judge (`TOKEN_MALFORMED`).
fn token_text<'a>(token: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    text(token, "token")
}

/// A non-negative whole number of seconds or bytes that must fit `T` (`INVALID_ARGUMENT`).
fn bounded<T: TryFrom<i64> + std::fmt::Display>(
    value: Option<&Bound<'_, PyAny>>,
    field: &str,
    default: T,
    max: T,
) -> PyResult<T> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(default);
    };
    let number = int(value, field)?;
    match T::try_from(number.value) {
        Ok(v) if number.value >= 0 => Ok(v),
        _ => {
            let shown = crate::args::shown_int(value)?;
            Err(to_py_err(
                value.py(),
                &Error::new(ErrorCode::InvalidArgument, format!("{field} must be between 0 and {max}, not {shown}")),
            ))
        }
    }
}

/// `max_clock_skew` of `verify_token`: the core's rule (0..=3600 s, `INVALID_ARGUMENT`).
fn verify_skew(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<u32> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(DEFAULT_MAX_CLOCK_SKEW_SECS);
    };
    let number = int(value, "max_clock_skew")?;
    validate_max_clock_skew(i128::from(number.value), "max_clock_skew").map_err(|e| number.fix(e)).or_raise(py)
}

/// `expect_port`: the core's port rule (1..=65535, `INVALID_PORT`).
fn expected_port(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<u16>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let port = int(value, "expect_port")?;
    let checked = validate_port(port.value).map_err(|e| {
        let e = port.fix(e);
        Error::new(e.code(), e.message().replacen("port", "expect_port", 1))
    });
    checked.map(Some).or_raise(py)
}

/// `expect_kind`: a kind name (`'rds'`, `'dsql'`, `'dsql-admin'`).
fn expected_kind(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<TokenKind>> {
    let Some(name) = optional_text(value, "expect_kind")? else {
        return Ok(None);
    };
    match TokenKind::from_name(name) {
        Some(kind) => Ok(Some(kind)),
        None => {
            let shown: String = name.chars().take(40).collect();
            Err(to_py_err(
                py,
                &Error::new(
                    ErrorCode::InvalidArgument,
                    format!("expect_kind must be 'rds', 'dsql' or 'dsql-admin', not {shown:?}"),
                ),
            ))
        }
    }
}

/// `parse_token(token)`: the fields of a token, checked for shape but not for its signature.
#[pyfunction]
pub(crate) fn parse_token(py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<TokenInfo> {
    let parsed = core_parse(token_text(token)?).or_raise(py)?;
    Ok(TokenInfo { parsed })
}

/// `diagnose_token(token, *, ...)`: every reason the server would reject the token (severity
/// `'error'`) or that is likely to cause trouble (`'warning'`), errors first.
#[pyfunction]
#[pyo3(signature = (
    token, *, expect_hostname=None, expect_port=None, expect_username=None, now=None,
    max_clock_skew=None, pooler_length_limit=None
), text_signature = "(token, *, expect_hostname=None, expect_port=None, expect_username=None, now=None, \
    max_clock_skew=300, pooler_length_limit=1024)")]
#[allow(clippy::too_many_arguments)]
pub(crate) fn diagnose_token(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    expect_hostname: Option<&Bound<'_, PyAny>>,
    expect_port: Option<&Bound<'_, PyAny>>,
    expect_username: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    max_clock_skew: Option<&Bound<'_, PyAny>>,
    pooler_length_limit: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<PyDiagnostic>> {
    let token = token_text(token)?;
    let mut options = DiagnoseOptions::at(now_or_clock(py, now)?);
    options.expect_hostname = optional_text(expect_hostname, "expect_hostname")?;
    options.expect_port = expected_port(py, expect_port)?;
    options.expect_username = optional_text(expect_username, "expect_username")?;
    options.max_clock_skew_secs = bounded(max_clock_skew, "max_clock_skew", DEFAULT_MAX_CLOCK_SKEW_SECS, u32::MAX)?;
    options.pooler_length_limit =
        bounded(pooler_length_limit, "pooler_length_limit", DEFAULT_POOLER_LENGTH_LIMIT, usize::MAX)?;
    let parsed = core_parse(token).or_raise(py)?;
    Ok(diagnose(&parsed, &options)
        .into_iter()
        .map(|d| PyDiagnostic { code: d.code.name(), severity: d.severity.name(), message: d.message })
        .collect())
}

/// Where `verify_token` looks secrets up.
enum Secrets<'a, 'py> {
    Dict(&'a Bound<'py, PyDict>),
    Function(&'a Bound<'py, PyAny>),
    Mapping(&'a Bound<'py, PyMapping>),
}

impl<'a, 'py> Secrets<'a, 'py> {
    fn of(value: &'a Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(dict) = value.cast::<PyDict>() {
            Ok(Secrets::Dict(dict))
        } else if value.is_callable() {
            Ok(Secrets::Function(value))
        } else if let Ok(mapping) = value.cast::<PyMapping>() {
            Ok(Secrets::Mapping(mapping))
        } else {
            Err(wrong_type(value, "secrets", "a mapping of access key id to secret access key, or a callable"))
        }
    }

    /// The secret for `access_key_id`, `None` when unknown (missing key or `None`).
    fn lookup(&self, access_key_id: &str) -> PyResult<Option<Zeroizing<String>>> {
        let value = match self {
            Secrets::Dict(dict) => dict.get_item(access_key_id)?,
            Secrets::Function(function) => Some(function.call1((access_key_id,))?),
            Secrets::Mapping(mapping) => match mapping.get_item(access_key_id) {
                Ok(v) => Some(v),
                Err(e) if e.is_instance_of::<PyKeyError>(mapping.py()) => None,
                Err(e) => return Err(e),
            },
        };
        match value {
            Some(v) if !v.is_none() => {
                if !v.is_instance_of::<PyString>() {
                    return Err(wrong_type(&v, "the secret returned by secrets", "str or None"));
                }
                Ok(Some(Zeroizing::new(text(&v, "secret")?.to_string())))
            }
            _ => Ok(None),
        }
    }
}

/// `verify_token(token, secrets, *, ...)`: checks the signature with the secret `secrets` gives
/// for the token's access key id, then the lifetime and what it was made for.
#[pyfunction]
#[pyo3(signature = (
    token, secrets, *, now=None, max_clock_skew=None, expect_kind=None, expect_hostname=None,
    expect_port=None, expect_username=None, expect_region=None
), text_signature = "(token, secrets, *, now=None, max_clock_skew=300, expect_kind=None, expect_hostname=None, \
    expect_port=None, expect_username=None, expect_region=None)")]
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_token(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    secrets: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    max_clock_skew: Option<&Bound<'_, PyAny>>,
    expect_kind: Option<&Bound<'_, PyAny>>,
    expect_hostname: Option<&Bound<'_, PyAny>>,
    expect_port: Option<&Bound<'_, PyAny>>,
    expect_username: Option<&Bound<'_, PyAny>>,
    expect_region: Option<&Bound<'_, PyAny>>,
) -> PyResult<TokenInfo> {
    let token = token_text(token)?;
    let secrets = Secrets::of(secrets)?;
    let mut options = VerifyOptions::at(now_or_clock(py, now)?);
    options.max_clock_skew_secs = verify_skew(py, max_clock_skew)?;
    if let Some(kind) = expected_kind(py, expect_kind)? {
        options.expect_kind = Some(kind);
    }
    options.expect_hostname = optional_text(expect_hostname, "expect_hostname")?;
    options.expect_port = expected_port(py, expect_port)?;
    options.expect_username = optional_text(expect_username, "expect_username")?;
    options.expect_region = optional_text(expect_region, "expect_region")?;
    // An exception from `secrets` wins over the core's verdict (which saw "no secret").
    let mut raised: Option<PyErr> = None;
    let verdict = core_verify(
        token,
        |access_key_id| match secrets.lookup(access_key_id) {
            Ok(secret) => secret,
            Err(e) => {
                raised = Some(e);
                None
            }
        },
        &options,
    );
    if let Some(e) = raised {
        return Err(e);
    }
    Ok(TokenInfo { parsed: verdict.or_raise(py)? })
}

/// `redact_token(token)`: the token with its signature and session token masked, for logs.
/// Never fails for a `str` (text that is not a token is masked whole).
#[pyfunction]
pub(crate) fn redact_token(token: &Bound<'_, PyAny>) -> PyResult<String> {
    let Ok(string) = token.cast::<PyString>() else {
        return Err(wrong_type(token, "token", "str"));
    };
    match text(token, "token") {
        Ok(t) => Ok(core_redact(t)),
        // A lone surrogate: redact the text with it replaced (U+FFFD) rather than fail.
        Err(_) => Ok(core_redact(&string.to_string_lossy())),
    }
}
