//! The one error type of this crate.

use weixin_core::cache::CacheError;

/// An error from the context store or the deduplicator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The shared cache failed. Check the backend (connection, timeouts); see
    /// [`CacheError::is_transient`] to decide whether to retry.
    #[error("cache operation failed: {0}")]
    Cache(#[from] CacheError),

    /// Every optimistic update attempt lost to a concurrent write of the same user's context.
    ///
    /// Nothing was written by this call. Retry it, or raise
    /// [`ContextStoreBuilder::max_attempts`](crate::ContextStoreBuilder::max_attempts) if one
    /// user really receives this many simultaneous pushes.
    #[error(
        "context `{key}` was changed concurrently on each of {attempts} update attempts; \
         nothing was written (retry, or raise max_attempts)"
    )]
    Contended {
        /// The cache key of the contended context.
        key: String,
        /// How many read-modify-write attempts were made.
        attempts: u32,
    },

    /// The context could not be serialized (a `Serialize` impl of the request, response or
    /// storage type failed, e.g. a map with non-string keys).
    #[error("could not serialize the message context `{key}`: {source}")]
    Serialize {
        /// The cache key of the context.
        key: String,
        /// The serializer's error.
        #[source]
        source: serde_json::Error,
    },

    /// A dedup key holds a value this crate did not write (another program uses the same key
    /// space). Give the deduplicator its own key prefix.
    #[error(
        "dedup entry `{key}` holds a value not written by a Deduplicator; use a separate key prefix"
    )]
    CorruptDedupEntry {
        /// The cache key.
        key: String,
    },
}

impl Error {
    /// Whether the operation may succeed if retried: contention, or a transient cache failure.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Cache(e) => e.is_transient(),
            Error::Contended { .. } => true,
            Error::Serialize { .. } | Error::CorruptDedupEntry { .. } => false,
        }
    }

    /// Whether this is [`Error::Contended`].
    pub fn is_contended(&self) -> bool {
        matches!(self, Error::Contended { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weixin_core::cache::CacheErrorKind;

    #[test]
    fn retryable_predicates() {
        let transient = Error::from(CacheError::new(CacheErrorKind::Timeout, "redis", "slow"));
        assert!(transient.is_retryable());
        let bad = Error::from(CacheError::new(
            CacheErrorKind::InvalidInput,
            "redis",
            "big",
        ));
        assert!(!bad.is_retryable());
        let contended = Error::Contended {
            key: "k".into(),
            attempts: 3,
        };
        assert!(contended.is_retryable() && contended.is_contended());
        assert!(contended.to_string().contains("3 update attempts"));
    }
}
