//! Push signatures: `sha1(concat(sort(parts)))` as lowercase hex, and constant-time checks.
//!
//! * [`signature`] — the plain signature over `[token, timestamp, nonce]`, sent as the
//!   `signature` query parameter on every push and on the GET URL verification.
//! * [`msg_signature`] — the encrypted-push signature over `[token, timestamp, nonce, Encrypt]`,
//!   sent as `msg_signature` (and as `MsgSignature` in encrypted replies).
//!
//! Sorting is plain byte-wise lexicographic order (Python `list.sort()`, PHP
//! `sort($a, SORT_STRING)`).

use crate::Signature;
use crate::digest::sha1;
use crate::error::{Result, SignatureKind};

/// `sha1(concat(sort(parts)))`.
pub fn sha1_sorted(parts: &[&str]) -> Signature {
    let mut sorted: Vec<&[u8]> = parts.iter().map(|s| s.as_bytes()).collect();
    sorted.sort_unstable();
    Signature::from_digest(&sha1(&sorted))
}

/// [`sha1_sorted`] of a fixed number of parts, without allocating: the parts are sorted in
/// place and hashed one after the other (no joined string).
fn sha1_sorted_array<const N: usize>(mut parts: [&str; N]) -> Signature {
    parts.sort_unstable();
    Signature::from_digest(&sha1(&parts.map(str::as_bytes)))
}

/// The plain signature `sha1(sort([token, timestamp, nonce]))`.
///
/// ```
/// // Official URL-verification example (Token "AAAAA").
/// assert_eq!(
///     weixin_crypto::signature("AAAAA", "1714036504", "1514711492").as_str(),
///     "f464b24fc39322e44b38aa78f5edd27bd1441696"
/// );
/// ```
pub fn signature(token: &str, timestamp: &str, nonce: &str) -> Signature {
    sha1_sorted_array([token, timestamp, nonce])
}

/// The encrypted-push signature `sha1(sort([token, timestamp, nonce, encrypt]))`.
pub fn msg_signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> Signature {
    sha1_sorted_array([token, timestamp, nonce, encrypt])
}

/// Checks the plain `signature` query parameter (either case), in constant time.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`](crate::CryptoError::SignatureMismatch) with
/// [`SignatureKind::Signature`].
pub fn verify_signature(token: &str, timestamp: &str, nonce: &str, received: &str) -> Result<()> {
    signature(token, timestamp, nonce).check(received, SignatureKind::Signature)
}

/// Checks the `msg_signature` of an encrypted push against its `Encrypt` field (either case),
/// in constant time.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`](crate::CryptoError::SignatureMismatch) with
/// [`SignatureKind::MsgSignature`].
pub fn verify_msg_signature(
    token: &str,
    timestamp: &str,
    nonce: &str,
    encrypt: &str,
    received: &str,
) -> Result<()> {
    msg_signature(token, timestamp, nonce, encrypt).check(received, SignatureKind::MsgSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_arity_matches_the_slice_form() {
        let parts = ["zeta", "alpha", "", "Mid"];
        assert_eq!(
            sha1_sorted_array(parts).as_str(),
            sha1_sorted(&parts).as_str()
        );
        assert_eq!(
            msg_signature("t", "1", "n", "e").as_str(),
            sha1_sorted(&["n", "e", "1", "t"]).as_str()
        );
    }

    #[test]
    fn verify_accepts_only_the_signature() {
        let sig = signature("AAAAA", "1714036504", "1514711492");
        assert!(verify_signature("AAAAA", "1714036504", "1514711492", sig.as_str()).is_ok());
        assert!(verify_signature("AAAAA", "1714036504", "1514711493", sig.as_str()).is_err());
        let enc = msg_signature("t", "1", "n", "e");
        assert!(verify_msg_signature("t", "1", "n", "e", &enc.as_str().to_uppercase()).is_ok());
        assert!(verify_msg_signature("t", "1", "n", "f", enc.as_str()).is_err());
    }
}
