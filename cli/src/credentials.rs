//! Where `generate-*` gets its AWS credentials: the AWS SDKs' default chain (environment,
//! shared config/credentials files and profiles, credential_process, SSO, web identity, ECS /
//! EKS container, EC2 IMDSv2), or with `--profile` that profile only. A build without the
//! `credential-chain` feature reads the `AWS_*` environment variables only.

use auroraiam::{Credentials, Error, ErrorCode};

use crate::error::CliError;

/// The environment variables of the first source, checked for valid UTF-8.
pub const ENV_VARS: [&str; 3] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/// Resolves the credentials to sign with, from `profile` when given.
pub fn resolve_credentials(profile: Option<&str>) -> Result<Credentials, CliError> {
    // A non-UTF-8 variable would look unset to the SDK sources; name it instead.
    for name in ENV_VARS {
        if let Some(value) = std::env::var_os(name) {
            if value.to_str().is_none() {
                return Err(Error::new(ErrorCode::InvalidUtf8, format!("environment variable {name} is not valid UTF-8")).into());
            }
        }
    }
    fetch(profile)
}

/// The default source, or the chain with `profile` (the core's `default_source_for`).
fn fetch(profile: Option<&str>) -> Result<Credentials, CliError> {
    Ok(auroraiam::default_source_for(profile)?.fetch()?)
}
