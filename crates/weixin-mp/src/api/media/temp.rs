//! Temporary media: `cgi-bin/media/upload`, `cgi-bin/media/get`, and `cgi-bin/media/uploadimg`.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{Call, Download, Endpoint, Request, Upload};

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

/// `POST cgi-bin/media/upload?type=…`: the type is the query, the file the `media` part.
#[derive(Serialize)]
pub(super) struct UploadTemp {
    #[serde(rename = "type")]
    media_type: MediaType,
    #[serde(skip)]
    upload: Upload,
}

impl Request for UploadTemp {
    type Response = TempMedia;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/media/upload", "MpApi::media().upload_temp");

    fn call(&self) -> Call {
        Self::ENDPOINT
            .call()
            .query_of(self)
            .multipart(self.upload.clone())
    }
}

/// `GET cgi-bin/media/get?media_id=…`: the file, or a JSON `video_url` for videos (also sent by
/// [`MediaApi::get_temp_video`]).
#[derive(Serialize)]
pub(super) struct GetTemp<'a> {
    media_id: &'a str,
}

impl Request for GetTemp<'_> {
    type Response = Download;
    const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/media/get", "MpApi::media().get_temp");
}

/// `POST cgi-bin/media/uploadimg`: the image is the `media` part.
#[derive(Serialize)]
pub(super) struct UploadArticleImage {
    #[serde(skip)]
    upload: Upload,
}

#[derive(Deserialize)]
pub(super) struct ImageUrl {
    url: String,
}

impl Request for UploadArticleImage {
    type Response = ImageUrl;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/media/uploadimg",
        "MpApi::media().upload_article_image",
    );

    fn call(&self) -> Call {
        Self::ENDPOINT.call().multipart(self.upload.clone())
    }
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
        self.api.send(&UploadTemp { media_type, upload }).await
    }

    /// Downloads a temporary media file (`GET cgi-bin/media/get?media_id=…`): the bytes with
    /// their content type and file name. For videos WeChat answers a URL: use
    /// [`MediaApi::get_temp_video`].
    pub async fn get_temp(&self, media_id: &str) -> Result<Download, Error> {
        self.api.download(&GetTemp { media_id }).await
    }

    /// The download URL of a temporary video (`GET cgi-bin/media/get`, JSON answer).
    pub async fn get_temp_video(&self, media_id: &str) -> Result<TempVideo, Error> {
        self.api.json(GetTemp { media_id }.call()).await
    }

    /// Uploads an image for use inside articles (`POST cgi-bin/media/uploadimg`, JPG/PNG under
    /// 1 MB) and returns its URL.
    pub async fn upload_article_image(
        &self,
        file_name: &str,
        data: impl Into<Bytes>,
    ) -> Result<String, Error> {
        let upload = Upload::media(file_name, content_type_for(file_name), data);
        Ok(self.api.send(&UploadArticleImage { upload }).await?.url)
    }
}
