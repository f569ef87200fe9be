//! `auroraiam_token_kind`: which kind of token (RDS, DSQL, DSQL admin), as C sees it.

use std::ffi::c_char;

use auroraiam::TokenKind;

use crate::failure::Failure;
use crate::ptr::static_text;

/// The kind of a token: which service it is signed for and which action it grants.
///
/// Values are stable and never reused; 0 is no kind (what a getter returns for NULL).
/// Functions take and return it as `uint32_t`; `auroraiam_token_kind_name()` gives its name.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum auroraiam_token_kind {
    /// RDS / Aurora IAM database authentication (`rds-db`, `Action=connect`), name "rds".
    Rds = 1,
    /// Aurora DSQL, any role but `admin` (`dsql`, `Action=DbConnect`), name "dsql".
    Dsql = 2,
    /// Aurora DSQL, the `admin` role (`dsql`, `Action=DbConnectAdmin`), name "dsql-admin".
    DsqlAdmin = 3,
}

impl auroraiam_token_kind {
    /// Every value, in numeric order.
    pub const ALL: &'static [auroraiam_token_kind] = &[
        auroraiam_token_kind::Rds,
        auroraiam_token_kind::Dsql,
        auroraiam_token_kind::DsqlAdmin,
    ];

    /// The C value of a core kind.
    pub fn from_core(kind: TokenKind) -> auroraiam_token_kind {
        match kind {
            TokenKind::Rds => auroraiam_token_kind::Rds,
            TokenKind::Dsql => auroraiam_token_kind::Dsql,
            TokenKind::DsqlAdmin => auroraiam_token_kind::DsqlAdmin,
        }
    }

    /// The core kind of a C value.
    pub fn to_core(self) -> TokenKind {
        match self {
            auroraiam_token_kind::Rds => TokenKind::Rds,
            auroraiam_token_kind::Dsql => TokenKind::Dsql,
            auroraiam_token_kind::DsqlAdmin => TokenKind::DsqlAdmin,
        }
    }

    /// The value with this number, if there is one.
    pub fn from_number(number: u32) -> Option<auroraiam_token_kind> {
        Self::ALL.iter().copied().find(|k| *k as u32 == number)
    }
}

/// A `uint32_t` kind argument as a core kind; `INVALID_ARGUMENT` naming `field` otherwise.
pub(crate) fn kind_arg(number: u32, field: &str) -> Result<TokenKind, Failure> {
    auroraiam_token_kind::from_number(number)
        .map(auroraiam_token_kind::to_core)
        .ok_or_else(|| {
            Failure::core(
                auroraiam::ErrorCode::InvalidArgument,
                format!(
                    "{field} {number} is not an auroraiam_token_kind \
                     (1 = AURORAIAM_TOKEN_KIND_RDS, 2 = _DSQL, 3 = _DSQL_ADMIN)"
                ),
            )
        })
}

/// The name of a token kind: "rds", "dsql" or "dsql-admin" (the `kind` of the shared test
/// vectors and of the other language bindings); "unknown" for any other value.
///
/// Returns a static NUL-terminated string: never free it; never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn auroraiam_token_kind_name(kind: u32) -> *const c_char {
    crate::guard::infallible(
        c"unknown".as_ptr(),
        || match auroraiam_token_kind::from_number(kind) {
            Some(k) => static_text(k.to_core().name()),
            None => c"unknown".as_ptr(),
        },
    )
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    #[test]
    fn kinds_round_trip_with_the_core_names() {
        for k in auroraiam_token_kind::ALL {
            assert_eq!(auroraiam_token_kind::from_core(k.to_core()), *k);
            let name = unsafe { CStr::from_ptr(auroraiam_token_kind_name(*k as u32)) };
            assert_eq!(
                TokenKind::from_name(name.to_str().unwrap()),
                Some(k.to_core())
            );
        }
        for n in [0u32, 4, u32::MAX] {
            let name = unsafe { CStr::from_ptr(auroraiam_token_kind_name(n)) };
            assert_eq!(name.to_bytes(), b"unknown");
            assert!(kind_arg(n, "expect_kind").is_err());
        }
    }
}
