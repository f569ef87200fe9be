//! Promises without an async runtime: settle one at once, or chain a native callback on a
//! value that may be a thenable (what an AWS SDK credential provider returns).

use std::ffi::c_void;
use std::ptr;
use std::rc::Rc;

use napi::sys;

use crate::failure::Failure;
use crate::js::{check, Js, Key};

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

/// What a chained callback does with the settled value.
pub type Callback<T> = fn(Js, &Rc<T>, sys::napi_value) -> Result<sys::napi_value, Failure>;

struct Bound<T> {
    data: Rc<T>,
    callback: Callback<T>,
}

/// `Promise.resolve(value).then(on_fulfilled, on_rejected)` with native callbacks sharing `data`.
/// A callback's `Err` rejects the returned promise; returning a promise from a callback chains it.
pub fn then<T: 'static>(
    js: Js,
    value: sys::napi_value,
    data: Rc<T>,
    on_fulfilled: Callback<T>,
    on_rejected: Option<Callback<T>>,
) -> Result<sys::napi_value, Failure> {
    let env = js.env();
    // Resolving a fresh promise with `value` adopts it when it is a thenable.
    let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
    check(unsafe { sys::napi_create_promise(env, &mut deferred, &mut promise) })?;
    check(unsafe { sys::napi_resolve_deferred(env, deferred, value) })?;
    let then = js.get(promise, Key::Then)?;
    let fulfilled = function(js, c"onCredentials", Bound { data: data.clone(), callback: on_fulfilled })?;
    let rejected = match on_rejected {
        Some(callback) => function(js, c"onCredentialsError", Bound { data, callback })?,
        None => js.undefined()?,
    };
    let mut chained = ptr::null_mut();
    check(unsafe { sys::napi_call_function(env, promise, then, 2, [fulfilled, rejected].as_ptr(), &mut chained) })?;
    Ok(chained)
}

fn function<T: 'static>(js: Js, name: &std::ffi::CStr, bound: Bound<T>) -> Result<sys::napi_value, Failure> {
    let env = js.env();
    let data = Box::into_raw(Box::new(bound)).cast::<c_void>();
    let mut function = ptr::null_mut();
    let created = check(unsafe {
        sys::napi_create_function(env, name.as_ptr(), name.count_bytes() as isize, Some(trampoline::<T>), data, &mut function)
    });
    let finalized = created.and_then(|()| {
        check(unsafe { sys::napi_add_finalizer(env, function, data, Some(free::<T>), ptr::null_mut(), ptr::null_mut()) })
    });
    if let Err(failure) = finalized {
        // SAFETY: nothing took ownership of `data`.
        drop(unsafe { Box::from_raw(data.cast::<Bound<T>>()) });
        return Err(failure);
    }
    Ok(function)
}

unsafe extern "C" fn trampoline<T: 'static>(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let mut argc = 1usize;
    let mut argv = [ptr::null_mut(); 1];
    let mut data = ptr::null_mut();
    // SAFETY: called by Node-API with a live env and callback info.
    if unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), &mut data) }
        != sys::Status::napi_ok
    {
        return ptr::null_mut();
    }
    // SAFETY: `data` is the `Bound<T>` boxed in `function`, freed only by the function's finalizer.
    let bound = unsafe { &*data.cast::<Bound<T>>() };
    let js = Js::from_raw(env);
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (bound.callback)(js, &bound.data, argv[0])));
    match run {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            failure.throw(js);
            ptr::null_mut()
        }
        Err(_) => {
            Failure::Internal(sys::Status::napi_generic_failure).throw(js);
            ptr::null_mut()
        }
    }
}

unsafe extern "C" fn free<T>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` came from `Box::into_raw` in `function` and is finalized once.
    drop(unsafe { Box::from_raw(data.cast::<Bound<T>>()) });
}
