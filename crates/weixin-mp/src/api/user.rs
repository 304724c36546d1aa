//! Followers (用户管理): info, batch info, follower list, remarks, blacklist.
//!
//! ```no_run
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! use weixin_mp::api::Lang;
//! let mut next = String::new();
//! loop {
//!     let page = mp.user().list(&next).await?;
//!     for openid in &page.openids {
//!         let info = mp.user().info(openid, Lang::ZhCn).await?;
//!         println!("{} subscribed: {}", info.openid, info.subscribed());
//!     }
//!     if page.openids.is_empty() || page.next_openid.is_empty() {
//!         break;
//!     }
//!     next = page.next_openid;
//! }
//! # Ok(()) }
//! ```

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Endpoint, Request};

use super::common::{Lang, OpenIdPage};

/// A follower's information (`cgi-bin/user/info`). Users who do not follow the account only
/// have `subscribe = 0` and `openid`. WeChat no longer returns nickname and avatar here.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct UserInfo {
    /// 1 when the user follows the account.
    #[serde(default)]
    pub subscribe: u8,
    /// The openid.
    pub openid: String,
    /// Language (no longer provided by WeChat; usually empty).
    #[serde(default)]
    pub language: Option<String>,
    /// When the user last followed (unix seconds).
    #[serde(default)]
    pub subscribe_time: Option<i64>,
    /// The unionid (accounts bound to an Open Platform account).
    #[serde(default)]
    pub unionid: Option<String>,
    /// The remark set by the account.
    #[serde(default)]
    pub remark: Option<String>,
    /// Legacy group id.
    #[serde(default)]
    pub groupid: Option<i64>,
    /// The user's tag ids.
    #[serde(default)]
    pub tagid_list: Vec<i64>,
    /// How the user followed, e.g. `ADD_SCENE_QR_CODE`.
    #[serde(default)]
    pub subscribe_scene: Option<String>,
    /// The QR scene id (followed by scanning a parametric code).
    #[serde(default)]
    pub qr_scene: Option<i64>,
    /// The QR scene string.
    #[serde(default)]
    pub qr_scene_str: Option<String>,
}

impl UserInfo {
    /// Whether the user follows the account.
    pub fn subscribed(&self) -> bool {
        self.subscribe == 1
    }
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    Info::ENDPOINT,
    BatchGet::ENDPOINT,
    List::ENDPOINT,
    UpdateRemark::ENDPOINT,
    Blacklist::ENDPOINT,
    Block::ENDPOINT,
    Unblock::ENDPOINT,
];

/// `GET cgi-bin/user/info?openid=…&lang=…`.
#[derive(Serialize)]
struct Info<'a> {
    openid: &'a str,
    lang: Lang,
}

impl Request for Info<'_> {
    type Response = UserInfo;
    const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/user/info", "MpApi::user().info");
}

/// `POST cgi-bin/user/info/batchget`: a read.
#[derive(Serialize)]
struct BatchGet<'a> {
    user_list: Vec<BatchUser<'a>>,
}

#[derive(Serialize)]
struct BatchUser<'a> {
    openid: &'a str,
    lang: Lang,
}

#[derive(Deserialize)]
struct BatchInfo {
    #[serde(default)]
    user_info_list: Vec<UserInfo>,
}

impl Request for BatchGet<'_> {
    type Response = BatchInfo;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/user/info/batchget", "MpApi::user().batch_info").idempotent();
}

/// `GET cgi-bin/user/get`, with `next_openid` only after the first page.
#[derive(Serialize)]
struct List<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    next_openid: Option<&'a str>,
}

impl Request for List<'_> {
    type Response = OpenIdPage;
    const ENDPOINT: Endpoint = Endpoint::get("/cgi-bin/user/get", "MpApi::user().list");
}

/// `POST cgi-bin/user/info/updateremark`: setting the same remark again is harmless.
#[derive(Serialize)]
struct UpdateRemark<'a> {
    openid: &'a str,
    remark: &'a str,
}

impl Request for UpdateRemark<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/user/info/updateremark",
        "MpApi::user().update_remark",
    )
    .idempotent();
}

/// `POST cgi-bin/tags/members/getblacklist`: a read.
#[derive(Serialize)]
struct Blacklist<'a> {
    begin_openid: &'a str,
}

impl Request for Blacklist<'_> {
    type Response = OpenIdPage;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/tags/members/getblacklist",
        "MpApi::user().blacklist",
    )
    .idempotent();
}

/// `POST cgi-bin/tags/members/batchblacklist`: blocking twice leaves the same list.
#[derive(Serialize)]
struct Block<'a> {
    openid_list: &'a [&'a str],
}

impl Request for Block<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/tags/members/batchblacklist",
        "MpApi::user().block",
    )
    .idempotent();
}

/// `POST cgi-bin/tags/members/batchunblacklist`: unblocking twice leaves the same list.
#[derive(Serialize)]
struct Unblock<'a> {
    openid_list: &'a [&'a str],
}

impl Request for Unblock<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/tags/members/batchunblacklist",
        "MpApi::user().unblock",
    )
    .idempotent();
}

/// Follower APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct UserApi {
    api: ApiClient,
}

impl UserApi {
    /// The user APIs of the app behind `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// One user's information (`GET cgi-bin/user/info`).
    pub async fn info(&self, openid: &str, lang: Lang) -> Result<UserInfo, Error> {
        self.api.send(&Info { openid, lang }).await
    }

    /// Up to 100 users' information (`POST cgi-bin/user/info/batchget`).
    pub async fn batch_info(&self, openids: &[&str], lang: Lang) -> Result<Vec<UserInfo>, Error> {
        let request = BatchGet {
            user_list: openids
                .iter()
                .map(|openid| BatchUser { openid, lang })
                .collect(),
        };
        Ok(self.api.send(&request).await?.user_info_list)
    }

    /// One page (up to 10 000) of followers (`GET cgi-bin/user/get`); start with an empty
    /// `next_openid`, then pass the page's [`OpenIdPage::next_openid`].
    pub async fn list(&self, next_openid: &str) -> Result<OpenIdPage, Error> {
        let next_openid = Some(next_openid).filter(|next| !next.is_empty());
        self.api.send(&List { next_openid }).await
    }

    /// Sets a user's remark (`POST cgi-bin/user/info/updateremark`, up to 30 characters).
    pub async fn update_remark(&self, openid: &str, remark: &str) -> Result<(), Error> {
        self.api
            .send(&UpdateRemark { openid, remark })
            .await
            .map(drop)
    }

    /// One page (up to 10 000) of blacklisted users (`POST cgi-bin/tags/members/getblacklist`);
    /// start with an empty `begin_openid`, then pass the page's [`OpenIdPage::next_openid`].
    pub async fn blacklist(&self, begin_openid: &str) -> Result<OpenIdPage, Error> {
        self.api.send(&Blacklist { begin_openid }).await
    }

    /// Blacklists up to 20 users (`POST cgi-bin/tags/members/batchblacklist`).
    pub async fn block(&self, openids: &[&str]) -> Result<(), Error> {
        let request = Block {
            openid_list: openids,
        };
        self.api.send(&request).await.map(drop)
    }

    /// Removes up to 20 users from the blacklist (`POST cgi-bin/tags/members/batchunblacklist`).
    pub async fn unblock(&self, openids: &[&str]) -> Result<(), Error> {
        let request = Unblock {
            openid_list: openids,
        };
        self.api.send(&request).await.map(drop)
    }
}
