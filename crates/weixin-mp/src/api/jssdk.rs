//! The JS-SDK `wx.config` parameters: appId, timestamp, nonceStr and the signature over the
//! page URL with the app's jsapi ticket.
//!
//! ```no_run
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let config = mp.jssdk().config("https://example.com/page?id=1#top").await?;
//! // Serialized with the names wx.config expects: {"appId", "timestamp", "nonceStr", "signature"}.
//! let json = serde_json::to_string(&config).unwrap_or_default();
//! # let _ = json; Ok(()) }
//! ```
//!
//! The ticket comes from the shared ticket container ([`AppClient::jsapi_ticket`]): fetched once
//! for all servers and refreshed before it expires. The URL is the page's full URL without its
//! `#fragment` (removed for you).

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use weixin_core::{AppClient, Error};

/// The parameters of `wx.config` (besides `debug` and `jsApiList`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsSdkConfig {
    /// The appid.
    pub app_id: String,
    /// Unix seconds.
    pub timestamp: u64,
    /// The random string that was signed.
    pub nonce_str: String,
    /// `sha1(jsapi_ticket=…&noncestr=…&timestamp=…&url=…)` in hex.
    pub signature: String,
}

/// JS-SDK signing. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct JsSdkApi {
    app: AppClient,
}

const NONCE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl JsSdkApi {
    /// JS-SDK signing for `app`.
    pub fn new(app: AppClient) -> Self {
        Self { app }
    }

    /// The `wx.config` parameters for the page at `url`, with the current time and a random
    /// 16-character nonce.
    pub async fn config(&self, url: &str) -> Result<JsSdkConfig, Error> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.config_with(url, timestamp, &nonce()?).await
    }

    /// The `wx.config` parameters with a given timestamp and nonce.
    pub async fn config_with(
        &self,
        url: &str,
        timestamp: u64,
        nonce_str: &str,
    ) -> Result<JsSdkConfig, Error> {
        let ticket = self.app.jsapi_ticket().await?;
        let signature =
            weixin_crypto::jssdk_signature(ticket.expose(), nonce_str, timestamp, url).into();
        Ok(JsSdkConfig {
            app_id: self.app.appid().to_owned(),
            timestamp,
            nonce_str: nonce_str.to_owned(),
            signature,
        })
    }
}

/// 16 random letters and digits.
fn nonce() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Config(format!("no OS randomness for the JS-SDK nonce: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(NONCE_CHARS[usize::from(*b) % NONCE_CHARS.len()]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_16_alphanumerics_and_differ() {
        let a = nonce().unwrap();
        let b = nonce().unwrap();
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
