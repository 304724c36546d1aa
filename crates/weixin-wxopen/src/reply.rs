//! [`WxReply`]: what a mini-program push handler answers.

use serde::{Deserialize, Serialize};
use weixin_crypto::EnvelopeFormat;
use weixin_push::{PushMeta, PushReply, RenderedReply};

/// The answer to a mini-program push.
///
/// Mini programs have no passive reply messages: the HTTP answer only acknowledges the push,
/// and you talk to the user through the customer-service API
/// ([`WxOpenApi::custom`](crate::api::WxOpenApi::custom)). Neither reply is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WxReply {
    /// The body `success` (WeChat's recommended answer).
    #[default]
    Success,
    /// An empty body (treated like `success`).
    Empty,
}

impl PushReply for WxReply {
    fn render(&self, _request: &PushMeta<'_>, _format: EnvelopeFormat, _now: u64) -> RenderedReply {
        match self {
            Self::Success => RenderedReply::Success,
            Self::Empty => RenderedReply::Empty,
        }
    }
}
