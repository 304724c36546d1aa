//! The seam between the push pipeline and a platform's message model.
//!
//! The pipeline (verification, decryption, dedup, context, deadline, reply encryption) is the
//! same for Official Accounts and mini programs; only the messages differ. A platform plugs its
//! message enum in by implementing [`PushMessage`]; `weixin-mp` does it for Official Account
//! messages and `weixin-wxopen` for mini-program messages (XML and JSON).

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use weixin_crypto::EnvelopeFormat;

/// Deepest nesting of elements (XML) or objects (JSON) accepted in a push on either platform;
/// the root counts as 1. Real pushes nest at most 4 levels, so anything deeper is an attack or
/// garbage and is refused with [`ParseError::Malformed`] before any recursion can grow.
pub const MAX_NESTING: usize = 32;

/// The one case rule for `MsgType` and `Event` values on both platforms: ASCII
/// case-insensitive (WeChat sends `subscribe` and `SCAN`, `event` and, from some tools,
/// `EVENT`). Unknown values keep their spelling as sent.
///
/// ```
/// assert!(weixin_push::same_name("SCAN", "scan"));
/// assert!(!weixin_push::same_name("scan", "scancode_push"));
/// ```
pub fn same_name(received: &str, known: &str) -> bool {
    received.eq_ignore_ascii_case(known)
}

/// `ToUserName`, `FromUserName` and `CreateTime`: the fields every push carries, on both
/// platforms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Header {
    /// `ToUserName`: the account's original id (`gh_...`).
    #[serde(rename = "to")]
    pub to_user_name: String,
    /// `FromUserName`: the sender's openid.
    #[serde(rename = "from")]
    pub from_user_name: String,
    /// `CreateTime`: seconds since the Unix epoch.
    #[serde(rename = "time")]
    pub create_time: u64,
}

impl Header {
    /// The routing facts of a message with this header.
    pub fn meta<'m>(
        &'m self,
        msg_type: &'m str,
        event: Option<&'m str>,
        msg_id: Option<u64>,
    ) -> PushMeta<'m> {
        PushMeta {
            to_user: &self.to_user_name,
            from_user: &self.from_user_name,
            create_time: self.create_time,
            msg_type,
            msg_id: msg_id.filter(|&id| id != 0),
            event,
        }
    }
}

/// The routing facts the pipeline needs from any parsed push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushMeta<'a> {
    /// `ToUserName`: the account's original id (`gh_...`).
    pub to_user: &'a str,
    /// `FromUserName`: the sender's openid; keys the user's message context.
    pub from_user: &'a str,
    /// `CreateTime`, seconds since the Unix epoch.
    pub create_time: u64,
    /// `MsgType` as sent (`text`, `event`, ...).
    pub msg_type: &'a str,
    /// `MsgId` when present and non-zero.
    pub msg_id: Option<u64>,
    /// `Event` for event pushes (as sent, e.g. `subscribe`, `SCAN`).
    pub event: Option<&'a str>,
}

/// A typed push message the pipeline can parse, route, deduplicate and store in the context.
///
/// `Serialize`/`DeserializeOwned` are for the per-user message context; the wire format is
/// handled by [`PushMessage::parse`] alone.
pub trait PushMessage: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// Parses a decrypted (or plain) message body in the request's format.
    ///
    /// Unknown `MsgType`/`Event` values must become an `Unknown`-style variant that keeps the
    /// raw fields, never an error. Errors are for bodies that are not a message at all.
    fn parse(body: &str, format: EnvelopeFormat) -> Result<Self, ParseError>;

    /// The routing facts of this message.
    fn meta(&self) -> PushMeta<'_>;
}

/// Why a push body could not be parsed into a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The body is not well-formed XML or JSON, or is nested too deeply.
    #[error("malformed {format} body: {reason}")]
    Malformed {
        /// `XML` or `JSON`.
        format: &'static str,
        /// What the parser found; never contains the body itself.
        reason: String,
    },
    /// A field every message must have is missing (`ToUserName`, `FromUserName`,
    /// `CreateTime`, `MsgType`).
    #[error("missing required field `{0}`")]
    MissingField(&'static str),
    /// A field has a value of the wrong type or out of range (for example a non-numeric
    /// `CreateTime`).
    #[error("invalid value for field `{field}`: {reason}")]
    InvalidField {
        /// The field name as WeChat spells it.
        field: &'static str,
        /// What was wrong.
        reason: String,
    },
}

/// How a reply goes on the wire, before encryption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderedReply {
    /// The literal body `success`: "received, nothing to say" (never encrypted).
    Success,
    /// An empty body, which WeChat treats like `success` (never encrypted).
    Empty,
    /// A passive reply message in the request's format; encrypted when the request was.
    Body(String),
}

/// A reply a handler returns, stored in the message context and rendered for the wire.
pub trait PushReply: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// Renders this reply to the push described by `request`, in `format`, stamped with
    /// `now_secs` as its `CreateTime`. The reply's `ToUserName`/`FromUserName` are the
    /// request's `FromUserName`/`ToUserName`.
    fn render(
        &self,
        request: &PushMeta<'_>,
        format: EnvelopeFormat,
        now_secs: u64,
    ) -> RenderedReply;
}
