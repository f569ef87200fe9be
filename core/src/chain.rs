//! The AWS SDKs' default credential chain, from `aws-config`, run on one lazily created Tokio
//! runtime so that synchronous callers (C, Python, Node worker threads, the CLI) can use it.
//!
//! Order, as in every AWS SDK: environment variables → shared `config`/`credentials` files
//! (profiles, `credential_process`, assume-role, SSO) → web identity (EKS IRSA) → ECS / EKS Pod
//! Identity container endpoint → EC2 instance metadata (IMDSv2). With an explicit profile name
//! the environment variables are skipped, as the AWS CLI and botocore do.

use std::future::Future;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::region::ProfileFileRegionProvider;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

use crate::credentials::{validate_credentials, Credentials};
use crate::error::{Error, ErrorCode, Result};
use crate::source::CredentialsSource;

/// Default bound on one resolution through the whole chain.
pub const DEFAULT_CHAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// The one runtime that drives every credential fetch of the process.
fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::new(ErrorCode::CredentialsProviderFailed, format!("cannot start the credential runtime: {e}")))
}

/// Runs `future` to completion from synchronous code. Safe to call from inside another Tokio
/// runtime (the future then runs on a helper thread instead of nesting runtimes).
pub fn block_on<F>(future: F) -> Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime()?;
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| {
            s.spawn(|| rt.block_on(future)).join().map_err(|_| {
                Error::new(ErrorCode::CredentialsProviderFailed, "the credential fetch thread panicked")
            })
        })
    } else {
        Ok(rt.block_on(future))
    }
}

/// The default credential chain as a [`CredentialsSource`].
#[derive(Debug)]
pub struct DefaultChainSource {
    profile: Option<String>,
    timeout: Duration,
    providers: tokio::sync::OnceCell<Vec<(&'static str, SharedCredentialsProvider)>>,
}

impl Default for DefaultChainSource {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultChainSource {
    /// The chain with the profile from `AWS_PROFILE` (or `default`).
    pub fn new() -> Self {
        DefaultChainSource { profile: None, timeout: DEFAULT_CHAIN_TIMEOUT, providers: tokio::sync::OnceCell::new() }
    }

    /// The chain with an explicit profile (environment-variable credentials are then skipped).
    pub fn with_profile(profile: &str) -> Result<Self> {
        if profile.is_empty() || profile.contains('\0') || profile.len() > 256 {
            return Err(Error::new(ErrorCode::InvalidArgument, "profile name must be 1..=256 bytes without NUL"));
        }
        Ok(DefaultChainSource { profile: Some(profile.to_string()), ..Self::new() })
    }

    /// Bounds one resolution through the whole chain (default 20 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self> {
        if timeout.is_zero() || timeout > Duration::from_secs(600) {
            return Err(Error::new(ErrorCode::InvalidArgument, "chain timeout must be between 1 ms and 600 s"));
        }
        self.timeout = timeout;
        Ok(self)
    }

    async fn providers(&self) -> &Vec<(&'static str, SharedCredentialsProvider)> {
        self.providers
            .get_or_init(|| async {
                let http = aws_smithy_http_client::Builder::new()
                    .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                        aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                    ))
                    .build_https();
                let http = crate::chain_http::capped(http, crate::chain_http::MAX_CREDENTIALS_RESPONSE_LEN);
                // The region (for STS: web identity, assume-role) from AWS_REGION /
                // AWS_DEFAULT_REGION or the profile only: unlike the SDKs' region chain this
                // never asks the instance metadata service, so off EC2 nothing waits on it.
                let base = ProviderConfig::default().with_http_client(http);
                let mut profile_region = ProfileFileRegionProvider::builder().configure(&base);
                if let Some(name) = &self.profile {
                    profile_region = profile_region.profile_name(name);
                }
                let region = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                    .or_else(profile_region.build())
                    .region()
                    .await;
                let conf = base.with_region(region);
                let mut profile = ProfileFileCredentialsProvider::builder().configure(&conf);
                if let Some(name) = &self.profile {
                    profile = profile.profile_name(name);
                }
                let mut list: Vec<(&'static str, SharedCredentialsProvider)> = Vec::new();
                if self.profile.is_none() {
                    list.push(("environment", SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new())));
                }
                list.push(("profile", SharedCredentialsProvider::new(profile.build())));
                list.push((
                    "web identity",
                    SharedCredentialsProvider::new(WebIdentityTokenCredentialsProvider::builder().configure(&conf).build()),
                ));
                list.push((
                    "container (ECS / EKS Pod Identity)",
                    SharedCredentialsProvider::new(EcsCredentialsProvider::builder().configure(&conf).build()),
                ));
                list.push((
                    "EC2 instance metadata (IMDSv2)",
                    SharedCredentialsProvider::new(ImdsCredentialsProvider::builder().configure(&conf).build()),
                ));
                list
            })
            .await
    }

    async fn resolve(&self, progress: &Mutex<Progress>) -> Result<Credentials> {
        for (name, provider) in self.providers().await {
            progress.lock().unwrap_or_else(|p| p.into_inner()).current = Some(name);
            let outcome = provider.provide_credentials().await;
            let mut p = progress.lock().unwrap_or_else(|p| p.into_inner());
            p.current = None;
            match outcome {
                Ok(credentials) => {
                    // Malformed credentials keep their code (INVALID_CREDENTIALS, as for explicit
                    // ones: the same AWS_* values fail the same way on every surface); the
                    // message names the source they came from.
                    if let Err(e) = validate_credentials(&credentials) {
                        p.tried.push(format!("{name}: FAILED: returned invalid credentials: {}", e.message()));
                        return Err(Error::new(
                            e.code(),
                            format!(
                                "the {name} credential source returned invalid credentials; sources tried: {}",
                                p.tried.join("; ")
                            ),
                        ));
                    }
                    return Ok(credentials);
                }
                Err(e @ CredentialsError::CredentialsNotLoaded(_)) => {
                    let reason = describe(&e);
                    // aws-config reports a profile missing from the files as "not loaded" and
                    // moves on; with an explicit profile that would silently sign with the next
                    // source (e.g. the instance role). The AWS CLI and botocore stop here.
                    if let Some(profile) = self.profile.as_deref().filter(|_| reason.contains("` was not defined")) {
                        let why = reason.trim_start_matches("the credential provider was not enabled: ");
                        p.tried.push(format!("{name}: FAILED: {why}"));
                        return Err(Error::new(
                            ErrorCode::CredentialsNotFound,
                            format!(
                                "profile {profile:?} (or a profile it refers to) is not defined in the shared config \
                                 or credentials file; sources tried: {}",
                                p.tried.join("; ")
                            ),
                        ));
                    }
                    p.tried.push(format!("{name}: {reason}"));
                }
                Err(e) => {
                    p.tried.push(format!("{name}: FAILED: {}", describe(&e)));
                    return Err(Error::new(
                        ErrorCode::CredentialsProviderFailed,
                        format!("the {name} credential source failed; sources tried: {}", p.tried.join("; ")),
                    ));
                }
            }
        }
        let p = progress.lock().unwrap_or_else(|p| p.into_inner());
        Err(Error::new(
            ErrorCode::CredentialsNotFound,
            format!("no AWS credentials found; sources tried: {}", p.tried.join("; ")),
        ))
    }
}

