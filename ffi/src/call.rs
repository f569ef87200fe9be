//! The guard every exported function runs in: catches panics, turns failures into an
//! `auroraiam_result` and records the per-thread detail message.

use std::panic::{catch_unwind, AssertUnwindSafe};

pub(crate) use crate::guard::infallible;
use crate::failure::Failure;
use crate::last_error;
use crate::result::auroraiam_result;

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
            last_error::set(failure.message());
            failure.result()
        }
        Err(_) => {
            last_error::set(&format!(
                "{function}: a Rust panic was caught at the C boundary; this is a bug in auroraiam, please report it"
            ));
            auroraiam_result::Panic
        }
    }
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
