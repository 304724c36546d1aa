//! Customer-service accounts and sessions (客服帐号管理, 会话控制), Official Accounts.
//!
//! ```no_run
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! mp.kf().add("kf2001@gh_123456789abc", "客服1").await?;
//! mp.kf().invite_worker("kf2001@gh_123456789abc", "worker_wechat_id").await?;
//! for account in mp.kf().list().await? {
//!     println!("{} ({})", account.kf_account, account.kf_nick);
//! }
//! mp.kf().create_session("kf2001@gh_123456789abc", "OPENID").await?;
//! # Ok(()) }
//! ```
//!
//! Messages are sent as an account with
//! [`CustomMessage::kf_account`](super::custom::CustomMessage::kf_account).

use bytes::Bytes;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call, Endpoint, Request, Upload};

use super::common::{content_type_for, string_or_int};

/// A customer-service account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct KfAccount {
    /// `name@gh_xxx`.
    pub kf_account: String,
    /// Nickname.
    #[serde(default)]
    pub kf_nick: String,
    /// The account's id.
    #[serde(default, deserialize_with = "string_or_int")]
    pub kf_id: String,
    /// Avatar URL.
    #[serde(default)]
    pub kf_headimgurl: String,
    /// The bound WeChat id of the worker.
    #[serde(default)]
    pub kf_wx: Option<String>,
    /// The invited WeChat id, while the invitation is pending.
    #[serde(default)]
    pub invite_wx: Option<String>,
    /// When the invitation expires (unix seconds).
    #[serde(default)]
    pub invite_expire_time: Option<i64>,
    /// `waiting`, `rejected` or `expired`.
    #[serde(default)]
    pub invite_status: Option<String>,
}

/// An online customer-service account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct OnlineKf {
    /// `name@gh_xxx`.
    pub kf_account: String,
    /// Online status (1: the web client is online).
    #[serde(default)]
    pub status: i64,
    /// The account's id.
    #[serde(default, deserialize_with = "string_or_int")]
    pub kf_id: String,
    /// Sessions it is handling.
    #[serde(default)]
    pub accepted_case: u64,
}

/// A user's current session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct KfSession {
    /// The account handling it (empty when none).
    #[serde(default)]
    pub kf_account: String,
    /// When it started (unix seconds).
    #[serde(default)]
    pub createtime: i64,
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    ListAccounts::ENDPOINT,
    ListOnline::ENDPOINT,
    AddAccount::ENDPOINT,
    UpdateAccount::ENDPOINT,
    InviteWorker::ENDPOINT,
    UploadHeadImage::ENDPOINT,
    DeleteAccount::ENDPOINT,
    CreateSession::ENDPOINT,
    CloseSession::ENDPOINT,
    GetSession::ENDPOINT,
];

/// `GET cgi-bin/customservice/getkflist`.
#[derive(Serialize)]
struct ListAccounts;

#[derive(Deserialize)]
struct KfList {
    #[serde(default)]
    kf_list: Vec<KfAccount>,
}

impl Request for ListAccounts {
    type Response = KfList;
    const ENDPOINT: Endpoint =
        Endpoint::get("/cgi-bin/customservice/getkflist", "MpApi::kf().list");
}

/// `GET cgi-bin/customservice/getonlinekflist`.
#[derive(Serialize)]
struct ListOnline;

#[derive(Deserialize)]
struct OnlineList {
    #[serde(default)]
    kf_online_list: Vec<OnlineKf>,
}

impl Request for ListOnline {
    type Response = OnlineList;
    const ENDPOINT: Endpoint = Endpoint::get(
        "/cgi-bin/customservice/getonlinekflist",
        "MpApi::kf().online",
    );
}

/// `POST customservice/kfaccount/add`.
#[derive(Serialize)]
struct AddAccount<'a> {
    kf_account: &'a str,
    nickname: &'a str,
}

impl Request for AddAccount<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post("/customservice/kfaccount/add", "MpApi::kf().add");
}

/// `POST customservice/kfaccount/update`: setting the same nickname twice is harmless.
#[derive(Serialize)]
struct UpdateAccount<'a> {
    kf_account: &'a str,
    nickname: &'a str,
}

impl Request for UpdateAccount<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint =
        Endpoint::post("/customservice/kfaccount/update", "MpApi::kf().update").idempotent();
}

/// `POST customservice/kfaccount/inviteworker`.
#[derive(Serialize)]
struct InviteWorker<'a> {
    kf_account: &'a str,
    invite_wx: &'a str,
}

impl Request for InviteWorker<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/customservice/kfaccount/inviteworker",
        "MpApi::kf().invite_worker",
    );
}

