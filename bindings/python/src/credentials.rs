//! `auroraiam.Credentials` and the conversion of every accepted `credentials=` form into a
//! [`Signer`] (which validates the credentials and caches derived signing keys).

use std::sync::Arc;
use std::time::SystemTime;

use auroraiam::{credentials_from_parts, Credentials, Error, ErrorCode, Signer, SigningTime};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyMapping, PyString, PyType};

use crate::args::{instant, optional_text, text, to_datetime};
use crate::default_chain::default_signer;
use crate::errors::{to_py_err, wrong_type, IntoPyResult};
use crate::memo::LAST_SIGNER;

/// AWS credentials for signing: an access key id, a secret access key and, for temporary
/// credentials, a session token and an expiry. `repr()` shows only the access key id.
///
/// Validated on construction; reusing one object across calls also reuses its derived
/// signing keys, which makes each token cheaper.
#[pyclass(frozen, module = "auroraiam", name = "Credentials")]
pub(crate) struct PyCredentials {
    signer: Arc<Signer>,
}

#[pymethods]
impl PyCredentials {
    #[new]
    #[pyo3(signature = (access_key_id, secret_access_key, session_token=None, expiry=None))]
    fn new(
        py: Python<'_>,
        access_key_id: &Bound<'_, PyAny>,
        secret_access_key: &Bound<'_, PyAny>,
        session_token: Option<&Bound<'_, PyAny>>,
        expiry: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let access_key_id = text(access_key_id, "access_key_id")?;
        let secret_access_key = text(secret_access_key, "secret_access_key")?;
        let session_token = optional_text(session_token, "session_token")?;
        let expiry = match expiry {
            Some(e) if !e.is_none() => Some(instant(e, "expiry")?.to_system_time()),
            _ => None,
        };
        let credentials =
            credentials_from_parts(access_key_id, secret_access_key, session_token, expiry).or_raise(py)?;
        Ok(PyCredentials { signer: Arc::new(Signer::new(credentials).or_raise(py)?) })
    }

    /// The access key id (`AKIA…` or `ASIA…`).
    #[getter]
    fn access_key_id(&self) -> &str {
        self.signer.credentials().access_key_id()
    }

    /// The secret access key (never shown by `repr()`).
    #[getter]
    fn secret_access_key(&self) -> &str {
        self.signer.credentials().secret_access_key()
    }

    /// The session token of temporary credentials, else `None` (never shown by `repr()`).
    #[getter]
    fn session_token(&self) -> Option<&str> {
        self.signer.credentials().session_token()
    }

    /// When temporary credentials expire, as an aware UTC datetime, else `None`.
    #[getter]
    fn expiry<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.expiry_time() {
            Some(t) => to_datetime(py, t).map(Some),
            None => Ok(None),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let credentials = self.signer.credentials();
        let key = PyString::new(py, credentials.access_key_id()).repr()?;
        let token = if credentials.session_token().is_some() { "'<redacted>'" } else { "None" };
        let expiry = match self.expiry_time() {
            Some(t) => format!("'{t}'"),
            None => "None".to_string(),
        };
        Ok(format!(
            "auroraiam.Credentials(access_key_id={key}, secret_access_key='<redacted>', \
             session_token={token}, expiry={expiry})"
        ))
    }
}

impl PyCredentials {
    /// The core signer holding these credentials.
    pub(crate) fn signer(&self) -> &Signer {
        &self.signer
    }

    fn expiry_time(&self) -> Option<SigningTime> {
        self.signer.credentials().expiry().and_then(|e| SigningTime::from_system_time(e).ok())
    }
}

/// A signer for one call: borrowed from an `auroraiam.Credentials` (no reference counting), or
/// shared with a memo.
pub(crate) enum CallSigner<'a> {
    Borrowed(&'a Signer),
    Shared(Arc<Signer>),
}

impl std::ops::Deref for CallSigner<'_> {
    type Target = Signer;

    fn deref(&self) -> &Signer {
        match self {
            CallSigner::Borrowed(signer) => signer,
            CallSigner::Shared(signer) => signer,
        }
    }
}

