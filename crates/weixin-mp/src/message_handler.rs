//! [`MessageHandler`]: one method per Official Account message and event, and [`Mp`], the
//! bridge that lets the push pipeline run it.
//!
//! Override only the methods you need; every other message gets
//! [`MessageHandler::default_response`] (by default [`Reply::Success`]). The pipeline runs
//! [`on_executing`](MessageHandler::on_executing) → the `on_*` method of the message →
//! [`on_executed`](MessageHandler::on_executed).
//!
//! ```
//! use weixin_crypto::EnvelopeFormat;
//! use weixin_mp::message::{SubscribeEvent, TextMessage};
//! use weixin_mp::{HandlerError, Message, MessageHandler, Mp, MpContext, Reply};
//! use weixin_push::PushHandler;
//!
//! /// Echoes text back and welcomes new followers.
//! struct Echo;
//!
//! #[async_trait::async_trait]
//! impl MessageHandler for Echo {
//!     async fn on_text(
//!         &self,
//!         _cx: &mut MpContext,
//!         text: &TextMessage,
//!     ) -> Result<Reply, HandlerError> {
//!         Ok(Reply::text(format!("you said: {}", text.content)))
//!     }
//!
//!     async fn on_event_subscribe(
//!         &self,
//!         _cx: &mut MpContext,
//!         event: &SubscribeEvent,
//!     ) -> Result<Reply, HandlerError> {
//!         Ok(match event.qr_scene() {
//!             Some(scene) => Reply::text(format!("welcome (via QR code {scene})")),
//!             None => Reply::text("welcome!"),
//!         })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! // The pipeline takes `Mp(Echo)` as its handler; here it is called by hand.
//! let handler = Mp(Echo);
//! let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\
//!            <FromUserName><![CDATA[o_user]]></FromUserName><CreateTime>1700000000</CreateTime>\
//!            <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content>\
//!            <MsgId>1</MsgId></xml>";
//! let message = Message::parse(xml, EnvelopeFormat::Xml)?;
//! let mut cx = MpContext::for_test("wx_appid", "o_user");
//! let reply = handler.handle(&mut cx, &message).await?;
//! assert_eq!(reply, Reply::text("you said: hi"));
//!
//! let click = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_user</FromUserName>\
//!              <CreateTime>1700000001</CreateTime><MsgType>event</MsgType>\
//!              <Event>CLICK</Event><EventKey>MENU_1</EventKey></xml>";
//! let message = Message::parse(click, EnvelopeFormat::Xml)?;
//! assert_eq!(handler.handle(&mut cx, &message).await?, Reply::Success);
//! # Ok(())
//! # }
//! ```

use async_trait::async_trait;

use crate::message::*;
use crate::reply::Reply;
use weixin_push::PushMeta;
use weixin_push::{HandlerContext, HandlerError, PushHandler};

/// What an Official Account handler sees while it runs: the user's message context (this
/// request last) and facts about the request.
pub type MpContext = HandlerContext<Message, Reply>;

