//! Conversions of foreign values (JavaScript numbers, Python floats, UTF-16 strings) with the
//! same rules and messages on every surface.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, ErrorCode, Result};

/// A whole number from a float: NaN, infinities and fractions are errors with `code`, naming
/// `field` (`port 5432.5 is not a whole number`), never silently truncated.
pub fn integer_from_f64(value: f64, field: &str, code: ErrorCode) -> Result<i64> {
    if !value.is_finite() {
        return Err(Error::new(code, format!("{field} {value} is not a finite number")));
    }
    if value.fract() != 0.0 {
        return Err(Error::new(code, format!("{field} {value} is not a whole number")));
    }
    if value < i64::MIN as f64 || value >= i64::MAX as f64 {
        return Err(Error::new(code, format!("{field} {value} is out of range")));
    }
    Ok(value as i64)
}

/// Text from UTF-16 code units (JavaScript strings); an unpaired surrogate is `INVALID_UTF8`
/// naming `field`, never replaced with U+FFFD.
pub fn string_from_utf16(units: &[u16], field: &str) -> Result<String> {
    String::from_utf16(units).map_err(|_| {
        Error::new(ErrorCode::InvalidUtf8, format!("{field} contains an unpaired UTF-16 surrogate"))
    })
}

/// A credential expiry from Unix seconds (fractions kept to the millisecond).
pub fn expiry_from_unix_seconds(seconds: f64) -> Result<SystemTime> {
    if !seconds.is_finite() || !(0.0..=253_402_300_799.0).contains(&seconds) {
        return Err(Error::new(
            ErrorCode::InvalidCredentials,
            format!("credential expiry {seconds} is not a time between 1970 and 9999 in Unix seconds"),
        ));
    }
    Ok(UNIX_EPOCH + Duration::from_millis((seconds * 1000.0).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_must_be_whole_and_finite() {
        assert_eq!(integer_from_f64(5432.0, "port", ErrorCode::InvalidPort).unwrap(), 5432);
        assert_eq!(integer_from_f64(-1.0, "port", ErrorCode::InvalidPort).unwrap(), -1);
        for bad in [5432.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            let e = integer_from_f64(bad, "port", ErrorCode::InvalidPort).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidPort);
            assert!(e.message().starts_with("port "));
        }
    }

    #[test]
    fn utf16_rejects_lone_surrogates() {
        assert_eq!(string_from_utf16(&[0x61, 0xD83D, 0xDE00], "username").unwrap(), "a\u{1F600}");
        let e = string_from_utf16(&[0x61, 0xD83D], "username").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidUtf8);
        assert!(e.message().contains("username"));
    }

    #[test]
    fn expiry_range() {
        assert_eq!(expiry_from_unix_seconds(1.5).unwrap(), UNIX_EPOCH + Duration::from_millis(1500));
        assert!(expiry_from_unix_seconds(-1.0).is_err());
        assert!(expiry_from_unix_seconds(f64::NAN).is_err());
    }
}
