//! Crypto for tests, test vectors, fuzzing and benchmarks only. Needs the `hazmat` cargo
//! feature, which is off by default; enable it in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! weixin-crypto = { version = "0.1", features = ["hazmat"] }
//! ```
//!
//! Each of these skips something that keeps a server safe:
//!
//! * [`decrypt_unverified`] decrypts without checking `msg_signature`. Its detailed errors
//!   (bad padding, length out of range, wrong appid) then answer for any ciphertext an attacker
//!   makes up, which is a padding oracle: by sending altered copies of a captured `Encrypt` and
//!   watching which error comes back, one can decrypt it block by block without the key.
//!   [`MsgCrypt::decrypt`] and [`MsgCrypt::decrypt_push`] check the signature first, so a
//!   forged ciphertext only ever gets a signature mismatch.
//! * [`encrypt_with_random`] and [`encrypt_reply_with_random`] take the 16 "random" bytes from
//!   the caller. WXBizMsgCrypt's IV is fixed (the first 16 bytes of the key), so those bytes are
//!   all that makes two encryptions differ: reused, they show an observer which replies are
//!   equal or start alike. [`MsgCrypt::encrypt`] and [`MsgCrypt::encrypt_reply`] draw them
//!   from the OS random number generator.
//! * [`api_signing_seal_with_iv`] encrypts server-API data with a caller-chosen IV: reusing an
//!   AES-GCM IV with the same key gives away the XOR of the plaintexts and lets anyone forge
//!   tags. [`ApiSigning::seal_request`](crate::api_signing::ApiSigning::seal_request) draws a
//!   fresh random IV.
//! * [`api_signing_sign`] signs any body, so that tests and fuzzing reach what is behind the
//!   signature check.
//! * [`parse_xml_envelope_with_quick_xml`] is not dangerous, only slower: it is the reference
//!   the fast XML scanner behind [`parse_envelope`](crate::parse_envelope) is checked against.

use crate::envelope::{EncryptedReply, Envelope};
use crate::error::Result;
use crate::msg_crypt::{Decrypted, KeySlot, MsgCrypt};

/// Decrypts an `Encrypt` value **without checking any signature** (a padding oracle: see the
/// [module documentation](self)).
///
/// # Errors
/// As [`MsgCrypt::decrypt`], except [`CryptoError::SignatureMismatch`](crate::CryptoError::SignatureMismatch).
pub fn decrypt_unverified(crypt: &MsgCrypt, encrypt: &str) -> Result<Decrypted> {
    crypt.decrypt_unverified(encrypt)
}

/// Deterministic [`MsgCrypt::encrypt`] with the 16 "random" bytes given.
///
/// # Errors
/// [`CryptoError::NoPreviousKey`](crate::CryptoError::NoPreviousKey),
/// [`CryptoError::MessageTooLarge`](crate::CryptoError::MessageTooLarge).
pub fn encrypt_with_random(
    crypt: &MsgCrypt,
    msg: &str,
    slot: KeySlot,
    random: &[u8; 16],
) -> Result<String> {
    crypt.encrypt_with_random(msg, slot, random)
}

/// Deterministic [`MsgCrypt::encrypt_reply`] with the 16 "random" bytes given.
///
/// # Errors
/// As [`encrypt_with_random`].
pub fn encrypt_reply_with_random(
    crypt: &MsgCrypt,
    msg: &str,
    timestamp: u64,
    nonce: &str,
    slot: KeySlot,
    random: &[u8; 16],
) -> Result<EncryptedReply> {
    crypt.encrypt_reply_with_random(msg, timestamp, nonce, slot, random)
}

/// [`parse_xml_envelope`](crate::envelope::parse_xml_envelope) with quick-xml's streaming
/// reader only.
///
/// # Errors
/// As [`parse_xml_envelope`](crate::envelope::parse_xml_envelope).
pub fn parse_xml_envelope_with_quick_xml(xml: &str) -> Result<Envelope> {
    crate::envelope::parse_xml_envelope_with_quick_xml(xml)
}

/// AES-256-GCM of server-API signing with the IV given (see the [module documentation](self)):
/// the `{"iv","data","authtag"}` body for `plain` under `aad` (`urlpath|appid|timestamp|sn`).
pub fn api_signing_seal_with_iv(
    key: &crate::api_signing::SymmetricKey,
    iv: [u8; 12],
    aad: &str,
    plain: &[u8],
) -> Vec<u8> {
    let (data, tag) = key.seal_with_iv(iv, aad.as_bytes(), plain);
    crate::api_signing::encrypted_body(&iv, &data, &tag)
}

/// The base64 `Wechatmp-Signature` of `urlpath\nappid\ntimestamp\nbody` with `key`, for tests
/// and fuzzing that need a message that passes the signature check.
///
/// # Errors
/// [`ApiSigningError::Seal`](crate::api_signing::ApiSigningError::Seal) when the signer fails.
pub fn api_signing_sign(
    key: &crate::api_signing::SigningKey,
    url_path: &str,
    appid: &str,
    timestamp: i64,
    body: &[u8],
) -> std::result::Result<String, crate::api_signing::ApiSigningError> {
    crate::api_signing::sign(key, url_path, appid, timestamp, body)
}
