//! [`SignerMemo`]: the one signer a surface keeps between calls that pass no signer, so that
//! repeated calls with the same credentials reuse its derived signing keys; and
//! [`forced_refresh_due`], when a caller should ask a credential provider for fresh credentials.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::credentials::{credentials_from_parts, Credentials};
use crate::error::Result;
use crate::signer::Signer;

/// How long before they expire credentials from a caller's provider function count as
/// expiring soon: `@aws-sdk/rds-signer` and `@aws-sdk/dsql-signer` then call the provider again
/// with `{ forceRefresh: true }` (a token dies with the credentials that signed it).
pub const FORCED_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Whether credentials that expire at `expiry` (`None`: never) should be replaced by a forced
/// refresh of their provider before signing at `now`: they expire within
/// [`FORCED_REFRESH_WINDOW`], or within the caller's refresh `margin` when that is longer.
pub fn forced_refresh_due(expiry: Option<SystemTime>, now: SystemTime, margin: Duration) -> bool {
    let window = FORCED_REFRESH_WINDOW.max(margin);
    expiry.is_some_and(|at| at < now + window)
}

/// Whether credentials that expire at `expiry` (`None`: never) are still valid at `valid_until`.
pub fn valid_until(expiry: Option<SystemTime>, valid_until: SystemTime) -> bool {
    expiry.is_none_or(|at| at > valid_until)
}

/// The last signer made for calls without a signer of their own (a process-wide `static`:
/// [`SignerMemo::new`] is `const`). One slot: a call with other credentials replaces it.
///
/// Two rules use it: "same credentials, same signer" ([`SignerMemo::signer_for`],
/// [`SignerMemo::signer_for_parts`]), and "keep the default chain's signer while its
/// credentials expire more than a margin away" ([`SignerMemo::fresh`]).
#[derive(Debug, Default)]
pub struct SignerMemo {
    last: Mutex<Option<Arc<Signer>>>,
}

