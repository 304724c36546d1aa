//! Messages and events this SDK does not model.

use serde::{Deserialize, Serialize};

use super::{Header, RawFields};

/// A push whose `MsgType` (or `Event`) this SDK does not know. Nothing is lost: every field
/// except the header ones is kept in [`fields`](Self::fields), in wire order.
///
/// ```
/// use weixin_crypto::EnvelopeFormat;
/// use weixin_mp::Message;
/// use weixin_push::PushMessage;
///
/// let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>\
///            <CreateTime>1714037059</CreateTime><MsgType><![CDATA[event]]></MsgType>\
///            <Event><![CDATA[debug_demo]]></Event><debug_str><![CDATA[hello world]]></debug_str></xml>";
/// let Message::Unknown(unknown) = Message::parse(xml, EnvelopeFormat::Xml)? else { panic!() };
/// assert_eq!(unknown.msg_type, "event");
/// assert_eq!(unknown.event.as_deref(), Some("debug_demo"));
/// assert_eq!(unknown.fields.get("debug_str"), Some("hello world"));
/// # Ok::<(), weixin_push::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownMessage {
    /// Common fields.
    pub header: Header,
    /// `MsgType` as sent.
    pub msg_type: String,
    /// `Event` as sent, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// `MsgId`, when present and a valid 64-bit unsigned integer (otherwise it stays in
    /// [`fields`](Self::fields) as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_id: Option<u64>,
    /// All other fields, in wire order.
    #[serde(default)]
    pub fields: RawFields,
}
