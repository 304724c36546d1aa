//! WXBizMsgCrypt: the AES-256-CBC message encryption of WeChat pushes and replies.
//!
//! ```text
//! AESKey   = base64_decode(EncodingAESKey + "=")          32 bytes, IV = AESKey[..16]
//! FullStr  = random(16) ‖ be_u32(len(msg)) ‖ msg ‖ appid
//! Encrypt  = base64(AES-256-CBC(PKCS#7-pad-to-32(FullStr)))
//! msg_signature = sha1(sort([token, timestamp, nonce, Encrypt]))
//! ```

use std::fmt;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit};
use base64::Engine as _;

use crate::aes_key::{EncodingAesKey, LENIENT, STANDARD};
use crate::envelope::{EncryptedReply, Envelope, parse_envelope};
use crate::error::{CryptoError, Result};
use crate::padding;
use crate::signature::{msg_signature, verify_msg_signature, verify_signature};

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256Enc>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256Dec>;

/// A key with its AES round keys expanded once, instead of on every push and reply.
#[derive(Clone)]
struct ExpandedKey {
    key: EncodingAesKey,
    enc: aes::Aes256Enc,
    dec: aes::Aes256Dec,
}

impl ExpandedKey {
    fn new(key: EncodingAesKey) -> Self {
        let bytes = key.as_bytes().into();
        Self {
            enc: aes::Aes256Enc::new(bytes),
            dec: aes::Aes256Dec::new(bytes),
            key,
        }
    }

    fn encryptor(&self) -> Aes256CbcEnc {
        Aes256CbcEnc::inner_iv_init(self.enc.clone(), &self.key.iv().into())
    }

    fn decryptor(&self) -> Aes256CbcDec {
        Aes256CbcDec::inner_iv_init(self.dec.clone(), &self.key.iv().into())
    }
}

/// WXBizMsgCrypt pads to 32-byte blocks.
const PAD_BLOCK: u8 = 32;
/// Random prefix + length field.
const HEADER_LEN: usize = 20;

/// Which configured key decrypted a message. Encrypt the reply with the same one
/// (WeChat's key-rotation advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeySlot {
    /// The current `EncodingAESKey`.
    #[default]
    Current,
    /// The previous `EncodingAESKey` (see [`MsgCrypt::with_previous_key`]).
    Previous,
}

/// A decrypted message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decrypted {
    /// The plaintext message (XML or JSON text, or an echostr).
    pub message: String,
    /// The key that decrypted it.
    pub key_slot: KeySlot,
}

/// A decrypted push body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecryptedPush {
    /// The plaintext message.
    pub message: String,
    /// The key that decrypted it; pass it to [`MsgCrypt::encrypt_reply`].
    pub key_slot: KeySlot,
    /// The envelope it came in (format, `Encrypt`, `ToUserName` / `AppId`).
    pub envelope: Envelope,
}

/// The message crypto of one account: token, `EncodingAESKey` (plus optionally the previous one)
/// and appid (for a third-party platform the component appid, for WeCom the CorpID).
///
/// `Debug` output never shows the token or the keys.
#[derive(Clone)]
pub struct MsgCrypt {
    token: String,
    appid: String,
    key: ExpandedKey,
    previous_key: Option<ExpandedKey>,
}

impl fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("appid", &self.appid)
            .field("token", &"<redacted>")
            .field("key", &self.key.key)
            .field("previous_key", &self.previous_key.as_ref().map(|p| &p.key))
            .finish()
    }
}

impl MsgCrypt {
    /// Builds it from the three values of the admin console's message-push configuration.
    ///
    /// # Errors
    /// If `encoding_aes_key` is not a valid 43-character `EncodingAESKey`.
    pub fn new(
        token: impl Into<String>,
        encoding_aes_key: &str,
        appid: impl Into<String>,
    ) -> Result<Self> {
        Ok(Self::with_key(
            token,
            EncodingAesKey::new(encoding_aes_key)?,
            appid,
        ))
    }

