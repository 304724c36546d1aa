//! Links that open the mini program: URL Scheme (`weixin://dl/business/?t=…`), URL Link
//! (`https://wxaurl.cn/…`) and Short Link (`#小程序://…`).

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

use super::wxacode::EnvVersion;

/// URL Scheme path.
pub const GENERATE_SCHEME_PATH: &str = "/wxa/generatescheme";
/// URL Link path.
pub const GENERATE_URLLINK_PATH: &str = "/wxa/generate_urllink";
/// Short Link path.
pub const GENERATE_SHORTLINK_PATH: &str = "/wxa/genwxashortlink";

/// When a scheme or link expires (at most 30 days: WeChat no longer issues permanent ones).
///
/// Every request carries `is_expire: true` and the fields of its expiry type, which the platform
/// requires (`expire_time` for type 0, `expire_interval` for type 1); no expiry given means the
/// longest, [`Expiry::LONGEST`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// At a Unix time in seconds (`expire_type` 0, `expire_time`).
    At(u64),
    /// After this many days, 1..=30 (`expire_type` 1, `expire_interval`).
    Days(u32),
}

impl Expiry {
    /// The longest validity WeChat grants: 30 days.
    pub const LONGEST: Expiry = Expiry::Days(30);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct ExpiryFields {
    is_expire: bool,
    expire_type: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_interval: Option<u32>,
}

impl From<Option<Expiry>> for ExpiryFields {
    fn from(expiry: Option<Expiry>) -> Self {
        match expiry.unwrap_or(Expiry::LONGEST) {
            Expiry::At(t) => Self {
                is_expire: true,
                expire_type: 0,
                expire_time: Some(t),
                expire_interval: None,
            },
            Expiry::Days(d) => Self {
                is_expire: true,
                expire_type: 1,
                expire_time: None,
                expire_interval: Some(d),
            },
        }
    }
}

/// The page a link opens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkTarget {
    /// The page path without a leading `/` (default: the home page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The query, e.g. `id=42` (at most 1024 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The version to open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_version: Option<EnvVersion>,
}

impl LinkTarget {
    /// `path?query`.
    pub fn new(path: impl Into<String>, query: impl Into<String>) -> Self {
        Self {
            path: Some(path.into()),
            query: Some(query.into()),
            env_version: None,
        }
    }
}

#[derive(Serialize)]
struct SchemeBody<'a> {
    jump_wxa: &'a LinkTarget,
    #[serde(flatten)]
    expiry: ExpiryFields,
}

#[derive(Serialize)]
struct UrlLinkBody<'a> {
    #[serde(flatten)]
    target: &'a LinkTarget,
    #[serde(flatten)]
    expiry: ExpiryFields,
}

#[derive(Serialize)]
struct ShortLinkBody<'a> {
    page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_title: Option<&'a str>,
    is_permanent: bool,
}

#[derive(Deserialize)]
struct OpenLink {
    openlink: String,
}

#[derive(Deserialize)]
struct UrlLink {
    url_link: String,
}

#[derive(Deserialize)]
struct ShortLink {
    link: String,
}

/// URL Scheme, URL Link and Short Link. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct LinksApi {
    api: ApiClient,
}

impl LinksApi {
    /// The handle over `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// `POST wxa/generatescheme`: a `weixin://dl/business/?t=…` scheme, valid until `expiry`
    /// (`None`: [`Expiry::LONGEST`]). Errors: 85079 (not published), 40165 (bad path), 40212
    /// (bad query), 85401 (bad expiry).
    pub async fn generate_scheme(
        &self,
        target: &LinkTarget,
        expiry: Option<Expiry>,
    ) -> Result<String, Error> {
        let body = SchemeBody {
            jump_wxa: target,
            expiry: expiry.into(),
        };
        let link: OpenLink = self
            .api
            .json(Call::post(GENERATE_SCHEME_PATH).json(&body))
            .await?;
        Ok(link.openlink)
    }

    /// `POST wxa/generate_urllink`: a `https://wxaurl.cn/…` link, valid until `expiry` (`None`:
    /// [`Expiry::LONGEST`]).
    pub async fn generate_url_link(
        &self,
        target: &LinkTarget,
        expiry: Option<Expiry>,
    ) -> Result<String, Error> {
        let body = UrlLinkBody {
            target,
            expiry: expiry.into(),
        };
        let link: UrlLink = self
            .api
            .json(Call::post(GENERATE_URLLINK_PATH).json(&body))
            .await?;
        Ok(link.url_link)
    }

    /// `POST wxa/genwxashortlink`: a `#小程序://…` short link to `page_url` (page with query).
    pub async fn generate_short_link(
        &self,
        page_url: &str,
        page_title: Option<&str>,
        is_permanent: bool,
    ) -> Result<String, Error> {
        let body = ShortLinkBody {
            page_url,
            page_title,
            is_permanent,
        };
        let link: ShortLink = self
            .api
            .json(Call::post(GENERATE_SHORTLINK_PATH).json(&body))
            .await?;
        Ok(link.link)
    }
}
