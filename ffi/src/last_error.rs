//! The per-thread detail message of the last failed call.

use std::cell::RefCell;
use std::ffi::c_char;

use crate::ptr::copy_to_buffer;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records the detail of a failure on this thread.
pub(crate) fn set(message: &str) {
    // try_with: during thread teardown the slot may be gone; the detail is then dropped.
    let _ = LAST_ERROR.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.clear();
            m.push_str(message);
        }
    });
}

/// Forgets the detail (after a successful call).
pub(crate) fn clear() {
    let _ = LAST_ERROR.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.clear();
        }
    });
}

/// Copies the detail message of the calling thread's most recent call into `buf`.
///
/// Every function that returns an `auroraiam_result` replaces this thread's message: with a
/// description of the failure (which argument, which rule; never a secret or a token) when it
/// fails, with the empty string when it succeeds. Other threads' calls never change it.
///
/// Writes at most `buf_len - 1` bytes, cut at a UTF-8 character boundary, and a terminating
/// NUL, like `snprintf`. Returns the full length of the message in bytes (without the NUL):
/// a return value `>= buf_len` means it was cut. `buf` may be NULL (with any `buf_len`) to
/// ask for the length only; nothing is written when `buf` is NULL or `buf_len` is 0.
///
/// Thread-safe: reads only the calling thread's message.
///
/// # Safety
/// `buf` is NULL or points to `buf_len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn auroraiam_last_error_message(buf: *mut c_char, buf_len: usize) -> usize {
    crate::guard::infallible(0, || {
        LAST_ERROR.with(|m| {
            // SAFETY: forwarded contract.
            unsafe { copy_to_buffer(&m.borrow(), buf, buf_len) }
        })
    })
}
