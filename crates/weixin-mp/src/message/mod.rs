//! The Official Account (公众号) message model: every request message and event WeChat pushes,
//! typed, plus [`UnknownMessage`] for the rest.
//!
//! [`Message::parse`] (the [`PushMessage`] implementation the pipeline uses) reads a decrypted
//! push body in XML or JSON:
//!
//! ```
//! use weixin_crypto::EnvelopeFormat;
//! use weixin_mp::Message;
//! use weixin_push::PushMessage;
//!
//! let xml = "<xml>
//!   <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>
//!   <FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>
//!   <CreateTime>1482048670</CreateTime>
//!   <MsgType><![CDATA[text]]></MsgType>
//!   <Content><![CDATA[this is a test]]></Content>
//!   <MsgId>1234567890123456</MsgId>
//! </xml>";
//! let message = Message::parse(xml, EnvelopeFormat::Xml)?;
//! let Message::Text(text) = &message else { panic!("not text") };
//! assert_eq!(text.content, "this is a test");
//! assert_eq!(message.meta().msg_id, Some(1234567890123456));
//! # Ok::<(), weixin_push::ParseError>(())
//! ```
//!
//! # What parsing accepts
//!
//! * Fields in any order, unknown extra fields (ignored for typed messages, kept for
//!   [`UnknownMessage`]), whitespace and newlines around CDATA, text or CDATA for any value,
//!   the five predefined XML entities and character references.
//! * Only `ToUserName`, `FromUserName`, `CreateTime` and `MsgType` are required; a missing
//!   type-specific text field reads as empty, a missing optional number as `None`.
//! * `MsgType` and `Event` are matched ignoring ASCII case (`SCAN` and `scan` are the same).
//!   An unknown `MsgType` or `Event` is never an error: it becomes [`Message::Unknown`].
//! * Numbers are parsed exactly as 64-bit integers (never through `f64`).
//!
//! # What parsing rejects (with a [`ParseError`], never a panic)
//!
//! * Bodies that are not well-formed XML / a JSON object, truncated bodies, text outside the
//!   root element, more than one root.
//! * Any `<!DOCTYPE` (no DTDs, so no entity expansion or XML bombs) and undefined entities.
//! * Nesting deeper than 32 levels.
//! * A missing header field ([`ParseError::MissingField`]).
//! * A number field that is not a decimal integer or does not fit its type
//!   ([`ParseError::InvalidField`]). In particular a typed message whose `MsgId` overflows
//!   `u64` (`23456789012345678901`) is rejected; an [`UnknownMessage`] keeps such an id as text
//!   in its raw fields instead.
//!
//! # Context storage
//!
//! Messages are `Serialize`/`Deserialize` for the per-user message context: compact JSON,
//! externally tagged by variant, empty optional fields left out.

mod build;
mod events;
mod fast_xml;

mod json;
mod messages;
mod raw;
mod tree;
mod unknown;
mod xml;

use serde::{Deserialize, Serialize};
use weixin_crypto::EnvelopeFormat;

pub use events::{
    ClickEvent, LocationEvent, LocationSelectEvent, MassSendJobFinishEvent, PicEvent,
    ScanCodeEvent, ScanCodeInfo, ScanEvent, SendLocationInfo, SendPicsInfo, SubscribeEvent,
    SubscribeMsgChangeEvent, SubscribeMsgChangeItem, SubscribeMsgPopupEvent, SubscribeMsgPopupItem,
    SubscribeMsgSentEvent, SubscribeMsgSentItem, TemplateSendJobFinishEvent, UnsubscribeEvent,
    UserEnterTempSessionEvent, ViewEvent,
};
pub use messages::{
    FileMessage, ImageMessage, LinkMessage, LocationMessage, TextMessage, VideoMessage,
    VoiceMessage,
};
pub use raw::{RawFields, RawValue};
pub use unknown::UnknownMessage;
pub use weixin_push::Header;

use weixin_push::{ParseError, PushMessage, PushMeta};