    /// Builds it from an already parsed key.
    pub fn with_key(
        token: impl Into<String>,
        key: EncodingAesKey,
        appid: impl Into<String>,
    ) -> Self {
        Self {
            token: token.into(),
            appid: appid.into(),
            key: ExpandedKey::new(key),
            previous_key: None,
        }
    }

    /// Adds the previous `EncodingAESKey`: decryption falls back to it when the current key
    /// fails, and reports [`KeySlot::Previous`].
    #[must_use]
    pub fn with_previous_key(mut self, previous: EncodingAesKey) -> Self {
        self.previous_key = Some(ExpandedKey::new(previous));
        self
    }

    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The appid checked on decryption and appended on encryption.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Whether a previous key is configured.
    pub fn has_previous_key(&self) -> bool {
        self.previous_key.is_some()
    }

    /// Checks the plain `signature` of a push or of the GET URL verification.
    ///
    /// # Errors
    /// [`CryptoError::SignatureMismatch`].
    pub fn verify_signature(&self, signature: &str, timestamp: &str, nonce: &str) -> Result<()> {
        verify_signature(&self.token, timestamp, nonce, signature)
    }

    /// Verifies `msg_signature` over `encrypt`, then decrypts it (current key, then the previous
    /// one). Also decrypts an encrypted `echostr` (WeCom URL verification).
    ///
    /// # Errors
    /// [`CryptoError::SignatureMismatch`] before any decryption; otherwise
    /// [`CryptoError::BadBase64`], [`CryptoError::CiphertextLength`], [`CryptoError::BadPadding`],
    /// [`CryptoError::PlaintextTooShort`], [`CryptoError::LengthOutOfRange`],
    /// [`CryptoError::AppIdMismatch`], [`CryptoError::NotUtf8`]. When both keys fail, the
    /// current key's error is returned.
    pub fn decrypt(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<Decrypted> {
        verify_msg_signature(&self.token, timestamp, nonce, encrypt, msg_signature)?;
        self.decrypt_unverified(encrypt)
    }

    /// Extracts `Encrypt` from a push body (XML, compatible-mode XML or JSON), verifies
    /// `msg_signature`, then decrypts.
    ///
    /// # Errors
    /// Envelope errors ([`CryptoError::MalformedEnvelope`], [`CryptoError::MissingEncrypt`], …),
    /// then [`CryptoError::SignatureMismatch`], then decryption errors.
    pub fn decrypt_push(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body: &[u8],
    ) -> Result<DecryptedPush> {
        let envelope = parse_envelope(body)?;
        let decrypted = self.decrypt(msg_signature, timestamp, nonce, &envelope.encrypt)?;
        Ok(DecryptedPush {
            message: decrypted.message,
            key_slot: decrypted.key_slot,
            envelope,
        })
    }

    /// Decrypts an `Encrypt` value without checking any signature: only after
    /// [`verify_msg_signature`], or for tests through the `hazmat` module (errors as
    /// [`MsgCrypt::decrypt`]).
    pub(crate) fn decrypt_unverified(&self, encrypt: &str) -> Result<Decrypted> {
        let decode = || {
            LENIENT
                .decode(encrypt)
                .map_err(|e| CryptoError::base64("Encrypt", e, false))
        };
        // Decrypted in place: the buffer the base64 decoder filled becomes the message.
        match decrypt_full_str(&self.key, decode()?, &self.appid) {
            Ok(message) => Ok(Decrypted {
                message,
                key_slot: KeySlot::Current,
            }),
            Err(err) => match &self.previous_key {
                // The first attempt consumed the ciphertext; decoding again is the rare path.
                Some(previous) => decrypt_full_str(previous, decode()?, &self.appid)
                    .map(|message| Decrypted {
                        message,
                        key_slot: KeySlot::Previous,
                    })
                    .map_err(|_| err),
                None => Err(err),
            },
        }
    }

    /// Encrypts `msg` into an `Encrypt` value with a random 16-character prefix.
    ///
    /// # Errors
    /// [`CryptoError::NoPreviousKey`], [`CryptoError::MessageTooLarge`], [`CryptoError::Random`].
    pub fn encrypt(&self, msg: &str, slot: KeySlot) -> Result<String> {
        self.encrypt_with_random(msg, slot, &random_prefix()?)
    }

    /// [`MsgCrypt::encrypt`] with the 16 "random" bytes given (errors as [`MsgCrypt::encrypt`],
    /// but for [`CryptoError::Random`]).
    pub(crate) fn encrypt_with_random(
        &self,
        msg: &str,
        slot: KeySlot,
        random: &[u8; 16],
    ) -> Result<String> {
        encrypt_full_str(
            self.key_for(slot)?,
            random,
            msg.as_bytes(),
            self.appid.as_bytes(),
        )
    }

    /// Encrypts a passive reply and signs it: render the result with
    /// [`EncryptedReply::to_xml`] or [`EncryptedReply::to_json`].
    ///
    /// `nonce` is usually the push's `nonce` echoed back, `timestamp` the current Unix time.
    ///
    /// # Errors
    /// As [`MsgCrypt::encrypt`].
    pub fn encrypt_reply(
        &self,
        msg: &str,
        timestamp: u64,
        nonce: &str,
        slot: KeySlot,
    ) -> Result<EncryptedReply> {
        self.encrypt_reply_with_random(msg, timestamp, nonce, slot, &random_prefix()?)
    }

    /// [`MsgCrypt::encrypt_reply`] with the 16 "random" bytes given (errors as
    /// [`MsgCrypt::encrypt_with_random`]).
    pub(crate) fn encrypt_reply_with_random(
        &self,
        msg: &str,
        timestamp: u64,
        nonce: &str,
        slot: KeySlot,
        random: &[u8; 16],
    ) -> Result<EncryptedReply> {
        let encrypt = self.encrypt_with_random(msg, slot, random)?;
        let timestamp_str = timestamp.to_string();
        let msg_signature = msg_signature(&self.token, &timestamp_str, nonce, &encrypt).into();
        Ok(EncryptedReply {
            encrypt,
            msg_signature,
            timestamp,
            nonce: nonce.to_owned(),
        })
    }

    fn key_for(&self, slot: KeySlot) -> Result<&ExpandedKey> {
        match slot {
            KeySlot::Current => Ok(&self.key),
            KeySlot::Previous => self.previous_key.as_ref().ok_or(CryptoError::NoPreviousKey),
        }
    }
}

/// 16 random characters from `[A-Za-z0-9]`, like the official samples' `getRandomStr`.
///
/// The bytes come from the OS random number generator through a per-thread buffer
/// ([`crate::random_pool`]) instead of one system call per reply.
fn random_prefix() -> Result<[u8; 16]> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = [0u8; 16];
    let mut filled = 0;
    let mut pool = [0u8; 24];
    while filled < out.len() {
        crate::random_pool::fill(&mut pool)?;
        // 248 = 4 * 62: reject the top bytes so the choice is unbiased.
        for &b in pool.iter().filter(|&&b| b < 248) {
            if let Some(slot) = out.get_mut(filled) {
                *slot = ALPHABET[usize::from(b % 62)];
                filled += 1;
            }
        }
    }
    Ok(out)
}

