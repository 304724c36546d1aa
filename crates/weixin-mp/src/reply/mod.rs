//! Passive replies: what an Official Account answers a push with.
//!
//! A [`Reply`] is rendered by [`PushReply::render`] in the request's format, addressed back to
//! the sender (`ToUserName` = the request's `FromUserName`, `FromUserName` = the account):
//!
//! ```
//! use weixin_crypto::EnvelopeFormat;
//! use weixin_mp::Reply;
//! use weixin_push::{PushMeta, PushReply, RenderedReply};
//!
//! let request = PushMeta {
//!     to_user: "gh_account",
//!     from_user: "o_user",
//!     create_time: 1_700_000_000,
//!     msg_type: "text",
//!     msg_id: Some(1),
//!     event: None,
//! };
//! let body = Reply::text("hello").render(&request, EnvelopeFormat::Xml, 1_700_000_001);
//! assert_eq!(
//!     body,
//!     RenderedReply::Body(
//!         "<xml><ToUserName><![CDATA[o_user]]></ToUserName>\
//!          <FromUserName><![CDATA[gh_account]]></FromUserName>\
//!          <CreateTime>1700000001</CreateTime><MsgType><![CDATA[text]]></MsgType>\
//!          <Content><![CDATA[hello]]></Content></xml>"
//!             .to_owned()
//!     )
//! );
//! ```
//!
//! XML replies put every string in CDATA (a `]]>` inside is split as `]]]]><![CDATA[>`) and
//! numbers bare, exactly as WeChat documents; characters XML 1.0 forbids (control characters
//! other than tab, newline and carriage return) are dropped. JSON replies use the same field
//! names in a JSON object. [`Reply::Success`] and [`Reply::Empty`] are the bodies `success` and
//! `""` in both formats.

mod json;
mod media;
mod news;
mod xml;

use serde::{Deserialize, Serialize};
use weixin_crypto::EnvelopeFormat;

pub use media::{Music, Video};
pub use news::{Article, InvalidNews, MAX_ARTICLES, News};

use weixin_push::{PushMeta, PushReply, RenderedReply};

/// A passive reply to an Official Account push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Reply {
    /// The body `success`: received, nothing to say. WeChat's recommended answer.
    Success,
    /// An empty body: treated like `success` by WeChat.
    Empty,
    /// A text message.
    Text {
        /// `Content`.
        content: String,
    },
    /// An image, by the `media_id` of uploaded media.
    Image {
        /// `MediaId`.
        media_id: String,
    },
    /// A voice message, by `media_id`.
    Voice {
        /// `MediaId`.
        media_id: String,
    },
    /// A video, by `media_id`, with an optional title and description.
    Video(Video),
    /// A music message.
    Music(Music),
    /// News (图文): 1 to [`MAX_ARTICLES`] articles.
    News(News),
    /// Hands the conversation to customer-service staff (`transfer_customer_service`),
    /// optionally to one account.
    TransferCustomerService {
        /// `TransInfo/KfAccount`: the staff account (`test1@test`), or any available one.
        kf_account: Option<String>,
    },
}

impl Reply {
    /// A text reply.
    pub fn text(content: impl Into<String>) -> Self {
        Reply::Text {
            content: content.into(),
        }
    }

    /// An image reply.
    pub fn image(media_id: impl Into<String>) -> Self {
        Reply::Image {
            media_id: media_id.into(),
        }
    }

    /// A voice reply.
    pub fn voice(media_id: impl Into<String>) -> Self {
        Reply::Voice {
            media_id: media_id.into(),
        }
    }

    /// A video reply without title or description.
    pub fn video(media_id: impl Into<String>) -> Self {
        Reply::Video(Video::new(media_id))
    }

    /// A news reply; fails unless there are 1 to [`MAX_ARTICLES`] articles.
    pub fn news(articles: Vec<Article>) -> Result<Self, InvalidNews> {
        News::new(articles).map(Reply::News)
    }

    /// Transfers the conversation to any available customer-service account.
    pub fn transfer_customer_service() -> Self {
        Reply::TransferCustomerService { kf_account: None }
    }

    /// Transfers the conversation to the customer-service account `kf_account`.
    pub fn transfer_to(kf_account: impl Into<String>) -> Self {
        Reply::TransferCustomerService {
            kf_account: Some(kf_account.into()),
        }
    }

    /// The reply's `MsgType` on the wire (`None` for `Success` and `Empty`).
    pub fn msg_type(&self) -> Option<&'static str> {
        Some(match self {
            Reply::Success | Reply::Empty => return None,
            Reply::Text { .. } => "text",
            Reply::Image { .. } => "image",
            Reply::Voice { .. } => "voice",
            Reply::Video(_) => "video",
            Reply::Music(_) => "music",
            Reply::News(_) => "news",
            Reply::TransferCustomerService { .. } => "transfer_customer_service",
        })
    }

    /// Renders the reply as XML (`None` for `Success` and `Empty`, which have no message body).
    pub fn to_xml(&self, request: &PushMeta<'_>, now_secs: u64) -> Option<String> {
        xml::render(self, request, now_secs)
    }

    /// Renders the reply as a JSON object (`None` for `Success` and `Empty`).
    pub fn to_json(&self, request: &PushMeta<'_>, now_secs: u64) -> Option<String> {
        json::render(self, request, now_secs)
    }
}

impl Default for Reply {
    /// [`Reply::Success`].
    fn default() -> Self {
        Reply::Success
    }
}

impl PushReply for Reply {
    fn render(
        &self,
        request: &PushMeta<'_>,
        format: EnvelopeFormat,
        now_secs: u64,
    ) -> RenderedReply {
        let body = match (self, format) {
            (Reply::Success, _) => return RenderedReply::Success,
            (Reply::Empty, _) => return RenderedReply::Empty,
            (_, EnvelopeFormat::Xml) => xml::render(self, request, now_secs),
            (_, EnvelopeFormat::Json) => json::render(self, request, now_secs),
        };
        match body {
            Some(body) => RenderedReply::Body(body),
            None => RenderedReply::Success,
        }
    }
}
