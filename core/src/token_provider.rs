//! A reusable, thread-safe token source for one endpoint: hands out the cached token while it
//! has more than a refresh margin of life left, and never a token whose credentials expire
//! within that margin.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::credential_cache::CredentialCache;
use crate::credentials::Credentials;
use crate::error::{Error, ErrorCode, Result};
use crate::request::{OwnedTokenRequest, TokenRequest};
use crate::signer::Signer;
use crate::source::CredentialsSource;
use crate::time::SigningTime;
use crate::token::AuthToken;
use crate::verify::DEFAULT_MAX_CLOCK_SKEW_SECS;

/// Default refresh margin: a cached token is replaced once it has less than this left.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

struct Slot {
    token: Arc<AuthToken>,
    /// Unix seconds at which the token was signed.
    signed_at: i64,
    /// Unix seconds from which the token is no longer handed out.
    refresh_at: i64,
}

impl Slot {
    /// True when the token may be handed out at `now`: before the refresh point, and not after
    /// the clock stepped back more than the verifier's clock skew (300 s) behind the signing
    /// time (the server would see a token signed in the future; sign a new one instead).
    fn usable_at(&self, now: i64) -> bool {
        now < self.refresh_at && now >= self.signed_at - i64::from(DEFAULT_MAX_CLOCK_SKEW_SECS)
    }
}

/// Tokens for one endpoint (kind, host, port, user, region), cached per credential identity.
///
/// `Send + Sync`; a cache hit takes a shared lock and reads the clock. Credentials come from a
/// [`CredentialCache`] (one fetch in flight, no lock held while fetching).
pub struct TokenProvider {
    request: OwnedTokenRequest,
    credentials: CredentialCache,
    refresh_margin: Duration,
    slot: RwLock<Option<Slot>>,
    signer: Mutex<Option<Arc<Signer>>>,
    /// Bumped by [`invalidate`](TokenProvider::invalidate): a token signed before it is never cached after it.
    generation: AtomicU64,
}

impl TokenProvider {
    /// Tokens for `request`, signed with credentials from `source`. The refresh margin is 60 s,
    /// or half the lifetime for tokens that live 2 minutes or less.
    pub fn new(request: &TokenRequest<'_>, source: Arc<dyn CredentialsSource>) -> Self {
        let half_life = Duration::from_secs(u64::from(request.expires_in() / 2));
        TokenProvider {
            request: request.to_owned_request(),
            credentials: CredentialCache::new(source),
            refresh_margin: DEFAULT_REFRESH_MARGIN.min(half_life),
            slot: RwLock::new(None),
            signer: Mutex::new(None),
            generation: AtomicU64::new(0),
        }
    }

