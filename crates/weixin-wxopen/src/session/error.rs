//! [`SessionError`]: what can go wrong logging in, looking up a session or decrypting.

use weixin_core::cache::CacheError;
use weixin_core::{ErrCode, Error};
use weixin_crypto::CryptoError;

/// A session or login failure. Never contains a session key or a session id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// 40029: the login code is invalid or expired (codes live about 5 minutes). Ask the
    /// client to call `wx.login` again.
    #[error("invalid login code (40029): call wx.login again")]
    InvalidCode,
    /// 40163: the login code was already used (each code works once).
    #[error("login code already used (40163): each wx.login code works once")]
    CodeUsed,
    /// 45011: too many logins (100 per user per minute).
    #[error("login rate limit reached (45011): slow down")]
    RateLimited,
    /// 40226: WeChat blocked the login of a high-risk user.
    #[error("login blocked by WeChat for a high-risk user (40226)")]
    CodeBlocked,
    /// The session id is not one this server issues (wrong length or characters): forged or
    /// corrupted.
    #[error("invalid session id: not a session id this server issued")]
    InvalidSessionId,
    /// No live session has this id (never issued, expired or removed). Log in again.
    #[error("unknown or expired session: log in again")]
    SessionNotFound,
    /// Decryption or a signature check failed (wrong iv, data from an older session key,
    /// watermark of another app, rawData signature mismatch...).
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The decrypted data names another user (`openId`) than the session's: data obtained in
    /// someone else's session.
    #[error("decrypted data belongs to another user than the session's")]
    OtherUser,
    /// The decrypted data does not have the expected shape.
    #[error("decrypted data does not match: {0}")]
    Decode(String),
    /// Any other API failure (network, token, other errcodes such as 87009 from checksession).
    #[error(transparent)]
    Api(Error),
    /// The operating system could not supply random bytes for a session id.
    #[error("no randomness for a session id: {0}")]
    Randomness(String),
    /// The session cache failed.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl SessionError {
    /// Classifies an API error of a login call.
    pub(crate) fn from_login(error: Error) -> Self {
        match error.api_code() {
            Some(ErrCode::InvalidCode) => Self::InvalidCode,
            Some(ErrCode::CodeBeenUsed) => Self::CodeUsed,
            Some(ErrCode::MinuteQuotaExceeded) => Self::RateLimited,
            Some(ErrCode::CodeBlocked) => Self::CodeBlocked,
            _ => Self::Api(error),
        }
    }

    /// The client should log in again (bad, used or expired code, unknown or forged session).
    pub fn needs_login(&self) -> bool {
        matches!(
            self,
            Self::InvalidCode | Self::CodeUsed | Self::InvalidSessionId | Self::SessionNotFound
        )
    }
}

impl SessionError {
    /// Decrypting the client's data failed, for whatever reason (bad iv or data, an older
    /// session key, a foreign or stale watermark, another user's data, an unexpected shape).
    /// Answer the client one stable message for all of these; the reason is for the log.
    pub fn is_decrypt_failure(&self) -> bool {
        matches!(self, Self::Crypto(_) | Self::Decode(_) | Self::OtherUser)
    }
}

impl From<Error> for SessionError {
    fn from(error: Error) -> Self {
        Self::Api(error)
    }
}
