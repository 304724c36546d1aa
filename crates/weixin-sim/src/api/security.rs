//! `wxa/msg_sec_check` (v2, and the legacy v1 answer 87014).

use std::sync::Arc;

use axum::extract::{Query, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Params, authorize, json_body, str_field};
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError, ok_json, rid};

pub(super) async fn msg_sec_check(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    authorize(&shared, &q, "/wxa/msg_sec_check")?;
    let body = json_body(&body)?;
    let content = str_field(&body, "content");
    let lower = content.to_lowercase();
    let hit = shared
        .config
        .bad_words
        .iter()
        .find(|w| !w.is_empty() && lower.contains(&w.to_lowercase()));
    let version = body.get("version").and_then(Value::as_u64);
    if version != Some(2) {
        if content.is_empty() {
            return Err(WxError::new(44002, "empty post data"));
        }
        return match hit {
            Some(_) => Err(WxError::new(87014, "risky content")),
            None => Ok(ok_json(json!({}))),
        };
    }
    if str_field(&body, "openid").is_empty() {
        return Err(WxError::new(40003, "invalid openid"));
    }
    if !matches!(body.get("scene").and_then(Value::as_u64), Some(1..=4)) {
        return Err(WxError::new(40129, "invalid scene"));
    }
    if content.is_empty() {
        return Err(WxError::new(44002, "empty post data"));
    }
    let (suggest, label) = if hit.is_some() {
        ("risky", 20001)
    } else {
        ("pass", 100)
    };
    let mut keyword = json!({"strategy": "keyword", "errcode": 0});
    if let (Some(word), Some(obj)) = (hit, keyword.as_object_mut()) {
        obj.extend([
            ("suggest".to_owned(), json!("risky")),
            ("label".to_owned(), json!(label)),
            ("keyword".to_owned(), json!(word)),
            ("level".to_owned(), json!(90)),
        ]);
    }
    Ok(ok_json(json!({
        "detail": [
            {"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90},
            keyword,
        ],
        "trace_id": rid(),
        "result": {"suggest": suggest, "label": label},
    })))
}
