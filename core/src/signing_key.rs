//! SigV4 key derivation, HMAC-SHA256 with precomputed pad states, and a small key cache.
//!
//! HMAC is built on `sha2::compress256` so that the derived key's inner and outer pad states can
//! be computed once, reused for every token of the day, and zeroized when dropped.
//!
//! Why not `aws_sigv4::sign::v4::generate_signing_key` (aws-sigv4 1.6): it would leave secrets
//! in memory that this crate promises to wipe. It copies the secret into a `String`
//! (`format!("AWS4{secret}")`) that is freed without being wiped; its three intermediate keys
//! (kDate, kRegion, kService) and its four HMAC states are dropped unwiped (aws-sigv4 does not
//! turn on `hmac`'s `zeroize` feature); and it returns `impl AsRef<[u8]>`, an opaque value whose
//! bytes can be copied out but not wiped without `unsafe`, which this crate forbids. It would
//! also add aws-sigv4, aws-smithy-http, aws-smithy-runtime-api, tracing and a second SHA-256
//! and HMAC (sha2 0.11, hmac 0.13) to the slim build. Here every intermediate key is a
//! `Zeroizing` buffer, and the result is the pad states, wiped on drop. A test derives keys
//! both ways and checks that they sign alike.

use std::sync::RwLock;

use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::sha256::{compress, compress_blocks, digest_bytes, Block, SHA256_IV};

/// SHA-256 state after absorbing one 64-byte block (`key ^ ipad` or `key ^ opad`).
#[derive(Clone)]
struct PadState([u32; 8]);

impl Drop for PadState {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// An HMAC-SHA256 key with its pad blocks already absorbed.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: PadState,
    outer: PadState,
}

impl HmacKey {
    /// Prepares `key` (hashed first when longer than a block, as HMAC requires).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = Zeroizing::new([0u8; 64]);
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let mut pad = Zeroizing::new([0u8; 64]);
        let mut absorb = |byte: u8| {
            for (p, k) in pad.iter_mut().zip(block.iter()) {
                *p = k ^ byte;
            }
            let mut state = SHA256_IV;
            compress(&mut state, &pad[..]);
            PadState(state)
        };
        let inner = absorb(0x36);
        let outer = absorb(0x5c);
        HmacKey { inner, outer }
    }

    /// HMAC-SHA256 of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let inner = finish(&self.inner.0, message);
        finish(&self.outer.0, &inner)
    }

    /// The inner hash's state after the key's pad block: a message's blocks, padded as if they
    /// followed that block (see `sha256::pad`), are absorbed into it with `compress_blocks` (in
    /// as many steps as suits), then [`HmacKey::outer_state`] finishes the MAC.
    #[inline]
    pub(crate) fn inner_state(&self) -> [u32; 8] {
        self.inner.0
    }

    /// The MAC from the inner hash's final state, as the final SHA-256 state of the outer hash
    /// (the MAC is its words big-endian, `sha256::digest_bytes`): one outer block.
    #[inline]
    pub(crate) fn outer_state(&self, inner: &[u32; 8]) -> [u32; 8] {
        // The outer message is the 32-byte inner digest after the pad block: 96 bytes, one block.
        let mut block = Block::from(OUTER_BLOCK);
        block[..32].copy_from_slice(&digest_bytes(inner));
        let mut outer = self.outer.0;
        compress_blocks(&mut outer, std::slice::from_ref(&block));
        outer
    }
}

/// The outer HMAC block but for the inner digest (its first 32 bytes): SHA-256 padding of a
/// 96-byte message (the pad block and the digest).
const OUTER_BLOCK: [u8; 64] = {
    let mut block = [0u8; 64];
    block[32] = 0x80;
    let bits = (96u64 * 8).to_be_bytes();
    let mut i = 0;
    while i < 8 {
        block[56 + i] = bits[i];
        i += 1;
    }
    block
};

