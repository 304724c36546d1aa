//! Per-user message context store and push deduplication for WeChat backends, over the
//! `weixin-core` cache contract.
//!
//! Both work through an `Arc<dyn Cache>`, so several servers behind a load balancer share them
//! through Redis or Memcached exactly as one process does through the in-memory cache.
//!
//! * [`ContextStore`] keeps each user's [`MessageContext`]: the recent requests and responses
//!   (each bounded by `max_records`, default 20, oldest dropped first), the app's own per-user
//!   `storage`, and created / last-active times. Updates are optimistic compare-and-swap
//!   loops on the exact bytes read, so concurrent pushes of one user never lose each other's
//!   records and storage changes are never silently lost (both happen in Senparc on Redis).
//! * [`Deduplicator`] recognises WeChat's retries of a push (on any server), lets exactly one
//!   run handle it, and answers the retries with that run's reply instead of an empty body.
//!
//! # Example
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use std::sync::Arc;
//! use weixin_context::{Begin, ContextStore, DedupKey, Deduplicator};
//! use weixin_core::cache::{Cache, MemoryCache};
//!
//! let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
//! let dedup = Deduplicator::new(Arc::clone(&cache));
//! let contexts: ContextStore<String, String> = ContextStore::new(cache);
//!
//! // A text push arrives: "hello" from oUser, MsgId 42.
//! let key = DedupKey::from_parts("wx1", Some(42), "oUser", 1_700_000_000, None);
//! if let Begin::First(ticket) = dedup.begin(&key).await? {
//!     let ctx = contexts.push_request("wx1", "oUser", "hello".to_owned()).await?;
//!     let reply = format!("you said {} thing(s)", ctx.requests().len());
//!     contexts
//!         .update("wx1", "oUser", |ctx| {
//!             ctx.push_response(reply.clone());
//!             // The app's own per-user data (serde_json::Value unless typed).
//!             let n = ctx.storage()["visits"].as_u64().unwrap_or(0);
//!             ctx.storage_mut()["visits"] = (n + 1).into();
//!         })
//!         .await?;
//!     dedup.complete(ticket, reply.as_bytes()).await?;
//! }
//! // WeChat retries the same push: it gets the stored reply back.
//! assert!(matches!(dedup.begin(&key).await?, Begin::Done(r) if r == b"you said 1 thing(s)"));
//!
//! let ctx = contexts.load("wx1", "oUser").await?;
//! assert_eq!(ctx.last_response().map(String::as_str), Some("you said 1 thing(s)"));
//! assert_eq!(ctx.storage()["visits"], 1);
//! # Ok::<_, weixin_context::Error>(()) }).unwrap();
//! ```
//!
//! # Expiry notification
//!
//! A context expires when it has not been **updated** for the sliding `expiry` (default 30
//! minutes; reads do not slide it). Senparc declares a `MessageContextRemoved` event but never
//! raises it; here it is delivered like this:
//!
//! * Register a handler with [`ContextStoreBuilder::on_expired`]. While one is registered,
//!   every write gives the cache entry a TTL of `expiry + retention` (retention default 24 h,
//!   [`ContextStoreBuilder::retention`]); without one, the TTL is just `expiry`.
//! * A context whose `last_active` is older than `expiry` counts as expired even though its
//!   entry still exists. On the user's **next access** ([`ContextStore::load`] or
//!   [`ContextStore::update`], typically their next push) within the retention window, the
//!   store replaces it with a fresh context (empty records, `storage` reset to its default)
//!   and calls the handler with the expired context, including its records and storage.
//! * The replacement is a compare-and-swap (`update`) or compare-and-delete (`load`) on the
//!   exact bytes read (for [`ContextStore::load_versioned`], by the compare-and-swap of the
//!   [`ContextStore::save_versioned`] that follows), and the handler is called only by the
//!   caller whose write succeeded, so
//!   it runs **once** per expiry even when several servers see the expired context at the same
//!   time. It runs synchronously inside that call, after the write; spawn a task from it for
//!   slow work.
//! * Users who never come back, or come back after the retention window, produce **no event**:
//!   their entry just disappears with its TTL. Nothing scans the cache.
//!
//! # Storage and memory
//!
//! A context is stored as compact JSON, LZ4-compressed once it reaches 256 bytes and
//! compression makes it smaller (small contexts stay readable with `redis-cli`). The appid and
//! openid live only in the key (`{prefix}:context:{appid}:{openid}`), envelope fields have
//! one-letter names and empty lists are omitted. With 10 everyday text requests and 10 text
//! replies carrying WeChat's XML field names, the value is about 770 bytes instead of 3.7 KB
//! of plain JSON, and the in-memory cache holds a user in about 1.4 KiB of resident memory
//! (`tests/memory_budget.rs`, `tests/memory_resident.rs`), within the
//! 2 KiB per user budget of the in-memory store. A stored value that no longer decodes (for
//! example after the app changed its record types) is logged and replaced by a fresh context
//! instead of failing every push of that user.
//!
//! # Deduplication
//!
//! [`DedupKey`] applies the rule appid + (`MsgId` when present and non-zero, else
//! `FromUserName` + `CreateTime` + `Event`). [`Deduplicator::begin`] claims a push with an
//! atomic `add` of an in-flight mark that lives for a short lease (default 6 s), which
//! [`Deduplicator::keep_alive`] renews while the handler runs, so a retry can take over the push
//! of a server that died mid-handler; [`Deduplicator::complete`] stores the reply for the
//! retries (TTL at least 30 s, default 60 s; WeChat retries 3 times, 5 s apart); [`Deduplicator::abandon`] lets
//! a retry run the handler again after a failure; [`Deduplicator::wait_done`] lets a retry that
//! arrives while the first run is still going wait a bounded time for its reply.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod builder;
mod codec;
mod context;
mod dedup;
mod error;
mod expiry;
mod lazy;
mod records;
mod store;

pub use builder::{ContextStoreBuilder, DEFAULT_MAX_ATTEMPTS};
pub use context::{DEFAULT_MAX_RECORDS, MessageContext};
pub use dedup::{
    Begin, DEDUP_KEY_KIND, DEFAULT_DEDUP_LEASE, DEFAULT_DEDUP_TTL, DedupKey, DedupTicket,
    Deduplicator, MIN_DEDUP_LEASE, MIN_DEDUP_TTL, Wait,
};
pub use error::Error;
pub use expiry::{DEFAULT_EXPIRY, DEFAULT_RETENTION};
pub use records::{Iter, Records};
pub use store::{CONTEXT_KEY_KIND, ContextStore, ContextVersion};
pub use weixin_core::clock::{Clock, ManualClock, SystemClock};