/// The signer for a `credentials=` argument:
/// - `auroraiam.Credentials`: its own signer;
/// - `None`: the default credential chain (`default_chain.rs`);
/// - a mapping with boto3's keys (`aws_access_key_id`, …) or STS's (`AccessKeyId`, …, `Expiration`);
/// - a botocore credentials object (`get_frozen_credentials()`, or `access_key`/`secret_key`/`token`).
pub(crate) fn signer_for<'a>(py: Python<'_>, credentials: Option<&'a Bound<'_, PyAny>>) -> PyResult<CallSigner<'a>> {
    let Some(value) = credentials.filter(|c| !c.is_none()) else {
        return default_signer(py).map(CallSigner::Shared);
    };
    if let Ok(own) = value.cast::<PyCredentials>() {
        return Ok(CallSigner::Borrowed(&own.get().signer));
    }
    let parsed = parts_of(py, value)?;
    signer_from_parts(py, &parsed).map(CallSigner::Shared)
}

/// Credentials, validated by the core, from any `credentials=` form but `None` (for the
/// credential sources of `Signer`). A botocore object is asked for frozen credentials (so a
/// `RefreshableCredentials` refreshes), and a refreshable one's expiry (`_expiry_time`) is kept
/// so a cached token never outlives its credentials.
pub(crate) fn credentials_of(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Credentials> {
    if let Ok(own) = value.cast::<PyCredentials>() {
        return Ok(own.get().signer.credentials().clone());
    }
    let mut parts = parts_of(py, value)?;
    if parts.expiry.is_none() && value.hasattr(intern!(py, "get_frozen_credentials"))? {
        if let Some(expiry) = value.getattr_opt(intern!(py, "_expiry_time"))?.filter(|e| !e.is_none()) {
            parts.expiry = Some(instant(&expiry, "credentials._expiry_time")?.to_system_time());
        }
    }
    let key = text(&parts.key.0, parts.key.1)?;
    let secret = text(&parts.secret.0, parts.secret.1)?;
    let token = match &parts.token {
        Some((value, label)) => optional_text(Some(value), label)?,
        None => None,
    };
    credentials_from_parts(key, secret, token, parts.expiry).or_raise(py)
}

/// The parts of a mapping or botocore credentials object; `TypeError` for anything else.
///
/// Checked in order of cost: a `dict`; botocore's static `Credentials` (read like its
/// `get_frozen_credentials()` does, without building the tuple); any object with
/// `get_frozen_credentials()` (refreshable credentials refresh there); another `Mapping` (an ABC
/// check, the slowest); an object with `access_key` and `secret_key`.
fn parts_of<'py>(py: Python<'py>, value: &Bound<'py, PyAny>) -> PyResult<Parts<'py>> {
    Ok(if let Ok(dict) = value.cast::<PyDict>() {
        from_mapping(py, |key| dict.get_item(key))?
    } else if is_botocore_static(value)? {
        from_botocore(value)?
    } else if let Some(freeze) = value.getattr_opt(intern!(py, "get_frozen_credentials"))? {
        from_botocore(&freeze.call0()?)?
    } else if let Ok(mapping) = value.cast::<PyMapping>() {
        from_mapping(py, |key| match mapping.contains(key)? {
            true => mapping.get_item(key).map(Some),
            false => Ok(None),
        })?
    } else if value.hasattr(intern!(py, "access_key"))? && value.hasattr(intern!(py, "secret_key"))? {
        from_botocore(value)?
    } else {
        return Err(wrong_type(
            value,
            "credentials",
            "auroraiam.Credentials, a botocore credentials object, a mapping with aws_access_key_id / \
             aws_secret_access_key, or None",
        ));
    })
}

/// `botocore.credentials.Credentials`, taken from `sys.modules` once botocore is loaded
/// (`auroraiam` never imports botocore itself).
static BOTOCORE_STATIC: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Whether `value`'s class is exactly botocore's static `Credentials`, whose
/// `get_frozen_credentials()` only returns its `access_key`, `secret_key` and `token` attributes
/// as a tuple. Subclasses (`RefreshableCredentials`, …) are not: they refresh in that method.
fn is_botocore_static(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = value.py();
    if let Some(known) = BOTOCORE_STATIC.get(py) {
        return Ok(value.get_type().is(known));
    }
    // SAFETY: the GIL is held; a borrowed reference to the interpreter's `sys.modules`.
    let modules = unsafe { Borrowed::from_ptr_or_err(py, ffi::PyImport_GetModuleDict()) }?;
    let Some(module) = modules.cast::<PyDict>()?.get_item(intern!(py, "botocore.credentials"))? else {
        return Ok(false); // botocore is not loaded: `value` is none of its objects
    };
    let Ok(class) = module.getattr(intern!(py, "Credentials"))?.cast_into::<PyType>() else {
        return Ok(false);
    };
    let is_static = value.get_type().is(&class);
    let _ = BOTOCORE_STATIC.set(py, class.unbind());
    Ok(is_static)
}

/// Credentials as found in a mapping or a botocore object: the values (with the names messages
/// use for them), not yet converted or validated.
struct Parts<'py> {
    key: (Bound<'py, PyAny>, &'static str),
    secret: (Bound<'py, PyAny>, &'static str),
    token: Option<(Bound<'py, PyAny>, &'static str)>,
    expiry: Option<SystemTime>,
}