/// Completes a SHA-256 whose first 64-byte block is already absorbed into `state`.
fn finish(state: &[u32; 8], message: &[u8]) -> [u8; 32] {
    let mut h = *state;
    let mut chunks = message.chunks_exact(64);
    for block in &mut chunks {
        compress(&mut h, block);
    }
    let rest = chunks.remainder();
    let bit_len = ((64 + message.len()) as u64) * 8;
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&bit_len.to_be_bytes());
    compress(&mut h, &tail[..tail_len]);
    // Neither the tail (message bytes) nor the running state is key material: no wipe needed.
    digest_bytes(&h)
}

/// One-shot HMAC-SHA256.
fn hmac(key: &[u8], message: &[u8]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(HmacKey::new(key).mac(message))
}

/// Derives the SigV4 signing key: `"AWS4"+secret` → date → region → service → `aws4_request`.
pub(crate) fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> HmacKey {
    let mut seed = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    seed.extend_from_slice(b"AWS4");
    seed.extend_from_slice(secret.as_bytes());
    let k_date = hmac(&seed, date.as_bytes());
    let k_region = hmac(&k_date[..], region.as_bytes());
    let k_service = hmac(&k_region[..], service.as_bytes());
    let k_signing = hmac(&k_service[..], b"aws4_request");
    HmacKey::new(&k_signing[..])
}

struct CacheEntry {
    date: [u8; 8],
    region: Box<str>,
    service: &'static str,
    key: HmacKey,
}

/// Derived keys for one secret, by (date, region, service); bounded, thread-safe.
pub(crate) struct SigningKeyCache {
    entries: RwLock<Vec<CacheEntry>>,
}

impl SigningKeyCache {
    /// Entries kept at most (regions × services × dates in use at once).
    const CAPACITY: usize = 8;

    pub(crate) fn new() -> Self {
        SigningKeyCache { entries: RwLock::new(Vec::new()) }
    }

    /// Runs `f` with the signing key for `secret` on `date` (`YYYYMMDD`), derived once and then
    /// reused (used in place under a shared lock, so the key is not copied).
    pub(crate) fn with_key<R>(
        &self,
        secret: &str,
        date: &str,
        region: &str,
        service: &'static str,
        f: impl FnOnce(&HmacKey) -> R,
    ) -> R {
        let date_bytes: [u8; 8] = date.as_bytes().try_into().unwrap_or([0; 8]);
        let matches =
            |e: &CacheEntry| e.date == date_bytes && e.service == service && &*e.region == region;
        if let Ok(entries) = self.entries.read() {
            if let Some(e) = entries.iter().find(|e| matches(e)) {
                return f(&e.key);
            }
        }
        let key = self.insert(secret, date, region, service);
        f(&key)
    }

    /// The signing key (a copy), for tests.
    #[cfg(test)]
    pub(crate) fn get(&self, secret: &str, date: &str, region: &str, service: &'static str) -> HmacKey {
        self.with_key(secret, date, region, service, HmacKey::clone)
    }

