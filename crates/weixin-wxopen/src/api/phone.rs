//! Phone numbers: `wxa/business/getuserphonenumber` (the `getPhoneNumber` button's `code`).

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

/// The path.
pub const GET_USER_PHONE_NUMBER_PATH: &str = "/wxa/business/getuserphonenumber";

/// A user's phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneInfo {
    /// With the country code for foreign numbers, e.g. `13123456789`.
    pub phone_number: String,
    /// Without the country code.
    pub pure_phone_number: String,
    /// The country code (a number or a string on the wire; kept as text).
    #[serde(deserialize_with = "crate::api::phone::text_or_number")]
    pub country_code: String,
    /// Which app the number was issued to and when; checked against the calling appid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watermark: Option<PhoneWatermark>,
}

/// The `watermark` of a phone number: the app it was issued to and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneWatermark {
    /// The appid the number was issued to.
    pub appid: String,
    /// When (Unix seconds).
    pub timestamp: i64,
}

#[derive(Deserialize)]
struct Response {
    phone_info: PhoneInfo,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    openid: Option<&'a str>,
}

pub(crate) fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, found {other}"
        ))),
    }
}

/// Phone number API. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct PhoneApi {
    api: ApiClient,
}

impl PhoneApi {
    /// The handle over `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// `POST wxa/business/getuserphonenumber {code}`. The code is single-use and valid 5
    /// minutes. Errors: 40029 (invalid code), 45011 (rate limit).
    pub async fn get_user_phone_number(&self, code: &str) -> Result<PhoneInfo, Error> {
        self.get_checked(code, None).await
    }

    /// Same, and WeChat checks that the number belongs to `openid`.
    pub async fn get_checked(&self, code: &str, openid: Option<&str>) -> Result<PhoneInfo, Error> {
        let body = Body { code, openid };
        let resp: Response = self
            .api
            .json(
                Call::post(GET_USER_PHONE_NUMBER_PATH)
                    .json(&body)
                    .signable(),
            )
            .await?;
        if let Some(mark) = &resp.phone_info.watermark
            && mark.appid != self.api.appid()
        {
            return Err(Error::Decode {
                endpoint: GET_USER_PHONE_NUMBER_PATH.to_owned(),
                message: format!(
                    "the phone number's watermark names appid {}, not {}: the code was issued to another app",
                    mark.appid,
                    self.api.appid()
                ),
                excerpt: String::new(),
            });
        }
        Ok(resp.phone_info)
    }
}
