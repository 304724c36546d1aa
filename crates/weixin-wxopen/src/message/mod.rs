//! The mini-program push model: [`WxMessage`], parsed from XML or JSON bodies.
//!
//! ```
//! use weixin_crypto::EnvelopeFormat;
//! use weixin_push::PushMessage;
//! use weixin_wxopen::message::WxMessage;
//!
//! let body = r#"{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,
//!     "MsgType":"text","Content":"this is a test","MsgId":1234567890123456}"#;
//! let WxMessage::Text(text) = WxMessage::parse(body, EnvelopeFormat::Json)? else { panic!() };
//! assert_eq!(text.content, "this is a test");
//! assert_eq!(text.msg_id, Some(1234567890123456));
//! # Ok::<(), weixin_push::ParseError>(())
//! ```
//!
//! Parsing is tolerant (any field order, whitespace, missing optional fields become empty) and
//! strict where it matters: DTDs, nesting deeper than [`weixin_push::MAX_NESTING`] levels,
//! truncated or non-object bodies
//! and a missing or non-numeric `CreateTime` are [`ParseError`]s; unknown `MsgType` / `Event`
//! values become [`WxMessage::Unknown`] with every field kept. `MsgType` and `Event` are matched
//! ASCII case-insensitively, as on Official Accounts.
//!
//! The events both platforms receive (`user_enter_tempsession`, the three subscribe-message
//! events) and the unknown-push type are the Official Account crate's types, re-exported here.

mod extract;
pub(crate) mod tree;
mod types;

pub use types::{
    DebugDemoEvent, ImageMessage, MediaCheckDetail, MediaCheckEvent, MediaCheckResult,
    MiniProgramPageMessage, TextMessage,
};
/// Pushes without a type of their own: the Official Account crate's type, with every field
/// but the routing ones kept in wire order.
pub use weixin_mp::message::{RawFields, RawValue, UnknownMessage};
pub use weixin_mp::message::{
    SubscribeMsgChangeEvent, SubscribeMsgChangeItem, SubscribeMsgPopupEvent, SubscribeMsgPopupItem,
    SubscribeMsgSentEvent, SubscribeMsgSentItem, UserEnterTempSessionEvent,
};
pub use weixin_push::Header;

use serde::{Deserialize, Serialize};
use weixin_crypto::EnvelopeFormat;
use weixin_push::{ParseError, PushMessage, PushMeta};

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
    SubscribePopup(SubscribeMsgPopupEvent),
    /// Event `subscribe_msg_change_event`.
    SubscribeChange(SubscribeMsgChangeEvent),
    /// Event `subscribe_msg_sent_event`.
    SubscribeSent(SubscribeMsgSentEvent),
    /// Event `wxa_media_check`.
    MediaCheck(MediaCheckEvent),
    /// Event `debug_demo` (the console's test push).
    DebugDemo(DebugDemoEvent),
    /// Anything else, with every field kept.
    Unknown(UnknownMessage),
}

impl WxMessage {
    /// The common fields.
    pub fn header(&self) -> &Header {
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
        let header = self.header();
        match self {
            Self::Text(m) => header.meta("text", None, m.msg_id),
            Self::Image(m) => header.meta("image", None, m.msg_id),
            Self::MiniProgramPage(m) => header.meta("miniprogrampage", None, m.msg_id),
            Self::UserEnterTempSession(_) => {
                header.meta("event", Some("user_enter_tempsession"), None)
            }
            Self::SubscribePopup(_) => {
                header.meta("event", Some("subscribe_msg_popup_event"), None)
            }
            Self::SubscribeChange(_) => {
                header.meta("event", Some("subscribe_msg_change_event"), None)
            }
            Self::SubscribeSent(_) => header.meta("event", Some("subscribe_msg_sent_event"), None),
            Self::MediaCheck(_) => header.meta("event", Some("wxa_media_check"), None),
            Self::DebugDemo(_) => header.meta("event", Some("debug_demo"), None),
            Self::Unknown(m) => header.meta(&m.msg_type, m.event.as_deref(), m.msg_id),
        }
    }
}
