//! Basic APIs: WeChat's IP addresses, the callback network check, and API quotas.
//!
//! The quota calls (`openapi/quota/get`, `clear_quota`, `openapi/quota/clear`) work the same for
//! mini programs; they live here because the core crate only carries the transport.
//!
//! ```no_run
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let quota = mp.basic().quota("/cgi-bin/message/custom/send").await?;
//! if quota.remain == 0 {
//!     mp.basic().clear_quota().await?; // 10 times a month
//! }
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};
use weixin_core::client::Call;
use weixin_core::{AppClient, Error};

use super::common::send_ok;

/// What `callback/check` tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckAction {
    /// DNS resolution and ping.
    All,
    /// DNS resolution only.
    Dns,
    /// Ping only.
    Ping,
}

/// From which carrier `callback/check` tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CheckOperator {
    /// China Telecom.
    Chinanet,
    /// China Unicom.
    Unicom,
    /// China Mobile.
    Cap,
    /// Chosen by WeChat from the server's network.
    Default,
}

/// The result of `callback/check`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct CallbackCheck {
    /// DNS results.
    #[serde(default)]
    pub dns: Vec<DnsResult>,
    /// Ping results.
    #[serde(default)]
    pub ping: Vec<PingResult>,
}

/// One DNS result.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct DnsResult {
    /// The resolved IP.
    #[serde(default)]
    pub ip: String,
    /// Its carrier.
    #[serde(default)]
    pub real_operator: String,
}

/// One ping result.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct PingResult {
    /// The pinged IP.
    #[serde(default)]
    pub ip: String,
    /// The carrier pinged from.
    #[serde(default)]
    pub from_operator: String,
    /// Packet loss, e.g. `0%`.
    #[serde(default)]
    pub package_loss: String,
    /// Round-trip time, e.g. `23.567ms`.
    #[serde(default)]
    pub time: String,
}

/// The daily quota of one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct ApiQuota {
    /// Calls allowed per day.
    #[serde(default)]
    pub daily_limit: u64,
    /// Calls made today.
    #[serde(default)]
    pub used: u64,
    /// Calls left today.
    #[serde(default)]
    pub remain: u64,
}

#[derive(Deserialize)]
struct IpList {
    #[serde(default)]
    ip_list: Vec<String>,
}

#[derive(Serialize)]
struct Check {
    action: CheckAction,
    check_operator: CheckOperator,
}

#[derive(Serialize)]
struct CgiPath<'a> {
    cgi_path: &'a str,
}

#[derive(Deserialize)]
struct Quota {
    quota: ApiQuota,
}

#[derive(Serialize)]
struct AppId<'a> {
    appid: &'a str,
}

/// Basic APIs. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct BasicApi {
    app: AppClient,
}

impl BasicApi {
    /// The basic APIs of `app` (any platform).
    pub fn new(app: AppClient) -> Self {
        Self { app }
    }

    /// The IPs of `api.weixin.qq.com` (`GET cgi-bin/get_api_domain_ip`), for firewall rules.
    pub async fn get_api_domain_ip(&self) -> Result<Vec<String>, Error> {
        let list: IpList = self
            .app
            .api()
            .json(Call::get("/cgi-bin/get_api_domain_ip"))
            .await?;
        Ok(list.ip_list)
    }

    /// The IPs WeChat pushes messages from (`GET cgi-bin/getcallbackip`).
    pub async fn get_callback_ip(&self) -> Result<Vec<String>, Error> {
        let list: IpList = self
            .app
            .api()
            .json(Call::get("/cgi-bin/getcallbackip"))
            .await?;
        Ok(list.ip_list)
    }

    /// Asks WeChat to test the network path to your push URL (`POST cgi-bin/callback/check`).
    pub async fn callback_check(
        &self,
        action: CheckAction,
        operator: CheckOperator,
    ) -> Result<CallbackCheck, Error> {
        let body = Check {
            action,
            check_operator: operator,
        };
        let call = Call::post("/cgi-bin/callback/check")
            .json(&body)
            .idempotent();
        self.app.api().json(call).await
    }

    /// The daily quota of an API path such as `/cgi-bin/message/custom/send`
    /// (`POST cgi-bin/openapi/quota/get`; the leading `/` is required).
    pub async fn quota(&self, cgi_path: &str) -> Result<ApiQuota, Error> {
        let call = Call::post("/cgi-bin/openapi/quota/get")
            .json(&CgiPath { cgi_path })
            .idempotent();
        let quota: Quota = self.app.api().json(call).await?;
        Ok(quota.quota)
    }

    /// Resets all of the app's API quotas (`POST cgi-bin/clear_quota`). Allowed 10 times a
    /// month (48006 beyond). Sent at most once.
    pub async fn clear_quota(&self) -> Result<(), Error> {
        let body = AppId {
            appid: self.app.appid(),
        };
        send_ok(
            self.app.api(),
            Call::post("/cgi-bin/clear_quota").json(&body),
        )
        .await
    }

    /// Resets the quota of one API path (`POST cgi-bin/openapi/quota/clear`). Sent at most once.
    pub async fn clear_api_quota(&self, cgi_path: &str) -> Result<(), Error> {
        let call = Call::post("/cgi-bin/openapi/quota/clear").json(&CgiPath { cgi_path });
        send_ok(self.app.api(), call).await
    }
}
