//! Who is on the other end: the [`Authenticator`] the app implements over its session store.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use weixin_core::Secret;

/// An authenticated mini-program user.
///
/// The session id is the "3rd-session" id the login endpoint issued: a bearer credential, so
/// `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    openid: String,
    session_id: Secret,
}

impl User {
    /// A user with this openid, connected with this session id.
    pub fn new(openid: impl Into<String>, session_id: impl Into<String>) -> Self {
        Self {
            openid: openid.into(),
            session_id: Secret::new(session_id.into()),
        }
    }

    /// The user's openid.
    pub fn openid(&self) -> &str {
        &self.openid
    }

    /// The session id the connection authenticated with.
    pub fn session_id(&self) -> &str {
        self.session_id.expose()
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("openid", &self.openid)
            .field("session_id", &"<redacted>")
            .finish()
    }
}

/// The error an [`Authenticator`] returns when it cannot answer (store down): the client is
/// closed with 1011, not 4401.
pub type AuthError = Box<dyn std::error::Error + Send + Sync>;

/// Resolves the session id a client presents into a [`User`].
///
/// Implement it over the mini-program session container (the sample app uses
/// `weixin_wxopen::SessionContainer`); this crate does not depend on it.
///
/// ```
/// use async_trait::async_trait;
/// use weixin_websocket::{AuthError, Authenticator, User};
///
/// struct Fixed;
///
/// #[async_trait]
/// impl Authenticator for Fixed {
///     async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError> {
///         Ok((session_id == "good").then(|| User::new("openid-1", session_id)))
///     }
/// }
/// ```
#[async_trait]
pub trait Authenticator: Send + Sync + 'static {
    /// `Ok(Some(user))` for a valid session, `Ok(None)` for an unknown or expired one (close
    /// 4401), `Err` when the store cannot answer (close 1011).
    async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError>;
}

#[async_trait]
impl<T: Authenticator + ?Sized> Authenticator for Arc<T> {
    async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError> {
        (**self).authenticate(session_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_session_id() {
        let user = User::new("o-1", "very-secret-session");
        let printed = format!("{user:?}");
        assert!(printed.contains("o-1"));
        assert!(!printed.contains("very-secret-session"));
        assert_eq!(user.session_id(), "very-secret-session");
    }
}
