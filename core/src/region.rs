//! AWS region validation and inference of the region from an RDS, Aurora or DSQL endpoint.

use crate::error::{quoted, Error, ErrorCode, Result};

/// Longest accepted region name (a DNS label).
const MAX_REGION_LEN: usize = 63;

/// True when `region` is shaped like an AWS region: `^[a-z]{2,}(-[a-z]+)+-[0-9]{1,2}$`
/// (`us-east-1`, `us-gov-west-1`, `us-isob-east-1`, `eusc-de-east-1`).
pub fn is_region_shaped(region: &str) -> bool {
    let bytes = region.as_bytes();
    if bytes.len() > MAX_REGION_LEN {
        return false;
    }
    // Parts between '-': the first 2+ letters, middle parts 1+ letters, the last 1-2 digits.
    let mut parts = 0usize;
    let mut len = 0usize;
    let mut letters = true;
    let mut digits = true;
    for &b in bytes {
        if b == b'-' {
            let ok = if parts == 0 { len >= 2 && letters } else { len >= 1 && letters };
            if !ok {
                return false;
            }
            parts += 1;
            len = 0;
            letters = true;
            digits = true;
        } else {
            letters &= b.is_ascii_lowercase();
            digits &= b.is_ascii_digit();
            len += 1;
        }
    }
    parts >= 2 && (1..=2).contains(&len) && digits
}

/// The region named by `label` (compared case-insensitively), lower-cased.
fn region_label(label: &str) -> Option<String> {
    if label.len() > MAX_REGION_LEN {
        return None;
    }
    let mut buf = [0u8; MAX_REGION_LEN];
    let lower = &mut buf[..label.len()];
    lower.copy_from_slice(label.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).ok()?;
    is_region_shaped(lower).then(|| lower.to_string())
}

/// Splits `hostname` into at most 16 labels without allocating (endpoint names have fewer;
/// longer names are not endpoints and give no labels).
fn labels(hostname: &str) -> ([&str; 16], usize) {
    let mut out = [""; 16];
    let mut n = 0;
    let mut start = 0;
    for (i, &b) in hostname.as_bytes().iter().enumerate() {
        if b == b'.' {
            if n == out.len() {
                return (out, 0);
            }
            out[n] = &hostname[start..i];
            n += 1;
            start = i + 1;
        }
    }
    if n == out.len() {
        return (out, 0);
    }
    out[n] = &hostname[start..];
    (out, n + 1)
}

