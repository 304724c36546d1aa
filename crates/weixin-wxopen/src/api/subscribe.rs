//! Subscribe messages (订阅消息): `cgi-bin/message/subscribe/send` and the template management
//! of `wxaapi/newtmpl/*`.
//!
//! ```no_run
//! use weixin_wxopen::api::subscribe::{MiniProgramState, SubscribeMessage};
//! # async fn demo(api: weixin_wxopen::api::WxOpenApi) -> weixin_core::Result<()> {
//! let message = SubscribeMessage::new("OPENID", "TEMPLATE_ID")
//!     .page("pages/order/order?id=42")
//!     .state(MiniProgramState::Formal)
//!     .data("thing1", "Your order has shipped")
//!     .data("date2", "2024年01月05日");
//! api.subscribe().send(&message).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

/// The send path.
pub const SEND_PATH: &str = "/cgi-bin/message/subscribe/send";
/// Private templates of the account.
pub const GET_TEMPLATE_PATH: &str = "/wxaapi/newtmpl/gettemplate";
/// Add a template from the public library.
pub const ADD_TEMPLATE_PATH: &str = "/wxaapi/newtmpl/addtemplate";
/// Delete a private template.
pub const DEL_TEMPLATE_PATH: &str = "/wxaapi/newtmpl/deltemplate";
/// The account's categories.
pub const GET_CATEGORY_PATH: &str = "/wxaapi/newtmpl/getcategory";
/// Public template titles of categories.
pub const GET_PUB_TEMPLATE_TITLES_PATH: &str = "/wxaapi/newtmpl/getpubtemplatetitles";
/// Keywords of a public template.
pub const GET_PUB_TEMPLATE_KEYWORDS_PATH: &str = "/wxaapi/newtmpl/getpubtemplatekeywords";

/// Which version of the mini program the message opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MiniProgramState {
    /// The development version.
    Developer,
    /// The trial version.
    Trial,
    /// The published version (default).
    Formal,
}

/// One template field value: `{"value": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataValue {
    /// The value (see the field kind's length rules: `thing` ≤ 20 characters...).
    pub value: String,
}

/// A subscribe message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubscribeMessage {
    /// The receiver's openid.
    pub touser: String,
    /// The template id.
    pub template_id: String,
    /// The page opened by tapping the card (with a query), optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The version opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub miniprogram_state: Option<MiniProgramState>,
    /// `zh_CN` (default), `en_US`, `zh_HK`, `zh_TW`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The template fields, e.g. `thing1`, `date2`.
    pub data: BTreeMap<String, DataValue>,
}

impl SubscribeMessage {
    /// A message with no fields yet.
    pub fn new(touser: impl Into<String>, template_id: impl Into<String>) -> Self {
        Self {
            touser: touser.into(),
            template_id: template_id.into(),
            page: None,
            miniprogram_state: None,
            lang: None,
            data: BTreeMap::new(),
        }
    }

    /// Sets the page.
    pub fn page(mut self, page: impl Into<String>) -> Self {
        self.page = Some(page.into());
        self
    }

    /// Sets the version opened.
    pub fn state(mut self, state: MiniProgramState) -> Self {
        self.miniprogram_state = Some(state);
        self
    }

    /// Sets the language.
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Adds a field.
    pub fn data(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.data.insert(
            key.into(),
            DataValue {
                value: value.into(),
            },
        );
        self
    }
}

/// What `subscribe/send` answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubscribeSent {
    /// The message id (matches `MsgID` of the `subscribe_msg_sent_event`), when returned.
    #[serde(default)]
    pub msgid: Option<u64>,
}

/// A private template of the account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// The template id to send with.
    pub pri_tmpl_id: String,
    /// The title.
    pub title: String,
    /// The content, e.g. `商品名称:{{thing1.DATA}}`.
    #[serde(default)]
    pub content: String,
    /// An example.
    #[serde(default)]
    pub example: String,
    /// 2 = one-time, 3 = long-term.
    #[serde(default, rename = "type")]
    pub kind: i64,
}

/// A category of the account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Category {
    /// The category id.
    pub id: i64,
    /// The name.
    pub name: String,
}

