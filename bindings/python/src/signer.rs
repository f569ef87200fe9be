//! `_Signer`, the native base of `auroraiam.Signer` and `auroraiam.DsqlSigner`
//! (`python/auroraiam/_signer.py` adds the constructors' signatures and `get_token_async`):
//! tokens for one endpoint, cached by the core's [`TokenProvider`].
//!
//! The provider decides when a token is reused (more than the refresh margin of effective life
//! left, never past its credentials' expiry). A hit (`TokenProvider::cached_token`, which never
//! blocks) is answered with the GIL held. A miss may fetch credentials, so it runs with the GIL
//! released: a fetch can block for seconds, and waiting for another thread's fetch must not hold
//! the GIL that thread may need. The Python `str` (and expiry `datetime`) made for the last
//! token are kept, so a hit returns the same objects without building new ones.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use auroraiam::{
    AuthToken, Credentials, CredentialsSource, Error, ErrorCode, SigningTime, StaticSource, TokenKind, TokenProvider,
    TokenRequest, DEFAULT_EXPIRES_IN,
};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString, PyTuple, PyType};

use crate::args::{flag, int, optional_int, optional_text, text, to_datetime, IntArg};
use crate::credentials::{credentials_of, PyCredentials};
use crate::default_chain::DefaultChain;
use crate::errors::{to_py_err, IntoPyResult};

/// The Python objects made for the token last handed out. (No Python code runs while the mutex
/// around it is held: a thread waiting for it may hold the GIL.)
struct Memo {
    token: Arc<AuthToken>,
    text: Py<PyString>,
    /// The effective expiry as a `datetime`, made on first request.
    expiry: Option<Py<PyAny>>,
}

/// Where a signer's credentials come from.
enum Source {
    /// Fixed credentials (`auroraiam.Credentials`, a mapping, a frozen botocore triple).
    Static,
    /// `credentials=None`: the default chain, shared process-wide.
    Chain(Arc<DefaultChain>),
    /// A botocore credentials object or a callable, asked at each fetch.
    Python(Arc<PythonSource>),
}

/// Tokens for one endpoint; see the module docs. Subclassed by `Signer` and `DsqlSigner`.
#[pyclass(frozen, subclass, module = "auroraiam", name = "_Signer")]
pub(crate) struct PySigner {
    provider: TokenProvider,
    source: Source,
    memo: Mutex<Option<Memo>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[pymethods]
impl PySigner {
    /// `_Signer(dsql, hostname, port, username, region, admin, credentials, profile, expires_in,
    /// refresh_margin)`: called by the constructors of `Signer` and `DsqlSigner`.
    #[new]
    #[pyo3(signature = (dsql, hostname, port, username, region, admin, credentials, profile, expires_in, refresh_margin))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        dsql: bool,
        hostname: &Bound<'_, PyAny>,
        port: &Bound<'_, PyAny>,
        username: &Bound<'_, PyAny>,
        region: &Bound<'_, PyAny>,
        admin: &Bound<'_, PyAny>,
        credentials: &Bound<'_, PyAny>,
        profile: &Bound<'_, PyAny>,
        expires_in: &Bound<'_, PyAny>,
        refresh_margin: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let hostname = text(hostname, "hostname")?;
        let region = optional_text(Some(region), "region")?;
        let expires_in = optional_int(Some(expires_in), "expires_in", i64::from(DEFAULT_EXPIRES_IN))?;
        let margin = match refresh_margin.is_none() {
            true => None,
            false => Some(int(refresh_margin, "refresh_margin")?),
        };
        let profile = optional_text(Some(profile), "profile")?;
        if dsql {
            let admin = flag(Some(admin).filter(|a| !a.is_none()), "admin")?;
            let request = TokenRequest::dsql(hostname, admin);
            Self::build(py, request, region, expires_in, (margin, refresh_margin), credentials, profile, |e| e)
        } else {
            let port = int(port, "port")?;
            let username = text(username, "username")?;
            let request = TokenRequest::rds(hostname, port.value, username);
            Self::build(py, request, region, expires_in, (margin, refresh_margin), credentials, profile, |e| port.fix(e))
        }
    }

    /// A token for the endpoint: the cached one while it has more than `refresh_margin` seconds
    /// of effective life left, else a new one (fetching credentials first if they expire within
    /// the margin).
    fn get_token(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        let token = self.token(py)?;
        Ok(self.objects_for(py, token).0)
    }

