//! The fields every push carries.

use serde::{Deserialize, Serialize};

/// `ToUserName`, `FromUserName` and `CreateTime`: present on every message and event.
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
