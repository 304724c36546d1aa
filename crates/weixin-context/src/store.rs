//! The context store: load, update (optimistic compare-and-swap) and remove over a shared cache.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use weixin_core::cache::{Cache, CacheKey};

use crate::codec;
use crate::expiry::ExpiryPolicy;
use crate::{Clock, ContextStoreBuilder, Error, MessageContext};
use weixin_core::backoff::Backoff;

/// The cache key kind of contexts: keys look like `{prefix}:context:{appid}:{openid}`.
pub const CONTEXT_KEY_KIND: &str = "context";

/// First and largest wait between update attempts that lost a race.
const BACKOFF_FIRST: Duration = Duration::from_millis(1);
const BACKOFF_CAP: Duration = Duration::from_millis(25);

/// Per-user [`MessageContext`]s in a shared [`Cache`], safe for many servers at once.
///
/// * [`load`](Self::load) reads a user's context (a fresh, unsaved one if there is none).
/// * [`update`](Self::update) is a read–modify–write that never loses a concurrent write: it
///   reads the stored bytes, applies the closure, and stores the result with
///   `compare_and_swap` against exactly the bytes it read, retrying (with short jittered
///   backoff, at most `max_attempts` times) when another task or server wrote in between.
///   Every update slides the expiry.
/// * [`remove`](Self::remove) deletes a context.
///
/// Expired contexts are handed to the [`on_expired`](ContextStoreBuilder::on_expired) handler
/// on the user's next access; see the [crate docs](crate#expiry-notification).
///
/// Cloning is cheap and clones share everything.
pub struct ContextStore<Req, Resp, S = serde_json::Value> {
    cache: Arc<dyn Cache>,
    keys: CacheKey,
    max_records: usize,
    max_attempts: u32,
    policy: ExpiryPolicy<Req, Resp, S>,
    clock: Arc<dyn Clock>,
}

impl<Req, Resp, S> Clone for ContextStore<Req, Resp, S> {
    fn clone(&self) -> Self {
        Self {
            cache: Arc::clone(&self.cache),
            keys: self.keys.clone(),
            max_records: self.max_records,
            max_attempts: self.max_attempts,
            policy: self.policy.clone(),
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<Req, Resp, S> fmt::Debug for ContextStore<Req, Resp, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextStore")
            .field("backend", &self.cache.backend_name())
            .field("prefix", &self.keys.prefix())
            .field("max_records", &self.max_records)
            .field("max_attempts", &self.max_attempts)
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .finish()
    }
}

/// The exact stored bytes a context was read from, returned by
/// [`ContextStore::load_versioned`] and consumed by [`ContextStore::save_versioned`].
///
/// It also carries the expired context the read found, if any, so that the save which
/// replaces it hands it to the expiry handler.
pub struct ContextVersion<Req, Resp, S = serde_json::Value> {
    bytes: Option<Bytes>,
    expired: Option<MessageContext<Req, Resp, S>>,
}

impl<Req, Resp, S> fmt::Debug for ContextVersion<Req, Resp, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextVersion")
            .field("stored_len", &self.bytes.as_ref().map(Bytes::len))
            .field("replaces_expired", &self.expired.is_some())
            .finish()
    }
}

/// What a read found.
enum Loaded<Req, Resp, S> {
    /// No entry (never written, removed, or its TTL ran out).
    Absent,
    /// An entry that could not be decoded (e.g. the app changed its record types).
    Undecodable,
    /// A context still within its sliding expiry.
    Live(MessageContext<Req, Resp, S>),
    /// A context past its sliding expiry, kept by the retention window.
    Expired(MessageContext<Req, Resp, S>),
}

