//! SHA-256 on whole 64-byte blocks: the signer lays out and pads its messages itself (their
//! lengths are known in advance), so hashing is `sha2::compress256` over contiguous buffers.
//!
//! The per-token messages are kept as slices of [`Block`]s (the type `compress256` takes), so
//! that each contiguous run of blocks is one call of `compress256`: every call loads, shuffles
//! and stores the state again, and one call per block cost a token tens of nanoseconds.

use sha2::digest::generic_array::typenum::U64;
use sha2::digest::generic_array::GenericArray;

/// One 64-byte SHA-256 message block (what `sha2::compress256` absorbs).
pub(crate) type Block = GenericArray<u8, U64>;

/// SHA-256's initial state.
pub(crate) const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Absorbs `blocks` (a multiple of 64 bytes) into `state`.
#[inline]
pub(crate) fn compress(state: &mut [u32; 8], blocks: &[u8]) {
    debug_assert_eq!(blocks.len() % 64, 0);
    for block in blocks.chunks_exact(64) {
        #[cfg(test)]
        counter::add(1);
        sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
    }
}

/// Absorbs `blocks` into `state` with a single call of `sha2::compress256`.
#[inline]
pub(crate) fn compress_blocks(state: &mut [u32; 8], blocks: &[Block]) {
    #[cfg(test)]
    counter::add(blocks.len() as u64);
    sha2::compress256(state, blocks);
}

/// `bytes` (a multiple of 64 long) as blocks.
pub(crate) fn to_blocks(bytes: &[u8]) -> Vec<Block> {
    debug_assert_eq!(bytes.len() % 64, 0);
    bytes.chunks_exact(64).map(Block::clone_from_slice).collect()
}

/// Writes `bytes` at byte offset `at` of the blocks taken as one buffer (across a block
/// boundary if need be).
#[inline]
pub(crate) fn write_at(blocks: &mut [Block], mut at: usize, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let offset = at % 64;
        let n = (64 - offset).min(bytes.len());
        blocks[at / 64][offset..offset + n].copy_from_slice(&bytes[..n]);
        at += n;
        bytes = &bytes[n..];
    }
}

/// Appends SHA-256's final padding to `message`, which follows `prior` already-hashed bytes:
/// `0x80`, zeros, the total length in bits; the result is a multiple of 64 bytes.
pub(crate) fn pad(message: &mut Vec<u8>, prior: u64) {
    let bits = (prior + message.len() as u64) * 8;
    message.push(0x80);
    let zeros = (64 - (message.len() + 8) % 64) % 64;
    message.resize(message.len() + zeros, 0);
    message.extend_from_slice(&bits.to_be_bytes());
}

/// The digest of a finished state.
#[inline]
pub(crate) fn digest_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state.iter()) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// Compressions done by this thread (tests count what a token costs).
#[cfg(test)]
pub(crate) mod counter {
    use std::cell::Cell;

    thread_local! {
        static COMPRESSIONS: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn add(n: u64) {
        COMPRESSIONS.with(|c| c.set(c.get() + n));
    }

    /// Compressions so far on this thread.
    pub(crate) fn get() -> u64 {
        COMPRESSIONS.with(Cell::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn padded_compression_is_sha256() {
        for len in 0..300usize {
            let message: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut padded = message.clone();
            pad(&mut padded, 0);
            assert_eq!(padded.len() % 64, 0);
            assert_eq!(padded.len(), (len + 9).div_ceil(64) * 64, "len {len}");
            let mut state = SHA256_IV;
            compress(&mut state, &padded);
            assert_eq!(digest_bytes(&state)[..], Sha256::digest(&message)[..], "len {len}");
            let mut state = SHA256_IV;
            compress_blocks(&mut state, &to_blocks(&padded));
            assert_eq!(digest_bytes(&state)[..], Sha256::digest(&message)[..], "len {len}");
        }
    }

    #[test]
    fn write_at_crosses_block_boundaries() {
        let bytes: Vec<u8> = (1..=70).collect();
        for at in [0usize, 5, 58, 63, 64, 100, 122] {
            let mut blocks = [Block::default(); 3];
            write_at(&mut blocks, at, &bytes);
            let flat: Vec<u8> = blocks.iter().flat_map(|b| b.iter().copied()).collect();
            assert_eq!(&flat[at..at + 70], &bytes[..], "at {at}");
            assert!(flat[..at].iter().chain(&flat[at + 70..]).all(|b| *b == 0), "at {at}");
        }
    }
}
