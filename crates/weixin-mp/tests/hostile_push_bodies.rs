//! Hostile push bodies through the real Official Account pipeline (`Pipeline<Message, Mp<_>>`):
//! deeply nested JSON, invalid UTF-8 in XML and JSON, timestamps far from now with the replay
//! window on. Each gets a 4xx with a short reason, never a 5xx, a panic or a stack overflow.

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use weixin_core::clock::ManualClock;
use weixin_core::{AppClient, AppConfig, Weixin};
use weixin_crypto::{KeySlot, MsgCrypt};
use weixin_mp::{Message, MessageHandler, Mp};
use weixin_push::pipeline::{Pipeline, PushRequest, PushResponse};

/// Stack of the threads the bodies are parsed on: bounded recursion fits (debug builds use
/// about 300 KiB for serde_json's 128 levels), one frame per level of 10,000 would not.
const STACK: usize = 1024 * 1024;
const TOKEN: &str = "AAAAA";
const AES_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const APPID: &str = "wxba5fad812f8e6fb9";
const NOW: u64 = 1_714_112_445;

/// Answers every message with the defaults (`success`).
struct Defaults;

impl MessageHandler for Defaults {}

type MpPipeline = Pipeline<Message, Mp<Defaults>>;

/// The official example account, in safe mode, registered in a registry whose clock reads
/// [`NOW`].
fn app() -> AppClient {
    Weixin::builder()
        .clock(Arc::new(ManualClock::new(NOW * 1000)))
        .app(
            AppConfig::new(APPID, "secret")
                .push_token(TOKEN)
                .encoding_aes_key(AES_KEY),
        )
        .build()
        .expect("registry")
        .app(APPID)
        .expect("registered app")
}

/// Safe mode, plain pushes allowed too (so plain bodies reach the parser), replay window of
/// 300 s around [`NOW`].
fn pipeline() -> MpPipeline {
    Pipeline::builder(&app(), Mp(Defaults))
        .allow_plain(true)
        .replay_window(Duration::from_secs(300))
        .build()
        .expect("pipeline")
}

/// A plain push of `body` with a valid `signature` for the timestamp string `ts`.
fn plain(ts: &str, body: impl Into<Vec<u8>>) -> PushRequest {
    let nonce = "486452656";
    let signature = weixin_crypto::signature(TOKEN, ts, nonce);
    PushRequest::post(
        format!("signature={signature}&timestamp={ts}&nonce={nonce}").as_str(),
        body.into(),
    )
}

/// A correctly signed safe-mode push whose `Encrypt` holds `message`, in a JSON envelope.
fn encrypted_json(message: &str) -> PushRequest {
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("crypt");
    let encrypt = crypt.encrypt(message, KeySlot::Current).expect("encrypt");
    let (ts, nonce) = (NOW.to_string(), "415670741");
    let msg_signature = weixin_crypto::msg_signature(TOKEN, &ts, nonce, &encrypt);
    let body = format!(r#"{{"ToUserName":"gh_97417a04a28d","Encrypt":"{encrypt}"}}"#);
    PushRequest::post(
        format!("timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msg_signature}")
            .as_str(),
        body,
    )
}

/// Runs `requests` through a fresh pipeline on a thread with only 1 MiB of stack (half a tokio
/// worker's): a parser that recursed once per nesting level would overflow it at 10,000 levels
/// (and abort the test process); serde_json stops at 128.
fn on_a_small_stack(
    requests: Vec<(&'static str, PushRequest)>,
) -> Vec<(&'static str, PushResponse)> {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let pipeline = pipeline();
            requests
                .into_iter()
                .map(|(name, request)| (name, runtime.block_on(pipeline.handle(request))))
                .collect()
        })
        .expect("spawn")
        .join()
        .expect("the pipeline thread did not panic")
}

fn assert_rejected(name: &str, response: &PushResponse, status: StatusCode) {
    assert_eq!(response.status(), status, "{name}: {}", response.body());
    assert!(
        !response.body().is_empty() && response.body().len() < 300,
        "{name}: a short reason, got {:?}",
        response.body()
    );
}

#[test]
fn a_sanity_check_the_good_push_is_accepted() {
    // Without it, the rejections below could come from a broken setup.
    let ts = NOW.to_string();
    let good = format!(
        r#"{{"ToUserName":"gh_97417a04a28d","FromUserName":"o1","CreateTime":{NOW},"MsgType":"text","Content":"hi","MsgId":1}}"#
    );
    let responses = on_a_small_stack(vec![
        ("plain", plain(&ts, good.clone())),
        ("encrypted", encrypted_json(&good)),
    ]);
    for (name, response) in responses {
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{name}: {}",
            response.body()
        );
    }
}

