//! Assembles a token: botocore's parameter order in the token, the SigV4 canonical request
//! (sorted query, only `host` signed, empty-payload hash) hashed straight from the token buffer.

use sha2::{Digest, Sha256};

use crate::encoding::{hex32, push_encoded};
use crate::hostname::{itoa_u16, itoa_u64, push_signed_host};
use crate::request::TokenRequest;
use crate::signing_key::HmacKey;
use crate::time::AmzDate;

/// SigV4 algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Hex SHA-256 of the empty payload (never `UNSIGNED-PAYLOAD`).
pub const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const SIGNED_HEADERS: &str = "&X-Amz-SignedHeaders=host";
const SECURITY_TOKEN: &str = "&X-Amz-Security-Token=";

/// Everything the signature covers besides the request: credential parts and the date.
pub(crate) struct SigningInputs<'a> {
    pub access_key_id: &'a str,
    pub session_token: Option<&'a str>,
    pub amz_date: &'a AmzDate,
    pub key: &'a HmacKey,
}

/// Builds the token string for `request`.
pub(crate) fn presign(request: &TokenRequest<'_>, inputs: &SigningInputs<'_>) -> String {
    let kind = request.kind();
    let region = request.region();
    let service = kind.service();
    let date = inputs.amz_date.date();
    let username = request.username();
    let token_len = inputs.session_token.map_or(0, str::len);
    let mut out = String::with_capacity(
        request.hostname().len()
            + username.map_or(0, |u| u.len() * 3)
            + inputs.access_key_id.len() * 3
            + token_len * 3
            + 320,
    );

    // host[:port]/?
    out.push_str(request.hostname());
    if let Some(port) = request.port() {
        out.push(':');
        out.push_str(itoa_u16(port).as_str());
    }
    out.push_str("/?");
    let query_start = out.len();

    out.push_str("Action=");
    out.push_str(kind.action());
    if let Some(user) = username {
        out.push_str("&DBUser=");
        push_encoded(&mut out, user);
    }
    out.push_str("&X-Amz-Algorithm=");
    out.push_str(ALGORITHM);
    out.push_str("&X-Amz-Credential=");
    push_encoded(&mut out, inputs.access_key_id);
    for part in [date, region, service, "aws4_request"] {
        out.push_str("%2F");
        out.push_str(part);
    }
    out.push_str("&X-Amz-Date=");
    out.push_str(inputs.amz_date.as_str());
    out.push_str("&X-Amz-Expires=");
    out.push_str(itoa_u64(u64::from(request.expires_in())).as_str());
    let signed_headers_at = out.len();
    out.push_str(SIGNED_HEADERS);
    let token_at = out.len();
    if let Some(token) = inputs.session_token {
        out.push_str(SECURITY_TOKEN);
        push_encoded(&mut out, token);
    }
    let token_end = out.len();

    // Canonical request; its query is sorted, so the session token comes before SignedHeaders.
    let mut creq = Sha256::new();
    creq.update(b"GET\n/\n");
    creq.update(&out.as_bytes()[query_start..signed_headers_at]);
    creq.update(&out.as_bytes()[token_at..token_end]);
    creq.update(SIGNED_HEADERS.as_bytes());
    let mut host_line = Vec::with_capacity(request.hostname().len() + 16);
    host_line.extend_from_slice(b"\nhost:");
    push_signed_host(&mut host_line, request.hostname(), request.port());
    host_line.extend_from_slice(b"\n\nhost\n");
    creq.update(&host_line);
    creq.update(EMPTY_PAYLOAD_SHA256.as_bytes());
    let creq_hash: [u8; 32] = creq.finalize().into();

    // String to sign.
    let mut sts = Vec::with_capacity(160);
    sts.extend_from_slice(ALGORITHM.as_bytes());
    sts.push(b'\n');
    sts.extend_from_slice(inputs.amz_date.as_str().as_bytes());
    sts.push(b'\n');
    sts.extend_from_slice(date.as_bytes());
    sts.push(b'/');
    sts.extend_from_slice(region.as_bytes());
    sts.push(b'/');
    sts.extend_from_slice(service.as_bytes());
    sts.extend_from_slice(b"/aws4_request\n");
    sts.extend_from_slice(&hex32(&creq_hash));
    let signature = inputs.key.mac(&sts);

    out.push_str("&X-Amz-Signature=");
    out.push_str(std::str::from_utf8(&hex32(&signature)).unwrap_or_default());
    out
}
