//! Media (素材管理): temporary media (3 days), permanent material and article images.
//!
//! Temporary media work the same for mini programs (images only); build the handle from any
//! app's [`ApiClient`]:
//!
//! ```no_run
//! use weixin_mp::api::media::{MediaApi, MediaType};
//!
//! # async fn demo(app: weixin_core::AppClient) -> weixin_core::Result<()> {
//! let media = MediaApi::new(app.api().clone());
//! let png = std::fs::read("cover.png").unwrap_or_default();
//! let uploaded = media.upload_temp(MediaType::Image, "cover.png", png).await?;
//! let file = media.get_temp(&uploaded.media_id).await?;
//! println!("{} bytes of {:?}", file.bytes.len(), file.content_type);
//! # Ok(()) }
//! ```
//!
//! Downloads return the file only when WeChat really sent one: a JSON answer with an errcode
//! (e.g. 40007 invalid media_id) is [`weixin_core::Error::Api`].

mod material;
mod temp;

pub use material::{
    MaterialCount, MaterialItem, MaterialPage, PermanentMedia, VideoDescription, VideoMaterial,
};
pub use temp::{TempMedia, TempVideo};
pub use weixin_core::client::Download;

use serde::{Deserialize, Serialize};
use weixin_core::client::{ApiClient, Endpoint, Request};

/// The type of an uploaded media file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    /// `image`: PNG, JPEG, JPG, GIF (10 MB for Official Accounts).
    Image,
    /// `voice`: AMR, MP3 (2 MB, 60 s).
    Voice,
    /// `video`: MP4 (10 MB).
    Video,
    /// `thumb`: JPG thumbnail (64 KB).
    Thumb,
}

impl MediaType {
    /// The `type` value WeChat expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Voice => "voice",
            Self::Video => "video",
            Self::Thumb => "thumb",
        }
    }
}

/// Media and material APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct MediaApi {
    api: ApiClient,
}

impl MediaApi {
    /// The media APIs of the app behind `api` (Official Account or mini program).
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }
}

/// Every endpoint of this area (temporary media and permanent material).
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    temp::UploadTemp::ENDPOINT,
    temp::GetTemp::ENDPOINT,
    temp::UploadArticleImage::ENDPOINT,
    material::AddMaterial::ENDPOINT,
    material::GetMaterial::ENDPOINT,
    material::DeleteMaterial::ENDPOINT,
    material::CountMaterial::ENDPOINT,
    material::ListMaterial::ENDPOINT,
];
