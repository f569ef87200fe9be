//! AWS region validation and inference of the region from an RDS, Aurora or DSQL endpoint.

use crate::error::{quoted, Error, ErrorCode, Result};

/// Longest accepted region name (a DNS label).
const MAX_REGION_LEN: usize = 63;

/// True when `region` is shaped like an AWS region: `^[a-z]{2,}(-[a-z]+)+-[0-9]{1,2}$`
/// (`us-east-1`, `us-gov-west-1`, `us-isob-east-1`, `eusc-de-east-1`).
pub fn is_region_shaped(region: &str) -> bool {
    if region.len() > MAX_REGION_LEN {
        return false;
    }
    let mut parts = region.split('-');
    let first = match parts.next() {
        Some(p) => p,
        None => return false,
    };
    if first.len() < 2 || !first.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let (last, middle) = match rest.split_last() {
        Some(x) => x,
        None => return false,
    };
    !middle.is_empty()
        && middle.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
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
    let lower = hostname.to_ascii_lowercase();
    let labels: Vec<&str> = lower.split('.').collect();
    for (i, label) in labels.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| labels[j]);
        let after = labels.get(i + 1).copied();
        let tail = labels.get(i + 2..).unwrap_or(&[]);
        if *label == "rds" && i >= 2 {
            // <name>.<hash>.<region>.rds.<partition suffix>
            if let Some(region) = before.filter(|r| is_region_shaped(r)) {
                if after.is_some() {
                    return Some(region.to_string());
                }
            }
            // China: <name>.<hash>.rds.<region>.amazonaws.com.cn
            if let Some(region) = after.filter(|r| is_region_shaped(r)) {
                if tail == ["amazonaws", "com", "cn"] {
                    return Some(region.to_string());
                }
            }
        }
    }
    None
}

/// The region of a DSQL endpoint name (see [`infer_region`]).
pub fn infer_dsql_region(hostname: &str) -> Option<String> {
    let lower = hostname.to_ascii_lowercase();
    let labels: Vec<&str> = lower.split('.').collect();
    for (i, label) in labels.iter().enumerate() {
        let after = labels.get(i + 1).copied();
        let tail = labels.get(i + 2..).unwrap_or(&[]);
        if (*label == "dsql" || label.starts_with("dsql-")) && i >= 1 {
            // <cluster-id>.dsql.<region>.on.aws
            if let Some(region) = after.filter(|r| is_region_shaped(r)) {
                if tail == ["on", "aws"] {
                    return Some(region.to_string());
                }
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
        ];
        for (host, want) in cases {
            assert_eq!(infer_region(host).as_deref(), want, "{host}");
            let dsql = host.contains(".dsql");
            assert_eq!(infer_rds_region(host).is_some(), want.is_some() && !dsql, "{host}");
            assert_eq!(infer_dsql_region(host).is_some(), want.is_some() && dsql, "{host}");
        }
    }
}
