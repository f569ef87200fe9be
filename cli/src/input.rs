//! Turning command-line text, stdin and files into the core's types.
//!
//! Values arrive as `OsString` so that non-UTF-8 input becomes the core's `INVALID_UTF8` (naming
//! the option) instead of a parser error, and numbers arrive as text so that the core's range
//! checks (`INVALID_PORT`, `INVALID_EXPIRES_IN`) decide, not the parser.

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Read};
use std::path::Path;

use auroraiam::{Error, ErrorCode, SigningTime, Zeroizing};

use crate::error::CliError;

/// Most bytes read from stdin or a secret file; far above any token (the core caps tokens at 64 KiB).
pub const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// The text of an option value, or `INVALID_UTF8` naming the option.
pub fn text<'a>(value: &'a OsStr, option: &str) -> Result<&'a str, CliError> {
    Ok(auroraiam::str_from_utf8(value.as_encoded_bytes(), option)?)
}

/// Like [`text`] for an optional value.
pub fn opt_text<'a>(value: Option<&'a OsString>, option: &str) -> Result<Option<&'a str>, CliError> {
    value.map(|v| text(v, option)).transpose()
}

/// An integer option. Out-of-range integers are passed on (saturated) so the core's range check
/// names the rule; text that is no integer at all gets `code`.
pub fn integer(value: &OsStr, option: &str, code: ErrorCode) -> Result<i64, CliError> {
    let s = text(value, option)?;
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(code, format!("{option} {} is not an integer", shown(s))).into());
    }
    Ok(s.parse::<i64>().unwrap_or(if s.starts_with('-') { i64::MIN } else { i64::MAX }))
}

/// A port option, checked by the core (`INVALID_PORT`).
pub fn port(value: &OsStr, option: &str) -> Result<u16, CliError> {
    Ok(auroraiam::validate_port(integer(value, option, ErrorCode::InvalidPort)?)?)
}

/// A time option: RFC 3339 or Unix seconds (`INVALID_SIGNING_TIME`).
pub fn time(value: &OsStr, option: &str) -> Result<SigningTime, CliError> {
    Ok(SigningTime::parse(text(value, option)?)?)
}

/// `--now`, or the system clock.
pub fn now_or_clock(value: Option<&OsString>) -> Result<SigningTime, CliError> {
    match value {
        Some(v) => time(v, "--now"),
        None => Ok(SigningTime::now()?),
    }
}

/// Short, escaped rendering of user input for messages (never used for secrets).
pub fn shown(s: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = s.chars().take(MAX).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    format!("{out:?}")
}

/// Drops one trailing `\n` or `\r\n` (what `echo`, here-strings and editors add).
pub fn strip_one_newline(bytes: &mut Vec<u8>) {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
}

/// Reads at most [`MAX_INPUT_BYTES`] from `reader`; more is an error for `what`.
fn read_limited(mut reader: impl Read, what: &str, too_long: ErrorCode) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let mut buf = Zeroizing::new(Vec::new());
    reader
        .by_ref()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::Io(format!("cannot read {what}: {e}")))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::new(
            too_long,
            format!("{what} is longer than {MAX_INPUT_BYTES} bytes; a token is a few KB"),
        )
        .into());
    }
    Ok(buf)
}

/// The token to inspect or verify: the argument, or stdin when the argument is `-` or absent
/// and stdin is not a terminal. One trailing newline is stripped from stdin.
pub fn token(arg: Option<&OsString>) -> Result<Zeroizing<String>, CliError> {
    match arg {
        Some(a) if a != "-" => return Ok(Zeroizing::new(text(a, "token")?.to_string())),
        None if std::io::stdin().is_terminal() => {
            return Err(CliError::Usage(
                "no token given: pass it as an argument, or pipe it in (or use - to read stdin)".into(),
            ))
        }
        _ => {}
    }
    let mut bytes = read_limited(std::io::stdin().lock(), "the token on stdin", ErrorCode::TokenMalformed)?;
    strip_one_newline(&mut bytes);
    Ok(Zeroizing::new(auroraiam::str_from_utf8(&bytes, "token on stdin")?.to_string()))
}

/// A text file (`-`: stdin) of at most [`MAX_INPUT_BYTES`], as UTF-8.
pub fn text_file(path: &Path, what: &str) -> Result<String, CliError> {
    let shown_path = shown(&path.to_string_lossy());
    let bytes = if path == Path::new("-") {
        read_limited(std::io::stdin().lock(), &format!("the {what} on stdin"), ErrorCode::InvalidArgument)?
    } else {
        let file = std::fs::File::open(path).map_err(|e| CliError::Io(format!("cannot open {what} file {shown_path}: {e}")))?;
        read_limited(file, &format!("{what} file {shown_path}"), ErrorCode::InvalidArgument)?
    };
    Ok(auroraiam::str_from_utf8(&bytes, &format!("{what} file {shown_path}"))?.to_string())
}

/// A secret read from a file, one trailing newline stripped.
pub fn secret_file(path: &Path) -> Result<Zeroizing<String>, CliError> {
    let what = format!("secret access key file {}", shown(&path.to_string_lossy()));
    let file = std::fs::File::open(path).map_err(|e| CliError::Io(format!("cannot open {what}: {e}")))?;
    let mut bytes = read_limited(file, &what, ErrorCode::InvalidCredentials)?;
    strip_one_newline(&mut bytes);
    Ok(Zeroizing::new(auroraiam::str_from_utf8(&bytes, &what)?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_saturate_and_reject_non_numbers() {
        let code = ErrorCode::InvalidPort;
        assert_eq!(integer(OsStr::new("5432"), "--port", code).ok(), Some(5432));
        assert_eq!(integer(OsStr::new("-1"), "--port", code).ok(), Some(-1));
        assert_eq!(integer(OsStr::new("99999999999999999999999"), "--port", code).ok(), Some(i64::MAX));
        assert_eq!(integer(OsStr::new("-99999999999999999999999"), "--port", code).ok(), Some(i64::MIN));
        for bad in ["", "-", "+", "5432x", " 5432", "0x10", "1e3"] {
            let e = integer(OsStr::new(bad), "--port", code).err().unwrap();
            assert_eq!(e.code_name(), "INVALID_PORT", "{bad:?}");
        }
    }

    #[test]
    fn strips_exactly_one_newline() {
        for (input, want) in [("a\n", "a"), ("a\r\n", "a"), ("a\n\n", "a\n"), ("a", "a"), ("\n", "")] {
            let mut b = input.as_bytes().to_vec();
            strip_one_newline(&mut b);
            assert_eq!(b, want.as_bytes(), "{input:?}");
        }
    }
}
