//! The guard every exported function runs in: catches panics, turns failures into an
//! `auroraiam_result` and records the per-thread detail message.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::last_error;
use crate::result::auroraiam_result;

/// Why a call failed: the status to return and the detail message (never a secret).
#[derive(Debug)]
pub struct Failure {
    result: auroraiam_result,
    message: String,
}

impl Failure {
    /// A required pointer argument was NULL.
    pub(crate) fn null_argument(field: &str) -> Failure {
        Failure {
            result: auroraiam_result::NullArgument,
            message: format!("{field} is NULL"),
        }
    }

    /// A core error code with a message written at the boundary (conversions the core has no
    /// helper for, e.g. a negative number of seconds).
    pub(crate) fn core(code: auroraiam::ErrorCode, message: impl Into<String>) -> Failure {
        Failure::from(auroraiam::Error::new(code, message))
    }

    /// The function needs a cargo feature this build was made without.
    #[cfg_attr(feature = "credential-chain", allow(dead_code))]
    pub(crate) fn unsupported(message: impl Into<String>) -> Failure {
        Failure {
            result: auroraiam_result::Unsupported,
            message: message.into(),
        }
    }

    /// The detail message.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// A length argument cannot describe a buffer.
    pub(crate) fn invalid_length(field: &str, len: usize) -> Failure {
        Failure {
            result: auroraiam_result::InvalidLength,
            message: format!("{field}_len {len} is larger than any object can be (PTRDIFF_MAX)"),
        }
    }
}

impl From<auroraiam::Error> for Failure {
    fn from(error: auroraiam::Error) -> Failure {
        let result = auroraiam_result::from_code(error.code());
        let message = if result == auroraiam_result::Internal {
            format!(
                "unmapped core error {}: {}",
                error.code().name(),
                error.message()
            )
        } else {
            error.message().to_string()
        };
        Failure { result, message }
    }
}

/// Runs the body of a fallible export: `Ok` becomes `AURORAIAM_RESULT_OK` and clears the
/// thread's detail message, an error or a caught panic sets it.
pub(crate) fn call(
    function: &'static str,
    body: impl FnOnce() -> Result<(), Failure>,
) -> auroraiam_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            last_error::clear();
            auroraiam_result::Ok
        }
        Ok(Err(failure)) => {
            last_error::set(&failure.message);
            failure.result
        }
        Err(_) => {
            last_error::set(&format!(
                "{function}: a Rust panic was caught at the C boundary; this is a bug in auroraiam, please report it"
            ));
            auroraiam_result::Panic
        }
    }
}

/// Runs the body of an export that cannot fail; a caught panic returns `fallback`.
pub(crate) fn infallible<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> String {
        let mut buf = vec![0 as std::ffi::c_char; 512];
        let n = unsafe { last_error::auroraiam_last_error_message(buf.as_mut_ptr(), buf.len()) };
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(n, text.len());
        text
    }

    #[test]
    fn panics_become_panic_results_with_a_message() {
        let r = call("auroraiam_test", || panic!("boom"));
        assert_eq!(r, auroraiam_result::Panic);
        assert!(message().starts_with("auroraiam_test: a Rust panic was caught"));
        assert_eq!(infallible(7, || panic!("boom")), 7);
    }

    #[test]
    fn success_clears_and_errors_set_the_detail() {
        let r = call("f", || Err(Failure::null_argument("hostname")));
        assert_eq!(r, auroraiam_result::NullArgument);
        assert_eq!(message(), "hostname is NULL");
        assert_eq!(call("f", || Ok(())), auroraiam_result::Ok);
        assert_eq!(message(), "");
    }
}