    fn insert(&self, secret: &str, date: &str, region: &str, service: &'static str) -> HmacKey {
        let date_bytes: [u8; 8] = date.as_bytes().try_into().unwrap_or([0; 8]);
        let matches =
            |e: &CacheEntry| e.date == date_bytes && e.service == service && &*e.region == region;
        let key = derive_signing_key(secret, date, region, service);
        if let Ok(mut entries) = self.entries.write() {
            if !entries.iter().any(matches) {
                if entries.len() >= Self::CAPACITY {
                    // Oldest date first: yesterday's keys are the ones no longer needed.
                    if let Some(i) = (0..entries.len()).min_by_key(|&i| entries[i].date) {
                        entries.swap_remove(i);
                    }
                }
                entries.push(CacheEntry { date: date_bytes, region: region.into(), service, key: key.clone() });
            }
        }
        key
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc4231() {
        // RFC 4231 test cases 1, 2 and 6 (key longer than a block).
        assert_eq!(
            hex(&hmac(&[0x0b; 20], b"Hi There")[..]),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")[..]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")[..]),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn hmac_handles_every_padding_length() {
        for len in 0..200 {
            let msg = vec![b'm'; len];
            let ours = hmac(b"key", &msg);
            // Reference: HMAC from its definition using the streaming hasher.
            let mut k = [0u8; 64];
            k[..3].copy_from_slice(b"key");
            let mut inner = Sha256::new();
            inner.update(k.map(|b| b ^ 0x36));
            inner.update(&msg);
            let mut outer = Sha256::new();
            outer.update(k.map(|b| b ^ 0x5c));
            outer.update(inner.finalize());
            assert_eq!(ours[..], outer.finalize()[..], "len {len}");
        }
    }

    #[test]
    fn inner_then_outer_state_is_mac() {
        let key = HmacKey::new(b"key");
        for len in 0..200 {
            let msg = vec![b'm'; len];
            let mut padded = msg.clone();
            crate::sha256::pad(&mut padded, 64);
            let blocks = crate::sha256::to_blocks(&padded);
            for split in [0, blocks.len() / 2, blocks.len()] {
                let mut inner = key.inner_state();
                compress_blocks(&mut inner, &blocks[..split]);
                compress_blocks(&mut inner, &blocks[split..]);
                assert_eq!(digest_bytes(&key.outer_state(&inner)), key.mac(&msg), "len {len} split {split}");
            }
        }
    }

    #[test]
    fn derives_the_aws_documented_key() {
        // From the AWS SigV4 documentation example (iam, us-east-1, 20150830).
        let k_date = hmac(b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", b"20150830");
        let k_region = hmac(&k_date[..], b"us-east-1");
        let k_service = hmac(&k_region[..], b"iam");
        let k_signing = hmac(&k_service[..], b"aws4_request");
        assert_eq!(
            hex(&k_signing[..]),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn derives_the_key_aws_sigv4_derives() {
        use std::time::{Duration, UNIX_EPOCH};

        use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};

        let long_secret = "x".repeat(80); // "AWS4" + secret is longer than a block: hashed first
        let cases = [
            ("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1_478_540_373u64, "us-east-1", "rds-db"),
            ("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 253_402_300_799, "eu-west-1", "dsql"),
            (long_secret.as_str(), 0, "ap-southeast-2", "rds-db"),
            ("s", 951_782_400, "us-gov-west-1", "dsql"),
        ];
        let messages: [&[u8]; 3] = [b"", b"AWS4-HMAC-SHA256\n20161107T173933Z", &[b'm'; 130]];
        for (secret, unix, region, service) in cases {
            let date = crate::SigningTime::from_unix_seconds(unix as i64).unwrap().amz_date();
            let ours = derive_signing_key(secret, date.date(), region, service);
            let theirs = generate_signing_key(secret, UNIX_EPOCH + Duration::from_secs(unix), region, service);
            for message in messages {
                assert_eq!(hex(&ours.mac(message)), calculate_signature(theirs.as_ref(), message), "{region} {service}");
            }
        }
    }

    #[test]
    fn cache_reuses_and_stays_bounded() {
        let cache = SigningKeyCache::new();
        let a = cache.get("s", "20240101", "us-east-1", "rds-db").mac(b"x");
        assert_eq!(cache.get("s", "20240101", "us-east-1", "rds-db").mac(b"x"), a);
        assert_eq!(cache.len(), 1);
        for day in 1..=20 {
            cache.get("s", &format!("202402{day:02}"), "us-east-1", "rds-db");
        }
        assert_eq!(cache.len(), SigningKeyCache::CAPACITY);
        let fresh = derive_signing_key("s", "20240220", "us-east-1", "rds-db").mac(b"x");
        assert_eq!(cache.get("s", "20240220", "us-east-1", "rds-db").mac(b"x"), fresh);
    }
}
