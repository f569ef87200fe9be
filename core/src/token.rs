//! The generated token: a bearer credential, redacted in `Debug` and zeroized on drop.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::request::TokenKind;
use crate::time::SigningTime;

/// An IAM database authentication token (the password to send to the database).
///
/// `Debug` never prints the token; the buffer is wiped when dropped. There is deliberately
/// no `Display`: use [`AuthToken::as_str`] where the token really must go.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthToken {
    token: String,
    kind: TokenKind,
    signing_time: SigningTime,
    expires_in: u32,
    credentials_expiry: Option<SystemTime>,
}

impl AuthToken {
    pub(crate) fn new(
        token: String,
        kind: TokenKind,
        signing_time: SigningTime,
        expires_in: u32,
        credentials_expiry: Option<SystemTime>,
    ) -> Self {
        AuthToken { token, kind, signing_time, expires_in, credentials_expiry }
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.token
    }

    /// Takes the token text out (the caller becomes responsible for it).
    pub fn into_string(mut self) -> String {
        std::mem::take(&mut self.token)
    }

    /// Length of the token in bytes (poolers with short password buffers truncate long ones).
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Always false: a token is never empty.
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }

    /// The token kind.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// When it was signed.
    pub fn signing_time(&self) -> SigningTime {
        self.signing_time
    }

    /// Requested lifetime in seconds (`X-Amz-Expires`).
    pub fn expires_in(&self) -> u32 {
        self.expires_in
    }

    /// Signing time plus `expires_in`.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.signing_time.plus_seconds(self.expires_in) as u64)
    }

    /// Expiry of the credentials that signed it, if they are temporary.
    pub fn credentials_expiry(&self) -> Option<SystemTime> {
        self.credentials_expiry
    }

    /// When the server stops accepting it: the earlier of [`expires_at`](Self::expires_at) and
    /// the credentials' expiry (a token dies with the credentials that signed it).
    pub fn effective_expiry(&self) -> SystemTime {
        match self.credentials_expiry {
            Some(c) if c < self.expires_at() => c,
            _ => self.expires_at(),
        }
    }
}

/// Where [`Signer::sign_to`](crate::Signer::sign_to) writes a token: a buffer of exactly the
/// token's length, made by the caller, which the token (ASCII) fills entirely.
pub trait TokenOutput {
    /// A writable buffer of exactly `len` bytes, or `None` if none could be made.
    fn buffer(&mut self, len: usize) -> Option<&mut [u8]>;
}

/// A `Vec<u8>` output: the token replaces the vector's contents.
impl TokenOutput for Vec<u8> {
    fn buffer(&mut self, len: usize) -> Option<&mut [u8]> {
        crate::wipe::wipe(self);
        self.clear();
        self.resize(len, 0);
        Some(self)
    }
}

impl Drop for AuthToken {
    fn drop(&mut self) {
        crate::wipe::wipe_string(std::mem::take(&mut self.token));
    }
}

impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthToken")
            .field("kind", &self.kind)
            .field("len", &self.token.len())
            .field("signing_time", &self.signing_time)
            .field("expires_in", &self.expires_in)
            .field("token", &"** redacted **")
            .finish()
    }
}
