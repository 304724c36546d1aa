//! PKCS#7 padding with a configurable block size.
//!
//! WeChat's WXBizMsgCrypt pads to **32**-byte blocks (pad values 1..=32); mini-program open
//! data uses standard 16-byte PKCS#7.

use crate::error::{CryptoError, Result};

/// Appends `k - len % k` bytes of value `k - len % k` (a full block when already aligned).
pub(crate) fn pad(buf: &mut Vec<u8>, block: u8) {
    let k = usize::from(block);
    let n = k - buf.len() % k;
    // n is in 1..=k <= 255.
    let value = u8::try_from(n).unwrap_or(block);
    buf.resize(buf.len() + n, value);
}

/// Strips PKCS#7 padding whose value may be 1..=`max`, checking every pad byte.
pub(crate) fn unpad<'a>(buf: &'a [u8], max: u8, field: &'static str) -> Result<&'a [u8]> {
    let Some(&last) = buf.last() else {
        return Err(CryptoError::BadPadding { field, pad: 0, max });
    };
    let n = usize::from(last);
    if last == 0 || last > max || n > buf.len() {
        return Err(CryptoError::BadPadding {
            field,
            pad: last,
            max,
        });
    }
    let split = buf.len() - n;
    let (content, padding) = buf.split_at(split);
    if padding.iter().any(|&b| b != last) {
        return Err(CryptoError::BadPadding {
            field,
            pad: last,
            max,
        });
    }
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_to_32() {
        for len in 0..100usize {
            let mut v = vec![7u8; len];
            pad(&mut v, 32);
            assert_eq!(v.len() % 32, 0);
            assert!(v.len() > len && v.len() - len <= 32);
            assert_eq!(unpad(&v, 32, "x").unwrap(), vec![7u8; len].as_slice());
        }
    }

    #[test]
    fn unpad_rejects() {
        assert!(unpad(&[], 32, "x").is_err());
        assert!(unpad(&[1, 2, 0], 32, "x").is_err());
        assert!(unpad(&[1, 2, 33], 32, "x").is_err());
        assert!(unpad(&[3, 3], 32, "x").is_err());
        assert!(unpad(&[1, 2, 3, 2], 32, "x").is_err());
        assert!(unpad(&[17; 32], 16, "x").is_err());
        assert_eq!(unpad(&[9, 2, 2], 32, "x").unwrap(), &[9]);
    }
}
