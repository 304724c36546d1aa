//! The generic handler seam the pipeline calls, and what a handler can see while it runs.
//!
//! Application code normally implements a platform trait with one method per message type
//! (`weixin_mp::MessageHandler` for Official Accounts, `weixin_wxopen::WxOpenMessageHandler`
//! for mini programs); those are bridged onto [`PushHandler`], which is what the pipeline runs.
//!
//! Both bridges follow the same rules: `on_executing` runs first and may answer at once
//! (`Some(reply)`), skipping the message's method; `on_executed` then runs in every case
//! (after a short-circuit too) and may change the reply; every method not overridden answers
//! `default_response`, which sees the message's [`PushMeta`](crate::PushMeta) (the whole
//! message is the context's last request).

use std::sync::Arc;

use serde::{Serialize, de::DeserializeOwned};
use weixin_context::MessageContext;
use weixin_crypto::EnvelopeFormat;

use crate::message::{PushMessage, PushReply};

/// The error a handler may return. The pipeline logs it (with the appid, openid and message
/// type, never secrets) and answers HTTP 500 so WeChat retries.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// One handled push, as the pipeline runs it: the user's message context (with this request
/// already appended) and facts about the request.
#[derive(Debug)]
pub struct HandlerContext<M, R> {
    appid: Arc<str>,
    format: EnvelopeFormat,
    encrypted: bool,
    context: MessageContext<M, R>,
}

impl<M, R> HandlerContext<M, R>
where
    M: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
{
    /// Builds a handler context. The pipeline does this; tests of handlers may too.
    pub fn new(
        appid: Arc<str>,
        format: EnvelopeFormat,
        encrypted: bool,
        context: MessageContext<M, R>,
    ) -> Self {
        Self {
            appid,
            format,
            encrypted,
            context,
        }
    }

    /// A context outside the pipeline, for unit tests of a handler: a plain XML push to
    /// `appid` from `openid`, with an empty message context (keeping 20 records).
    ///
    /// ```
    /// # use weixin_push::HandlerContext;
    /// # type Message = serde_json::Value; type Reply = serde_json::Value;
    /// let mut cx: HandlerContext<Message, Reply> = HandlerContext::for_test("wx_appid", "o_user");
    /// assert_eq!(cx.appid(), "wx_appid");
    /// assert_eq!(cx.context().openid(), "o_user");
    /// # let _ = &mut cx;
    /// ```
    pub fn for_test(appid: &str, openid: &str) -> Self {
        Self::new(
            Arc::from(appid),
            EnvelopeFormat::Xml,
            false,
            MessageContext::new(appid, openid, 0, weixin_context::DEFAULT_MAX_RECORDS),
        )
    }

    /// The appid of the account this push was sent to.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The wire format of the request (XML or JSON); replies use the same.
    pub fn format(&self) -> EnvelopeFormat {
        self.format
    }

    /// Whether the request was encrypted (safe or compatible mode).
    pub fn was_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The user's message context: recent requests (this one last) and responses.
    pub fn context(&self) -> &MessageContext<M, R> {
        &self.context
    }

    /// Mutable access to the user's context; changes are saved after the handler returns.
    pub fn context_mut(&mut self) -> &mut MessageContext<M, R> {
        &mut self.context
    }

    /// The app's own per-user data (JSON), saved with the context.
    pub fn storage(&self) -> &serde_json::Value {
        self.context.storage()
    }

    /// Mutable access to the app's own per-user data.
    pub fn storage_mut(&mut self) -> &mut serde_json::Value {
        self.context.storage_mut()
    }

    /// Takes the context back out (the pipeline saves it).
    pub fn into_context(self) -> MessageContext<M, R> {
        self.context
    }
}

/// What the pipeline runs for each new (not duplicate) push.
#[async_trait::async_trait]
pub trait PushHandler<M: PushMessage>: Send + Sync + 'static {
    /// The reply type of this platform.
    type Reply: PushReply;

    /// Handles one push and returns the reply to send back (or to store for retries).
    async fn handle(
        &self,
        cx: &mut HandlerContext<M, Self::Reply>,
        message: &M,
    ) -> Result<Self::Reply, HandlerError>;
}
