//! The JS-SDK `wx.config` signature.
//!
//! `sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…")` with raw (not URL-escaped) values and
//! the page URL without its `#fragment`.

use crate::Signature;
use crate::digest::sha1;
use crate::error::{Result, SignatureKind};

/// The JS-SDK signature for a page `url` (anything from `#` on is removed).
///
/// ```
/// assert_eq!(
///     weixin_crypto::jssdk_signature(
///         "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
///         "Wm3WZYTPz0wzccnW",
///         1414587457,
///         "http://mp.weixin.qq.com?params=value#section",
///     )
///     .as_str(),
///     "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
/// );
/// ```
pub fn jssdk_signature(jsapi_ticket: &str, noncestr: &str, timestamp: u64, url: &str) -> Signature {
    let string1 = format!(
        "jsapi_ticket={jsapi_ticket}&noncestr={noncestr}&timestamp={timestamp}&url={}",
        strip_fragment(url)
    );
    Signature::from_digest(&sha1(&[string1.as_bytes()]))
}

/// Checks a JS-SDK signature (either case) in constant time.
///
/// # Errors
/// [`CryptoError::SignatureMismatch`](crate::CryptoError::SignatureMismatch) with [`SignatureKind::JsSdk`].
pub fn verify_jssdk_signature(
    jsapi_ticket: &str,
    noncestr: &str,
    timestamp: u64,
    url: &str,
    signature: &str,
) -> Result<()> {
    jssdk_signature(jsapi_ticket, noncestr, timestamp, url).check(signature, SignatureKind::JsSdk)
}

/// `url` without `#` and what follows.
pub fn strip_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}
