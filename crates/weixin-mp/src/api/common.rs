//! Pieces shared by the API areas: languages, pages of openids, sending calls that only answer
//! `errcode`.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

/// The language of returned texts (country, province, city names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese (`zh_CN`, the default).
    #[default]
    #[serde(rename = "zh_CN")]
    ZhCn,
    /// Traditional Chinese (`zh_TW`).
    #[serde(rename = "zh_TW")]
    ZhTw,
    /// English (`en`).
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// The value WeChat expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh_CN",
            Self::ZhTw => "zh_TW",
            Self::En => "en",
        }
    }
}

/// One page of openids (follower list, users of a tag).
///
/// Fetch the next page with `next_openid`; the list ends when `openids` is empty or
/// `next_openid` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct OpenIdPage {
    /// Total number of users (follower list only; `None` for tag members).
    #[serde(default)]
    pub total: Option<u64>,
    /// Number of openids on this page.
    #[serde(default)]
    pub count: u64,
    /// The openids of this page.
    #[serde(default, rename = "data", deserialize_with = "openid_data")]
    pub openids: Vec<String>,
    /// Where the next page starts (the last openid of this page); empty at the end.
    #[serde(default)]
    pub next_openid: String,
}

fn openid_data<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Data {
        #[serde(default)]
        openid: Vec<String>,
    }
    Ok(Option::<Data>::deserialize(d)?
        .map(|data| data.openid)
        .unwrap_or_default())
}

/// An integer WeChat sends either as a number or as a string (`menuid`).
pub(crate) fn int_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IntOrString {
        Int(i64),
        Str(String),
    }
    match IntOrString::deserialize(d)? {
        IntOrString::Int(i) => Ok(i),
        IntOrString::Str(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// A string WeChat sometimes sends as a number (`kf_id`).
pub(crate) fn string_or_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StringOrInt {
        Str(String),
        Int(i64),
    }
    Ok(match StringOrInt::deserialize(d)? {
        StringOrInt::Str(s) => s,
        StringOrInt::Int(i) => i.to_string(),
    })
}

/// An optional string WeChat sometimes sends as a number (a menu rule's `group_id`).
pub(crate) fn opt_string_or_int<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "string_or_int")] String);
    Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(s)| s))
}

/// Sends `call` and only checks the errcode.
pub(crate) async fn send_ok(api: &ApiClient, call: Call) -> Result<(), Error> {
    api.json::<IgnoredAny>(call).await.map(|_| ())
}

/// The MIME type of a file name's extension (WeChat checks the part's content type).
pub(crate) fn content_type_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "amr" => "audio/amr",
        "mp3" => "audio/mpeg",
        "speex" => "audio/speex",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type_for("a.PNG"), "image/png");
        assert_eq!(content_type_for("dir.x/a.jpeg"), "image/jpeg");
        assert_eq!(content_type_for("voice.amr"), "audio/amr");
        assert_eq!(content_type_for("noext"), "application/octet-stream");
    }

    #[test]
    fn openid_pages_tolerate_a_missing_data_field() {
        let page: OpenIdPage =
            serde_json::from_value(serde_json::json!({"total": 2, "count": 0, "next_openid": ""}))
                .unwrap();
        assert!(page.openids.is_empty());
        let page: OpenIdPage = serde_json::from_value(serde_json::json!({
            "total": 2, "count": 2, "data": {"openid": ["o1", "o2"]}, "next_openid": "o2"
        }))
        .unwrap();
        assert_eq!(page.openids, ["o1", "o2"]);
        assert_eq!(page.total, Some(2));
    }
}
