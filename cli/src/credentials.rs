//! Where `generate-*` gets its AWS credentials. One function, so that the default credential
//! chain (and `--profile`) can replace it when the core provides them.

use auroraiam::{Credentials, Error, ErrorCode};

use crate::error::CliError;

/// The variables read today, in the order the AWS SDKs' environment provider reads them.
pub const ENV_VARS: [&str; 3] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/// Resolves the credentials to sign with: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// optional `AWS_SESSION_TOKEN` (core `credentials_from_env`; `CREDENTIALS_NOT_FOUND` if absent).
pub fn resolve_credentials() -> Result<Credentials, CliError> {
    // The core's lookup sees a non-UTF-8 variable as unset, which would report
    // CREDENTIALS_NOT_FOUND for a variable that is set; name it instead.
    for name in ENV_VARS {
        if let Some(value) = std::env::var_os(name) {
            if value.to_str().is_none() {
                return Err(Error::new(ErrorCode::InvalidUtf8, format!("environment variable {name} is not valid UTF-8")).into());
            }
        }
    }
    Ok(auroraiam::credentials_from_env()?)
}
