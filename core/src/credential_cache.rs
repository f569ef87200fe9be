//! Resolved credentials, cached and refreshed before they expire, with one fetch in flight for
//! any number of concurrent callers and no lock held while fetching.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::credentials::Credentials;
use crate::error::{Error, ErrorCode, Result};
use crate::source::CredentialsSource;

/// Longest a caller waits for another thread's fetch before giving up.
pub const DEFAULT_FETCH_WAIT: Duration = Duration::from_secs(60);

/// A suggested backoff for [`CredentialCache::with_failure_backoff`] (off by default): after a
/// fetch that failed with `CREDENTIALS_PROVIDER_FAILED` (or panicked), callers within this long
/// get the same error without a new fetch, so a failing source is not hammered by every call.
/// `CREDENTIALS_NOT_FOUND` is not backed off; [`CredentialCache::invalidate`] ends the backoff.
pub const FAILED_FETCH_BACKOFF: Duration = Duration::from_secs(1);

#[derive(Default)]
struct State {
    current: Option<Credentials>,
    fetching: bool,
    /// Incremented at the end of every fetch, so waiters can tell a fetch finished.
    generation: u64,
    last_error: Option<Error>,
    /// When the last fetch failed (start of the backoff), `None` after a success.
    failed_at: Option<Instant>,
    fetches: u64,
}

/// Caches credentials from a [`CredentialsSource`].
pub struct CredentialCache {
    source: Arc<dyn CredentialsSource>,
    state: Mutex<State>,
    done: Condvar,
    fetch_wait: Duration,
    backoff: Duration,
}

/// Ends a fetch however it ends (return or panic in the source): clears `fetching`, records the
/// outcome and wakes the waiters, so a panicking source can never leave the cache stuck.
struct FetchGuard<'a> {
    cache: &'a CredentialCache,
    outcome: Option<Result<Credentials>>,
}

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.cache.lock();
        state.fetching = false;
        state.generation += 1;
        state.fetches += 1;
        match self.outcome.take() {
            Some(Ok(c)) => {
                state.current = Some(c);
                state.last_error = None;
                state.failed_at = None;
            }
            Some(Err(e)) => {
                // Only a source that failed (endpoint down, timeout, bad answer) is backed off;
                // "nothing configured" (CREDENTIALS_NOT_FOUND) is cheap to ask again.
                let failed = e.code() == ErrorCode::CredentialsProviderFailed;
                state.last_error = Some(e);
                state.failed_at = failed.then(Instant::now);
            }
            None => {
                state.last_error = Some(Error::new(
                    ErrorCode::CredentialsProviderFailed,
                    format!("the {} credential source panicked", self.cache.source.name()),
                ));
                state.failed_at = Some(Instant::now());
            }
        }
        drop(state);
        self.cache.done.notify_all();
    }
}

impl CredentialCache {
    /// A cache in front of `source`.
    pub fn new(source: Arc<dyn CredentialsSource>) -> Self {
        CredentialCache {
            source,
            state: Mutex::new(State::default()),
            done: Condvar::new(),
            fetch_wait: DEFAULT_FETCH_WAIT,
            backoff: Duration::ZERO,
        }
    }

    /// Sets how long a failed fetch's error is served before the next fetch (suggested:
    /// [`FAILED_FETCH_BACKOFF`]). The default is zero: every call after a failure asks the
    /// source again, as the bindings document ("a failure is not cached").
    pub fn with_failure_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The source behind the cache.
    pub fn source(&self) -> &Arc<dyn CredentialsSource> {
        &self.source
    }

