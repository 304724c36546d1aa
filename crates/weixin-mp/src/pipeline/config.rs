//! [`PushConfig`]: the values of the admin console's message-push configuration.

use weixin_core::Secret;

/// What the admin console's 「消息推送配置」 (message-push configuration) holds for one account:
/// the appid, the `Token`, and the `EncodingAESKey` (plus the previous one while rotating).
///
/// `Debug` never shows the token or the keys.
///
/// ```
/// use weixin_mp::pipeline::PushConfig;
/// let config = PushConfig::new("wx2c2769f8efd9abc2", "spamtest")
///     .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
/// assert!(!format!("{config:?}").contains("spamtest"));
/// ```
#[derive(Debug, Clone)]
pub struct PushConfig {
    pub(crate) appid: String,
    pub(crate) token: Secret,
    pub(crate) encoding_aes_key: Option<Secret>,
    pub(crate) previous_encoding_aes_key: Option<Secret>,
}

impl PushConfig {
    /// A configuration for plain mode (no `EncodingAESKey`).
    pub fn new(appid: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            appid: appid.into(),
            token: Secret::new(token),
            encoding_aes_key: None,
            previous_encoding_aes_key: None,
        }
    }

    /// Sets the 43-character `EncodingAESKey` (compatible and safe modes). With a key, plain
    /// pushes are refused unless [`allow_plain`](crate::pipeline::PipelineBuilder::allow_plain)
    /// says otherwise.
    #[must_use]
    pub fn encoding_aes_key(mut self, key: impl Into<String>) -> Self {
        self.encoding_aes_key = Some(Secret::new(key));
        self
    }

    /// Sets the previous `EncodingAESKey`, kept while rotating: a push the current key cannot
    /// decrypt is tried with this one, and its reply is encrypted with the key that worked.
    #[must_use]
    pub fn previous_encoding_aes_key(mut self, key: impl Into<String>) -> Self {
        self.previous_encoding_aes_key = Some(Secret::new(key));
        self
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// Whether an `EncodingAESKey` is configured.
    pub fn has_encoding_aes_key(&self) -> bool {
        self.encoding_aes_key.is_some()
    }
}
