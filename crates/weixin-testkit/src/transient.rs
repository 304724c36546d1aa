//! Assertions for failure tests: an operation fails transiently while a server is down or
//! frozen, and succeeds again once it is back.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

use weixin_core::cache::CacheError;

/// How often [`retry_until_ok`] retries.
const RETRY_EVERY: Duration = Duration::from_millis(100);

/// Asserts that `result` is a transient error from the backend named `backend`, and returns it.
///
/// ```
/// use weixin_core::cache::{CacheError, CacheErrorKind};
/// use weixin_testkit::expect_transient;
///
/// let down: Result<(), CacheError> =
///     Err(CacheError::new(CacheErrorKind::Unavailable, "redis", "down"));
/// let err = expect_transient(down, "redis", "get while the server is down");
/// assert_eq!(err.kind(), CacheErrorKind::Unavailable);
/// ```
///
/// # Panics
///
/// When `result` is `Ok`, a permanent error, or an error from another backend; the message
/// starts with `what`.
#[track_caller]
pub fn expect_transient<T: Debug>(
    result: Result<T, CacheError>,
    backend: &str,
    what: &str,
) -> CacheError {
    match result {
        Ok(v) => panic!("{what}: expected an error, got Ok({v:?})"),
        Err(e) => {
            assert!(
                e.is_transient(),
                "{what}: expected a transient error, got {e}"
            );
            assert_eq!(e.backend(), backend, "{what}: the error's backend");
            e
        }
    }
}

/// Runs `op` every 100 ms until it succeeds and returns its value; transient errors are
/// retried until `within` has passed.
///
/// # Panics
///
/// On a permanent error, or when `op` still fails after `within`; the message starts with
/// `what`.
pub async fn retry_until_ok<T, F, Fut>(within: Duration, what: &str, mut op: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CacheError>>,
{
    let deadline = Instant::now() + within;
    loop {
        match op().await {
            Ok(value) => return value,
            Err(e) if Instant::now() < deadline => {
                assert!(e.is_transient(), "{what}: unexpected error: {e}");
                tokio::time::sleep(RETRY_EVERY).await;
            }
            Err(e) => panic!("{what}: still failing after {within:?}: {e}"),
        }
    }
}
