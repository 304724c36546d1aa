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

use crate::digest::{sha1_hex, sha1_hex_array};
use crate::error::{CryptoError, Result, SignatureKind};

/// `sha1(concat(sort(parts)))` as lowercase hex.
pub fn sha1_sorted(parts: &[&str]) -> String {
    let mut sorted: Vec<&str> = parts.to_vec();
    sorted.sort_unstable();
    let bytes: Vec<&[u8]> = sorted.iter().map(|s| s.as_bytes()).collect();
    sha1_hex(&bytes)
}

/// [`sha1_sorted`] of a fixed number of parts, without allocating: the parts are sorted in
/// place and hashed one after the other (no joined string).
pub(crate) fn sha1_sorted_array<const N: usize>(mut parts: [&str; N]) -> [u8; 40] {
    parts.sort_unstable();
    sha1_hex_array(&parts.map(str::as_bytes))
}

/// Lowercase hex bytes as a `String` (they are ASCII).
fn hex_string(hex: [u8; 40]) -> String {
    hex.iter().copied().map(char::from).collect()
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
    hex_string(sha1_sorted_array([token, timestamp, nonce]))
}

/// The encrypted-push signature `sha1(sort([token, timestamp, nonce, encrypt]))`.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    hex_string(sha1_sorted_array([token, timestamp, nonce, encrypt]))
}

/// Compares a locally computed lowercase hex digest with a received one in constant time.
/// The received value may use either case.
pub fn hex_eq(computed: &str, received: &str) -> bool {
    hex_bytes_eq(computed.as_bytes(), received.as_bytes())
}

/// [`hex_eq`] on bytes, without allocating: constant time in the contents (the length is
/// public).
fn hex_bytes_eq(computed: &[u8], received: &[u8]) -> bool {
    if computed.len() != received.len() {
        return false;
    }
    // OR of the byte differences (no data-dependent branch), then one constant-time test.
    let diff = computed
        .iter()
        .zip(received)
        .fold(0u8, |diff, (&c, &r)| diff | (c ^ r.to_ascii_lowercase()));
    bool::from(diff.ct_eq(&0))
}

/// Checks the plain `signature` query parameter.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`] with [`SignatureKind::Signature`].
pub fn verify_signature(token: &str, timestamp: &str, nonce: &str, received: &str) -> Result<()> {
    if hex_bytes_eq(
        &sha1_sorted_array([token, timestamp, nonce]),
        received.as_bytes(),
    ) {
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
    if hex_bytes_eq(
        &sha1_sorted_array([token, timestamp, nonce, encrypt]),
        received.as_bytes(),
    ) {
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
        assert!(!hex_eq("abcdef", "abcdeF0"));
    }

    #[test]
    fn fixed_arity_matches_the_slice_form() {
        let parts = ["zeta", "alpha", "", "Mid"];
        assert_eq!(hex_string(sha1_sorted_array(parts)), sha1_sorted(&parts),);
        assert_eq!(
            msg_signature("t", "1", "n", "e"),
            sha1_sorted(&["n", "e", "1", "t"])
        );
    }
}