/// An Official Account message handler: one method per message and event type.
///
/// Implement it with `#[async_trait::async_trait]` and run it in the pipeline wrapped in
/// [`Mp`]. See the [module docs](self) for a complete example.
#[async_trait]
pub trait MessageHandler: Send + Sync + 'static {
    /// Runs before dispatch. `Some(reply)` answers with `reply` without calling the `on_*`
    /// method ([`on_executed`](Self::on_executed) still runs). Default: `None`.
    async fn on_executing(
        &self,
        cx: &mut MpContext,
        message: &Message,
    ) -> Result<Option<Reply>, HandlerError> {
        let _ = (cx, message);
        Ok(None)
    }

    /// Runs after the reply is decided (also after a short-circuit) and may change it.
    /// Default: does nothing.
    async fn on_executed(
        &self,
        cx: &mut MpContext,
        message: &Message,
        reply: &mut Reply,
    ) -> Result<(), HandlerError> {
        let _ = (cx, message, reply);
        Ok(())
    }

    /// The answer to every message whose `on_*` method is not overridden. `request` holds its
    /// routing facts; the whole message is `cx.context().last_request()`.
    /// Default: [`Reply::Success`].
    async fn default_response(
        &self,
        cx: &mut MpContext,
        request: &PushMeta<'_>,
    ) -> Result<Reply, HandlerError> {
        let _ = (cx, request);
        Ok(Reply::Success)
    }

    /// A text message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_text(
        &self,
        cx: &mut MpContext,
        message: &TextMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("text", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// An image message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_image(
        &self,
        cx: &mut MpContext,
        message: &ImageMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("image", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A voice message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_voice(
        &self,
        cx: &mut MpContext,
        message: &VoiceMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("voice", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A video message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_video(
        &self,
        cx: &mut MpContext,
        message: &VideoMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("video", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A short-video message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_short_video(
        &self,
        cx: &mut MpContext,
        message: &VideoMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("shortvideo", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A location message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_location(
        &self,
        cx: &mut MpContext,
        message: &LocationMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("location", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A link message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_link(
        &self,
        cx: &mut MpContext,
        message: &LinkMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("link", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// A file message.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_file(
        &self,
        cx: &mut MpContext,
        message: &FileMessage,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("file", None, message.msg_id);
        self.default_response(cx, &request).await
    }

    /// Event `subscribe`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_subscribe(
        &self,
        cx: &mut MpContext,
        message: &SubscribeEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("subscribe"), None);
        self.default_response(cx, &request).await
    }

    /// Event `unsubscribe`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_unsubscribe(
        &self,
        cx: &mut MpContext,
        message: &UnsubscribeEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("unsubscribe"), None);
        self.default_response(cx, &request).await
    }

    /// Event `SCAN`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_scan(
        &self,
        cx: &mut MpContext,
        message: &ScanEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("SCAN"), None);
        self.default_response(cx, &request).await
    }

    /// Event `LOCATION`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_location(
        &self,
        cx: &mut MpContext,
        message: &LocationEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("LOCATION"), None);
        self.default_response(cx, &request).await
    }

    /// Event `CLICK`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_click(
        &self,
        cx: &mut MpContext,
        message: &ClickEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("CLICK"), None);
        self.default_response(cx, &request).await
    }

    /// Event `VIEW`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_view(
        &self,
        cx: &mut MpContext,
        message: &ViewEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("VIEW"), None);
        self.default_response(cx, &request).await
    }

    /// Event `view_miniprogram`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_view_miniprogram(
        &self,
        cx: &mut MpContext,
        message: &ViewEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("view_miniprogram"), None);
        self.default_response(cx, &request).await
    }

    /// Event `TEMPLATESENDJOBFINISH`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_template_send_job_finish(
        &self,
        cx: &mut MpContext,
        message: &TemplateSendJobFinishEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("TEMPLATESENDJOBFINISH"), None);
        self.default_response(cx, &request).await
    }

    /// Event `MASSSENDJOBFINISH`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_mass_send_job_finish(
        &self,
        cx: &mut MpContext,
        message: &MassSendJobFinishEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("MASSSENDJOBFINISH"), None);
        self.default_response(cx, &request).await
    }

    /// Event `scancode_push`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_scancode_push(
        &self,
        cx: &mut MpContext,
        message: &ScanCodeEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("scancode_push"), None);
        self.default_response(cx, &request).await
    }

    /// Event `scancode_waitmsg`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_scancode_waitmsg(
        &self,
        cx: &mut MpContext,
        message: &ScanCodeEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("scancode_waitmsg"), None);
        self.default_response(cx, &request).await
    }

    /// Event `pic_sysphoto`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_pic_sysphoto(
        &self,
        cx: &mut MpContext,
        message: &PicEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("pic_sysphoto"), None);
        self.default_response(cx, &request).await
    }

    /// Event `pic_photo_or_album`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_pic_photo_or_album(
        &self,
        cx: &mut MpContext,
        message: &PicEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("pic_photo_or_album"), None);
        self.default_response(cx, &request).await
    }

    /// Event `pic_weixin`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_pic_weixin(
        &self,
        cx: &mut MpContext,
        message: &PicEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("pic_weixin"), None);
        self.default_response(cx, &request).await
    }

    /// Event `location_select`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_location_select(
        &self,
        cx: &mut MpContext,
        message: &LocationSelectEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message.header.meta("event", Some("location_select"), None);
        self.default_response(cx, &request).await
    }

    /// Event `subscribe_msg_popup_event`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_subscribe_msg_popup(
        &self,
        cx: &mut MpContext,
        message: &SubscribeMsgPopupEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("subscribe_msg_popup_event"), None);
        self.default_response(cx, &request).await
    }

    /// Event `subscribe_msg_change_event`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_subscribe_msg_change(
        &self,
        cx: &mut MpContext,
        message: &SubscribeMsgChangeEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("subscribe_msg_change_event"), None);
        self.default_response(cx, &request).await
    }

    /// Event `subscribe_msg_sent_event`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_subscribe_msg_sent(
        &self,
        cx: &mut MpContext,
        message: &SubscribeMsgSentEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("subscribe_msg_sent_event"), None);
        self.default_response(cx, &request).await
    }

    /// Event `user_enter_tempsession`.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_event_user_enter_tempsession(
        &self,
        cx: &mut MpContext,
        message: &UserEnterTempSessionEvent,
    ) -> Result<Reply, HandlerError> {
        let request = message
            .header
            .meta("event", Some("user_enter_tempsession"), None);
        self.default_response(cx, &request).await
    }

    /// Any message or event this SDK does not model, with its raw fields.
    ///
    /// Default: [`default_response`](Self::default_response).
    async fn on_unknown(
        &self,
        cx: &mut MpContext,
        message: &UnknownMessage,
    ) -> Result<Reply, HandlerError> {
        let request =
            message
                .header
                .meta(&message.msg_type, message.event.as_deref(), message.msg_id);
        self.default_response(cx, &request).await
    }
}

