//! Blocking work on the libuv threadpool (Node-API async work), finished on the JavaScript
//! thread: what a signer runs when a token may need a credential fetch (files, processes, HTTP),
//! so the event loop keeps running meanwhile.
//!
//! The work item is split in two: `W` goes to the pool thread and must be `Send`; `M` stays
//! with the JavaScript thread (it may hold `Rc`s and JavaScript handles) and is only touched
//! again in the completion callback, on that thread.

use std::ffi::{c_void, CStr};
use std::ptr;

use napi::sys;

use crate::failure::Failure;
use crate::js::{check, Js};

struct Item<W, M> {
    /// Touched on the pool thread only through a raw field pointer (never `&Item`).
    work: W,
    execute: fn(&mut W),
    main: M,
    complete: fn(Js, W, M),
    handle: sys::napi_async_work,
}

/// Runs `execute(&mut work)` on the threadpool, then `complete(js, work, main)` on this thread.
/// If the work cannot be queued, nothing runs and the error is returned.
pub fn spawn<W: Send + 'static, M: 'static>(
    js: Js,
    name: &CStr,
    work: W,
    execute: fn(&mut W),
    main: M,
    complete: fn(Js, W, M),
) -> Result<(), Failure> {
    let env = js.env();
    let mut resource_name = ptr::null_mut();
    check(unsafe { sys::napi_create_string_utf8(env, name.as_ptr(), name.count_bytes() as isize, &mut resource_name) })?;
    let item = Box::into_raw(Box::new(Item { work, execute, main, complete, handle: ptr::null_mut() }));
    let mut handle = ptr::null_mut();
    let created = check(unsafe {
        sys::napi_create_async_work(
            env,
            ptr::null_mut(),
            resource_name,
            Some(run::<W, M>),
            Some(finish::<W, M>),
            item.cast::<c_void>(),
            &mut handle,
        )
    });
    if let Err(failure) = created {
        // SAFETY: nothing else owns `item`.
        drop(unsafe { Box::from_raw(item) });
        return Err(failure);
    }
    // SAFETY: `item` is ours until the work is queued.
    unsafe { (*item).handle = handle };
    if let Err(failure) = check(unsafe { sys::napi_queue_async_work(env, handle) }) {
        unsafe {
            sys::napi_delete_async_work(env, handle);
            drop(Box::from_raw(item));
        }
        return Err(failure);
    }
    Ok(())
}

unsafe extern "C" fn run<W: Send, M>(_env: sys::napi_env, data: *mut c_void) {
    let item = data.cast::<Item<W, M>>();
    // SAFETY: the JavaScript thread does not touch the item while the work runs; only `work`
    // and the `execute` pointer are read here, never `main`.
    let (work, execute) = unsafe { (&mut *ptr::addr_of_mut!((*item).work), *ptr::addr_of!((*item).execute)) };
    // A panic must not cross the C boundary; `complete` sees the work as it was left.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(work)));
}

unsafe extern "C" fn finish<W, M>(env: sys::napi_env, _status: sys::napi_status, data: *mut c_void) {
    // SAFETY: `data` is the item boxed in `spawn`; the completion runs once, on its thread.
    let item = unsafe { Box::from_raw(data.cast::<Item<W, M>>()) };
    let Item { work, main, complete, handle, .. } = *item;
    unsafe { sys::napi_delete_async_work(env, handle) };
    // Also when cancelled (`_status`): `complete` then finds the work not done and says so.
    let js = Js::from_raw(env);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| complete(js, work, main)));
}
