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

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

use super::common::{Lang, OpenIdPage, send_ok};

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

#[derive(Serialize)]
struct Remark<'a> {
    openid: &'a str,
    remark: &'a str,
}

#[derive(Serialize)]
struct BeginOpenId<'a> {
    begin_openid: &'a str,
}

#[derive(Serialize)]
struct OpenIdList<'a> {
    openid_list: &'a [&'a str],
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
        let call = Call::get("/cgi-bin/user/info")
            .query("openid", openid)
            .query("lang", lang.as_str());
        self.api.json(call).await
    }

    /// Up to 100 users' information (`POST cgi-bin/user/info/batchget`).
    pub async fn batch_info(&self, openids: &[&str], lang: Lang) -> Result<Vec<UserInfo>, Error> {
        let body = BatchGet {
            user_list: openids
                .iter()
                .map(|openid| BatchUser { openid, lang })
                .collect(),
        };
        let call = Call::post("/cgi-bin/user/info/batchget")
            .json(&body)
            .idempotent();
        let info: BatchInfo = self.api.json(call).await?;
        Ok(info.user_info_list)
    }

    /// One page (up to 10 000) of followers (`GET cgi-bin/user/get`); start with an empty
    /// `next_openid`, then pass the page's [`OpenIdPage::next_openid`].
    pub async fn list(&self, next_openid: &str) -> Result<OpenIdPage, Error> {
        let mut call = Call::get("/cgi-bin/user/get");
        if !next_openid.is_empty() {
            call = call.query("next_openid", next_openid);
        }
        self.api.json(call).await
    }

    /// Sets a user's remark (`POST cgi-bin/user/info/updateremark`, up to 30 characters).
    pub async fn update_remark(&self, openid: &str, remark: &str) -> Result<(), Error> {
        let call = Call::post("/cgi-bin/user/info/updateremark")
            .json(&Remark { openid, remark })
            .idempotent();
        send_ok(&self.api, call).await
    }

    /// One page (up to 10 000) of blacklisted users (`POST cgi-bin/tags/members/getblacklist`);
    /// start with an empty `begin_openid`, then pass the page's [`OpenIdPage::next_openid`].
    pub async fn blacklist(&self, begin_openid: &str) -> Result<OpenIdPage, Error> {
        let call = Call::post("/cgi-bin/tags/members/getblacklist")
            .json(&BeginOpenId { begin_openid })
            .idempotent();
        self.api.json(call).await
    }

    /// Blacklists up to 20 users (`POST cgi-bin/tags/members/batchblacklist`).
    pub async fn block(&self, openids: &[&str]) -> Result<(), Error> {
        let call = Call::post("/cgi-bin/tags/members/batchblacklist")
            .json(&OpenIdList {
                openid_list: openids,
            })
            .idempotent();
        send_ok(&self.api, call).await
    }

    /// Removes up to 20 users from the blacklist (`POST cgi-bin/tags/members/batchunblacklist`).
    pub async fn unblock(&self, openids: &[&str]) -> Result<(), Error> {
        let call = Call::post("/cgi-bin/tags/members/batchunblacklist")
            .json(&OpenIdList {
                openid_list: openids,
            })
            .idempotent();
        send_ok(&self.api, call).await
    }
}

/// Every endpoint of this area (filled in as the area moves to declared requests).
pub(crate) const ENDPOINTS: &[weixin_core::client::Endpoint] = &[];
