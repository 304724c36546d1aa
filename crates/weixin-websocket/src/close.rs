//! Why a connection ended, and the close code the client sees.

use std::borrow::Cow;

/// The close codes this server sends (`wx.onSocketClose` gets them as `res.code`).
pub mod code {
    /// The client closed, or the app called [`Connection::close`](crate::Connection::close).
    pub const NORMAL: u16 = 1000;
    /// The server is shutting down: reconnect (to another server) after a short delay.
    pub const GOING_AWAY: u16 = 1001;
    /// The client sent a binary message; only JSON text frames are accepted.
    pub const UNSUPPORTED_DATA: u16 = 1003;
    /// The client sent text that is not a `{"type","data"}` JSON frame.
    pub const INVALID_PAYLOAD: u16 = 1007;
    /// The client sent a message larger than the configured limit (64 KiB by default).
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// The server failed: the authenticator returned an error, or a handler panicked.
    pub const INTERNAL_ERROR: u16 = 1011;
    /// Nothing (not even a pong) was received for the idle timeout.
    pub const IDLE_TIMEOUT: u16 = 4000;
    /// The session id is missing, unknown or expired: log in again, then reconnect.
    pub const UNAUTHORIZED: u16 = 4401;
    /// No `auth` frame arrived within the authentication timeout.
    pub const AUTH_TIMEOUT: u16 = 4408;
    /// The client read too slowly and its send queue overflowed.
    pub const QUEUE_OVERFLOW: u16 = 4429;
}

/// Why a connection ended; passed to
/// [`WebSocketHandler::on_close`](crate::WebSocketHandler::on_close).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The client sent a Close frame (`code` is absent when the frame had none).
    ClientClosed {
        /// The client's close code.
        code: Option<u16>,
        /// The client's reason text.
        reason: String,
    },
    /// The connection ended without a close handshake (network loss, client killed).
    ConnectionLost,
    /// Nothing was received for the idle timeout (code 4000).
    IdleTimeout,
    /// The bounded send queue was full: the client reads too slowly (code 4429).
    QueueOverflow,
    /// The client sent a binary message (code 1003).
    BinaryMessage,
    /// The client sent text that is not a frame (code 1007); the text says why.
    InvalidFrame(String),
    /// The client sent a message over the size limit (code 1009).
    MessageTooBig,
    /// [`WebSocketServer::shutdown`](crate::WebSocketServer::shutdown) (code 1001).
    ServerShutdown,
    /// The app closed the connection with [`Connection::close`](crate::Connection::close).
    ClosedByServer {
        /// The code sent to the client.
        code: u16,
        /// The reason sent to the client.
        reason: String,
    },
    /// A transport error or a handler panic (code 1011 when it can still be sent).
    Error(String),
}

impl CloseReason {
    /// The close code: the one sent to the client, or for [`ClientClosed`](Self::ClientClosed)
    /// the client's (1005 when it gave none), and 1006 for
    /// [`ConnectionLost`](Self::ConnectionLost).
    pub fn code(&self) -> u16 {
        match self {
            CloseReason::ClientClosed { code, .. } => code.unwrap_or(1005),
            CloseReason::ConnectionLost => 1006,
            CloseReason::IdleTimeout => code::IDLE_TIMEOUT,
            CloseReason::QueueOverflow => code::QUEUE_OVERFLOW,
            CloseReason::BinaryMessage => code::UNSUPPORTED_DATA,
            CloseReason::InvalidFrame(_) => code::INVALID_PAYLOAD,
            CloseReason::MessageTooBig => code::MESSAGE_TOO_BIG,
            CloseReason::ServerShutdown => code::GOING_AWAY,
            CloseReason::ClosedByServer { code, .. } => *code,
            CloseReason::Error(_) => code::INTERNAL_ERROR,
        }
    }

    /// The reason text (what the client sees in the Close frame when the server sends one).
    pub fn reason(&self) -> Cow<'_, str> {
        match self {
            CloseReason::ClientClosed { reason, .. } => Cow::Borrowed(reason),
            CloseReason::ConnectionLost => Cow::Borrowed("connection lost"),
            CloseReason::IdleTimeout => Cow::Borrowed("idle timeout"),
            CloseReason::QueueOverflow => Cow::Borrowed("send queue overflow"),
            CloseReason::BinaryMessage => Cow::Borrowed("binary messages are not supported"),
            CloseReason::InvalidFrame(why) => Cow::Owned(truncate(format!("invalid frame: {why}"))),
            CloseReason::MessageTooBig => Cow::Borrowed("message too big"),
            CloseReason::ServerShutdown => Cow::Borrowed("server shutting down"),
            CloseReason::ClosedByServer { reason, .. } => Cow::Borrowed(reason),
            CloseReason::Error(_) => Cow::Borrowed("internal error"),
        }
    }

    /// Whether the server sends a Close frame for this reason (not when the client closed
    /// first, nor when the connection is already gone).
    pub(crate) fn server_sends_close(&self) -> bool {
        !matches!(
            self,
            CloseReason::ClientClosed { .. } | CloseReason::ConnectionLost
        )
    }
}

/// A Close frame's reason must fit in 123 bytes.
pub(crate) fn truncate(mut text: String) -> String {
    const MAX: usize = 123;
    if text.len() > MAX {
        let mut end = MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fit_in_a_close_frame() {
        let long = CloseReason::InvalidFrame("é".repeat(200));
        assert!(long.reason().len() <= 123);
        assert_eq!(CloseReason::QueueOverflow.code(), 4429);
        assert_eq!(CloseReason::ServerShutdown.code(), 1001);
    }
}
