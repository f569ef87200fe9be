//! The one error model shared by every surface (Rust, C, Python, Node, CLI).

use std::fmt;

/// Stable machine-readable error codes.
///
/// The name returned by [`ErrorCode::name`] is the `code` of Python and Node errors and, prefixed
/// with `AURORAIAM_RESULT_`, the C status constant; the numeric value is the C status value.
/// Neither names nor numbers are ever reused or renumbered.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum ErrorCode {
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
    /// An RDS resource id (`db-…`, `cluster-…`, `prx-…`) or DSQL cluster id is malformed, or is
    /// a name (instance/cluster identifier, endpoint) where IAM needs the resource id.
    InvalidResourceId = 7025,
    /// An ARN (IAM role, `rds-db` database user, DSQL cluster) is malformed in one of its parts.
    InvalidArn = 7026,
    /// The text is not an IAM policy document (not JSON, or an element has the wrong shape).
    InvalidPolicy = 7027,
    /// Verification: the token's `X-Amz-Expires` is longer than its kind allows (RDS/Aurora: 900 s).
    TokenLifetimeTooLong = 7028,
}

impl ErrorCode {
    /// Every code, in numeric order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidHostname,
        ErrorCode::InvalidPort,
        ErrorCode::InvalidUsername,
        ErrorCode::InvalidRegion,
        ErrorCode::RegionRequired,
        ErrorCode::InvalidCredentials,
        ErrorCode::InvalidExpiresIn,
        ErrorCode::InvalidSigningTime,
        ErrorCode::InvalidUtf8,
        ErrorCode::CredentialsNotFound,
        ErrorCode::CredentialsExpired,
        ErrorCode::TokenMalformed,
        ErrorCode::UnknownAccessKey,
        ErrorCode::SignatureMismatch,
        ErrorCode::TokenExpired,
        ErrorCode::TokenNotYetValid,
        ErrorCode::HostMismatch,
        ErrorCode::PortMismatch,
        ErrorCode::UserMismatch,
        ErrorCode::RegionMismatch,
        ErrorCode::KindMismatch,
        ErrorCode::InvalidArgument,
        ErrorCode::CredentialsProviderFailed,
        ErrorCode::InvalidAccountId,
        ErrorCode::InvalidResourceId,
        ErrorCode::InvalidArn,
        ErrorCode::InvalidPolicy,
        ErrorCode::TokenLifetimeTooLong,
    ];

    /// The stable upper-case name, e.g. `"INVALID_HOSTNAME"`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidHostname => "INVALID_HOSTNAME",
            ErrorCode::InvalidPort => "INVALID_PORT",
            ErrorCode::InvalidUsername => "INVALID_USERNAME",
            ErrorCode::InvalidRegion => "INVALID_REGION",
            ErrorCode::RegionRequired => "REGION_REQUIRED",
            ErrorCode::InvalidCredentials => "INVALID_CREDENTIALS",
            ErrorCode::InvalidExpiresIn => "INVALID_EXPIRES_IN",
            ErrorCode::InvalidSigningTime => "INVALID_SIGNING_TIME",
            ErrorCode::InvalidUtf8 => "INVALID_UTF8",
            ErrorCode::CredentialsNotFound => "CREDENTIALS_NOT_FOUND",
            ErrorCode::CredentialsExpired => "CREDENTIALS_EXPIRED",
            ErrorCode::TokenMalformed => "TOKEN_MALFORMED",
            ErrorCode::UnknownAccessKey => "UNKNOWN_ACCESS_KEY",
            ErrorCode::SignatureMismatch => "SIGNATURE_MISMATCH",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::TokenNotYetValid => "TOKEN_NOT_YET_VALID",
            ErrorCode::HostMismatch => "HOST_MISMATCH",
            ErrorCode::PortMismatch => "PORT_MISMATCH",
            ErrorCode::UserMismatch => "USER_MISMATCH",
            ErrorCode::RegionMismatch => "REGION_MISMATCH",
            ErrorCode::KindMismatch => "KIND_MISMATCH",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::CredentialsProviderFailed => "CREDENTIALS_PROVIDER_FAILED",
            ErrorCode::InvalidAccountId => "INVALID_ACCOUNT_ID",
            ErrorCode::InvalidResourceId => "INVALID_RESOURCE_ID",
            ErrorCode::InvalidArn => "INVALID_ARN",
            ErrorCode::InvalidPolicy => "INVALID_POLICY",
            ErrorCode::TokenLifetimeTooLong => "TOKEN_LIFETIME_TOO_LONG",
        }
    }

    /// The stable numeric value (the C status value).
    pub const fn number(self) -> u32 {
        self as u32
    }

    /// A static one-line description of the code (no per-call detail).
    pub const fn description(self) -> &'static str {
        match self {
            ErrorCode::InvalidHostname => "invalid hostname",
            ErrorCode::InvalidPort => "invalid port: must be 1..=65535",
            ErrorCode::InvalidUsername => "invalid database user name",
            ErrorCode::InvalidRegion => "invalid AWS region",
            ErrorCode::RegionRequired => "a region is required: it cannot be inferred from the hostname",
            ErrorCode::InvalidCredentials => "invalid AWS credentials",
            ErrorCode::InvalidExpiresIn => "invalid expires_in",
            ErrorCode::InvalidSigningTime => "invalid signing time",
            ErrorCode::InvalidUtf8 => "argument is not valid UTF-8",
            ErrorCode::CredentialsNotFound => "no AWS credentials found",
            ErrorCode::CredentialsExpired => "AWS credentials expired before the signing time",
            ErrorCode::TokenMalformed => "not a well-formed IAM database token",
            ErrorCode::UnknownAccessKey => "no secret is known for the token's access key id",
            ErrorCode::SignatureMismatch => "token signature does not match",
            ErrorCode::TokenExpired => "token has expired",
            ErrorCode::TokenNotYetValid => "token is signed in the future beyond the allowed clock skew",
            ErrorCode::HostMismatch => "token was made for another host",
            ErrorCode::PortMismatch => "token was made for another port",
            ErrorCode::UserMismatch => "token was made for another database user",
            ErrorCode::RegionMismatch => "token was signed for another region",
            ErrorCode::KindMismatch => "token is of another kind",
            ErrorCode::InvalidArgument => "invalid argument",
            ErrorCode::CredentialsProviderFailed => "a credential source failed",
            ErrorCode::InvalidAccountId => "invalid AWS account id: must be 12 digits",
            ErrorCode::InvalidResourceId => "invalid RDS resource id or DSQL cluster id",
            ErrorCode::InvalidArn => "malformed ARN",
            ErrorCode::InvalidPolicy => "not a valid IAM policy document",
            ErrorCode::TokenLifetimeTooLong => "token lifetime (X-Amz-Expires) is longer than its kind allows",
        }
    }

    /// Looks a code up by its [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Looks a code up by its [`number`](Self::number).
    pub fn from_number(number: u32) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.number() == number)
    }

    /// True for codes that mean a token failed verification (the token, not the caller's
    /// arguments, is at fault).
    pub const fn is_verification_failure(self) -> bool {
        matches!(
            self,
            ErrorCode::UnknownAccessKey
                | ErrorCode::SignatureMismatch
                | ErrorCode::TokenExpired
                | ErrorCode::TokenNotYetValid
                | ErrorCode::HostMismatch
                | ErrorCode::PortMismatch
                | ErrorCode::UserMismatch
                | ErrorCode::RegionMismatch
                | ErrorCode::KindMismatch
                | ErrorCode::TokenLifetimeTooLong
        )
    }

    /// True for codes that mean "bad or missing credentials" rather than a bad argument.
    pub const fn is_credentials_error(self) -> bool {
        matches!(
            self,
            ErrorCode::InvalidCredentials
                | ErrorCode::CredentialsNotFound
                | ErrorCode::CredentialsExpired
                | ErrorCode::CredentialsProviderFailed
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error with a stable [`ErrorCode`] and a message naming the field and the rule broken.
///
/// Messages never contain secret material (secret keys, session tokens, tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// Builds an error; `message` must not contain secrets.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into() }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message (names the field and the rule).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}: {})", self.code.name(), self.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Most characters of one input value echoed in an error message (longer values are cut, with `…`).
pub const MAX_ECHOED_CHARS: usize = 80;

/// Quotes input (possibly an attacker's) for an error message: in double quotes, with control
/// characters, quotes and backslashes escaped as Rust does (`\n`, `\"`, `\u{1b}`), and cut to
/// [`MAX_ECHOED_CHARS`] characters. Never pass a secret.
pub fn quoted(value: &str) -> String {
    let mut shown: String = value.chars().take(MAX_ECHOED_CHARS).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    format!("{:?}", shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip_and_are_unique() {
        for (i, c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(ErrorCode::from_name(c.name()), Some(*c));
            assert_eq!(ErrorCode::from_number(c.number()), Some(*c));
            for d in &ErrorCode::ALL[i + 1..] {
                assert_ne!(c.name(), d.name());
                assert!(c.number() < d.number(), "ALL must be in numeric order");
            }
        }
    }

    #[test]
    fn quoted_truncates_long_input() {
        let long = "x".repeat(1000);
        assert!(quoted(&long).len() < 100);
        assert_eq!(quoted("a\0b"), "\"a\\0b\"");
        assert_eq!(quoted("x\n\u{1b}[31m\"y"), "\"x\\n\\u{1b}[31m\\\"y\"");
    }
}
