//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use serde_json::Value;
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, RunningSim, SimConfig, Simulator};

pub struct Ctx {
    pub sim: RunningSim,
    pub http: reqwest::Client,
}

pub async fn start(config: SimConfig) -> Ctx {
    install_tls_provider();
    let sim = Simulator::start(config).await.expect("start simulator");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    Ctx { sim, http }
}

impl Ctx {
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.sim.base_url(), path_and_query)
    }

    pub async fn get(&self, path_and_query: &str) -> Value {
        self.http
            .get(self.url(path_and_query))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json")
    }

    pub async fn post(&self, path_and_query: &str, body: &Value) -> Value {
        self.http
            .post(self.url(path_and_query))
            .json(body)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json")
    }

    /// A classic token of the default app.
    pub async fn token(&self) -> String {
        let v = self
            .get(&format!(
                "/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}"
            ))
            .await;
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    /// POST an API with the token.
    pub async fn api(&self, path: &str, token: &str, body: &Value) -> Value {
        self.post(&format!("{path}?access_token={token}"), body)
            .await
    }
}

pub fn errcode(v: &Value) -> i64 {
    v["errcode"].as_i64().unwrap_or(0)
}

/// reqwest is built with `rustls-no-provider` in this workspace.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
