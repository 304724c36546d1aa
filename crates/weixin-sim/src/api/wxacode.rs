//! `wxa/getwxacode`, `wxa/getwxacodeunlimit`, `cgi-bin/wxaapp/createwxaqrcode`: a real PNG on
//! success, JSON errors otherwise.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use bytes::Bytes;
use serde_json::Value;

use super::{Params, authorize, json_body, str_field};
use crate::png::code_image;
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError};

const SCENE_SPECIALS: &str = "!#$&'()*+,/:;=?@-._~";

fn width(body: &Value) -> Result<u32, WxError> {
    match body.get("width") {
        None | Some(Value::Null) => Ok(430),
        Some(v) => v
            .as_u64()
            .and_then(|w| u32::try_from(w).ok())
            .filter(|w| (280..=1280).contains(w))
            .ok_or_else(|| WxError::new(40189, "invalid width")),
    }
}

fn env_version(body: &Value) -> Result<(), WxError> {
    match body.get("env_version").and_then(Value::as_str) {
        None | Some("release" | "trial" | "develop") => Ok(()),
        Some(_) => Err(WxError::new(40097, "invalid args")),
    }
}

fn png_response(content: &str, width: u32) -> ApiResult {
    Ok((
        [(header::CONTENT_TYPE, "image/png")],
        code_image(content, width),
    )
        .into_response())
}

pub(super) async fn limited(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/wxa/getwxacode")?;
    let body = json_body(&body)?;
    let path = str_field(&body, "path");
    if path.is_empty() || path.chars().count() > 1024 {
        return Err(WxError::new(
            40159,
            "invalid length for path, or the data is not json string",
        ));
    }
    env_version(&body)?;
    png_response(path, width(&body)?)
}

pub(super) async fn unlimited(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/wxa/getwxacodeunlimit")?;
    let body = json_body(&body)?;
    let scene = str_field(&body, "scene");
    let valid_scene = !scene.is_empty()
        && scene.chars().count() <= 32
        && scene
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SCENE_SPECIALS.contains(c));
    if !valid_scene {
        return Err(WxError::new(
            40169,
            "invalid length for scene, or the data is not json string",
        ));
    }
    let page = str_field(&body, "page");
    if page.starts_with('/') || page.contains('?') {
        return Err(WxError::new(41030, "invalid page"));
    }
    env_version(&body)?;
    png_response(&format!("{page}?scene={scene}"), width(&body)?)
}

pub(super) async fn qrcode(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/cgi-bin/wxaapp/createwxaqrcode")?;
    let body = json_body(&body)?;
    let path = str_field(&body, "path");
    if path.is_empty() || path.chars().count() > 128 {
        return Err(WxError::new(
            40159,
            "invalid length for path, or the data is not json string",
        ));
    }
    png_response(path, width(&body)?)
}
