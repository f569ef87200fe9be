//! The status every fallible function returns, and its static name and description.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use auroraiam::ErrorCode;


/// Status of a call: `AURORAIAM_RESULT_OK` (0) or the reason it failed.
///
/// Values are stable and never reused. Each error of the core library has the value of its
/// `ErrorCode::number()` (7001 and up) and the same name (`AURORAIAM_RESULT_INVALID_HOSTNAME`
/// is the core's `INVALID_HOSTNAME`, and the `code` of Python and Node errors). Values from
/// 7901 up exist only at the C boundary. Functions return it as `uint32_t`, so a library newer
/// than your header may return a value your header does not name: `auroraiam_result_name()`
/// and `auroraiam_result_str()` describe every value the library can return.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum auroraiam_result {
    /// Success.
    Ok = 0,
    /// The hostname is empty, too long, or not a bare DNS name / IP literal.
    InvalidHostname = 7001,
    /// The port is outside 1..=65535.
    InvalidPort = 7002,
    /// The database user name is empty, too long or contains NUL.
    InvalidUsername = 7003,
    /// The region is empty or not shaped like an AWS region (`us-east-1`).
    InvalidRegion = 7004,
    /// No region was given and none can be inferred from the hostname.
    RegionRequired = 7005,
    /// Access key id, secret access key or session token is empty or malformed.
    InvalidCredentials = 7006,
    /// `expires_in` is outside the range the token kind allows.
    InvalidExpiresIn = 7007,
    /// The signing time cannot be expressed in a SigV4 date (before 1970 or after 9999).
    InvalidSigningTime = 7008,
    /// A text argument is not valid UTF-8.
    InvalidUtf8 = 7009,
    /// No credentials were found where the library looked for them.
    CredentialsNotFound = 7010,
    /// The credentials had already expired at the signing time.
    CredentialsExpired = 7011,
    /// The text is not a well-formed IAM database token.
    TokenMalformed = 7012,
    /// Verification: no secret is known for the token's access key id.
    UnknownAccessKey = 7013,
    /// Verification: the signature does not match the token's contents.
    SignatureMismatch = 7014,
    /// Verification: the token's lifetime is over.
    TokenExpired = 7015,
    /// Verification: the token is signed further in the future than the allowed clock skew.
    TokenNotYetValid = 7016,
    /// Verification: the token was made for another host.
    HostMismatch = 7017,
    /// Verification: the token was made for another port.
    PortMismatch = 7018,
    /// Verification: the token was made for another database user.
    UserMismatch = 7019,
    /// Verification: the token was signed for another region.
    RegionMismatch = 7020,
    /// Verification: the token is of another kind (RDS vs DSQL vs DSQL admin).
    KindMismatch = 7021,
    /// An option (refresh margin, timeout, profile name, …) is out of range or malformed.
    InvalidArgument = 7022,
    /// A credential source was configured but failed (endpoint down, bad JSON, process error…).
    CredentialsProviderFailed = 7023,
    /// An AWS account id is not 12 decimal digits.
    InvalidAccountId = 7024,
    /// An RDS resource id (`db-…`, `cluster-…`, `prx-…`) or DSQL cluster id is malformed, or is a
    /// name (instance/cluster identifier, endpoint) where IAM needs the resource id.
    InvalidResourceId = 7025,
    /// An ARN (IAM role, `rds-db` database user, DSQL cluster) is malformed in one of its parts.
    InvalidArn = 7026,
    /// The text is not an IAM policy document (not JSON, or an element has the wrong shape).
    InvalidPolicy = 7027,
    /// Verification: the token's `X-Amz-Expires` is longer than its kind allows (RDS/Aurora: 900 s).
    TokenLifetimeTooLong = 7028,
    /// A required pointer argument was NULL (C boundary only).
    NullArgument = 7901,
    /// A length argument is larger than any object can be (above PTRDIFF_MAX; C boundary only).
    InvalidLength = 7902,
    /// A Rust panic was caught at the C boundary: a bug in auroraiam, please report it.
    Panic = 7903,
    /// The core reported an error this build of the C library has no value for: a bug in
    /// auroraiam (tests check that every core error is mapped), please report it.
    Internal = 7904,
    /// The function needs a feature this build of the library was made without (the default
    /// credential chain in the slim build; C boundary only). `auroraiam_has_default_chain()`
    /// tells which build you have.
    Unsupported = 7905,
}

