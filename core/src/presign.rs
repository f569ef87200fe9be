//! Assembles a token: botocore's parameter order in the token, the SigV4 canonical request
//! (sorted query, only `host` signed, empty-payload hash), the string to sign and its HMAC.
//!
//! Everything in a token but the time of day and the signature is fixed for a given request,
//! credentials and day, so a [`Template`] holds it once, already laid out for hashing:
//!
//! * the token text with its `HHMMSS` bytes to overwrite;
//! * the canonical request's SHA-256 state after every whole block before `HHMMSS`, and the
//!   rest of the canonical request with its final padding already appended (its length is fixed,
//!   so the padding is too), `HHMMSS` to overwrite;
//! * the string to sign, padded for the HMAC inner hash, with holes for `HHMMSS` and the hex
//!   canonical-request hash.
//!
//! A token then costs the SHA-256 compressions it cannot avoid (the canonical-request blocks from
//! `HHMMSS` on, the string to sign, one outer HMAC block), one allocation and a few copies.
//! [`Template::new`] assembles each part plainly, byte after byte, from the request; the
//! conformance vectors run through it for every token.

use zeroize::Zeroizing;

use crate::encoding::{hex32, push_encoded};
use crate::hostname::{itoa_u16, itoa_u64};
use crate::request::{TokenKind, TokenRequest};
use crate::sha256::{compress, compress_blocks, digest_bytes, pad, to_blocks, write_at, Block, SHA256_IV};
use crate::signing_key::HmacKey;
use crate::time::SigningTime;

/// SigV4 algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Hex SHA-256 of the empty payload (never `UNSIGNED-PAYLOAD`).
pub const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const SIGNATURE: &str = "&X-Amz-Signature=";
/// Where `HHMMSS` sits in `YYYYMMDDTHHMMSSZ`.
const TIME_IN_AMZ_DATE: usize = 9;
/// Where `HHMMSS` sits in the string to sign (`AWS4-HMAC-SHA256\n` + amz date).
const STS_TIME_AT: usize = ALGORITHM.len() + 1 + TIME_IN_AMZ_DATE;
/// The padded string to sign fits in this many bytes for any region (at most 63 bytes long):
/// 17 + 16 + 1 + 9 + 63 + 1 + 6 + 14 + 64 = 191 bytes, and 9 of padding.
const STS_MAX: usize = 256;
/// (63: `region.rs`'s longest region, which every request's region is checked against.)
const _: () = assert!(ALGORITHM.len() + 1 + 16 + 1 + 9 + 63 + 1 + "rds-db".len() + 14 + 64 + 9 <= STS_MAX);
/// [`STS_MAX`] in blocks.
const STS_BLOCKS: usize = STS_MAX / 64;

/// The request fields a template was made for (compared on every use).
struct RequestKey {
    kind: TokenKind,
    hostname: Box<str>,
    port: Option<u16>,
    username: Option<Box<str>>,
    region: Box<str>,
    expires_in: u32,
}

impl RequestKey {
    fn of(request: &TokenRequest<'_>) -> Self {
        RequestKey {
            kind: request.kind(),
            hostname: request.hostname().into(),
            port: request.port(),
            username: request.username().map(Into::into),
            region: request.region().into(),
            expires_in: request.expires_in(),
        }
    }

    fn matches(&self, request: &TokenRequest<'_>) -> bool {
        self.kind == request.kind()
            && self.port == request.port()
            && self.expires_in == request.expires_in()
            && *self.hostname == *request.hostname()
            && self.username.as_deref() == request.username()
            && *self.region == *request.region()
    }
}

