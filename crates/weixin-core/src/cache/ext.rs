//! [`CacheExt`]: typed (serde JSON) helpers on any [`Cache`].

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Cache, CacheError, CacheErrorKind};

/// Typed helpers on every [`Cache`], including `Arc<dyn Cache>` and `dyn Cache`: values are
/// stored as JSON.
///
/// A value that cannot be encoded or decoded gives a [`CacheErrorKind::Serialization`] error.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use serde::{Deserialize, Serialize};
/// use weixin_core::cache::{Cache, CacheExt, MemoryCache};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// struct Session { openid: String, step: u32 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), weixin_core::cache::CacheError> {
/// let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
/// let session = Session { openid: "o123".into(), step: 2 };
/// cache.set_json("weixin:session:wx123:o123", &session, Some(Duration::from_secs(600))).await?;
/// let read: Option<Session> = cache.get_json("weixin:session:wx123:o123").await?;
/// assert_eq!(read, Some(session));
/// # Ok(())
/// # }
/// ```
pub trait CacheExt: Cache {
    /// Reads and decodes a JSON value; `Ok(None)` when the key is absent or expired.
    fn get_json<T: DeserializeOwned>(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<T>, CacheError>> + Send {
        async move {
            match self.get(key).await? {
                Some(bytes) => serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| serialization(self.backend_name(), "decode", key, e)),
                None => Ok(None),
            }
        }
    }

    /// Encodes `value` as JSON and stores it unconditionally (see [`Cache::set`]).
    fn set_json<T: Serialize + Sync + ?Sized>(
        &self,
        key: &str,
        value: &T,
        ttl: Option<Duration>,
    ) -> impl Future<Output = Result<(), CacheError>> + Send {
        async move {
            let bytes = encode(self.backend_name(), key, value)?;
            self.set(key, &bytes, ttl).await
        }
    }

    /// Encodes `value` as JSON and stores it only if the key is absent (see [`Cache::add`]);
    /// returns whether this call stored it.
    fn add_json<T: Serialize + Sync + ?Sized>(
        &self,
        key: &str,
        value: &T,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, CacheError>> + Send {
        async move {
            let bytes = encode(self.backend_name(), key, value)?;
            self.add(key, &bytes, ttl).await
        }
    }
}

impl<C: Cache + ?Sized> CacheExt for C {}

fn encode<T: Serialize + ?Sized>(
    backend: &'static str,
    key: &str,
    value: &T,
) -> Result<Vec<u8>, CacheError> {
    serde_json::to_vec(value).map_err(|e| serialization(backend, "encode", key, e))
}

fn serialization(
    backend: &'static str,
    action: &str,
    key: &str,
    error: serde_json::Error,
) -> CacheError {
    CacheError::new(
        CacheErrorKind::Serialization,
        backend,
        format!("cannot {action} the JSON value of `{key}`: {error}"),
    )
    .with_source(error)
}
