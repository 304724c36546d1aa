//! The mini program's side of the app's HTTP and WebSocket endpoints.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// An HTTP client for local servers (no proxy; ring as the TLS provider).
///
/// # Errors
/// A message when the client cannot be built.
pub fn http_client() -> Result<reqwest::Client, String> {
    // reqwest is built with `rustls-no-provider`: install ring unless a provider is set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// An HTTP answer: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Value,
}

/// Calls the app as a mini program would.
#[derive(Debug, Clone)]
pub struct MiniProgram {
    http: reqwest::Client,
    base_url: String,
}

impl MiniProgram {
    /// A client of the app at `base_url`.
    ///
    /// # Errors
    /// A message when the HTTP client cannot be built.
    pub fn new(base_url: &str) -> Result<Self, String> {
        Ok(Self {
            http: http_client()?,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    async fn post(&self, path: &str, body: &Value) -> Result<JsonAnswer, String> {
        let response = self
            .http
            .post(format!("{}{path}", self.base_url))
            .json(body)
            .send()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        Ok(JsonAnswer {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        })
    }

    /// `POST /wxopen/login {"code"}`.
    ///
    /// # Errors
    /// A message when the request fails (any HTTP status is an answer).
    pub async fn login(&self, code: &str) -> Result<JsonAnswer, String> {
        self.post("/wxopen/login", &json!({ "code": code })).await
    }

    /// `POST /wxopen/decrypt {"session_id","encrypted_data","iv"}`.
    ///
    /// # Errors
    /// A message when the request fails (any HTTP status is an answer).
    pub async fn decrypt(
        &self,
        session_id: &str,
        encrypted_data: &str,
        iv: &str,
    ) -> Result<JsonAnswer, String> {
        let body = json!({ "session_id": session_id, "encrypted_data": encrypted_data, "iv": iv });
        self.post("/wxopen/decrypt", &body).await
    }

    /// Opens `GET /wxopen/ws?session_id=...`, sends `frame` and returns the first frame that
    /// comes back (within 5 s), skipping the server's `ready` greeting.
    ///
    /// # Errors
    /// A message when connecting, sending or receiving fails or times out.
    pub async fn ws_round_trip(&self, session_id: &str, frame: &Value) -> Result<Value, String> {
        let ws_base = self
            .base_url
            .replacen("http://", "ws://", 1)
            .replacen("https://", "wss://", 1);
        let url = format!("{ws_base}/wxopen/ws?session_id={session_id}");
        let exchange = async {
            let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
                .await
                .map_err(|e| format!("WebSocket connect: {e}"))?;
            socket
                .send(Message::Text(frame.to_string().into()))
                .await
                .map_err(|e| format!("WebSocket send: {e}"))?;
            let answer = loop {
                match socket.next().await {
                    Some(Ok(Message::Text(text))) => {
                        let frame: Value = serde_json::from_str(text.as_str())
                            .map_err(|e| format!("WebSocket frame is not JSON: {e}"))?;
                        // The server greets each connection with a `ready` frame.
                        if frame["type"] != "ready" {
                            break frame;
                        }
                    }
                    Some(Ok(Message::Close(close))) => {
                        return Err(format!("WebSocket closed by the server: {close:?}"));
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(format!("WebSocket receive: {e}")),
                    None => return Err("WebSocket ended without an answer".to_owned()),
                }
            };
            let _ = socket.close(None).await;
            Ok(answer)
        };
        tokio::time::timeout(Duration::from_secs(5), exchange)
            .await
            .map_err(|_| "WebSocket: no answer within 5 s".to_owned())?
    }
}