/// One request's tokens for one day and one set of credentials, but for the time of day and the
/// signature (see the module documentation). Holds the session token (encoded) and the signing
/// key: both are wiped when it is dropped.
pub(crate) struct Template {
    /// Days since the Unix epoch of the signing date.
    day: i64,
    request: RequestKey,
    key: HmacKey,
    /// The token up to and including `&X-Amz-Signature=`.
    token: Zeroizing<String>,
    /// Where `HHMMSS` sits in `token`.
    token_time_at: usize,
    /// SHA-256 state after the canonical request's whole blocks before the one holding `HHMMSS`.
    creq_state: [u32; 8],
    /// The canonical request from that block on, padded.
    creq_rest: SecretBlocks,
    /// How many of `creq_rest`'s first blocks hold `HHMMSS` (1 or 2): those are copied and
    /// patched for each token, the others hashed in place.
    creq_head: usize,
    /// Where `HHMMSS` sits in `creq_rest`.
    creq_time_at: usize,
    /// True if the head blocks hold session-token bytes (their copy is wiped after use).
    creq_head_secret: bool,
    /// The string to sign, padded for the HMAC inner hash (which follows the key's pad block).
    sts: [Block; STS_BLOCKS],
    /// How many blocks of `sts` it fills.
    sts_blocks: usize,
    /// Where the hex canonical-request hash goes in `sts`.
    sts_hash_at: usize,
}

/// Blocks that may hold session-token bytes: wiped when dropped.
struct SecretBlocks(Vec<Block>);

impl Drop for SecretBlocks {
    fn drop(&mut self) {
        for block in &mut self.0 {
            crate::wipe::wipe(block);
        }
    }
}

