//! A complete mini-program backend on the `weixin` facade: every text a user sends is answered
//! through the customer-service API with `echo: <text>`. Configuration is the sample app's
//! environment contract (`WEIXIN_APPID`, `WEIXIN_APPSECRET`, `WEIXIN_TOKEN`,
//! `WEIXIN_ENCODING_AES_KEY`, `WEIXIN_API_BASE`, `WEIXIN_CACHE`, `WEIXIN_LISTEN`).
use weixin::mini_program::message::TextMessage;
use weixin::mini_program::{WxContext, WxOpenApi, WxOpenMessageHandler, WxReply, WxResult};
use weixin::official_account::api::custom::CustomMessage;
use weixin::{AppConfig, MiniProgram, Weixin};

struct Echo(WxOpenApi);

#[weixin::async_trait]
impl WxOpenMessageHandler for Echo {
    async fn on_text(&self, _cx: &mut WxContext, text: &TextMessage) -> WxResult {
        let echo = format!("echo: {}", text.content);
        self.0
            .custom()
            .send(&CustomMessage::text(&text.header.from_user_name, echo))
            .await?;
        Ok(WxReply::Success)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let cache = weixin::cache::from_url(&env("WEIXIN_CACHE").unwrap_or("memory".into())).await?;
    let mut wx = Weixin::builder().cache(cache); // the one cache: tokens, dedup, contexts
    if let Ok(base) = env("WEIXIN_API_BASE") {
        wx = wx.api_base(base);
    }
    let wx = wx.build()?;
    let config = AppConfig::new(env("WEIXIN_APPID")?, env("WEIXIN_APPSECRET")?)
        .push_token(env("WEIXIN_TOKEN")?)
        .maybe_encoding_aes_key(env("WEIXIN_ENCODING_AES_KEY").ok());
    let app = MiniProgram::register(&wx, config)?;
    let router = app.push_router("/wxopen", Echo(app.api()))?;
    let listen = env("WEIXIN_LISTEN").unwrap_or("127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on {}", listener.local_addr()?);
    weixin::axum::serve(listener, router).await?;
    Ok(())
}
