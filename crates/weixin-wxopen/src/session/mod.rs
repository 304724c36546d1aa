//! Mini-program login sessions ("3rd session"): the `session_key` stays on the server, the
//! client only ever holds an opaque session id.
//!
//! ```no_run
//! use weixin_core::{AppConfig, Weixin};
//! use weixin_wxopen::session::SessionContainer;
//!
//! # async fn demo(code: &str, encrypted_data: &str, iv: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let weixin = Weixin::builder()
//!     .app(AppConfig::new("wx1234567890abcdef", "app-secret"))
//!     .build()?;
//! let sessions = SessionContainer::new(weixin.app("wx1234567890abcdef")?);
//!
//! // POST /login {code}: calls sns/jscode2session, stores openid + session_key.
//! let session = sessions.login(code).await?;
//! let reply = serde_json::to_string(&session)?; // {"id":"…","openid":"…","expires_in":432000}
//!
//! // Later requests carry the id; each lookup slides the expiry.
//! let session = sessions.get(&session.id).await?;
//! let data = sessions.decrypt(&session.id, encrypted_data, iv).await?; // watermark checked
//! # let _ = (reply, data); Ok(()) }
//! ```
//!
//! Sessions live in the shared cache under `{prefix}:wxsession:{appid}:{id}` with a sliding
//! expiry (default 5 days). Ids are 128 random bits from the OS, as 32 hex characters; an id of
//! any other shape is refused before it reaches the cache.

mod decrypted;
mod error;
mod id;

pub use decrypted::{DataWatermark, PhoneNumber, UserInfo};
pub use error::SessionError;

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use weixin_core::{AppClient, Secret};
use weixin_crypto::{
    SessionKey, WatermarkCheck, decrypt_open_data_checked, verify_raw_data_signature,
};

use crate::api::sns::SnsApi;

/// The default sliding expiry of a session: 5 days (Senparc's default).
pub const DEFAULT_SESSION_EXPIRY: Duration = Duration::from_secs(5 * 24 * 3600);

/// How old (by its watermark) decrypted data may be by default: 10 minutes. The client sends
/// `encryptedData` right after WeChat hands it over; older data is a replay.
pub const DEFAULT_WATERMARK_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The cache key kind of sessions.
pub const SESSION_KEY_KIND: &str = "wxsession";

/// A logged-in user, as the client may see it: no `session_key`.
///
/// Serialize it as the login answer: `{"id": "…", "openid": "…", "unionid": …,
/// "expires_in": 432000}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The opaque session id the client sends back.
    pub id: String,
    /// The user's openid.
    pub openid: String,
    /// The unionid, when the mini program is bound to an Open Platform account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unionid: Option<String>,
    /// Seconds until the session expires unless used again.
    pub expires_in: u64,
}

/// What the cache holds for a session. `Debug` masks the session key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSession {
    openid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unionid: Option<String>,
    session_key: Secret,
    expires_at_ms: u64,
}

/// Logs users in and keeps their sessions in the shared cache. Cloning is cheap.
#[derive(Clone)]
pub struct SessionContainer {
    /// The cache, key prefix and clock are the app's (the registry's).
    app: AppClient,
    expiry: Duration,
    watermark_window: Option<Duration>,
}

impl fmt::Debug for SessionContainer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionContainer")
            .field("appid", &self.app.appid())
            .field("cache", &self.app.cache().backend_name())
            .field("key_prefix", &self.app.keys().prefix())
            .field("expiry", &self.expiry)
            .field("watermark_window", &self.watermark_window)
            .finish_non_exhaustive()
    }
}

impl SessionContainer {
    /// Sessions of the mini program `app`, stored in the registry's shared cache under its key
    /// prefix, expiring by its clock (so every server shares them). Usually reached through
    /// [`MiniProgram::sessions`](crate::MiniProgram::sessions).
    pub fn new(app: AppClient) -> Self {
        Self {
            app,
            expiry: DEFAULT_SESSION_EXPIRY,
            watermark_window: Some(DEFAULT_WATERMARK_WINDOW),
        }
    }

    /// How old decrypted data may be by its watermark timestamp, measured with the app's clock
    /// (default [`DEFAULT_WATERMARK_WINDOW`]). Keep the server's clock in sync.
    pub fn watermark_window(mut self, window: Duration) -> Self {
        self.watermark_window = Some(window);
        self
    }

