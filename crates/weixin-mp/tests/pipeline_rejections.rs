//! Bad input of every kind gets the right status and a short reason, never a panic, and never
//! reaches the handler.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use weixin_core::clock::ManualClock;
use weixin_core::{AppConfig, Weixin};
use weixin_crypto::{EnvelopeFormat, MsgCrypt};
use weixin_push::pipeline::{BuildError, Pipeline, PushMethod, PushRequest};

fn message() -> String {
    text_body(EnvelopeFormat::Xml, "oUser", "hi", 11, 1_700_000_000)
}

#[tokio::test]
async fn wrong_msg_signature_is_401() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let good = encrypted_push(
        &crypt(),
        EnvelopeFormat::Xml,
        &message(),
        1_700_000_000,
        "n",
    );
    let query = "signature=x&timestamp=1700000000&nonce=n&msg_signature=0000000000000000000000000000000000000000";
    let response = pipeline
        .handle(PushRequest::post(query, good.body().clone()))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.body().contains("msg_signature"));
    assert_eq!(handler.runs(), 0);
}

#[tokio::test]
async fn wrong_appid_is_403() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let other = MsgCrypt::new(TOKEN, AES_KEY, "wx0000000000000000").unwrap();
    let request = encrypted_push(&other, EnvelopeFormat::Json, &message(), 1_700_000_000, "n");
    let response = pipeline.handle(request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(handler.runs(), 0);
}