/// A public template title.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PubTemplateTitle {
    /// The template title id (`tid`).
    pub tid: i64,
    /// The title.
    pub title: String,
    /// 2 = one-time, 3 = long-term.
    #[serde(default, rename = "type")]
    pub kind: i64,
    /// The category id.
    #[serde(default, deserialize_with = "crate::api::phone::text_or_number")]
    pub category_id: String,
}

/// One page of public template titles.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PubTemplateTitles {
    /// Total number of titles.
    #[serde(default)]
    pub count: u64,
    /// This page.
    #[serde(default)]
    pub data: Vec<PubTemplateTitle>,
}

/// A keyword of a public template.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PubTemplateKeyword {
    /// The keyword id (`kid`) to pick in `addtemplate`.
    pub kid: i64,
    /// The name.
    pub name: String,
    /// An example.
    #[serde(default)]
    pub example: String,
    /// The value kind (`thing`, `date`...).
    #[serde(default)]
    pub rule: String,
}

#[derive(Deserialize)]
struct DataList<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AddBody<'a> {
    tid: &'a str,
    kid_list: &'a [i64],
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_desc: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Added {
    pri_tmpl_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DelBody<'a> {
    pri_tmpl_id: &'a str,
}

/// Subscribe messages and templates. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct SubscribeApi {
    api: ApiClient,
}

impl SubscribeApi {
    /// The handle over `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// `POST cgi-bin/message/subscribe/send`, at most once. Errors: 43101 (the user has not
    /// accepted, or used up, the subscription), 47003 (bad field value), 40037 (bad template),
    /// 40003 (bad openid).
    pub async fn send(&self, message: &SubscribeMessage) -> Result<SubscribeSent, Error> {
        self.api
            .json(Call::post(SEND_PATH).json(message).signable())
            .await
    }

    /// `GET wxaapi/newtmpl/gettemplate`: the account's private templates.
    pub async fn templates(&self) -> Result<Vec<Template>, Error> {
        let list: DataList<Template> = self.api.json(Call::get(GET_TEMPLATE_PATH)).await?;
        Ok(list.data)
    }

    /// `POST wxaapi/newtmpl/addtemplate`: adds public template `tid` with the keywords
    /// `kid_list` (in order) and returns the new template id.
    pub async fn add_template(
        &self,
        tid: &str,
        kid_list: &[i64],
        scene_desc: Option<&str>,
    ) -> Result<String, Error> {
        let body = AddBody {
            tid,
            kid_list,
            scene_desc,
        };
        let added: Added = self
            .api
            .json(Call::post(ADD_TEMPLATE_PATH).json(&body))
            .await?;
        Ok(added.pri_tmpl_id)
    }

    /// `POST wxaapi/newtmpl/deltemplate`.
    pub async fn delete_template(&self, pri_tmpl_id: &str) -> Result<(), Error> {
        let call = Call::post(DEL_TEMPLATE_PATH)
            .json(&DelBody { pri_tmpl_id })
            .idempotent();
        super::send_ok(&self.api, call).await
    }

    /// `GET wxaapi/newtmpl/getcategory`: the account's categories.
    pub async fn categories(&self) -> Result<Vec<Category>, Error> {
        let list: DataList<Category> = self.api.json(Call::get(GET_CATEGORY_PATH)).await?;
        Ok(list.data)
    }

    /// `GET wxaapi/newtmpl/getpubtemplatetitles?ids&start&limit`: public templates of the
    /// categories `ids` (`limit` at most 30).
    pub async fn pub_template_titles(
        &self,
        ids: &[i64],
        start: u32,
        limit: u32,
    ) -> Result<PubTemplateTitles, Error> {
        let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let call = Call::get(GET_PUB_TEMPLATE_TITLES_PATH)
            .query("ids", ids)
            .query("start", start.to_string())
            .query("limit", limit.to_string());
        self.api.json(call).await
    }

    /// `GET wxaapi/newtmpl/getpubtemplatekeywords?tid`: the keywords of public template `tid`.
    pub async fn pub_template_keywords(&self, tid: &str) -> Result<Vec<PubTemplateKeyword>, Error> {
        let call = Call::get(GET_PUB_TEMPLATE_KEYWORDS_PATH).query("tid", tid);
        let list: DataList<PubTemplateKeyword> = self.api.json(call).await?;
        Ok(list.data)
    }
}
