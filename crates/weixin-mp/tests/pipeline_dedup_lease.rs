//! The lease of a push's claim: a retry takes over the push of a server that died mid-handler
//! (handled once, within the retry's deadline), while a live first run keeps its claim however
//! long it runs.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use tokio::time::{Instant, sleep};
use weixin_context::{Begin, DedupKey, Deduplicator};
use weixin_core::cache::{Cache, MemoryCache};
use weixin_crypto::EnvelopeFormat;
use weixin_push::pipeline::{DEFAULT_DEADLINE, Pipeline, PushRequest};

const CREATE_TIME: u64 = 1_700_000_000;

fn push(content: &str, msg_id: u64) -> PushRequest {
    let message = text_body(EnvelopeFormat::Xml, "oUser", content, msg_id, CREATE_TIME);
    encrypted_push(
        &crypt(),
        EnvelopeFormat::Xml,
        &message,
        CREATE_TIME,
        "nonce",
    )
}

/// A server claimed the push, exactly as its pipeline would, then was killed (kill -9): the
/// ticket is gone, nothing renews, completes or abandons the claim.
async fn claim_and_die(cache: &Arc<dyn Cache>, msg_id: u64) {
    let dead = Deduplicator::new(Arc::clone(cache));
    let key = DedupKey::from_parts(APPID, Some(msg_id), "oUser", CREATE_TIME, None);
    match dead.begin(&key).await.unwrap() {
        Begin::First(ticket) => drop(ticket),
        other => panic!("the dead server should have claimed the push: {other:?}"),
    }
}

fn server(cache: &Arc<dyn Cache>, handler: &Arc<TestHandler>) -> TestPipeline {
    Pipeline::builder_shared(
        &app_with_cache(Arc::clone(cache), safe_config()),
        Arc::clone(handler),
    )
    .build()
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn the_retry_of_a_push_whose_server_died_handles_it_once() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    claim_and_die(&cache, 81).await;
    let handler = Arc::new(TestHandler::default());
    let pipeline = server(&cache, &handler);

    // WeChat got no answer and retries 5 s later, on another server.
    sleep(Duration::from_secs(5)).await;
    let arrived = Instant::now();
    let retry = pipeline.handle(push("hi", 81)).await;
    let took = arrived.elapsed();
    assert_eq!(retry.status(), StatusCode::OK);
    assert!(open_reply(&crypt(), retry.body()).contains("you said hi, run 1"));
    assert_eq!(handler.runs(), 1);
    // The claim (6 s lease) expired 1 s after the retry arrived, well within its deadline.
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_millis(1100),
        "taken over as soon as the lease ran out: {took:?}"
    );
    assert!(took < DEFAULT_DEADLINE);

    // WeChat's last retry (had the answer been lost) gets the same reply; nothing runs again.
    sleep(Duration::from_secs(5)).await;
    assert_eq!(pipeline.handle(push("hi", 81)).await, retry);
    assert_eq!(handler.runs(), 1);
}

#[tokio::test(start_paused = true)]
async fn with_a_short_lease_even_an_immediate_retry_takes_the_push_over() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let handler = Arc::new(TestHandler::default());
    // The dead server's claim lived for this pipeline's 2 s lease too.
    let dead = Deduplicator::new(Arc::clone(&cache)).with_lease(Duration::from_secs(2));
    let key = DedupKey::from_parts(APPID, Some(82), "oUser", CREATE_TIME, None);
    assert!(matches!(dead.begin(&key).await.unwrap(), Begin::First(_)));
    let pipeline: TestPipeline = Pipeline::builder_shared(
        &app_with_cache(Arc::clone(&cache), safe_config()),
        Arc::clone(&handler),
    )
    .dedup_lease(Duration::from_secs(2))
    .build()
    .unwrap();

    let arrived = Instant::now();
    let retry = pipeline.handle(push("hi", 82)).await;
    assert_eq!(retry.status(), StatusCode::OK);
    assert!(open_reply(&crypt(), retry.body()).contains("you said hi, run 1"));
    assert!(arrived.elapsed() < Duration::from_millis(2100));
    assert_eq!(handler.runs(), 1);
}

/// Two servers with a 1 s lease and a 20 s deadline: the first run takes 10 s, the retry
/// arrives on the other server at 5 s. Without renewals the claim would expire at 1 s and the
/// retry would run the handler a second time.
#[tokio::test(start_paused = true)]
async fn a_live_first_run_keeps_its_claim_far_past_the_lease() {
    let [(a, handler_a), (b, handler_b)] = two_servers_with_a_1s_lease(Duration::from_secs(20));
    let request = push("sleep", 83);
    let (first, retry) = tokio::join!(a.handle(request.clone()), async {
        sleep(Duration::from_secs(5)).await;
        b.handle(request.clone()).await
    });
    assert_eq!(first.status(), StatusCode::OK);
    assert!(open_reply(&crypt(), first.body()).contains("woke up"));
    assert_eq!(retry, first, "the retry waited for the first run's reply");
    assert_eq!(handler_a.runs() + handler_b.runs(), 1);
}

/// The handler outlives the deadline: the first run answers `success` at 3 s and the handler
/// finishes in the background. A retry on the other server at 2 s (past the 1 s lease) waits
/// and gets `success` too; one at 8 s, while the handler still runs, as well.
#[tokio::test(start_paused = true)]
async fn a_run_past_its_deadline_keeps_its_claim_until_it_answers() {
    let [(a, handler_a), (b, handler_b)] = two_servers_with_a_1s_lease(Duration::from_secs(3));
    let request = push("sleep", 84);
    let (first, retry) = tokio::join!(a.handle(request.clone()), async {
        sleep(Duration::from_secs(2)).await;
        b.handle(request.clone()).await
    });
    assert_eq!(first.body(), "success");
    assert_eq!(retry.body(), "success");
    sleep(Duration::from_secs(5)).await;
    assert_eq!(b.handle(request.clone()).await.body(), "success");
    assert_eq!(handler_a.runs() + handler_b.runs(), 1);
    // The background run finishes (at 10 s) and nothing runs again afterwards.
    sleep(Duration::from_secs(5)).await;
    assert_eq!(handler_a.finished(), 1);
    assert_eq!(a.handle(request).await.body(), "success");
    assert_eq!(handler_a.runs() + handler_b.runs(), 1);
}

/// Two pipelines ("servers") over one memory cache, with a 1 s dedup lease and `deadline`,
/// each with its own counting handler.
fn two_servers_with_a_1s_lease(deadline: Duration) -> [(TestPipeline, Arc<TestHandler>); 2] {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    [(), ()].map(|()| {
        let handler = Arc::new(TestHandler::default());
        let pipeline = Pipeline::builder_shared(
            &app_with_cache(Arc::clone(&cache), safe_config()),
            Arc::clone(&handler),
        )
        .dedup_lease(Duration::from_secs(1))
        .deadline(deadline)
        .build()
        .unwrap();
        (pipeline, handler)
    })
}
