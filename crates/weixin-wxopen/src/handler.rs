//! [`WxOpenMessageHandler`]: one method per mini-program message type, and [`WxOpen`], which
//! runs it in the push pipeline.

use async_trait::async_trait;
use weixin_mp::{HandlerContext, HandlerError, PushHandler};

use crate::message::*;
use crate::reply::WxReply;

/// What a mini-program handler sees while it runs: the user's message context and facts about
/// the request.
pub type WxContext = HandlerContext<WxMessage, WxReply>;

/// The result of a handler method.
pub type WxResult = Result<WxReply, HandlerError>;

/// Handles mini-program pushes: override the methods of the messages you care about; the others
/// answer [`default_response`](Self::default_response) (`success`).
///
/// Answer the user through the customer-service API (the HTTP reply is only `success`):
///
/// ```no_run
/// use weixin_mp::api::custom::CustomMessage;
/// use weixin_wxopen::api::WxOpenApi;
/// use weixin_wxopen::handler::{WxContext, WxOpenMessageHandler, WxResult};
/// use weixin_wxopen::message::TextMessage;
/// use weixin_wxopen::WxReply;
///
/// struct Echo {
///     api: WxOpenApi,
/// }
///
/// #[async_trait::async_trait]
/// impl WxOpenMessageHandler for Echo {
///     async fn on_text(&self, _cx: &mut WxContext, text: &TextMessage) -> WxResult {
///         let reply = CustomMessage::text(&text.header.from_user_name, &text.content);
///         self.api.custom().send(&reply).await?;
///         Ok(WxReply::Success)
///     }
/// }
/// ```
///
/// Wrap it in [`WxOpen`] to run it in a [`weixin_mp::pipeline::Pipeline`].
#[async_trait]
pub trait WxOpenMessageHandler: Send + Sync + 'static {
    /// Runs before the message's method. Return `Some(reply)` to answer without dispatching
    /// (e.g. to drop a blocked user's messages).
    async fn on_executing(
        &self,
        _cx: &mut WxContext,
        _message: &WxMessage,
    ) -> Result<Option<WxReply>, HandlerError> {
        Ok(None)
    }

    /// Runs after the message's method with its reply; may change the reply.
    async fn on_executed(
        &self,
        _cx: &mut WxContext,
        _message: &WxMessage,
        reply: WxReply,
    ) -> WxResult {
        Ok(reply)
    }

    /// The answer of every method you do not override (default `success`).
    async fn default_response(&self, _cx: &mut WxContext, _message: &WxMessage) -> WxResult {
        Ok(WxReply::Success)
    }

    /// A text message.
    async fn on_text(&self, cx: &mut WxContext, message: &TextMessage) -> WxResult {
        self.default_response(cx, &WxMessage::Text(message.clone()))
            .await
    }

    /// An image message.
    async fn on_image(&self, cx: &mut WxContext, message: &ImageMessage) -> WxResult {
        self.default_response(cx, &WxMessage::Image(message.clone()))
            .await
    }

    /// A mini-program card.
    async fn on_miniprogram_page(
        &self,
        cx: &mut WxContext,
        message: &MiniProgramPageMessage,
    ) -> WxResult {
        self.default_response(cx, &WxMessage::MiniProgramPage(message.clone()))
            .await
    }

    /// The user entered the customer-service chat.
    async fn on_event_user_enter_tempsession(
        &self,
        cx: &mut WxContext,
        event: &UserEnterTempSessionEvent,
    ) -> WxResult {
        self.default_response(cx, &WxMessage::UserEnterTempSession(event.clone()))
            .await
    }

    /// The user answered a subscribe-message popup.
    async fn on_event_subscribe_popup(
        &self,
        cx: &mut WxContext,
        event: &SubscribePopupEvent,
    ) -> WxResult {
        self.default_response(cx, &WxMessage::SubscribePopup(event.clone()))
            .await
    }

    /// The user changed a subscription in the settings.
    async fn on_event_subscribe_change(
        &self,
        cx: &mut WxContext,
        event: &SubscribeChangeEvent,
    ) -> WxResult {
        self.default_response(cx, &WxMessage::SubscribeChange(event.clone()))
            .await
    }

    /// The delivery result of a subscribe message.
    async fn on_event_subscribe_sent(
        &self,
        cx: &mut WxContext,
        event: &SubscribeSentEvent,
    ) -> WxResult {
        self.default_response(cx, &WxMessage::SubscribeSent(event.clone()))
            .await
    }

    /// The result of an asynchronous content check.
    async fn on_event_media_check(&self, cx: &mut WxContext, event: &MediaCheckEvent) -> WxResult {
        self.default_response(cx, &WxMessage::MediaCheck(event.clone()))
            .await
    }

    /// The console's test push (`debug_demo`).
    async fn on_event_debug_demo(&self, cx: &mut WxContext, event: &DebugDemoEvent) -> WxResult {
        self.default_response(cx, &WxMessage::DebugDemo(event.clone()))
            .await
    }

    /// A message or event without a type of its own.
    async fn on_unknown(&self, cx: &mut WxContext, message: &UnknownMessage) -> WxResult {
        self.default_response(cx, &WxMessage::Unknown(message.clone()))
            .await
    }
}

/// Runs a [`WxOpenMessageHandler`] as the pipeline's [`PushHandler`]:
/// `on_executing` → the message's method → `on_executed`.
///
/// ```no_run
/// # struct MyHandler;
/// # #[async_trait::async_trait] impl weixin_wxopen::WxOpenMessageHandler for MyHandler {}
/// use weixin_mp::pipeline::{Pipeline, PushConfig};
/// use weixin_wxopen::{WxMessage, WxOpen};
///
/// let config = PushConfig::new("wx1234567890abcdef", "TOKEN")
///     .encoding_aes_key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
/// let pipeline: Pipeline<WxMessage, WxOpen<MyHandler>> =
///     Pipeline::builder(config, WxOpen(MyHandler)).build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct WxOpen<H>(pub H);

#[async_trait]
impl<H: WxOpenMessageHandler> PushHandler<WxMessage> for WxOpen<H> {
    type Reply = WxReply;

    async fn handle(&self, cx: &mut WxContext, message: &WxMessage) -> WxResult {
        let h = &self.0;
        if let Some(reply) = h.on_executing(cx, message).await? {
            return Ok(reply);
        }
        let reply = match message {
            WxMessage::Text(m) => h.on_text(cx, m).await?,
            WxMessage::Image(m) => h.on_image(cx, m).await?,
            WxMessage::MiniProgramPage(m) => h.on_miniprogram_page(cx, m).await?,
            WxMessage::UserEnterTempSession(m) => h.on_event_user_enter_tempsession(cx, m).await?,
            WxMessage::SubscribePopup(m) => h.on_event_subscribe_popup(cx, m).await?,
            WxMessage::SubscribeChange(m) => h.on_event_subscribe_change(cx, m).await?,
            WxMessage::SubscribeSent(m) => h.on_event_subscribe_sent(cx, m).await?,
            WxMessage::MediaCheck(m) => h.on_event_media_check(cx, m).await?,
            WxMessage::DebugDemo(m) => h.on_event_debug_demo(cx, m).await?,
            WxMessage::Unknown(m) => h.on_unknown(cx, m).await?,
        };
        h.on_executed(cx, message, reply).await
    }
}