    /// Accepts decrypted data of any age (only the appid of its watermark is checked): an
    /// explicit choice, e.g. to decrypt a stored test vector.
    pub fn without_watermark_window(mut self) -> Self {
        self.watermark_window = None;
        self
    }

    /// The sliding expiry (default [`DEFAULT_SESSION_EXPIRY`]); a zero duration is raised to
    /// one second.
    pub fn expiry(mut self, expiry: Duration) -> Self {
        self.expiry = expiry.max(Duration::from_secs(1));
        self
    }

    fn key(&self, id: &str) -> String {
        self.app
            .keys()
            .build(SESSION_KEY_KIND, self.app.appid(), &[id])
    }

    fn expiry_ms(&self) -> u64 {
        u64::try_from(self.expiry.as_millis()).unwrap_or(u64::MAX)
    }

    fn public(&self, id: &str, stored: &StoredSession) -> Session {
        let now = self.app.clock().now_ms();
        Session {
            id: id.to_owned(),
            openid: stored.openid.clone(),
            unionid: stored.unionid.clone(),
            expires_in: stored.expires_at_ms.saturating_sub(now).div_ceil(1000),
        }
    }

    async fn write(&self, id: &str, stored: &StoredSession) -> Result<Vec<u8>, SessionError> {
        let bytes = encode(stored)?;
        self.app
            .cache()
            .set(&self.key(id), &bytes, Some(self.expiry))
            .await?;
        Ok(bytes)
    }

    /// Logs a user in with the `code` of `wx.login`: calls `sns/jscode2session` and stores
    /// openid, unionid and session_key under a new session id.
    ///
    /// Errors: [`SessionError::InvalidCode`] (40029), [`SessionError::CodeUsed`] (40163),
    /// [`SessionError::RateLimited`] (45011), [`SessionError::CodeBlocked`] (40226),
    /// [`SessionError::Api`] for anything else.
    pub async fn login(&self, code: &str) -> Result<Session, SessionError> {
        let answer = SnsApi::new(self.app.clone())
            .code2session(code)
            .await
            .map_err(SessionError::from_login)?;
        let id = id::new_id()?;
        let stored = StoredSession {
            openid: answer.openid,
            unionid: answer.unionid.filter(|u| !u.is_empty()),
            session_key: answer.session_key,
            expires_at_ms: self.app.clock().now_ms().saturating_add(self.expiry_ms()),
        };
        self.write(&id, &stored).await?;
        tracing::debug!(appid = %self.app.appid(), openid = %stored.openid, "mini-program login");
        Ok(self.public(&id, &stored))
    }

    /// Reads a session and slides its expiry.
    async fn load(&self, id: &str) -> Result<StoredSession, SessionError> {
        id::validate(id)?;
        let key = self.key(id);
        let bytes = self
            .app
            .cache()
            .get(&key)
            .await?
            .ok_or(SessionError::SessionNotFound)?;
        let mut stored: StoredSession = serde_json::from_slice(&bytes)
            .map_err(|e| SessionError::Decode(format!("stored session: {e}")))?;
        let now = self.app.clock().now_ms();
        if stored.expires_at_ms <= now {
            self.app.cache().compare_and_delete(&key, &bytes).await?;
            return Err(SessionError::SessionNotFound);
        }
        stored.expires_at_ms = now.saturating_add(self.expiry_ms());
        let new = encode(&stored)?;
        // Only if nobody changed it meanwhile (a concurrent key reset wins).
        self.app
            .cache()
            .compare_and_swap(&key, Some(&bytes), &new, Some(self.expiry))
            .await?;
        Ok(stored)
    }

    /// The session `id`, with its expiry slid forward.
    ///
    /// Errors: [`SessionError::InvalidSessionId`] for an id this container never makes (forged),
    /// [`SessionError::SessionNotFound`] for an unknown, expired or removed one.
    pub async fn get(&self, id: &str) -> Result<Session, SessionError> {
        let stored = self.load(id).await?;
        Ok(self.public(id, &stored))
    }

    /// Removes a session (logout); returns whether it existed.
    pub async fn remove(&self, id: &str) -> Result<bool, SessionError> {
        id::validate(id)?;
        Ok(self.app.cache().delete(&self.key(id)).await?)
    }

