//! Dispatch of messages to `MessageHandler` methods through the `Mp` bridge.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use weixin_context::MessageContext;
use weixin_crypto::EnvelopeFormat;
use weixin_mp::message::{ClickEvent, SubscribeEvent, TextMessage, UnknownMessage};
use weixin_mp::{HandlerError, Message, MessageHandler, Mp, MpContext, Reply};
use weixin_push::{HandlerContext, PushHandler, PushMeta};

fn cx() -> MpContext {
    HandlerContext::new(
        Arc::from("wx_app"),
        EnvelopeFormat::Xml,
        false,
        MessageContext::new("wx_app", "o_user", 0, 10),
    )
}

fn parse(body: &str) -> Message {
    Message::parse(body, EnvelopeFormat::Xml).unwrap()
}

fn text(content: &str) -> Message {
    parse(&format!(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o_user</FromUserName><CreateTime>1</CreateTime>\
         <MsgType>text</MsgType><Content><![CDATA[{content}]]></Content><MsgId>9</MsgId></xml>"
    ))
}

fn event(name: &str, rest: &str) -> Message {
    parse(&format!(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o_user</FromUserName><CreateTime>2</CreateTime>\
         <MsgType>event</MsgType><Event>{name}</Event>{rest}</xml>"
    ))
}

fn all_kinds() -> Vec<Message> {
    let mut v = vec![
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>video</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>shortvideo</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>location</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>link</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>file</MsgType></xml>",
        ),
        parse(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>brand_new</MsgType></xml>",
        ),
    ];
    for name in [
        "subscribe",
        "unsubscribe",
        "SCAN",
        "LOCATION",
        "CLICK",
        "VIEW",
        "view_miniprogram",
        "TEMPLATESENDJOBFINISH",
        "MASSSENDJOBFINISH",
        "scancode_push",
        "scancode_waitmsg",
        "pic_sysphoto",
        "pic_photo_or_album",
        "pic_weixin",
        "location_select",
        "subscribe_msg_popup_event",
        "subscribe_msg_change_event",
        "subscribe_msg_sent_event",
        "user_enter_tempsession",
        "some_future_event",
    ] {
        v.push(event(name, ""));
    }
    v
}

/// Overrides only `on_text`.
struct TextOnly;

#[async_trait::async_trait]
impl MessageHandler for TextOnly {
    async fn on_text(&self, _cx: &mut MpContext, m: &TextMessage) -> Result<Reply, HandlerError> {
        Ok(Reply::text(format!("echo {}", m.content)))
    }
}

#[tokio::test]
async fn only_overridden_method_runs_and_others_get_default_response() {
    let h = Mp(TextOnly);
    let mut cx = cx();
    assert_eq!(
        h.handle(&mut cx, &text("hi")).await.unwrap(),
        Reply::text("echo hi")
    );
    for m in all_kinds() {
        assert_eq!(
            h.handle(&mut cx, &m).await.unwrap(),
            Reply::Success,
            "{m:?}"
        );
    }
}

/// Counts calls, answers unhandled messages with their type, and overrides a few events.
#[derive(Default)]
struct Recorder {
    defaults: AtomicUsize,
}

#[async_trait::async_trait]
impl MessageHandler for Recorder {
    async fn default_response(
        &self,
        _cx: &mut MpContext,
        request: &PushMeta<'_>,
    ) -> Result<Reply, HandlerError> {
        self.defaults.fetch_add(1, Ordering::SeqCst);
        Ok(Reply::text(format!(
            "unhandled {} {}",
            request.msg_type,
            request.event.unwrap_or("-")
        )))
    }

    async fn on_event_subscribe(
        &self,
        _cx: &mut MpContext,
        e: &SubscribeEvent,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(format!("welcome {}", e.header.from_user_name)))
    }

    async fn on_event_click(
        &self,
        _cx: &mut MpContext,
        e: &ClickEvent,
    ) -> Result<Reply, HandlerError> {
        if e.event_key == "FAIL" {
            return Err("click failed".into());
        }
        Ok(Reply::text(format!("clicked {}", e.event_key)))
    }

    async fn on_unknown(
        &self,
        _cx: &mut MpContext,
        u: &UnknownMessage,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(format!(
            "unknown {}/{}",
            u.msg_type,
            u.event.as_deref().unwrap_or("-")
        )))
    }
}