/// Every message and event an Official Account receives.
///
/// Variants named `Event...` are `MsgType` `event` pushes; the rest are messages a user sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Message {
    /// `text`.
    Text(TextMessage),
    /// `image`.
    Image(ImageMessage),
    /// `voice` (with `Recognition` when speech recognition is on).
    Voice(VoiceMessage),
    /// `video`.
    Video(VideoMessage),
    /// `shortvideo`.
    ShortVideo(VideoMessage),
    /// `location`: a location the user shared.
    Location(LocationMessage),
    /// `link`.
    Link(LinkMessage),
    /// `file`.
    File(FileMessage),
    /// Event `subscribe` (also after scanning a QR code: `EventKey` `qrscene_...`).
    EventSubscribe(SubscribeEvent),
    /// Event `unsubscribe`.
    EventUnsubscribe(UnsubscribeEvent),
    /// Event `SCAN`: a follower scanned a parametric QR code.
    EventScan(ScanEvent),
    /// Event `LOCATION`: periodic location report.
    EventLocation(LocationEvent),
    /// Event `CLICK`: a click menu button.
    EventClick(ClickEvent),
    /// Event `VIEW`: a link menu button.
    EventView(ViewEvent),
    /// Event `view_miniprogram`: a mini-program menu button.
    EventViewMiniprogram(ViewEvent),
    /// Event `TEMPLATESENDJOBFINISH`.
    EventTemplateSendJobFinish(TemplateSendJobFinishEvent),
    /// Event `MASSSENDJOBFINISH`.
    EventMassSendJobFinish(MassSendJobFinishEvent),
    /// Event `scancode_push`.
    EventScancodePush(ScanCodeEvent),
    /// Event `scancode_waitmsg`.
    EventScancodeWaitmsg(ScanCodeEvent),
    /// Event `pic_sysphoto`.
    EventPicSysphoto(PicEvent),
    /// Event `pic_photo_or_album`.
    EventPicPhotoOrAlbum(PicEvent),
    /// Event `pic_weixin`.
    EventPicWeixin(PicEvent),
    /// Event `location_select`.
    EventLocationSelect(LocationSelectEvent),
    /// Event `subscribe_msg_popup_event`.
    EventSubscribeMsgPopup(SubscribeMsgPopupEvent),
    /// Event `subscribe_msg_change_event`.
    EventSubscribeMsgChange(SubscribeMsgChangeEvent),
    /// Event `subscribe_msg_sent_event`.
    EventSubscribeMsgSent(SubscribeMsgSentEvent),
    /// Event `user_enter_tempsession`.
    EventUserEnterTempSession(UserEnterTempSessionEvent),
    /// Any other `MsgType` or `Event`, with its raw fields.
    Unknown(UnknownMessage),
}

impl Message {
    /// Parses a push body in `format`. Same as [`PushMessage::parse`].
    pub fn parse(body: &str, format: EnvelopeFormat) -> Result<Self, ParseError> {
        match format {
            EnvelopeFormat::Xml => Self::parse_xml(body),
            EnvelopeFormat::Json => Self::parse_json(body),
        }
    }

    /// Parses an XML push body (`<xml>...</xml>`).
    ///
    /// A hand-written scanner reads the shape WeChat sends (CDATA and text fields, shallow
    /// containers); anything else (comments, declarations, attributes, malformed bodies…) is
    /// read by quick-xml, with the same result and errors.
    pub fn parse_xml(body: &str) -> Result<Self, ParseError> {
        match fast_xml::parse(body) {
            Some(nodes) => build::build(nodes),
            None => Self::parse_xml_quick_xml(body),
        }
    }

    /// The fast XML scanner alone: `None` when it leaves the body to quick-xml.
    /// For differential tests and fuzzing; not part of the stable API.
    #[doc(hidden)]
    pub fn parse_xml_fast_only(body: &str) -> Option<Result<Self, ParseError>> {
        fast_xml::parse(body).map(build::build)
    }

    /// The quick-xml reader alone (the reference the fast scanner must agree with).
    /// For differential tests and fuzzing; not part of the stable API.
    #[doc(hidden)]
    pub fn parse_xml_quick_xml(body: &str) -> Result<Self, ParseError> {
        build::build(xml::parse(body)?)
    }

    /// Parses a JSON push body (same field names as XML).
    pub fn parse_json(body: &str) -> Result<Self, ParseError> {
        build::build(json::parse(body)?)
    }

