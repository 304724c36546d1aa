//! What the inspection endpoints and [`crate::SimHandle`] report.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which API sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// `cgi-bin/message/custom/send` (customer-service message).
    Custom,
    /// `cgi-bin/message/subscribe/send` (subscribe message).
    Subscribe,
}

/// A message an app sent to a user, as recorded by the simulator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentMessage {
    /// The sending app.
    pub appid: String,
    /// The user's openid.
    pub touser: String,
    /// Which API.
    pub kind: MessageKind,
    /// `msgtype` for custom messages (`text`, `image`, …), `template_id` for subscribe messages.
    pub msgtype: String,
    /// The request body as received.
    pub body: serde_json::Value,
    /// Simulator time of the call, Unix seconds.
    pub at: u64,
}

impl SentMessage {
    /// The text content of a `text` custom message (`text.content`).
    pub fn text(&self) -> Option<&str> {
        self.body.get("text")?.get("content")?.as_str()
    }
}

/// Classic (`cgi-bin/token`) or stable (`cgi-bin/stable_token`) access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// From `GET cgi-bin/token`.
    Classic,
    /// From `POST cgi-bin/stable_token`.
    Stable,
}

/// One issued access token (without its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    /// The app.
    pub appid: String,
    /// Classic or stable.
    pub kind: TokenKind,
    /// Simulator time of issue, Unix seconds.
    pub issued_at: u64,
    /// When it expires, Unix seconds.
    pub expires_at: u64,
}

/// A token that currently works, with its value. `Debug` hides the value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentToken {
    /// The app.
    pub appid: String,
    /// Classic or stable.
    pub kind: TokenKind,
    /// The access token.
    pub access_token: String,
    /// When it expires, Unix seconds.
    pub expires_at: u64,
    /// Whether it was replaced and only works until the overlap ends.
    pub replaced: bool,
}

impl fmt::Debug for CurrentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentToken")
            .field("appid", &self.appid)
            .field("kind", &self.kind)
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("replaced", &self.replaced)
            .finish()
    }
}