#[tokio::test]
async fn each_message_reaches_its_method() {
    let h = Mp(Recorder::default());
    let mut cx = cx();
    assert_eq!(
        h.handle(&mut cx, &event("subscribe", "")).await.unwrap(),
        Reply::text("welcome o_user")
    );
    assert_eq!(
        h.handle(&mut cx, &event("CLICK", "<EventKey>K1</EventKey>"))
            .await
            .unwrap(),
        Reply::text("clicked K1")
    );
    assert_eq!(
        h.handle(&mut cx, &event("some_future_event", ""))
            .await
            .unwrap(),
        Reply::text("unknown event/some_future_event")
    );
    assert_eq!(
        h.handle(&mut cx, &event("SCAN", "")).await.unwrap(),
        Reply::text("unhandled event SCAN")
    );
    assert_eq!(
        h.handle(&mut cx, &text("x")).await.unwrap(),
        Reply::text("unhandled text -")
    );
    assert_eq!(h.0.defaults.load(Ordering::SeqCst), 2);

    // Every kind is dispatched to the method of its own type.
    for m in all_kinds() {
        let reply = h.handle(&mut cx, &m).await.unwrap();
        let expected = match &m {
            Message::EventSubscribe(e) => {
                Reply::text(format!("welcome {}", e.header.from_user_name))
            }
            Message::EventClick(_) => Reply::text("clicked "),
            Message::Unknown(u) => Reply::text(format!(
                "unknown {}/{}",
                u.msg_type,
                u.event.as_deref().unwrap_or("-")
            )),
            other => Reply::text(format!(
                "unhandled {} {}",
                other.msg_type(),
                other.event().unwrap_or("-")
            )),
        };
        assert_eq!(reply, expected);
    }
}

#[tokio::test]
async fn handler_errors_propagate() {
    let h = Mp(Recorder::default());
    let err = h
        .handle(&mut cx(), &event("CLICK", "<EventKey>FAIL</EventKey>"))
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "click failed");
}

/// Short-circuits `block` texts, and appends a signature to text replies afterwards.
#[derive(Default)]
struct Hooks {
    executed: AtomicUsize,
    on_text_calls: AtomicUsize,
}

#[async_trait::async_trait]
impl MessageHandler for Hooks {
    async fn on_executing(
        &self,
        cx: &mut MpContext,
        message: &Message,
    ) -> Result<Option<Reply>, HandlerError> {
        cx.storage_mut()["seen"] = serde_json::json!(true);
        if let Message::Text(t) = message
            && t.content == "block"
        {
            return Ok(Some(Reply::text("blocked")));
        }
        Ok(None)
    }

    async fn on_text(&self, _cx: &mut MpContext, m: &TextMessage) -> Result<Reply, HandlerError> {
        self.on_text_calls.fetch_add(1, Ordering::SeqCst);
        Ok(Reply::text(m.content.clone()))
    }

    async fn on_executed(
        &self,
        _cx: &mut MpContext,
        _message: &Message,
        reply: &mut Reply,
    ) -> Result<(), HandlerError> {
        self.executed.fetch_add(1, Ordering::SeqCst);
        if let Reply::Text { content } = reply {
            content.push_str(" -- bot");
        }
        Ok(())
    }
}

#[tokio::test]
async fn on_executing_short_circuits_and_on_executed_modifies() {
    let h = Mp(Hooks::default());
    let mut cx = cx();

    assert_eq!(
        h.handle(&mut cx, &text("hello")).await.unwrap(),
        Reply::text("hello -- bot")
    );
    assert_eq!(h.0.on_text_calls.load(Ordering::SeqCst), 1);

    assert_eq!(
        h.handle(&mut cx, &text("block")).await.unwrap(),
        Reply::text("blocked -- bot")
    );
    assert_eq!(
        h.0.on_text_calls.load(Ordering::SeqCst),
        1,
        "on_text must not run"
    );
    assert_eq!(h.0.executed.load(Ordering::SeqCst), 2);

    // Non-text replies pass through on_executed untouched.
    assert_eq!(
        h.handle(&mut cx, &event("CLICK", "")).await.unwrap(),
        Reply::Success
    );
    assert_eq!(h.0.executed.load(Ordering::SeqCst), 3);
    assert_eq!(cx.storage()["seen"], serde_json::json!(true));
}

#[test]
fn bridge_is_a_send_sync_push_handler() {
    fn assert_handler<H: PushHandler<Message, Reply = Reply>>(_: &H) {}
    assert_handler(&Mp(TextOnly));
}
