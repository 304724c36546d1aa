//! Every mini-program message type, XML and JSON, through the `weixin_push` pipeline in plain and
//! safe mode; the handler's method is the right one and the reply is `success` (or empty).

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use http::StatusCode;
use weixin_context::MessageContext;
use weixin_core::{AppConfig, Weixin};
use weixin_crypto::{EnvelopeFormat, KeySlot, MsgCrypt};
use weixin_push::{HandlerContext, HandlerError, PushHandler, PushMessage, PushMeta, PushRequest};
use weixin_wxopen::handler::{WxContext, WxOpen, WxOpenMessageHandler, WxResult};
use weixin_wxopen::message::*;
use weixin_wxopen::{MiniProgram, WxMessage, WxPipeline, WxReply};

const TOKEN: &str = "AAAAA";
const AES_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const APPID: &str = "wxba5fad812f8e6fb9";

/// Records which method ran; answers `Empty` to debug_demo (to check both replies render).
#[derive(Default, Clone)]
struct Recorder {
    calls: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn record(&self, name: &str) {
        self.calls.lock().unwrap().push(name.to_owned());
    }
}

#[async_trait::async_trait]
impl WxOpenMessageHandler for Recorder {
    async fn on_text(&self, _cx: &mut WxContext, m: &TextMessage) -> WxResult {
        assert_eq!(m.content, "this is a test");
        self.record("text");
        Ok(WxReply::Success)
    }
    async fn on_image(&self, _cx: &mut WxContext, m: &ImageMessage) -> WxResult {
        assert_eq!(m.media_id, "media_id");
        self.record("image");
        Ok(WxReply::Success)
    }
    async fn on_miniprogram_page(
        &self,
        _cx: &mut WxContext,
        _m: &MiniProgramPageMessage,
    ) -> WxResult {
        self.record("miniprogrampage");
        Ok(WxReply::Success)
    }
    async fn on_event_user_enter_tempsession(
        &self,
        _cx: &mut WxContext,
        m: &UserEnterTempSessionEvent,
    ) -> WxResult {
        assert_eq!(m.session_from, "sessionFrom");
        self.record("user_enter_tempsession");
        Ok(WxReply::Success)
    }
    async fn on_event_subscribe_popup(
        &self,
        _cx: &mut WxContext,
        m: &SubscribeMsgPopupEvent,
    ) -> WxResult {
        assert!(!m.list.is_empty());
        self.record("subscribe_popup");
        Ok(WxReply::Success)
    }
    async fn on_event_subscribe_change(
        &self,
        _cx: &mut WxContext,
        m: &SubscribeMsgChangeEvent,
    ) -> WxResult {
        assert_eq!(m.list.len(), 1);
        self.record("subscribe_change");
        Ok(WxReply::Success)
    }
    async fn on_event_subscribe_sent(
        &self,
        _cx: &mut WxContext,
        m: &SubscribeMsgSentEvent,
    ) -> WxResult {
        assert_eq!(m.list[0].error_status, "success");
        self.record("subscribe_sent");
        Ok(WxReply::Success)
    }
    async fn on_event_media_check(&self, _cx: &mut WxContext, m: &MediaCheckEvent) -> WxResult {
        assert!(m.passed());
        self.record("media_check");
        Ok(WxReply::Success)
    }
    async fn on_event_debug_demo(&self, _cx: &mut WxContext, m: &DebugDemoEvent) -> WxResult {
        assert_eq!(m.debug_str, "hello world");
        self.record("debug_demo");
        Ok(WxReply::Empty)
    }
    async fn on_unknown(&self, _cx: &mut WxContext, m: &UnknownMessage) -> WxResult {
        assert_eq!(m.fields.get("SuccTime"), Some("1700000001"));
        self.record("unknown");
        Ok(WxReply::Success)
    }
}

fn expected_body(name: &str) -> &'static str {
    if name == "debug_demo" { "" } else { "success" }
}

fn plain_request(body: &str) -> PushRequest {
    let (ts, nonce) = ("1714037059", "486452656");
    let signature = weixin_crypto::signature(TOKEN, ts, nonce);
    PushRequest::post(
        format!("signature={signature}&timestamp={ts}&nonce={nonce}").as_str(),
        body.to_owned(),
    )
}

