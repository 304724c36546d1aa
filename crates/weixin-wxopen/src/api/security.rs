//! Content security (内容安全): `wxa/msg_sec_check` (v2), `wxa/img_sec_check`,
//! `wxa/media_check_async` (result pushed later as a
//! [`MediaCheckEvent`](crate::message::MediaCheckEvent)).

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call, Upload};

/// Text check path.
pub const MSG_SEC_CHECK_PATH: &str = "/wxa/msg_sec_check";
/// Image check path (v1, synchronous).
pub const IMG_SEC_CHECK_PATH: &str = "/wxa/img_sec_check";
/// Asynchronous media check path.
pub const MEDIA_CHECK_ASYNC_PATH: &str = "/wxa/media_check_async";

/// Where the checked content appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    /// 1: a profile (资料).
    Profile = 1,
    /// 2: a comment (评论).
    Comment = 2,
    /// 3: a forum post (论坛).
    Forum = 3,
    /// 4: a social log (社交日志).
    SocialLog = 4,
}

impl Serialize for Scene {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// A text to check (`msg_sec_check` version 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MsgSecCheck {
    /// Always 2.
    version: u8,
    /// A user who visited the mini program in the last two hours.
    pub openid: String,
    /// Where the text appears.
    pub scene: Scene,
    /// The text (at most 2500 characters).
    pub content: String,
    /// The user's nickname, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// A title, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The user's signature (scene Profile only), optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl MsgSecCheck {
    /// A check of `content` written by `openid` in `scene`.
    pub fn new(openid: impl Into<String>, scene: Scene, content: impl Into<String>) -> Self {
        Self {
            version: 2,
            openid: openid.into(),
            scene,
            content: content.into(),
            nickname: None,
            title: None,
            signature: None,
        }
    }
}

/// The overall verdict.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Verdict {
    /// `pass`, `review` or `risky`.
    pub suggest: String,
    /// 100 normal; 10001 ads; 20001 politics; 20002 porn; 20003 abuse; 20006 crime; 20008
    /// fraud; 20012 vulgar; 20013 copyright; 21000 other.
    #[serde(deserialize_with = "crate::api::phone::text_or_number")]
    pub label: String,
}

impl Verdict {
    /// Whether the content passed.
    pub fn is_pass(&self) -> bool {
        self.suggest == "pass"
    }
}

/// One strategy's verdict.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VerdictDetail {
    /// `content_model` or `keyword`.
    #[serde(default)]
    pub strategy: String,
    /// The strategy's errcode.
    #[serde(default)]
    pub errcode: i64,
    /// Its suggestion.
    #[serde(default)]
    pub suggest: Option<String>,
    /// Its label.
    #[serde(default)]
    pub label: Option<serde_json::Value>,
    /// Confidence 0..100.
    #[serde(default)]
    pub prob: Option<f64>,
    /// The matched keyword (`keyword` strategy).
    #[serde(default)]
    pub keyword: Option<String>,
}

/// What `msg_sec_check` answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MsgSecCheckResult {
    /// The request id.
    #[serde(default)]
    pub trace_id: String,
    /// The overall verdict.
    pub result: Verdict,
    /// Per-strategy verdicts.
    #[serde(default)]
    pub detail: Vec<VerdictDetail>,
}

/// The media kind of an asynchronous check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// 1: audio.
    Audio = 1,
    /// 2: image.
    Image = 2,
}

impl Serialize for MediaType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// An asynchronous media check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaCheck {
    /// The media URL WeChat downloads (at most 10 MB).
    pub media_url: String,
    /// Audio or image.
    pub media_type: MediaType,
    /// Always 2.
    version: u8,
    /// A user who visited the mini program in the last two hours.
    pub openid: String,
    /// Where the media appears.
    pub scene: Scene,
}

impl MediaCheck {
    /// A check of the media at `media_url`.
    pub fn new(
        media_url: impl Into<String>,
        media_type: MediaType,
        openid: impl Into<String>,
        scene: Scene,
    ) -> Self {
        Self {
            media_url: media_url.into(),
            media_type,
            version: 2,
            openid: openid.into(),
            scene,
        }
    }
}

#[derive(Deserialize)]
struct TraceId {
    trace_id: String,
}

/// Content security. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct SecurityApi {
    api: ApiClient,
}

impl SecurityApi {
    /// The handle over `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// `POST wxa/msg_sec_check` (v2): checks a text. A risky text is a successful call with
    /// `result.suggest == "risky"`.
    pub async fn msg_sec_check(&self, check: &MsgSecCheck) -> Result<MsgSecCheckResult, Error> {
        self.api
            .json(
                Call::post(MSG_SEC_CHECK_PATH)
                    .json(check)
                    .idempotent()
                    .signable(),
            )
            .await
    }

    /// `POST wxa/img_sec_check` (multipart `media`, at most 1 MB, 750x1334 px). `Ok(())` when
    /// the image is fine; [`Error::Api`] 87014 when it is risky.
    pub async fn img_sec_check(
        &self,
        file_name: &str,
        content_type: &str,
        image: impl Into<Bytes>,
    ) -> Result<(), Error> {
        let upload = Upload::media(file_name, content_type, image);
        let call = Call::post(IMG_SEC_CHECK_PATH)
            .multipart(upload)
            .idempotent();
        super::send_ok(&self.api, call).await
    }

    /// `POST wxa/media_check_async`: starts a check and returns its `trace_id`; the result is
    /// pushed within 30 minutes as a `wxa_media_check` event with the same `trace_id`.
    pub async fn media_check_async(&self, check: &MediaCheck) -> Result<String, Error> {
        let id: TraceId = self
            .api
            .json(Call::post(MEDIA_CHECK_ASYNC_PATH).json(check).signable())
            .await?;
        Ok(id.trace_id)
    }
}