    async fn session_key(&self, id: &str) -> Result<(StoredSession, SessionKey), SessionError> {
        let stored = self.load(id).await?;
        let key = SessionKey::new(stored.session_key.expose())?;
        Ok((stored, key))
    }

    /// Decrypts `encryptedData` with the session's key and checks it: the watermark names this
    /// app and is at most [`watermark_window`](Self::watermark_window) old, and an `openId` in
    /// the data is the session's user. Returns the decrypted JSON.
    ///
    /// Errors: session errors, [`SessionError::Crypto`] (bad base64 or iv, wrong key, padding,
    /// `AppIdMismatch`, `WatermarkTooOld`), [`SessionError::OtherUser`]. Show a client one
    /// stable message for all of them ([`SessionError::is_decrypt_failure`]) and log the reason.
    pub async fn decrypt(
        &self,
        id: &str,
        encrypted_data: &str,
        iv: &str,
    ) -> Result<serde_json::Value, SessionError> {
        let (stored, key) = self.session_key(id).await?;
        let mut check = WatermarkCheck::new(self.app.appid());
        if let Some(window) = self.watermark_window {
            let now = i64::try_from(self.app.clock().now_ms() / 1000).unwrap_or(i64::MAX);
            check = check.max_age(window).at(now);
        }
        let data = decrypt_open_data_checked(&key, encrypted_data, iv, &check)?;
        let value: serde_json::Value =
            serde_json::from_str(&data.json).map_err(|e| SessionError::Decode(e.to_string()))?;
        match value.get("openId") {
            Some(serde_json::Value::String(openid)) if *openid != stored.openid => {
                Err(SessionError::OtherUser)
            }
            _ => Ok(value),
        }
    }

    async fn decrypt_as<T: serde::de::DeserializeOwned>(
        &self,
        id: &str,
        encrypted_data: &str,
        iv: &str,
    ) -> Result<T, SessionError> {
        let value = self.decrypt(id, encrypted_data, iv).await?;
        serde_json::from_value(value).map_err(|e| SessionError::Decode(e.to_string()))
    }

    /// Decrypts `wx.getUserInfo` data (legacy), watermark checked.
    pub async fn decrypt_user_info(
        &self,
        id: &str,
        encrypted_data: &str,
        iv: &str,
    ) -> Result<UserInfo, SessionError> {
        self.decrypt_as(id, encrypted_data, iv).await
    }

    /// Decrypts the legacy `getPhoneNumber` `encryptedData`, watermark checked.
    pub async fn decrypt_phone_number(
        &self,
        id: &str,
        encrypted_data: &str,
        iv: &str,
    ) -> Result<PhoneNumber, SessionError> {
        self.decrypt_as(id, encrypted_data, iv).await
    }

    /// Checks the `signature` the client sent with `rawData`: `sha1(rawData + session_key)`,
    /// compared in constant time. Errors: [`SessionError::Crypto`] with `SignatureMismatch`.
    pub async fn check_raw_data(
        &self,
        id: &str,
        raw_data: &str,
        signature: &str,
    ) -> Result<(), SessionError> {
        let (stored, _) = self.session_key(id).await?;
        verify_raw_data_signature(raw_data, stored.session_key.expose(), signature)?;
        Ok(())
    }

    /// Asks WeChat whether the session's key is still valid (`wxa/checksession`). Errors:
    /// [`SessionError::Api`] with 87009 when it is not (log the user in again).
    pub async fn check_session_key(&self, id: &str) -> Result<(), SessionError> {
        let stored = self.load(id).await?;
        SnsApi::new(self.app.clone())
            .check_session_key(&stored.openid, &stored.session_key)
            .await?;
        Ok(())
    }

    /// Replaces the session's key at WeChat (`wxa/resetusersessionkey`) and stores the new
    /// one; the session id stays the same.
    pub async fn reset_session_key(&self, id: &str) -> Result<(), SessionError> {
        let mut stored = self.load(id).await?;
        let answer = SnsApi::new(self.app.clone())
            .reset_session_key(&stored.openid, &stored.session_key)
            .await?;
        stored.session_key = answer.session_key;
        self.write(id, &stored).await?;
        Ok(())
    }
}

fn encode(stored: &StoredSession) -> Result<Vec<u8>, SessionError> {
    serde_json::to_vec(stored).map_err(|e| SessionError::Decode(format!("stored session: {e}")))
}
