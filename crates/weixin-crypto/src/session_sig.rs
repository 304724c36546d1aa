//! User-session signatures: `hmac_sha256(key = session_key, message = body)` as lowercase hex.
//!
//! Used by `checksession` / `resetusersessionkey` (body `""`) and by 用户登录态签名 (the POST
//! body). The key is the `session_key` **string as-is** (not base64-decoded).

use crate::Signature;
use crate::digest::hmac_sha256;
use crate::error::{Result, SignatureKind};

/// `hmac_sha256(key = session_key, message = body)`, lowercase hex.
///
/// ```
/// assert_eq!(
///     weixin_crypto::user_session_signature("o0q0otL8aEzpcZL/FT9WsQ==", br#"{"foo":"bar"}"#)
///         .as_str(),
///     "654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b"
/// );
/// ```
pub fn user_session_signature(session_key: &str, body: &[u8]) -> Signature {
    Signature::from_digest(&hmac_sha256(session_key.as_bytes(), body))
}

/// The `signature` query parameter of `checksession` and `resetusersessionkey`: the HMAC of the
/// empty string.
pub fn checksession_signature(session_key: &str) -> Signature {
    user_session_signature(session_key, b"")
}

/// Checks a user-session signature (either case) in constant time.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`](crate::CryptoError::SignatureMismatch) with
/// [`SignatureKind::Session`] (also when `signature` is not hex).
pub fn verify_user_session_signature(
    session_key: &str,
    body: &[u8],
    signature: &str,
) -> Result<()> {
    user_session_signature(session_key, body).check(signature, SignatureKind::Session)
}
