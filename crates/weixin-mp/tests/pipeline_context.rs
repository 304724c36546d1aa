//! The per-user context through the pipeline, and the deadline.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use weixin_context::ContextStore;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_crypto::EnvelopeFormat;
use weixin_push::pipeline::{Pipeline, PushRequest};

fn store(cache: &Arc<dyn Cache>, max_records: usize) -> ContextStore<TestMessage, TestReply> {
    ContextStore::builder(Arc::clone(cache))
        .max_records(max_records)
        .build()
}

fn push(content: &str, msg_id: u64) -> PushRequest {
    let message = text_body(
        EnvelopeFormat::Json,
        "oUser",
        content,
        msg_id,
        1_700_000_000,
    );
    encrypted_push(
        &crypt(),
        EnvelopeFormat::Json,
        &message,
        1_700_000_000,
        "nonce",
    )
}

fn pipeline_with(
    cache: &Arc<dyn Cache>,
    handler: &Arc<TestHandler>,
    max_records: usize,
) -> TestPipeline {
    Pipeline::builder_shared(
        &app_with_cache(Arc::clone(cache), safe_config()),
        Arc::clone(handler),
    )
    .max_records(max_records)
    .build()
    .unwrap()
}

#[tokio::test]
async fn requests_replies_and_storage_are_saved() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler = Arc::new(TestHandler::default());
    let pipeline = pipeline_with(&cache, &handler, 20);
    for (i, text) in ["a", "b", "c"].into_iter().enumerate() {
        let r = pipeline.handle(push(text, 100 + i as u64)).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let ctx = store(&cache, 20).load(APPID, "oUser").await.unwrap();
    let contents: Vec<_> = ctx
        .requests()
        .iter()
        .map(|m| m.content.clone().unwrap())
        .collect();
    assert_eq!(contents, ["a", "b", "c"]);
    assert_eq!(ctx.responses().len(), 3);
    assert_eq!(
        ctx.last_response(),
        Some(&TestReply::Text("you said c, run 3".into()))
    );
    assert_eq!(ctx.storage()["count"], 3);
}

#[tokio::test]
async fn failed_handler_saves_nothing() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler = Arc::new(TestHandler::default());
    let pipeline = pipeline_with(&cache, &handler, 20);
    assert_eq!(
        pipeline.handle(push("fail", 1)).await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let ctx = store(&cache, 20).load(APPID, "oUser").await.unwrap();
    assert!(ctx.requests().is_empty());
}

async fn concurrent_pushes(max_records: usize) {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler = Arc::new(TestHandler::default());
    let pipeline = pipeline_with(&cache, &handler, max_records);
    let tasks: Vec<_> = (0..50u64)
        .map(|i| {
            let p = pipeline.clone();
            tokio::spawn(async move { p.handle(push(&format!("m{i}"), 1000 + i)).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(handler.runs(), 50);
    let ctx = store(&cache, max_records)
        .load(APPID, "oUser")
        .await
        .unwrap();
    let kept = max_records.min(50);
    assert_eq!(ctx.requests().len(), kept);
    assert_eq!(ctx.responses().len(), kept);
    // Every request appears once, no loss: with max_records >= 50 all 50 are there.
    let mut ids: Vec<u64> = ctx.requests().iter().map(|m| m.msg_id.unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), kept);
    assert!(ctx.storage()["count"].as_u64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_pushes_of_one_user_are_all_recorded() {
    concurrent_pushes(64).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_pushes_trimmed_to_max_records() {
    concurrent_pushes(10).await;
}

#[tokio::test(start_paused = true)]
async fn deadline_answers_success_and_the_handler_still_saves() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline = Pipeline::builder_shared(
        &app_with_cache(Arc::clone(&cache), safe_config()),
        Arc::clone(&handler),
    )
    .build()
    .unwrap();
    let started = tokio::time::Instant::now();
    let request = push("sleep", 9);
    let response = pipeline.handle(request.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "success");
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(4500),
        "the default deadline"
    );
    assert_eq!(handler.finished(), 0);
    // A retry now gets the same `success`, and does not run the handler again.
    assert_eq!(pipeline.handle(request).await.body(), "success");
    assert_eq!(handler.runs(), 1);

    // The handler finishes in the background (10 s after it started) and saves the context.
    tokio::time::sleep(Duration::from_secs(6)).await;
    for _ in 0..100 {
        if handler.finished() == 1 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(handler.finished(), 1);
    let mut ctx = store(&cache, 20).load(APPID, "oUser").await.unwrap();
    for _ in 0..100 {
        if !ctx.responses().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
        ctx = store(&cache, 20).load(APPID, "oUser").await.unwrap();
    }
    assert_eq!(
        ctx.last_response(),
        Some(&TestReply::Text("woke up".into()))
    );
    assert_eq!(ctx.requests().len(), 1);
    assert_eq!(ctx.storage()["count"], 1);
}

#[tokio::test]
async fn context_off_gives_the_handler_only_the_current_request() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler = Arc::new(TestHandler::default());
    let pipeline: TestPipeline = Pipeline::builder_shared(
        &app_with_cache(Arc::clone(&cache), safe_config()),
        Arc::clone(&handler),
    )
    .context(false)
    .build()
    .unwrap();
    let _ = pipeline.handle(push("a", 1)).await;
    let _ = pipeline.handle(push("b", 2)).await;
    // storage count restarted each time: nothing stored.
    let ctx = store(&cache, 20).load(APPID, "oUser").await.unwrap();
    assert!(ctx.requests().is_empty());
    assert_eq!(handler.runs(), 2);
}
