//! The memory budget of the in-memory context store (<= 1 KiB per user with 10 + 10
//! records), measured on typical text messages.

mod common;

use std::sync::Arc;

use common::records::{APP, TextReply, TextRequest, openid, reply, request};
use weixin_context::ContextStore;

async fn fill(
    store: &ContextStore<TextRequest, TextReply>,
    user: &str,
    records: u64,
    replies: bool,
) {
    for i in 0..records {
        store
            .update(APP, user, |ctx| {
                ctx.push_request(request(user, i));
                if replies {
                    ctx.push_response(reply(user, i));
                }
            })
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn ten_text_records_fit_the_budget() {
    let cache = common::cache();
    let store: ContextStore<TextRequest, TextReply> = ContextStore::new(Arc::clone(&cache));
    let user = openid(1);
    let key = store.cache_key(APP, &user);

    fill(&store, &user, 10, false).await;
    let requests_only = cache.get(&key).await.unwrap().unwrap().len();
    store.remove(APP, &user).await.unwrap();
    fill(&store, &user, 10, true).await;
    let with_replies = cache.get(&key).await.unwrap().unwrap().len();

    let loaded = store.load(APP, &user).await.unwrap();
    let plain_json: usize = loaded
        .requests()
        .iter()
        .map(|r| serde_json::to_vec(r).unwrap().len())
        .chain(
            loaded
                .responses()
                .iter()
                .map(|r| serde_json::to_vec(r).unwrap().len()),
        )
        .sum();
    println!(
        "key {} B; value: 10 requests {} B, 10 requests + 10 replies {} B ({} B of records as plain JSON)",
        key.len(),
        requests_only,
        with_replies,
        plain_json
    );
    assert!(key.len() + with_replies <= 1024, "{with_replies} B");
}
