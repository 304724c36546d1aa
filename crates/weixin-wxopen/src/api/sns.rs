//! Login: `sns/jscode2session`, and the session-key checks `wxa/checksession` and
//! `wxa/resetusersessionkey`.
//!
//! Most applications use [`SessionContainer`](crate::session::SessionContainer), which calls
//! these and keeps the `session_key` on the server.

use serde::Deserialize;
use weixin_core::client::Call;
use weixin_core::{AppClient, Error, Secret};
use weixin_crypto::checksession_signature;

/// The `code2Session` path.
pub const JSCODE2SESSION_PATH: &str = "/sns/jscode2session";
/// The `checkSessionKey` path.
pub const CHECK_SESSION_PATH: &str = "/wxa/checksession";
/// The `resetUserSessionKey` path.
pub const RESET_SESSION_KEY_PATH: &str = "/wxa/resetusersessionkey";

/// The answer of `code2Session`. `Debug` masks the session key.
#[derive(Debug, Clone, Deserialize)]
pub struct Code2Session {
    /// The user's openid in this mini program.
    pub openid: String,
    /// The session key: decrypts open data, signs `checksession`. Never send it to the client.
    pub session_key: Secret,
    /// The unionid, when the mini program is bound to an Open Platform account.
    #[serde(default)]
    pub unionid: Option<String>,
}

/// The answer of `resetusersessionkey`. `Debug` masks the session key.
#[derive(Debug, Clone, Deserialize)]
pub struct ResetSessionKey {
    /// The openid.
    #[serde(default)]
    pub openid: String,
    /// The new session key (the old one stops working; the expiry is inherited).
    pub session_key: Secret,
}

/// Login and session-key APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct SnsApi {
    app: AppClient,
}

impl SnsApi {
    /// The APIs of `app`.
    pub fn new(app: AppClient) -> Self {
        Self { app }
    }

    /// `GET sns/jscode2session?appid&secret&js_code&grant_type=authorization_code` (no access
    /// token). The code is single-use, so the call is never repeated after a timeout.
    ///
    /// Errors: [`Error::Api`] with 40029 (invalid code), 40163 (code already used), 45011
    /// (rate limit: 100 per user per minute), 40226 (high-risk user blocked).
    pub async fn code2session(&self, js_code: &str) -> Result<Code2Session, Error> {
        let call = Call::get(JSCODE2SESSION_PATH)
            .without_token()
            .once()
            .query("appid", self.app.appid())
            .query("secret", self.app.secret().expose())
            .query("js_code", js_code)
            .query("grant_type", "authorization_code");
        self.app.api().json(call).await
    }

    /// `GET wxa/checksession`: whether `session_key` is still the user's valid key. Errors:
    /// [`Error::Api`] 87009 (invalid signature: the key is no longer valid).
    pub async fn check_session_key(&self, openid: &str, session_key: &Secret) -> Result<(), Error> {
        let call = Call::get(CHECK_SESSION_PATH)
            .query("openid", openid)
            .query("signature", checksession_signature(session_key.expose()))
            .query("sig_method", "hmac_sha256");
        super::send_ok(self.app.api(), call).await
    }

    /// `GET wxa/resetusersessionkey`: replaces the user's session key (signed with the current
    /// one) and returns the new one.
    pub async fn reset_session_key(
        &self,
        openid: &str,
        session_key: &Secret,
    ) -> Result<ResetSessionKey, Error> {
        let call = Call::get(RESET_SESSION_KEY_PATH)
            .once()
            .query("openid", openid)
            .query("signature", checksession_signature(session_key.expose()))
            .query("sig_method", "hmac_sha256");
        self.app.api().json(call).await
    }
}
