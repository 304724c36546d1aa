//! Push deduplication across servers: WeChat retries a push up to 3 times, 5 s apart, and the
//! retry may land on another server.

mod key;
mod lease;

pub use key::DedupKey;
pub use lease::{DEFAULT_DEDUP_LEASE, MIN_DEDUP_LEASE};

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use weixin_core::cache::{Cache, CacheKey};

use crate::Error;
use weixin_core::backoff::{Backoff, random_u64};

/// A claim mark unique to this claim: `F`, a random number drawn once per process, and a
/// per-process counter, in hex. Unique across servers like a fresh random number per claim,
/// without a `getrandom` system call per push.
fn new_mark() -> Vec<u8> {
    use std::io::Write as _;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};

    static PROCESS: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let process = *PROCESS.get_or_init(random_u64);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut mark = Vec::with_capacity(33);
    mark.push(IN_FLIGHT);
    // Writing into a Vec cannot fail.
    let _ = write!(mark, "{process:016x}{n:016x}");
    mark
}

/// The cache key kind of dedup entries: `{prefix}:dedup:{appid}:msg:{id}` or
/// `{prefix}:dedup:{appid}:evt:{from}:{create_time}:{event}`.
pub const DEDUP_KEY_KIND: &str = "dedup";

/// The shortest dedup TTL: WeChat's retries span 15 s, so anything shorter lets one through.
pub const MIN_DEDUP_TTL: Duration = Duration::from_secs(30);

/// The default dedup TTL.
pub const DEFAULT_DEDUP_TTL: Duration = Duration::from_secs(60);

/// Tag byte of an in-flight mark (followed by the owner's random token).
const IN_FLIGHT: u8 = b'F';
/// Tag byte of a finished entry (followed by the reply bytes).
const DONE: u8 = b'D';
/// The longest `wait_done` honours.
const MAX_WAIT_CAP: Duration = Duration::from_secs(24 * 60 * 60);
/// How many times `begin` retries when the entry vanished between its `add` and its `get`.
const BEGIN_RACES: u32 = 3;

/// Deduplicates pushes through a shared [`Cache`], so a retry is caught whichever server it
/// reaches, and is answered with the first run's reply instead of an empty body.
///
/// # Entries and their lifetimes
///
/// * [`begin`](Self::begin) claims a push with an atomic `add` of an **in-flight mark** unique
///   to this claim. The mark lives only for the short **lease** (default 6 s,
///   [`with_lease`](Self::with_lease)), not the whole TTL.
/// * The claimant keeps the lease alive while it works: [`keep_alive`](Self::keep_alive) runs
///   the work and renews the lease every third of it (or call [`renew`](Self::renew) yourself).
///   A renewal is a compare-and-swap of the exact mark, so it never overwrites another claim or
///   a finished entry.
/// * [`complete`](Self::complete) replaces the mark with the reply for the full TTL (default
///   60 s); [`abandon`](Self::abandon) deletes the mark.
/// * If the claimant's server dies, nothing renews the mark: it expires one lease after the
///   last renewal, and a retry waiting in [`wait_done`](Self::wait_done) sees [`Wait::Vacant`],
///   claims the push with `begin` and handles it. So a push whose server died mid-handler is
///   handled by a retry (once), instead of being refused until the TTL runs out.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::sync::Arc;
/// use weixin_context::{Begin, DedupKey, Deduplicator};
/// use weixin_core::cache::MemoryCache;
///
/// let dedup = Deduplicator::new(Arc::new(MemoryCache::new()));
/// let key = DedupKey::message("wx1", 6074746557628292943);
/// match dedup.begin(&key).await? {
///     Begin::First(ticket) => {
///         let reply = b"<xml>...</xml>"; // run the handler
///         dedup.complete(ticket, reply).await?;
///     }
///     Begin::Done(reply) => { /* a retry: answer `reply` again */ }
///     Begin::InFlight => { /* a retry while the first run goes on: `wait_done` */ }
/// }
/// assert!(matches!(dedup.begin(&key).await?, Begin::Done(r) if r == b"<xml>...</xml>"));
/// # Ok::<_, weixin_context::Error>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct Deduplicator {
    cache: Arc<dyn Cache>,
    keys: CacheKey,
    ttl: Duration,
    lease: Duration,
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplicator")
            .field("backend", &self.cache.backend_name())
            .field("prefix", &self.keys.prefix())
            .field("ttl", &self.ttl)
            .field("lease", &self.lease())
            .finish()
    }
}

