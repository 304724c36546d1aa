//! The cache is given once, to the registry, and reaches dedup: two app instances on one Redis
//! (two registries, as on two servers) run the handler once for one push delivered to both.
#![cfg(all(feature = "mini-program", feature = "redis"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use weixin::mini_program::message::TextMessage;
use weixin::mini_program::{WxContext, WxOpenMessageHandler, WxReply, WxResult};
use weixin::push::PushRequest;
use weixin::{AppConfig, MiniProgram, Weixin};

const APPID: &str = "wx_one_cache_test";
const TOKEN: &str = "one-cache-token";

struct Count(Arc<AtomicUsize>);

#[weixin::async_trait]
impl WxOpenMessageHandler for Count {
    async fn on_text(&self, _cx: &mut WxContext, _text: &TextMessage) -> WxResult {
        self.0.fetch_add(1, Ordering::SeqCst);
        // Long enough for the other instance's delivery to arrive while this one runs.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        Ok(WxReply::Success)
    }
}

fn redis_url() -> String {
    std::env::var("WEIXIN_TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!(
            "WEIXIN_TEST_REDIS_URL is not set: run `cargo xtask test`, or start a server \
             (`redis-server --port 6391 --save '' --daemonize yes`) and set \
             WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6391"
        )
    })
}

/// One server: its own registry on the shared Redis, named once.
async fn instance(prefix: &str, runs: Arc<AtomicUsize>) -> weixin::mini_program::WxPipeline<Count> {
    let weixin = Weixin::builder()
        .cache(weixin::cache::from_url(&redis_url()).await.expect("redis"))
        .key_prefix(prefix)
        .build()
        .expect("registry");
    let app = MiniProgram::register(&weixin, AppConfig::new(APPID, "secret").push_token(TOKEN))
        .expect("register");
    app.pipeline(Count(runs)).build().expect("pipeline")
}

fn push(msg_id: u64) -> PushRequest {
    let (timestamp, nonce) = ("1700000000", "7");
    let signature = weixin::crypto::signature::signature(TOKEN, timestamp, nonce);
    let query = format!("signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=o_u");
    let body = format!(
        r#"{{"ToUserName":"gh_1","FromUserName":"o_u","CreateTime":1700000000,"MsgType":"text","Content":"hi","MsgId":{msg_id}}}"#
    );
    PushRequest::post(query.as_str(), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn one_push_delivered_to_two_instances_runs_the_handler_once() {
    // A fresh prefix per run keeps earlier runs' dedup marks out of the way.
    let prefix = format!("one-cache-{}", std::process::id());
    let runs = Arc::new(AtomicUsize::new(0));
    let a = instance(&prefix, Arc::clone(&runs)).await;
    let b = instance(&prefix, Arc::clone(&runs)).await;
    for msg_id in [1_u64, 2, 3] {
        let (first, second) = tokio::join!(a.handle(push(msg_id)), b.handle(push(msg_id)));
        assert_eq!(
            (first.status().as_u16(), second.status().as_u16()),
            (200, 200)
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 3, "one handler run per push");
}
