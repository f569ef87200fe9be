//! The signer for the most recent credentials on this thread, so repeated one-shot calls with
//! the same credentials reuse the derived SigV4 signing key (the core's [`auroraiam::Signer`]
//! caches it per day, region and service) instead of deriving it again (about 1.5 µs).
//!
//! One entry per thread: no lock on the hot path, and worker threads never share it. The entry
//! holds the same secret the caller's JavaScript heap already holds; it is zeroized when
//! replaced and at thread exit.

use std::cell::RefCell;
use std::rc::Rc;

use auroraiam::{credentials_from_parts, Signer};

use crate::failure::Failure;
use crate::options::Identity;

struct Entry {
    identity: Identity,
    signer: Rc<Signer>,
}

thread_local! {
    static LAST: RefCell<Option<Entry>> = const { RefCell::new(None) };
}

/// The signer for `identity`, from the cache or newly validated and built by the core.
pub fn signer_for(identity: &Identity) -> Result<Rc<Signer>, Failure> {
    let hit = LAST.with(|last| {
        let last = last.try_borrow().ok()?;
        let entry = last.as_ref()?;
        (entry.identity == *identity).then(|| entry.signer.clone())
    });
    if let Some(signer) = hit {
        return Ok(signer);
    }
    let session_token = Some(identity.session_token.as_str());
    let credentials = credentials_from_parts(
        &identity.access_key_id,
        &identity.secret_access_key,
        session_token,
        identity.expiration,
    )?;
    let signer = Rc::new(Signer::new(credentials)?);
    LAST.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some(Entry { identity: identity.clone_for_cache(), signer: signer.clone() });
        }
    });
    Ok(signer)
}
