//! The official push examples through the whole pipeline: GET verification, plain,
//! compatible and safe modes, XML and JSON, replies decrypted and checked.

mod common;

use std::sync::Arc;

use common::*;
use http::StatusCode;
use weixin_core::AppConfig;
use weixin_crypto::EnvelopeFormat;
use weixin_push::pipeline::{APPLICATION_JSON, Pipeline, PushRequest, TEXT_PLAIN, TEXT_XML};

#[tokio::test]
async fn get_verification_official_example() {
    let pipeline = safe_pipeline(Arc::default());
    let ok = pipeline
        .handle(PushRequest::get(
            "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492",
        ))
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.body(), "4375120948345356249");
    assert_eq!(ok.content_type(), TEXT_PLAIN);

    let bad = pipeline
        .handle(PushRequest::get(
            "signature=f464b24fc39322e44b38aa78f5edd27bd1441697&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492",
        ))
        .await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(
        !bad.body().contains("f464b24f"),
        "never echo the expected signature"
    );
    assert!(!bad.body().contains("4375120948345356249"));

    let missing = pipeline
        .handle(PushRequest::get(
            "timestamp=1714036504&nonce=1514711492&echostr=1",
        ))
        .await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn echostr_is_returned_verbatim_after_percent_decoding() {
    let pipeline = safe_pipeline(Arc::default());
    let sig = weixin_crypto::signature(TOKEN, "1", "2");
    let response = pipeline
        .handle(PushRequest::get(
            format!("signature={sig}&timestamp=1&nonce=2&echostr=a%2Bb%20c").as_str(),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "a+b c");
}

#[tokio::test]
async fn safe_mode_official_json_example() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let body = r#"{
    "ToUserName": "gh_97417a04a28d",
    "Encrypt": "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
}"#;
    let query = "signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3";
    let response = pipeline.handle(PushRequest::post(query, body)).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert_eq!(response.content_type(), APPLICATION_JSON);
    assert_eq!(handler.runs(), 1);
    // The event "debug_demo" → "you said debug_demo", encrypted JSON reply echoing the nonce.
    let v: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(v["Nonce"], "415670741");
    assert!(v["TimeStamp"].is_u64());
    let plain = open_reply(&crypt(), response.body());
    let reply: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(reply["ToUserName"], "o9AgO5Kd5ggOC-bXrbNODIiE3bGY");
    assert_eq!(reply["FromUserName"], "gh_97417a04a28d");
    assert_eq!(reply["Content"], "you said debug_demo, run 1");
}

#[tokio::test]
async fn plain_mode_official_json_example() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline = Pipeline::builder_shared(
        &app(AppConfig::new(APPID, "secret").push_token(TOKEN)),
        Arc::clone(&handler),
    )
    .build()
    .unwrap();
    let body = r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714037059,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}"#;
    let query =
        "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656";
    let response = pipeline.handle(PushRequest::post(query, body)).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert_eq!(response.content_type(), APPLICATION_JSON);
    let reply: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    assert_eq!(reply["Content"], "you said debug_demo, run 1");
    assert_eq!(reply["ToUserName"], "o9AgO5Kd5ggOC-bXrbNODIiE3bGY");

    // A wrong signature is 401, and the handler does not run.
    let bad = pipeline
        .handle(PushRequest::post(
            "signature=899cf89e464efb63f54ddac96b0a0a235f53aa79&timestamp=1714037059&nonce=486452656",
            body,
        ))
        .await;
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(handler.runs(), 1);
}

/// Vector B (official Python sample): compatible-mode XML, plain fields + Encrypt.
const VECTOR_B_BODY: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";
const VECTOR_B_QUERY: &str = "signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132&openid=oyORnuP8q7ou2gfYjqLzSIWZf0rs&encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa";

fn vector_b_config() -> AppConfig {
    AppConfig::new("wx2c2769f8efd9abc2", "secret")
        .push_token("spamtest")
        .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
}

