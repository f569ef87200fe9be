//! How a [`Failure`] becomes a JavaScript exception (see [`crate::failure`] for the mapping).

use std::ptr;

use napi::sys;

use crate::failure::{Failure, INVALID_ARGUMENT_TYPE, NAPI_ERROR};
use crate::js::{check, Js};

impl Failure {
    /// Builds the JavaScript error object (or takes the pending exception).
    pub fn into_js(self, js: Js) -> sys::napi_value {
        let env = js.env();
        let (code, message, type_error) = match self {
            Failure::Core(error) => (error.code().name(), error.message().to_string(), false),
            Failure::Type { field, expected, got } => {
                (INVALID_ARGUMENT_TYPE, format!("{field} must be {expected}, got {}", got.name()), true)
            }
            Failure::Pending => return take_pending(env),
            Failure::Internal(status) => {
                if let Some(pending) = pending(env) {
                    return pending;
                }
                (NAPI_ERROR, format!("Node-API call failed with status {status}"), false)
            }
        };
        build_error(js, code, &message, type_error)
    }

    /// Throws this failure into JavaScript.
    pub fn throw(self, js: Js) {
        if matches!(self, Failure::Pending) {
            return;
        }
        let error = self.into_js(js);
        if !error.is_null() {
            // SAFETY: live env; if throwing fails the env is tearing down and nobody listens.
            unsafe { sys::napi_throw(js.env(), error) };
        }
    }
}

fn build_error(js: Js, code: &str, message: &str, type_error: bool) -> sys::napi_value {
    let env = js.env();
    let (Ok(code), Ok(message)) = (js.new_string(code), js.new_string(message)) else {
        return ptr::null_mut();
    };
    let mut error = ptr::null_mut();
    // SAFETY: live env and values; `code` becomes the error's `code` property.
    let status = unsafe {
        if type_error {
            sys::napi_create_type_error(env, code, message, &mut error)
        } else {
            sys::napi_create_error(env, code, message, &mut error)
        }
    };
    if check(status).is_err() {
        return ptr::null_mut();
    }
    error
}

fn pending(env: sys::napi_env) -> Option<sys::napi_value> {
    let mut is_pending = false;
    // SAFETY: live env.
    unsafe { sys::napi_is_exception_pending(env, &mut is_pending) };
    if is_pending {
        Some(take_pending(env))
    } else {
        None
    }
}

fn take_pending(env: sys::napi_env) -> sys::napi_value {
    let mut error = ptr::null_mut();
    // SAFETY: live env; clears the pending exception so it can be rethrown or used to reject.
    unsafe { sys::napi_get_and_clear_last_exception(env, &mut error) };
    error
}

/// The error napi-rs's macro layer needs after we have thrown ourselves: it sees the pending
/// exception and leaves it alone.
pub fn already_thrown() -> napi::Error {
    napi::Error::new(napi::Status::PendingException, String::new())
}
