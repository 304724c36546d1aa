//! [`WxOpenMessageHandler`]: one method per mini-program message type, and [`WxOpen`], which
//! runs it in the push pipeline.
//!
//! The rules are the Official Account handler's: `on_executing` may answer at once (the
//! message's method is then skipped), `on_executed` runs in every case and may change the
//! reply, and every method not overridden answers `default_response` with the message's
//! routing facts.

use async_trait::async_trait;
use weixin_push::{HandlerContext, HandlerError, PushHandler, PushMeta};

use crate::message::*;
use crate::reply::WxReply;

/// What a mini-program handler sees while it runs: the user's message context and facts about
/// the request. In a unit test: `WxContext::for_test("wx_appid", "o_user")`.
pub type WxContext = HandlerContext<WxMessage, WxReply>;

/// The result of a handler method.
pub type WxResult = Result<WxReply, HandlerError>;

/// Handles mini-program pushes: override the methods of the messages you care about; the others
/// answer [`default_response`](Self::default_response) (`success`).
///
/// Answer the user through the customer-service API (the HTTP reply is only `success`):
///
/// ```no_run
/// use weixin_mp::api::custom::{CustomApi, CustomMessage};
/// use weixin_wxopen::handler::{WxContext, WxOpenMessageHandler, WxResult};
/// use weixin_wxopen::message::TextMessage;
/// use weixin_wxopen::WxReply;
///
/// struct Echo {
///     custom: CustomApi,
/// }
///
/// #[async_trait::async_trait]
/// impl WxOpenMessageHandler for Echo {
///     async fn on_text(&self, _cx: &mut WxContext, text: &TextMessage) -> WxResult {
///         let reply = CustomMessage::text(&text.header.from_user_name, &text.content);
///         self.custom.send(&reply).await?;
///         Ok(WxReply::Success)
///     }
/// }
/// ```
///
/// Run it with [`MiniProgram::pipeline`](crate::MiniProgram::pipeline) or
/// [`MiniProgram::push_router`](crate::MiniProgram::push_router).
#[async_trait]
pub trait WxOpenMessageHandler: Send + Sync + 'static {
    /// Runs before dispatch. `Some(reply)` answers with `reply` without calling the message's
    /// method ([`on_executed`](Self::on_executed) still runs). Default: `None`.
    async fn on_executing(
        &self,
        cx: &mut WxContext,
        message: &WxMessage,
    ) -> Result<Option<WxReply>, HandlerError> {
        let _ = (cx, message);
        Ok(None)
    }

    /// Runs after the reply is decided (also after a short-circuit) and may change it.
    /// Default: does nothing.
    async fn on_executed(
        &self,
        cx: &mut WxContext,
        message: &WxMessage,
        reply: &mut WxReply,
    ) -> Result<(), HandlerError> {
        let _ = (cx, message, reply);
        Ok(())
    }

    /// The answer to every message whose method is not overridden. `request` holds its routing
    /// facts; the whole message is `cx.context().last_request()`. Default: `success`.
    async fn default_response(&self, cx: &mut WxContext, request: &PushMeta<'_>) -> WxResult {
        let _ = (cx, request);
        Ok(WxReply::Success)
    }

    /// A text message.
    async fn on_text(&self, cx: &mut WxContext, message: &TextMessage) -> WxResult {
        let request = message.header.meta("text", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// An image message.
    async fn on_image(&self, cx: &mut WxContext, message: &ImageMessage) -> WxResult {
        let request = message.header.meta("image", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A mini-program card.
    async fn on_miniprogram_page(
        &self,
        cx: &mut WxContext,
        message: &MiniProgramPageMessage,
    ) -> WxResult {
        let request = message.header.meta("miniprogrampage", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// The user entered the customer-service chat.
    async fn on_event_user_enter_tempsession(
        &self,
        cx: &mut WxContext,
        event: &UserEnterTempSessionEvent,
    ) -> WxResult {
        let request = event
            .header
            .meta("event", Some("user_enter_tempsession"), None);
        self.default_response(cx, &request).await
    }

    /// The user answered a subscribe-message popup.
    async fn on_event_subscribe_popup(
        &self,
        cx: &mut WxContext,
        event: &SubscribeMsgPopupEvent,
    ) -> WxResult {
        let request = event
            .header
            .meta("event", Some("subscribe_msg_popup_event"), None);
        self.default_response(cx, &request).await
    }

    /// The user changed a subscription in the settings.
    async fn on_event_subscribe_change(
        &self,
        cx: &mut WxContext,
        event: &SubscribeMsgChangeEvent,
    ) -> WxResult {
        let request = event
            .header
            .meta("event", Some("subscribe_msg_change_event"), None);
        self.default_response(cx, &request).await
    }

    /// The delivery result of a subscribe message.
    async fn on_event_subscribe_sent(
        &self,
        cx: &mut WxContext,
        event: &SubscribeMsgSentEvent,
    ) -> WxResult {
        let request = event
            .header
            .meta("event", Some("subscribe_msg_sent_event"), None);
        self.default_response(cx, &request).await
    }

    /// The result of an asynchronous content check.
    async fn on_event_media_check(&self, cx: &mut WxContext, event: &MediaCheckEvent) -> WxResult {
        let request = event.header.meta("event", Some("wxa_media_check"), None);
        self.default_response(cx, &request).await
    }

    /// The console's test push (`debug_demo`).
    async fn on_event_debug_demo(&self, cx: &mut WxContext, event: &DebugDemoEvent) -> WxResult {
        let request = event.header.meta("event", Some("debug_demo"), None);
        self.default_response(cx, &request).await
    }

    /// A message or event without a type of its own.
    async fn on_unknown(&self, cx: &mut WxContext, message: &UnknownMessage) -> WxResult {
        let request =
            message
                .header
                .meta(&message.msg_type, message.event.as_deref(), message.msg_id);
        self.default_response(cx, &request).await
    }
}

/// Runs a [`WxOpenMessageHandler`] as the pipeline's [`PushHandler`]:
/// `on_executing` → the message's method (unless `on_executing` answered) → `on_executed`.
#[derive(Debug, Clone, Default)]
pub struct WxOpen<H>(pub H);

#[async_trait]
impl<H: WxOpenMessageHandler> PushHandler<WxMessage> for WxOpen<H> {
    type Reply = WxReply;

    async fn handle(&self, cx: &mut WxContext, message: &WxMessage) -> WxResult {
        let h = &self.0;
        let mut reply = match h.on_executing(cx, message).await? {
            Some(reply) => reply,
            None => dispatch(h, cx, message).await?,
        };
        h.on_executed(cx, message, &mut reply).await?;
        Ok(reply)
    }
}

/// Calls the method of `message`.
async fn dispatch<H: WxOpenMessageHandler>(
    h: &H,
    cx: &mut WxContext,
    message: &WxMessage,
) -> WxResult {
    match message {
        WxMessage::Text(m) => h.on_text(cx, m).await,
        WxMessage::Image(m) => h.on_image(cx, m).await,
        WxMessage::MiniProgramPage(m) => h.on_miniprogram_page(cx, m).await,
        WxMessage::UserEnterTempSession(m) => h.on_event_user_enter_tempsession(cx, m).await,
        WxMessage::SubscribePopup(m) => h.on_event_subscribe_popup(cx, m).await,
        WxMessage::SubscribeChange(m) => h.on_event_subscribe_change(cx, m).await,
        WxMessage::SubscribeSent(m) => h.on_event_subscribe_sent(cx, m).await,
        WxMessage::MediaCheck(m) => h.on_event_media_check(cx, m).await,
        WxMessage::DebugDemo(m) => h.on_event_debug_demo(cx, m).await,
        WxMessage::Unknown(m) => h.on_unknown(cx, m).await,
    }
}