#[tokio::test]
async fn compatible_mode_official_xml_example_uses_the_decrypted_copy() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline =
        Pipeline::builder_shared(&app(vector_b_config()), Arc::clone(&handler))
            .build()
            .unwrap();
    // Tamper with the plain Content: the decrypted copy (abcdteT) must win.
    let body = VECTOR_B_BODY.replace(
        "<Content><![CDATA[abcdteT]]>",
        "<Content><![CDATA[forged]]>",
    );
    let response = pipeline
        .handle(PushRequest::post(VECTOR_B_QUERY, body))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert_eq!(response.content_type(), TEXT_XML);
    assert!(response.body().starts_with("<xml>\n<Encrypt><![CDATA["));
    let crypt = weixin_crypto::MsgCrypt::new(
        "spamtest",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "wx2c2769f8efd9abc2",
    )
    .unwrap();
    let plain = open_reply(&crypt, response.body());
    assert!(
        plain.contains("<Content><![CDATA[you said abcdteT, run 1]]></Content>"),
        "{plain}"
    );
    assert!(plain.contains("<ToUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></ToUserName>"));
    assert!(plain.contains("<FromUserName><![CDATA[gh_10f6c3c3ac5a]]></FromUserName>"));
}

#[tokio::test]
async fn compatible_mode_without_a_key_uses_the_plain_fields() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline = Pipeline::builder_shared(
        &app(AppConfig::new("wx2c2769f8efd9abc2", "secret").push_token("spamtest")),
        Arc::clone(&handler),
    )
    .build()
    .unwrap();
    let response = pipeline
        .handle(PushRequest::post(VECTOR_B_QUERY, VECTOR_B_BODY))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert!(
        response.body().contains("you said abcdteT, run 1"),
        "plain reply: {}",
        response.body()
    );
}

#[tokio::test]
async fn safe_mode_xml_and_json_round_trip() {
    for format in [EnvelopeFormat::Xml, EnvelopeFormat::Json] {
        let handler = Arc::new(TestHandler::default());
        let pipeline = safe_pipeline(Arc::clone(&handler));
        let crypt = crypt();
        let message = text_body(format, "oUser", "hello", 42, 1_700_000_000);
        let response = pipeline
            .handle(encrypted_push(
                &crypt,
                format,
                &message,
                1_700_000_000,
                "nonce1",
            ))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{format}: {}",
            response.body()
        );
        let expected_type = if format == EnvelopeFormat::Xml {
            TEXT_XML
        } else {
            APPLICATION_JSON
        };
        assert_eq!(response.content_type(), expected_type);
        let plain = open_reply(&crypt, response.body());
        assert!(plain.contains("you said hello, run 1"), "{format}: {plain}");
    }
}

#[tokio::test]
async fn success_and_empty_replies_are_not_encrypted() {
    let pipeline = safe_pipeline(Arc::default());
    let crypt = crypt();
    for (id, content, expected) in [(1, "success", "success"), (2, "empty", "")] {
        let message = text_body(EnvelopeFormat::Xml, "oUser", content, id, 1_700_000_000);
        let response = pipeline
            .handle(encrypted_push(
                &crypt,
                EnvelopeFormat::Xml,
                &message,
                1_700_000_000,
                "n",
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.body(), expected);
        assert_eq!(response.content_type(), TEXT_PLAIN);
    }
}

#[tokio::test]
async fn previous_key_decrypts_and_the_reply_uses_it() {
    const OLD: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    let old = weixin_crypto::MsgCrypt::new(TOKEN, OLD, APPID).unwrap();
    let pipeline: TestPipeline = Pipeline::builder(
        &app(safe_config().previous_encoding_aes_key(OLD)),
        TestHandler::default(),
    )
    .build()
    .unwrap();
    let message = text_body(EnvelopeFormat::Xml, "oUser", "rotated", 7, 1_700_000_000);
    let response = pipeline
        .handle(encrypted_push(
            &old,
            EnvelopeFormat::Xml,
            &message,
            1_700_000_000,
            "n",
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert!(open_reply(&old, response.body()).contains("you said rotated"));
}
