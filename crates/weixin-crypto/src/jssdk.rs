//! The JS-SDK `wx.config` signature.
//!
//! `sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…")` with raw (not URL-escaped) values and
//! the page URL without its `#fragment`.

use crate::digest::sha1_hex;
use crate::error::{CryptoError, Result, SignatureKind};
use crate::signature::hex_eq;

/// The JS-SDK signature for a page `url` (anything from `#` on is removed).
///
/// ```
/// assert_eq!(
///     weixin_crypto::jssdk_signature(
///         "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
///         "Wm3WZYTPz0wzccnW",
///         1414587457,
///         "http://mp.weixin.qq.com?params=value#section",
///     ),
///     "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
/// );
/// ```
pub fn jssdk_signature(jsapi_ticket: &str, noncestr: &str, timestamp: u64, url: &str) -> String {
    let string1 = format!(
        "jsapi_ticket={jsapi_ticket}&noncestr={noncestr}&timestamp={timestamp}&url={}",
        strip_fragment(url)
    );
    sha1_hex(&[string1.as_bytes()])
}

/// Checks a JS-SDK signature in constant time.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`] with [`SignatureKind::JsSdk`].
pub fn verify_jssdk_signature(
    jsapi_ticket: &str,
    noncestr: &str,
    timestamp: u64,
    url: &str,
    signature: &str,
) -> Result<()> {
    if hex_eq(
        &jssdk_signature(jsapi_ticket, noncestr, timestamp, url),
        signature,
    ) {
        Ok(())
    } else {
        Err(CryptoError::SignatureMismatch {
            kind: SignatureKind::JsSdk,
        })
    }
}

/// `url` without `#` and what follows.
pub fn strip_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}