/// A random decimal nonce (a `u32`), as WeChat uses in push URLs.
///
/// # Errors
/// [`CryptoError::Random`] if the OS random number generator fails.
pub fn random_nonce() -> Result<String> {
    getrandom::u32()
        .map(|n| n.to_string())
        .map_err(CryptoError::random)
}

/// Builds `random ‖ be_u32(len) ‖ msg ‖ appid`, pads it to 32 bytes and encrypts it.
fn encrypt_full_str(
    key: &ExpandedKey,
    random: &[u8; 16],
    msg: &[u8],
    appid: &[u8],
) -> Result<String> {
    let len =
        u32::try_from(msg.len()).map_err(|_| CryptoError::MessageTooLarge { len: msg.len() })?;
    let mut buf = Vec::with_capacity(HEADER_LEN + msg.len() + appid.len() + usize::from(PAD_BLOCK));
    buf.extend_from_slice(random);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(msg);
    buf.extend_from_slice(appid);
    padding::pad(&mut buf, PAD_BLOCK);
    let n = buf.len();
    let ciphertext = key
        .encryptor()
        .encrypt_padded::<NoPadding>(&mut buf, n)
        .map_err(|_| CryptoError::MessageTooLarge { len: msg.len() })?;
    Ok(STANDARD.encode(ciphertext))
}

