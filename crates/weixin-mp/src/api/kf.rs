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
use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call, Upload};

use super::common::{content_type_for, send_ok, string_or_int};

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

#[derive(Serialize)]
struct Account<'a> {
    kf_account: &'a str,
    nickname: &'a str,
}

#[derive(Serialize)]
struct KfAccountName<'a> {
    kf_account: &'a str,
}

#[derive(Serialize)]
struct Invite<'a> {
    kf_account: &'a str,
    invite_wx: &'a str,
}

#[derive(Serialize)]
struct Session<'a> {
    kf_account: &'a str,
    openid: &'a str,
}

#[derive(Deserialize)]
struct KfList {
    #[serde(default)]
    kf_list: Vec<KfAccount>,
}

#[derive(Deserialize)]
struct OnlineList {
    #[serde(default)]
    kf_online_list: Vec<OnlineKf>,
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
        let list: KfList = self
            .api
            .json(Call::get("/cgi-bin/customservice/getkflist"))
            .await?;
        Ok(list.kf_list)
    }

    /// The accounts online now (`GET cgi-bin/customservice/getonlinekflist`).
    pub async fn online(&self) -> Result<Vec<OnlineKf>, Error> {
        let list: OnlineList = self
            .api
            .json(Call::get("/cgi-bin/customservice/getonlinekflist"))
            .await?;
        Ok(list.kf_online_list)
    }

    /// Adds an account (`POST customservice/kfaccount/add`), at most once.
    pub async fn add(&self, kf_account: &str, nickname: &str) -> Result<(), Error> {
        let body = Account {
            kf_account,
            nickname,
        };
        send_ok(
            &self.api,
            Call::post("/customservice/kfaccount/add").json(&body),
        )
        .await
    }

    /// Changes an account's nickname (`POST customservice/kfaccount/update`).
    pub async fn update(&self, kf_account: &str, nickname: &str) -> Result<(), Error> {
        let body = Account {
            kf_account,
            nickname,
        };
        let call = Call::post("/customservice/kfaccount/update")
            .json(&body)
            .idempotent();
        send_ok(&self.api, call).await
    }

    /// Invites a WeChat user to work as the account (`POST customservice/kfaccount/inviteworker`).
    pub async fn invite_worker(&self, kf_account: &str, invite_wx: &str) -> Result<(), Error> {
        let body = Invite {
            kf_account,
            invite_wx,
        };
        send_ok(
            &self.api,
            Call::post("/customservice/kfaccount/inviteworker").json(&body),
        )
        .await
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
        let call = Call::post("/customservice/kfaccount/uploadheadimg")
            .query("kf_account", kf_account)
            .multipart(upload);
        send_ok(&self.api, call).await
    }

    /// Deletes an account (`POST customservice/kfaccount/del` with `{"kf_account"}`), at most
    /// once.
    pub async fn delete(&self, kf_account: &str) -> Result<(), Error> {
        let call = Call::post("/customservice/kfaccount/del")
            .json(&KfAccountName { kf_account })
            .once();
        send_ok(&self.api, call).await
    }

    /// Hands a user to an account (`POST customservice/kfsession/create`).
    pub async fn create_session(&self, kf_account: &str, openid: &str) -> Result<(), Error> {
        let body = Session { kf_account, openid };
        send_ok(
            &self.api,
            Call::post("/customservice/kfsession/create").json(&body),
        )
        .await
    }

    /// Closes a user's session with an account (`POST customservice/kfsession/close`).
    pub async fn close_session(&self, kf_account: &str, openid: &str) -> Result<(), Error> {
        let body = Session { kf_account, openid };
        send_ok(
            &self.api,
            Call::post("/customservice/kfsession/close").json(&body),
        )
        .await
    }

    /// A user's current session (`GET customservice/kfsession/getsession`).
    pub async fn session(&self, openid: &str) -> Result<KfSession, Error> {
        let call = Call::get("/customservice/kfsession/getsession").query("openid", openid);
        self.api.json(call).await
    }
}

/// Every endpoint of this area (filled in as the area moves to declared requests).
pub(crate) const ENDPOINTS: &[weixin_core::client::Endpoint] = &[];
