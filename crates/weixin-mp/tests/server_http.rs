//! The server adapters over real HTTP types: `PushService` with `oneshot` (including a
//! streamed body over the limit) and the axum router on a loopback port hit with reqwest.

mod common;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use common::*;
use http::StatusCode;
use http_body_util::{BodyExt, Full, StreamBody};
use tower::ServiceExt;
use weixin_crypto::EnvelopeFormat;
use weixin_push::pipeline::Pipeline;
use weixin_push::server::PushService;

const VERIFY: &str = "/wx?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492";

fn encrypted(content: &str, msg_id: u64) -> (String, Bytes) {
    let message = text_body(EnvelopeFormat::Xml, "oUser", content, msg_id, 1_700_000_000);
    let request = encrypted_push(&crypt(), EnvelopeFormat::Xml, &message, 1_700_000_000, "n");
    let query: Vec<String> = ["signature", "timestamp", "nonce", "msg_signature"]
        .iter()
        .map(|k| format!("{k}={}", request.query().get(k).unwrap()))
        .collect();
    (format!("/wx?{}", query.join("&")), request.body().clone())
}

#[tokio::test]
async fn push_service_get_and_post() {
    let handler = Arc::new(TestHandler::default());
    let service = PushService::new(safe_pipeline(Arc::clone(&handler)));

    let get = http::Request::get(VERIFY)
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = service.clone().oneshot(get).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "4375120948345356249");

    let (uri, body) = encrypted("over tower", 1);
    let post = http::Request::post(uri).body(Full::new(body)).unwrap();
    let response = service.clone().oneshot(post).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/xml; charset=utf-8"
    );
    assert!(open_reply(&crypt(), response.body()).contains("you said over tower"));

    let put = http::Request::put("/wx")
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(
        service.oneshot(put).await.unwrap().status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn push_service_stops_reading_a_streamed_body_over_the_limit() {
    let pipeline: TestPipeline = Pipeline::builder(&app(safe_config()), TestHandler::default())
        .body_limit(1000)
        .build()
        .unwrap();
    let service = PushService::new(pipeline);
    // An endless stream: the service must stop at the limit, not read it all.
    let chunks = futures_util::stream::iter(std::iter::repeat_with(|| {
        Ok::<_, Infallible>(http_body::Frame::data(Bytes::from_static(&[b'<'; 256])))
    }));
    let request = http::Request::post("/wx")
        .body(StreamBody::new(chunks))
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A declared Content-Length over the limit is refused up front.
    let request = http::Request::post("/wx")
        .header("content-length", "5000")
        .body(Full::new(Bytes::from(vec![b' '; 5000])))
        .unwrap();
    assert_eq!(
        service.oneshot(request).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn response_body_is_a_real_http_body() {
    let service = PushService::new(safe_pipeline(Arc::default()));
    let get = http::Request::get(VERIFY).body(String::new()).unwrap();
    let response = service.oneshot(get).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], b"4375120948345356249");
}