impl<Req, Resp, S> ContextStore<Req, Resp, S>
where
    Req: Serialize + DeserializeOwned + Send + 'static,
    Resp: Serialize + DeserializeOwned + Send + 'static,
    S: Serialize + DeserializeOwned + Default + Send + 'static,
{
    /// A builder over `cache` with the defaults (20 records, 30 min expiry, prefix `weixin`).
    pub fn builder(cache: Arc<dyn Cache>) -> ContextStoreBuilder<Req, Resp, S> {
        ContextStoreBuilder::new(cache)
    }

    /// A store over `cache` with the defaults.
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self::builder(cache).build()
    }

    pub(crate) fn from_parts(
        cache: Arc<dyn Cache>,
        keys: CacheKey,
        max_records: usize,
        max_attempts: u32,
        policy: ExpiryPolicy<Req, Resp, S>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            cache,
            keys,
            max_records,
            max_attempts: max_attempts.max(1),
            policy,
            clock,
        }
    }

    /// The cache key of a user's context: `{prefix}:context:{appid}:{openid}`.
    pub fn cache_key(&self, appid: &str, openid: &str) -> String {
        self.keys.build(CONTEXT_KEY_KIND, appid, &[openid])
    }

    /// The bound on recorded requests and on recorded responses.
    pub fn max_records(&self) -> usize {
        self.max_records
    }

    /// The sliding expiry.
    pub fn expiry(&self) -> Duration {
        self.policy.expiry()
    }

    /// The TTL given to every write: the expiry, plus the retention window when an expiry
    /// handler is registered.
    pub fn entry_ttl(&self) -> Duration {
        self.policy.ttl()
    }

    /// Reads a user's context.
    ///
    /// Returns a fresh, empty context (not saved) when there is none. Reading does not slide
    /// the expiry. If the stored context has expired, it is deleted (compare-and-delete on the
    /// exact bytes read, so only one reader wins), the winner hands it to the expiry handler,
    /// and a fresh context is returned.
    pub async fn load(
        &self,
        appid: &str,
        openid: &str,
    ) -> Result<MessageContext<Req, Resp, S>, Error> {
        let key = self.cache_key(appid, openid);
        let mut backoff = Backoff::new(BACKOFF_FIRST, BACKOFF_CAP);
        for _ in 0..self.max_attempts {
            let current = self.cache.get(&key).await?.map(Bytes::from);
            let now = self.clock.now_ms();
            let expired = match self.decode(&key, appid, openid, current.as_ref(), now) {
                Loaded::Absent | Loaded::Undecodable => return Ok(self.fresh(appid, openid, now)),
                Loaded::Live(ctx) => return Ok(ctx),
                Loaded::Expired(ctx) => ctx,
            };
            let bytes = current.as_deref().unwrap_or_default();
            if self.cache.compare_and_delete(&key, bytes).await? {
                self.policy.notify(expired);
                return Ok(self.fresh(appid, openid, now));
            }
            // Someone wrote or removed it since our read: read again.
            backoff.wait().await;
        }
        Err(Error::Contended {
            key,
            attempts: self.max_attempts,
        })
    }

    /// Reads a user's context together with its [`ContextVersion`], for a later
    /// [`save_versioned`](Self::save_versioned): one cache read and one decode, where
    /// [`load`](Self::load) followed by [`update`](Self::update) costs two of each.
    ///
    /// Returns a fresh context when there is none, when the stored one does not decode, or when
    /// it has expired. Unlike [`load`](Self::load), an expired context is **not** deleted here:
    /// it travels in the version, and the `save_versioned` that replaces it hands it to the
    /// expiry handler (if nothing is saved, the next access finds it expired again).
    ///
    /// # Errors
    /// [`Error::Cache`].
    pub async fn load_versioned(
        &self,
        appid: &str,
        openid: &str,
    ) -> Result<(MessageContext<Req, Resp, S>, ContextVersion<Req, Resp, S>), Error> {
        let key = self.cache_key(appid, openid);
        let bytes = self.cache.get(&key).await?.map(Bytes::from);
        let now = self.clock.now_ms();
        let (ctx, expired) = match self.decode(&key, appid, openid, bytes.as_ref(), now) {
            Loaded::Absent | Loaded::Undecodable => (self.fresh(appid, openid, now), None),
            Loaded::Live(ctx) => (ctx, None),
            Loaded::Expired(old) => (self.fresh(appid, openid, now), Some(old)),
        };
        Ok((ctx, ContextVersion { bytes, expired }))
    }

    /// Saves `ctx` (a context from [`load_versioned`](Self::load_versioned), changed by the
    /// caller) if the stored bytes are still those of `version`: one encode and one
    /// compare-and-swap. The context is trimmed to [`max_records`](Self::max_records), stamped
    /// active now and saved with the sliding TTL.
    ///
    /// When another task or server wrote the context in between, the swap fails and the
    /// change is made again on the current value with [`update`](Self::update), which calls
    /// `reapply` (possibly more than once): it must redo, on the context it is given, the
    /// change the caller made to `ctx`.
    ///
    /// # Errors
    /// As [`update`](Self::update).
    pub async fn save_versioned<F>(
        &self,
        appid: &str,
        openid: &str,
        version: ContextVersion<Req, Resp, S>,
        mut ctx: MessageContext<Req, Resp, S>,
        reapply: F,
    ) -> Result<(), Error>
    where
        F: FnMut(&mut MessageContext<Req, Resp, S>) + Send,
    {
        let key = self.cache_key(appid, openid);
        let now = self.clock.now_ms();
        ctx.trim();
        ctx.touch(now);
        let new = codec::encode(&ctx).map_err(|source| Error::Serialize {
            key: key.clone(),
            source,
        })?;
        drop(ctx);
        if self
            .cache
            .compare_and_swap(
                &key,
                version.bytes.as_deref(),
                &new,
                Some(self.policy.ttl()),
            )
            .await?
        {
            if let Some(old) = version.expired {
                self.policy.notify(old);
            }
            return Ok(());
        }
        self.update(appid, openid, reapply).await
    }

    /// Read–modify–write of a user's context, without losing concurrent writes.
    ///
    /// `f` gets the current context (a fresh one if there is none, or if the stored one has
    /// expired) and its return value is passed back. The result is trimmed to
    /// [`max_records`](Self::max_records), stamped active now, and saved with the sliding TTL
    /// only if the entry still holds exactly the bytes that were read; otherwise the whole
    /// read–modify–write is retried. **`f` may therefore run more than once**: keep it free of
    /// outside side effects (clone what you push into the context).
    ///
    /// When the stored context had expired, the write that replaces it is the one that hands the
    /// expired context to the expiry handler, after it succeeded, so the handler runs once
    /// even when several servers race.
    ///
    /// # Errors
    /// [`Error::Contended`] when every attempt lost a race (nothing was written),
    /// [`Error::Cache`], [`Error::Serialize`].
    pub async fn update<T, F>(&self, appid: &str, openid: &str, mut f: F) -> Result<T, Error>
    where
        F: FnMut(&mut MessageContext<Req, Resp, S>) -> T + Send,
        T: Send,
    {
        let key = self.cache_key(appid, openid);
        let ttl = self.policy.ttl();
        let mut backoff = Backoff::new(BACKOFF_FIRST, BACKOFF_CAP);
        for _ in 0..self.max_attempts {
            let current = self.cache.get(&key).await?.map(Bytes::from);
            let now = self.clock.now_ms();
            let (mut ctx, expired) = match self.decode(&key, appid, openid, current.as_ref(), now) {
                Loaded::Absent | Loaded::Undecodable => (self.fresh(appid, openid, now), None),
                Loaded::Live(ctx) => (ctx, None),
                Loaded::Expired(old) => (self.fresh(appid, openid, now), Some(old)),
            };
            let out = f(&mut ctx);
            ctx.trim();
            ctx.touch(now);
            let new = codec::encode(&ctx).map_err(|source| Error::Serialize {
                key: key.clone(),
                source,
            })?;
            if self
                .cache
                .compare_and_swap(&key, current.as_deref(), &new, Some(ttl))
                .await?
            {
                if let Some(old) = expired {
                    self.policy.notify(old);
                }
                return Ok(out);
            }
            backoff.wait().await;
        }
        Err(Error::Contended {
            key,
            attempts: self.max_attempts,
        })
    }

    /// Records a request and returns the updated context (an [`update`](Self::update) that
    /// pushes a clone of `request`).
    pub async fn push_request(
        &self,
        appid: &str,
        openid: &str,
        request: Req,
    ) -> Result<MessageContext<Req, Resp, S>, Error>
    where
        Req: Clone + Sync,
        Resp: Clone,
        S: Clone,
    {
        self.update(appid, openid, |ctx| {
            ctx.push_request(request.clone());
            ctx.clone()
        })
        .await
    }

    /// Records a response and returns the updated context.
    pub async fn push_response(
        &self,
        appid: &str,
        openid: &str,
        response: Resp,
    ) -> Result<MessageContext<Req, Resp, S>, Error>
    where
        Req: Clone,
        Resp: Clone + Sync,
        S: Clone,
    {
        self.update(appid, openid, |ctx| {
            ctx.push_response(response.clone());
            ctx.clone()
        })
        .await
    }

    /// Deletes a user's context; returns whether one was stored. No expiry event is raised:
    /// the caller already knows.
    pub async fn remove(&self, appid: &str, openid: &str) -> Result<bool, Error> {
        Ok(self.cache.delete(&self.cache_key(appid, openid)).await?)
    }

    fn fresh(&self, appid: &str, openid: &str, now: u64) -> MessageContext<Req, Resp, S> {
        MessageContext::new(appid, openid, now, self.max_records)
    }

    fn decode(
        &self,
        key: &str,
        appid: &str,
        openid: &str,
        bytes: Option<&Bytes>,
        now: u64,
    ) -> Loaded<Req, Resp, S> {
        let Some(bytes) = bytes else {
            return Loaded::Absent;
        };
        match codec::decode::<Req, Resp, S>(bytes) {
            Ok(mut ctx) => {
                ctx.attach(appid, openid, self.max_records);
                if self.policy.is_expired(ctx.last_active_ms(), now) {
                    Loaded::Expired(ctx)
                } else {
                    Loaded::Live(ctx)
                }
            }
            Err(error) => {
                tracing::warn!(
                    key,
                    %error,
                    "undecodable message context (record types changed?); starting a fresh one"
                );
                Loaded::Undecodable
            }
        }
    }
}
