//! Retries: the handler runs once and every retry gets the first reply bytes, sequentially,
//! concurrently and across two servers sharing one cache; failures let a retry run again.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_crypto::EnvelopeFormat;
use weixin_push::pipeline::{Pipeline, PushRequest};

fn push(content: &str, msg_id: u64) -> PushRequest {
    let message = text_body(EnvelopeFormat::Xml, "oUser", content, msg_id, 1_700_000_000);
    encrypted_push(
        &crypt(),
        EnvelopeFormat::Xml,
        &message,
        1_700_000_000,
        "nonce",
    )
}

#[tokio::test]
async fn three_sequential_retries_run_the_handler_once() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let request = push("hi", 1);
    let first = pipeline.handle(request.clone()).await;
    assert_eq!(first.status(), StatusCode::OK);
    for _ in 0..3 {
        let retry = pipeline.handle(request.clone()).await;
        assert_eq!(retry, first, "a retry gets the first reply bytes");
    }
    assert_eq!(handler.runs(), 1);
    assert!(open_reply(&crypt(), first.body()).contains("you said hi, run 1"));
}

#[tokio::test]
async fn concurrent_retries_run_the_handler_once() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    // "slow" sleeps 200 ms, so the retries arrive while the first run is in flight.
    let request = push("slow", 2);
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (p, r) = (pipeline.clone(), request.clone());
            tokio::spawn(async move { p.handle(r).await })
        })
        .collect();
    let mut responses = Vec::new();
    for t in tasks {
        responses.push(t.await.unwrap());
    }
    assert_eq!(handler.runs(), 1);
    assert!(
        responses.iter().all(|r| r == &responses[0]),
        "{responses:?}"
    );
    assert!(open_reply(&crypt(), responses[0].body()).contains("slow, run 1"));
}

#[tokio::test]
async fn two_servers_sharing_a_cache_run_the_handler_once() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler_a = Arc::new(TestHandler::default());
    let handler_b = Arc::new(TestHandler::default());
    let a: TestPipeline = Pipeline::builder_shared(
        &app_with_cache(Arc::clone(&cache), safe_config()),
        Arc::clone(&handler_a),
    )
    .build()
    .unwrap();
    let b: TestPipeline = Pipeline::builder_shared(
        &app_with_cache(cache, safe_config()),
        Arc::clone(&handler_b),
    )
    .build()
    .unwrap();
    let request = push("slow", 3);
    let (ra, rb) = tokio::join!(a.handle(request.clone()), b.handle(request.clone()));
    let rc = b.handle(request).await;
    assert_eq!(handler_a.runs() + handler_b.runs(), 1);
    assert_eq!(ra, rb);
    assert_eq!(ra, rc);
}

#[tokio::test]
async fn events_without_msg_id_are_deduplicated_by_sender_and_time() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let event = r#"{"ToUserName":"gh_1","FromUserName":"oUser","CreateTime":1700000000,"MsgType":"event","Event":"subscribe"}"#;
    let request = encrypted_push(&crypt(), EnvelopeFormat::Json, event, 1_700_000_000, "n");
    let first = pipeline.handle(request.clone()).await;
    assert_eq!(pipeline.handle(request).await, first);
    // Another CreateTime is another event.
    let later = event.replace("1700000000", "1700000001");
    let _ = pipeline
        .handle(encrypted_push(
            &crypt(),
            EnvelopeFormat::Json,
            &later,
            1_700_000_000,
            "n",
        ))
        .await;
    assert_eq!(handler.runs(), 2);
}

#[tokio::test]
async fn handler_error_is_500_and_the_retry_runs_again() {
    let handler = Arc::new(TestHandler::default());
    let pipeline = safe_pipeline(Arc::clone(&handler));
    let request = push("fail-once", 4);
    let failed = pipeline.handle(request.clone()).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let retried = pipeline.handle(request.clone()).await;
    assert_eq!(retried.status(), StatusCode::OK);
    assert!(open_reply(&crypt(), retried.body()).contains("run 2"));
    assert_eq!(handler.runs(), 2);
    // And now it is done: the third delivery is a replay.
    assert_eq!(pipeline.handle(request).await, retried);
    assert_eq!(handler.runs(), 2);
}

#[tokio::test]
async fn per_message_dedup_override() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline =
        Pipeline::builder_shared(&app(safe_config()), Arc::clone(&handler))
            .dedup_filter(|m: &TestMessage| m.content.as_deref() != Some("容错"))
            .build()
            .unwrap();
    let exempt = push("容错", 5);
    let r1 = pipeline.handle(exempt.clone()).await;
    let r2 = pipeline.handle(exempt).await;
    assert_eq!(handler.runs(), 2, "the exempt message runs every time");
    assert!(open_reply(&crypt(), r1.body()).contains("run 1"));
    assert!(open_reply(&crypt(), r2.body()).contains("run 2"));
    let normal = push("normal", 6);
    let _ = pipeline.handle(normal.clone()).await;
    let _ = pipeline.handle(normal).await;
    assert_eq!(handler.runs(), 3);
}

#[tokio::test]
async fn dedup_off_runs_every_delivery() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline =
        Pipeline::builder_shared(&app(safe_config()), Arc::clone(&handler))
            .dedup(false)
            .build()
            .unwrap();
    let request = push("hi", 7);
    let _ = pipeline.handle(request.clone()).await;
    let _ = pipeline.handle(request).await;
    assert_eq!(handler.runs(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_during_a_long_run_gets_success_at_its_deadline() {
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline =
        Pipeline::builder_shared(&app(safe_config()), Arc::clone(&handler))
            .deadline(Duration::from_secs(1))
            .build()
            .unwrap();
    let request = push("sleep", 8);
    let started = tokio::time::Instant::now();
    let (a, b) = tokio::join!(pipeline.handle(request.clone()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        pipeline.handle(request.clone()).await
    });
    assert_eq!(a.body(), "success");
    assert_eq!(b.body(), "success");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(handler.runs(), 1);
}

/// A server claimed the push and died (kill -9) before answering: its in-flight mark stays
/// until its lease (6 s) runs out. A retry on another server while the lease still runs must
/// not be answered `success` (that would lose the push); it gets 503 at its deadline, so WeChat
/// retries, and a later retry takes the push over (`pipeline_dedup_lease.rs`).
#[tokio::test(start_paused = true)]
async fn retry_of_a_push_whose_server_died_is_503_not_success() {
    use weixin_context::{Begin, DedupKey, Deduplicator};

    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    // The dead server's claim, made exactly as its pipeline would have made it.
    let dead = Deduplicator::new(Arc::clone(&cache));
    let key = DedupKey::from_parts(APPID, Some(77), "oUser", 1_700_000_000, None);
    assert!(matches!(dead.begin(&key).await.unwrap(), Begin::First(_)));

    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline =
        Pipeline::builder_shared(&app_with_cache(cache, safe_config()), Arc::clone(&handler))
            .deadline(Duration::from_secs(1))
            .build()
            .unwrap();
    let response = pipeline.handle(push("hi", 77)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_ne!(response.body(), "success");
    assert_eq!(handler.runs(), 0, "the other server's claim is respected");
}
