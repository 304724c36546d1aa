//! Building the shared reqwest client with rustls and the ring crypto provider.

use reqwest::Client;

use super::ClientOptions;
use crate::error::Error;

/// Builds the HTTP client. reqwest is compiled with `rustls-no-provider` and panics at
/// construction when no rustls crypto provider is installed, so ring is installed as the process
/// default first (an already installed provider, ring or another, is kept).
pub(crate) fn build_http(options: &ClientOptions) -> Result<Client, Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .user_agent(concat!("weixin-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", e.without_url())))
}

/// Parses and checks the API base URL.
pub(crate) fn parse_base(base: &str) -> Result<url::Url, Error> {
    let url = url::Url::parse(base)
        .map_err(|e| Error::Config(format!("invalid API base URL {base:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(Error::Config(format!(
            "invalid API base URL {base:?}: expected http(s)://host[/prefix] without a query"
        )));
    }
    Ok(url)
}
