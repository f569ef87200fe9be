//! Every way a call can fail. The bottom of the binding's error handling (it names no N-API
//! helper); [`crate::throw`] turns a failure into a JavaScript exception:
//!
//! * core errors become `Error` with `code` = the core code name (`INVALID_PORT`, ...);
//! * a value of the wrong JavaScript type becomes `TypeError` with code `INVALID_ARGUMENT_TYPE`;
//! * an exception thrown by user code we ran (a getter, a credential provider) propagates as is.
//!
//! Messages name the field and never contain secret values (core guarantees this for its own
//! messages; the binding's own messages only ever name types and fields).

use auroraiam::{Error, ErrorCode};
use napi::sys;

use crate::kind::Kind;

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
}