/// The remembered signer if `parts` are exactly its credentials, else one built (and validated)
/// by the core from them.
fn signer_from_parts(py: Python<'_>, parts: &Parts<'_>) -> PyResult<Arc<Signer>> {
    let key = text(&parts.key.0, parts.key.1)?;
    let secret = text(&parts.secret.0, parts.secret.1)?;
    let token = match &parts.token {
        Some((value, label)) => optional_text(Some(value), label)?,
        None => None,
    };
    LAST_SIGNER.signer_for_parts(key, secret, token, parts.expiry).or_raise(py)
}

/// Looks one credential up in a mapping: its key names (boto3's, then STS's as in
/// `sts.assume_role(...)["Credentials"]`) and how messages name it.
type Keys<'a, 'py> = [(&'a Bound<'py, PyString>, &'static str); 2];

fn from_mapping<'py>(
    py: Python<'py>,
    get: impl Fn(&Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>>,
) -> PyResult<Parts<'py>> {
    // Interned keys: no string is built or hashed per call.
    let key_id: Keys<'_, 'py> = [
        (intern!(py, "aws_access_key_id"), "credentials['aws_access_key_id']"),
        (intern!(py, "AccessKeyId"), "credentials['AccessKeyId']"),
    ];
    let secret: Keys<'_, 'py> = [
        (intern!(py, "aws_secret_access_key"), "credentials['aws_secret_access_key']"),
        (intern!(py, "SecretAccessKey"), "credentials['SecretAccessKey']"),
    ];
    let token: Keys<'_, 'py> = [
        (intern!(py, "aws_session_token"), "credentials['aws_session_token']"),
        (intern!(py, "SessionToken"), "credentials['SessionToken']"),
    ];
    let find = |keys: Keys<'_, 'py>| -> PyResult<Option<(&'static str, Bound<'py, PyAny>)>> {
        for (key, label) in keys {
            if let Some(v) = get(key)? {
                return Ok(Some((label, v)));
            }
        }
        Ok(None)
    };
    let (Some((key_label, key)), Some((secret_label, secret))) = (find(key_id)?, find(secret)?) else {
        return Err(to_py_err(
            py,
            &Error::new(
                ErrorCode::InvalidCredentials,
                "the credentials mapping needs aws_access_key_id and aws_secret_access_key \
                 (or AccessKeyId and SecretAccessKey)",
            ),
        ));
    };
    let token = find(token)?.map(|(label, v)| (v, label));
    let expiry = match get(intern!(py, "Expiration"))? {
        Some(e) if !e.is_none() => Some(instant(&e, "credentials['Expiration']")?.to_system_time()),
        _ => None,
    };
    Ok(Parts { key: (key, key_label), secret: (secret, secret_label), token, expiry })
}

/// botocore's `ReadOnlyCredentials` / `Credentials`: `access_key`, `secret_key`, `token`.
fn from_botocore<'py>(value: &Bound<'py, PyAny>) -> PyResult<Parts<'py>> {
    let py = value.py();
    let key = value.getattr(intern!(py, "access_key"))?;
    let secret = value.getattr(intern!(py, "secret_key"))?;
    let token = value.getattr_opt(intern!(py, "token"))?;
    Ok(Parts {
        key: (key, "credentials.access_key"),
        secret: (secret, "credentials.secret_key"),
        token: token.map(|t| (t, "credentials.token")),
        expiry: None,
    })
}
