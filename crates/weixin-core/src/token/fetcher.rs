//! [`TokenFetcher`]: how one kind of token is fetched from WeChat, and the two built-in fetchers.

use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;

use crate::client::{ApiClient, Call};
use crate::error::Error;
use crate::secret::Secret;

/// A token (or ticket) as WeChat returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedToken {
    /// The token.
    pub token: Secret,
    /// Its lifetime from now, as WeChat said (`expires_in`).
    pub expires_in: Duration,
}

/// Fetches one kind of token for one app. [`TokenBroker`](super::TokenBroker) decides *when*;
/// the fetcher only knows *how*.
#[async_trait]
pub trait TokenFetcher: Send + Sync + 'static {
    /// The kind, used in cache keys and logs: `access_token`, `jsapi_ticket`, ...
    fn kind(&self) -> &'static str;

    /// Fetches a token. `force_refresh` is only ever `true` when
    /// [`supports_force_refresh`](Self::supports_force_refresh) is.
    async fn fetch(&self, force_refresh: bool) -> Result<FetchedToken, Error>;

    /// Whether a forced refresh exists (stable tokens), limited by WeChat's daily budget.
    fn supports_force_refresh(&self) -> bool {
        false
    }

    /// Whether a normal fetch returns the token currently valid instead of replacing it
    /// (`/cgi-bin/stable_token` without `force_refresh`). Only then may a server fetch without
    /// the distributed lock (while the shared cache is down): every server gets the same token,
    /// so nobody's token is invalidated. Default `false` (each fetch may issue a new token).
    fn fetch_returns_current_token(&self) -> bool {
        false
    }
}

/// How access tokens are fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenMode {
    /// `POST /cgi-bin/stable_token` (default): repeated calls return the same token, so servers
    /// cannot invalidate each other; a forced refresh exists for when a token is rejected.
    #[default]
    Stable,
    /// `GET /cgi-bin/token`: every fetch invalidates the previous token (after ~5 minutes).
    Classic,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    access_token: Option<Secret>,
    #[serde(default)]
    ticket: Option<Secret>,
    #[serde(default)]
    expires_in: Option<u64>,
}

fn into_fetched(appid: &str, kind: &'static str, r: TokenResponse) -> Result<FetchedToken, Error> {
    let token = r.access_token.or(r.ticket).filter(|t| !t.is_empty());
    match (token, r.expires_in) {
        (Some(token), Some(secs)) if secs > 0 => Ok(FetchedToken {
            token,
            expires_in: Duration::from_secs(secs),
        }),
        _ => Err(Error::TokenUnavailable {
            appid: appid.to_owned(),
            kind,
            reason: "WeChat's answer had no token or no positive expires_in".to_owned(),
        }),
    }
}

/// Fetches access tokens with the app's secret, in [`TokenMode::Stable`] or [`TokenMode::Classic`].
#[derive(Debug, Clone)]
pub struct AccessTokenFetcher {
    appid: String,
    secret: Secret,
    mode: TokenMode,
    client: ApiClient,
}

impl AccessTokenFetcher {
    /// A fetcher for `appid`. `client` sends the requests (its token source is not used).
    pub fn new(
        appid: impl Into<String>,
        secret: Secret,
        mode: TokenMode,
        client: &ApiClient,
    ) -> Self {
        Self {
            appid: appid.into(),
            secret,
            mode,
            client: client.without_token_source(),
        }
    }

    /// The mode.
    pub fn mode(&self) -> TokenMode {
        self.mode
    }
}

#[async_trait]
impl TokenFetcher for AccessTokenFetcher {
    fn kind(&self) -> &'static str {
        "access_token"
    }

    async fn fetch(&self, force_refresh: bool) -> Result<FetchedToken, Error> {
        let call = match self.mode {
            TokenMode::Stable => {
                let call =
                    Call::post("/cgi-bin/stable_token")
                        .without_token()
                        .json(&serde_json::json!({
                            "grant_type": "client_credential",
                            "appid": self.appid,
                            "secret": self.secret.expose(),
                            "force_refresh": force_refresh,
                        }));
                // A normal stable fetch returns the same token when repeated; a forced one spends
                // the daily budget, so it is never repeated.
                if force_refresh {
                    call.once()
                } else {
                    call.idempotent()
                }
            }
            TokenMode::Classic => Call::get("/cgi-bin/token")
                .without_token()
                .query("grant_type", "client_credential")
                .query("appid", self.appid.as_str())
                .query("secret", self.secret.expose()),
        };
        let response: TokenResponse = self.client.json(call).await?;
        into_fetched(&self.appid, "access_token", response)
    }

    fn supports_force_refresh(&self) -> bool {
        self.mode == TokenMode::Stable
    }

    fn fetch_returns_current_token(&self) -> bool {
        self.mode == TokenMode::Stable
    }
}

/// Fetches JS-SDK tickets (`GET /cgi-bin/ticket/getticket?type=jsapi`) with the app's access token.
#[derive(Debug, Clone)]
pub struct JsApiTicketFetcher {
    client: ApiClient,
}

impl JsApiTicketFetcher {
    /// A fetcher using `client`, which must have an access-token source.
    pub fn new(client: &ApiClient) -> Self {
        Self {
            client: client.clone(),
        }
    }
}

#[async_trait]
impl TokenFetcher for JsApiTicketFetcher {
    fn kind(&self) -> &'static str {
        "jsapi_ticket"
    }

    async fn fetch(&self, _force_refresh: bool) -> Result<FetchedToken, Error> {
        let call = Call::get("/cgi-bin/ticket/getticket").query("type", "jsapi");
        let response: TokenResponse = self.client.json(call).await?;
        into_fetched(self.client.appid(), "jsapi_ticket", response)
    }
}
