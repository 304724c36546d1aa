//! Permanent material (永久素材): `cgi-bin/material/*`.

use bytes::Bytes;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{Call, Download, Endpoint, Request, Upload};

use super::{MediaApi, MediaType};
use crate::api::common::content_type_for;

/// An uploaded permanent material.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PermanentMedia {
    /// The media_id.
    pub media_id: String,
    /// The image URL (images only).
    #[serde(default)]
    pub url: Option<String>,
}

/// Title and introduction of a permanent video (the `description` form field).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct VideoDescription {
    /// Title.
    pub title: String,
    /// Introduction.
    pub introduction: String,
}

/// A permanent video: WeChat answers its details and a download URL.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VideoMaterial {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Where to download the video.
    pub down_url: String,
}

/// How many permanent materials of each type the account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct MaterialCount {
    /// Voices.
    #[serde(default)]
    pub voice_count: u64,
    /// Videos.
    #[serde(default)]
    pub video_count: u64,
    /// Images.
    #[serde(default)]
    pub image_count: u64,
    /// News.
    #[serde(default)]
    pub news_count: u64,
}

/// One page of permanent materials (images, voices, videos).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct MaterialPage {
    /// All materials of this type.
    #[serde(default)]
    pub total_count: u64,
    /// Materials on this page.
    #[serde(default)]
    pub item_count: u64,
    /// The materials.
    #[serde(default)]
    pub item: Vec<MaterialItem>,
}

/// One permanent material in a [`MaterialPage`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct MaterialItem {
    /// The media_id.
    pub media_id: String,
    /// The file name.
    #[serde(default)]
    pub name: String,
    /// Last update (unix seconds).
    #[serde(default)]
    pub update_time: i64,
    /// The URL (images).
    #[serde(default)]
    pub url: Option<String>,
}

/// `POST cgi-bin/material/add_material?type=…`: the type is the query, the file the `media`
/// part (videos add a `description` part; also sent by [`MediaApi::add_video_material`]).
#[derive(Serialize)]
pub(super) struct AddMaterial {
    #[serde(rename = "type")]
    media_type: MediaType,
    #[serde(skip)]
    upload: Upload,
}

impl Request for AddMaterial {
    type Response = PermanentMedia;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/material/add_material",
        "MpApi::media().add_material",
    );

    fn call(&self) -> Call {
        Self::ENDPOINT
            .call()
            .query_of(self)
            .multipart(self.upload.clone())
    }
}

/// `POST cgi-bin/material/get_material`: a read. The file, or JSON for videos (also sent by
/// [`MediaApi::get_video_material`]).
#[derive(Serialize)]
pub(super) struct GetMaterial<'a> {
    media_id: &'a str,
}

impl Request for GetMaterial<'_> {
    type Response = Download;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/material/get_material",
        "MpApi::media().get_material",
    )
    .idempotent();
}

/// `POST cgi-bin/material/del_material`: at most once, a repeat of a delete that went through
/// would answer 40007.
#[derive(Serialize)]
pub(super) struct DeleteMaterial<'a> {
    media_id: &'a str,
}

impl Request for DeleteMaterial<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/material/del_material",
        "MpApi::media().del_material",
    );
}

/// `GET cgi-bin/material/get_materialcount`.
#[derive(Serialize)]
pub(super) struct CountMaterial;

impl Request for CountMaterial {
    type Response = MaterialCount;
    const ENDPOINT: Endpoint = Endpoint::get(
        "/cgi-bin/material/get_materialcount",
        "MpApi::media().material_count",
    );
}

/// `POST cgi-bin/material/batchget_material`: a read.
#[derive(Serialize)]
pub(super) struct ListMaterial {
    #[serde(rename = "type")]
    media_type: MediaType,
    offset: u32,
    count: u32,
}

impl Request for ListMaterial {
    type Response = MaterialPage;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/material/batchget_material",
        "MpApi::media().list_material",
    )
    .idempotent();
}

impl MediaApi {
    /// Uploads a permanent image, voice or thumbnail (`POST cgi-bin/material/add_material`).
    /// Videos need a description: use [`MediaApi::add_video_material`].
    pub async fn add_material(
        &self,
        media_type: MediaType,
        file_name: &str,
        data: impl Into<Bytes>,
    ) -> Result<PermanentMedia, Error> {
        let upload = Upload::media(file_name, content_type_for(file_name), data);
        self.api.send(&AddMaterial { media_type, upload }).await
    }

    /// Uploads a permanent video with its title and introduction (the `description` part).
    pub async fn add_video_material(
        &self,
        file_name: &str,
        data: impl Into<Bytes>,
        description: &VideoDescription,
    ) -> Result<PermanentMedia, Error> {
        let description = serde_json::to_string(description).map_err(|e| Error::Encode {
            endpoint: AddMaterial::ENDPOINT.path().to_owned(),
            message: e.to_string(),
        })?;
        let upload = Upload::media(file_name, content_type_for(file_name), data)
            .text("description", description);
        let request = AddMaterial {
            media_type: MediaType::Video,
            upload,
        };
        self.api.send(&request).await
    }

    /// Downloads a permanent image, voice or thumbnail (`POST cgi-bin/material/get_material`).
    /// Videos answer JSON: use [`MediaApi::get_video_material`].
    pub async fn get_material(&self, media_id: &str) -> Result<Download, Error> {
        self.api.download(&GetMaterial { media_id }).await
    }

    /// The details and download URL of a permanent video (`POST cgi-bin/material/get_material`,
    /// JSON answer).
    pub async fn get_video_material(&self, media_id: &str) -> Result<VideoMaterial, Error> {
        self.api.json(GetMaterial { media_id }.call()).await
    }

    /// Deletes a permanent material (`POST cgi-bin/material/del_material`). Sent at most once: a
    /// repeat of a delete that went through would answer 40007.
    pub async fn del_material(&self, media_id: &str) -> Result<(), Error> {
        self.api.send(&DeleteMaterial { media_id }).await.map(drop)
    }

    /// How many permanent materials of each type exist (`GET cgi-bin/material/get_materialcount`).
    pub async fn material_count(&self) -> Result<MaterialCount, Error> {
        self.api.send(&CountMaterial).await
    }

    /// Lists permanent materials of one type (`POST cgi-bin/material/batchget_material`);
    /// `count` is 1..=20.
    pub async fn list_material(
        &self,
        media_type: MediaType,
        offset: u32,
        count: u32,
    ) -> Result<MaterialPage, Error> {
        let request = ListMaterial {
            media_type,
            offset,
            count,
        };
        self.api.send(&request).await
    }
}