impl Template {
    /// Lays out `request`'s tokens for the day of `signing_time`, signed with `key` (derived for
    /// that day, the request's region and its service) for `access_key_id` and the session token
    /// (`encoded_session_token`: already percent-encoded).
    pub(crate) fn new(
        request: &TokenRequest<'_>,
        access_key_id: &str,
        encoded_session_token: Option<&str>,
        signing_time: SigningTime,
        key: HmacKey,
    ) -> Template {
        let kind = request.kind();
        let region = request.region();
        let service = kind.service();
        let amz_date = signing_time.amz_date();
        let amz_date = amz_date.as_str();
        let date = &amz_date[..8];
        let hostname = request.hostname();
        let username = request.username();

        // The query, in botocore's order, which is also the sorted order but for the session
        // token: the canonical query puts X-Amz-Security-Token before X-Amz-SignedHeaders.
        let mut query = String::with_capacity(
            256 + username.map_or(0, |u| u.len() * 3) + access_key_id.len() * 3,
        );
        query.push_str("Action=");
        query.push_str(kind.action());
        if let Some(user) = username {
            query.push_str("&DBUser=");
            push_encoded(&mut query, user);
        }
        query.push_str("&X-Amz-Algorithm=");
        query.push_str(ALGORITHM);
        query.push_str("&X-Amz-Credential=");
        push_encoded(&mut query, access_key_id);
        for part in [date, region, service, "aws4_request"] {
            query.push_str("%2F");
            query.push_str(part);
        }
        query.push_str("&X-Amz-Date=");
        let query_time_at = query.len() + TIME_IN_AMZ_DATE;
        query.push_str(amz_date);
        query.push_str("&X-Amz-Expires=");
        query.push_str(itoa_u64(u64::from(request.expires_in())).as_str());
        let signed_headers = "&X-Amz-SignedHeaders=host";
        let security_token = encoded_session_token.map(|t| ["&X-Amz-Security-Token=", t]);

        // The token: host[:port]/?query&X-Amz-SignedHeaders=host[&X-Amz-Security-Token=…]&X-Amz-Signature=
        let token_len = hostname.len()
            + 8
            + query.len()
            + signed_headers.len()
            + security_token.map_or(0, |[a, b]| a.len() + b.len())
            + SIGNATURE.len();
        let mut token = Zeroizing::new(String::with_capacity(token_len));
        token.push_str(hostname);
        if let Some(port) = request.port() {
            token.push(':');
            token.push_str(itoa_u16(port).as_str());
        }
        token.push_str("/?");
        let token_time_at = token.len() + query_time_at;
        token.push_str(&query);
        token.push_str(signed_headers);
        for part in security_token.iter().flatten() {
            token.push_str(part);
        }
        token.push_str(SIGNATURE);

        // The canonical request: GET, /, the sorted query, the host header (botocore's:
        // lower-cased, `:443` dropped), the signed headers, the empty payload's hash.
        let mut creq = Zeroizing::new(Vec::with_capacity(token_len + hostname.len() + 160));
        creq.extend_from_slice(b"GET\n/\n");
        let creq_time_at = creq.len() + query_time_at;
        creq.extend_from_slice(query.as_bytes());
        let secret_from = creq.len();
        for part in security_token.iter().flatten() {
            creq.extend_from_slice(part.as_bytes());
        }
        let secret_to = creq.len();
        creq.extend_from_slice(signed_headers.as_bytes());
        creq.extend_from_slice(b"\nhost:");
        let host_at = creq.len();
        creq.extend_from_slice(hostname.as_bytes());
        creq[host_at..].make_ascii_lowercase();
        if let Some(port) = request.port().filter(|p| *p != 443) {
            creq.push(b':');
            creq.extend_from_slice(itoa_u16(port).as_slice());
        }
        creq.extend_from_slice(b"\n\nhost\n");
        creq.extend_from_slice(EMPTY_PAYLOAD_SHA256.as_bytes());
        pad(&mut creq, 0);
        let first = creq_time_at / 64 * 64;
        let mut creq_state = SHA256_IV;
        compress(&mut creq_state, &creq[..first]);
        let creq_rest = SecretBlocks(to_blocks(&creq[first..]));
        let creq_head = if creq_time_at - first + 6 > 64 { 2 } else { 1 };
        debug_assert!(creq_rest.0.len() >= 2, "HHMMSS is never in the last block");
        // Session-token bytes in the head blocks (copied for each token).
        let creq_head_secret =
            secret_from < secret_to && secret_from < first + creq_head * 64 && secret_to > first;

        // The string to sign, after the key's 64-byte inner pad block.
        let mut sts = [0u8; STS_MAX];
        let mut n = 0;
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
            &[b'0'; 64],
        ] {
            sts[n..n + piece.len()].copy_from_slice(piece);
            n += piece.len();
        }
        let sts_hash_at = n - 64;
        let sts_len = pad_in_place(&mut sts, n, 64);
        let mut sts_blocks = [Block::default(); STS_BLOCKS];
        for (block, bytes) in sts_blocks.iter_mut().zip(sts[..sts_len].chunks_exact(64)) {
            block.copy_from_slice(bytes);
        }

