//! [`OfficialAccount`]: one registered Official Account, and everything reached from it.

use weixin_core::{AppClient, AppConfig, Weixin};
use weixin_push::{Pipeline, PipelineBuilder};

use crate::api::MpApi;
use crate::message::Message;
use crate::message_handler::{MessageHandler, Mp};

/// The push pipeline of an Official Account running `H`.
pub type MpPipeline<H> = Pipeline<Message, Mp<H>>;

/// One Official Account: its push pipeline and its APIs, all built from the app's handle, so
/// they share the registry's cache, key prefix and clock and the app's appid and push keys.
///
/// ```
/// use weixin_core::{AppConfig, Weixin};
/// use weixin_mp::message::TextMessage;
/// use weixin_mp::{HandlerError, MessageHandler, MpContext, OfficialAccount, Reply};
///
/// struct Echo;
///
/// #[async_trait::async_trait]
/// impl MessageHandler for Echo {
///     async fn on_text(&self, _cx: &mut MpContext, text: &TextMessage) -> Result<Reply, HandlerError> {
///         Ok(Reply::text(format!("you said: {}", text.content)))
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let weixin = Weixin::builder().build()?; // give it `.cache(redis)` on a cluster of servers
/// let account = OfficialAccount::register(
///     &weixin,
///     AppConfig::new("wx1234567890abcdef", "app-secret").push_token("my-token"),
/// )?;
/// let pipeline = account.pipeline(Echo).build()?; // dedup and contexts in the registry's cache
/// assert_eq!(pipeline.appid(), "wx1234567890abcdef");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct OfficialAccount {
    app: AppClient,
}

impl OfficialAccount {
    /// Registers the account in `weixin` and returns its handle.
    ///
    /// # Errors
    /// [`weixin_core::Error::Config`] for an invalid registration (see [`Weixin::register`]).
    pub fn register(weixin: &Weixin, config: AppConfig) -> Result<Self, weixin_core::Error> {
        weixin.register(config).map(Self::new)
    }

    /// The account behind an already registered app.
    pub fn new(app: AppClient) -> Self {
        Self { app }
    }

    /// The appid.
    pub fn appid(&self) -> &str {
        self.app.appid()
    }

    /// The app's handle: tokens, the raw API client, the shared cache.
    pub fn app(&self) -> &AppClient {
        &self.app
    }

    /// The account's APIs (customer service, media, templates, menus, users, ...).
    pub fn api(&self) -> MpApi {
        MpApi::new(self.app.clone())
    }

    /// A push pipeline running `handler`, configured from the app (change the defaults on the
    /// builder, then [`build`](PipelineBuilder::build)).
    pub fn pipeline<H: MessageHandler>(&self, handler: H) -> PipelineBuilder<Message, Mp<H>> {
        Pipeline::builder(&self.app, Mp(handler))
    }

    /// The pushes at `path` as an axum router, with the pipeline's defaults (for other
    /// servers: `self.pipeline(handler).build()?.into_service()`, a `tower::Service`).
    ///
    /// # Errors
    /// [`BuildError`](weixin_push::BuildError) when the app has no push token or an invalid key.
    #[cfg(feature = "axum")]
    pub fn push_router<H: MessageHandler, S: Clone + Send + Sync + 'static>(
        &self,
        path: &str,
        handler: H,
    ) -> Result<axum::Router<S>, weixin_push::BuildError> {
        Ok(self.pipeline(handler).build()?.into_router(path))
    }
}