    /// `(token, expires_at)`: `expires_at` is the token's effective expiry, an aware UTC
    /// datetime: the earlier of signing time + `expires_in` and the credentials' expiry.
    fn get_token_with_expiry<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let token = self.token(py)?;
        let (text, expiry) = self.objects_for(py, token.clone());
        let expiry = match expiry {
            Some(e) => e.into_bound(py),
            None => {
                let at = SigningTime::from_system_time(token.effective_expiry()).or_raise(py)?;
                let e = to_datetime(py, at)?;
                if let Some(memo) = lock(&self.memo).as_mut().filter(|m| Arc::ptr_eq(&m.token, &token)) {
                    memo.expiry = Some(e.clone().unbind());
                }
                e
            }
        };
        PyTuple::new(py, [text.into_bound(py).into_any(), expiry])
    }

    /// Drops the cached token and credentials (also the process-wide default-chain credentials):
    /// the next call fetches and signs anew. Use it when the server rejected a token.
    fn invalidate(&self) {
        let forgotten = lock(&self.memo).take();
        drop(forgotten); // after the lock is released
        self.provider.invalidate();
        if let Source::Chain(chain) = &self.source {
            chain.invalidate();
        }
    }

    /// A forced-fresh token (the core's `TokenProvider::fresh_token`): the cached token and
    /// credentials are dropped (also the process-wide default-chain credentials), the
    /// credentials re-resolved and a new token signed, which is cached from now on. For the one
    /// retry after the server refused a token.
    fn get_fresh_token(&self, py: Python<'_>) -> PyResult<Py<PyString>> {
        let forgotten = lock(&self.memo).take();
        drop(forgotten);
        if let Source::Chain(chain) = &self.source {
            chain.invalidate();
        }
        let token = py.detach(|| self.provider.fresh_token()).map_err(|e| self.raise(py, &e))?;
        Ok(self.objects_for(py, token).0)
    }

    /// The cached token if it can be handed out now without fetching or waiting, else `None`
    /// (`get_token_async` answers from it without a worker thread).
    fn _cached_token(&self, py: Python<'_>) -> Option<Py<PyString>> {
        let token = self.provider.cached_token(SystemTime::now())?;
        Some(self.objects_for(py, token).0)
    }

    /// How many times this signer's provider asked its credential source (tests, metrics).
    #[getter]
    fn _credential_fetch_count(&self) -> u64 {
        self.provider.credential_fetch_count()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let this = slf.get();
        let quote = |s: &str| -> PyResult<String> { Ok(PyString::new(py, s).repr()?.to_string()) };
        let request = this.provider.request();
        let class = slf.get_type().name()?.to_string();
        let mut fields = vec![format!("hostname={}", quote(request.hostname())?)];
        if request.kind() == TokenKind::Rds {
            fields.push(format!("port={}", request.port().unwrap_or(0)));
            fields.push(format!("username={}", quote(request.username().unwrap_or(""))?));
        }
        fields.push(format!("region={}", quote(request.region())?));
        if request.kind() != TokenKind::Rds {
            let admin = if request.kind() == TokenKind::DsqlAdmin { "True" } else { "False" };
            fields.push(format!("admin={admin}"));
        }
        fields.push(format!("expires_in={}", request.expires_in()));
        fields.push(format!("refresh_margin={}", this.provider.refresh_margin().as_secs()));
        let source = match &this.source {
            Source::Static => "static".to_string(),
            Source::Chain(chain) => chain.name().to_string(),
            Source::Python(source) => source.name().to_string(),
        };
        fields.push(format!("credentials=<{source}>"));
        Ok(format!("auroraiam.{class}({})", fields.join(", ")))
    }
}

