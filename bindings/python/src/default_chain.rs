//! `credentials=None`: the AWS SDKs' default credential chain (the core's `DefaultChainSource`,
//! when built with the `credential-chain` feature; the `AWS_*` environment variables otherwise).
//!
//! The chain's credentials are cached process-wide, one core [`CredentialCache`] per profile,
//! shared by the free functions and every `Signer`: a process fetches once per rotation, however
//! many signers and threads it has. The environment variables, the chain's first source, are
//! read at each use instead (cheap, and a change to `os.environ` is seen at once), so only the
//! sources after them (profiles, SSO, web identity, container, IMDS) are cached.
//!
//! Fetching can block for seconds (HTTP, processes), so it runs with the GIL released; that
//! includes waiting for another thread's fetch (the cache lets one fetch run at a time), since
//! the fetching thread may need the GIL itself. A free function that finds fresh chain
//! credentials remembered keeps the GIL throughout.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};

use auroraiam::{
    credentials_from_env, has_default_chain, CredentialCache, Credentials, CredentialsSource, Error, ErrorCode,
    Signer, DEFAULT_REFRESH_MARGIN,
};
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::memo::{CHAIN_SIGNER, LAST_SIGNER};

/// The shared caches, by profile (`None`: the chain's own choice, `AWS_PROFILE` or `default`).
static CHAINS: Mutex<Vec<(Option<String>, Arc<CredentialCache>)>> = Mutex::new(Vec::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The process-wide cache in front of the default chain for `profile`.
pub(crate) fn shared_chain(profile: Option<&str>) -> Result<Arc<CredentialCache>, Error> {
    let mut chains = lock(&CHAINS);
    if let Some((_, cache)) = chains.iter().find(|(p, _)| p.as_deref() == profile) {
        return Ok(cache.clone());
    }
    let cache = Arc::new(CredentialCache::new(auroraiam::default_source_for(profile)?));
    chains.push((profile.map(str::to_string), cache.clone()));
    Ok(cache)
}

/// The environment's credentials when `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are set;
/// `Ok(None)` when they are not and the chain should go on (a build without the chain reports
/// their absence).
fn from_environment() -> Result<Option<Credentials>, Error> {
    match credentials_from_env() {
        Ok(credentials) => Ok(Some(credentials)),
        Err(e) if e.code() == ErrorCode::CredentialsNotFound && has_default_chain() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Default-chain credentials valid for at least `margin` more (blocking: call without the GIL).
fn chain_credentials(profile: Option<&str>, cache: &CredentialCache, margin: Duration) -> Result<Credentials, Error> {
    if profile.is_none() {
        if let Some(credentials) = from_environment()? {
            return Ok(credentials);
        }
    }
    cache.get(SystemTime::now() + margin)
}

/// The signer for `credentials=None` in the free functions. Chain credentials are used until
/// `DEFAULT_REFRESH_MARGIN` (60 s) before they expire.
pub(crate) fn default_signer(py: Python<'_>) -> PyResult<Arc<Signer>> {
    if let Some(credentials) = from_environment().or_raise(py)? {
        return LAST_SIGNER.signer_for(credentials).or_raise(py);
    }
    if let Some(signer) = CHAIN_SIGNER.fresh(SystemTime::now(), DEFAULT_REFRESH_MARGIN) {
        return Ok(signer);
    }
    let credentials = py
        .detach(|| shared_chain(None).and_then(|cache| cache.get(SystemTime::now() + DEFAULT_REFRESH_MARGIN)))
        .or_raise(py)?;
    CHAIN_SIGNER.remember(credentials).or_raise(py)
}

/// The default chain as the source of a `Signer`: the environment, else the shared cache, asked
/// for credentials that outlive the signer's refresh margin (set once the provider has it).
pub(crate) struct DefaultChain {
    profile: Option<String>,
    cache: Arc<CredentialCache>,
    margin: OnceLock<Duration>,
    name: String,
}

impl DefaultChain {
    pub(crate) fn new(profile: Option<&str>) -> Result<Self, Error> {
        let name = match profile {
            Some(p) => format!("default chain (profile {p:?})"),
            None if has_default_chain() => "default chain".to_string(),
            None => "environment".to_string(),
        };
        Ok(DefaultChain { profile: profile.map(str::to_string), cache: shared_chain(profile)?, margin: OnceLock::new(), name })
    }

    /// The refresh margin of the provider this source serves.
    pub(crate) fn set_margin(&self, margin: Duration) {
        let _ = self.margin.set(margin);
    }

    /// Forgets the shared credentials too (a rejected token may mean revoked credentials).
    pub(crate) fn invalidate(&self) {
        self.cache.invalidate();
        CHAIN_SIGNER.forget();
    }
}

impl CredentialsSource for DefaultChain {
    fn fetch(&self) -> Result<Credentials, Error> {
        let margin = self.margin.get().copied().unwrap_or(DEFAULT_REFRESH_MARGIN);
        chain_credentials(self.profile.as_deref(), &self.cache, margin)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultChain").field("profile", &self.profile).finish_non_exhaustive()
    }
}

/// Test hook (`auroraiam._auroraiam._reset_default_chain()`): forgets the shared chains and their
/// credentials, so the next use builds the chain anew from the current environment (endpoints
/// and files are read when a chain is built). Signers made before keep theirs.
#[pyfunction]
pub(crate) fn _reset_default_chain() {
    lock(&CHAINS).clear();
    CHAIN_SIGNER.forget();
}

/// `auroraiam._auroraiam._has_default_chain()`: whether this build has the credential chain.
#[pyfunction]
pub(crate) fn _has_default_chain() -> bool {
    has_default_chain()
}
