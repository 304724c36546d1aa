//! Mini-program server APIs: typed handles on one app, in the style of octocrab.
//!
//! | handle | APIs |
//! |---|---|
//! | [`WxOpenApi::sns`] | `sns/jscode2session` (login), `wxa/checksession`, `wxa/resetusersessionkey` |
//! | [`WxOpenApi::wxacode`] | `wxa/getwxacode`, `wxa/getwxacodeunlimit`, `cgi-bin/wxaapp/createwxaqrcode` |
//! | [`WxOpenApi::subscribe`] | `cgi-bin/message/subscribe/send`, template management (`wxaapi/newtmpl/*`) |
//! | [`WxOpenApi::security`] | `wxa/msg_sec_check`, `wxa/img_sec_check`, `wxa/media_check_async` |
//! | [`WxOpenApi::links`] | `wxa/generatescheme`, `wxa/generate_urllink`, `wxa/genwxashortlink` |
//! | [`WxOpenApi::phone`] | `wxa/business/getuserphonenumber` |
//! | [`WxOpenApi::datacube`] | `datacube/getweanalysisappid*` summaries |
//! | [`WxOpenApi::custom`] | customer-service messages and typing (`weixin_mp`'s, mini-program flavour) |
//! | [`WxOpenApi::media`] | temporary media (`weixin_mp`'s) |
//! | [`WxOpenApi::quota`] | API quota, `clear_quota`, rid lookup (`weixin_mp`'s) |
//!
//! The access token comes from the shared token broker of the [`AppClient`]; a rejected token
//! is refreshed and the call retried once; a non-zero `errcode` is a typed
//! [`weixin_core::Error::Api`] (see [`weixin_core::Error::api_code`]).
//!
//! ```no_run
//! use weixin_core::{AppConfig, Weixin};
//! use weixin_mp::api::custom::CustomMessage;
//! use weixin_wxopen::api::WxOpenApi;
//! use weixin_wxopen::api::wxacode::UnlimitedWxaCode;
//!
//! # async fn demo() -> weixin_core::Result<()> {
//! let weixin = Weixin::builder()
//!     .app(AppConfig::new("wx1234567890abcdef", "app-secret"))
//!     .build()?;
//! let api = WxOpenApi::new(weixin.app("wx1234567890abcdef")?);
//! api.custom().send(&CustomMessage::text("OPENID", "hello")).await?;
//! let png = api.wxacode().get_unlimited(&UnlimitedWxaCode::new("id=42").page("pages/item/item")).await?;
//! std::fs::write("code.png", &png.bytes).ok();
//! # Ok(()) }
//! ```

pub mod datacube;
pub mod links;
pub mod phone;
pub mod security;
pub mod sns;
pub mod subscribe;
pub mod wxacode;

use serde::de::IgnoredAny;
use weixin_core::client::{ApiClient, Call};
use weixin_core::{AppClient, Error};
use weixin_mp::api::basic::BasicApi;
use weixin_mp::api::custom::CustomApi;
use weixin_mp::api::media::MediaApi;

/// The mini-program API client: one registered app, every API area as a handle.
///
/// Cloning is cheap (an `Arc` inside).
#[derive(Debug, Clone)]
pub struct WxOpenApi {
    app: AppClient,
}

impl WxOpenApi {
    /// The APIs of the mini program behind `app` (from [`weixin_core::Weixin::app`]).
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

    /// Login (`code2Session`) and session-key checks.
    pub fn sns(&self) -> sns::SnsApi {
        sns::SnsApi::new(self.app.clone())
    }

    /// Mini-program codes and QR codes.
    pub fn wxacode(&self) -> wxacode::WxaCodeApi {
        wxacode::WxaCodeApi::new(self.api())
    }

    /// Subscribe messages (订阅消息) and their templates.
    pub fn subscribe(&self) -> subscribe::SubscribeApi {
        subscribe::SubscribeApi::new(self.api())
    }

    /// Content security (内容安全).
    pub fn security(&self) -> security::SecurityApi {
        security::SecurityApi::new(self.api())
    }

    /// URL Scheme, URL Link and Short Link.
    pub fn links(&self) -> links::LinksApi {
        links::LinksApi::new(self.api())
    }

    /// Phone numbers (`getPhoneNumber` with a code).
    pub fn phone(&self) -> phone::PhoneApi {
        phone::PhoneApi::new(self.api())
    }

    /// Data analysis (数据分析).
    pub fn datacube(&self) -> datacube::DatacubeApi {
        datacube::DatacubeApi::new(self.api())
    }

    /// Customer-service messages (text, image, link, miniprogrampage) and typing: `weixin_mp`'s
    /// [`CustomApi`] in its mini-program flavour (typing at `custom/business/typing`).
    pub fn custom(&self) -> CustomApi {
        CustomApi::mini_program(self.api())
    }

    /// Temporary media (upload an image for `miniprogrampage` thumbs, fetch a user's image):
    /// `weixin_mp`'s [`MediaApi`] (mini programs only use the temporary-media calls).
    pub fn media(&self) -> MediaApi {
        MediaApi::new(self.api())
    }

    /// API quota (`openapi/quota/get`), `clear_quota` and rid lookup: `weixin_mp`'s
    /// [`BasicApi`], which serves mini programs unchanged.
    pub fn quota(&self) -> BasicApi {
        BasicApi::new(self.app.clone())
    }
}

impl From<AppClient> for WxOpenApi {
    fn from(app: AppClient) -> Self {
        Self::new(app)
    }
}

/// Sends a call whose answer is only `errcode`/`errmsg`.
pub(crate) async fn send_ok(api: &ApiClient, call: Call) -> Result<(), Error> {
    api.json::<IgnoredAny>(call).await.map(|_| ())
}
