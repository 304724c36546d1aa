//! The mini-program push model: [`WxMessage`], parsed from XML or JSON bodies.
//!
//! ```
//! use weixin_crypto::EnvelopeFormat;
//! use weixin_mp::PushMessage;
//! use weixin_wxopen::message::WxMessage;
//!
//! let body = r#"{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,
//!     "MsgType":"text","Content":"this is a test","MsgId":1234567890123456}"#;
//! let WxMessage::Text(text) = WxMessage::parse(body, EnvelopeFormat::Json)? else { panic!() };
//! assert_eq!(text.content, "this is a test");
//! assert_eq!(text.header.msg_id, Some(1234567890123456));
//! # Ok::<(), weixin_mp::ParseError>(())
//! ```
//!
//! Parsing is tolerant (any field order, whitespace, missing optional fields become empty) and
//! strict where it matters: DTDs, nesting deeper than 16 levels, truncated or non-object bodies
//! and a missing or non-numeric `CreateTime` are [`ParseError`]s; unknown `MsgType` / `Event`
//! values become [`WxMessage::Unknown`] with every field kept.

mod extract;
pub(crate) mod tree;
mod types;

pub use types::{
    DebugDemoEvent, ImageMessage, MediaCheckDetail, MediaCheckEvent, MediaCheckResult,
    MessageHeader, MiniProgramPageMessage, SubscribeChangeEvent, SubscribeChangeItem,
    SubscribePopupEvent, SubscribePopupItem, SubscribeSentEvent, SubscribeSentItem, TextMessage,
    UnknownMessage, UserEnterTempSessionEvent,
};

use serde::{Deserialize, Serialize};
use weixin_crypto::EnvelopeFormat;
use weixin_mp::{ParseError, PushMessage, PushMeta};

/// A push to a mini program: a customer-service message or an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum WxMessage {
    /// `text`.
    Text(TextMessage),
    /// `image`.
    Image(ImageMessage),
    /// `miniprogrampage` (a mini-program card).
    MiniProgramPage(MiniProgramPageMessage),
    /// Event `user_enter_tempsession`.
    UserEnterTempSession(UserEnterTempSessionEvent),
    /// Event `subscribe_msg_popup_event`.
    SubscribePopup(SubscribePopupEvent),
    /// Event `subscribe_msg_change_event`.
    SubscribeChange(SubscribeChangeEvent),
    /// Event `subscribe_msg_sent_event`.
    SubscribeSent(SubscribeSentEvent),
    /// Event `wxa_media_check`.
    MediaCheck(MediaCheckEvent),
    /// Event `debug_demo` (the console's test push).
    DebugDemo(DebugDemoEvent),
    /// Anything else, with every field kept.
    Unknown(UnknownMessage),
}

impl WxMessage {
    /// The common fields.
    pub fn header(&self) -> &MessageHeader {
        match self {
            Self::Text(m) => &m.header,
            Self::Image(m) => &m.header,
            Self::MiniProgramPage(m) => &m.header,
            Self::UserEnterTempSession(m) => &m.header,
            Self::SubscribePopup(m) => &m.header,
            Self::SubscribeChange(m) => &m.header,
            Self::SubscribeSent(m) => &m.header,
            Self::MediaCheck(m) => &m.header,
            Self::DebugDemo(m) => &m.header,
            Self::Unknown(m) => &m.header,
        }
    }

    /// The sender's openid (`FromUserName`).
    pub fn openid(&self) -> &str {
        &self.header().from_user_name
    }

    /// Parses an XML push body (`<xml>…</xml>`).
    pub fn from_xml(body: &str) -> Result<Self, ParseError> {
        extract::message(&tree::parse_xml(body)?)
    }

    /// Parses a JSON push body.
    pub fn from_json(body: &str) -> Result<Self, ParseError> {
        extract::message(&tree::parse_json(body)?)
    }
}

impl PushMessage for WxMessage {
    fn parse(body: &str, format: EnvelopeFormat) -> Result<Self, ParseError> {
        match format {
            EnvelopeFormat::Xml => Self::from_xml(body),
            EnvelopeFormat::Json => Self::from_json(body),
        }
    }

    fn meta(&self) -> PushMeta<'_> {
        let h = self.header();
        PushMeta {
            to_user: &h.to_user_name,
            from_user: &h.from_user_name,
            create_time: h.create_time,
            msg_type: &h.msg_type,
            msg_id: h.msg_id.filter(|id| *id != 0),
            event: h.event.as_deref(),
        }
    }
}
