//! One encrypted text push through the whole pipeline (verify, decrypt, parse, dedup,
//! context, dispatch, text reply, encrypt) with the in-memory cache, on one core.
//!
//! `cargo bench -p weixin-mp --bench pipeline`; pushes/s = 1 / time per iteration.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use weixin_core::{AppConfig, Weixin};
use weixin_crypto::{KeySlot, MsgCrypt};
use weixin_mp::message::TextMessage;
use weixin_mp::{HandlerError, MessageHandler, MpContext, MpPipeline, OfficialAccount, Reply};
use weixin_push::PushRequest;

const TOKEN: &str = "AAAAA";
const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const APPID: &str = "wxba5fad812f8e6fb9";
/// Distinct pushes prepared per pipeline (each batch gets a fresh pipeline and cache, so
/// MsgIds never repeat within one).
const BATCH: u64 = 2048;

struct Echo;

#[async_trait::async_trait]
impl MessageHandler for Echo {
    async fn on_text(
        &self,
        _cx: &mut MpContext,
        text: &TextMessage,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(format!("you said: {}", text.content)))
    }
}

fn pushes(distinct_users: bool) -> Vec<PushRequest> {
    let crypt = MsgCrypt::new(TOKEN, KEY, APPID).unwrap();
    let timestamp = "1700000000";
    let nonce = "415670741";
    (0..BATCH)
        .map(|i| {
            let user = if distinct_users { format!("oUser{i}") } else { "oUser".to_owned() };
            let xml = format!(
                "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello {i}]]></Content><MsgId>{}</MsgId></xml>",
                1_000_000 + i
            );
            let encrypt = crypt.encrypt(&xml, KeySlot::Current).unwrap();
            let msg_signature = weixin_crypto::msg_signature(TOKEN, timestamp, nonce, &encrypt);
            let signature = weixin_crypto::signature(TOKEN, timestamp, nonce);
            PushRequest::post(
                format!("signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={user}&encrypt_type=aes&msg_signature={msg_signature}").as_str(),
                format!("<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"),
            )
        })
        .collect()
}

/// A fresh registry (so a fresh in-memory cache) and the account's pipeline.
fn build_pipeline(full: bool) -> MpPipeline<Echo> {
    let weixin = Weixin::builder().build().unwrap();
    let account = OfficialAccount::register(
        &weixin,
        AppConfig::new(APPID, "secret")
            .push_token(TOKEN)
            .encoding_aes_key(KEY),
    )
    .unwrap();
    account
        .pipeline(Echo)
        .dedup(full)
        .context(full)
        .build()
        .unwrap()
}

fn bench_case(c: &mut Criterion, name: &str, full: bool, distinct_users: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let requests = pushes(distinct_users);
    c.bench_function(name, |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let requests = requests.clone();
            async move {
                let mut total = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let p = build_pipeline(full);
                    let n = left.min(BATCH);
                    let batch: Vec<PushRequest> = requests[..n as usize].to_vec();
                    let start = Instant::now();
                    for request in batch {
                        let response = p.handle(request).await;
                        debug_assert_eq!(response.status(), 200);
                        std::hint::black_box(response);
                    }
                    total += start.elapsed();
                    left -= n;
                }
                total
            }
        });
    });
}

fn benches(c: &mut Criterion) {
    bench_case(c, "encrypted_push/full/same_user", true, false);
    bench_case(c, "encrypted_push/full/distinct_users", true, true);
    bench_case(c, "encrypted_push/no_dedup_no_context", false, false);
}

criterion_group! {
    name = group;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1)).sample_size(20);
    targets = benches
}
criterion_main!(group);