/// `POST customservice/kfaccount/uploadheadimg?kf_account=…`: the account is the query, the
/// image the `media` part.
#[derive(Serialize)]
struct UploadHeadImage<'a> {
    kf_account: &'a str,
    #[serde(skip)]
    upload: Upload,
}

impl Request for UploadHeadImage<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/customservice/kfaccount/uploadheadimg",
        "MpApi::kf().upload_head_image",
    );

    fn call(&self) -> Call {
        Self::ENDPOINT
            .call()
            .query_of(self)
            .multipart(self.upload.clone())
    }
}

/// `POST customservice/kfaccount/del`.
#[derive(Serialize)]
struct DeleteAccount<'a> {
    kf_account: &'a str,
}

impl Request for DeleteAccount<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post("/customservice/kfaccount/del", "MpApi::kf().delete");
}

/// `POST customservice/kfsession/create`.
#[derive(Serialize)]
struct CreateSession<'a> {
    kf_account: &'a str,
    openid: &'a str,
}

impl Request for CreateSession<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/customservice/kfsession/create",
        "MpApi::kf().create_session",
    );
}

/// `POST customservice/kfsession/close`.
#[derive(Serialize)]
struct CloseSession<'a> {
    kf_account: &'a str,
    openid: &'a str,
}

impl Request for CloseSession<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/customservice/kfsession/close",
        "MpApi::kf().close_session",
    );
}

/// `GET customservice/kfsession/getsession?openid=…`.
#[derive(Serialize)]
struct GetSession<'a> {
    openid: &'a str,
}

impl Request for GetSession<'_> {
    type Response = KfSession;
    const ENDPOINT: Endpoint =
        Endpoint::get("/customservice/kfsession/getsession", "MpApi::kf().session");
}

/// Customer-service account and session APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct KfApi {
    api: ApiClient,
}

impl KfApi {
    /// The customer-service account APIs of the app behind `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    /// All accounts (`GET cgi-bin/customservice/getkflist`).
    pub async fn list(&self) -> Result<Vec<KfAccount>, Error> {
        Ok(self.api.send(&ListAccounts).await?.kf_list)
    }

    /// The accounts online now (`GET cgi-bin/customservice/getonlinekflist`).
    pub async fn online(&self) -> Result<Vec<OnlineKf>, Error> {
        Ok(self.api.send(&ListOnline).await?.kf_online_list)
    }

    /// Adds an account (`POST customservice/kfaccount/add`), at most once.
    pub async fn add(&self, kf_account: &str, nickname: &str) -> Result<(), Error> {
        let request = AddAccount {
            kf_account,
            nickname,
        };
        self.api.send(&request).await.map(drop)
    }

    /// Changes an account's nickname (`POST customservice/kfaccount/update`).
    pub async fn update(&self, kf_account: &str, nickname: &str) -> Result<(), Error> {
        let request = UpdateAccount {
            kf_account,
            nickname,
        };
        self.api.send(&request).await.map(drop)
    }

    /// Invites a WeChat user to work as the account (`POST customservice/kfaccount/inviteworker`).
    pub async fn invite_worker(&self, kf_account: &str, invite_wx: &str) -> Result<(), Error> {
        let request = InviteWorker {
            kf_account,
            invite_wx,
        };
        self.api.send(&request).await.map(drop)
    }

    /// Sets an account's avatar (`POST customservice/kfaccount/uploadheadimg`, JPG 640×640
    /// recommended).
    pub async fn upload_head_image(
        &self,
        kf_account: &str,
        file_name: &str,
        data: impl Into<Bytes>,
    ) -> Result<(), Error> {
        let upload = Upload::media(file_name, content_type_for(file_name), data);
        let request = UploadHeadImage { kf_account, upload };
        self.api.send(&request).await.map(drop)
    }

    /// Deletes an account (`POST customservice/kfaccount/del` with `{"kf_account"}`), at most
    /// once.
    pub async fn delete(&self, kf_account: &str) -> Result<(), Error> {
        self.api.send(&DeleteAccount { kf_account }).await.map(drop)
    }

    /// Hands a user to an account (`POST customservice/kfsession/create`).
    pub async fn create_session(&self, kf_account: &str, openid: &str) -> Result<(), Error> {
        let request = CreateSession { kf_account, openid };
        self.api.send(&request).await.map(drop)
    }

    /// Closes a user's session with an account (`POST customservice/kfsession/close`).
    pub async fn close_session(&self, kf_account: &str, openid: &str) -> Result<(), Error> {
        let request = CloseSession { kf_account, openid };
        self.api.send(&request).await.map(drop)
    }

    /// A user's current session (`GET customservice/kfsession/getsession`).
    pub async fn session(&self, openid: &str) -> Result<KfSession, Error> {
        self.api.send(&GetSession { openid }).await
    }
}
