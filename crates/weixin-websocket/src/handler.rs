//! The app's side of a connection: [`WebSocketHandler`].

use std::sync::Arc;

use async_trait::async_trait;

use crate::close::CloseReason;
use crate::connection::Connection;
use crate::frame::Frame;

/// What the app does when a client connects, sends a frame, or goes away.
///
/// For every connection that reaches [`on_connect`](Self::on_connect), the server calls
/// [`on_close`](Self::on_close) exactly once, whatever ends it: the client closing, an idle
/// timeout, a send-queue overflow, a malformed frame, [`WebSocketServer::shutdown`], an error.
/// Frames of one connection are handled one at a time, in order.
///
/// [`WebSocketServer::shutdown`]: crate::WebSocketServer::shutdown
///
/// ```
/// use async_trait::async_trait;
/// use weixin_websocket::{Connection, Frame, WebSocketHandler};
///
/// struct Echo;
///
/// #[async_trait]
/// impl WebSocketHandler for Echo {
///     async fn on_message(&self, conn: &Connection, frame: Frame) {
///         if frame.r#type == "echo" {
///             let _ = conn.reply(&frame);
///         }
///     }
/// }
/// ```
#[async_trait]
pub trait WebSocketHandler: Send + Sync + 'static {
    /// The connection is authenticated and registered (sends to its user reach it already).
    async fn on_connect(&self, conn: &Connection) {
        let _ = conn;
    }

    /// A frame arrived (never one of the reserved types `auth` and `ping`).
    async fn on_message(&self, conn: &Connection, frame: Frame);

    /// The connection ended; it is no longer registered, so sends no longer reach it.
    async fn on_close(&self, conn: &Connection, reason: CloseReason) {
        let _ = (conn, reason);
    }
}

#[async_trait]
impl<T: WebSocketHandler + ?Sized> WebSocketHandler for Arc<T> {
    async fn on_connect(&self, conn: &Connection) {
        (**self).on_connect(conn).await
    }

    async fn on_message(&self, conn: &Connection, frame: Frame) {
        (**self).on_message(conn, frame).await
    }

    async fn on_close(&self, conn: &Connection, reason: CloseReason) {
        (**self).on_close(conn, reason).await
    }
}
