//! One live socket: the app's [`Connection`] handle and the state shared with its tasks.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::{mpsc, watch};

use crate::auth::User;
use crate::close::{CloseReason, truncate};
use crate::frame::Frame;
use crate::hub::Hub;

/// Identifies a connection within one server (ids restart with each process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub(crate) u64);

impl ConnectionId {
    /// The number behind the id.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a frame was not queued for a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The connection is closed or closing.
    #[error("connection closed")]
    Closed,
    /// The send queue was full: the connection is being closed with 4429.
    #[error("send queue overflow; connection closed")]
    QueueOverflow,
    /// The frame could not be serialized.
    #[error("frame could not be serialized: {0}")]
    Encode(#[from] serde_json::Error),
}

/// What happened to one frame pushed to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    Queued,
    Overflow,
    Closed,
}

/// The state a connection's reader, writer and the registry share.
pub(crate) struct ConnShared {
    pub(crate) id: ConnectionId,
    pub(crate) user: User,
    queue: mpsc::Sender<Utf8Bytes>,
    closing: AtomicBool,
    close: watch::Sender<Option<CloseReason>>,
}

impl ConnShared {
    /// Shared state plus the receiving ends for the writer.
    pub(crate) fn new(
        id: ConnectionId,
        user: User,
        capacity: usize,
    ) -> (Arc<Self>, mpsc::Receiver<Utf8Bytes>) {
        let (queue, rx) = mpsc::channel(capacity);
        let (close, _) = watch::channel(None);
        let shared = Arc::new(Self {
            id,
            user,
            queue,
            closing: AtomicBool::new(false),
            close,
        });
        (shared, rx)
    }

    /// Queues a text frame without waiting; a full queue closes the connection (4429).
    pub(crate) fn push(&self, text: Utf8Bytes) -> Pushed {
        if self.closing.load(Ordering::Acquire) {
            return Pushed::Closed;
        }
        match self.queue.try_send(text) {
            Ok(()) => Pushed::Queued,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.request_close(CloseReason::QueueOverflow);
                Pushed::Overflow
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Pushed::Closed,
        }
    }

    /// Asks the connection's tasks to close it; the first reason wins. Returns whether this
    /// call's reason is the one that stands.
    pub(crate) fn request_close(&self, reason: CloseReason) -> bool {
        self.closing.store(true, Ordering::Release);
        self.close.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(reason);
                true
            } else {
                false
            }
        })
    }

    /// The reason that stands, once one was given.
    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.close.borrow().clone()
    }

    /// A receiver that wakes when a close is requested.
    pub(crate) fn close_signal(&self) -> watch::Receiver<Option<CloseReason>> {
        self.close.subscribe()
    }
}

/// The app's handle on one authenticated connection; cheap to clone and keep.
#[derive(Clone)]
pub struct Connection {
    pub(crate) shared: Arc<ConnShared>,
    pub(crate) hub: Hub,
}

impl Connection {
    /// This connection's id.
    pub fn id(&self) -> ConnectionId {
        self.shared.id
    }

    /// The authenticated user.
    pub fn user(&self) -> &User {
        &self.shared.user
    }

    /// The user's openid.
    pub fn openid(&self) -> &str {
        self.shared.user.openid()
    }

    /// The session id the connection authenticated with.
    pub fn session_id(&self) -> &str {
        self.shared.user.session_id()
    }

    /// The hub, to reach other users from a handler.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Queues a frame for this client without waiting. A full queue closes the connection
    /// with 4429 ([`SendError::QueueOverflow`]).
    pub fn reply(&self, frame: &Frame) -> Result<(), SendError> {
        let text = frame.to_text()?;
        match self.shared.push(Utf8Bytes::from(text)) {
            Pushed::Queued => Ok(()),
            Pushed::Overflow => Err(SendError::QueueOverflow),
            Pushed::Closed => Err(SendError::Closed),
        }
    }

    /// Closes the connection with this code and reason (cut to 123 bytes). Codes other than
    /// 1000 and 3000-4999 are replaced by 1000. Frames still queued may not be written.
    pub fn close(&self, code: u16, reason: impl Into<String>) {
        let code = if code == 1000 || (3000..5000).contains(&code) {
            code
        } else {
            1000
        };
        self.shared.request_close(CloseReason::ClosedByServer {
            code,
            reason: truncate(reason.into()),
        });
    }

    /// Whether a close was requested or happened.
    pub fn is_closing(&self) -> bool {
        self.shared.closing.load(Ordering::Acquire)
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("id", &self.shared.id)
            .field("user", &self.shared.user)
            .finish()
    }
}
