//! `cgi-bin/message/custom/send` and `…/typing`.

use std::sync::Arc;

use axum::extract::{Query, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{Params, authorize, json_body, str_field};
use crate::inspect_types::MessageKind;
use crate::state::Shared;
use crate::wx_error::{ApiResult, WxError, ok_json};

const MSG_TYPES: &[&str] = &[
    "text",
    "image",
    "link",
    "miniprogrampage",
    "voice",
    "video",
    "music",
    "news",
    "mpnews",
    "mpnewsarticle",
    "msgmenu",
    "wxcard",
];

pub(super) async fn send(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/message/custom/send")?;
    let body = json_body(&body)?;
    let touser = str_field(&body, "touser");
    if touser.is_empty() {
        return Err(WxError::new(40003, "invalid openid"));
    }
    let msgtype = str_field(&body, "msgtype");
    if !MSG_TYPES.contains(&msgtype) {
        return Err(WxError::new(40008, "invalid message type"));
    }
    let payload = body
        .get(msgtype)
        .filter(|v| v.is_object())
        .ok_or_else(WxError::data_format)?;
    let now = shared.now();
    let mut state = shared.state();
    match msgtype {
        "text" if str_field(payload, "content").is_empty() => {
            return Err(WxError::new(44003, "empty content"));
        }
        "image" | "voice" => {
            let id = str_field(payload, "media_id");
            if state.media(&appid, id, now).is_none() {
                return Err(WxError::new(40007, "invalid media_id"));
            }
        }
        "miniprogrampage" => {
            let id = str_field(payload, "thumb_media_id");
            if state.media(&appid, id, now).is_none() {
                return Err(WxError::new(40007, "invalid media_id"));
            }
        }
        _ => {}
    }
    state.check_window(&appid, touser, now)?;
    state.spend_window(&appid, touser);
    state.record_message(
        &appid,
        touser,
        MessageKind::Custom,
        msgtype,
        body.clone(),
        now,
    );
    Ok(ok_json(json!({})))
}

pub(super) async fn typing(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/message/custom/typing")?;
    let body = json_body(&body)?;
    let touser = str_field(&body, "touser");
    if touser.is_empty() {
        return Err(WxError::new(40003, "invalid openid"));
    }
    if !matches!(
        body.get("command").and_then(Value::as_str),
        Some("Typing" | "CancelTyping")
    ) {
        return Err(WxError::new(45072, "invalid command"));
    }
    let now = shared.now();
    let state = shared.state();
    if let Err(e) = state.check_window(&appid, touser, now)
        && e.code == 45015
    {
        return Err(WxError::new(
            45080,
            "need sending message to user before sending typing command",
        ));
    }
    Ok(ok_json(json!({})))
}