impl SignerMemo {
    /// An empty memo.
    pub const fn new() -> Self {
        SignerMemo { last: Mutex::new(None) }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Arc<Signer>>> {
        self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The remembered signer if its credentials never expire or expire after `now + margin`.
    pub fn fresh(&self, now: SystemTime, margin: Duration) -> Option<Arc<Signer>> {
        self.lock().as_ref().filter(|s| valid_until(s.credentials().expiry(), now + margin)).cloned()
    }

    /// The remembered signer if it holds exactly these credentials (key, secret, session token
    /// and expiry), else a new signer for them, remembered. Validates new credentials.
    pub fn signer_for(&self, credentials: Credentials) -> Result<Arc<Signer>> {
        let key = credentials.access_key_id();
        let (secret, token, expiry) = (credentials.secret_access_key(), credentials.session_token(), credentials.expiry());
        if let Some(signer) = self.matching(key, secret, token, expiry) {
            return Ok(signer);
        }
        self.remember(credentials)
    }

    /// [`SignerMemo::signer_for`] from the parts, which are only made into credentials (and
    /// validated) when the remembered signer does not hold them already.
    pub fn signer_for_parts(
        &self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
        expiry: Option<SystemTime>,
    ) -> Result<Arc<Signer>> {
        if let Some(signer) = self.matching(access_key_id, secret_access_key, session_token, expiry) {
            return Ok(signer);
        }
        self.remember(credentials_from_parts(access_key_id, secret_access_key, session_token, expiry)?)
    }

    fn matching(&self, key: &str, secret: &str, token: Option<&str>, expiry: Option<SystemTime>) -> Option<Arc<Signer>> {
        let last = self.lock();
        let signer = last.as_ref()?;
        let c = signer.credentials();
        let same = c.access_key_id() == key
            && c.secret_access_key() == secret
            && c.session_token() == token
            && c.expiry() == expiry;
        same.then(|| signer.clone())
    }

    /// A new signer for `credentials` (validated), remembered in place of the last one.
    pub fn remember(&self, credentials: Credentials) -> Result<Arc<Signer>> {
        let signer = Arc::new(Signer::new(credentials)?);
        *self.lock() = Some(signer.clone());
        Ok(signer)
    }

    /// Forgets the remembered signer (e.g. after a token was rejected).
    pub fn forget(&self) {
        *self.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const KEY: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn expiring(secs: u64) -> Credentials {
        credentials_from_parts(KEY, SECRET, Some("session"), Some(at(secs))).unwrap()
    }

    #[test]
    fn same_credentials_give_the_same_signer_other_credentials_replace_it() {
        let memo = SignerMemo::new();
        let a = memo.signer_for_parts(KEY, SECRET, None, None).unwrap();
        assert!(Arc::ptr_eq(&a, &memo.signer_for_parts(KEY, SECRET, None, None).unwrap()));
        assert!(Arc::ptr_eq(&a, &memo.signer_for(credentials_from_parts(KEY, SECRET, None, None).unwrap()).unwrap()));
        // Any differing part (token, expiry, secret) makes a new signer, which replaces the old.
        let b = memo.signer_for_parts(KEY, SECRET, Some("t"), None).unwrap();
        assert!(!Arc::ptr_eq(&a, &b));
        let c = memo.signer_for_parts(KEY, SECRET, Some("t"), Some(at(2_000_000_000))).unwrap();
        assert!(!Arc::ptr_eq(&b, &c));
        let d = memo.signer_for_parts(KEY, "other-secret-0123456789", Some("t"), Some(at(2_000_000_000))).unwrap();
        assert!(!Arc::ptr_eq(&c, &d));
        assert!(!Arc::ptr_eq(&a, &memo.signer_for_parts(KEY, SECRET, None, None).unwrap()));
    }

    #[test]
    fn invalid_parts_are_refused_and_leave_the_memo_alone() {
        let memo = SignerMemo::new();
        let a = memo.signer_for_parts(KEY, SECRET, None, None).unwrap();
        assert_eq!(memo.signer_for_parts("", SECRET, None, None).unwrap_err().code(), ErrorCode::InvalidCredentials);
        assert!(Arc::ptr_eq(&a, &memo.fresh(at(0), Duration::ZERO).unwrap()));
    }

    #[test]
    fn fresh_keeps_a_signer_while_its_credentials_expire_more_than_the_margin_away() {
        let memo = SignerMemo::new();
        assert!(memo.fresh(at(0), Duration::ZERO).is_none());
        let s = memo.remember(expiring(1_000)).unwrap();
        let margin = Duration::from_secs(60);
        assert!(Arc::ptr_eq(&s, &memo.fresh(at(939), margin).unwrap()));
        assert!(memo.fresh(at(940), margin).is_none(), "expiry exactly at now + margin is not fresh");
        assert!(memo.fresh(at(2_000), margin).is_none());
        memo.remember(credentials_from_parts(KEY, SECRET, None, None).unwrap()).unwrap();
        assert!(memo.fresh(at(u32::MAX as u64), margin).is_some(), "credentials without expiry stay fresh");
        memo.forget();
        assert!(memo.fresh(at(0), margin).is_none());
    }

    #[test]
    fn forced_refresh_is_due_within_fifteen_minutes_or_the_margin_if_longer() {
        let now = at(1_000_000);
        let min = Duration::from_secs(60);
        assert!(!forced_refresh_due(None, now, min));
        assert!(!forced_refresh_due(Some(now + FORCED_REFRESH_WINDOW), now, min));
        assert!(forced_refresh_due(Some(now + FORCED_REFRESH_WINDOW - Duration::from_secs(1)), now, min));
        assert!(forced_refresh_due(Some(now), now, min));
        let long = Duration::from_secs(30 * 60);
        assert!(forced_refresh_due(Some(now + Duration::from_secs(20 * 60)), now, long));
        assert!(!forced_refresh_due(Some(now + long), now, long));
    }

    #[test]
    fn valid_until_treats_no_expiry_as_forever_and_the_instant_itself_as_too_late() {
        assert!(valid_until(None, at(u32::MAX as u64)));
        assert!(valid_until(Some(at(11)), at(10)));
        assert!(!valid_until(Some(at(10)), at(10)));
    }
}
