//! Signing entry points: a reusable [`Signer`] and the one-shot [`generate_token`].

use std::fmt;
use std::sync::{OnceLock, RwLock};

use crate::credentials::{validate_credentials, Credentials};
use crate::error::{Error, ErrorCode, Result};
use crate::presign::{day_of, second_of_day, Template};
use crate::request::TokenRequest;
use crate::signing_key::{derive_signing_key, SigningKeyCache};
use crate::time::SigningTime;
use crate::token::{AuthToken, TokenOutput};

/// Signs tokens with one set of credentials, reusing each derived signing key for the whole
/// day, and each request's token layout too (a token then costs the SHA-256 compressions its
/// time of day changes, a few copies and one allocation).
///
/// The first eight layouts a signer makes (requests × days) are found without
/// taking a lock (no atomic read-modify-write, which on x86 also waits for pending stores);
/// later ones, as for a signer kept for more days or used for more databases than that, under a
/// shared lock.
///
/// Immutable and `Send + Sync`: share one across threads.
pub struct Signer {
    credentials: Credentials,
    /// The session token percent-encoded once (it is part of every token).
    encoded_session_token: Option<zeroize::Zeroizing<String>>,
    keys: SigningKeyCache,
    /// The first layouts made, each set once and then read without a lock.
    pinned: [OnceLock<Box<Template>>; Signer::PINNED],
    /// Later token layouts by request and day (bounded).
    templates: RwLock<Vec<Template>>,
}

impl Signer {
    /// Token layouts kept at most under the lock (requests × days in use at once).
    const TEMPLATES: usize = 16;
    /// Token layouts read without a lock: the first this many made.
    const PINNED: usize = 8;

    /// Validates `credentials` and prepares empty caches.
    pub fn new(credentials: Credentials) -> Result<Self> {
        validate_credentials(&credentials)?;
        let encoded_session_token = credentials
            .session_token()
            .filter(|t| !t.is_empty())
            .map(|t| zeroize::Zeroizing::new(crate::encoding::percent_encode(t)));
        Ok(Signer {
            credentials,
            encoded_session_token,
            keys: SigningKeyCache::new(),
            pinned: Default::default(),
            templates: RwLock::new(Vec::new()),
        })
    }

    /// The credentials this signer uses.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Signs `request` at `signing_time`.
    pub fn sign(&self, request: &TokenRequest<'_>, signing_time: SigningTime) -> Result<AuthToken> {
        check_not_expired(&self.credentials, signing_time)?;
        let token = self.with_template(request, signing_time, |template| template.sign(second_of_day(signing_time)));
        Ok(AuthToken::new(token, request.kind(), signing_time, request.expires_in(), self.credentials.expiry()))
    }

    /// Signs `request` at `signing_time` straight into a buffer `out` provides (for instance a
    /// string object of a binding's language, filled in place): the token is never copied, nor
    /// left behind in a buffer of the core's. Same checks and token as [`Signer::sign`].
    ///
    /// Returns `Ok(false)`, having written nothing, if `out` gave no buffer of the token's length.
    pub fn sign_to(&self, request: &TokenRequest<'_>, signing_time: SigningTime, out: &mut impl TokenOutput) -> Result<bool> {
        check_not_expired(&self.credentials, signing_time)?;
        Ok(self.with_template(request, signing_time, |template| {
            out.buffer(template.len()).is_some_and(|buffer| template.sign_into(second_of_day(signing_time), buffer))
        }))
    }

    /// Runs `f` with `request`'s layout for the day of `signing_time`, made (and kept) if needed.
    fn with_template<R>(&self, request: &TokenRequest<'_>, signing_time: SigningTime, f: impl FnOnce(&Template) -> R) -> R {
        let day = day_of(signing_time);
        for slot in &self.pinned {
            match slot.get() {
                Some(template) if template.is_for(request, day) => return f(template),
                Some(_) => {}
                None => break,
            }
        }
        if let Ok(templates) = self.templates.read() {
            if let Some(template) = templates.iter().find(|t| t.is_for(request, day)) {
                return f(template);
            }
        }
        self.new_template(request, signing_time, f)
    }

    /// Lays out `request` for the day of `signing_time`, runs `f` with the layout and keeps it.
    #[cold]
    fn new_template<R>(&self, request: &TokenRequest<'_>, signing_time: SigningTime, f: impl FnOnce(&Template) -> R) -> R {
        let amz_date = signing_time.amz_date();
        let key = self.keys.with_key(
            self.credentials.secret_access_key(),
            amz_date.date(),
            request.region(),
            request.kind().service(),
            crate::signing_key::HmacKey::clone,
        );
        let template = Template::new(
            request,
            self.credentials.access_key_id(),
            self.encoded_session_token.as_deref().map(String::as_str),
            signing_time,
            key,
        );
        let result = f(&template);
        let day = day_of(signing_time);
        // Pinned if a slot is free (and no other thread pinned the same layout meanwhile).
        let mut template = Box::new(template);
        for slot in &self.pinned {
            match slot.get() {
                Some(pinned) if pinned.is_for(request, day) => return result,
                Some(_) => {}
                None => match slot.set(template) {
                    Ok(()) => return result,
                    Err(lost_race) => template = lost_race,
                },
            }
        }
        let template = *template;
        if let Ok(mut templates) = self.templates.write() {
            if !templates.iter().any(|t| t.is_for(request, day)) {
                if templates.len() >= Self::TEMPLATES {
                    // Oldest day first: yesterday's layouts are the ones no longer needed.
                    if let Some(i) = (0..templates.len()).min_by_key(|&i| templates[i].day()) {
                        templates.swap_remove(i);
                    }
                }
                templates.push(template);
            }
        }
        result
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
    let encoded_session_token = credentials
        .session_token()
        .filter(|t| !t.is_empty())
        .map(|t| zeroize::Zeroizing::new(crate::encoding::percent_encode(t)));
    let template = Template::new(
        request,
        credentials.access_key_id(),
        encoded_session_token.as_deref().map(String::as_str),
        signing_time,
        key,
    );
    let token = template.sign(second_of_day(signing_time));
    Ok(AuthToken::new(token, request.kind(), signing_time, request.expires_in(), credentials.expiry()))
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
