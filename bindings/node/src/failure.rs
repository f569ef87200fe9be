//! Every way a call can fail, and how each becomes a JavaScript exception.
//!
//! * core errors become `Error` with `code` = the core code name (`INVALID_PORT`, ...);
//! * a value of the wrong JavaScript type becomes `TypeError` with code `INVALID_ARGUMENT_TYPE`;
//! * an exception thrown by user code we ran (a getter, a credential provider) propagates as is.
//!
//! Messages name the field and never contain secret values (core guarantees this for its own
//! messages; the binding's own messages only ever name types and fields).

use std::ptr;

use auroraiam::{Error, ErrorCode};
use napi::sys;

use crate::js::{check, Js, Kind};

/// The `code` of a `TypeError` thrown for a value of the wrong JavaScript type.
pub const INVALID_ARGUMENT_TYPE: &str = "INVALID_ARGUMENT_TYPE";

/// The `code` of an error thrown when N-API itself fails (a dying worker, a binding bug).
pub const NAPI_ERROR: &str = "NAPI_ERROR";

/// Why a call failed.
pub enum Failure {
    /// A rule of the core was broken.
    Core(Error),
    /// A value had the wrong JavaScript type.
    Type { field: &'static str, expected: &'static str, got: Kind },
    /// A JavaScript exception is already pending (a getter or provider threw); let it through.
    Pending,
    /// An N-API call failed with this status.
    Internal(sys::napi_status),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core(error)
    }
}

impl Failure {
    /// `field` must be `expected` but was of JavaScript type `got`.
    pub fn type_error(field: &'static str, expected: &'static str, got: Kind) -> Self {
        Failure::Type { field, expected, got }
    }

    /// A string that UTF-8 cannot represent (it holds an unpaired UTF-16 surrogate).
    pub fn lone_surrogate(field: &'static str) -> Self {
        Failure::Core(Error::new(
            ErrorCode::InvalidUtf8,
            format!("{field} is not valid Unicode: it contains an unpaired UTF-16 surrogate"),
        ))
    }

    /// A JavaScript number that is not an integer where the core needs one.
    pub fn not_integer(field: &'static str, code: ErrorCode, value: f64) -> Self {
        let shown = if value.is_nan() {
            "NaN".to_string()
        } else if value.is_infinite() {
            if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
        } else {
            value.to_string()
        };
        Failure::Core(Error::new(code, format!("{field} must be a whole number, got {shown}")))
    }

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
