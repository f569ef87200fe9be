//! Fast, non-elidable wiping of secret byte buffers (tokens): volatile zero writes a word at a
//! time through `zeroize`, instead of a byte at a time.

use zeroize::Zeroize;

/// Overwrites `bytes` with zeros in a way the optimiser may not remove.
pub(crate) fn wipe(bytes: &mut [u8]) {
    let (head, words, tail) = bytemuck::pod_align_to_mut::<u8, u64>(bytes);
    head.zeroize();
    words.zeroize();
    tail.zeroize();
}

/// Wipes and frees a string's bytes (its length; spare capacity never held data).
pub(crate) fn wipe_string(text: String) {
    let mut bytes = text.into_bytes();
    wipe(&mut bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipes_every_byte_at_any_alignment() {
        let mut buf = [0xAAu8; 101];
        for start in 0..9 {
            buf.fill(0xAA);
            wipe(&mut buf[start..start + 87]);
            assert!(buf[start..start + 87].iter().all(|b| *b == 0));
            assert!(buf[..start].iter().all(|b| *b == 0xAA));
            assert!(buf[start + 87..].iter().all(|b| *b == 0xAA));
        }
    }
}
