//! `cgi-bin/message/subscribe/send`.

use std::sync::Arc;

use axum::extract::{Query, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Params, authorize, json_body, str_field};
use crate::inspect_types::MessageKind;
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError, ok_json};

/// Length limits of template keyword types (characters).
fn max_len(key: &str) -> Option<usize> {
    let kind = key.trim_end_matches(|c: char| c.is_ascii_digit());
    Some(match kind {
        "thing" => 20,
        "number" | "letter" | "character_string" => 32,
        "symbol" => 5,
        "phone_number" => 17,
        "car_number" => 8,
        "phrase" => 5,
        _ => return None,
    })
}

pub(super) async fn send(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/message/subscribe/send")?;
    let body = json_body(&body)?;
    let touser = str_field(&body, "touser");
    if touser.is_empty() {
        return Err(WxError::new(40003, "invalid openid"));
    }
    let template_id = str_field(&body, "template_id");
    if template_id.is_empty() {
        return Err(WxError::new(40037, "invalid template_id"));
    }
    if !matches!(
        body.get("miniprogram_state").and_then(Value::as_str),
        None | Some("developer" | "trial" | "formal")
    ) {
        return Err(WxError::new(47001, "data format error"));
    }
    let data = body
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| WxError::new(47003, "argument invalid! data"))?;
    for (key, item) in data {
        let value = item
            .get("value")
            .and_then(Value::as_str)
            .ok_or_else(|| WxError::new(47003, format!("argument invalid! data.{key}.value")))?;
        if max_len(key).is_some_and(|max| value.chars().count() > max) {
            return Err(WxError::new(
                47003,
                format!("argument invalid! data.{key}.value"),
            ));
        }
    }
    let now = shared.now();
    let mut state = shared.state();
    let msgid = state.next_u64() >> 2;
    state.record_message(
        &appid,
        touser,
        MessageKind::Subscribe,
        template_id,
        body.clone(),
        now,
    );
    Ok(ok_json(json!({"msgid": msgid})))
}
