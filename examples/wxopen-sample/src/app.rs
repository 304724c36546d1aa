//! Wiring: configuration -> cache, registry, pipeline, sessions, WebSocket -> one axum router;
//! and serving it with a graceful shutdown.

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;
use weixin_core::{AppConfig, Weixin};
use weixin_mp::pipeline::{Pipeline, PushConfig};
use weixin_websocket::WebSocketServer;
use weixin_wxopen::{SessionContainer, WxMessage, WxOpen, WxOpenApi};

use crate::cache::Backend;
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
    Cache(#[from] weixin_core::cache::CacheError),
    /// The app registration was refused.
    #[error("cannot register the app: {0}")]
    Registry(#[from] weixin_core::Error),
    /// The push pipeline was refused.
    #[error("cannot build the push pipeline: {0}")]
    Pipeline(#[from] weixin_mp::pipeline::BuildError),
    /// The WebSocket's Redis backplane could not connect.
    #[error("WEIXIN_CACHE: cannot start the WebSocket backplane: {0}")]
    Backplane(String),
}

/// The running parts of the app.
#[derive(Debug)]
pub struct App {
    /// Every endpoint of DESIGN §9.
    pub router: Router,
    /// The WebSocket server (closed first on shutdown).
    pub websocket: WebSocketServer,
    /// The registry (token counters for logs and tests).
    pub weixin: Weixin,
}

/// The pipeline type of the sample.
pub type SamplePipeline = Pipeline<WxMessage, WxOpen<SampleHandler>>;

impl App {
    /// Connects the cache and builds every part.
    ///
    /// # Errors
    /// [`StartError`].
    pub async fn build(config: &Config) -> Result<Self, StartError> {
        let backend = Backend::connect(&config.cache).await?;
        let weixin = Weixin::builder()
            .cache(backend.cache.clone())
            .lock(backend.lock.clone())
            .api_base(config.api_base.clone())
            .app(AppConfig::new(
                config.appid.clone(),
                config.appsecret.clone(),
            ))
            .build()?;
        let app = weixin.app(&config.appid)?;
        let api = WxOpenApi::new(app.clone());
        let sessions = SessionContainer::new(app, weixin.cache().clone());

        let mut push = PushConfig::new(config.appid.clone(), config.token.expose());
        if let Some(key) = &config.encoding_aes_key {
            push = push.encoding_aes_key(key.expose());
        }
        let pipeline: SamplePipeline =
            Pipeline::builder(push, WxOpen(SampleHandler::new(api.custom())))
                .cache(backend.cache.clone())
                .build()?;

        let websocket = websocket(config, SessionAuth::new(sessions.clone())).await?;
        let router = Router::new()
            .merge(weixin_mp::server::router(pipeline, PUSH_PATH))
            .merge(routes::router(RouteState {
                sessions,
                cache: backend.name(),
            }))
            .merge(weixin_websocket::router(websocket.clone()));
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
        axum::serve(listener, self.router)
            .with_graceful_shutdown(signal)
            .await
    }
}

#[cfg(feature = "redis")]
async fn websocket(config: &Config, auth: SessionAuth) -> Result<WebSocketServer, StartError> {
    use weixin_websocket::{RedisBackplane, RedisBackplaneConfig};
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