    /// The fields every push carries.
    pub fn header(&self) -> &Header {
        match self {
            Message::Text(m) => &m.header,
            Message::Image(m) => &m.header,
            Message::Voice(m) => &m.header,
            Message::Video(m) | Message::ShortVideo(m) => &m.header,
            Message::Location(m) => &m.header,
            Message::Link(m) => &m.header,
            Message::File(m) => &m.header,
            Message::EventSubscribe(m) => &m.header,
            Message::EventUnsubscribe(m) => &m.header,
            Message::EventScan(m) => &m.header,
            Message::EventLocation(m) => &m.header,
            Message::EventClick(m) => &m.header,
            Message::EventView(m) | Message::EventViewMiniprogram(m) => &m.header,
            Message::EventTemplateSendJobFinish(m) => &m.header,
            Message::EventMassSendJobFinish(m) => &m.header,
            Message::EventScancodePush(m) | Message::EventScancodeWaitmsg(m) => &m.header,
            Message::EventPicSysphoto(m)
            | Message::EventPicPhotoOrAlbum(m)
            | Message::EventPicWeixin(m) => &m.header,
            Message::EventLocationSelect(m) => &m.header,
            Message::EventSubscribeMsgPopup(m) => &m.header,
            Message::EventSubscribeMsgChange(m) => &m.header,
            Message::EventSubscribeMsgSent(m) => &m.header,
            Message::EventUserEnterTempSession(m) => &m.header,
            Message::Unknown(m) => &m.header,
        }
    }

    /// `MsgType`: the canonical name for known types, as sent for [`Message::Unknown`].
    pub fn msg_type(&self) -> &str {
        match self {
            Message::Text(_) => "text",
            Message::Image(_) => "image",
            Message::Voice(_) => "voice",
            Message::Video(_) => "video",
            Message::ShortVideo(_) => "shortvideo",
            Message::Location(_) => "location",
            Message::Link(_) => "link",
            Message::File(_) => "file",
            Message::Unknown(m) => &m.msg_type,
            _ => "event",
        }
    }

    /// `Event` for event pushes: the canonical name (WeChat's spelling, e.g. `SCAN`) for known
    /// events, as sent for [`Message::Unknown`].
    pub fn event(&self) -> Option<&str> {
        Some(match self {
            Message::EventSubscribe(_) => "subscribe",
            Message::EventUnsubscribe(_) => "unsubscribe",
            Message::EventScan(_) => "SCAN",
            Message::EventLocation(_) => "LOCATION",
            Message::EventClick(_) => "CLICK",
            Message::EventView(_) => "VIEW",
            Message::EventViewMiniprogram(_) => "view_miniprogram",
            Message::EventTemplateSendJobFinish(_) => "TEMPLATESENDJOBFINISH",
            Message::EventMassSendJobFinish(_) => "MASSSENDJOBFINISH",
            Message::EventScancodePush(_) => "scancode_push",
            Message::EventScancodeWaitmsg(_) => "scancode_waitmsg",
            Message::EventPicSysphoto(_) => "pic_sysphoto",
            Message::EventPicPhotoOrAlbum(_) => "pic_photo_or_album",
            Message::EventPicWeixin(_) => "pic_weixin",
            Message::EventLocationSelect(_) => "location_select",
            Message::EventSubscribeMsgPopup(_) => "subscribe_msg_popup_event",
            Message::EventSubscribeMsgChange(_) => "subscribe_msg_change_event",
            Message::EventSubscribeMsgSent(_) => "subscribe_msg_sent_event",
            Message::EventUserEnterTempSession(_) => "user_enter_tempsession",
            Message::Unknown(m) => return m.event.as_deref(),
            _ => return None,
        })
    }

    /// The push's own `MsgId` (user messages only). Events carry none: the `MsgID` of
    /// `TEMPLATESENDJOBFINISH` and friends identifies the message they report on, not the push.
    pub fn msg_id(&self) -> Option<u64> {
        match self {
            Message::Text(m) => m.msg_id,
            Message::Image(m) => m.msg_id,
            Message::Voice(m) => m.msg_id,
            Message::Video(m) | Message::ShortVideo(m) => m.msg_id,
            Message::Location(m) => m.msg_id,
            Message::Link(m) => m.msg_id,
            Message::File(m) => m.msg_id,
            Message::Unknown(m) => m.msg_id,
            _ => None,
        }
    }

    /// Whether this is an event push (`MsgType` `event`).
    pub fn is_event(&self) -> bool {
        self.event().is_some() || self.msg_type().eq_ignore_ascii_case("event")
    }
}

impl PushMessage for Message {
    fn parse(body: &str, format: EnvelopeFormat) -> Result<Self, ParseError> {
        Message::parse(body, format)
    }

    fn meta(&self) -> PushMeta<'_> {
        let header = self.header();
        PushMeta {
            to_user: &header.to_user_name,
            from_user: &header.from_user_name,
            create_time: header.create_time,
            msg_type: self.msg_type(),
            msg_id: self.msg_id().filter(|&id| id != 0),
            event: self.event(),
        }
    }
}
