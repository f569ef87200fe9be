//! Hostname and region validation and region inference on arbitrary text: never panic; an
//! inferred region is always a valid region, inference ignores ASCII case, and a valid
//! hostname with an inferable region always builds a request signed for that region.
#![no_main]

use auroraiam::{
    infer_dsql_region, infer_rds_region, infer_region, is_region_shaped, validate_hostname, validate_region,
    ErrorCode, TokenRequest, MAX_HOSTNAME_LEN,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    auroraiam_fuzz::set_input(data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    let host_ok = match validate_hostname(text) {
        Ok(()) => {
            assert!(!text.is_empty() && text.len() <= MAX_HOSTNAME_LEN, "accepted {} bytes", text.len());
            assert!(text.is_ascii(), "accepted a non-ASCII hostname");
            true
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::InvalidHostname);
            assert!(!e.message().is_empty());
            false
        }
    };
    match validate_region(text) {
        Ok(()) => assert!(is_region_shaped(text), "valid region {text:?} is not region-shaped"),
        Err(e) => assert_eq!(e.code(), ErrorCode::InvalidRegion),
    }
    let rds = infer_rds_region(text);
    let dsql = infer_dsql_region(text);
    for r in rds.iter().chain(dsql.iter()) {
        assert!(validate_region(r).is_ok(), "inferred region {r:?} is invalid");
    }
    assert_eq!(infer_region(text), rds.clone().or(dsql.clone()));
    let upper = text.to_ascii_uppercase();
    assert_eq!(infer_rds_region(&upper), rds, "RDS inference depends on case");
    assert_eq!(infer_dsql_region(&upper), dsql, "DSQL inference depends on case");
    if host_ok {
        match (&rds, TokenRequest::rds(text, 5432, "u").build()) {
            (Some(r), Ok(req)) => assert_eq!(req.region(), r),
            (Some(r), Err(e)) => panic!("valid RDS host with region {r}: {e:?}"),
            (None, Ok(req)) => panic!("no region inferred, yet built with {}", req.region()),
            (None, Err(e)) => assert_eq!(e.code(), ErrorCode::RegionRequired),
        }
        match (&dsql, TokenRequest::dsql(text, false).build()) {
            (Some(r), Ok(req)) => assert_eq!(req.region(), r),
            (Some(r), Err(e)) => panic!("valid DSQL host with region {r}: {e:?}"),
            (None, Ok(req)) => panic!("no region inferred, yet built with {}", req.region()),
            (None, Err(e)) => assert_eq!(e.code(), ErrorCode::RegionRequired),
        }
    }
});
