//! Wiring: configuration -> cache, registry, pipeline, sessions, WebSocket -> one axum router;
//! and serving it with a graceful shutdown.

use std::future::Future;

use tokio::net::TcpListener;
use weixin::axum::Router;
use weixin::mini_program::WxPipeline;
use weixin::websocket::WebSocketServer;
use weixin::{AppConfig, MiniProgram, Weixin};

use crate::config::{CacheChoice, Config};
use crate::handler::SampleHandler;
use crate::routes::{self, RouteState};
use crate::ws::{EchoHandler, SessionAuth};

/// The push callback path (`GET` URL verification, `POST` pushes).
pub const PUSH_PATH: &str = "/wxopen";

/// Why the app could not start. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The cache backend could not be reached.
    #[error("WEIXIN_CACHE: cannot use the cache: {0}")]
    Cache(#[from] weixin::cache::CacheError),
    /// The app registration was refused.
    #[error("cannot register the app: {0}")]
    Registry(#[from] weixin::Error),
    /// The push pipeline was refused.
    #[error("cannot build the push pipeline: {0}")]
    Pipeline(#[from] weixin::push::BuildError),
    /// The WebSocket's Redis backplane could not connect.
    #[error("WEIXIN_CACHE: cannot start the WebSocket backplane: {0}")]
    Backplane(String),
}

/// The running parts of the app.
#[derive(Debug)]
pub struct App {
    /// Every endpoint of the sample (see the crate docs).
    pub router: Router,
    /// The WebSocket server (closed first on shutdown).
    pub websocket: WebSocketServer,
    /// The registry (token counters for logs and tests).
    pub weixin: Weixin,
}

/// The pipeline type of the sample.
pub type SamplePipeline = WxPipeline<SampleHandler>;

impl App {
    /// Connects the cache and builds every part.
    ///
    /// # Errors
    /// [`StartError`].
    pub async fn build(config: &Config) -> Result<Self, StartError> {
        let cache = crate::cache::connect(&config.cache).await?;
        let cache_name = cache.backend_name();
        // The cache is given once, here: tokens, dedup, contexts and sessions all use it.
        let weixin = Weixin::builder()
            .cache(cache)
            .api_base(config.api_base.clone())
            .build()?;
        let app = MiniProgram::register(
            &weixin,
            AppConfig::new(config.appid.clone(), config.appsecret.clone())
                .push_token(config.token.clone())
                .maybe_encoding_aes_key(config.encoding_aes_key.clone())
                .maybe_api_signing(config.api_signing.clone()),
        )?;
        let sessions = app.sessions().clone();
        let push = app.push_router(PUSH_PATH, SampleHandler::new(app.api().custom()))?;

        let websocket = websocket(config, SessionAuth::new(sessions.clone())).await?;
        let router = Router::new()
            .merge(push)
            .merge(routes::router(RouteState {
                sessions,
                cache: cache_name,
            }))
            .merge(weixin::websocket::router(websocket.clone()));
        Ok(Self {
            router,
            websocket,
            weixin,
        })
    }

    /// Serves until `shutdown` completes, then closes the WebSockets, stops accepting, and
    /// waits for the requests in flight (their handlers run to the end).
    ///
    /// # Errors
    /// The server's I/O error.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let websocket = self.websocket.clone();
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: closing WebSockets, finishing requests in flight");
            websocket.shutdown().await;
        };
        weixin::axum::serve(listener, self.router)
            .with_graceful_shutdown(signal)
            .await
    }
}

#[cfg(feature = "redis")]
async fn websocket(config: &Config, auth: SessionAuth) -> Result<WebSocketServer, StartError> {
    use weixin::websocket::{RedisBackplane, RedisBackplaneConfig};
    let builder = WebSocketServer::builder(EchoHandler, auth);
    let CacheChoice::Redis(url) = &config.cache else {
        return Ok(builder.build());
    };
    let backplane = RedisBackplane::connect(
        RedisBackplaneConfig::new(url.expose()).channel(format!("weixin:ws:{}", config.appid)),
    )
    .await
    .map_err(|e| StartError::Backplane(e.to_string()))?;
    Ok(builder.backplane(backplane).build())
}

#[cfg(not(feature = "redis"))]
async fn websocket(config: &Config, auth: SessionAuth) -> Result<WebSocketServer, StartError> {
    let _: &CacheChoice = &config.cache;
    Ok(WebSocketServer::builder(EchoHandler, auth).build())
}