/// Name and description of the values that exist only at the C boundary.
const BOUNDARY_ONLY: &[(auroraiam_result, &str, &str)] = &[
    (auroraiam_result::Ok, "OK", "success"),
    (
        auroraiam_result::NullArgument,
        "NULL_ARGUMENT",
        "a required pointer argument is NULL",
    ),
    (
        auroraiam_result::InvalidLength,
        "INVALID_LENGTH",
        "a length argument is larger than any object can be",
    ),
    (
        auroraiam_result::Panic,
        "PANIC",
        "internal error: a panic was caught at the C boundary",
    ),
    (
        auroraiam_result::Internal,
        "INTERNAL",
        "internal error: an unmapped core error",
    ),
    (
        auroraiam_result::Unsupported,
        "UNSUPPORTED",
        "the feature is not in this build of the library",
    ),
];

impl auroraiam_result {
    /// Every value, in numeric order.
    pub const ALL: &'static [auroraiam_result] = &[
        auroraiam_result::Ok,
        auroraiam_result::InvalidHostname,
        auroraiam_result::InvalidPort,
        auroraiam_result::InvalidUsername,
        auroraiam_result::InvalidRegion,
        auroraiam_result::RegionRequired,
        auroraiam_result::InvalidCredentials,
        auroraiam_result::InvalidExpiresIn,
        auroraiam_result::InvalidSigningTime,
        auroraiam_result::InvalidUtf8,
        auroraiam_result::CredentialsNotFound,
        auroraiam_result::CredentialsExpired,
        auroraiam_result::TokenMalformed,
        auroraiam_result::UnknownAccessKey,
        auroraiam_result::SignatureMismatch,
        auroraiam_result::TokenExpired,
        auroraiam_result::TokenNotYetValid,
        auroraiam_result::HostMismatch,
        auroraiam_result::PortMismatch,
        auroraiam_result::UserMismatch,
        auroraiam_result::RegionMismatch,
        auroraiam_result::KindMismatch,
        auroraiam_result::InvalidArgument,
        auroraiam_result::CredentialsProviderFailed,
        auroraiam_result::InvalidAccountId,
        auroraiam_result::InvalidResourceId,
        auroraiam_result::InvalidArn,
        auroraiam_result::InvalidPolicy,
        auroraiam_result::TokenLifetimeTooLong,
        auroraiam_result::NullArgument,
        auroraiam_result::InvalidLength,
        auroraiam_result::Panic,
        auroraiam_result::Internal,
        auroraiam_result::Unsupported,
    ];

    /// The value with this number, if there is one.
    pub fn from_number(number: u32) -> Option<auroraiam_result> {
        Self::ALL.iter().copied().find(|r| *r as u32 == number)
    }

    /// The value for a core error code: the one with the same number, `Internal` if this build
    /// has none (a test makes sure that never happens).
    pub fn from_code(code: ErrorCode) -> auroraiam_result {
        Self::from_number(code.number()).unwrap_or(auroraiam_result::Internal)
    }
}

/// Name and description of one value as static C strings.
struct Entry {
    number: u32,
    name: CString,
    description: CString,
}

/// The static strings of every value the library can return: core codes come from the core's
/// `ErrorCode::ALL` (so a new core code is described even before it gets a constant here),
/// boundary-only values from [`BOUNDARY_ONLY`]. Built once, kept for the life of the process.
fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let c = |s: &str| CString::new(s).unwrap_or_default();
        let core = ErrorCode::ALL.iter().map(|code| Entry {
            number: code.number(),
            name: c(code.name()),
            description: c(code.description()),
        });
        let boundary = BOUNDARY_ONLY.iter().map(|(r, name, description)| Entry {
            number: *r as u32,
            name: c(name),
            description: c(description),
        });
        core.chain(boundary).collect()
    })
}

fn entry(number: u32) -> Option<&'static Entry> {
    entries().iter().find(|e| e.number == number)
}

/// A static English description of a result value, e.g. "invalid hostname".
///
/// Returns a NUL-terminated string owned by the library and valid for the life of the
/// process: never free it. Unknown values give "unknown auroraiam_result value"; the result is
/// never NULL. For the detail of a particular failure (which field, which rule), call
/// `auroraiam_last_error_message()`. Thread-safe.
#[no_mangle]
pub extern "C" fn auroraiam_result_str(result: u32) -> *const c_char {
    crate::guard::infallible(c"unknown auroraiam_result value".as_ptr(), || {
        entry(result).map_or(c"unknown auroraiam_result value".as_ptr(), |e| {
            e.description.as_ptr()
        })
    })
}

