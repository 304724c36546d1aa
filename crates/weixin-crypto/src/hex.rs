//! Lowercase hex encoding (no dependency needed for this).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes the lowercase hex of `bytes` to the start of `out` (two bytes of `out` per byte; it
/// stops where either runs out).
pub(crate) fn encode_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0f)]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_lowercase() {
        let mut out = [0u8; 8];
        encode_into(&[0x00, 0x0f, 0xab, 0xff], &mut out);
        assert_eq!(&out, b"000fabff");
        let mut short = [b'-'; 3];
        encode_into(&[0xab, 0xcd], &mut short);
        assert_eq!(&short, b"ab-");
    }
}
