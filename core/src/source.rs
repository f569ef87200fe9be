//! Where credentials come from: explicit values, the environment, a callback, or (with the
//! `credential-chain` feature) the AWS SDKs' default chain.

use std::fmt;

use crate::credentials::{credentials_from_env, validate_credentials, Credentials};
use crate::error::Result;

/// A source of AWS credentials. `fetch` may block (files, processes, HTTP); callers cache.
pub trait CredentialsSource: Send + Sync + fmt::Debug {
    /// Resolves credentials now. Errors name the source and why it failed, never a secret.
    fn fetch(&self) -> Result<Credentials>;

    /// A short name for logs and errors (`"static"`, `"environment"`, `"default chain"`, …).
    fn name(&self) -> &str;
}

/// Fixed credentials.
#[derive(Clone, Debug)]
pub struct StaticSource(Credentials);

impl StaticSource {
    /// Validates and wraps `credentials`.
    pub fn new(credentials: Credentials) -> Result<Self> {
        validate_credentials(&credentials)?;
        Ok(StaticSource(credentials))
    }
}

impl CredentialsSource for StaticSource {
    fn fetch(&self) -> Result<Credentials> {
        Ok(self.0.clone())
    }
    fn name(&self) -> &str {
        "static"
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, read at each fetch.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnvironmentSource;

impl CredentialsSource for EnvironmentSource {
    fn fetch(&self) -> Result<Credentials> {
        credentials_from_env()
    }
    fn name(&self) -> &str {
        "environment"
    }
}

/// Credentials from a callback (a Python callable, a C function pointer, a closure).
pub struct FnSource<F> {
    name: String,
    fetch: F,
}

impl<F> FnSource<F>
where
    F: Fn() -> Result<Credentials> + Send + Sync,
{
    /// Wraps `fetch`; `name` appears in errors.
    pub fn new(name: impl Into<String>, fetch: F) -> Self {
        FnSource { name: name.into(), fetch }
    }
}

impl<F> CredentialsSource for FnSource<F>
where
    F: Fn() -> Result<Credentials> + Send + Sync,
{
    fn fetch(&self) -> Result<Credentials> {
        let credentials = (self.fetch)()?;
        validate_credentials(&credentials)?;
        Ok(credentials)
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl<F> fmt::Debug for FnSource<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnSource").field("name", &self.name).finish_non_exhaustive()
    }
}
