//! The credentials source used when the caller names none: the AWS SDKs' default chain when
//! the crate is built with `credential-chain`, otherwise the environment variables; and the
//! rule for a profile (or a chain timeout) given without credentials: the default chain with
//! that profile, refused with `CREDENTIALS_NOT_FOUND` in a build without the chain. Sits above
//! both [`crate::source`] and [`crate::chain`], so neither needs the other's module.

use std::sync::Arc;
use std::time::Duration;

use crate::error::Result;
use crate::source::CredentialsSource;

/// The source used when the caller gives none: the default chain when the crate is built with
/// `credential-chain`, otherwise the environment variables.
pub fn default_source() -> Arc<dyn CredentialsSource> {
    #[cfg(feature = "credential-chain")]
    {
        Arc::new(crate::chain::DefaultChainSource::new())
    }
    #[cfg(not(feature = "credential-chain"))]
    {
        Arc::new(crate::source::EnvironmentSource)
    }
}

/// True when this build resolves credentials with the AWS SDKs' default chain.
pub const fn has_default_chain() -> bool {
    cfg!(feature = "credential-chain")
}

/// The source for "no credentials given, maybe a profile": [`default_source`] without
/// `profile`; with it, the default chain reading that profile only (environment variables
/// skipped, as the AWS CLI does). A build without the chain refuses a profile rather than
/// ignoring it (see [`default_chain`]).
pub fn default_source_for(profile: Option<&str>) -> Result<Arc<dyn CredentialsSource>> {
    match profile {
        None => Ok(default_source()),
        Some(_) => default_chain(profile, None),
    }
}

/// The AWS SDKs' default chain, asked for explicitly: with `profile` that profile only (1..=256
/// bytes, no NUL), with `timeout` that bound on one resolution (1 ms..=600 s; `None`: 20 s).
/// Bad values are `INVALID_ARGUMENT`. A build without the `credential-chain` feature has no
/// chain: `CREDENTIALS_NOT_FOUND`, with a message naming the feature.
pub fn default_chain(profile: Option<&str>, timeout: Option<Duration>) -> Result<Arc<dyn CredentialsSource>> {
    #[cfg(feature = "credential-chain")]
    {
        let chain = match profile {
            Some(p) => crate::chain::DefaultChainSource::with_profile(p)?,
            None => crate::chain::DefaultChainSource::new(),
        };
        Ok(Arc::new(match timeout {
            Some(t) => chain.with_timeout(t)?,
            None => chain,
        }))
    }
    #[cfg(not(feature = "credential-chain"))]
    {
        let _ = timeout;
        let what = match profile {
            Some(p) => format!("profile {} needs the AWS SDKs' default credential chain, and", crate::error::quoted(p)),
            None => "the AWS SDKs' default credential chain was asked for, but".to_string(),
        };
        Err(crate::error::Error::new(
            crate::error::ErrorCode::CredentialsNotFound,
            format!(
                "{what} this build of auroraiam has none (built without the credential-chain feature): pass \
                 credentials explicitly"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn no_profile_is_the_default_source() {
        let source = default_source_for(None).unwrap();
        let expected = if has_default_chain() { "default chain" } else { "environment" };
        assert!(source.name().contains(expected), "{}", source.name());
    }

    #[cfg(feature = "credential-chain")]
    #[test]
    fn a_profile_is_the_chain_with_that_profile() {
        let source = default_source_for(Some("dev")).unwrap();
        assert!(source.name().contains("default chain"), "{}", source.name());
        assert!(format!("{source:?}").contains("dev"), "{source:?}");
        assert_eq!(default_source_for(Some("")).err().unwrap().code(), ErrorCode::InvalidArgument);
        assert_eq!(default_source_for(Some("a\0b")).err().unwrap().code(), ErrorCode::InvalidArgument);
        assert!(default_chain(None, Some(Duration::from_secs(5))).is_ok());
        assert_eq!(default_chain(None, Some(Duration::ZERO)).err().unwrap().code(), ErrorCode::InvalidArgument);
        assert_eq!(default_chain(None, Some(Duration::from_secs(601))).err().unwrap().code(), ErrorCode::InvalidArgument);
    }

    #[cfg(not(feature = "credential-chain"))]
    #[test]
    fn without_the_chain_a_profile_is_refused() {
        let e = default_source_for(Some("dev")).err().unwrap();
        assert_eq!(e.code(), ErrorCode::CredentialsNotFound);
        assert!(e.message().contains("\"dev\"") && e.message().contains("credential-chain"), "{}", e.message());
        let e = default_chain(None, None).err().unwrap();
        assert_eq!(e.code(), ErrorCode::CredentialsNotFound);
        assert_eq!(
            e.message(),
            "the AWS SDKs' default credential chain was asked for, but this build of auroraiam has none (built \
             without the credential-chain feature): pass credentials explicitly"
        );
    }
}
