//! An Official Account echo bot on bare hyper: for servers other than axum, the push pipeline
//! is a `tower::Service` (`Pipeline::into_service`, a [`weixin::push::PushService`]); hyper-util
//! adapts it to hyper.
//!
//! Environment: `WEIXIN_APPID`, `WEIXIN_APPSECRET`, `WEIXIN_TOKEN`, `WEIXIN_ENCODING_AES_KEY`
//! (absent = plain mode), `WEIXIN_CACHE` (`memory`), `WEIXIN_LISTEN` (default 127.0.0.1:8080).
//! Every path is the push URL.
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use weixin::official_account::message::TextMessage;
use weixin::official_account::{HandlerError, MessageHandler, MpContext, Reply};
use weixin::{AppConfig, OfficialAccount, Weixin};

/// Answers every text in the HTTP reply (Official Accounts may reply passively).
struct Echo;

#[weixin::async_trait]
impl MessageHandler for Echo {
    async fn on_text(
        &self,
        _cx: &mut MpContext,
        text: &TextMessage,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(format!("echo: {}", text.content)))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let cache = weixin::cache::from_url(&env("WEIXIN_CACHE").unwrap_or("memory".into())).await?;
    let wx = Weixin::builder().cache(cache).build()?;
    let config = AppConfig::new(env("WEIXIN_APPID")?, env("WEIXIN_APPSECRET")?)
        .push_token(env("WEIXIN_TOKEN")?)
        .maybe_encoding_aes_key(env("WEIXIN_ENCODING_AES_KEY").ok());
    let account = OfficialAccount::register(&wx, config)?;
    let service = account.pipeline(Echo).build()?.into_service();

    let listen = env("WEIXIN_LISTEN").unwrap_or("127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, _peer) = listener.accept().await?;
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                eprintln!("connection error: {error}");
            }
        });
    }
}
