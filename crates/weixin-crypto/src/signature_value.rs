//! [`Signature`]: a signature this crate computed. It can be printed, and compared with a
//! received value only in constant time.

use std::fmt;

use subtle::ConstantTimeEq;

use crate::error::{CryptoError, Result, SignatureKind};
use crate::hex;

/// The longest digest signed here: HMAC-SHA256, 32 bytes.
const MAX_DIGEST: usize = 32;

/// A signature computed by this crate, as lowercase hex: the push `signature` and
/// `msg_signature`, the JS-SDK and `rawData` signatures (SHA-1, 40 characters), the
/// user-session signatures (HMAC-SHA256, 64 characters).
///
/// It has no `==` on purpose. Checking a received signature goes through
/// [`Signature::verify`], whose time does not depend on how much of the received value is
/// right; with `==`, which stops at the first differing byte, response times would let a forger
/// find a valid signature byte by byte. Print it ([`Signature::as_str`], `Display`,
/// `String::from`) to put it in a request, a URL or a reply.
///
/// ```
/// let sig = weixin_crypto::signature("AAAAA", "1714036504", "1514711492");
/// assert_eq!(sig.as_str(), "f464b24fc39322e44b38aa78f5edd27bd1441696");
/// assert!(sig.verify("F464B24FC39322E44B38AA78F5EDD27BD1441696"));
/// assert!(!sig.verify("f464b24fc39322e44b38aa78f5edd27bd1441697"));
/// let url = format!("https://example.com/wx?signature={sig}");
/// # assert!(url.ends_with("=f464b24fc39322e44b38aa78f5edd27bd1441696"));
/// ```
///
/// Signatures are public values (they travel in URLs), so `Debug` shows it.
#[derive(Clone, Copy)]
pub struct Signature {
    hex: [u8; 2 * MAX_DIGEST],
    len: usize,
}

impl Signature {
    /// The hex of a digest of at most [`MAX_DIGEST`] bytes (checked at compile time).
    pub(crate) fn from_digest<const N: usize>(digest: &[u8; N]) -> Self {
        const { assert!(N <= MAX_DIGEST, "digest longer than a Signature holds") };
        let mut hex = [0u8; 2 * MAX_DIGEST];
        hex::encode_into(digest, &mut hex);
        Self { hex, len: 2 * N }
    }

    /// The lowercase hex text.
    pub fn as_str(&self) -> &str {
        // Lowercase hex digits are ASCII, so this never falls back.
        std::str::from_utf8(self.hex_bytes()).unwrap_or_default()
    }

    /// Whether `received` is this signature, in either case, compared in constant time (only
    /// the length, which is public, can end the comparison early).
    pub fn verify(&self, received: &str) -> bool {
        let computed = self.hex_bytes();
        let received = received.as_bytes();
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

    /// [`Signature::verify`] as a `Result`.
    pub(crate) fn check(&self, received: &str, kind: SignatureKind) -> Result<()> {
        if self.verify(received) {
            Ok(())
        } else {
            Err(CryptoError::SignatureMismatch { kind })
        }
    }

    fn hex_bytes(&self) -> &[u8] {
        &self.hex[..self.len]
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Signature").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<Signature> for String {
    fn from(signature: Signature) -> Self {
        signature.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(digest: [u8; 3]) -> Signature {
        Signature::from_digest(&digest)
    }

    #[test]
    fn verify_cases() {
        let s = sig([0xab, 0xcd, 0xef]);
        assert_eq!(s.as_str(), "abcdef");
        assert!(s.verify("abcdef"));
        assert!(s.verify("ABCDEF"));
        assert!(s.verify("AbCdEf"));
        assert!(!s.verify("abcde"));
        assert!(!s.verify(""));
        assert!(!s.verify("abcdee"));
        assert!(!s.verify("abcdeF0"));
        assert!(!s.verify("bbcdef"));
    }

    #[test]
    fn prints_as_hex() {
        let s = sig([0x00, 0x0f, 0xf0]);
        assert_eq!(s.to_string(), "000ff0");
        assert_eq!(String::from(s), "000ff0");
        assert_eq!(format!("{s:?}"), "Signature(\"000ff0\")");
        let full = Signature::from_digest(&[0xffu8; 32]);
        assert_eq!(full.as_str(), "f".repeat(64));
    }
}