    /// How many fetches the source has served (for tests and metrics).
    pub fn fetch_count(&self) -> u64 {
        self.lock().fetches
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Credentials valid until at least `valid_until` (credentials without an expiry always
    /// are). Fetches when the cached ones are missing or expire too soon; concurrent callers
    /// share one fetch.
    pub fn get(&self, valid_until: SystemTime) -> Result<Credentials> {
        let fresh_enough = |c: &Credentials| c.expiry().is_none_or(|e| e > valid_until);
        let mut state = self.lock();
        loop {
            if let Some(c) = state.current.as_ref().filter(|c| fresh_enough(c)) {
                return Ok(c.clone());
            }
            if !state.fetching {
                if let (Some(e), Some(at)) = (&state.last_error, state.failed_at) {
                    if at.elapsed() < self.backoff {
                        return Err(e.clone());
                    }
                }
                break;
            }
            // Someone else is fetching: wait for that fetch instead of starting another.
            let generation = state.generation;
            let (next, timeout) = self
                .done
                .wait_timeout_while(state, self.fetch_wait, |s| s.fetching && s.generation == generation)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            state = next;
            if timeout.timed_out() && state.fetching {
                return Err(Error::new(
                    ErrorCode::CredentialsProviderFailed,
                    format!(
                        "timed out after {} s waiting for credentials from the {} source",
                        self.fetch_wait.as_secs(),
                        self.source.name()
                    ),
                ));
            }
            if state.generation != generation {
                if let Some(c) = state.current.as_ref().filter(|c| fresh_enough(c)) {
                    return Ok(c.clone());
                }
                if let Some(e) = &state.last_error {
                    return Err(e.clone());
                }
            }
        }
        state.fetching = true;
        drop(state);
        let mut guard = FetchGuard { cache: self, outcome: None };
        let result = self.source.fetch();
        guard.outcome = Some(result.clone());
        drop(guard);
        let credentials = result?;
        if !fresh_enough(&credentials) {
            return Err(Error::new(
                ErrorCode::CredentialsExpired,
                format!(
                    "the {} source returned credentials (access key id {}) that expire at {}, \
                     too soon to sign a token that must stay valid past {}",
                    self.source.name(),
                    credentials.access_key_id(),
                    fmt_time(credentials.expiry()),
                    fmt_time(Some(valid_until)),
                ),
            ));
        }
        Ok(credentials)
    }

    /// Forgets the cached credentials (and any failure backoff) so the next `get` fetches.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.current = None;
        state.failed_at = None;
    }
}

impl std::fmt::Debug for CredentialCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialCache").field("source", &self.source.name()).finish_non_exhaustive()
    }
}