    /// Sets the refresh margin; it must be shorter than the request's `expires_in`.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Result<Self> {
        let expires_in = self.request.as_request().expires_in();
        if margin.as_secs() >= u64::from(expires_in) || margin.subsec_nanos() != 0 {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "refresh margin {:?} must be whole seconds and shorter than expires_in ({expires_in} s)",
                    margin
                ),
            ));
        }
        self.refresh_margin = margin;
        Ok(self)
    }

    /// The endpoint this provider signs for.
    pub fn request(&self) -> TokenRequest<'_> {
        self.request.as_request()
    }

    /// The refresh margin.
    pub fn refresh_margin(&self) -> Duration {
        self.refresh_margin
    }

    /// How many times credentials were fetched from the source.
    pub fn credential_fetch_count(&self) -> u64 {
        self.credentials.fetch_count()
    }

    /// A token valid for at least the refresh margin, from the cache when possible.
    pub fn token(&self) -> Result<Arc<AuthToken>> {
        self.token_at(SystemTime::now())
    }

    /// As [`token`](Self::token), with an explicit clock.
    pub fn token_at(&self, now: SystemTime) -> Result<Arc<AuthToken>> {
        let now_secs = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => return Err(Error::new(ErrorCode::InvalidSigningTime, "the clock reads before 1970")),
        };
        if let Ok(slot) = self.slot.read() {
            if let Some(s) = slot.as_ref().filter(|s| s.usable_at(now_secs)) {
                return Ok(s.token.clone());
            }
        }
        self.refresh_at(now, now_secs)
    }

    /// The cached token if it can be handed out at `now`, without fetching or signing (never
    /// blocks on I/O; lets asynchronous callers answer a hit without a worker thread).
    pub fn cached_token(&self, now: SystemTime) -> Option<Arc<AuthToken>> {
        let now_secs = i64::try_from(now.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
        let slot = self.slot.read().ok()?;
        slot.as_ref().filter(|s| s.usable_at(now_secs)).map(|s| s.token.clone())
    }

    /// Drops the cached token and credentials: the next call fetches and signs anew (use it
    /// when the server rejected a token). A token being signed concurrently with the old
    /// credentials is not cached afterwards.
    pub fn invalidate(&self) {
        if let Ok(mut slot) = self.slot.write() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            *slot = None;
        }
        self.credentials.invalidate();
    }

    /// A forced-fresh token: drops the cached token and credentials ([`invalidate`](Self::invalidate)),
    /// re-resolves the credentials from the source and signs anew. What an integration uses
    /// for its one retry after the server refused a token (see [`retry_auth_failure`](crate::retry_auth_failure)).
    pub fn fresh_token(&self) -> Result<Arc<AuthToken>> {
        self.invalidate();
        let now = SystemTime::now();
        let now_secs = match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => return Err(Error::new(ErrorCode::InvalidSigningTime, "the clock reads before 1970")),
        };
        self.refresh_at(now, now_secs)
    }

    fn refresh_at(&self, now: SystemTime, now_secs: i64) -> Result<Arc<AuthToken>> {
        let margin = self.refresh_margin;
        let generation = self.generation.load(Ordering::SeqCst);
        let credentials = self.credentials.get(now + margin)?;
        let signer = self.signer_for(credentials)?;
        let at = SigningTime::from_system_time(now)?;
        let token = Arc::new(signer.sign(&self.request.as_request(), at)?);
        let effective = token
            .effective_expiry()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let refresh_at = effective - margin.as_secs() as i64;
        if refresh_at <= now_secs {
            return Err(Error::new(
                ErrorCode::CredentialsExpired,
                "the credentials expire within the refresh margin even after a refresh",
            ));
        }
        if let Ok(mut slot) = self.slot.write() {
            // Keep whichever of the racing tokens lives longer, unless invalidated meanwhile (a
            // token the clock stepped away from is always replaced).
            let current = self.generation.load(Ordering::SeqCst) == generation;
            if current && slot.as_ref().is_none_or(|s| s.refresh_at <= refresh_at || !s.usable_at(now_secs)) {
                let signed_at = token.signing_time().unix_seconds();
                *slot = Some(Slot { token: token.clone(), signed_at, refresh_at });
            }
        }
        Ok(token)
    }

    fn signer_for(&self, credentials: Credentials) -> Result<Arc<Signer>> {
        let mut current = self.signer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = current.as_ref().filter(|s| same_identity(s.credentials(), &credentials)) {
            return Ok(s.clone());
        }
        let signer = Arc::new(Signer::new(credentials)?);
        *current = Some(signer.clone());
        Ok(signer)
    }
}

