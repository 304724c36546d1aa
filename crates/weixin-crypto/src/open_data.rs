//! Mini-program open data: `encryptedData` decryption, watermark checks and the `rawData`
//! signature.
//!
//! ```text
//! plaintext = AES-128-CBC-decrypt(key = b64d(session_key), iv = b64d(iv), b64d(encryptedData))
//!             with standard 16-byte PKCS#7 padding
//! signature = sha1(rawData + session_key)        (session_key as its base64 string)
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use base64::Engine as _;
use subtle::ConstantTimeEq;

use crate::Signature;
use crate::aes_key::LENIENT;
use crate::digest::sha1;
use crate::error::{CryptoError, Result, SignatureKind};
use crate::padding;

type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;

/// A mini-program `session_key` (from `code2Session`): the base64 string and its 16 bytes.
///
/// Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct SessionKey {
    encoded: String,
    bytes: [u8; 16],
}

impl SessionKey {
    /// Parses the base64 `session_key`.
    ///
    /// # Errors
    /// [`CryptoError::BadBase64`] or [`CryptoError::BadKeyLength`] (it must decode to 16 bytes).
    pub fn new(encoded: &str) -> Result<Self> {
        let decoded = LENIENT
            .decode(encoded)
            .map_err(|e| CryptoError::base64("session_key", e, true))?;
        let bytes: [u8; 16] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| CryptoError::BadKeyLength {
                    field: "session_key",
                    expected: 16,
                    found: decoded.len(),
                    unit: "bytes after base64 decoding",
                })?;
        Ok(Self {
            encoded: encoded.to_owned(),
            bytes,
        })
    }

    /// The base64 string, as needed by [`raw_data_signature`] and
    /// [`crate::user_session_signature`].
    pub fn expose_secret(&self) -> &str {
        &self.encoded
    }

    /// The 16-byte AES-128 key.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.bytes
    }
}

impl FromStr for SessionKey {
    type Err = CryptoError;

    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

impl PartialEq for SessionKey {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.bytes.ct_eq(&other.bytes))
    }
}

impl Eq for SessionKey {}

/// Decrypts `encryptedData` (AES-128-CBC, PKCS#7) and returns the JSON text, unchecked.
///
/// Prefer [`decrypt_open_data_checked`], which also checks the watermark.
///
/// # Errors
/// [`CryptoError::BadBase64`], [`CryptoError::BadKeyLength`] (iv not 16 bytes),
/// [`CryptoError::CiphertextLength`], [`CryptoError::BadPadding`], [`CryptoError::NotUtf8`].
pub fn decrypt_open_data(
    session_key: &SessionKey,
    encrypted_data: &str,
    iv: &str,
) -> Result<String> {
    let iv = LENIENT
        .decode(iv)
        .map_err(|e| CryptoError::base64("iv", e, false))?;
    let iv: [u8; 16] = iv
        .as_slice()
        .try_into()
        .map_err(|_| CryptoError::BadKeyLength {
            field: "iv",
            expected: 16,
            found: iv.len(),
            unit: "bytes after base64 decoding",
        })?;
    let field = "encryptedData";
    let mut buf = LENIENT
        .decode(encrypted_data)
        .map_err(|e| CryptoError::base64(field, e, false))?;
    let len = buf.len();
    if len == 0 || !len.is_multiple_of(16) {
        return Err(CryptoError::CiphertextLength { field, len });
    }
    let plaintext = Aes128CbcDec::new(session_key.as_bytes().into(), &iv.into())
        .decrypt_padded::<NoPadding>(&mut buf)
        .map_err(|_| CryptoError::CiphertextLength { field, len })?;
    let content = padding::unpad(plaintext, 16, field)?;
    let text = std::str::from_utf8(content)
        .map_err(|e| CryptoError::not_utf8("decrypted open data", e))?;
    Ok(text.to_owned())
}

/// The `watermark` object of decrypted open data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// The mini program the data was issued to.
    pub appid: String,
    /// When it was issued (Unix seconds).
    pub timestamp: i64,
}