/// Decrypts `buf` in place, unpads (1..=32) and splits the FullStr, checking the appid; the
/// message is moved to the front of `buf`, which becomes the returned `String`.
fn decrypt_full_str(key: &ExpandedKey, mut buf: Vec<u8>, appid: &str) -> Result<String> {
    let field = "Encrypt";
    let len = buf.len();
    if buf.is_empty() || !len.is_multiple_of(16) {
        return Err(CryptoError::CiphertextLength { field, len });
    }
    let plaintext = key
        .decryptor()
        .decrypt_padded::<NoPadding>(&mut buf)
        .map_err(|_| CryptoError::CiphertextLength { field, len })?;
    let content = padding::unpad(plaintext, PAD_BLOCK, field)?;
    let range = message_range(content, appid)?;
    let mut message = buf;
    message.truncate(range.end);
    message.drain(..range.start);
    String::from_utf8(message)
        .map_err(|e| CryptoError::not_utf8("decrypted message", e.utf8_error()))
}

/// Splits `random(16) ‖ be_u32(len) ‖ msg ‖ appid` into a `String` (tests).
#[cfg(test)]
fn parse_full_str(content: &[u8], expected_appid: &str) -> Result<String> {
    let range = message_range(content, expected_appid)?;
    let msg = std::str::from_utf8(&content[range])
        .map_err(|e| CryptoError::not_utf8("decrypted message", e))?;
    Ok(msg.to_owned())
}

/// Where the message lies in `random(16) ‖ be_u32(len) ‖ msg ‖ appid`, after checking the
/// length field and the appid.
fn message_range(content: &[u8], expected_appid: &str) -> Result<std::ops::Range<usize>> {
    let (Some(len_bytes), Some(rest)) = (content.get(16..HEADER_LEN), content.get(HEADER_LEN..))
    else {
        return Err(CryptoError::PlaintextTooShort { len: content.len() });
    };
    let mut be = [0u8; 4];
    be.copy_from_slice(len_bytes);
    let declared = u32::from_be_bytes(be);
    let msg_len = usize::try_from(declared).unwrap_or(usize::MAX);
    if msg_len > rest.len() {
        return Err(CryptoError::LengthOutOfRange {
            declared,
            available: rest.len(),
        });
    }
    let found_appid = rest.get(msg_len..).unwrap_or_default();
    if found_appid != expected_appid.as_bytes() {
        return Err(CryptoError::AppIdMismatch {
            expected: expected_appid.to_owned(),
            found: String::from_utf8_lossy(found_appid).into_owned(),
        });
    }
    Ok(HEADER_LEN..HEADER_LEN + msg_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_prefix_is_alphanumeric() {
        let r = random_prefix().unwrap();
        assert!(r.iter().all(u8::is_ascii_alphanumeric));
        assert_ne!(r, random_prefix().unwrap());
    }

    #[test]
    fn parse_full_str_bounds() {
        assert_eq!(
            parse_full_str(&[0; 19], ""),
            Err(CryptoError::PlaintextTooShort { len: 19 })
        );
        let mut v = vec![0u8; 16];
        v.extend_from_slice(&u32::MAX.to_be_bytes());
        v.extend_from_slice(b"abc");
        assert_eq!(
            parse_full_str(&v, ""),
            Err(CryptoError::LengthOutOfRange {
                declared: u32::MAX,
                available: 3
            })
        );
        let mut v = vec![0u8; 16];
        v.extend_from_slice(&2u32.to_be_bytes());
        v.extend_from_slice(b"hiwx1");
        assert_eq!(parse_full_str(&v, "wx1").unwrap(), "hi");
        assert!(matches!(
            parse_full_str(&v, "wx2"),
            Err(CryptoError::AppIdMismatch { .. })
        ));
    }
}