fn tail_is(tail: &[&str], expected: &[&str]) -> bool {
    tail.len() == expected.len() && tail.iter().zip(expected).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// Checks an explicitly given region; the error explains the expected shape.
pub fn validate_region(region: &str) -> Result<()> {
    if region.is_empty() {
        return Err(Error::new(ErrorCode::InvalidRegion, "region is empty: give a region such as us-east-1"));
    }
    if region.contains('\0') {
        return Err(Error::new(ErrorCode::InvalidRegion, "region contains a NUL byte"));
    }
    if is_region_shaped(region) {
        return Ok(());
    }
    let hint = if region.len() > MAX_REGION_LEN {
        format!("region is {} bytes long; AWS regions are short names such as us-east-1", region.len())
    } else if region.trim() != region {
        format!("region {} has leading or trailing whitespace", quoted(region))
    } else if region.bytes().any(|b| b.is_ascii_uppercase()) {
        format!("region {} must be lower-case (e.g. us-east-1)", quoted(region))
    } else if region.ends_with(|c: char| c.is_ascii_lowercase())
        && is_region_shaped(&region[..region.len() - 1])
    {
        format!(
            "region {} looks like an availability zone; use its region {}",
            quoted(region),
            &region[..region.len() - 1]
        )
    } else {
        format!("region {} is not an AWS region name such as us-east-1 or cn-north-1", quoted(region))
    };
    Err(Error::new(ErrorCode::InvalidRegion, hint))
}

/// Infers the region from an AWS database endpoint, or `None` when the hostname carries none.
///
/// Recognised shapes (labels compared case-insensitively; the result is lower-case):
/// - RDS / Aurora: `<name>.<prefix-hash>.<region>.rds.amazonaws.com` (instance, `cluster-`,
///   `cluster-ro-`, `cluster-custom-`, `proxy-`, `shardgrp-`), and the same under
///   `amazonaws.com.cn`, GovCloud, `c2s.ic.gov`, `sc2s.sgov.gov` and other partitions;
///   China's `….rds.<region>.amazonaws.com.cn`.
/// - DSQL: `<cluster-id>.dsql.<region>.on.aws` (also `dsql-<suffix>` labels).
///
/// Global database endpoints (`….global.rds.amazonaws.com`), IPs, `localhost` and CNAMEs give
/// `None`: a region must then be passed explicitly.
pub fn infer_region(hostname: &str) -> Option<String> {
    infer_rds_region(hostname).or_else(|| infer_dsql_region(hostname))
}

/// The region of an RDS / Aurora endpoint name (see [`infer_region`]).
pub fn infer_rds_region(hostname: &str) -> Option<String> {
    let (all, n) = labels(hostname);
    let labels = &all[..n];
    for i in 2..n {
        if !labels[i].eq_ignore_ascii_case("rds") || i + 1 >= n {
            continue;
        }
        // <name>.<hash>.<region>.rds.<partition suffix>
        if let Some(region) = region_label(labels[i - 1]) {
            return Some(region);
        }
        // China: <name>.<hash>.rds.<region>.amazonaws.com.cn
        if tail_is(&labels[i + 2..], &["amazonaws", "com", "cn"]) {
            if let Some(region) = region_label(labels[i + 1]) {
                return Some(region);
            }
        }
    }
    None
}

/// The region of a DSQL endpoint name (see [`infer_region`]).
pub fn infer_dsql_region(hostname: &str) -> Option<String> {
    let (all, n) = labels(hostname);
    let labels = &all[..n];
    for i in 1..n {
        let label = labels[i];
        let is_dsql = label.eq_ignore_ascii_case("dsql")
            || (label.len() > 5 && label.as_bytes()[..5].eq_ignore_ascii_case(b"dsql-"));
        // <cluster-id>.dsql.<region>.on.aws
        if is_dsql && i + 1 < n && tail_is(&labels[i + 2..], &["on", "aws"]) {
            if let Some(region) = region_label(labels[i + 1]) {
                return Some(region);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_shapes() {
        for ok in ["us-east-1", "us-gov-west-1", "us-isob-east-1", "eu-isoe-west-1", "cn-northwest-1",
                   "eusc-de-east-1", "fake-region-1", "ap-southeast-5", "il-central-1", "mx-central-1"] {
            assert!(is_region_shaped(ok), "{ok}");
            validate_region(ok).unwrap();
        }
        for bad in ["", "us-east-1a", "US-EAST-1", "us-east1", "useast1", "us-east-1 ", " us-east-1",
                    "us_east_1", "global", "us--east-1", "us-east-100", "-us-east-1", "u-east-1"] {
            assert!(!is_region_shaped(bad), "{bad}");
            assert_eq!(validate_region(bad).unwrap_err().code(), ErrorCode::InvalidRegion, "{bad}");
        }
        assert!(validate_region("us-east-1a").unwrap_err().message().contains("availability zone"));
        assert!(validate_region(&"a".repeat(64)).is_err());
    }

    #[test]
    fn infers_from_endpoints() {
        let cases = [
            ("mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", Some("us-east-1")),
            ("mydb.cluster-ro-c9akciq32.eu-west-1.rds.amazonaws.com", Some("eu-west-1")),
            ("mydb.cluster-custom-c9akciq32.ap-south-1.rds.amazonaws.com", Some("ap-south-1")),
            ("db1.c9akciq32.us-west-2.rds.amazonaws.com", Some("us-west-2")),
            ("p.proxy-c9akciq32.eu-west-1.rds.amazonaws.com", Some("eu-west-1")),
            ("lim.shardgrp-c9akciq32.us-east-2.rds.amazonaws.com", Some("us-east-2")),
            ("MYDB.CLUSTER-X.US-EAST-1.RDS.AMAZONAWS.COM", Some("us-east-1")),
            ("db.x.cn-north-1.rds.amazonaws.com.cn", Some("cn-north-1")),
            ("db.x.rds.cn-northwest-1.amazonaws.com.cn", Some("cn-northwest-1")),
            ("db.x.us-gov-west-1.rds.amazonaws.com", Some("us-gov-west-1")),
            ("db.x.us-iso-east-1.rds.c2s.ic.gov", Some("us-iso-east-1")),
            ("db.x.us-isob-east-1.rds.sc2s.sgov.gov", Some("us-isob-east-1")),
            ("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", Some("us-east-1")),
            ("abc.dsql-fnh4.eu-central-1.on.aws", Some("eu-central-1")),
            ("mydb.cluster-x.global.rds.amazonaws.com", None),
            ("127.0.0.1", None),
            ("localhost", None),
            ("db.example.com", None),
            ("rds.amazonaws.com", None),
            ("us-east-1.rds", None),
            ("dsql.us-east-1.on.aws", None),
            ("", None),
            ("é.dséql-x.us-east-1.on.aws", None),
            ("db.x.us-east-1é.rds.amazonaws.com", None),
        ];
        for (host, want) in cases {
            assert_eq!(infer_region(host).as_deref(), want, "{host}");
            let dsql = host.contains(".dsql");
            assert_eq!(infer_rds_region(host).is_some(), want.is_some() && !dsql, "{host}");
            assert_eq!(infer_dsql_region(host).is_some(), want.is_some() && dsql, "{host}");
        }
    }
}
