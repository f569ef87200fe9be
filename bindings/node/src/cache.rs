//! What repeated one-shot calls can reuse, per thread (no lock on the hot path; worker threads
//! never share it), one entry each:
//!
//! * the signer for the most recent credentials, so the same credentials reuse the derived
//!   SigV4 signing key (the core's [`auroraiam::Signer`] caches it per day, region and service)
//!   instead of deriving it again. The entry holds the same secret the caller's JavaScript heap
//!   already holds; it is zeroized when replaced and at thread exit;
//! * the core's verdict on the most recent request fields (an [`OwnedTokenRequest`]), so the
//!   same database skips hostname validation and region inference. Failures are not kept.

use std::cell::RefCell;
use std::rc::Rc;

use auroraiam::{credentials_from_parts, OwnedTokenRequest, Signer, TokenKind};

use crate::failure::Failure;
use crate::options::{Identity, Target};

struct Entry {
    identity: Identity,
    signer: Rc<Signer>,
}

struct RequestEntry {
    kind: TokenKind,
    target: Target,
    request: Rc<OwnedTokenRequest>,
}

thread_local! {
    static LAST: RefCell<Option<Entry>> = const { RefCell::new(None) };
    static LAST_REQUEST: RefCell<Option<RequestEntry>> = const { RefCell::new(None) };
}

/// The validated request for `target`: the last one if the fields are identical, else the
/// core's verdict on them.
pub fn request_for(kind: TokenKind, target: &Target) -> Result<Rc<OwnedTokenRequest>, Failure> {
    let hit = LAST_REQUEST.with(|last| {
        let last = last.try_borrow().ok()?;
        let entry = last.as_ref()?;
        (entry.kind == kind && entry.target == *target).then(|| entry.request.clone())
    });
    if let Some(request) = hit {
        return Ok(request);
    }
    let request = Rc::new(target.request(kind)?.to_owned_request());
    LAST_REQUEST.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some(RequestEntry { kind, target: target.clone(), request: request.clone() });
        }
    });
    Ok(request)
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