/// The outcome of [`Deduplicator::begin`].
#[derive(Debug)]
#[must_use]
pub enum Begin {
    /// This is the first sight of the push: handle it, then [`Deduplicator::complete`] (or
    /// [`Deduplicator::abandon`] if the handler failed).
    First(DedupTicket),
    /// Already handled: answer these reply bytes (possibly empty) again.
    Done(Vec<u8>),
    /// Being handled right now (here or on another server): [`Deduplicator::wait_done`].
    InFlight,
}

/// Proof of having won [`Deduplicator::begin`]; keep its lease alive with
/// [`Deduplicator::keep_alive`] while handling the push, then hand it to `complete` or
/// `abandon`.
///
/// Dropping it without either leaves the in-flight mark until its lease runs out (at most
/// [`Deduplicator::lease`] after the last renewal), so retries of this push get
/// [`Begin::InFlight`] until then and may take the push over afterwards.
#[derive(Debug)]
#[must_use = "complete or abandon the ticket, or retries see the push in flight until its lease runs out"]
pub struct DedupTicket {
    key: String,
    mark: Vec<u8>,
}

impl DedupTicket {
    /// The cache key this ticket marks.
    pub fn cache_key(&self) -> &str {
        &self.key
    }
}

/// The outcome of [`Deduplicator::wait_done`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// The first run finished: answer these reply bytes.
    Done(Vec<u8>),
    /// There is no entry any more: the first run was abandoned, or its lease expired because
    /// nothing renewed it (its server died). Call [`Deduplicator::begin`] again to run it here.
    Vacant,
    /// Still in flight when `max_wait` ran out.
    TimedOut,
}

impl Deduplicator {
    /// A deduplicator with the default TTL (60 s), lease (6 s) and key prefix (`weixin`).
    pub fn new(cache: Arc<dyn Cache>) -> Self {
        Self {
            cache,
            keys: CacheKey::default(),
            ttl: DEFAULT_DEDUP_TTL,
            lease: DEFAULT_DEDUP_LEASE,
        }
    }

