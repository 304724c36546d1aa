//! Server push: [`Hub`] sends frames to a user, a session, or everyone.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::ws::Utf8Bytes;

use crate::connection::{ConnShared, ConnectionId, Pushed};
use crate::frame::Frame;
use crate::registry::{Registry, Target};

/// Why a send did not fully succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HubError {
    /// The frame could not be serialized; nothing was sent.
    #[error("frame could not be serialized: {0}")]
    Encode(#[from] serde_json::Error),
    /// Local sockets got the frame, but publishing it to the other servers failed.
    #[error(
        "delivered to {local} local connection(s), but publishing to other servers failed: {message}"
    )]
    Backplane {
        /// How many local connections got the frame.
        local: usize,
        /// What went wrong.
        message: String,
    },
}

/// Sends frames to connected clients; cheap to clone, get it from
/// [`WebSocketServer::hub`](crate::WebSocketServer::hub) or
/// [`Connection::hub`](crate::Connection::hub).
///
/// Every send serializes the frame once and queues it, without waiting, on each matching
/// local connection; it returns how many local connections queued it. A connection whose
/// queue is full is closed (4429) and not counted. With the Redis backplane every send is
/// also published, and the other servers deliver it to the sockets they hold (a user may be
/// connected to several servers at once, from several devices).
#[derive(Clone)]
pub struct Hub {
    pub(crate) inner: Arc<HubInner>,
}

pub(crate) struct HubInner {
    pub(crate) registry: Registry,
    next_id: AtomicU64,
    #[cfg(feature = "redis")]
    pub(crate) backplane: Option<crate::backplane::RedisBackplane>,
}

impl Hub {
    #[cfg(not(feature = "redis"))]
    pub(crate) fn new() -> Self {
        Self {
            inner: Arc::new(HubInner {
                registry: Registry::default(),
                next_id: AtomicU64::new(1),
            }),
        }
    }

    #[cfg(feature = "redis")]
    pub(crate) fn new(backplane: Option<crate::backplane::RedisBackplane>) -> Self {
        let hub = Self {
            inner: Arc::new(HubInner {
                registry: Registry::default(),
                next_id: AtomicU64::new(1),
                backplane,
            }),
        };
        if let Some(backplane) = &hub.inner.backplane {
            backplane.attach(Arc::downgrade(&hub.inner));
        }
        hub
    }

    pub(crate) fn next_id(&self) -> ConnectionId {
        ConnectionId(self.inner.next_id.fetch_add(1, Ordering::Relaxed))
    }

    pub(crate) fn register(&self, conn: Arc<ConnShared>) {
        self.inner.registry.insert(conn);
    }

    pub(crate) fn unregister(&self, id: ConnectionId) {
        self.inner.registry.remove(id);
    }

    /// Sends to every connection of the user with this openid.
    pub async fn send_to_user(&self, openid: &str, frame: &Frame) -> Result<usize, HubError> {
        self.send(Target::User(openid.to_owned()), frame).await
    }

    /// Sends to the connection(s) that authenticated with this session id.
    pub async fn send_to_session(
        &self,
        session_id: &str,
        frame: &Frame,
    ) -> Result<usize, HubError> {
        self.send(Target::Session(session_id.to_owned()), frame)
            .await
    }

    /// Sends to every connection.
    pub async fn broadcast(&self, frame: &Frame) -> Result<usize, HubError> {
        self.send(Target::All, frame).await
    }

    /// Connections open on this server.
    pub fn connection_count(&self) -> usize {
        self.inner.registry.connections()
    }

    /// Distinct users connected to this server.
    pub fn user_count(&self) -> usize {
        self.inner.registry.users()
    }

    /// Connections of this user on this server.
    pub fn user_connection_count(&self, openid: &str) -> usize {
        self.inner.registry.user_connections(openid)
    }

    async fn send(&self, target: Target, frame: &Frame) -> Result<usize, HubError> {
        let text = Utf8Bytes::from(frame.to_text()?);
        let local = self.inner.deliver_local(&target, &text);
        #[cfg(feature = "redis")]
        if let Some(backplane) = &self.inner.backplane {
            backplane
                .publish(&target, &text)
                .await
                .map_err(|message| HubError::Backplane { local, message })?;
        }
        Ok(local)
    }
}

impl HubInner {
    /// Queues the text on every local connection of the target; returns how many took it.
    pub(crate) fn deliver_local(&self, target: &Target, text: &Utf8Bytes) -> usize {
        let mut queued = 0;
        self.registry.for_each(target, |conn| {
            if conn.push(text.clone()) == Pushed::Queued {
                queued += 1;
            }
        });
        queued
    }
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hub")
            .field("connections", &self.connection_count())
            .finish_non_exhaustive()
    }
}
