//! The credentials source used when the caller names none: the AWS SDKs' default chain when
//! the crate is built with `credential-chain`, otherwise the environment variables. Sits above
//! both [`crate::source`] and [`crate::chain`], so neither needs the other's module.

use std::sync::Arc;

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
