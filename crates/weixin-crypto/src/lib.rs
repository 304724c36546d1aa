//! WeChat message crypto: push signatures, WXBizMsgCrypt (AES-256-CBC), mini-program open-data
//! decryption, JS-SDK and session signatures. No I/O.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! | What | Where |
//! |---|---|
//! | `signature` / `msg_signature` of pushes | [`signature()`], [`msg_signature`], [`verify_signature`], [`verify_msg_signature`] |
//! | Encrypted pushes and replies (WXBizMsgCrypt) | [`MsgCrypt`], [`EncodingAesKey`], [`KeySlot`] |
//! | Push envelopes (XML / JSON) | [`parse_envelope`], [`EncryptedReply`] |
//! | Mini-program `encryptedData`, `rawData` | [`decrypt_open_data_checked`], [`SessionKey`], [`verify_raw_data_signature`] |
//! | `checksession`, 用户登录态签名 | [`checksession_signature`], [`user_session_signature`] |
//! | JS-SDK `wx.config` | [`jssdk_signature`] |
//! | Server-API signing and encryption (API安全) | [`api_signing`] |
//!
//! Every failure is a [`CryptoError`] whose message says what to check; no input makes this
//! crate panic. Key types never print secrets in `Debug`.
//!
//! Computed signatures are [`Signature`] values: they print as lowercase hex for requests and
//! replies, but have no `==`; a received signature is checked with [`Signature::verify`] or the
//! `verify_*` functions, in constant time.
//!
//! # Cargo features
//!
//! * `hazmat` (off by default): the `hazmat` module, with decryption that skips the signature
//!   check (a padding oracle), encryption with caller-chosen "random" bytes and the reference
//!   XML envelope parser. For tests, test vectors and fuzzing only: enable it in
//!   `[dev-dependencies]`, never for a server. The module documentation says what each item
//!   gives away.
//! * `platform` (off by default): WeChat's side of server-API signing
//!   (`api_signing::PlatformSigning`), for simulators.
//!
//! # Verifying and decrypting a push, encrypting the reply
//!
//! ```
//! use weixin_crypto::{MsgCrypt, EnvelopeFormat};
//!
//! // From the admin console (this is WeChat's official Python sample).
//! let crypt = MsgCrypt::new(
//!     "spamtest",
//!     "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
//!     "wx2c2769f8efd9abc2",
//! )?;
//!
//! // From the request: query parameters and the body.
//! let (msg_signature, timestamp, nonce) =
//!     ("5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132");
//! let body = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";
//!
//! // The signature is checked before anything is decrypted.
//! let push = crypt.decrypt_push(msg_signature, timestamp, nonce, body.as_bytes())?;
//! assert!(push.message.contains("<Content><![CDATA[abcdteT]]></Content>"));
//! assert_eq!(push.envelope.format, EnvelopeFormat::Xml);
//!
//! // Reply in the push's format, with the key that decrypted it, echoing the nonce.
//! let reply = crypt.encrypt_reply("<xml>…</xml>", 1409735670, nonce, push.key_slot)?;
//! let body = reply.render(push.envelope.format);
//! assert!(body.starts_with("<xml>\n<Encrypt><![CDATA["));
//!
//! // What WeChat does with it:
//! let back = crypt.decrypt_push(&reply.msg_signature, "1409735670", nonce, body.as_bytes())?;
//! assert_eq!(back.message, "<xml>…</xml>");
//! # Ok::<(), weixin_crypto::CryptoError>(())
//! ```
//!
//! A tampered body or signature is rejected before decryption:
//!
//! ```
//! # use weixin_crypto::{MsgCrypt, CryptoError, SignatureKind};
//! # let crypt = MsgCrypt::new("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx1")?;
//! let body = br#"{"ToUserName":"gh_1","Encrypt":"AAAA"}"#;
//! let err = crypt.decrypt_push("0000", "1", "2", body).unwrap_err();
//! assert_eq!(err, CryptoError::SignatureMismatch { kind: SignatureKind::MsgSignature });
//! println!("{err}"); // msg_signature mismatch: check that the Token matches …
//! # Ok::<(), weixin_crypto::CryptoError>(())
//! ```
#![forbid(unsafe_code)]

mod aes_key;
pub mod api_signing;
mod digest;
pub mod envelope;
mod error;
#[cfg(feature = "hazmat")]
pub mod hazmat;
mod hex;
pub mod jssdk;
pub mod msg_crypt;
pub mod open_data;
mod padding;
mod random_pool;
pub mod session_sig;
pub mod signature;
mod signature_value;

pub use aes_key::EncodingAesKey;
pub use envelope::{EncryptedReply, Envelope, detect_format, parse_envelope};
pub use error::{CryptoError, EnvelopeFormat, Result, SignatureKind};
pub use jssdk::{jssdk_signature, verify_jssdk_signature};
pub use msg_crypt::{Decrypted, DecryptedPush, KeySlot, MsgCrypt, random_nonce};
pub use open_data::{
    OpenData, SessionKey, Watermark, WatermarkCheck, decrypt_open_data, decrypt_open_data_checked,
    raw_data_signature, verify_raw_data_signature,
};
pub use session_sig::{
    checksession_signature, user_session_signature, verify_user_session_signature,
};
pub use signature::{msg_signature, signature, verify_msg_signature, verify_signature};
pub use signature_value::Signature;
