//! Mounting in axum: [`ws_handler`] and [`router`].

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::server::WebSocketServer;
use crate::socket;

/// The path [`router`] mounts the endpoint at.
pub const DEFAULT_PATH: &str = "/wxopen/ws";

/// The query string of the upgrade request: `?session_id=...` (optional; without it the first
/// frame must be `{"type":"auth","data":{"session_id":"..."}}`).
#[derive(Debug, Default, Deserialize)]
pub struct ConnectQuery {
    /// The session id the login endpoint issued.
    pub session_id: Option<String>,
}

/// The axum handler: `Router::new().route("/wxopen/ws", get(ws_handler)).with_state(server)`.
///
/// Works with any router state `S` for which `WebSocketServer: FromRef<S>`. Answers 503
/// once [`WebSocketServer::shutdown`] was called.
pub async fn ws_handler(
    State(server): State<WebSocketServer>,
    Query(query): Query<ConnectQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(task) = server.start_task() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "server shutting down").into_response();
    };
    let config = &server.inner.config;
    let inner = server.inner.clone();
    upgrade
        .max_message_size(config.max_message_bytes)
        .max_frame_size(config.max_message_bytes)
        .read_buffer_size(config.read_buffer_bytes)
        .on_upgrade(move |socket| socket::serve(inner, socket, query.session_id, task))
}

/// A router serving [`ws_handler`] at [`DEFAULT_PATH`] (`GET /wxopen/ws`); merge it into the
/// app's router.
pub fn router<S>(server: WebSocketServer) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(DEFAULT_PATH, get(ws_handler))
        .with_state(server)
}