fn same_identity(a: &Credentials, b: &Credentials) -> bool {
    a.access_key_id() == b.access_key_id()
        && a.secret_access_key() == b.secret_access_key()
        && a.session_token() == b.session_token()
        && a.expiry() == b.expiry()
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenProvider")
            .field("request", &self.request)
            .field("credentials", &self.credentials)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::credentials_from_parts;
    use crate::source::{FnSource, StaticSource};
    use std::sync::atomic::{AtomicU64, Ordering};

    const HOST: &str = "db.cluster-x.us-east-1.rds.amazonaws.com";

    fn provider(source: Arc<dyn CredentialsSource>) -> TokenProvider {
        let req = TokenRequest::rds(HOST, 5432, "alice").build().unwrap();
        TokenProvider::new(&req, source)
    }

    fn t(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    #[test]
    fn reuses_the_token_until_the_margin() {
        let p = provider(Arc::new(StaticSource::new(credentials_from_parts("AKID", "s", None, None).unwrap()).unwrap()));
        let a = p.token_at(t(0)).unwrap();
        assert!(Arc::ptr_eq(&a, &p.token_at(t(839)).unwrap()));
        let b = p.token_at(t(840)).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(b.signing_time().unix_seconds(), 1_700_000_840);
        assert_eq!(p.credential_fetch_count(), 1);
    }

    #[test]
    fn never_outlives_its_credentials() {
        let n = Arc::new(AtomicU64::new(0));
        let n2 = n.clone();
        // Each fetch returns credentials that live 300 s from the moment asked for (fake clock).
        let clock = Arc::new(AtomicU64::new(0));
        let c2 = clock.clone();
        let p = provider(Arc::new(FnSource::new("rotating", move || {
            let i = n2.fetch_add(1, Ordering::SeqCst);
            credentials_from_parts(&format!("ASIA{i}"), "s", Some("tok"), Some(t(c2.load(Ordering::SeqCst) + 300)))
        })));
        for now in (0..3000).step_by(7) {
            clock.store(now, Ordering::SeqCst);
            let tok = p.token_at(t(now)).unwrap();
            assert!(tok.effective_expiry() > t(now) + DEFAULT_REFRESH_MARGIN, "at {now}");
            assert!(tok.effective_expiry() <= tok.credentials_expiry().unwrap());
        }
        // 300 s credentials, 60 s margin: one fetch per 240 s or so, not one per call.
        let fetches = n.load(Ordering::SeqCst);
        assert!((12..=14).contains(&fetches), "{fetches}");
    }

    #[test]
    fn short_lifetimes_get_half_their_life_as_margin_and_hits_are_visible_without_blocking() {
        let req = TokenRequest::rds(HOST, 5432, "alice").expires_in_secs(30).build().unwrap();
        let source = Arc::new(StaticSource::new(credentials_from_parts("AKID", "s", None, None).unwrap()).unwrap());
        let p = TokenProvider::new(&req, source);
        assert_eq!(p.refresh_margin(), Duration::from_secs(15));
        assert!(p.cached_token(t(0)).is_none());
        let a = p.token_at(t(0)).unwrap();
        assert!(Arc::ptr_eq(&a, &p.cached_token(t(14)).unwrap()));
        assert!(p.cached_token(t(15)).is_none());
    }

    #[test]
    fn fresh_tokens_refetch_the_credentials() {
        let n = Arc::new(AtomicU64::new(0));
        let n2 = n.clone();
        let p = provider(Arc::new(FnSource::new("rotating", move || {
            let i = n2.fetch_add(1, Ordering::SeqCst);
            credentials_from_parts(&format!("AKIAROTATED{i}"), "s", None, None)
        })));
        let a = p.token().unwrap();
        assert!(Arc::ptr_eq(&a, &p.token().unwrap()));
        let b = p.fresh_token().unwrap();
        assert_eq!(p.credential_fetch_count(), 2);
        assert!(a.as_str().contains("AKIAROTATED0") && b.as_str().contains("AKIAROTATED1"));
        // The fresh token is the cached one from now on.
        assert!(Arc::ptr_eq(&b, &p.token().unwrap()));
    }

    #[test]
    fn a_clock_stepping_back_gets_a_new_token() {
        let p = provider(Arc::new(StaticSource::new(credentials_from_parts("AKID", "s", None, None).unwrap()).unwrap()));
        let a = p.token_at(t(10_000)).unwrap();
        // Back within the verifier's skew: still served.
        assert!(Arc::ptr_eq(&a, &p.token_at(t(10_000 - 300)).unwrap()));
        assert!(p.cached_token(t(10_000 - 300)).is_some());
        // Back further (NTP corrected a clock that ran ahead): a miss, signed at the new time.
        assert!(p.cached_token(t(10_000 - 301)).is_none());
        let b = p.token_at(t(10_000 - 3600)).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(b.signing_time().unix_seconds(), 1_700_000_000 + 10_000 - 3600);
        assert!(Arc::ptr_eq(&b, &p.cached_token(t(10_000 - 3600 + 1)).unwrap()));
    }

    #[test]
    fn margin_must_be_shorter_than_the_lifetime() {
        let p = provider(Arc::new(StaticSource::new(credentials_from_parts("AKID", "s", None, None).unwrap()).unwrap()));
        assert_eq!(p.with_refresh_margin(Duration::from_secs(900)).unwrap_err().code(), ErrorCode::InvalidArgument);
    }
}
