//! Web authorization (网页授权, OAuth2): the authorize URL, code exchange, refresh, user info.
//!
//! ```no_run
//! use weixin_core::Secret;
//! use weixin_mp::api::Lang;
//! use weixin_mp::api::oauth::OAuthScope;
//!
//! # async fn demo(mp: weixin_mp::api::MpApi, code: &str) -> weixin_core::Result<()> {
//! // 1. Send the user to WeChat…
//! let url = mp
//!     .oauth()
//!     .authorize_url("https://example.com/callback", OAuthScope::UserInfo, "xyz");
//! // 2. …which redirects to the callback with `code` and `state`.
//! let token = mp.oauth().access_token(code).await?;
//! let user = mp.oauth().user_info(&token.access_token, &token.openid, Lang::ZhCn).await?;
//! println!("{} {}", user.openid, user.nickname);
//! # let _ = url; Ok(()) }
//! ```
//!
//! These calls use the app's secret or the **user's** access token, never the app's access
//! token: an invalid user token (40001/42001) is reported as is and does not touch the app's
//! token. Codes are single use (40163), valid 5 minutes (42003); refresh tokens last 30 days
//! (42002 when expired).

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::client::{Endpoint, Request};
use weixin_core::{AppClient, Error, Secret};

use super::common::Lang;

/// WeChat's authorize page.
pub const AUTHORIZE_URL: &str = "https://open.weixin.qq.com/connect/oauth2/authorize";

/// What the user authorizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthScope {
    /// `snsapi_base`: the openid only, without a consent page.
    Base,
    /// `snsapi_userinfo`: nickname and avatar too, after the user consents.
    UserInfo,
}

impl OAuthScope {
    /// The `scope` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "snsapi_base",
            Self::UserInfo => "snsapi_userinfo",
        }
    }
}

/// A user's web access token (`sns/oauth2/access_token`, `sns/oauth2/refresh_token`).
///
/// `Debug` masks both tokens.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OAuthToken {
    /// The user access token (2 hours).
    pub access_token: Secret,
    /// Lifetime in seconds.
    #[serde(default)]
    pub expires_in: u64,
    /// The refresh token (30 days).
    pub refresh_token: Secret,
    /// The user's openid.
    pub openid: String,
    /// The granted scopes, comma-separated.
    #[serde(default)]
    pub scope: String,
    /// 1 when the user is a snapshot-page virtual account.
    #[serde(default)]
    pub is_snapshotuser: Option<u8>,
    /// The unionid (`snsapi_userinfo` and a bound Open Platform account).
    #[serde(default)]
    pub unionid: Option<String>,
}

/// A user's profile (`sns/userinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct SnsUserInfo {
    /// The openid.
    pub openid: String,
    /// Nickname.
    #[serde(default)]
    pub nickname: String,
    /// Gender (WeChat now answers 0).
    #[serde(default)]
    pub sex: i32,
    /// Province.
    #[serde(default)]
    pub province: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Country.
    #[serde(default)]
    pub country: String,
    /// Avatar URL.
    #[serde(default)]
    pub headimgurl: String,
    /// Privileges (e.g. `chinaunicom`).
    #[serde(default)]
    pub privilege: Vec<String>,
    /// The unionid.
    #[serde(default)]
    pub unionid: Option<String>,
}

/// Every endpoint of this area. None carries the app's access token: they take the app's
/// secret or the user's web access token.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    ExchangeCode::ENDPOINT,
    RefreshToken::ENDPOINT,
    GetUserInfo::ENDPOINT,
    CheckToken::ENDPOINT,
];

/// `GET sns/oauth2/access_token` with appid and secret: a code is single use, so the exchange
/// is sent at most once.
#[derive(Serialize)]
struct ExchangeCode<'a> {
    appid: &'a str,
    secret: &'a str,
    code: &'a str,
    grant_type: &'static str,
}