        Template {
            day: day_of(signing_time),
            request: RequestKey::of(request),
            key,
            token,
            token_time_at,
            creq_state,
            creq_rest,
            creq_head,
            creq_time_at: creq_time_at - first,
            creq_head_secret,
            sts: sts_blocks,
            sts_blocks: sts_len / 64,
            sts_hash_at,
        }
    }

    /// True if this template makes `request`'s tokens on day `day` (days since the epoch).
    pub(crate) fn is_for(&self, request: &TokenRequest<'_>, day: i64) -> bool {
        self.day == day && self.request.matches(request)
    }

    /// Days since the epoch this template is for.
    pub(crate) fn day(&self) -> i64 {
        self.day
    }

    /// The token for `seconds_of_day` (0..86400) on this template's day.
    pub(crate) fn sign(&self, seconds_of_day: u32) -> String {
        let time = hhmmss(seconds_of_day);
        let signature = self.signature(&time);
        let mut out = String::with_capacity(self.len());
        out.push_str(&self.token[..self.token_time_at]);
        out.push_str(std::str::from_utf8(&time).unwrap_or("000000"));
        out.push_str(&self.token[self.token_time_at + 6..]);
        out.push_str(std::str::from_utf8(&signature).unwrap_or_default());
        out
    }

    /// Length in bytes of this template's tokens (all ASCII).
    pub(crate) fn len(&self) -> usize {
        self.token.len() + 64
    }

    /// Writes the token for `seconds_of_day` into `out`, which is exactly [`Template::len`]
    /// bytes long (else nothing is written and `false` returned).
    pub(crate) fn sign_into(&self, seconds_of_day: u32, out: &mut [u8]) -> bool {
        if out.len() != self.len() {
            return false;
        }
        let time = hhmmss(seconds_of_day);
        let token = self.token.as_bytes();
        let after_time = self.token_time_at + 6;
        out[..self.token_time_at].copy_from_slice(&token[..self.token_time_at]);
        out[self.token_time_at..after_time].copy_from_slice(&time);
        out[after_time..token.len()].copy_from_slice(&token[after_time..]);
        out[token.len()..].copy_from_slice(&self.signature(&time));
        true
    }

    /// The hex signature of the token at `time` (`HHMMSS`) on this template's day.
    ///
    /// Two SHA-256 chains run side by side: the canonical request's, and the HMAC inner hash of
    /// the string to sign, whose blocks before the canonical-request hash hold only the time and
    /// the scope. SHA-256 rounds are latency-bound, so the processor hashes those blocks while
    /// the canonical request's are in flight, if both are issued close together and neither
    /// waits on a store still pending (the patched copies are all made first). Measured
    /// (`cargo bench -p auroraiam --bench token`, both orders in one binary): 1.30x the floor
    /// against 1.36x hashing the whole canonical request first.
    #[inline(never)]
    fn signature(&self, time: &[u8; 6]) -> [u8; 64] {
        // The patched copies first: the block(s) of the canonical request holding HHMMSS, and
        // the string to sign (the rest of the canonical request is hashed in place).
        let rest = &self.creq_rest.0;
        let head_len = self.creq_head;
        // (The canonical request always has a block after the one holding HHMMSS.)
        let mut head = [rest[0], rest[1]];
        write_at(&mut head, self.creq_time_at, time);
        let mut sts = self.sts;
        write_at(&mut sts, STS_TIME_AT, time);
        let early = self.sts_hash_at / 64;

        // The canonical request's first block(s) (the longer chain, so issued first), then the
        // string to sign's blocks before the hash, then the rest of the canonical request.
        let mut state = self.creq_state;
        compress_blocks(&mut state, &head[..head_len]);
        let mut inner = self.key.inner_state();
        compress_blocks(&mut inner, &sts[..early]);
        if self.creq_head_secret {
            for block in &mut head {
                crate::wipe::wipe(block);
            }
        }
        compress_blocks(&mut state, &rest[head_len..]);
        let creq_hash = hex32(&digest_bytes(&state));

        // The rest of the string to sign, then the outer HMAC block.
        write_at(&mut sts, self.sts_hash_at, &creq_hash);
        compress_blocks(&mut inner, &sts[early..self.sts_blocks]);
        hex32(&digest_bytes(&self.key.outer_state(&inner)))
    }
}

/// Days since 1970-01-01 (the signing date: the key and the credential scope change with it).
pub(crate) fn day_of(signing_time: SigningTime) -> i64 {
    signing_time.unix_seconds().div_euclid(SECONDS_PER_DAY)
}

/// The second of the day (0..86400), which with [`day_of`] fixes the amz date.
pub(crate) fn second_of_day(signing_time: SigningTime) -> u32 {
    signing_time.unix_seconds().rem_euclid(SECONDS_PER_DAY) as u32
}

const SECONDS_PER_DAY: i64 = 86_400;

/// `HHMMSS` for a second of the day.
fn hhmmss(seconds_of_day: u32) -> [u8; 6] {
    let (h, m, s) = (seconds_of_day / 3600, seconds_of_day / 60 % 60, seconds_of_day % 60);
    let digit = |v: u32| b'0' + (v % 10) as u8;
    [digit(h / 10), digit(h), digit(m / 10), digit(m), digit(s / 10), digit(s)]
}