/// Calls the `on_*` method of `message`.
async fn dispatch<H: MessageHandler>(
    handler: &H,
    cx: &mut MpContext,
    message: &Message,
) -> Result<Reply, HandlerError> {
    match message {
        Message::Text(m) => handler.on_text(cx, m).await,
        Message::Image(m) => handler.on_image(cx, m).await,
        Message::Voice(m) => handler.on_voice(cx, m).await,
        Message::Video(m) => handler.on_video(cx, m).await,
        Message::ShortVideo(m) => handler.on_short_video(cx, m).await,
        Message::Location(m) => handler.on_location(cx, m).await,
        Message::Link(m) => handler.on_link(cx, m).await,
        Message::File(m) => handler.on_file(cx, m).await,
        Message::EventSubscribe(m) => handler.on_event_subscribe(cx, m).await,
        Message::EventUnsubscribe(m) => handler.on_event_unsubscribe(cx, m).await,
        Message::EventScan(m) => handler.on_event_scan(cx, m).await,
        Message::EventLocation(m) => handler.on_event_location(cx, m).await,
        Message::EventClick(m) => handler.on_event_click(cx, m).await,
        Message::EventView(m) => handler.on_event_view(cx, m).await,
        Message::EventViewMiniprogram(m) => handler.on_event_view_miniprogram(cx, m).await,
        Message::EventTemplateSendJobFinish(m) => {
            handler.on_event_template_send_job_finish(cx, m).await
        }
        Message::EventMassSendJobFinish(m) => handler.on_event_mass_send_job_finish(cx, m).await,
        Message::EventScancodePush(m) => handler.on_event_scancode_push(cx, m).await,
        Message::EventScancodeWaitmsg(m) => handler.on_event_scancode_waitmsg(cx, m).await,
        Message::EventPicSysphoto(m) => handler.on_event_pic_sysphoto(cx, m).await,
        Message::EventPicPhotoOrAlbum(m) => handler.on_event_pic_photo_or_album(cx, m).await,
        Message::EventPicWeixin(m) => handler.on_event_pic_weixin(cx, m).await,
        Message::EventLocationSelect(m) => handler.on_event_location_select(cx, m).await,
        Message::EventSubscribeMsgPopup(m) => handler.on_event_subscribe_msg_popup(cx, m).await,
        Message::EventSubscribeMsgChange(m) => handler.on_event_subscribe_msg_change(cx, m).await,
        Message::EventSubscribeMsgSent(m) => handler.on_event_subscribe_msg_sent(cx, m).await,
        Message::EventUserEnterTempSession(m) => {
            handler.on_event_user_enter_tempsession(cx, m).await
        }
        Message::Unknown(m) => handler.on_unknown(cx, m).await,
    }
}

/// Runs a [`MessageHandler`] as the pipeline's [`PushHandler`]:
/// `on_executing` → the message's `on_*` method → `on_executed`.
///
/// A wrapper rather than a blanket impl, so other platforms (mini programs) can bridge their
/// own handler traits onto [`PushHandler`] too.
#[derive(Debug, Clone, Default)]
pub struct Mp<H>(pub H);

#[async_trait]
impl<H: MessageHandler> PushHandler<Message> for Mp<H> {
    type Reply = Reply;

    async fn handle(&self, cx: &mut MpContext, message: &Message) -> Result<Reply, HandlerError> {
        let handler = &self.0;
        let mut reply = match handler.on_executing(cx, message).await? {
            Some(reply) => reply,
            None => dispatch(handler, cx, message).await?,
        };
        handler.on_executed(cx, message, &mut reply).await?;
        Ok(reply)
    }
}

/// `meta()` is used by the pipeline; keep the bridge's view consistent with it.
#[cfg(test)]
mod tests {
    use super::*;
    use weixin_push::PushMessage as _;

    #[test]
    fn handler_meta_matches_message_meta() {
        let header = Header {
            to_user_name: "gh".into(),
            from_user_name: "o".into(),
            create_time: 5,
        };
        let message = Message::EventScan(ScanEvent {
            header: header.clone(),
            event_key: "1".into(),
            ticket: None,
        });
        assert_eq!(header.meta("event", Some("SCAN"), None), message.meta());
    }
}
