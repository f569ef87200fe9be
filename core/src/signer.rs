//! Signing entry points: a reusable [`Signer`] and the one-shot [`generate_token`].

use std::fmt;

use crate::credentials::{validate_credentials, Credentials};
use crate::error::{Error, ErrorCode, Result};
use crate::presign::{presign, PrefixHashCache, SigningInputs};
use crate::request::TokenRequest;
use crate::signing_key::{derive_signing_key, SigningKeyCache};
use crate::time::SigningTime;
use crate::token::AuthToken;

/// Signs tokens with one set of credentials, reusing each derived signing key for the whole
/// day (the expensive part after that is two short SHA-256 runs per token).
///
/// Immutable and `Send + Sync`: share one across threads.
pub struct Signer {
    credentials: Credentials,
    /// The session token percent-encoded once (it is part of every token).
    encoded_session_token: Option<zeroize::Zeroizing<String>>,
    keys: SigningKeyCache,
    prefixes: PrefixHashCache,
}

impl Signer {
    /// Validates `credentials` and prepares an empty key cache.
    pub fn new(credentials: Credentials) -> Result<Self> {
        validate_credentials(&credentials)?;
        let encoded_session_token = credentials
            .session_token()
            .filter(|t| !t.is_empty())
            .map(|t| zeroize::Zeroizing::new(crate::encoding::percent_encode(t)));
        Ok(Signer { credentials, encoded_session_token, keys: SigningKeyCache::new(), prefixes: PrefixHashCache::new() })
    }

    /// The credentials this signer uses.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Signs `request` at `signing_time`.
    pub fn sign(&self, request: &TokenRequest<'_>, signing_time: SigningTime) -> Result<AuthToken> {
        check_not_expired(&self.credentials, signing_time)?;
        let amz_date = signing_time.amz_date();
        Ok(self.keys.with_key(
            self.credentials.secret_access_key(),
            amz_date.date(),
            request.region(),
            request.kind().service(),
            |key| {
                finish(
                    request,
                    &self.credentials,
                    self.encoded_session_token.as_deref().map(String::as_str),
                    signing_time,
                    &amz_date,
                    key,
                    Some(&self.prefixes),
                )
            },
        ))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials' own Debug redacts the secret and omits the session token.
        f.debug_struct("Signer").field("credentials", &self.credentials).finish_non_exhaustive()
    }
}

/// Signs one token without a cache (derives the signing key each call).
pub fn generate_token(
    request: &TokenRequest<'_>,
    credentials: &Credentials,
    signing_time: SigningTime,
) -> Result<AuthToken> {
    validate_credentials(credentials)?;
    check_not_expired(credentials, signing_time)?;
    let amz_date = signing_time.amz_date();
    let key = derive_signing_key(
        credentials.secret_access_key(),
        amz_date.date(),
        request.region(),
        request.kind().service(),
    );
    Ok(finish(request, credentials, None, signing_time, &amz_date, &key, None))
}

fn finish(
    request: &TokenRequest<'_>,
    credentials: &Credentials,
    encoded_session_token: Option<&str>,
    signing_time: SigningTime,
    amz_date: &crate::time::AmzDate,
    key: &crate::signing_key::HmacKey,
    prefixes: Option<&PrefixHashCache>,
) -> AuthToken {
    let token = presign(
        request,
        &SigningInputs {
            access_key_id: credentials.access_key_id(),
            session_token: credentials.session_token().filter(|t| !t.is_empty()),
            encoded_session_token,
            amz_date,
            key,
        },
        prefixes,
    );
    AuthToken::new(token, request.kind(), signing_time, request.expires_in(), credentials.expiry())
}

fn check_not_expired(credentials: &Credentials, signing_time: SigningTime) -> Result<()> {
    if let Some(expiry) = credentials.expiry() {
        if expiry <= signing_time.to_system_time() {
            let when = SigningTime::from_system_time(expiry)
                .map(|t| t.to_string())
                .unwrap_or_else(|_| "before 1970".to_string());
            return Err(Error::new(
                ErrorCode::CredentialsExpired,
                format!(
                    "the credentials (access key id {}) expired at {when}, not after the signing time {signing_time}; \
                     refresh them before signing",
                    credentials.access_key_id()
                ),
            ));
        }
    }
    Ok(())
}
