//! The video and music reply payloads.

use serde::{Deserialize, Serialize};

/// A video reply: `Video/MediaId`, `Title`, `Description`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Video {
    /// `MediaId` of uploaded video media.
    pub media_id: String,
    /// `Title` (left out when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// `Description` (left out when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl Video {
    /// A video without title or description.
    pub fn new(media_id: impl Into<String>) -> Self {
        Self {
            media_id: media_id.into(),
            ..Self::default()
        }
    }
}

/// A music reply: `Music/Title`, `Description`, `MusicUrl`, `HQMusicUrl`, `ThumbMediaId`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Music {
    /// `Title` (left out when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// `Description` (left out when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `MusicUrl`.
    #[serde(default)]
    pub music_url: String,
    /// `HQMusicUrl`: high quality, preferred on Wi-Fi.
    #[serde(default)]
    pub hq_music_url: String,
    /// `ThumbMediaId`: media id of the cover thumbnail.
    #[serde(default)]
    pub thumb_media_id: String,
}
