//! Shapes of decrypted open data.

use serde::{Deserialize, Serialize};

/// The watermark of decrypted data (already checked against the app's appid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataWatermark {
    /// The mini program the data was issued to.
    pub appid: String,
    /// When it was issued (Unix seconds).
    pub timestamp: i64,
}

/// User info from `wx.getUserInfo` `encryptedData` (legacy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    /// The openid.
    pub open_id: String,
    /// The nickname.
    #[serde(default)]
    pub nick_name: String,
    /// 0 unknown, 1 male, 2 female.
    #[serde(default)]
    pub gender: i64,
    /// Language, e.g. `zh_CN`.
    #[serde(default)]
    pub language: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Province.
    #[serde(default)]
    pub province: String,
    /// Country.
    #[serde(default)]
    pub country: String,
    /// Avatar URL.
    #[serde(default)]
    pub avatar_url: String,
    /// The unionid, when bound to an Open Platform account.
    #[serde(default)]
    pub union_id: Option<String>,
    /// The watermark.
    pub watermark: DataWatermark,
}

/// A phone number from the legacy `getPhoneNumber` `encryptedData` flow (the current flow is
/// [`PhoneApi`](crate::api::phone::PhoneApi) with a code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumber {
    /// With the country code for foreign numbers.
    pub phone_number: String,
    /// Without the country code.
    pub pure_phone_number: String,
    /// The country code.
    #[serde(deserialize_with = "crate::api::phone::text_or_number")]
    pub country_code: String,
    /// The watermark.
    pub watermark: DataWatermark,
}
