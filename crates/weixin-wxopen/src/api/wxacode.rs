//! Mini-program codes (小程序码) and QR codes: the image bytes on success, a typed
//! [`Error::Api`] when WeChat answers a JSON error (45029 count limit, 41030 page not
//! published, 40159 bad path...).
//!
//! The answer is accepted as an image only when it really is one (`Content-Type: image/*`, or a
//! body that is not JSON); a JSON body is always read as an error.

use serde::Serialize;
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call, Download};

/// The limited mini-program code path (100,000 codes in total with `createwxaqrcode`).
pub const GET_WXACODE_PATH: &str = "/wxa/getwxacode";
/// The unlimited mini-program code path.
pub const GET_WXACODE_UNLIMIT_PATH: &str = "/wxa/getwxacodeunlimit";
/// The (square) QR code path.
pub const CREATE_QRCODE_PATH: &str = "/cgi-bin/wxaapp/createwxaqrcode";

/// A colour for `line_color` (decimal RGB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LineColor {
    /// Red, 0..=255.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

/// The version of the mini program a code opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvVersion {
    /// The published version (default).
    Release,
    /// The trial version.
    Trial,
    /// The development version.
    Develop,
}

/// Options shared by both mini-program code kinds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CodeStyle {
    /// Width in px, 280..=1280 (default 430).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Pick the line colour automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_color: Option<bool>,
    /// Line colour when `auto_color` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_color: Option<LineColor>,
    /// Transparent background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_hyaline: Option<bool>,
    /// The version to open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_version: Option<EnvVersion>,
}

/// `wxa/getwxacode`: a code for a page path with parameters (limited number of codes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WxaCode {
    /// The page and its query, e.g. `pages/index/index?id=1` (at most 1024 characters).
    pub path: String,
    /// Size and colours.
    #[serde(flatten)]
    pub style: CodeStyle,
}

impl WxaCode {
    /// A code for `path`.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            style: CodeStyle::default(),
        }
    }

    /// Sets the width in px.
    pub fn width(mut self, width: u32) -> Self {
        self.style.width = Some(width);
        self
    }

    /// Sets the version to open.
    pub fn env_version(mut self, env: EnvVersion) -> Self {
        self.style.env_version = Some(env);
        self
    }
}

/// `wxa/getwxacodeunlimit`: a code for a page with a short `scene` (unlimited number of codes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnlimitedWxaCode {
    /// Up to 32 visible characters (`0-9a-zA-Z!#$&'()*+,/:;=?@-._~`); the page reads it from
    /// `decodeURIComponent(query.scene)`.
    pub scene: String,
    /// The page, without a leading `/` or a query (default: the home page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Whether WeChat checks that the page exists in the published version (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_path: Option<bool>,
    /// Size and colours.
    #[serde(flatten)]
    pub style: CodeStyle,
}

impl UnlimitedWxaCode {
    /// A code carrying `scene`.
    pub fn new(scene: impl Into<String>) -> Self {
        Self {
            scene: scene.into(),
            page: None,
            check_path: None,
            style: CodeStyle::default(),
        }
    }

    /// The page to open.
    pub fn page(mut self, page: impl Into<String>) -> Self {
        self.page = Some(page.into());
        self
    }

    /// Whether to check that the page is published.
    pub fn check_path(mut self, check: bool) -> Self {
        self.check_path = Some(check);
        self
    }

    /// Sets the width in px.
    pub fn width(mut self, width: u32) -> Self {
        self.style.width = Some(width);
        self
    }

    /// Sets the version to open.
    pub fn env_version(mut self, env: EnvVersion) -> Self {
        self.style.env_version = Some(env);
        self
    }
}

#[derive(Serialize)]
struct QrCodeBody<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
}

/// Mini-program codes and QR codes. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct WxaCodeApi {
    api: ApiClient,
}

impl WxaCodeApi {
    /// The handle over `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// `POST wxa/getwxacode`: the image (JPEG or PNG) of a limited code.
    pub async fn get(&self, code: &WxaCode) -> Result<Download, Error> {
        // Creating a code consumes quota: never repeat it after an ambiguous failure.
        self.api
            .bytes(Call::post(GET_WXACODE_PATH).json(code))
            .await
    }

    /// `POST wxa/getwxacodeunlimit`: the image of an unlimited code (5000 per minute).
    pub async fn get_unlimited(&self, code: &UnlimitedWxaCode) -> Result<Download, Error> {
        // Unlimited codes consume no quota: the same request gives the same code.
        self.api
            .bytes(Call::post(GET_WXACODE_UNLIMIT_PATH).json(code).idempotent())
            .await
    }

    /// `POST cgi-bin/wxaapp/createwxaqrcode`: the image of a square QR code for `path`
    /// (at most 128 characters), `width` 280..=1280 (default 430).
    pub async fn create_qrcode(&self, path: &str, width: Option<u32>) -> Result<Download, Error> {
        let body = QrCodeBody { path, width };
        self.api
            .bytes(Call::post(CREATE_QRCODE_PATH).json(&body))
            .await
    }
}