/// How far one resolution got: read when the chain timeout cuts it short.
#[derive(Default)]
struct Progress {
    tried: Vec<String>,
    current: Option<&'static str>,
}

/// An error and its sources, one line (without the `Debug` dump `DisplayErrorContext` appends,
/// which doubled every reason and pushed the cause past the length limit).
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    one_line(&text)
}

fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 400 {
        flat.chars().take(400).collect::<String>() + "…"
    } else {
        flat
    }
}

impl CredentialsSource for DefaultChainSource {
    fn fetch(&self) -> Result<Credentials> {
        let timeout = self.timeout;
        let progress = Mutex::new(Progress::default());
        block_on(async {
            match tokio::time::timeout(timeout, self.resolve(&progress)).await {
                Ok(result) => result,
                Err(_) => {
                    let mut p = progress.lock().unwrap_or_else(|p| p.into_inner());
                    let secs = timeout.as_secs_f32();
                    let message = match p.current {
                        Some(name) => {
                            p.tried.push(format!("{name}: FAILED: no answer within {secs} s"));
                            format!(
                                "resolving credentials through the default chain took longer than {secs} s: \
                                 the {name} credential source did not answer; sources tried: {}",
                                p.tried.join("; ")
                            )
                        }
                        None => format!(
                            "resolving credentials through the default chain took longer than {secs} s \
                             while setting it up (region lookup)"
                        ),
                    };
                    Err(Error::new(ErrorCode::CredentialsProviderFailed, message))
                }
            }
        })?
    }

    fn name(&self) -> &str {
        "default chain"
    }
}

/// Any `aws-credential-types` provider (from `aws-config` or your own) as a [`CredentialsSource`].
#[derive(Debug)]
pub struct ProvideCredentialsSource<P> {
    provider: P,
    timeout: Duration,
}

impl<P: ProvideCredentials> ProvideCredentialsSource<P> {
    /// Wraps `provider`; each fetch is bounded by the default chain timeout.
    pub fn new(provider: P) -> Self {
        ProvideCredentialsSource { provider, timeout: DEFAULT_CHAIN_TIMEOUT }
    }
}

impl<P: ProvideCredentials> CredentialsSource for ProvideCredentialsSource<P> {
    fn fetch(&self) -> Result<Credentials> {
        let timeout = self.timeout;
        let fetched = block_on(async { tokio::time::timeout(timeout, self.provider.provide_credentials()).await })?;
        let credentials = match fetched {
            Ok(Ok(c)) => c,
            Ok(Err(e @ CredentialsError::CredentialsNotLoaded(_))) => {
                return Err(Error::new(ErrorCode::CredentialsNotFound, describe(&e)))
            }
            Ok(Err(e)) => {
                return Err(Error::new(ErrorCode::CredentialsProviderFailed, describe(&e)))
            }
            Err(_) => {
                return Err(Error::new(
                    ErrorCode::CredentialsProviderFailed,
                    format!("the credentials provider took longer than {} s", timeout.as_secs_f32()),
                ))
            }
        };
        validate_credentials(&credentials)?;
        Ok(credentials)
    }

    fn name(&self) -> &str {
        "custom provider"
    }
}