impl Request for ExchangeCode<'_> {
    type Response = OAuthToken;
    const ENDPOINT: Endpoint =
        Endpoint::get("/sns/oauth2/access_token", "MpApi::oauth().access_token")
            .once()
            .without_token();
}

/// `GET sns/oauth2/refresh_token`: refreshing again gives a valid token too.
#[derive(Serialize)]
struct RefreshToken<'a> {
    appid: &'a str,
    grant_type: &'static str,
    refresh_token: &'a str,
}

impl Request for RefreshToken<'_> {
    type Response = OAuthToken;
    const ENDPOINT: Endpoint =
        Endpoint::get("/sns/oauth2/refresh_token", "MpApi::oauth().refresh_token").without_token();
}

/// `GET sns/userinfo` with the user's access token.
#[derive(Serialize)]
struct GetUserInfo<'a> {
    access_token: &'a str,
    openid: &'a str,
    lang: Lang,
}

impl Request for GetUserInfo<'_> {
    type Response = SnsUserInfo;
    const ENDPOINT: Endpoint =
        Endpoint::get("/sns/userinfo", "MpApi::oauth().user_info").without_token();
}

/// `GET sns/auth` with the user's access token.
#[derive(Serialize)]
struct CheckToken<'a> {
    access_token: &'a str,
    openid: &'a str,
}

impl Request for CheckToken<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::get("/sns/auth", "MpApi::oauth().check").without_token();
}

/// Web authorization APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct OAuthApi {
    app: AppClient,
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl OAuthApi {
    /// The web authorization APIs of `app` (they need its appid and secret).
    pub fn new(app: AppClient) -> Self {
        Self { app }
    }

    /// The URL to send the user to: [`AUTHORIZE_URL`] with appid, the URL-encoded
    /// `redirect_uri`, `response_type=code`, scope, state (up to 128 bytes of `[a-zA-Z0-9]`)
    /// and the mandatory `#wechat_redirect`, in WeChat's order.
    pub fn authorize_url(&self, redirect_uri: &str, scope: OAuthScope, state: &str) -> String {
        format!(
            "{AUTHORIZE_URL}?appid={}&redirect_uri={}&response_type=code&scope={}&state={}#wechat_redirect",
            encode(self.app.appid()),
            encode(redirect_uri),
            scope.as_str(),
            encode(state),
        )
    }

    /// Exchanges the callback's `code` for the user's tokens (`GET sns/oauth2/access_token` with
    /// appid and secret). Sent at most once: a code cannot be used twice.
    pub async fn access_token(&self, code: &str) -> Result<OAuthToken, Error> {
        let request = ExchangeCode {
            appid: self.app.appid(),
            secret: self.app.secret().expose(),
            code,
            grant_type: "authorization_code",
        };
        self.app.api().send(&request).await
    }

    /// A new user access token from a refresh token (`GET sns/oauth2/refresh_token`).
    pub async fn refresh_token(&self, refresh_token: &Secret) -> Result<OAuthToken, Error> {
        let request = RefreshToken {
            appid: self.app.appid(),
            grant_type: "refresh_token",
            refresh_token: refresh_token.expose(),
        };
        self.app.api().send(&request).await
    }

    /// The user's profile (`GET sns/userinfo`, scope `snsapi_userinfo`) with the user's access
    /// token.
    pub async fn user_info(
        &self,
        access_token: &Secret,
        openid: &str,
        lang: Lang,
    ) -> Result<SnsUserInfo, Error> {
        let request = GetUserInfo {
            access_token: access_token.expose(),
            openid,
            lang,
        };
        self.app.api().send(&request).await
    }

    /// Checks that a user access token is still valid (`GET sns/auth`): `Ok(())`, or the
    /// [`Error::Api`] WeChat answered (40001 / 42001 for invalid or expired tokens).
    pub async fn check(&self, access_token: &Secret, openid: &str) -> Result<(), Error> {
        let request = CheckToken {
            access_token: access_token.expose(),
            openid,
        };
        self.app.api().send(&request).await.map(drop)
    }
}
