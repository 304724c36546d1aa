//! Template messages (模板消息): send, private templates, industry.
//!
//! ```no_run
//! use weixin_mp::api::template::TemplateMessage;
//!
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let message = TemplateMessage::new("OPENID", "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY")
//!     .url("http://weixin.qq.com/download")
//!     .miniprogram("wxapp", "index?foo=bar")
//!     .data("keyword1", "巧克力")
//!     .data_with_color("keyword2", "39.8元", "#173177");
//! let msgid = mp.template().send(&message).await?;
//! # let _ = msgid; Ok(()) }
//! ```
//!
//! With both `url` and `miniprogram`, WeChat opens the mini program (the URL is the fallback).
//! The delivery result arrives later as the `TEMPLATESENDJOBFINISH` event.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Endpoint, Request};

/// A template message (`POST cgi-bin/message/template/send`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateMessage {
    /// The receiver's openid.
    pub touser: String,
    /// The template id.
    pub template_id: String,
    /// The page opened on tap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The mini program opened on tap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub miniprogram: Option<TemplateMiniProgram>,
    /// A client id that makes resends of the same message harmless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
    /// The values of the template's keywords.
    pub data: BTreeMap<String, TemplateValue>,
}

/// The mini program a template message opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateMiniProgram {
    /// Its appid (linked to the Official Account).
    pub appid: String,
    /// The page path with its query.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pagepath: String,
}

/// One keyword value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateValue {
    /// The text.
    pub value: String,
    /// Its colour, e.g. `#173177` (ignored by current WeChat clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

impl TemplateMessage {
    /// A message with no data yet.
    pub fn new(touser: impl Into<String>, template_id: impl Into<String>) -> Self {
        Self {
            touser: touser.into(),
            template_id: template_id.into(),
            url: None,
            miniprogram: None,
            client_msg_id: None,
            data: BTreeMap::new(),
        }
    }

    /// Opens `url` on tap.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Opens a mini program page on tap.
    pub fn miniprogram(mut self, appid: impl Into<String>, pagepath: impl Into<String>) -> Self {
        self.miniprogram = Some(TemplateMiniProgram {
            appid: appid.into(),
            pagepath: pagepath.into(),
        });
        self
    }

    /// Sets the client message id (deduplication of resends).
    pub fn client_msg_id(mut self, id: impl Into<String>) -> Self {
        self.client_msg_id = Some(id.into());
        self
    }

    /// Sets a keyword value.
    pub fn data(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.data.insert(
            key.into(),
            TemplateValue {
                value: value.into(),
                color: None,
            },
        );
        self
    }

    /// Sets a keyword value with a colour.
    pub fn data_with_color(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
        color: impl Into<String>,
    ) -> Self {
        self.data.insert(
            key.into(),
            TemplateValue {
                value: value.into(),
                color: Some(color.into()),
            },
        );
        self
    }
}

/// A template of the account's template list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct PrivateTemplate {
    /// The template id.
    pub template_id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Primary industry.
    #[serde(default)]
    pub primary_industry: String,
    /// Secondary industry.
    #[serde(default)]
    pub deputy_industry: String,
    /// The template text with `{{keyword.DATA}}` placeholders.
    #[serde(default)]
    pub content: String,
    /// An example.
    #[serde(default)]
    pub example: String,
}

/// The account's industries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Industry {
    /// The primary industry.
    #[serde(default)]
    pub primary_industry: IndustryClass,
    /// The secondary industry.
    #[serde(default)]
    pub secondary_industry: IndustryClass,
}

/// An industry as its two class names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct IndustryClass {
    /// First-level class, e.g. `IT科技`.
    #[serde(default)]
    pub first_class: String,
    /// Second-level class, e.g. `互联网|电子商务`.
    #[serde(default)]
    pub second_class: String,
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    SendTemplate::ENDPOINT,
    ListTemplates::ENDPOINT,
    DeleteTemplate::ENDPOINT,
    SetIndustry::ENDPOINT,
    GetIndustry::ENDPOINT,
    AddTemplate::ENDPOINT,
];