fn encrypted_request(crypt: &MsgCrypt, format: EnvelopeFormat, message: &str) -> PushRequest {
    let encrypt = crypt.encrypt(message, KeySlot::Current).expect("encrypt");
    let (ts, nonce) = ("1714112445", "415670741");
    let msg_signature = weixin_crypto::msg_signature(TOKEN, ts, nonce, &encrypt);
    let signature = weixin_crypto::signature(TOKEN, ts, nonce);
    let body = match format {
        EnvelopeFormat::Xml => format!(
            "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        ),
        EnvelopeFormat::Json => {
            serde_json::json!({"ToUserName": "gh_97417a04a28d", "Encrypt": encrypt}).to_string()
        }
    };
    PushRequest::post(
        format!("signature={signature}&timestamp={ts}&nonce={nonce}&openid=o1&encrypt_type=aes&msg_signature={msg_signature}").as_str(),
        body,
    )
}

/// The official example account with its push token (and, in safe mode, its key).
fn config(key: Option<&str>) -> AppConfig {
    AppConfig::new(APPID, "secret")
        .push_token(TOKEN)
        .maybe_encoding_aes_key(key)
}

/// A mini program registered with `config` in a registry of its own, running `recorder`.
fn pipeline(config: AppConfig, recorder: &Recorder) -> WxPipeline<Recorder> {
    let weixin = Weixin::builder().build().expect("registry");
    MiniProgram::register(&weixin, config)
        .expect("registered app")
        .pipeline(recorder.clone())
        .build()
        .expect("pipeline")
}

#[tokio::test]
async fn every_message_plain_mode_xml_and_json() {
    for (name, xml, json) in ALL {
        for body in [xml, json] {
            let recorder = Recorder::default();
            let pipeline = pipeline(config(None), &recorder);
            let response = pipeline.handle(plain_request(body)).await;
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "{name}: {}",
                response.body()
            );
            assert_eq!(response.body(), expected_body(name), "{name}");
            assert_eq!(
                *recorder.calls.lock().unwrap(),
                [name.to_string()],
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn every_message_safe_mode_xml_and_json() {
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).unwrap();
    for (name, xml, json) in ALL {
        for (body, format) in [(xml, EnvelopeFormat::Xml), (json, EnvelopeFormat::Json)] {
            let recorder = Recorder::default();
            let pipeline = pipeline(config(Some(AES_KEY)), &recorder);
            let response = pipeline
                .handle(encrypted_request(&crypt, format, body))
                .await;
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "{name}: {}",
                response.body()
            );
            // success / empty are never encrypted.
            assert_eq!(response.body(), expected_body(name), "{name} {format:?}");
            assert_eq!(
                *recorder.calls.lock().unwrap(),
                [name.to_string()],
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn official_safe_mode_example_reaches_debug_demo() {
    let recorder = Recorder::default();
    let pipeline = pipeline(config(Some(AES_KEY)), &recorder);
    let body = r#"{
    "ToUserName": "gh_97417a04a28d",
    "Encrypt": "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
}"#;
    let query = "signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3";
    let response = pipeline.handle(PushRequest::post(query, body)).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert_eq!(*recorder.calls.lock().unwrap(), ["debug_demo"]);
}

#[tokio::test]
async fn official_plain_example_and_garbage_body() {
    let recorder = Recorder::default();
    let pipeline = pipeline(config(None), &recorder);
    let query =
        "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656";
    let response = pipeline.handle(PushRequest::post(query, DEBUG_JSON)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bad = pipeline
        .handle(plain_request("<!DOCTYPE xml><xml></xml>"))
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(*recorder.calls.lock().unwrap(), ["debug_demo"]);
}

/// Defaults answer `success`; `on_executing` short-circuits `blocked` users; `on_executed`
/// sees every reply (short-circuited ones too) and silences `silenced` users.
#[derive(Default, Clone)]
struct Hooks {
    seen: Arc<Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl WxOpenMessageHandler for Hooks {
    async fn on_executing(
        &self,
        _cx: &mut WxContext,
        message: &WxMessage,
    ) -> Result<Option<WxReply>, HandlerError> {
        if message.openid() == "blocked" {
            return Ok(Some(WxReply::Empty));
        }
        Ok(None)
    }
    async fn on_executed(
        &self,
        _cx: &mut WxContext,
        message: &WxMessage,
        reply: &mut WxReply,
    ) -> Result<(), HandlerError> {
        self.seen
            .lock()
            .unwrap()
            .push(format!("{}:{reply:?}", message.meta().msg_type));
        if message.openid() == "silenced" {
            *reply = WxReply::Empty;
        }
        Ok(())
    }
    async fn default_response(&self, _cx: &mut WxContext, request: &PushMeta<'_>) -> WxResult {
        self.seen
            .lock()
            .unwrap()
            .push(format!("default:{}", request.msg_type));
        Ok(WxReply::Success)
    }
}

fn context() -> WxContext {
    HandlerContext::new(
        Arc::from(APPID),
        EnvelopeFormat::Json,
        false,
        MessageContext::new(APPID, "fromUser", 0, 10),
    )
}

#[tokio::test]
async fn dispatch_defaults_and_hooks() {
    let hooks = Hooks::default();
    let handler = WxOpen(hooks.clone());
    let mut cx = context();
    for (_, xml, _) in ALL {
        let message = WxMessage::from_xml(xml).unwrap();
        let reply = handler.handle(&mut cx, &message).await.unwrap();
        assert_eq!(reply, WxReply::Success);
    }
    let seen = hooks.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2 * ALL.len());
    assert_eq!(seen[0], "default:text");
    assert_eq!(seen[1], "text:Success");
    assert_eq!(seen[19], "event:Success");

    // A short-circuit skips the message's method (no `default:`), and on_executed still
    // runs, as on Official Accounts.
    let blocked = WxMessage::from_json(&TEXT_JSON.replace("fromUser", "blocked")).unwrap();
    let reply = handler.handle(&mut cx, &blocked).await.unwrap();
    assert_eq!(reply, WxReply::Empty);
    assert_eq!(
        *hooks.seen.lock().unwrap().last().unwrap(),
        "text:Empty",
        "on_executed runs after a short-circuit"
    );
    assert_eq!(
        hooks.seen.lock().unwrap().len(),
        2 * ALL.len() + 1,
        "short-circuited: the method did not run"
    );

    // on_executed may change the reply.
    let silenced = WxMessage::from_json(&TEXT_JSON.replace("fromUser", "silenced")).unwrap();
    let reply = handler.handle(&mut cx, &silenced).await.unwrap();
    assert_eq!(reply, WxReply::Empty);
    let seen = hooks.seen.lock().unwrap().clone();
    assert_eq!(seen[2 * ALL.len() + 1..], ["default:text", "text:Success"]);
}
