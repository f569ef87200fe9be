//! Handles: JavaScript externals owning a Rust value for `index.js`'s positional fast paths (the
//! signer of a `Credentials`, a signer with a validated request). A value is used as a handle
//! only if it is one this thread made, of the expected type, and still alive, so no other
//! external (another addon's, or one of ours of another type) can be mistaken for one.

use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::hash::{BuildHasherDefault, Hasher};

use napi::sys;

use crate::failure::Failure;
use crate::js::{check, Js};

/// Hashes a box address: one multiplication instead of SipHash (the keys are our own
/// allocations, not attacker-chosen strings), with the high bits folded into the low ones that
/// pick the bucket (the low bits of an address are alignment zeros).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let h = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

thread_local! {
    /// The handles alive on this thread (each JavaScript thread has its own), by the address of
    /// the value they own, with its type.
    static LIVE: RefCell<HashMap<usize, TypeId, BuildHasherDefault<AddressHasher>>> = RefCell::default();
}

/// A new JavaScript external owning `value`, dropped when the external is collected (or the
/// environment is torn down).
pub fn new_handle<T: 'static>(js: Js, value: T) -> Result<sys::napi_value, Failure> {
    unsafe extern "C" fn release<T: 'static>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
        // `try_with`: at thread exit the registry may already be gone; the box is freed anyway.
        let _ = LIVE.try_with(|live| live.borrow_mut().remove(&(data as usize)));
        // SAFETY: `data` came from `Box::into_raw` in `new_handle::<T>` and the finalizer runs once.
        drop(unsafe { Box::from_raw(data.cast::<T>()) });
    }
    let data = Box::into_raw(Box::new(value));
    let mut external = std::ptr::null_mut();
    // SAFETY: `data` stays valid until `release`, which Node-API calls once.
    let status =
        unsafe { sys::napi_create_external(js.env(), data.cast(), Some(release::<T>), std::ptr::null_mut(), &mut external) };
    if let Err(failure) = check(status) {
        // SAFETY: not handed to Node-API: still ours.
        drop(unsafe { Box::from_raw(data) });
        return Err(failure);
    }
    LIVE.with(|live| live.borrow_mut().insert(data as usize, TypeId::of::<T>()));
    Ok(external)
}

/// A copy of the value owned by `handle` (an `Rc`: a reference count) if it is a live handle of
/// type `T` made on this thread, else `None`.
pub fn handle_value<T: Clone + 'static>(js: Js, handle: sys::napi_value) -> Result<Option<T>, Failure> {
    let mut data = std::ptr::null_mut();
    // Not an external: `napi_invalid_arg`, no exception (cheaper than asking `typeof` first).
    match unsafe { sys::napi_get_value_external(js.env(), handle, &mut data) } {
        sys::Status::napi_invalid_arg => return Ok(None),
        status => check(status)?,
    }
    let ours = LIVE.with(|live| live.borrow().get(&(data as usize)) == Some(&TypeId::of::<T>()));
    // SAFETY: a live handle of type `T` owns the `T` boxed by `new_handle::<T>` at this address
    // (alive: the handle is this call's argument, so it cannot be collected meanwhile).
    Ok(ours.then(|| unsafe { &*data.cast::<T>() }.clone()))
}
