//! `cgi-bin/media/upload` (multipart) and `cgi-bin/media/get`.

use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;

use super::{Params, authorize};
use crate::state::{MediaRec, Shared};
use crate::wx_error::{ApiResult, WxError, ok_json};

const MAX_BYTES: usize = 10 * 1024 * 1024;

pub(super) async fn upload(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
    req: Request,
) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/media/upload")?;
    let kind = q.get("type").map_or("", String::as_str).to_owned();
    if !matches!(kind.as_str(), "image" | "voice" | "video" | "thumb") {
        return Err(WxError::new(40004, "invalid media type"));
    }
    let missing = || WxError::new(41005, "media data missing");
    let mut multipart = Multipart::from_request(req, &shared)
        .await
        .map_err(|_| missing())?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() != Some("media") {
            continue;
        }
        let content_type = field
            .content_type()
            .map(str::to_owned)
            .filter(|c| c != "application/octet-stream")
            .or_else(|| field.file_name().and_then(guess_type).map(str::to_owned))
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let bytes = field.bytes().await.map_err(|_| missing())?;
        if bytes.is_empty() {
            return Err(missing());
        }
        if bytes.len() > MAX_BYTES {
            return Err(WxError::new(45001, "media size out of limit"));
        }
        let now = shared.now();
        let id = shared.state().store_media(MediaRec {
            appid,
            kind: kind.clone(),
            content_type,
            bytes,
            created_ms: now,
        });
        return Ok(ok_json(
            json!({"type": kind, "media_id": id, "created_at": now / 1000}),
        ));
    }
    Err(missing())
}

fn guess_type(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "amr" => "audio/amr",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        _ => return None,
    })
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "audio/amr" => "amr",
        "audio/mpeg" => "mp3",
        "video/mp4" => "mp4",
        _ => "bin",
    }
}

pub(super) async fn get(State(shared): State<Arc<Shared>>, Query(q): Query<Params>) -> ApiResult {
    let appid = authorize(&shared, &q, "/cgi-bin/media/get")?;
    let id = q.get("media_id").map_or("", String::as_str);
    if id.is_empty() {
        return Err(WxError::new(41006, "media_id missing"));
    }
    let media = shared
        .state()
        .media(&appid, id, shared.now())
        .ok_or_else(|| WxError::new(40007, "invalid media_id"))?;
    if media.kind == "video" {
        return Ok(
            axum::Json(json!({"video_url": format!("http://sim.invalid/video/{id}")}))
                .into_response(),
        );
    }
    let disposition = format!(
        "attachment; filename=\"{id}.{}\"",
        extension(&media.content_type)
    );
    Ok((
        [
            (header::CONTENT_TYPE, media.content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        media.bytes,
    )
        .into_response())
}
