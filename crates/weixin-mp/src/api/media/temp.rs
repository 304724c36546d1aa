//! Temporary media: `cgi-bin/media/upload`, `cgi-bin/media/get`, and `cgi-bin/media/uploadimg`.

use bytes::Bytes;
use serde::Deserialize;
use weixin_core::Error;
use weixin_core::client::{Call, Download, Upload};

use super::{MediaApi, MediaType};
use crate::api::common::content_type_for;

/// An uploaded temporary media file (valid 3 days).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TempMedia {
    /// The media type.
    #[serde(rename = "type")]
    pub media_type: MediaType,
    /// The media_id (`thumb_media_id` for thumbnails).
    #[serde(alias = "thumb_media_id")]
    pub media_id: String,
    /// Upload time (unix seconds).
    #[serde(default)]
    pub created_at: i64,
}

/// A temporary video: WeChat answers a download URL instead of the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TempVideo {
    /// Where to download the video.
    pub video_url: String,
}

#[derive(Deserialize)]
struct ImageUrl {
    url: String,
}

impl MediaApi {
    /// Uploads a temporary media file (`POST cgi-bin/media/upload?type=…`, multipart part
    /// `media`); the content type follows the file name's extension. Mini programs accept
    /// images only.
    pub async fn upload_temp(
        &self,
        media_type: MediaType,
        file_name: &str,
        data: impl Into<Bytes>,
    ) -> Result<TempMedia, Error> {
        let upload = Upload::media(file_name, content_type_for(file_name), data);
        let call = Call::post("/cgi-bin/media/upload")
            .query("type", media_type.as_str())
            .multipart(upload);
        self.api.json(call).await
    }

    /// Downloads a temporary media file (`GET cgi-bin/media/get?media_id=…`): the bytes with
    /// their content type and file name. For videos WeChat answers a URL: use
    /// [`MediaApi::get_temp_video`].
    pub async fn get_temp(&self, media_id: &str) -> Result<Download, Error> {
        let call = Call::get("/cgi-bin/media/get").query("media_id", media_id);
        self.api.bytes(call).await
    }

    /// The download URL of a temporary video (`GET cgi-bin/media/get`, JSON answer).
    pub async fn get_temp_video(&self, media_id: &str) -> Result<TempVideo, Error> {
        let call = Call::get("/cgi-bin/media/get").query("media_id", media_id);
        self.api.json(call).await
    }

    /// Uploads an image for use inside articles (`POST cgi-bin/media/uploadimg`, JPG/PNG under
    /// 1 MB) and returns its URL.
    pub async fn upload_article_image(
        &self,
        file_name: &str,
        data: impl Into<Bytes>,
    ) -> Result<String, Error> {
        let upload = Upload::media(file_name, content_type_for(file_name), data);
        let call = Call::post("/cgi-bin/media/uploadimg").multipart(upload);
        let image: ImageUrl = self.api.json(call).await?;
        Ok(image.url)
    }
}
