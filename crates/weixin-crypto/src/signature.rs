//! Push signatures: `sha1(concat(sort(parts)))` as lowercase hex, and constant-time checks.
//!
//! * [`signature`] — the plain signature over `[token, timestamp, nonce]`, sent as the
//!   `signature` query parameter on every push and on the GET URL verification.
//! * [`msg_signature`] — the encrypted-push signature over `[token, timestamp, nonce, Encrypt]`,
//!   sent as `msg_signature` (and as `MsgSignature` in encrypted replies).
//!
//! Sorting is plain byte-wise lexicographic order (Python `list.sort()`, PHP
//! `sort($a, SORT_STRING)`).

use subtle::ConstantTimeEq;

use crate::digest::sha1_hex;
use crate::error::{CryptoError, Result, SignatureKind};

/// `sha1(concat(sort(parts)))` as lowercase hex.
pub fn sha1_sorted(parts: &[&str]) -> String {
    let mut sorted: Vec<&str> = parts.to_vec();
    sorted.sort_unstable();
    let bytes: Vec<&[u8]> = sorted.iter().map(|s| s.as_bytes()).collect();
    sha1_hex(&bytes)
}

/// The plain signature `sha1(sort([token, timestamp, nonce]))`.
///
/// ```
/// // Official URL-verification example (Token "AAAAA").
/// assert_eq!(
///     weixin_crypto::signature("AAAAA", "1714036504", "1514711492"),
///     "f464b24fc39322e44b38aa78f5edd27bd1441696"
/// );
/// ```
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> String {
    sha1_sorted(&[token, timestamp, nonce])
}

/// The encrypted-push signature `sha1(sort([token, timestamp, nonce, encrypt]))`.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    sha1_sorted(&[token, timestamp, nonce, encrypt])
}

/// Compares a locally computed lowercase hex digest with a received one in constant time.
/// The received value may use either case.
pub fn hex_eq(computed: &str, received: &str) -> bool {
    let received = received.to_ascii_lowercase();
    bool::from(computed.as_bytes().ct_eq(received.as_bytes()))
}

/// Checks the plain `signature` query parameter.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`] with [`SignatureKind::Signature`].
pub fn verify_signature(token: &str, timestamp: &str, nonce: &str, received: &str) -> Result<()> {
    if hex_eq(&signature(token, timestamp, nonce), received) {
        Ok(())
    } else {
        Err(CryptoError::SignatureMismatch {
            kind: SignatureKind::Signature,
        })
    }
}

/// Checks the `msg_signature` of an encrypted push against its `Encrypt` field.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`] with [`SignatureKind::MsgSignature`].
pub fn verify_msg_signature(
    token: &str,
    timestamp: &str,
    nonce: &str,
    encrypt: &str,
    received: &str,
) -> Result<()> {
    if hex_eq(&msg_signature(token, timestamp, nonce, encrypt), received) {
        Ok(())
    } else {
        Err(CryptoError::SignatureMismatch {
            kind: SignatureKind::MsgSignature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_eq_cases() {
        assert!(hex_eq("abcdef", "abcdef"));
        assert!(hex_eq("abcdef", "ABCDEF"));
        assert!(!hex_eq("abcdef", "abcde"));
        assert!(!hex_eq("abcdef", ""));
        assert!(!hex_eq("abcdef", "abcdee"));
    }
}
