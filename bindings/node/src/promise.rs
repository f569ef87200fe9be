//! Promises settled at once (a token made on the JavaScript thread, or an error).

use std::ptr;

use napi::sys;

use crate::failure::Failure;
use crate::js::{check, Js};

/// A promise already fulfilled with `Ok` or rejected with the error of `Err`.
pub fn settled(js: Js, result: Result<sys::napi_value, Failure>) -> Result<sys::napi_value, Failure> {
    let env = js.env();
    // Build the rejection first: it may take a pending exception, and no promise can be
    // created while one is pending.
    let result = result.map_err(|failure| failure.into_js(js));
    let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
    check(unsafe { sys::napi_create_promise(env, &mut deferred, &mut promise) })?;
    match result {
        Ok(value) => check(unsafe { sys::napi_resolve_deferred(env, deferred, value) })?,
        Err(error) => {
            let error = if error.is_null() { js.undefined()? } else { error };
            check(unsafe { sys::napi_reject_deferred(env, deferred, error) })?
        }
    }
    Ok(promise)
}
