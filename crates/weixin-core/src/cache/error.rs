use std::fmt;

/// What kind of failure a cache operation hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CacheErrorKind {
    /// The server could not be reached or the connection broke.
    Unavailable,
    /// The operation did not finish within the configured timeout.
    Timeout,
    /// The server answered something the backend did not expect.
    Protocol,
    /// A typed value could not be serialized or deserialized.
    Serialization,
    /// The value or key is not acceptable to this backend (e.g. too large).
    InvalidInput,
}

/// An error from a cache or lock backend.
#[derive(Debug)]
pub struct CacheError {
    kind: CacheErrorKind,
    backend: &'static str,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl CacheError {
    /// Creates an error of `kind` from `backend` with a human-readable message.
    pub fn new(kind: CacheErrorKind, backend: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            backend,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> CacheErrorKind {
        self.kind
    }

    /// The backend that failed, e.g. `"redis"`.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Whether retrying later may succeed (connection or timeout problems).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            CacheErrorKind::Unavailable | CacheErrorKind::Timeout
        )
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cache: {:?}: {}",
            self.backend, self.kind, self.message
        )
    }
}

impl std::error::Error for CacheError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