/// Appends SHA-256 padding in place to the `len` message bytes of `buf` (which follow `prior`
/// already-hashed bytes, a multiple of 64); returns the padded length.
fn pad_in_place(buf: &mut [u8], len: usize, prior: u64) -> usize {
    let total = (len + 9).div_ceil(64) * 64;
    buf[len] = 0x80;
    buf[len + 1..total - 8].fill(0);
    buf[total - 8..total].copy_from_slice(&((prior + len as u64) * 8).to_be_bytes());
    total
}

/// The benchmark's count of compressions per token (checked by a test below).
#[cfg(test)]
#[path = "../benches/compressions.rs"]
mod compressions;

#[cfg(test)]
mod tests {
    use super::*;

    use super::compressions;

    #[test]
    fn a_token_costs_the_compressions_the_benchmark_floor_assumes() {
        use crate::{credentials_from_parts, Signer};
        let at = SigningTime::from_unix_seconds(1_795_694_400 + 12_345).unwrap();
        let requests = [
            TokenRequest::rds("mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", 5432, "app_user").build().unwrap(),
            TokenRequest::rds("MyDB.example.eu-west-3.rds.amazonaws.com", 443, "a b+c/é").build().unwrap(),
            TokenRequest::rds("db", 3306, "u").region("ap-southeast-2").expires_in_secs(60).build().unwrap(),
            TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", false).build().unwrap(),
            TokenRequest::dsql("abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws", true).build().unwrap(),
        ];
        for token_len in [0usize, 1, 100, 800, 1200] {
            let session_token: String = (0..token_len).map(|i| ['A', '/', 'z', '+', '9', '='][i % 6]).collect();
            let signer = Signer::new(
                credentials_from_parts("ASIAIOSFODNN7EXAMPLE", "secret", Some(&session_token), None).unwrap(),
            )
            .unwrap();
            for request in &requests {
                signer.sign(request, at).unwrap(); // derives the key and lays the request out
                let before = crate::sha256::counter::get();
                let token = signer.sign(request, at).unwrap();
                let counted = crate::sha256::counter::get() - before;
                let expected =
                    compressions::compressions_per_token(token.as_str(), request.region(), request.kind().service());
                assert_eq!(counted as usize, expected, "{} with a {token_len}-byte session token", request.hostname());
            }
        }
    }

    #[test]
    fn day_and_second_make_the_amz_date() {
        for seconds in [0i64, 59, 3_599, 86_399, 86_400, 951_782_400, 1_795_694_400 + 45_296, 253_402_300_799] {
            let t = SigningTime::from_unix_seconds(seconds).unwrap();
            assert_eq!(day_of(t), seconds / 86_400);
            assert_eq!(&hhmmss(second_of_day(t)), &t.amz_date().as_str().as_bytes()[9..15], "{seconds}");
        }
    }

    #[test]
    fn hhmmss_formats_every_field() {
        assert_eq!(&hhmmss(0), b"000000");
        assert_eq!(&hhmmss(86_399), b"235959");
        assert_eq!(&hhmmss(3_600 * 17 + 60 * 39 + 33), b"173933");
    }

    #[test]
    fn padding_is_sha256s() {
        let mut buf = [0xffu8; 192];
        assert_eq!(pad_in_place(&mut buf, 55, 0), 64);
        assert_eq!(pad_in_place(&mut buf, 56, 0), 128);
        assert_eq!(pad_in_place(&mut buf, 119, 64), 128);
        assert_eq!(&buf[119..121], &[0x80, 0]);
        assert_eq!(&buf[120..128], &((64u64 + 119) * 8).to_be_bytes());
        assert_eq!(pad_in_place(&mut buf, 137, 64), 192);
        assert_eq!(&buf[184..192], &((64u64 + 137) * 8).to_be_bytes());
    }
}
