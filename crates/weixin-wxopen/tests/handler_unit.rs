//! A mini-program handler unit-tested without the pipeline (`WxContext::for_test`), and the
//! `MsgType`/`Event` case rule, the same as on Official Accounts.

use weixin_crypto::EnvelopeFormat;
use weixin_push::{PushHandler, PushMessage};
use weixin_wxopen::handler::{WxContext, WxOpen, WxOpenMessageHandler, WxResult};
use weixin_wxopen::message::{TextMessage, UserEnterTempSessionEvent};
use weixin_wxopen::{WxMessage, WxReply};

/// Remembers what it saw in the user's storage; `quiet` texts get an empty body.
struct Greeter;

#[async_trait::async_trait]
impl WxOpenMessageHandler for Greeter {
    async fn on_text(&self, cx: &mut WxContext, text: &TextMessage) -> WxResult {
        cx.storage_mut()["last_text"] = text.content.clone().into();
        Ok(if text.content == "quiet" {
            WxReply::Empty
        } else {
            WxReply::Success
        })
    }

    async fn on_event_user_enter_tempsession(
        &self,
        cx: &mut WxContext,
        event: &UserEnterTempSessionEvent,
    ) -> WxResult {
        cx.storage_mut()["session_from"] = event.session_from.clone().into();
        Ok(WxReply::Empty)
    }
}

fn json(body: &str) -> WxMessage {
    WxMessage::parse(body, EnvelopeFormat::Json).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn xml(body: &str) -> WxMessage {
    WxMessage::parse(body, EnvelopeFormat::Xml).unwrap_or_else(|e| panic!("{e}: {body}"))
}

const QUIET_TEXT: &str = r#"{"ToUserName":"gh_1","FromUserName":"o_user","CreateTime":1700000000,"MsgType":"text","Content":"quiet","MsgId":7}"#;
const IMAGE: &str = r#"{"ToUserName":"gh_1","FromUserName":"o_user","CreateTime":1700000000,"MsgType":"image","PicUrl":"u","MediaId":"m","MsgId":8}"#;
const ENTER_UPPER: &str = r#"{"ToUserName":"gh_1","FromUserName":"o_user","CreateTime":1700000000,"MsgType":"EVENT","Event":"USER_ENTER_TEMPSESSION","SessionFrom":"from-card"}"#;

#[tokio::test]
async fn a_handler_runs_on_a_test_context_without_the_pipeline() {
    let mut cx = WxContext::for_test("wx_appid", "o_user");
    assert_eq!(cx.appid(), "wx_appid");
    assert_eq!(cx.context().openid(), "o_user");
    assert_eq!(cx.format(), EnvelopeFormat::Xml);
    assert!(!cx.was_encrypted());

    let handler = WxOpen(Greeter);
    let message = json(QUIET_TEXT);
    assert_eq!(
        handler.handle(&mut cx, &message).await.unwrap(),
        WxReply::Empty
    );
    assert_eq!(cx.storage()["last_text"], "quiet");

    // A method the handler does not override answers the default, `success`.
    assert_eq!(
        handler.handle(&mut cx, &json(IMAGE)).await.unwrap(),
        WxReply::Success
    );

    // An upper-case event reaches its own method.
    assert_eq!(
        handler.handle(&mut cx, &json(ENTER_UPPER)).await.unwrap(),
        WxReply::Empty
    );
    assert_eq!(cx.storage()["session_from"], "from-card");
    // The storage keeps what the earlier messages left.
    assert_eq!(cx.storage()["last_text"], "quiet");
}

#[test]
fn msg_type_and_event_are_case_insensitive_like_on_official_accounts() {
    let text_json = r#"{"ToUserName":"gh_1","FromUserName":"o_user","CreateTime":1,"MsgType":"TEXT","Content":"hi","MsgId":3}"#;
    let text_xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_user</FromUserName><CreateTime>1</CreateTime><MsgType>TEXT</MsgType><Content>hi</Content><MsgId>3</MsgId></xml>";
    for m in [json(text_json), xml(text_xml)] {
        let WxMessage::Text(t) = &m else {
            panic!("TEXT must parse as Text: {m:?}")
        };
        assert_eq!(t.content, "hi");
        assert_eq!(t.msg_id, Some(3));
        assert_eq!(m.meta().msg_type, "text");
    }

    let enter_xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>o_user</FromUserName><CreateTime>1</CreateTime><MsgType>Event</MsgType><Event>USER_ENTER_TEMPSESSION</Event><SessionFrom>from-card</SessionFrom></xml>";
    for m in [json(ENTER_UPPER), xml(enter_xml)] {
        let WxMessage::UserEnterTempSession(e) = &m else {
            panic!("USER_ENTER_TEMPSESSION must parse as the event: {m:?}")
        };
        assert_eq!(e.session_from, "from-card");
        assert_eq!(m.meta().event, Some("user_enter_tempsession"));
    }

    // The Official Account model reads the same body the same way.
    let mp = weixin_mp::Message::parse(enter_xml, EnvelopeFormat::Xml).unwrap();
    let weixin_mp::Message::EventUserEnterTempSession(e) = mp else {
        panic!("{mp:?}")
    };
    assert_eq!(e.session_from, "from-card");

    // Unknown values are kept as sent.
    let unknown = json(
        r#"{"ToUserName":"gh_1","FromUserName":"o_user","CreateTime":1,"MsgType":"EVENT","Event":"Weapp_Audit_Success"}"#,
    );
    let WxMessage::Unknown(u) = &unknown else {
        panic!("{unknown:?}")
    };
    assert_eq!(u.msg_type, "EVENT");
    assert_eq!(u.event.as_deref(), Some("Weapp_Audit_Success"));
}
