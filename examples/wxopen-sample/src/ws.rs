//! The WebSocket at `GET /wxopen/ws`: clients authenticate with the session id of
//! `POST /wxopen/login` (`?session_id=...`), and `{"type":"echo","data":X}` comes back as is.

use async_trait::async_trait;
use weixin::mini_program::SessionContainer;
use weixin::websocket::{AuthError, Authenticator, Connection, Frame, User, WebSocketHandler};

/// Echoes `echo` frames; any other type gets `{"type":"error","data":"unknown frame type ..."}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct EchoHandler;

#[async_trait]
impl WebSocketHandler for EchoHandler {
    async fn on_message(&self, conn: &Connection, frame: Frame) {
        let answer = if frame.r#type == "echo" {
            frame
        } else {
            Frame::new(
                "error",
                serde_json::Value::String(format!("unknown frame type `{}`", frame.r#type)),
            )
        };
        // A full queue or a closing socket: the library closes it; nothing to add here.
        let _ = conn.reply(&answer);
    }
}

/// Resolves a socket's session id through the login sessions (shared cache).
#[derive(Debug, Clone)]
pub struct SessionAuth {
    sessions: SessionContainer,
}

impl SessionAuth {
    /// Authenticates against `sessions`.
    pub fn new(sessions: SessionContainer) -> Self {
        Self { sessions }
    }
}

#[async_trait]
impl Authenticator for SessionAuth {
    async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError> {
        match self.sessions.get(session_id).await {
            Ok(session) => Ok(Some(User::new(session.openid, session_id))),
            Err(e) if e.needs_login() => Ok(None),
            Err(e) => Err(Box::new(e)),
        }
    }
}