fn fmt_time(t: Option<SystemTime>) -> String {
    match t.map(crate::time::SigningTime::from_system_time) {
        Some(Ok(t)) => t.to_string(),
        _ => "an unknown time".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::credentials_from_parts;
    use crate::source::FnSource;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn rotating(counter: Arc<AtomicU64>, lifetime: Duration, delay: Duration) -> Arc<dyn CredentialsSource> {
        Arc::new(FnSource::new("test", move || {
            std::thread::sleep(delay);
            let n = counter.fetch_add(1, Ordering::SeqCst);
            credentials_from_parts(&format!("AKID{n}"), "secret", None, Some(SystemTime::now() + lifetime))
        }))
    }

    #[test]
    fn one_fetch_serves_many_threads() {
        let n = Arc::new(AtomicU64::new(0));
        let cache = Arc::new(CredentialCache::new(rotating(n.clone(), Duration::from_secs(3600), Duration::from_millis(50))));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let cache = cache.clone();
                std::thread::spawn(move || cache.get(SystemTime::now()).unwrap().access_key_id().to_string())
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), "AKID0");
        }
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert_eq!(cache.fetch_count(), 1);
    }

    #[test]
    fn refreshes_credentials_that_expire_too_soon() {
        let n = Arc::new(AtomicU64::new(0));
        let cache = CredentialCache::new(rotating(n.clone(), Duration::from_secs(100), Duration::ZERO));
        assert_eq!(cache.get(SystemTime::now()).unwrap().access_key_id(), "AKID0");
        assert_eq!(cache.get(SystemTime::now() + Duration::from_secs(50)).unwrap().access_key_id(), "AKID0");
        // Needs validity beyond the current expiry: refetch; the new ones still fall short.
        let e = cache.get(SystemTime::now() + Duration::from_secs(500)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::CredentialsExpired);
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn errors_reach_every_waiter_and_the_next_call_retries() {
        let calls = Arc::new(AtomicU64::new(0));
        let c2 = calls.clone();
        let source: Arc<dyn CredentialsSource> = Arc::new(FnSource::new("flaky", move || {
            std::thread::sleep(Duration::from_millis(300));
            match c2.fetch_add(1, Ordering::SeqCst) {
                0 => Err(Error::new(ErrorCode::CredentialsProviderFailed, "endpoint down")),
                _ => credentials_from_parts("AKID", "s", None, None),
            }
        }));
        let cache = Arc::new(CredentialCache::new(source).with_failure_backoff(FAILED_FETCH_BACKOFF));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let cache = cache.clone();
                std::thread::spawn(move || cache.get(SystemTime::now()).map(|_| ()).map_err(|e| e.code()))
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), Err(ErrorCode::CredentialsProviderFailed));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Within the backoff the error is served without a new fetch; after it, the next call retries.
        assert_eq!(cache.get(SystemTime::now()).unwrap_err().code(), ErrorCode::CredentialsProviderFailed);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        std::thread::sleep(FAILED_FETCH_BACKOFF);
        assert!(cache.get(SystemTime::now()).is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn invalidate_ends_the_backoff() {
        let calls = Arc::new(AtomicU64::new(0));
        let c2 = calls.clone();
        let cache = CredentialCache::new(Arc::new(FnSource::new("flaky", move || match c2.fetch_add(1, Ordering::SeqCst) {
            0 => Err(Error::new(ErrorCode::CredentialsProviderFailed, "down")),
            _ => credentials_from_parts("AKID", "s", None, None),
        })))
        .with_failure_backoff(FAILED_FETCH_BACKOFF);
        assert!(cache.get(SystemTime::now()).is_err());
        assert!(cache.get(SystemTime::now()).is_err());
        cache.invalidate();
        assert!(cache.get(SystemTime::now()).is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_panicking_source_does_not_jam_the_cache() {
        let calls = Arc::new(AtomicU64::new(0));
        let c2 = calls.clone();
        let source: Arc<dyn CredentialsSource> = Arc::new(FnSource::new("panicky", move || {
            if c2.fetch_add(1, Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(300));
                panic!("source bug");
            }
            credentials_from_parts("AKID", "s", None, None)
        }));
        let cache = Arc::new(CredentialCache::new(source).with_failure_backoff(Duration::from_millis(200)));
        // Runs `get` on a thread and waits at most 5 s for it (today's jam would wait 60 s).
        let get = |cache: &Arc<CredentialCache>| {
            let (tx, rx) = std::sync::mpsc::channel();
            let cache = cache.clone();
            std::thread::spawn(move || {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cache.get(SystemTime::now())));
                let _ = tx.send(r.map(|r| r.map(|c| c.access_key_id().to_string()).map_err(|e| e.code())));
            });
            rx
        };
        let fetcher = get(&cache);
        std::thread::sleep(Duration::from_millis(100));
        let waiter = get(&cache);
        assert!(fetcher.recv_timeout(Duration::from_secs(5)).expect("fetcher returned").is_err(), "the panic reaches the caller");
        let waited = waiter.recv_timeout(Duration::from_secs(5)).expect("waiter was woken");
        assert_eq!(waited.unwrap(), Err(ErrorCode::CredentialsProviderFailed));
        std::thread::sleep(Duration::from_millis(250));
        let after = get(&cache).recv_timeout(Duration::from_secs(5)).expect("not jammed");
        assert_eq!(after.unwrap(), Ok("AKID".to_string()));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
