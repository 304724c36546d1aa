//! The 43-character `EncodingAESKey` and the lenient base64 engine WeChat keys need.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use subtle::ConstantTimeEq;

use crate::error::{CryptoError, Result};

/// Standard-alphabet base64 that accepts non-zero trailing bits and optional `=` padding.
///
/// WeChat's own sample key `abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG` has non-zero trailing
/// bits, which a strict decoder rejects; WeChat's servers (and the official samples) ignore them.
pub(crate) const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Canonical standard base64 with `=` padding, for everything this crate produces.
pub(crate) const STANDARD: GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The AES-256 key derived from an `EncodingAESKey`: `base64_decode(EncodingAESKey + "=")`.
///
/// Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct EncodingAesKey {
    bytes: [u8; 32],
}

impl EncodingAesKey {
    /// Length of an `EncodingAESKey` in characters.
    pub const ENCODED_LEN: usize = 43;

    /// Parses the 43-character key from the admin console.
    ///
    /// # Errors
    /// [`CryptoError::BadKeyLength`] unless it is exactly 43 characters,
    /// [`CryptoError::BadBase64`] if a character is outside the base64 alphabet.
    ///
    /// ```
    /// use weixin_crypto::EncodingAesKey;
    /// let key = EncodingAesKey::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")?;
    /// assert_eq!(format!("{key:?}"), "EncodingAesKey(<redacted>)");
    /// assert!(EncodingAesKey::new("too short").is_err());
    /// # Ok::<(), weixin_crypto::CryptoError>(())
    /// ```
    pub fn new(encoded: &str) -> Result<Self> {
        if encoded.len() != Self::ENCODED_LEN {
            return Err(CryptoError::BadKeyLength {
                field: "EncodingAESKey",
                expected: Self::ENCODED_LEN,
                found: encoded.chars().count(),
                unit: "characters",
            });
        }
        let mut padded = String::with_capacity(44);
        padded.push_str(encoded);
        padded.push('=');
        let decoded = LENIENT
            .decode(padded)
            .map_err(|e| CryptoError::base64("EncodingAESKey", e, true))?;
        let bytes: [u8; 32] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| CryptoError::BadKeyLength {
                    field: "EncodingAESKey",
                    expected: 32,
                    found: decoded.len(),
                    unit: "bytes after base64 decoding",
                })?;
        Ok(Self { bytes })
    }

    /// Wraps 32 raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self { bytes }
    }

    /// A fresh random key (for tests, simulators and key rotation).
    ///
    /// # Errors
    /// [`CryptoError::Random`] if the OS random number generator fails.
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(CryptoError::random)?;
        Ok(Self { bytes })
    }

    /// The raw 32-byte AES-256 key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The CBC IV: the first 16 bytes of the key.
    pub fn iv(&self) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&self.bytes[..16]);
        iv
    }

    /// The canonical 43-character encoding of this key (trailing bits zero).
    ///
    /// For a key parsed from a string with non-zero trailing bits (such as WeChat's sample key)
    /// the last character can differ from the input; both decode to the same bytes.
    pub fn to_encoded(&self) -> String {
        let mut s = STANDARD.encode(self.bytes);
        s.pop(); // the single '=' of a 32-byte value
        s
    }
}

impl FromStr for EncodingAesKey {
    type Err = CryptoError;

    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

impl fmt::Debug for EncodingAesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncodingAesKey(<redacted>)")
    }
}

impl PartialEq for EncodingAesKey {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.bytes.ct_eq(&other.bytes))
    }
}

impl Eq for EncodingAesKey {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_key_with_trailing_bits() {
        let key = EncodingAesKey::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").unwrap();
        let mut hex = [0u8; 64];
        crate::hex::encode_into(key.as_bytes(), &mut hex);
        assert_eq!(
            &hex,
            b"69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051"
        );
        assert_eq!(EncodingAesKey::new(&key.to_encoded()).unwrap(), key);
    }

    #[test]
    fn rejects_bad_keys() {
        assert!(matches!(
            EncodingAesKey::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG="),
            Err(CryptoError::BadKeyLength { found: 44, .. })
        ));
        assert!(matches!(
            EncodingAesKey::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!"),
            Err(CryptoError::BadBase64 {
                field: "EncodingAESKey",
                ..
            })
        ));
        // 43 bytes but multi-byte characters.
        let weird = "é".repeat(21) + "a";
        assert!(EncodingAesKey::new(&weird).is_err());
    }
}
