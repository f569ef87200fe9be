//! The CLI's errors, their code names and exit codes.
//!
//! Core errors keep their core code name (`INVALID_PORT`, `SIGNATURE_MISMATCH`, …); the CLI adds
//! only `USAGE` (bad command line) and `IO_ERROR` (a file or stream could not be read or written).
//! Exit codes are derived from the code's class, not from a list, so codes added to the core
//! later get a sensible exit code without touching this file.

use std::fmt;

use auroraiam::ErrorCode;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: any failure not listed below (I/O errors, stdout closed).
pub const EXIT_OTHER: u8 = 1;
/// Exit status: bad command line or invalid argument value (`USAGE`, `INVALID_*`, `REGION_REQUIRED`).
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the token is not a well-formed token (`TOKEN_MALFORMED`).
pub const EXIT_MALFORMED: u8 = 3;
/// Exit status: `verify` knows no secret for the token's access key id (`UNKNOWN_ACCESS_KEY`).
pub const EXIT_UNKNOWN_KEY: u8 = 4;
/// Exit status: `verify` found a signature that does not match (`SIGNATURE_MISMATCH`).
pub const EXIT_SIGNATURE: u8 = 5;
/// Exit status: the token's lifetime is over or has not begun (`TOKEN_EXPIRED`, `TOKEN_NOT_YET_VALID`).
pub const EXIT_LIFETIME: u8 = 6;
/// Exit status: the token was made for something else (`HOST_`, `PORT_`, `USER_`, `REGION_`, `KIND_MISMATCH`).
pub const EXIT_MISMATCH: u8 = 7;
/// Exit status: credentials missing or invalid (`CREDENTIALS_NOT_FOUND`, `INVALID_CREDENTIALS`, `CREDENTIALS_EXPIRED`).
pub const EXIT_CREDENTIALS: u8 = 8;
/// Exit status: `inspect` found at least one error-severity diagnostic (the server would reject the token),
/// or `policy --explain` decided IAM would refuse the login.
pub const EXIT_DIAGNOSED: u8 = 9;

/// The exit code for a core error code, by class.
pub fn exit_code_for(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::TokenMalformed => EXIT_MALFORMED,
        ErrorCode::UnknownAccessKey => EXIT_UNKNOWN_KEY,
        ErrorCode::SignatureMismatch => EXIT_SIGNATURE,
        ErrorCode::TokenExpired | ErrorCode::TokenNotYetValid | ErrorCode::TokenLifetimeTooLong => EXIT_LIFETIME,
        c if c.is_verification_failure() => EXIT_MISMATCH,
        c if c.is_credentials_error() => EXIT_CREDENTIALS,
        _ => EXIT_USAGE,
    }
}

/// Everything that can make a command fail.
pub enum CliError {
    /// An error from the core, shown with its core code name.
    Core(auroraiam::Error),
    /// The command line is wrong (unknown option, missing argument, no token given).
    Usage(String),
    /// Reading a file or stream failed.
    Io(String),
    /// `inspect` ran fine and found reasons the server would reject the token.
    Diagnosed(Vec<&'static str>),
    /// `policy --explain` decided that IAM would refuse the login (or that it depends on a Condition).
    Denied(String),
}

impl CliError {
    /// The stable name printed before the message.
    pub fn code_name(&self) -> &'static str {
        match self {
            CliError::Core(e) => e.code().name(),
            CliError::Usage(_) => "USAGE",
            CliError::Io(_) => "IO_ERROR",
            CliError::Diagnosed(_) => "TOKEN_REJECTED",
            CliError::Denied(_) => "LOGIN_DENIED",
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Core(e) => exit_code_for(e.code()),
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Io(_) => EXIT_OTHER,
            CliError::Diagnosed(_) | CliError::Denied(_) => EXIT_DIAGNOSED,
        }
    }
}

impl From<auroraiam::Error> for CliError {
    fn from(e: auroraiam::Error) -> Self {
        CliError::Core(e)
    }
}

impl fmt::Display for CliError {
    /// `<CODE_NAME>: <message>`; messages never contain secrets (the core guarantees it for its
    /// errors, and the CLI's own messages name files and options, never their contents).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Core(e) => write!(f, "{}: {}", e.code().name(), e.message()),
            CliError::Usage(m) | CliError::Io(m) | CliError::Denied(m) => write!(f, "{}: {m}", self.code_name()),
            CliError::Diagnosed(codes) => write!(
                f,
                "{}: the server would reject this token ({})",
                self.code_name(),
                codes.join(", ")
            ),
        }
    }
}

/// The exit-code table for `--help`, generated from `ErrorCode::ALL` so it lists every core code.
pub fn exit_code_table() -> String {
    let mut rows: Vec<(u8, String)> = vec![
        (EXIT_OK, "success".to_string()),
        (EXIT_OTHER, "IO_ERROR (a file or stream could not be read or written)".to_string()),
        (EXIT_USAGE, "USAGE".to_string()),
        (EXIT_DIAGNOSED, "TOKEN_REJECTED (inspect: an error-severity diagnostic), LOGIN_DENIED (policy --explain)".to_string()),
    ];
    for code in ErrorCode::ALL {
        let exit = exit_code_for(*code);
        match rows.iter_mut().find(|(e, _)| *e == exit) {
            Some((_, names)) => {
                names.push_str(", ");
                names.push_str(code.name());
            }
            None => rows.push((exit, code.name().to_string())),
        }
    }
    rows.sort_by_key(|(e, _)| *e);
    let mut out = String::from("Exit codes:\n");
    for (exit, names) in rows {
        // Wrapped at about 90 columns, continuation lines indented under the names.
        let mut line = format!("  {exit}  ");
        for (i, word) in names.split(' ').enumerate() {
            if i > 0 && line.len() + word.len() > 90 {
                out.push_str(line.trim_end());
                out.push('\n');
                line = "     ".to_string();
            } else if i > 0 {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
