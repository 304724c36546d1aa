//! Resident memory of the in-memory context store per user (the budget of docs/benchmarks.md:
//! <= 2 KiB per user with 10 records). Its own test binary, so no other test allocates while it
//! measures.

mod common;

use std::sync::Arc;

use common::records::{APP, TextReply, TextRequest, fill_at_once, openid};
use weixin_context::ContextStore;
use weixin_core::cache::{Cache, MemoryCache};

/// Resident memory of this process in bytes (Linux).
fn rss_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The real footprint in the in-memory cache: resident memory growth over many users, each
/// with 10 requests and 10 replies (keys, values, and the cache's own per-entry overhead).
#[tokio::test(flavor = "current_thread")]
async fn resident_memory_per_user_in_the_memory_cache() {
    const USERS: usize = 5_000;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let store: ContextStore<TextRequest, TextReply> = ContextStore::new(Arc::clone(&cache));
    // Warm up allocator and cache structures with one user, then measure.
    fill_at_once(&store, &openid(usize::MAX >> 1)).await;
    let Some(before) = rss_bytes() else {
        eprintln!("no /proc/self/statm: resident memory not measured on this OS");
        return;
    };
    for i in 0..USERS {
        fill_at_once(&store, &openid(i)).await;
    }
    let after = rss_bytes().unwrap_or(before);
    let per_user = after.saturating_sub(before) / USERS;
    let value = cache
        .get(&store.cache_key(APP, &openid(7)))
        .await
        .unwrap()
        .unwrap()
        .len();
    println!(
        "resident memory per user (10 requests + 10 replies): {per_user} B; stored value {value} B"
    );
    assert!(per_user <= 2048, "{per_user} B per user");
}
