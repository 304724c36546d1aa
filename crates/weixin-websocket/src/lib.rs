//! Mini-program WebSocket hub for the weixin SDK: sessions, server push, heartbeats, scale-out.
//!
//! Part of the `weixin` workspace; see the repository README for the crate map.
//!
//! Mini programs connect with `wx.connectSocket({url: "wss://host/wxopen/ws?session_id=..."})`
//! and exchange JSON [`Frame`]s `{"type": "...", "data": ...}`. This crate:
//!
//! - authenticates each socket with the session id the login endpoint issued, through the
//!   app's [`Authenticator`] (from `?session_id=` or a first `auth` frame);
//! - calls the app's [`WebSocketHandler`]: `on_connect`, `on_message`, and `on_close` exactly
//!   once per connected socket, whatever ends it;
//! - keeps a registry by connection id, openid and session id, so the [`Hub`] can push to a
//!   user, a session, or everyone;
//! - pings, closes idle sockets, gives each socket a bounded send queue (a slow client is
//!   closed, never slows the others), rejects malformed or oversized frames with a clear
//!   close code ([`close::code`]), and shuts down cleanly;
//! - with feature `redis`, delivers sends to sockets held by other servers
//!   (`RedisBackplane`).
//!
//! ```no_run
//! use async_trait::async_trait;
//! use weixin_websocket::{AuthError, Authenticator, Connection, Frame, User, WebSocketHandler, WebSocketServer};
//!
//! struct Echo;
//!
//! #[async_trait]
//! impl WebSocketHandler for Echo {
//!     async fn on_message(&self, conn: &Connection, frame: Frame) {
//!         if frame.r#type == "echo" {
//!             let _ = conn.reply(&frame);
//!         }
//!     }
//! }
//!
//! struct Sessions; // in a real app: over weixin_wxopen's session container
//!
//! #[async_trait]
//! impl Authenticator for Sessions {
//!     async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError> {
//!         Ok((session_id == "demo").then(|| User::new("openid-demo", session_id)))
//!     }
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let server = WebSocketServer::builder(Echo, Sessions).build();
//! let app = axum::Router::new().merge(weixin_websocket::router(server.clone())); // GET /wxopen/ws
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
#![forbid(unsafe_code)]

mod auth;
#[cfg(feature = "redis")]
mod backplane;
pub mod close;
mod config;
mod connection;
mod frame;
mod handler;
mod hub;
mod registry;
mod route;
mod server;
mod socket;

pub use auth::{AuthError, Authenticator, User};
#[cfg(feature = "redis")]
pub use backplane::{
    BackplaneError, DEFAULT_CHANNEL, DEFAULT_OPERATION_TIMEOUT, RedisBackplane,
    RedisBackplaneConfig,
};
pub use close::CloseReason;
pub use config::{
    DEFAULT_AUTH_TIMEOUT, DEFAULT_CLOSE_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES,
    DEFAULT_PING_INTERVAL, DEFAULT_SEND_QUEUE_CAPACITY, WebSocketConfig,
};
pub use connection::{Connection, ConnectionId, SendError};
pub use frame::{Frame, FrameError};
pub use handler::WebSocketHandler;
pub use hub::{Hub, HubError};
pub use route::{ConnectQuery, DEFAULT_PATH, router, ws_handler};
pub use server::{WebSocketServer, WebSocketServerBuilder};
