//! [`WebSocketServer`]: the handler, the authenticator, the hub and the live tasks.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

use crate::auth::Authenticator;
use crate::config::WebSocketConfig;
use crate::handler::WebSocketHandler;
use crate::hub::Hub;

/// The WebSocket endpoint: authenticates clients, runs each connection, and owns the [`Hub`].
///
/// Cheap to clone (it is the axum state of [`ws_handler`](crate::ws_handler)).
///
/// ```no_run
/// # use async_trait::async_trait;
/// # use weixin_websocket::*;
/// # struct Echo;
/// # #[async_trait] impl WebSocketHandler for Echo { async fn on_message(&self, c: &Connection, f: Frame) { let _ = c.reply(&f); } }
/// # struct Sessions;
/// # #[async_trait] impl Authenticator for Sessions {
/// #     async fn authenticate(&self, s: &str) -> Result<Option<User>, AuthError> { Ok(None) } }
/// # async fn demo() -> std::io::Result<()> {
/// let server = WebSocketServer::builder(Echo, Sessions).build();
/// let app = axum::Router::new().merge(weixin_websocket::router(server.clone()));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// let serving = tokio::spawn(async move { axum::serve(listener, app).await });
/// // ... later, push from anywhere:
/// let _ = server.hub().send_to_user("openid", &Frame::new("notice", "hello".into())).await;
/// // ... and on exit: every socket closed with 1001, every on_close has returned.
/// server.shutdown().await;
/// # serving.abort(); Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebSocketServer {
    pub(crate) inner: Arc<ServerInner>,
}

pub(crate) struct ServerInner {
    pub(crate) hub: Hub,
    pub(crate) handler: Arc<dyn WebSocketHandler>,
    pub(crate) auth: Arc<dyn Authenticator>,
    pub(crate) config: WebSocketConfig,
    pub(crate) shutdown: watch::Sender<bool>,
    tasks: watch::Sender<usize>,
}

/// Builds a [`WebSocketServer`].
pub struct WebSocketServerBuilder {
    handler: Arc<dyn WebSocketHandler>,
    auth: Arc<dyn Authenticator>,
    config: WebSocketConfig,
    #[cfg(feature = "redis")]
    backplane: Option<crate::backplane::RedisBackplane>,
}

impl WebSocketServerBuilder {
    /// Timeouts and limits (default: [`WebSocketConfig::default`]).
    pub fn config(mut self, config: WebSocketConfig) -> Self {
        self.config = config;
        self
    }

    /// Delivers sends to sockets held by other servers through Redis pub/sub.
    #[cfg(feature = "redis")]
    pub fn backplane(mut self, backplane: crate::backplane::RedisBackplane) -> Self {
        self.backplane = Some(backplane);
        self
    }

    /// The server.
    pub fn build(self) -> WebSocketServer {
        #[cfg(feature = "redis")]
        let hub = Hub::new(self.backplane);
        #[cfg(not(feature = "redis"))]
        let hub = Hub::new();
        WebSocketServer {
            inner: Arc::new(ServerInner {
                hub,
                handler: self.handler,
                auth: self.auth,
                config: self.config,
                shutdown: watch::channel(false).0,
                tasks: watch::channel(0).0,
            }),
        }
    }
}

impl WebSocketServer {
    /// A builder with the app's handler and authenticator.
    pub fn builder(
        handler: impl WebSocketHandler,
        authenticator: impl Authenticator,
    ) -> WebSocketServerBuilder {
        WebSocketServerBuilder {
            handler: Arc::new(handler),
            auth: Arc::new(authenticator),
            config: WebSocketConfig::default(),
            #[cfg(feature = "redis")]
            backplane: None,
        }
    }

    /// The hub, to push frames to clients.
    pub fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    /// Whether [`shutdown`](Self::shutdown) was called (new upgrades get 503).
    pub fn is_shutting_down(&self) -> bool {
        *self.inner.shutdown.borrow()
    }

    /// Refuses new connections, closes every connection with 1001 "server shutting down"
    /// (connections still authenticating included), and returns once every connection task
    /// has ended, so every `on_close` has returned. Call it before stopping the HTTP server.
    pub async fn shutdown(&self) {
        self.inner.shutdown.send_replace(true);
        let mut tasks = self.inner.tasks.subscribe();
        let _ = tasks.wait_for(|live| *live == 0).await;
    }

    /// Counts a connection task, or `None` when shutting down.
    pub(crate) fn start_task(&self) -> Option<TaskGuard> {
        self.inner.tasks.send_modify(|live| *live += 1);
        let guard = TaskGuard(self.inner.clone());
        if self.is_shutting_down() {
            return None; // the guard's drop undoes the count
        }
        Some(guard)
    }
}

impl fmt::Debug for WebSocketServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketServer")
            .field("hub", &self.inner.hub)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// One live connection task; shutdown waits for all of them to drop.
pub(crate) struct TaskGuard(pub(crate) Arc<ServerInner>);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0
            .tasks
            .send_modify(|live| *live = live.saturating_sub(1));
    }
}