/// `POST cgi-bin/message/template/send`: the message is the body.
#[derive(Serialize)]
#[serde(transparent)]
struct SendTemplate<'a> {
    message: &'a TemplateMessage,
}

#[derive(Deserialize)]
struct MsgId {
    msgid: i64,
}

impl Request for SendTemplate<'_> {
    type Response = MsgId;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/message/template/send", "MpApi::template().send");
}

/// `GET cgi-bin/template/get_all_private_template`.
#[derive(Serialize)]
struct ListTemplates;

#[derive(Deserialize)]
struct TemplateList {
    #[serde(default)]
    template_list: Vec<PrivateTemplate>,
}

impl Request for ListTemplates {
    type Response = TemplateList;
    const ENDPOINT: Endpoint = Endpoint::get(
        "/cgi-bin/template/get_all_private_template",
        "MpApi::template().get_all_private_template",
    );
}

/// `POST cgi-bin/template/del_private_template`.
#[derive(Serialize)]
struct DeleteTemplate<'a> {
    template_id: &'a str,
}

impl Request for DeleteTemplate<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/template/del_private_template",
        "MpApi::template().del_private_template",
    );
}

/// `POST cgi-bin/template/api_set_industry`: setting the same industries twice is harmless.
#[derive(Serialize)]
struct SetIndustry<'a> {
    industry_id1: &'a str,
    industry_id2: &'a str,
}

impl Request for SetIndustry<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/template/api_set_industry",
        "MpApi::template().set_industry",
    )
    .idempotent();
}

/// `GET cgi-bin/template/get_industry`.
#[derive(Serialize)]
struct GetIndustry;

impl Request for GetIndustry {
    type Response = Industry;
    const ENDPOINT: Endpoint = Endpoint::get(
        "/cgi-bin/template/get_industry",
        "MpApi::template().get_industry",
    );
}

/// `POST cgi-bin/template/api_add_template`.
#[derive(Serialize)]
struct AddTemplate<'a> {
    template_id_short: &'a str,
    keyword_name_list: &'a [&'a str],
}

#[derive(Deserialize)]
struct TemplateId {
    template_id: String,
}

impl Request for AddTemplate<'_> {
    type Response = TemplateId;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/template/api_add_template",
        "MpApi::template().add_template",
    );
}

/// Template message APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct TemplateApi {
    api: ApiClient,
}

impl TemplateApi {
    /// The template APIs of the app behind `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// Sends a template message (`POST cgi-bin/message/template/send`, at most once) and
    /// returns its msgid.
    pub async fn send(&self, message: &TemplateMessage) -> Result<i64, Error> {
        Ok(self.api.send(&SendTemplate { message }).await?.msgid)
    }

    /// The account's templates (`GET cgi-bin/template/get_all_private_template`).
    pub async fn get_all_private_template(&self) -> Result<Vec<PrivateTemplate>, Error> {
        Ok(self.api.send(&ListTemplates).await?.template_list)
    }

    /// Deletes a template (`POST cgi-bin/template/del_private_template`), at most once.
    pub async fn del_private_template(&self, template_id: &str) -> Result<(), Error> {
        let request = DeleteTemplate { template_id };
        self.api.send(&request).await.map(drop)
    }

    /// Sets the account's two industries by their ids (`POST cgi-bin/template/api_set_industry`,
    /// e.g. `"1"` IT科技/互联网|电子商务).
    pub async fn set_industry(&self, primary: &str, secondary: &str) -> Result<(), Error> {
        let request = SetIndustry {
            industry_id1: primary,
            industry_id2: secondary,
        };
        self.api.send(&request).await.map(drop)
    }

    /// The account's industries (`GET cgi-bin/template/get_industry`).
    pub async fn get_industry(&self) -> Result<Industry, Error> {
        self.api.send(&GetIndustry).await
    }

    /// Adds a template from the library by its short id and keyword names
    /// (`POST cgi-bin/template/api_add_template`); returns the new template id.
    pub async fn add_template(
        &self,
        template_id_short: &str,
        keyword_names: &[&str],
    ) -> Result<String, Error> {
        let request = AddTemplate {
            template_id_short,
            keyword_name_list: keyword_names,
        };
        Ok(self.api.send(&request).await?.template_id)
    }
}