#[test]
fn deeply_nested_json_push_bodies_are_400_without_stack_overflow() {
    let ts = NOW.to_string();
    let arrays = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let unclosed = "[".repeat(10_000);
    let objects = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let in_a_field = format!(
        r#"{{"ToUserName":"gh_97417a04a28d","FromUserName":"o1","CreateTime":{NOW},"MsgType":"text","Content":"hi","X":{arrays}}}"#
    );
    let envelope = format!(r#"{{"ToUserName":"gh","Encrypt":"AAAA","X":{arrays}}}"#);
    let responses = on_a_small_stack(vec![
        ("plain [[[…]]]", plain(&ts, arrays.clone())),
        ("plain [[[ unclosed", plain(&ts, unclosed)),
        ("plain {\"a\":{…}}", plain(&ts, objects)),
        ("plain, nested in a field", plain(&ts, in_a_field.clone())),
        ("encrypted [[[…]]]", encrypted_json(&arrays)),
        ("encrypted, nested in a field", encrypted_json(&in_a_field)),
        (
            "nested safe-mode envelope",
            PushRequest::post(
                format!("timestamp={ts}&nonce=1&encrypt_type=aes&msg_signature=00").as_str(),
                envelope,
            ),
        ),
    ]);
    for (name, response) in &responses {
        assert_rejected(name, response, StatusCode::BAD_REQUEST);
    }
}

#[test]
fn invalid_utf8_xml_and_json_push_bodies_are_400() {
    let ts = NOW.to_string();
    let xml = b"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName>o1</FromUserName><CreateTime>1714112445</CreateTime><MsgType>text</MsgType><Content>\xff\xfe</Content></xml>".to_vec();
    let json = b"{\"ToUserName\":\"gh\",\"FromUserName\":\"o1\",\"CreateTime\":1714112445,\"MsgType\":\"text\",\"Content\":\"\xc3\x28\"}".to_vec();
    // Overlong encoding of '<' and a lone surrogate half (both invalid UTF-8).
    let overlong = b"\xc0\xbcxml>".to_vec();
    let surrogate = b"{\"ToUserName\":\"\xed\xa0\x80\"}".to_vec();
    let query = format!("timestamp={ts}&nonce=1&encrypt_type=aes&msg_signature=00");
    let responses = on_a_small_stack(vec![
        ("plain XML", plain(&ts, xml)),
        ("plain JSON", plain(&ts, json)),
        ("overlong", plain(&ts, overlong)),
        ("surrogate", plain(&ts, surrogate)),
        (
            "XML envelope",
            PushRequest::post(
                query.as_str(),
                b"<xml><Encrypt>\xff</Encrypt></xml>".to_vec(),
            ),
        ),
        (
            "JSON envelope",
            PushRequest::post(query.as_str(), b"{\"Encrypt\":\"\xff\"}".to_vec()),
        ),
    ]);
    for (name, response) in &responses {
        assert_rejected(name, response, StatusCode::BAD_REQUEST);
    }
}

#[test]
fn timestamps_far_in_the_past_or_future_with_the_replay_window() {
    let body = |ts: u64| {
        format!(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>{ts}</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>7</MsgId></xml>"
        )
    };
    let responses = on_a_small_stack(vec![
        ("epoch", plain("0", body(0))),
        (
            "one window ago",
            plain(&(NOW - 301).to_string(), body(NOW - 301)),
        ),
        ("u64::MAX", plain(&u64::MAX.to_string(), body(1))),
        ("year 2100", plain("4102444800", body(1))),
    ]);
    for (name, response) in &responses {
        assert_rejected(name, response, StatusCode::UNAUTHORIZED);
    }
    // Timestamps that are not a u64 at all.
    let responses = on_a_small_stack(vec![
        ("u64::MAX + 1", plain("18446744073709551616", body(1))),
        ("20 digits", plain("99999999999999999999", body(1))),
        ("negative", plain("-1", body(1))),
        ("float", plain("1.7e9", body(1))),
        ("empty", plain("", body(1))),
    ]);
    for (name, response) in &responses {
        assert!(
            response.status().is_client_error(),
            "{name}: {} {}",
            response.status(),
            response.body()
        );
    }
}

#[test]
fn bodies_at_and_one_past_the_size_limit() {
    let ts = NOW.to_string();
    let body = format!(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>{NOW}</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>9</MsgId></xml>"
    );
    let with_limit = |limit: usize| {
        Pipeline::builder(&app(), Mp(Defaults))
            .allow_plain(true)
            .body_limit(limit)
            .build()
            .expect("pipeline")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Exactly at the limit: handled.
    let at = runtime.block_on(with_limit(body.len()).handle(plain(&ts, body.clone())));
    assert_eq!(at.status(), StatusCode::OK, "{}", at.body());
    // One byte past it: 413, before any parsing.
    let past = runtime.block_on(with_limit(body.len() - 1).handle(plain(&ts, body.clone())));
    assert_rejected("one byte past", &past, StatusCode::PAYLOAD_TOO_LARGE);
    // Far past the default limit (1 MiB): 413 too, whatever the bytes.
    let huge = runtime.block_on(pipeline().handle(plain(&ts, vec![0xff; 1024 * 1024 + 1])));
    assert_rejected("1 MiB + 1 of 0xff", &huge, StatusCode::PAYLOAD_TOO_LARGE);
}
