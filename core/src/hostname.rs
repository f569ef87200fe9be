//! Hostname validation and the SigV4 `host` header value botocore signs.

use crate::error::{quoted, Error, ErrorCode, Result};

/// Longest accepted hostname (the DNS limit).
pub const MAX_HOSTNAME_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;

fn invalid(hostname: &str, rule: &str) -> Error {
    Error::new(ErrorCode::InvalidHostname, format!("hostname {} {rule}", quoted(hostname)))
}

/// Checks that `hostname` is a bare DNS name, IPv4 address or bracketed IPv6 literal: no scheme,
/// port, path, query, userinfo, whitespace or control characters, ASCII only.
pub fn validate_hostname(hostname: &str) -> Result<()> {
    // One pass over the bytes for the common case; anything unusual gets the precise diagnosis.
    let bytes = hostname.as_bytes();
    let plain_name = !bytes.is_empty()
        && bytes.len() <= MAX_HOSTNAME_LEN
        && bytes[0] != b'['
        && {
            let mut label_len = 0usize;
            let mut ok = true;
            for &b in bytes {
                if b == b'.' {
                    ok &= label_len != 0;
                    label_len = 0;
                } else {
                    ok &= b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
                    label_len += 1;
                    ok &= label_len <= MAX_LABEL_LEN;
                }
            }
            ok && label_len != 0
        };
    if plain_name {
        return Ok(());
    }
    explain_hostname(hostname)
}

/// The precise verdict on a hostname the fast check did not accept.
fn explain_hostname(hostname: &str) -> Result<()> {
    if hostname.is_empty() {
        return Err(Error::new(ErrorCode::InvalidHostname, "hostname is empty"));
    }
    if hostname.len() > MAX_HOSTNAME_LEN {
        return Err(Error::new(
            ErrorCode::InvalidHostname,
            format!("hostname is {} bytes long; at most {MAX_HOSTNAME_LEN} are allowed", hostname.len()),
        ));
    }
    if hostname.contains("://") {
        return Err(invalid(hostname, "contains a URL scheme: pass the bare endpoint name without https:// or postgres://"));
    }
    if let Some(c) = hostname.chars().find(|c| c.is_control() || c.is_whitespace()) {
        let what = match c {
            '\0' => "contains a NUL byte",
            c if c.is_whitespace() => "contains whitespace",
            _ => "contains a control character",
        };
        return Err(invalid(hostname, what));
    }
    if !hostname.is_ascii() {
        return Err(invalid(hostname, "contains non-ASCII characters: use the punycode (xn--) form"));
    }
    for (c, what) in [
        ('/', "contains '/': pass the hostname only, without a path"),
        ('?', "contains '?': pass the hostname only, without a query"),
        ('#', "contains '#'"),
        ('@', "contains '@': user information does not belong in the hostname"),
    ] {
        if hostname.contains(c) {
            return Err(invalid(hostname, what));
        }
    }
    if hostname.starts_with('[') || hostname.ends_with(']') {
        return validate_ipv6_literal(hostname);
    }
    if hostname.contains(':') {
        let rule = if hostname.matches(':').count() > 1 {
            "looks like an IPv6 address: write it in brackets, e.g. [::1]"
        } else {
            "contains ':': pass the port separately, not as part of the hostname"
        };
        return Err(invalid(hostname, rule));
    }
    for label in hostname.split('.') {
        if label.is_empty() {
            return Err(invalid(hostname, "has an empty label (a leading, trailing or doubled '.')"));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(invalid(hostname, "has a label longer than 63 characters"));
        }
        if let Some(b) = label.bytes().find(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))) {
            return Err(invalid(hostname, &format!("contains the character {:?}, which is not allowed in a hostname", char::from(b))));
        }
    }
    Ok(())
}

fn validate_ipv6_literal(hostname: &str) -> Result<()> {
    let inner = hostname
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .ok_or_else(|| invalid(hostname, "has unbalanced brackets"))?;
    if inner.parse::<std::net::Ipv6Addr>().is_err() {
        return Err(invalid(hostname, "is not a valid bracketed IPv6 literal such as [::1]"));
    }
    Ok(())
}

/// Decimal digits of `n` without allocating through `format!`.
pub(crate) fn itoa_u16(n: u16) -> DigitBuf {
    itoa_u64(u64::from(n))
}

/// Decimal digits of `n`.
pub(crate) fn itoa_u64(mut n: u64) -> DigitBuf {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    DigitBuf { digits, start: at }
}

/// A small stack buffer holding decimal digits.
pub(crate) struct DigitBuf {
    digits: [u8; 20],
    start: usize,
}

impl DigitBuf {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.digits[self.start..]
    }
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_slice()).unwrap_or("0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_endpoints_ips_and_odd_but_valid_names() {
        for ok in ["mydb.cluster-abc.us-east-1.rds.amazonaws.com", "MyDB.Example.COM", "10.0.0.1",
                   "localhost", "[::1]", "[2001:db8::1]", "[::ffff:10.0.0.1]", "under_score.example",
                   &format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61))] {
            validate_hostname(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn rejects_each_malformation() {
        let long = format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62));
        for bad in ["", "https://db.example.com", "db.example.com/x", "db?x", "db#x", "user@db", "db x",
                    "db\tx", "db\n", "db\0x", "dé.example", "db:5432", "::1", ".db", "db.", "a..b", "[]",
                    "[::1", "::1]", "[xyz]", "[1.2.3.4]", "[10.0.0.1]", "[abc]", "[::1%eth0]", "[1::2::3]", "db!x", "db*", &long, &"a".repeat(64)] {
            let e = validate_hostname(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidHostname, "{bad:?}");
        }
        assert!(validate_hostname("db:5432").unwrap_err().message().contains("port"));
        assert!(validate_hostname("https://x").unwrap_err().message().contains("scheme"));
    }

    #[test]
    fn digits() {
        assert_eq!(itoa_u64(0).as_str(), "0");
        assert_eq!(itoa_u64(604_800).as_str(), "604800");
        assert_eq!(itoa_u16(65535).as_str(), "65535");
    }
}