impl Watermark {
    /// Reads `watermark.appid` and `watermark.timestamp` from decrypted open data.
    ///
    /// # Errors
    /// [`CryptoError::InvalidOpenData`] if the text is not a JSON object with a watermark.
    pub fn from_json(json: &str) -> Result<Self> {
        let invalid = |detail: &str| CryptoError::InvalidOpenData {
            detail: detail.to_owned(),
        };
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|_| invalid("is not valid JSON"))?;
        let watermark = value
            .get("watermark")
            .and_then(serde_json::Value::as_object)
            .ok_or_else(|| invalid("has no \"watermark\" object"))?;
        let appid = watermark
            .get("appid")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| invalid("has no string \"watermark.appid\""))?
            .to_owned();
        let timestamp = match watermark.get("timestamp") {
            Some(serde_json::Value::Number(n)) => n.as_i64(),
            Some(serde_json::Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| invalid("has no integer \"watermark.timestamp\""))?;
        Ok(Self { appid, timestamp })
    }
}

/// What to check in the watermark of decrypted open data.
#[derive(Debug, Clone)]
pub struct WatermarkCheck<'a> {
    appid: &'a str,
    max_age: Option<Duration>,
    now: Option<i64>,
}

impl<'a> WatermarkCheck<'a> {
    /// Require `watermark.appid == appid`.
    pub fn new(appid: &'a str) -> Self {
        Self {
            appid,
            max_age: None,
            now: None,
        }
    }

    /// Also require `now - watermark.timestamp <= max_age`.
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Use this Unix time as "now" instead of the system clock (for tests).
    #[must_use]
    pub fn at(mut self, now_unix: i64) -> Self {
        self.now = Some(now_unix);
        self
    }

    /// Checks decrypted open data.
    ///
    /// # Errors
    /// [`CryptoError::InvalidOpenData`], [`CryptoError::AppIdMismatch`],
    /// [`CryptoError::WatermarkTooOld`].
    pub fn check(&self, json: &str) -> Result<Watermark> {
        let watermark = Watermark::from_json(json)?;
        if watermark.appid != self.appid {
            return Err(CryptoError::AppIdMismatch {
                expected: self.appid.to_owned(),
                found: watermark.appid,
            });
        }
        if let Some(max_age) = self.max_age {
            let now = self.now.unwrap_or_else(unix_now);
            let age = now.saturating_sub(watermark.timestamp);
            let max = max_age.as_secs();
            if u64::try_from(age).is_ok_and(|age| age > max) {
                return Err(CryptoError::WatermarkTooOld {
                    timestamp: watermark.timestamp,
                    now,
                    age,
                    max_age: max,
                });
            }
        }
        Ok(watermark)
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Decrypted and checked open data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenData {
    /// The decrypted JSON text, exactly as decrypted.
    pub json: String,
    /// Its watermark.
    pub watermark: Watermark,
}

/// Decrypts `encryptedData` and checks its watermark.
///
/// ```
/// use weixin_crypto::{SessionKey, WatermarkCheck, decrypt_open_data_checked};
/// # let encrypted_data = "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";
/// let key = SessionKey::new("tiihtNczf5v6AKRyjwEUhQ==")?;
/// let data = decrypt_open_data_checked(
///     &key,
///     encrypted_data,
///     "r7BXXKkLb8qrSNn05n0qiA==",
///     &WatermarkCheck::new("wx4f4bc4dec97d474b"),
/// )?;
/// assert_eq!(data.watermark.timestamp, 1477314187);
/// # Ok::<(), weixin_crypto::CryptoError>(())
/// ```
///
/// # Errors
/// Those of [`decrypt_open_data`] and [`WatermarkCheck::check`].
pub fn decrypt_open_data_checked(
    session_key: &SessionKey,
    encrypted_data: &str,
    iv: &str,
    check: &WatermarkCheck<'_>,
) -> Result<OpenData> {
    let json = decrypt_open_data(session_key, encrypted_data, iv)?;
    let watermark = check.check(&json)?;
    Ok(OpenData { json, watermark })
}

/// The `rawData` signature `sha1(raw_data + session_key)` (session_key as its base64 string).
pub fn raw_data_signature(raw_data: &str, session_key: &str) -> Signature {
    Signature::from_digest(&sha1(&[raw_data.as_bytes(), session_key.as_bytes()]))
}

/// Checks the `signature` the client sent with `rawData` (either case), in constant time.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`] with [`SignatureKind::RawData`].
pub fn verify_raw_data_signature(raw_data: &str, session_key: &str, signature: &str) -> Result<()> {
    raw_data_signature(raw_data, session_key).check(signature, SignatureKind::RawData)
}
