//! Hostile mini-program push bodies: deeply nested JSON (the JSON push parser and the whole
//! pipeline, on a small stack) and invalid UTF-8 in XML and JSON bodies. Each is a 400 with a
//! short reason, never a 5xx, a panic or a stack overflow, and never reaches the handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::StatusCode;
use weixin_core::{AppConfig, Weixin};
use weixin_crypto::{EnvelopeFormat, KeySlot, MsgCrypt};
use weixin_push::{PushMessage, PushRequest, PushResponse};
use weixin_wxopen::handler::{WxContext, WxOpenMessageHandler, WxResult};
use weixin_wxopen::message::UnknownMessage;
use weixin_wxopen::{MiniProgram, WxMessage, WxPipeline, WxReply};

/// Stack of the threads the bodies are parsed on: bounded recursion fits (debug builds use
/// about 300 KiB for serde_json's 128 levels), one frame per level of 10,000 would not.
const STACK: usize = 1024 * 1024;
const TOKEN: &str = "AAAAA";
const AES_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const APPID: &str = "wxba5fad812f8e6fb9";
const TEXT_JSON: &str = r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o1","CreateTime":1714112445,"MsgType":"text","Content":"hi","MsgId":1}"#;

/// Counts the messages that reach a handler method.
#[derive(Default, Clone)]
struct Counter(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl WxOpenMessageHandler for Counter {
    async fn on_text(
        &self,
        _cx: &mut WxContext,
        _m: &weixin_wxopen::message::TextMessage,
    ) -> WxResult {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(WxReply::Success)
    }

    async fn on_unknown(&self, _cx: &mut WxContext, _m: &UnknownMessage) -> WxResult {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(WxReply::Success)
    }
}

fn plain(body: impl Into<Vec<u8>>) -> PushRequest {
    let (ts, nonce) = ("1714037059", "486452656");
    let signature = weixin_crypto::signature(TOKEN, ts, nonce);
    PushRequest::post(
        format!("signature={signature}&timestamp={ts}&nonce={nonce}").as_str(),
        body.into(),
    )
}

fn encrypted_json(message: &str) -> PushRequest {
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("crypt");
    let encrypt = crypt.encrypt(message, KeySlot::Current).expect("encrypt");
    let (ts, nonce) = ("1714112445", "415670741");
    let msg_signature = weixin_crypto::msg_signature(TOKEN, ts, nonce, &encrypt);
    PushRequest::post(
        format!("timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msg_signature}")
            .as_str(),
        format!(r#"{{"ToUserName":"gh_97417a04a28d","Encrypt":"{encrypt}"}}"#),
    )
}

/// Runs `requests` through a fresh pipeline (safe mode, plain allowed) on a thread with 1 MiB of
/// stack (half a tokio worker's; serde_json stops recursing at 128 levels), and returns the answers and how many messages reached the handler.
fn on_a_small_stack(
    requests: Vec<(&'static str, PushRequest)>,
) -> (Vec<(&'static str, PushResponse)>, usize) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let counter = Counter::default();
            let weixin = Weixin::builder().build().expect("registry");
            let app = MiniProgram::register(
                &weixin,
                AppConfig::new(APPID, "secret")
                    .push_token(TOKEN)
                    .encoding_aes_key(AES_KEY),
            )
            .expect("registered app");
            let pipeline: WxPipeline<Counter> = app
                .pipeline(counter.clone())
                .allow_plain(true)
                .build()
                .expect("pipeline");
            let responses = requests
                .into_iter()
                .map(|(name, request)| (name, runtime.block_on(pipeline.handle(request))))
                .collect();
            (responses, counter.0.load(Ordering::SeqCst))
        })
        .expect("spawn")
        .join()
        .expect("the pipeline thread did not panic")
}

fn assert_400(name: &str, response: &PushResponse) {
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "{name}: {}",
        response.body()
    );
    assert!(
        !response.body().is_empty() && response.body().len() < 300,
        "{name}: a short reason, got {:?}",
        response.body()
    );
}

#[test]
fn good_pushes_reach_the_handler() {
    // The control: the same setup accepts well-formed pushes.
    let (responses, handled) = on_a_small_stack(vec![
        ("plain", plain(TEXT_JSON)),
        // Another MsgId, or deduplication would drop it.
        (
            "encrypted",
            encrypted_json(&TEXT_JSON.replace("\"MsgId\":1", "\"MsgId\":2")),
        ),
    ]);
    for (name, response) in &responses {
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{name}: {}",
            response.body()
        );
    }
    assert_eq!(handled, 2);
}

#[test]
fn json_parser_rejects_10000_levels_on_a_small_stack() {
    let bodies = [
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        "[".repeat(10_000),
        format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)),
        format!(
            r#"{{"ToUserName":"gh","FromUserName":"o1","CreateTime":1,"MsgType":"event","Event":"subscribe_msg_popup_event","List":{}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    ];
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            for body in &bodies {
                let err = WxMessage::parse(body, EnvelopeFormat::Json).unwrap_err();
                assert!(!err.to_string().is_empty());
            }
        })
        .expect("spawn")
        .join()
        .expect("the parser did not panic or overflow");
}

#[test]
fn deeply_nested_json_push_bodies_are_400() {
    let arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let in_a_field = format!(
        r#"{{"ToUserName":"gh_97417a04a28d","FromUserName":"o1","CreateTime":1714112445,"MsgType":"text","Content":"hi","X":{arrays}}}"#
    );
    let (responses, handled) = on_a_small_stack(vec![
        ("plain [[[…]]]", plain(arrays.clone())),
        ("plain, nested in a field", plain(in_a_field.clone())),
        ("encrypted [[[…]]]", encrypted_json(&arrays)),
        ("encrypted, nested in a field", encrypted_json(&in_a_field)),
        (
            "nested safe-mode envelope",
            PushRequest::post(
                "timestamp=1&nonce=1&encrypt_type=aes&msg_signature=00",
                format!(r#"{{"Encrypt":"AAAA","X":{arrays}}}"#),
            ),
        ),
    ]);
    for (name, response) in &responses {
        assert_400(name, response);
    }
    assert_eq!(handled, 0);
}

#[test]
fn invalid_utf8_xml_and_json_push_bodies_are_400() {
    let (responses, handled) = on_a_small_stack(vec![
        (
            "XML",
            plain(b"<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>\xff\xfe</Content></xml>".to_vec()),
        ),
        (
            "JSON",
            plain(b"{\"ToUserName\":\"gh\",\"FromUserName\":\"o1\",\"CreateTime\":1,\"MsgType\":\"text\",\"Content\":\"\xc3\x28\"}".to_vec()),
        ),
        ("lone byte", plain(b"\x80".to_vec())),
        (
            "XML envelope",
            PushRequest::post(
                "timestamp=1&nonce=1&encrypt_type=aes&msg_signature=00",
                b"<xml><Encrypt>\xff</Encrypt></xml>".to_vec(),
            ),
        ),
        (
            "JSON envelope",
            PushRequest::post(
                "timestamp=1&nonce=1&encrypt_type=aes&msg_signature=00",
                b"{\"Encrypt\":\"\xff\"}".to_vec(),
            ),
        ),
    ]);
    for (name, response) in &responses {
        assert_400(name, response);
    }
    assert_eq!(handled, 0);
}
