//! How many SHA-256 block compressions a cached-key, cached-layout token costs, from the token
//! text alone: the canonical-request blocks from the one holding the time of day on (the earlier
//! ones are the same all day), the string to sign's blocks after the HMAC inner pad block, and
//! one outer HMAC block. Shared by the benchmark (its floor) and a core unit test (which counts
//! the compressions the signer really does, so this can not drift from the code).

/// Compressions per token for `token` (any kind), signed for `region` and `service`.
pub fn compressions_per_token(token: &str, region: &str, service: &str) -> usize {
    let blocks = |len: usize| (len + 9).div_ceil(64);
    let query_at = token.find("/?").expect("a token has /?") + 2;
    let authority = &token[..query_at - 2];
    let query = &token[query_at..token.rfind("&X-Amz-Signature=").expect("a signed token")];
    // The signed host drops `:443` (botocore's rule), the token keeps it.
    let host = authority.strip_suffix(":443").unwrap_or(authority);
    let creq_len = "GET\n/\n".len() + query.len() + "\nhost:".len() + host.len() + "\n\nhost\n".len() + 64;
    let time_at = "GET\n/\n".len() + query.find("&X-Amz-Date=").expect("a date") + "&X-Amz-Date=YYYYMMDDT".len();
    let sts_len = "AWS4-HMAC-SHA256\n".len() + 16 + 1 + "YYYYMMDD/".len() + region.len() + 1 + service.len()
        + "/aws4_request\n".len() + 64;
    // Canonical request from the block holding HHMMSS; HMAC inner (the pad block is cached); outer.
    (blocks(creq_len) - time_at / 64) + (blocks(64 + sts_len) - 1) + 1
}
