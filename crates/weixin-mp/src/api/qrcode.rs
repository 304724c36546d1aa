//! Parametric QR codes (生成带参数的二维码): temporary and permanent tickets, and the image URL.
//!
//! ```no_run
//! use weixin_mp::api::qrcode::{QrCodeApi, QrScene};
//!
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let ticket = mp.qrcode().create_temporary(604_800, &QrScene::Id(123)).await?;
//! let image_url = QrCodeApi::show_url(&ticket.ticket);
//! # let _ = image_url; Ok(()) }
//! ```
//!
//! A user who scans an unfollowed account's code follows it and the server receives a
//! `subscribe` event with `EventKey` `qrscene_123`; a follower's scan is a `SCAN` event with
//! `EventKey` `123`.

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Endpoint, Request};

/// Where QR code images are served.
pub const SHOW_QRCODE_URL: &str = "https://mp.weixin.qq.com/cgi-bin/showqrcode";

/// The longest lifetime of a temporary code: 30 days.
pub const MAX_EXPIRE_SECONDS: u32 = 2_592_000;

/// The scene carried by a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrScene {
    /// A number: non-zero 32-bit for temporary codes, 1..=100000 for permanent codes.
    Id(u32),
    /// A string of 1 to 64 characters.
    Str(String),
}

/// A created code: its ticket and the URL it encodes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct QrTicket {
    /// The ticket to show the image with ([`QrCodeApi::show_url`]).
    pub ticket: String,
    /// Seconds until a temporary code expires (absent for permanent codes).
    #[serde(default)]
    pub expire_seconds: Option<u64>,
    /// The URL encoded in the code (to draw the code yourself).
    pub url: String,
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[Create::ENDPOINT];

/// `POST cgi-bin/qrcode/create`, for temporary codes and (without `expire_seconds`) permanent
/// ones ([`QrCodeApi::create_permanent`]). Each call creates a code and permanent codes are
/// limited, so it is sent at most once.
#[derive(Serialize)]
struct Create<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_seconds: Option<u32>,
    action_name: &'static str,
    action_info: ActionInfo<'a>,
}

#[derive(Serialize)]
struct ActionInfo<'a> {
    scene: Scene<'a>,
}

#[derive(Serialize)]
struct Scene<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_str: Option<&'a str>,
}

impl Request for Create<'_> {
    type Response = QrTicket;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/qrcode/create", "MpApi::qrcode().create_temporary");
}

impl QrScene {
    fn body(&self, expire_seconds: Option<u32>) -> Create<'_> {
        let permanent = expire_seconds.is_none();
        let (action_name, scene) = match (self, permanent) {
            (Self::Id(id), false) => ("QR_SCENE", Scene::id(*id)),
            (Self::Id(id), true) => ("QR_LIMIT_SCENE", Scene::id(*id)),
            (Self::Str(s), false) => ("QR_STR_SCENE", Scene::str(s)),
            (Self::Str(s), true) => ("QR_LIMIT_STR_SCENE", Scene::str(s)),
        };
        Create {
            expire_seconds,
            action_name,
            action_info: ActionInfo { scene },
        }
    }
}

impl<'a> Scene<'a> {
    fn id(id: u32) -> Self {
        Self {
            scene_id: Some(id),
            scene_str: None,
        }
    }
    fn str(s: &'a str) -> Self {
        Self {
            scene_id: None,
            scene_str: Some(s),
        }
    }
}

/// QR code APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct QrCodeApi {
    api: ApiClient,
}

impl QrCodeApi {
    /// The QR code APIs of the app behind `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// Creates a temporary code valid `expire_seconds` (at most [`MAX_EXPIRE_SECONDS`]; WeChat
    /// caps larger values) (`POST cgi-bin/qrcode/create`, `QR_SCENE` / `QR_STR_SCENE`).
    pub async fn create_temporary(
        &self,
        expire_seconds: u32,
        scene: &QrScene,
    ) -> Result<QrTicket, Error> {
        self.create(scene.body(Some(expire_seconds))).await
    }

    /// Creates a permanent code (`QR_LIMIT_SCENE` / `QR_LIMIT_STR_SCENE`; at most 100 000 per
    /// account, error 45029 beyond).
    pub async fn create_permanent(&self, scene: &QrScene) -> Result<QrTicket, Error> {
        self.create(scene.body(None)).await
    }

    async fn create(&self, body: Create<'_>) -> Result<QrTicket, Error> {
        self.api.send(&body).await
    }

    /// The URL of the code's image: [`SHOW_QRCODE_URL`]`?ticket=…` with the ticket URL-encoded.
    ///
    /// ```
    /// use weixin_mp::api::qrcode::QrCodeApi;
    /// assert_eq!(
    ///     QrCodeApi::show_url("gQH4+8/A=="),
    ///     "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH4%2B8%2FA%3D%3D"
    /// );
    /// ```
    pub fn show_url(ticket: &str) -> String {
        let encoded: String = url::form_urlencoded::byte_serialize(ticket.as_bytes()).collect();
        format!("{SHOW_QRCODE_URL}?ticket={encoded}")
    }
}
