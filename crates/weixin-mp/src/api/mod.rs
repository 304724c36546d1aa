//! Official Account advanced APIs: typed handles on one client, in the style of octocrab.
//!
//! [`MpApi`] wraps a registered app's [`AppClient`]; each API area is a handle:
//!
//! | handle | APIs |
//! |---|---|
//! | [`MpApi::custom`] | customer-service messages and typing (also for mini programs) |
//! | [`MpApi::kf`] | customer-service accounts and sessions |
//! | [`MpApi::media`] | temporary media, permanent material, article images (also for mini programs) |
//! | [`MpApi::template`] | template messages, private templates, industry |
//! | [`MpApi::menu`] | custom menu |
//! | [`MpApi::user`] | follower info, batch info, follower list, remarks |
//! | [`MpApi::tags`] | user tags |
//! | [`MpApi::qrcode`] | parametric QR codes |
//! | [`MpApi::oauth`] | web authorization (OAuth2) |
//! | [`MpApi::jssdk`] | JS-SDK `wx.config` signature |
//! | [`MpApi::basic`] | IPs, callback check, API quota, rid lookup |
//!
//! Every call goes through [`weixin_core::client::ApiClient`]: the access token is added and
//! refreshed (a rejected token is invalidated and the call retried once), a non-zero `errcode`
//! becomes [`weixin_core::Error::Api`], and reads are retried on busy / network errors.
//!
//! ```no_run
//! use weixin_core::{AppConfig, Weixin};
//! use weixin_mp::api::MpApi;
//! use weixin_mp::api::custom::{CustomMessage, Typing};
//! use weixin_mp::api::media::MediaType;
//!
//! # async fn demo() -> weixin_core::Result<()> {
//! let weixin = Weixin::builder()
//!     .app(AppConfig::new("wx1234567890abcdef", "app-secret"))
//!     .build()?;
//! let mp = MpApi::new(weixin.app("wx1234567890abcdef")?);
//!
//! mp.custom().typing("OPENID", Typing::Start).await?;
//! mp.custom().send(&CustomMessage::text("OPENID", "hi")).await?;
//!
//! let png = std::fs::read("a.png").unwrap_or_default();
//! let media = mp.media().upload_temp(MediaType::Image, "a.png", png).await?;
//! mp.custom().send(&CustomMessage::image("OPENID", &media.media_id)).await?;
//! # Ok(()) }
//! ```
//!
//! The customer-service and media handles only need an [`ApiClient`]: build them with
//! [`custom::CustomApi::new`] / [`media::MediaApi::new`] from any app's client (mini programs
//! use [`custom::CustomApi::mini_program`]).

pub mod basic;
pub mod custom;
pub mod jssdk;
pub mod kf;
pub mod media;
pub mod menu;
pub mod oauth;
pub mod qrcode;
pub mod tags;
pub mod template;
pub mod user;

mod common;

use weixin_core::AppClient;
use weixin_core::client::ApiClient;

pub use common::{Lang, OpenIdPage};

use weixin_core::client::Endpoint;

/// Every endpoint the Official Account handles call, with its handle method, idempotency and
/// signing capability (docs/api-coverage.md is generated from it).
///
/// ```
/// let endpoints = weixin_mp::api::endpoints();
/// let create = endpoints.iter().find(|e| e.path() == "/cgi-bin/tags/create").unwrap();
/// assert_eq!(create.handle(), "MpApi::tags().create");
/// assert!(!create.is_idempotent());
/// ```
pub fn endpoints() -> Vec<Endpoint> {
    [
        basic::ENDPOINTS,
        custom::ENDPOINTS,
        kf::ENDPOINTS,
        media::ENDPOINTS,
        menu::ENDPOINTS,
        oauth::ENDPOINTS,
        qrcode::ENDPOINTS,
        tags::ENDPOINTS,
        template::ENDPOINTS,
        user::ENDPOINTS,
    ]
    .concat()
}

/// The Official Account API client: one registered app, every API area as a handle.
///
/// Cloning is cheap (an `Arc` inside).
#[derive(Debug, Clone)]
pub struct MpApi {
    app: AppClient,
}

impl MpApi {
    /// The APIs of the app behind `app` (from [`weixin_core::Weixin::app`]).
    pub fn new(app: AppClient) -> Self {
        Self { app }
    }

    /// The app handle.
    pub fn app(&self) -> &AppClient {
        &self.app
    }

    fn api(&self) -> ApiClient {
        self.app.api().clone()
    }

    /// Customer-service messages (客服消息) and typing.
    pub fn custom(&self) -> custom::CustomApi {
        custom::CustomApi::new(self.api())
    }

    /// Customer-service accounts and sessions (客服帐号管理, 会话控制).
    pub fn kf(&self) -> kf::KfApi {
        kf::KfApi::new(self.api())
    }

    /// Temporary media (素材管理 临时素材) and permanent material (永久素材).
    pub fn media(&self) -> media::MediaApi {
        media::MediaApi::new(self.api())
    }

    /// Template messages (模板消息).
    pub fn template(&self) -> template::TemplateApi {
        template::TemplateApi::new(self.api())
    }

    /// The custom menu (自定义菜单).
    pub fn menu(&self) -> menu::MenuApi {
        menu::MenuApi::new(self.api())
    }

    /// Followers (用户管理).
    pub fn user(&self) -> user::UserApi {
        user::UserApi::new(self.api())
    }

    /// User tags (标签管理).
    pub fn tags(&self) -> tags::TagsApi {
        tags::TagsApi::new(self.api())
    }

    /// Parametric QR codes (生成带参数的二维码).
    pub fn qrcode(&self) -> qrcode::QrCodeApi {
        qrcode::QrCodeApi::new(self.api())
    }

    /// Web authorization (网页授权, OAuth2).
    pub fn oauth(&self) -> oauth::OAuthApi {
        oauth::OAuthApi::new(self.app.clone())
    }

    /// The JS-SDK `wx.config` signature.
    pub fn jssdk(&self) -> jssdk::JsSdkApi {
        jssdk::JsSdkApi::new(self.app.clone())
    }

    /// Basic APIs: WeChat IPs, callback check, API quota and rid lookup.
    pub fn basic(&self) -> basic::BasicApi {
        basic::BasicApi::new(self.app.clone())
    }
}

impl From<AppClient> for MpApi {
    fn from(app: AppClient) -> Self {
        Self::new(app)
    }
}
