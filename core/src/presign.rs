//! Assembles a token: botocore's parameter order in the token, the SigV4 canonical request
//! (sorted query, only `host` signed, empty-payload hash) hashed straight from the token buffer.

use std::sync::RwLock;

use sha2::{Digest, Sha256};

use crate::encoding::{hex32, push_encoded};
use crate::hostname::{itoa_u16, itoa_u64, MAX_HOSTNAME_LEN};
use crate::request::TokenRequest;
use crate::signing_key::HmacKey;
use crate::time::AmzDate;

/// SigV4 algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Hex SHA-256 of the empty payload (never `UNSIGNED-PAYLOAD`).
pub const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const CANONICAL_PREFIX: &[u8] = b"GET\n/\n";
const SIGNED_HEADERS: &str = "&X-Amz-SignedHeaders=host";
const SECURITY_TOKEN: &str = "&X-Amz-Security-Token=";

/// Everything the signature covers besides the request: credential parts and the date.
pub(crate) struct SigningInputs<'a> {
    pub access_key_id: &'a str,
    pub session_token: Option<&'a str>,
    /// The session token already percent-encoded, when the caller keeps it (a [`Signer`]).
    ///
    /// [`Signer`]: crate::Signer
    pub encoded_session_token: Option<&'a str>,
    pub amz_date: &'a AmzDate,
    pub key: &'a HmacKey,
}

/// Canonical-request hashers that have already absorbed the part of the canonical request that
/// is fixed for a day (`GET`, `/`, the query up to `X-Amz-Date=`: action, user, access key id,
/// scope). Keyed by those exact bytes, so a hit can never hash anything else. Bounded.
pub(crate) struct PrefixHashCache {
    entries: RwLock<Vec<(Box<[u8]>, Sha256)>>,
}

impl PrefixHashCache {
    const CAPACITY: usize = 16;

    pub(crate) fn new() -> Self {
        PrefixHashCache { entries: RwLock::new(Vec::new()) }
    }

    fn hasher_for(&self, prefix: &[u8]) -> Sha256 {
        if let Ok(entries) = self.entries.read() {
            if let Some((_, h)) = entries.iter().find(|(k, _)| **k == *prefix) {
                return h.clone();
            }
        }
        let h = fresh_hasher(prefix);
        if let Ok(mut entries) = self.entries.write() {
            if !entries.iter().any(|(k, _)| **k == *prefix) {
                if entries.len() >= Self::CAPACITY {
                    entries.remove(0);
                }
                entries.push((prefix.into(), h.clone()));
            }
        }
        h
    }
}

fn fresh_hasher(prefix: &[u8]) -> Sha256 {
    let mut h = Sha256::new();
    h.update(CANONICAL_PREFIX);
    h.update(prefix);
    h
}

/// Builds the token string for `request`, reusing prefix hashes from `cache` when given.
pub(crate) fn presign(
    request: &TokenRequest<'_>,
    inputs: &SigningInputs<'_>,
    cache: Option<&PrefixHashCache>,
) -> String {
    let kind = request.kind();
    let region = request.region();
    let service = kind.service();
    let amz_date = inputs.amz_date.as_str();
    let date = &amz_date[..8];
    let username = request.username();
    let hostname = request.hostname();
    let mut out = String::with_capacity(
        hostname.len()
            + username.map_or(0, |u| u.len() * 3)
            + inputs.access_key_id.len() * 3
            + inputs.session_token.map_or(0, |t| t.len() * 3)
            + 320,
    );

    // host[:port]/?
    out.push_str(hostname);
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
    let fixed_end = out.len();
    out.push_str(amz_date);
    out.push_str("&X-Amz-Expires=");
    out.push_str(itoa_u64(u64::from(request.expires_in())).as_str());
    let signed_headers_at = out.len();
    out.push_str(SIGNED_HEADERS);
    let token_at = out.len();
    match (inputs.encoded_session_token, inputs.session_token) {
        (Some(encoded), _) => {
            out.push_str(SECURITY_TOKEN);
            out.push_str(encoded);
        }
        (None, Some(token)) => {
            out.push_str(SECURITY_TOKEN);
            push_encoded(&mut out, token);
        }
        (None, None) => {}
    }
    let token_end = out.len();

    // Canonical request; its query is sorted, so the session token comes before SignedHeaders.
    let bytes = out.as_bytes();
    let fixed = &bytes[query_start..fixed_end];
    let mut creq = match cache {
        Some(c) => c.hasher_for(fixed),
        None => fresh_hasher(fixed),
    };
    creq.update(&bytes[fixed_end..signed_headers_at]);
    creq.update(&bytes[token_at..token_end]);
    // SignedHeaders, then the host header (botocore's: lower-cased, `:443` dropped).
    let mut tail = [0u8; MAX_HOSTNAME_LEN + 128];
    let mut n = 0;
    for piece in [SIGNED_HEADERS.as_bytes(), b"\nhost:", hostname.as_bytes()] {
        tail[n..n + piece.len()].copy_from_slice(piece);
        n += piece.len();
    }
    tail[n - hostname.len()..n].make_ascii_lowercase();
    let port_digits = request.port().filter(|p| *p != 443).map(itoa_u16);
    let port_piece: &[u8] = port_digits.as_ref().map_or(&[], |d| d.as_slice());
    for piece in [if port_piece.is_empty() { &b""[..] } else { b":" }, port_piece, b"\n\nhost\n", EMPTY_PAYLOAD_SHA256.as_bytes()] {
        tail[n..n + piece.len()].copy_from_slice(piece);
        n += piece.len();
    }
    creq.update(&tail[..n]);
    let creq_hash: [u8; 32] = creq.finalize().into();

    // String to sign.
    let mut sts = [0u8; 256];
    let mut m = 0;
    for piece in [
        ALGORITHM.as_bytes(),
        b"\n",
        amz_date.as_bytes(),
        b"\n",
        date.as_bytes(),
        b"/",
        region.as_bytes(),
        b"/",
        service.as_bytes(),
        b"/aws4_request\n",
        &hex32(&creq_hash),
    ] {
        sts[m..m + piece.len()].copy_from_slice(piece);
        m += piece.len();
    }
    let signature = inputs.key.mac(&sts[..m]);

    out.push_str("&X-Amz-Signature=");
    out.push_str(std::str::from_utf8(&hex32(&signature)).unwrap_or_default());
    out
}
