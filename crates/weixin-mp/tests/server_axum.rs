//! The axum router on 127.0.0.1:0, hit with reqwest.
#![cfg(feature = "axum")]

mod common;

use std::sync::Arc;

use common::*;
use weixin_crypto::EnvelopeFormat;

#[tokio::test]
async fn axum_router_over_real_http() {
    let handler = Arc::new(TestHandler::default());
    let app = axum::Router::new().merge(weixin_push::server::router(
        safe_pipeline(Arc::clone(&handler)),
        "/wx",
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}/wx");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let verify = client
        .get(format!("{base}?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492"))
        .send()
        .await
        .unwrap();
    assert_eq!(verify.status(), 200);
    assert_eq!(verify.text().await.unwrap(), "4375120948345356249");

    let bad = client
        .get(format!("{base}?signature=0&timestamp=1&nonce=2&echostr=3"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);

    let message = text_body(
        EnvelopeFormat::Json,
        "oUser",
        "over axum",
        77,
        1_700_000_000,
    );
    let request = encrypted_push(&crypt(), EnvelopeFormat::Json, &message, 1_700_000_000, "n");
    let q = request.query();
    let url = format!(
        "{base}?signature={}&timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
        q.get("signature").unwrap(),
        q.get("timestamp").unwrap(),
        q.get("nonce").unwrap(),
        q.get("msg_signature").unwrap()
    );
    for _ in 0..2 {
        let reply = client
            .post(&url)
            .body(request.body().clone())
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.headers()["content-type"], "application/json");
        let body = reply.text().await.unwrap();
        assert!(open_reply(&crypt(), &body).contains("you said over axum, run 1"));
    }
    assert_eq!(handler.runs(), 1, "the retry over HTTP is deduplicated");

    let too_big = client
        .post(&url)
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);

    let delete = client.delete(&base).send().await.unwrap();
    assert_eq!(delete.status(), 405);
    server.abort();
}
