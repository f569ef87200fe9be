//! `Failure`: why a call failed, as the status it returns and the detail message. The bottom of
//! the crate's error handling: pointer helpers and conversions return it, [`crate::call`] turns it
//! into the returned status and the per-thread message.

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

    /// The status to return.
    pub(crate) fn result(&self) -> auroraiam_result {
        self.result
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
