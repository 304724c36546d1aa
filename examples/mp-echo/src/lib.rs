//! An Official Account (公众号) echo server with passive replies.
//!
//! * a text message gets the same text back;
//! * following the account (`subscribe`) gets a welcome;
//! * everything else gets `success` (WeChat shows the user nothing).
//!
//! [`EchoConfig`] reads the admin console's message-push settings from the environment,
//! [`app`] turns them into an axum [`Router`] serving `/wx` (GET: URL verification,
//! POST: pushes). `src/main.rs` serves it; `tests/echo.rs` drives it with the simulator's
//! push driver, exactly as WeChat would.
#![forbid(unsafe_code)]

use std::net::SocketAddr;

use weixin::axum::Router;
use weixin::official_account::message::{SubscribeEvent, TextMessage};
use weixin::official_account::{HandlerError, MessageHandler, MpContext, Reply};
use weixin::{AppConfig, OfficialAccount, Secret, Weixin};

/// The path WeChat pushes to: configure `http(s)://your-host/wx` in the admin console.
pub const PUSH_PATH: &str = "/wx";

/// What the user sees after following the account.
pub const WELCOME: &str = "Welcome! Send me any text and I will send it back.";

/// The message-push settings (「基本配置 → 服务器配置」) and the listen address.
#[derive(Clone)]
pub struct EchoConfig {
    /// The account's appid (`WEIXIN_APPID`).
    pub appid: String,
    /// The account's AppSecret (`WEIXIN_APPSECRET`), for the API calls a real account makes.
    pub secret: Secret,
    /// The Token (`WEIXIN_TOKEN`).
    pub token: Secret,
    /// The 43-character EncodingAESKey (`WEIXIN_ENCODING_AES_KEY`); `None` = plaintext mode.
    pub encoding_aes_key: Option<Secret>,
    /// Where to listen (`WEIXIN_LISTEN`, default `0.0.0.0:8080`).
    pub listen: SocketAddr,
}

impl std::fmt::Debug for EchoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The AppSecret, the Token and the key are secrets: never print them.
        f.debug_struct("EchoConfig")
            .field("appid", &self.appid)
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl EchoConfig {
    /// Reads `WEIXIN_APPID`, `WEIXIN_APPSECRET`, `WEIXIN_TOKEN` (all required),
    /// `WEIXIN_ENCODING_AES_KEY` (optional) and `WEIXIN_LISTEN` (default `0.0.0.0:8080`).
    ///
    /// # Errors
    /// A message naming the missing or invalid variable.
    pub fn from_env() -> Result<Self, String> {
        let required = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{name} is not set"))
        };
        let listen = std::env::var("WEIXIN_LISTEN").unwrap_or_else(|_| "0.0.0.0:8080".to_owned());
        Ok(Self {
            appid: required("WEIXIN_APPID")?,
            secret: required("WEIXIN_APPSECRET")?.into(),
            token: required("WEIXIN_TOKEN")?.into(),
            encoding_aes_key: std::env::var("WEIXIN_ENCODING_AES_KEY")
                .ok()
                .filter(|v| !v.is_empty())
                .map(Secret::from),
            listen: listen
                .parse()
                .map_err(|e| format!("WEIXIN_LISTEN={listen:?}: {e}"))?,
        })
    }
}

/// The handler: one method per message type we care about, `success` for the rest.
struct Echo;

#[weixin::async_trait]
impl MessageHandler for Echo {
    async fn on_text(
        &self,
        _cx: &mut MpContext,
        text: &TextMessage,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(text.content.clone()))
    }

    async fn on_event_subscribe(
        &self,
        _cx: &mut MpContext,
        _event: &SubscribeEvent,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(WELCOME))
    }
}

/// The echo server as an axum router serving [`PUSH_PATH`].
///
/// The account is registered in a one-server registry (the in-process cache); the push
/// router checks signatures, decrypts, deduplicates WeChat's retries and encrypts the reply
/// when the push was encrypted; the handler only sees typed messages.
///
/// # Errors
/// [`weixin::Error::Config`] for an invalid registration (an empty appid, AppSecret or
/// Token), [`weixin::push::BuildError`] for an invalid EncodingAESKey.
pub fn app(config: &EchoConfig) -> Result<Router, Box<dyn std::error::Error + Send + Sync>> {
    let weixin = Weixin::builder().build()?;
    let registration = AppConfig::new(&config.appid, config.secret.clone())
        .push_token(config.token.clone())
        .maybe_encoding_aes_key(config.encoding_aes_key.clone());
    let account = OfficialAccount::register(&weixin, registration)?;
    Ok(account.push_router(PUSH_PATH, Echo)?)
}
