//! `cargo run -p mp-echo` with `WEIXIN_APPID`, `WEIXIN_APPSECRET`, `WEIXIN_TOKEN` and optionally
//! `WEIXIN_ENCODING_AES_KEY` and `WEIXIN_LISTEN` set.
#![forbid(unsafe_code)]

use mp_echo::{EchoConfig, PUSH_PATH, app};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let config = EchoConfig::from_env()?;
    let router = app(&config)?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    println!("mp-echo: http://{}{PUSH_PATH}", listener.local_addr()?);
    weixin::axum::serve(listener, router).await?;
    Ok(())
}