impl PySigner {
    #[allow(clippy::too_many_arguments)]
    fn build(
        py: Python<'_>,
        builder: auroraiam::TokenRequestBuilder<'_>,
        region: Option<&str>,
        expires_in: IntArg,
        (margin, margin_arg): (Option<IntArg>, &Bound<'_, PyAny>),
        credentials: &Bound<'_, PyAny>,
        profile: Option<&str>,
        fix: impl Fn(Error) -> Error,
    ) -> PyResult<Self> {
        let request = builder
            .maybe_region(region)
            .expires_in_secs(expires_in.value)
            .build()
            .map_err(|e| expires_in.fix(fix(e)))
            .or_raise(py)?;
        let margin = match margin.map(|m| u64::try_from(m.value)) {
            None => None,
            Some(Ok(seconds)) => Some(Duration::from_secs(seconds)),
            Some(Err(_)) => {
                let shown = crate::args::shown_int(margin_arg)?;
                let message = format!("refresh_margin must be 0 or more seconds, not {shown}");
                return Err(to_py_err(py, &Error::new(ErrorCode::InvalidArgument, message)));
            }
        };
        let (source, arc): (Source, Arc<dyn CredentialsSource>) = if credentials.is_none() {
            let chain = Arc::new(DefaultChain::new(profile).or_raise(py)?);
            (Source::Chain(chain.clone()), chain)
        } else if profile.is_some() {
            return Err(to_py_err(
                py,
                &Error::new(
                    ErrorCode::InvalidArgument,
                    "pass credentials= or profile=, not both (profile= selects default-chain credentials)",
                ),
            ));
        } else {
            source_for(py, credentials)?
        };
        // No margin given: the core's default (60 s, or half the lifetime of short tokens).
        let mut provider = TokenProvider::new(&request, arc);
        if let Some(margin) = margin {
            provider = provider.with_refresh_margin(margin).or_raise(py)?;
        }
        if let Source::Chain(chain) = &source {
            chain.set_margin(provider.refresh_margin());
        }
        Ok(PySigner { provider, source, memo: Mutex::new(None) })
    }

    /// The provider's token: a hit with the GIL held, else asked with the GIL released (it may
    /// fetch, or wait for another thread's fetch).
    fn token(&self, py: Python<'_>) -> PyResult<Arc<AuthToken>> {
        if let Some(token) = self.provider.cached_token(SystemTime::now()) {
            return Ok(token);
        }
        py.detach(|| self.provider.token()).map_err(|e| self.raise(py, &e))
    }

    /// The `str` for `token` (and its expiry `datetime`, if made yet): the kept ones when it is
    /// the token they were made for, else a new `str`, kept from now on.
    fn objects_for(&self, py: Python<'_>, token: Arc<AuthToken>) -> (Py<PyString>, Option<Py<PyAny>>) {
        if let Some(memo) = lock(&self.memo).as_ref().filter(|m| Arc::ptr_eq(&m.token, &token)) {
            return (memo.text.clone_ref(py), memo.expiry.as_ref().map(|e| e.clone_ref(py)));
        }
        let text = PyString::new(py, token.as_str()).unbind();
        let memo = Memo { token, text: text.clone_ref(py), expiry: None };
        let replaced = lock(&self.memo).replace(memo);
        drop(replaced); // after the lock is released
        (text, None)
    }

    /// The Python exception for a failed token: a Python credential source's own exception is
    /// chained as `__cause__`.
    fn raise(&self, py: Python<'_>, error: &Error) -> PyErr {
        let err = to_py_err(py, error);
        if let Source::Python(source) = &self.source {
            if let Some(cause) = source.cause_of(py, error) {
                err.set_cause(py, Some(cause));
            }
        }
        err
    }
}

/// The source for a non-`None` `credentials=`: fixed credentials become a static source
/// (validated now); botocore credentials objects and callables are asked at each fetch.
fn source_for(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<(Source, Arc<dyn CredentialsSource>)> {
    let asked_each_time = !value.is_instance_of::<PyCredentials>()
        && !value.is_instance_of::<PyDict>()
        && value.cast::<PyMapping>().is_err()
        && (value.hasattr(intern!(py, "get_frozen_credentials"))? || !value.hasattr(intern!(py, "access_key"))?);
    if !asked_each_time {
        let credentials = credentials_of(py, value)?;
        let source = StaticSource::new(credentials).or_raise(py)?;
        return Ok((Source::Static, Arc::new(source)));
    }
    let is_botocore = value.hasattr(intern!(py, "get_frozen_credentials"))?;
    if !is_botocore && !value.is_callable() {
        return Err(PyTypeError::new_err(format!(
            "credentials must be auroraiam.Credentials, a botocore credentials object, a mapping with \
             aws_access_key_id / aws_secret_access_key, a zero-argument callable returning one of those, \
             or None, not {}",
            value.get_type().name()?
        )));
    }
    let name = if is_botocore {
        format!("botocore {}", value.get_type().name()?)
    } else {
        let name = value.getattr_opt(intern!(py, "__qualname__"))?;
        let name = match name.as_ref().and_then(|n| n.cast::<PyString>().ok()) {
            Some(n) => n.to_string_lossy().chars().take(80).collect::<String>(),
            None => value.get_type().name()?.to_string(),
        };
        format!("callable {name}")
    };
    let source = Arc::new(PythonSource {
        object: value.clone().unbind(),
        call: !is_botocore,
        name,
        cause: Mutex::new(None),
    });
    Ok((Source::Python(source.clone()), source))
}

/// Credentials from Python at each fetch: `object()` (a callable returning any `credentials=`
/// form) or `object.get_frozen_credentials()` (botocore, which refreshes as needed). Runs on
/// whichever thread fetches, taking the GIL for the call.
pub(crate) struct PythonSource {
    object: Py<PyAny>,
    call: bool,
    name: String,
    /// The Python exception behind the last failed fetch, with the message it was reported
    /// under, to chain as `__cause__`.
    cause: Mutex<Option<(String, Py<PyAny>)>>,
}

impl PythonSource {
    fn fetch_with(&self, py: Python<'_>) -> Result<Credentials, Error> {
        let object = self.object.bind(py);
        let value = if self.call {
            match object.call0() {
                Ok(v) => v,
                Err(e) => return Err(self.failed(py, e, "raised")),
            }
        } else {
            object.clone()
        };
        if value.is_none() {
            return Err(Error::new(ErrorCode::CredentialsNotFound, format!("the {} returned None", self.name)));
        }
        match credentials_of(py, &value) {
            Ok(credentials) => {
                let forgotten = lock(&self.cause).take();
                drop(forgotten); // after the lock is released
                Ok(credentials)
            }
            // An auroraiam error (malformed credentials) keeps its code and message.
            Err(e) => match auroraiam_error(py, &e) {
                Some(error) => Err(error),
                None if self.call && e.is_instance_of::<PyTypeError>(py) => Err(self.failed(py, e, "returned")),
                None => Err(self.failed(py, e, "raised")),
            },
        }
    }

    /// `CREDENTIALS_PROVIDER_FAILED` for a Python exception, which is kept for `__cause__`.
    /// The message names the exception's type, not its text (which could hold anything);
    /// a `TypeError` about what a callable returned is auroraiam's own and is quoted.
    fn failed(&self, py: Python<'_>, exception: PyErr, verb: &str) -> Error {
        let kind = exception.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "an exception".into());
        let message = if verb == "returned" {
            format!("the {} returned something that is not credentials: {}", self.name, exception.value(py))
        } else {
            format!("the {} raised {kind} (chained as __cause__)", self.name)
        };
        let replaced = lock(&self.cause).replace((message.clone(), exception.into_value(py).into_any()));
        drop(replaced); // after the lock is released
        Error::new(ErrorCode::CredentialsProviderFailed, message)
    }

    /// The exception behind `error`, if it is this source's last failure.
    fn cause_of(&self, py: Python<'_>, error: &Error) -> Option<PyErr> {
        let cause = lock(&self.cause);
        let (message, exception) = cause.as_ref()?;
        (error.code() == ErrorCode::CredentialsProviderFailed && error.message() == message)
            .then(|| PyErr::from_value(exception.bind(py).clone()))
    }
}

/// The core error an auroraiam exception stands for (its `.code` and message).
fn auroraiam_error(py: Python<'_>, error: &PyErr) -> Option<Error> {
    let value = error.value(py);
    let code = value.getattr_opt(intern!(py, "code")).ok()??;
    let code = ErrorCode::from_name(&code.extract::<String>().ok()?)?;
    let class = py.import("auroraiam._errors").ok()?.getattr("AuroraIamError").ok()?;
    let class = class.cast::<PyType>().ok()?;
    value.is_instance(class).ok()?.then(|| Error::new(code, value.to_string()))
}

impl CredentialsSource for PythonSource {
    fn fetch(&self) -> Result<Credentials, Error> {
        Python::try_attach(|py| self.fetch_with(py)).unwrap_or_else(|| {
            Err(Error::new(
                ErrorCode::CredentialsProviderFailed,
                format!("the {} cannot be called: the Python interpreter is shutting down", self.name),
            ))
        })
    }

    fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Debug for PythonSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PythonSource").field("name", &self.name).finish_non_exhaustive()
    }
}