/// The stable name of a result value without its prefix, e.g. "INVALID_HOSTNAME" for
/// `AURORAIAM_RESULT_INVALID_HOSTNAME`, "OK" for 0.
///
/// The names are the `code` of the Python and Node errors and the `expected_error` of the
/// shared test vectors. Returns a NUL-terminated string owned by the library and valid for the
/// life of the process: never free it. Unknown values give "UNKNOWN"; the result is never
/// NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn auroraiam_result_name(result: u32) -> *const c_char {
    crate::guard::infallible(c"UNKNOWN".as_ptr(), || {
        entry(result).map_or(c"UNKNOWN".as_ptr(), |e| e.name.as_ptr())
    })
}

/// The name of a value as stored in the entries (for tests).
#[cfg(test)]
pub(crate) fn name_of(result: auroraiam_result) -> &'static std::ffi::CStr {
    // SAFETY: auroraiam_result_name returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(auroraiam_result_name(result as u32)) }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    /// `InvalidHostname` -> `INVALID_HOSTNAME`: what cbindgen's ScreamingSnakeCase makes of a
    /// variant, i.e. the header constant's suffix.
    fn screaming_snake(ident: &str) -> String {
        let mut out = String::new();
        for (i, ch) in ident.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_uppercase());
        }
        out
    }

    #[test]
    fn every_core_code_maps_one_to_one_with_same_number_and_name() {
        assert!(!ErrorCode::ALL.is_empty());
        for code in ErrorCode::ALL {
            let result = auroraiam_result::from_number(code.number()).unwrap_or_else(|| {
                panic!(
                    "core code {} ({}) has no auroraiam_result value",
                    code.name(),
                    code.number()
                )
            });
            assert_eq!(result as u32, code.number());
            assert_eq!(
                screaming_snake(&format!("{result:?}")),
                code.name(),
                "header constant name"
            );
            assert_eq!(name_of(result).to_str().unwrap(), code.name());
            assert_eq!(auroraiam_result::from_code(*code), result);
            let description = unsafe { CStr::from_ptr(auroraiam_result_str(code.number())) };
            assert_eq!(description.to_str().unwrap(), code.description());
        }
    }

    #[test]
    fn every_value_is_a_core_code_or_boundary_only_never_both() {
        let mut numbers: Vec<u32> = auroraiam_result::ALL.iter().map(|r| *r as u32).collect();
        let sorted = {
            let mut s = numbers.clone();
            s.sort();
            s.dedup();
            s
        };
        assert_eq!(
            numbers, sorted,
            "ALL must be in numeric order without duplicates"
        );
        for r in auroraiam_result::ALL {
            let core = ErrorCode::from_number(*r as u32);
            let boundary = BOUNDARY_ONLY.iter().find(|(b, _, _)| b == r);
            match (core, boundary) {
                (Some(_), None) => {}
                (None, Some((_, name, _))) => {
                    assert_eq!(screaming_snake(&format!("{r:?}")), *name);
                    assert!(
                        ErrorCode::from_name(name).is_none(),
                        "{name} collides with a core code name"
                    );
                    assert_eq!(name_of(*r).to_str().unwrap(), *name);
                }
                _ => panic!("{r:?} must be exactly one of: a core code, a boundary-only value"),
            }
        }
        numbers.retain(|n| ErrorCode::from_number(*n).is_some());
        assert_eq!(numbers.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn unknown_values_have_static_fallbacks() {
        for n in [1u32, 6999, 7000, 7900, 7999, u32::MAX] {
            let name = unsafe { CStr::from_ptr(auroraiam_result_name(n)) };
            let text = unsafe { CStr::from_ptr(auroraiam_result_str(n)) };
            assert_eq!(name.to_str().unwrap(), "UNKNOWN");
            assert_eq!(text.to_str().unwrap(), "unknown auroraiam_result value");
        }
    }

    #[test]
    fn the_committed_header_names_every_core_code_with_its_number() {
        let header = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../include/auroraiam.h"
        ))
        .expect("include/auroraiam.h exists (make header)");
        let constants: Vec<&'static str> = ErrorCode::ALL
            .iter()
            .map(|c| c.name())
            .chain(BOUNDARY_ONLY.iter().map(|(_, n, _)| *n))
            .collect();
        for name in constants {
            let number = ErrorCode::from_name(name)
                .map(|c| c.number())
                .unwrap_or_else(|| {
                    BOUNDARY_ONLY
                        .iter()
                        .find(|(_, n, _)| *n == name)
                        .map(|(r, _, _)| *r as u32)
                        .unwrap()
                });
            let line = format!("AURORAIAM_RESULT_{name} = {number},");
            assert!(header.contains(&line), "include/auroraiam.h lacks `{line}`");
        }
    }
}
