//! The lease of an in-flight mark: short, renewed by its live owner, expired when the owner's
//! server dies so that a retry can take the push over.

use std::future::Future;
use std::time::Duration;

use super::{DedupTicket, Deduplicator};
use crate::Error;

/// The default lease of an in-flight mark: WeChat retries about 5 s after a delivery it got no
/// answer to, so a retry of a push whose server died finds the mark expired soon after it
/// arrives (the first retry or, at worst, the second).
pub const DEFAULT_DEDUP_LEASE: Duration = Duration::from_secs(6);

/// The shortest lease: shorter ones would renew too often, and Memcached counts TTLs in whole
/// seconds anyway.
pub const MIN_DEDUP_LEASE: Duration = Duration::from_secs(1);

/// Renewals per lease: the owner renews every third of the lease, so two renewals in a row
/// can fail (or be late) before the claim is lost.
const RENEWALS_PER_LEASE: u32 = 3;

impl Deduplicator {
    /// Sets how long an in-flight mark lives without a renewal (default 6 s). It is kept
    /// within [`MIN_DEDUP_LEASE`] (1 s) and the [TTL](Self::ttl).
    ///
    /// Shorter leases let a retry take over the push of a dead server sooner; the owner renews
    /// every third of the lease, so each renewal must reach the cache within that time.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The lease in force: the configured one, kept within [`MIN_DEDUP_LEASE`] and the
    /// [TTL](Self::ttl).
    pub fn lease(&self) -> Duration {
        self.lease.max(MIN_DEDUP_LEASE).min(self.ttl)
    }

    /// Renews the ticket's in-flight mark for another [lease](Self::lease), only if the entry
    /// is still exactly this ticket's mark (a compare-and-swap): a finished entry or another
    /// run's claim is never overwritten.
    ///
    /// Returns `false` when the mark is gone (the lease ran out, or the push was completed or
    /// abandoned) or replaced by another run's claim: the ticket has lost the push.
    pub async fn renew(&self, ticket: &DedupTicket) -> Result<bool, Error> {
        Ok(self
            .cache
            .compare_and_swap(
                &ticket.key,
                Some(&ticket.mark),
                &ticket.mark,
                Some(self.lease()),
            )
            .await?)
    }

    /// Runs `work` (the handler) while keeping the ticket's claim alive: the mark is
    /// [renewed](Self::renew) every third of the lease until `work` finishes, so a live run
    /// never loses its claim however long it takes. Then [`complete`](Self::complete) or
    /// [`abandon`](Self::abandon) the ticket.
    ///
    /// Work that finishes on its first poll costs no timer. If a renewal finds the mark gone
    /// or replaced, a warning is logged and renewing stops (`work` still runs to the end; the
    /// `complete` that follows then stores nothing over the other run's entry). A renewal that
    /// fails with a cache error is logged and tried again at the next interval.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use std::sync::Arc;
    /// use weixin_context::{Begin, DedupKey, Deduplicator};
    /// use weixin_core::cache::MemoryCache;
    ///
    /// let dedup = Deduplicator::new(Arc::new(MemoryCache::new()));
    /// let key = DedupKey::message("wx1", 6074746557628292943);
    /// if let Begin::First(ticket) = dedup.begin(&key).await? {
    ///     let reply = dedup
    ///         .keep_alive(&ticket, async {
    ///             // The handler: however long it runs, the claim stays ours.
    ///             b"<xml>...</xml>".to_vec()
    ///         })
    ///         .await;
    ///     dedup.complete(ticket, &reply).await?;
    /// }
    /// # Ok::<_, weixin_context::Error>(()) }).unwrap();
    /// ```
    pub async fn keep_alive<F: Future>(&self, ticket: &DedupTicket, work: F) -> F::Output {
        let mut work = std::pin::pin!(work);
        tokio::select! {
            biased;
            output = &mut work => return output,
            () = self.renew_until_lost(ticket) => {}
        }
        work.await
    }

    /// Renews the mark every third of the lease; returns once it is lost.
    async fn renew_until_lost(&self, ticket: &DedupTicket) {
        let every = self.lease() / RENEWALS_PER_LEASE;
        loop {
            tokio::time::sleep(every).await;
            match self.renew(ticket).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(
                        key = %ticket.key,
                        "lost the in-flight claim of a push (its lease ran out, or another run took it over); stopped renewing it"
                    );
                    return;
                }
                Err(error) => tracing::warn!(
                    key = %ticket.key,
                    %error,
                    "could not renew the in-flight claim of a push; trying again"
                ),
            }
        }
    }
}
