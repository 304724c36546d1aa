//! [`MiniProgram`]: one registered mini program, and everything reached from it.

use weixin_core::{AppClient, AppConfig, Weixin};
use weixin_push::{Pipeline, PipelineBuilder};

use crate::api::WxOpenApi;
use crate::handler::{WxOpen, WxOpenMessageHandler};
use crate::message::WxMessage;
use crate::session::SessionContainer;

/// The push pipeline of a mini program running `H`.
pub type WxPipeline<H> = Pipeline<WxMessage, WxOpen<H>>;

/// One mini program: its push pipeline, login sessions and APIs, all built from the app's
/// handle, so they share the registry's cache, key prefix and clock and the app's appid and
/// push keys. Nothing can be wired to another cache by accident.
///
/// ```
/// use weixin_core::{AppConfig, Weixin};
/// use weixin_wxopen::{MiniProgram, WxOpenMessageHandler};
///
/// struct Bot;
/// impl WxOpenMessageHandler for Bot {}
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let weixin = Weixin::builder().build()?; // give it `.cache(redis)` on a cluster of servers
/// let app = MiniProgram::register(
///     &weixin,
///     AppConfig::new("wx1234567890abcdef", "app-secret")
///         .push_token("my-token")
///         .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
/// )?;
/// let pipeline = app.pipeline(Bot).build()?; // dedup and contexts in the registry's cache
/// let sessions = app.sessions();             // sessions too
/// # let _ = (pipeline, sessions); Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MiniProgram {
    app: AppClient,
    sessions: SessionContainer,
}

impl MiniProgram {
    /// Registers the mini program in `weixin` and returns its handle.
    ///
    /// # Errors
    /// [`weixin_core::Error::Config`] for an invalid registration (see [`Weixin::register`]).
    pub fn register(weixin: &Weixin, config: AppConfig) -> Result<Self, weixin_core::Error> {
        weixin.register(config).map(Self::new)
    }

    /// The mini program behind an already registered app.
    pub fn new(app: AppClient) -> Self {
        Self {
            sessions: SessionContainer::new(app.clone()),
            app,
        }
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        self.app.appid()
    }

    /// The app's handle: tokens, the raw API client, the shared cache.
    pub fn app(&self) -> &AppClient {
        &self.app
    }

    /// The mini program's APIs (login, codes, subscribe messages, security, customer service...).
    pub fn api(&self) -> WxOpenApi {
        WxOpenApi::new(self.app.clone())
    }

    /// Login sessions in the shared cache (`code2Session`, decrypting user data).
    pub fn sessions(&self) -> &SessionContainer {
        &self.sessions
    }

    /// A push pipeline running `handler`, configured from the app (change the defaults on the
    /// builder, then [`build`](PipelineBuilder::build)).
    pub fn pipeline<H: WxOpenMessageHandler>(
        &self,
        handler: H,
    ) -> PipelineBuilder<WxMessage, WxOpen<H>> {
        Pipeline::builder(&self.app, WxOpen(handler))
    }

    /// The pushes at `path` as an axum router, with the pipeline's defaults (for other
    /// servers: `self.pipeline(handler).build()?.into_service()`, a `tower::Service`).
    ///
    /// # Errors
    /// [`BuildError`](weixin_push::BuildError) when the app has no push token or an invalid key.
    #[cfg(feature = "axum")]
    pub fn push_router<H: WxOpenMessageHandler, S: Clone + Send + Sync + 'static>(
        &self,
        path: &str,
        handler: H,
    ) -> Result<axum::Router<S>, weixin_push::BuildError> {
        Ok(self.pipeline(handler).build()?.into_router(path))
    }
}
