//! Uses the custom backend where the SDK takes a cache: here a distributed lock and a value
//! with a TTL. `cargo run -p custom-cache`.
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

use custom_cache::MapCache;
use weixin_core::cache::{Cache, CacheLock, DistributedLock};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cache: Arc<dyn Cache> = Arc::new(MapCache::default());

    // The generic lock works on any backend that implements the contract.
    let lock = CacheLock::new(Arc::clone(&cache));
    let ttl = Duration::from_secs(5);
    let guard = lock
        .acquire("weixin:lock:demo", ttl, Duration::ZERO)
        .await?
        .ok_or("the lock should be free")?;
    let second = lock
        .acquire("weixin:lock:demo", ttl, Duration::from_millis(50))
        .await?;
    println!(
        "second acquire while held: {}",
        if second.is_some() {
            "got it (wrong!)"
        } else {
            "refused"
        }
    );
    guard.release().await?;

    cache
        .set("weixin:demo", b"hello", Some(Duration::from_secs(60)))
        .await?;
    let value = cache.get("weixin:demo").await?.unwrap_or_default();
    println!("stored and read back: {}", String::from_utf8_lossy(&value));
    println!(
        "Pass it to the SDK with Weixin::builder().cache(cache), ContextStore::new(cache), ..."
    );
    Ok(())
}