#[tokio::test]
async fn plain_push_where_only_encrypted_are_allowed_is_403() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let response = pipeline
        .handle(PushRequest::post(
            plain_query(1_700_000_000, "n").as_str(),
            message(),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(handler.runs(), 0);

    // Explicitly allowed: accepted.
    let lenient: TestPipeline = Pipeline::builder(&app(safe_config()), TestHandler::default())
        .allow_plain(true)
        .build()
        .unwrap();
    let response = lenient
        .handle(PushRequest::post(
            plain_query(1_700_000_000, "n").as_str(),
            message(),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let handler = Arc::new(TestHandler::default());
    let plain: TestPipeline = Pipeline::builder_shared(
        &app(AppConfig::new(APPID, "secret").push_token(TOKEN)),
        Arc::clone(&handler),
    )
    .build()
    .unwrap();
    let query = plain_query(1_700_000_000, "n");
    let full = message();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"hello there".to_vec()),
        ("empty", Vec::new()),
        ("truncated XML", full.as_bytes()[..full.len() / 2].to_vec()),
        ("invalid UTF-8", b"<xml><Content>\xff\xfe</Content></xml>".to_vec()),
        ("broken JSON", b"{\"ToUserName\":".to_vec()),
        ("JSON array", b"[1,2]".to_vec()),
        ("missing field", b"<xml><ToUserName>gh</ToUserName></xml>".to_vec()),
        ("bad CreateTime", b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>x</CreateTime><MsgType>text</MsgType></xml>".to_vec()),
    ];
    for (name, body) in cases {
        let response = plain.handle(PushRequest::post(query.as_str(), body)).await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            response.body()
        );
        assert!(
            !response.body().is_empty() && response.body().len() < 300,
            "{name}: short reason"
        );
    }
    // Encrypted pipeline too (envelope errors come first).
    let safe = safe_pipeline(Arc::clone(&handler));
    let response = safe
        .handle(PushRequest::post("timestamp=1&nonce=2", "<xml><Encrypt>"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(handler.runs(), 0);
}

#[tokio::test]
async fn missing_query_parameters_are_400() {
    let pipeline = safe_pipeline(Arc::default());
    let good = encrypted_push(
        &crypt(),
        EnvelopeFormat::Xml,
        &message(),
        1_700_000_000,
        "n",
    );
    let response = pipeline
        .handle(PushRequest::post(
            "timestamp=1700000000&nonce=n",
            good.body().clone(),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.body().contains("msg_signature"));
}

#[tokio::test]
async fn huge_body_is_413() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline =
        Pipeline::builder_shared(&app(safe_config()), Arc::clone(&handler))
            .body_limit(1024)
            .build()
            .unwrap();
    let body = format!("<xml><Encrypt>{}</Encrypt></xml>", "A".repeat(2000));
    let response = pipeline.handle(PushRequest::post("", body)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The default is 1 MiB.
    let default = safe_pipeline(Arc::default());
    let response = default
        .handle(PushRequest::post("", vec![b' '; 1024 * 1024 + 1]))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn other_methods_are_405() {
    let pipeline = safe_pipeline(Arc::default());
    let response = pipeline
        .handle(PushRequest::new(PushMethod::Other, "", ""))
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn replay_window() {
    let now = 1_700_000_000u64;
    let clock = ManualClock::new(now * 1000);
    let handler = Arc::new(TestHandler::default());
    let app = register_in(Weixin::builder().clock(Arc::new(clock)), safe_config());
    let on: TestPipeline = Pipeline::builder_shared(&app, Arc::clone(&handler))
        .replay_window(Duration::from_secs(300))
        .build()
        .unwrap();
    let off: TestPipeline = Pipeline::builder_shared(&app, Arc::clone(&handler))
        .build()
        .unwrap();
    let at = |ts: u64, id: u64| {
        let m = text_body(EnvelopeFormat::Xml, "oUser", "hi", id, ts);
        encrypted_push(&crypt(), EnvelopeFormat::Xml, &m, ts, "n")
    };
    assert_eq!(
        on.handle(at(now - 301, 1)).await.status(),
        StatusCode::UNAUTHORIZED,
        "past"
    );
    assert_eq!(
        on.handle(at(now + 301, 2)).await.status(),
        StatusCode::UNAUTHORIZED,
        "future"
    );
    assert_eq!(on.handle(at(now - 299, 3)).await.status(), StatusCode::OK);
    assert_eq!(on.handle(at(now + 299, 4)).await.status(), StatusCode::OK);
    assert_eq!(
        off.handle(at(now - 86_400, 5)).await.status(),
        StatusCode::OK,
        "off by default"
    );
    assert_eq!(handler.runs(), 3);
}

#[test]
fn invalid_configurations_are_refused() {
    // An empty push token is refused when the app is registered...
    let err = Weixin::builder()
        .app(AppConfig::new(APPID, "secret").push_token(""))
        .build()
        .unwrap_err();
    assert!(matches!(err, weixin_core::Error::Config(_)), "{err}");
    // ...and an app registered without one has no pipeline.
    let err = Pipeline::<TestMessage, TestHandler>::builder(
        &app(AppConfig::new(APPID, "secret")),
        TestHandler::default(),
    )
    .build()
    .unwrap_err();
    assert_eq!(
        err,
        BuildError::NoPushToken {
            appid: APPID.to_owned()
        }
    );
    let err = Pipeline::<TestMessage, TestHandler>::builder(
        &app(AppConfig::new(APPID, "secret")
            .push_token(TOKEN)
            .encoding_aes_key("short")),
        TestHandler::default(),
    )
    .build()
    .unwrap_err();
    assert!(matches!(
        err,
        BuildError::InvalidKey {
            which: "current",
            ..
        }
    ));
    let err = Pipeline::<TestMessage, TestHandler>::builder(
        &app(AppConfig::new(APPID, "secret").push_token(TOKEN)),
        TestHandler::default(),
    )
    .allow_plain(false)
    .build()
    .unwrap_err();
    assert_eq!(err, BuildError::NothingAccepted);
}

#[test]
fn debug_output_hides_secrets() {
    let config = safe_config();
    let shown = format!("{config:?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains(AES_KEY),
        "{shown}"
    );
    let pipeline =
        Pipeline::<TestMessage, TestHandler>::builder(&app(config), TestHandler::default());
    let shown = format!("{pipeline:?}");
    assert!(!shown.contains(AES_KEY), "{shown}");
}