    /// Sets how long a stored reply lives (and the longest an in-flight mark can live); raised
    /// to at least [`MIN_DEDUP_TTL`] (30 s) so WeChat's retries are always covered.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(MIN_DEDUP_TTL);
        self
    }

    /// Sets the key prefix (default `weixin`).
    pub fn with_key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.keys = CacheKey::new(prefix);
        self
    }

    /// The TTL in force.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The cache key of a push.
    pub fn cache_key(&self, key: &DedupKey) -> String {
        let mut out = self.keys.build(DEDUP_KEY_KIND, key.appid(), &[]);
        // Writing into a String cannot fail.
        let _ = key.write_parts(&mut out);
        out
    }

    /// Claims a push: exactly one caller across all servers sharing the cache gets
    /// [`Begin::First`] (the claim is an atomic `add` of an in-flight mark living for the
    /// [lease](Self::lease)); the others see [`Begin::InFlight`] or, once completed,
    /// [`Begin::Done`] with the stored reply.
    ///
    /// Keep the claim with [`keep_alive`](Self::keep_alive) while handling the push: a mark
    /// that is not renewed expires after the lease and a retry may then take the push over.
    pub async fn begin(&self, key: &DedupKey) -> Result<Begin, Error> {
        let cache_key = self.cache_key(key);
        let mark = new_mark();
        let lease = self.lease();
        for _ in 0..BEGIN_RACES {
            if self.cache.add(&cache_key, &mark, lease).await? {
                return Ok(Begin::First(DedupTicket {
                    key: cache_key,
                    mark,
                }));
            }
            match self.cache.get(&cache_key).await? {
                Some(value) => return Self::classify(&cache_key, value),
                // Abandoned or expired between our add and get: try to claim it again.
                None => continue,
            }
        }
        Ok(Begin::InFlight)
    }

    /// Stores the reply of the first run (it replaces the in-flight mark, with the full TTL), so
    /// retries get it back. Returns `false` when the mark was no longer ours (its lease expired
    /// and another run claimed the push); nothing is stored then, so the other run's claim or
    /// reply stays.
    pub async fn complete(&self, ticket: DedupTicket, reply: &[u8]) -> Result<bool, Error> {
        let mut done = Vec::with_capacity(reply.len() + 1);
        done.push(DONE);
        done.extend_from_slice(reply);
        if self
            .cache
            .compare_and_swap(&ticket.key, Some(&ticket.mark), &done, Some(self.ttl))
            .await?
        {
            return Ok(true);
        }
        // Our mark expired and nobody claimed the push since: still record the reply.
        Ok(self.cache.add(&ticket.key, &done, self.ttl).await?)
    }

    /// Gives up a claim (the handler failed): removes the in-flight mark if it is still ours,
    /// so WeChat's next retry runs the handler again. Returns whether the mark was removed.
    pub async fn abandon(&self, ticket: DedupTicket) -> Result<bool, Error> {
        Ok(self
            .cache
            .compare_and_delete(&ticket.key, &ticket.mark)
            .await?)
    }

    /// Waits (polling with short jittered backoff, 5–50 ms) until the push is done or its entry
    /// is gone, at most `max_wait` (capped at a day). Use it after [`Begin::InFlight`]; keep
    /// `max_wait` within WeChat's 5 s budget.
    ///
    /// An in-flight mark whose lease ran out (its server died) is gone like an abandoned one:
    /// the wait ends with [`Wait::Vacant`] within one poll of the expiry, and the caller claims
    /// the push with [`begin`](Self::begin).
    pub async fn wait_done(&self, key: &DedupKey, max_wait: Duration) -> Result<Wait, Error> {
        let cache_key = self.cache_key(key);
        // Capped so that the deadline arithmetic cannot overflow.
        let deadline = tokio::time::Instant::now() + max_wait.min(MAX_WAIT_CAP);
        let mut backoff = Backoff::new(Duration::from_millis(5), Duration::from_millis(50));
        loop {
            match self.cache.get(&cache_key).await? {
                None => return Ok(Wait::Vacant),
                Some(value) => {
                    if let Begin::Done(reply) = Self::classify(&cache_key, value)? {
                        return Ok(Wait::Done(reply));
                    }
                }
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(Wait::TimedOut);
            }
            // Sleeping at most up to the deadline means the last look happens at the deadline.
            backoff.wait_at_most(deadline - now).await;
        }
    }

    fn classify(cache_key: &str, mut value: Vec<u8>) -> Result<Begin, Error> {
        match value.first() {
            Some(&DONE) => {
                value.remove(0);
                Ok(Begin::Done(value))
            }
            Some(&IN_FLIGHT) => Ok(Begin::InFlight),
            _ => Err(Error::CorruptDedupEntry {
                key: cache_key.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod mark_tests {
    use super::*;

    #[test]
    fn marks_are_distinct_in_flight_marks() {
        let (a, b) = (new_mark(), new_mark());
        assert_ne!(a, b);
        assert_eq!(a.len(), 33);
        assert_eq!(a.first(), Some(&IN_FLIGHT));
        assert_eq!(a[1..17], b[1..17], "one process part per process");
    }
}
