//! The console: a small single-page app served at `/sim/console` (HTML, CSS and JS compiled
//! into the binary, no outside assets), and the JSON endpoints only it needs: `POST /sim/push`,
//! `GET /sim/chat`, `POST /sim/burst`.

mod burst;
mod send;
mod spec;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::state::Shared;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const I18N_JS: &str = include_str!("assets/i18n.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// The console's routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/sim/console",
            get(|| asset("text/html; charset=utf-8", INDEX_HTML)),
        )
        .route(
            "/sim/console/app.js",
            get(|| asset("text/javascript; charset=utf-8", APP_JS)),
        )
        .route(
            "/sim/console/i18n.js",
            get(|| asset("text/javascript; charset=utf-8", I18N_JS)),
        )
        .route(
            "/sim/console/style.css",
            get(|| asset("text/css; charset=utf-8", STYLE_CSS)),
        )
        .route("/sim/push", post(send::send))
        .route("/sim/chat", get(send::chat))
        .route("/sim/burst", post(burst::burst))
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

pub(crate) fn bad_request(msg: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": msg.into()})),
    )
        .into_response()
}

/// `(appid, original_id)` of `appid`, or of the first app when `None`; the error to show.
pub(crate) fn app_of(shared: &Shared, appid: Option<&str>) -> Result<(String, String), String> {
    let apps = &shared.config.apps;
    let app = match appid.filter(|a| !a.is_empty()) {
        Some(id) => apps.iter().find(|a| a.appid == id),
        None => apps.first(),
    };
    app.map(|a| (a.appid.clone(), a.original_id.clone()))
        .ok_or_else(|| format!("unknown appid {}", appid.unwrap_or("")))
}
