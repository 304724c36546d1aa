//! The WeChat API endpoints, one file per area.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use bytes::Bytes;
use serde_json::Value;

use crate::state::Shared;
use crate::wx_error::WxError;

mod custom;
mod links;
mod login;
mod media;
mod phone;
mod quota;
mod security;
mod signed;
mod subscribe;
mod token;
mod wxacode;

/// The query string as a map.
pub(crate) type Params = HashMap<String, String>;

/// The largest request body an API route reads (uploads included).
pub(crate) const BODY_LIMIT: usize = 20 * 1024 * 1024;

/// The `access_token` of a URL query.
pub(crate) fn token_of(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
}

/// Every API route.
pub(crate) fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/cgi-bin/token", get_only(get(token::classic)))
        .route("/cgi-bin/stable_token", post_only(post(token::stable)))
        .route("/sns/jscode2session", get_only(get(login::code2session)))
        .route(
            "/cgi-bin/message/custom/send",
            post_only(post(custom::send)),
        )
        .route(
            "/cgi-bin/message/custom/typing",
            post_only(post(custom::typing)),
        )
        .route(
            "/cgi-bin/message/custom/business/typing",
            post_only(post(custom::typing)),
        )
        .route("/cgi-bin/media/upload", post_only(post(media::upload)))
        .route("/cgi-bin/media/get", get_only(get(media::get)))
        .route("/wxa/getwxacode", post_only(post(wxacode::limited)))
        .route(
            "/wxa/getwxacodeunlimit",
            post_only(post(wxacode::unlimited)),
        )
        .route(
            "/cgi-bin/wxaapp/createwxaqrcode",
            post_only(post(wxacode::qrcode)),
        )
        .route(
            "/cgi-bin/message/subscribe/send",
            post_only(post(subscribe::send)),
        )
        .route(
            "/wxa/business/getuserphonenumber",
            post_only(post(phone::get_phone_number)),
        )
        .route(
            "/wxa/msg_sec_check",
            post_only(post(security::msg_sec_check)),
        )
        .route("/wxa/generatescheme", post_only(post(links::scheme)))
        .route("/wxa/generate_urllink", post_only(post(links::url_link)))
        .route("/wxa/genwxashortlink", post_only(post(links::short_link)))
        .route(
            "/cgi-bin/openapi/quota/get",
            post_only(post(quota::quota_get)),
        )
        .route(
            "/cgi-bin/openapi/quota/clear",
            post_only(post(quota::quota_clear_one)),
        )
        .route("/cgi-bin/clear_quota", post_only(post(quota::clear_quota)))
        .route(
            "/cgi-bin/clear_quota/v2",
            post_only(post(quota::clear_quota_v2)),
        )
        .route("/cgi-bin/openapi/rid/get", post_only(post(quota::rid_get)))
        .route_layer(from_fn_with_state(shared.clone(), signed::enforce))
        .route_layer(from_fn_with_state(shared, quota::record_rids))
}

fn get_only(route: MethodRouter<Arc<Shared>>) -> MethodRouter<Arc<Shared>> {
    route.fallback(|| async { WxError::new(43001, "require GET method") })
}

fn post_only(route: MethodRouter<Arc<Shared>>) -> MethodRouter<Arc<Shared>> {
    route.fallback(|| async { WxError::new(43002, "require POST method") })
}

/// Checks `access_token` and counts the call against the app's daily quota of `path`;
/// returns the appid.
pub(crate) fn authorize(shared: &Shared, params: &Params, path: &str) -> Result<String, WxError> {
    let now = shared.now();
    let mut state = shared.state();
    let appid = state.check_token(
        &shared.config,
        params.get("access_token").map(String::as_str),
        now,
    )?;
    state.take_quota(&shared.config, &appid, path, shared.clock.day())?;
    Ok(appid)
}

/// The body as JSON: 44002 when empty, 47001 when not JSON.
pub(crate) fn json_body(body: &Bytes) -> Result<Value, WxError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(WxError::new(44002, "empty post data"));
    }
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(WxError::data_format)
}

/// A string field of a JSON object ("" when absent or not a string).
pub(crate) fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}
