//! [`AccessTokenSource`]: where an [`ApiClient`](super::ApiClient) gets its access token.

use async_trait::async_trait;

use crate::error::Error;
use crate::secret::Secret;

/// Supplies access tokens to an [`ApiClient`](super::ApiClient) and takes back rejected ones.
///
/// The registry implements it over the shared [`AccessTokenContainer`](crate::token::AccessTokenContainer);
/// implement it yourself to read tokens from a central token service.
#[async_trait]
pub trait AccessTokenSource: Send + Sync + 'static {
    /// A token believed to be valid.
    async fn access_token(&self) -> Result<Secret, Error>;

    /// WeChat rejected `token` (40001/40014/42001/41001): drop exactly this token so the next
    /// [`access_token`](Self::access_token) call returns a fresh one.
    async fn invalidate(&self, token: &Secret) -> Result<(), Error>;
}
