//! Tokens for asynchronous pools (features `sqlx`, `tokio-postgres`): a [`TokenProvider`]'s
//! token without blocking the Tokio runtime, and the forced-fresh token after a rejection.

use std::sync::Arc;
use std::time::SystemTime;

use crate::error::{Error, ErrorCode, Result};
use crate::token::AuthToken;
use crate::token_provider::TokenProvider;

/// A token valid for at least the provider's refresh margin. A cache hit answers at once;
/// otherwise the provider (which may fetch credentials over the network) runs on Tokio's
/// blocking pool, so the runtime's worker threads never block.
pub async fn token_async(provider: &Arc<TokenProvider>) -> Result<Arc<AuthToken>> {
    if let Some(token) = provider.cached_token(SystemTime::now()) {
        return Ok(token);
    }
    let provider = provider.clone();
    tokio::task::spawn_blocking(move || provider.token()).await.map_err(|e| {
        Error::new(ErrorCode::CredentialsProviderFailed, format!("the token task did not finish: {e}"))
    })?
}

/// After the server refused a token: the provider's forced-fresh token
/// ([`TokenProvider::fresh_token`]: cached token and credentials dropped, credentials resolved
/// again), made on the blocking pool.
pub async fn fresh_token_async(provider: &Arc<TokenProvider>) -> Result<Arc<AuthToken>> {
    let provider = provider.clone();
    tokio::task::spawn_blocking(move || provider.fresh_token()).await.map_err(|e| {
        Error::new(ErrorCode::CredentialsProviderFailed, format!("the token task did not finish: {e}"))
    })?
}
