//! Basic APIs: WeChat's IP addresses, the callback network check, and API quotas.
//!
//! The quota and debugging calls (`openapi/quota/get`, `clear_quota`, `clear_quota/v2`,
//! `openapi/quota/clear`, `openapi/rid/get`) work the same for mini programs; they live here
//! because the core crate only carries the transport.
//!
//! ```no_run
//! # async fn demo(mp: weixin_mp::api::MpApi) -> weixin_core::Result<()> {
//! let quota = mp.basic().quota("/cgi-bin/message/custom/send").await?;
//! if quota.remain == 0 {
//!     mp.basic().clear_quota().await?; // 10 times a month
//! }
//! # Ok(()) }
//! ```

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use weixin_core::client::{Endpoint, Request};
use weixin_core::{AppClient, Error};

use super::common::int_or_string;

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

/// The daily quota of one API, and its rate limits where WeChat reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct ApiQuota {
    /// Calls allowed per day.
    #[serde(default, deserialize_with = "int_or_string_u64")]
    pub daily_limit: u64,
    /// Calls made today.
    #[serde(default, deserialize_with = "int_or_string_u64")]
    pub used: u64,
    /// Calls left today.
    #[serde(default, deserialize_with = "int_or_string_u64")]
    pub remain: u64,
    /// The app's own rate limit on this API (`rate_limit`), when WeChat answers one.
    #[serde(skip)]
    pub rate_limit: Option<RateLimit>,
    /// The limit on calls made for the app by a third-party platform (`component_rate_limit`),
    /// when WeChat answers one.
    #[serde(skip)]
    pub component_rate_limit: Option<RateLimit>,
}

/// A rate limit: `call_count` calls per `refresh_second` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct RateLimit {
    /// Calls allowed per window.
    #[serde(default, deserialize_with = "int_or_string_u64")]
    pub call_count: u64,
    /// The window, in seconds.
    #[serde(default, deserialize_with = "int_or_string_u64")]
    pub refresh_second: u64,
}

/// What WeChat recorded about one API call, found by the `rid` of its error message
/// (`openapi/rid/get`). Only calls of the same app made in the last few days can be looked up.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct RidInfo {
    /// When the call was made (Unix seconds).
    #[serde(default, deserialize_with = "int_or_string")]
    pub invoke_time: i64,
    /// How long WeChat took, in milliseconds.
    #[serde(default, deserialize_with = "int_or_string")]
    pub cost_in_ms: i64,
    /// The request's URL query as WeChat saw it.
    #[serde(default)]
    pub request_url: String,
    /// The request body.
    #[serde(default)]
    pub request_body: String,
    /// The response body.
    #[serde(default)]
    pub response_body: String,
    /// The caller's IP address.
    #[serde(default)]
    pub client_ip: String,
}

fn int_or_string_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let value = int_or_string(d)?;
    u64::try_from(value).map_err(|_| serde::de::Error::custom("a negative count"))
}

/// Every endpoint of this area.
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    ApiDomainIp::ENDPOINT,
    CallbackIp::ENDPOINT,
    Check::ENDPOINT,
    Quota::ENDPOINT,
    Rid::ENDPOINT,
    ClearQuota::ENDPOINT,
    ClearQuotaWithSecret::ENDPOINT,
    ClearApiQuota::ENDPOINT,
];

#[derive(Deserialize)]
struct IpList {
    #[serde(default)]
    ip_list: Vec<String>,
}

/// `GET cgi-bin/get_api_domain_ip`: no parameters.
#[derive(Serialize)]
struct ApiDomainIp;

impl Request for ApiDomainIp {
    type Response = IpList;
    const ENDPOINT: Endpoint = Endpoint::get(
        "/cgi-bin/get_api_domain_ip",
        "MpApi::basic().get_api_domain_ip",
    );
}

/// `GET cgi-bin/getcallbackip`: no parameters.
#[derive(Serialize)]
struct CallbackIp;

impl Request for CallbackIp {
    type Response = IpList;
    const ENDPOINT: Endpoint =
        Endpoint::get("/cgi-bin/getcallbackip", "MpApi::basic().get_callback_ip");
}

/// `POST cgi-bin/callback/check`: a test that changes nothing.
#[derive(Serialize)]
struct Check {
    action: CheckAction,
    check_operator: CheckOperator,
}

impl Request for Check {
    type Response = CallbackCheck;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/callback/check", "MpApi::basic().callback_check").idempotent();
}

/// `POST cgi-bin/openapi/quota/get`: a read, accepted signed.
#[derive(Serialize)]
struct Quota<'a> {
    cgi_path: &'a str,
}

#[derive(Deserialize)]
struct QuotaAnswer {
    quota: ApiQuota,
    #[serde(default)]
    rate_limit: Option<RateLimit>,
    #[serde(default)]
    component_rate_limit: Option<RateLimit>,
}

impl Request for Quota<'_> {
    type Response = QuotaAnswer;
    const ENDPOINT: Endpoint = Endpoint::post("/cgi-bin/openapi/quota/get", "MpApi::basic().quota")
        .idempotent()
        .signable();
}

/// `POST cgi-bin/openapi/rid/get`: a read, accepted signed.
#[derive(Serialize)]
struct Rid<'a> {
    rid: &'a str,
}

#[derive(Deserialize)]
struct RidAnswer {
    request: RidInfo,
}

impl Request for Rid<'_> {
    type Response = RidAnswer;
    const ENDPOINT: Endpoint =
        Endpoint::post("/cgi-bin/openapi/rid/get", "MpApi::basic().rid_info")
            .idempotent()
            .signable();
}

/// `POST cgi-bin/clear_quota`: each reset uses one of the 10 a month, so at most once.
#[derive(Serialize)]
struct ClearQuota<'a> {
    appid: &'a str,
}

impl Request for ClearQuota<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post("/cgi-bin/clear_quota", "MpApi::basic().clear_quota");
}

/// `POST cgi-bin/clear_quota/v2` with appid and secret in the body, without an access token;
/// at most once like [`ClearQuota`].
#[derive(Serialize)]
struct ClearQuotaWithSecret<'a> {
    appid: &'a str,
    appsecret: &'a str,
}

impl Request for ClearQuotaWithSecret<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/clear_quota/v2",
        "MpApi::basic().clear_quota_with_secret",
    )
    .without_token();
}

/// `POST cgi-bin/openapi/quota/clear`: at most once like [`ClearQuota`].
#[derive(Serialize)]
struct ClearApiQuota<'a> {
    cgi_path: &'a str,
}

impl Request for ClearApiQuota<'_> {
    type Response = IgnoredAny;
    const ENDPOINT: Endpoint = Endpoint::post(
        "/cgi-bin/openapi/quota/clear",
        "MpApi::basic().clear_api_quota",
    );
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
        Ok(self.app.api().send(&ApiDomainIp).await?.ip_list)
    }

    /// The IPs WeChat pushes messages from (`GET cgi-bin/getcallbackip`).
    pub async fn get_callback_ip(&self) -> Result<Vec<String>, Error> {
        Ok(self.app.api().send(&CallbackIp).await?.ip_list)
    }

    /// Asks WeChat to test the network path to your push URL (`POST cgi-bin/callback/check`).
    pub async fn callback_check(
        &self,
        action: CheckAction,
        operator: CheckOperator,
    ) -> Result<CallbackCheck, Error> {
        let request = Check {
            action,
            check_operator: operator,
        };
        self.app.api().send(&request).await
    }

    /// The daily quota of an API path such as `/cgi-bin/message/custom/send`
    /// (`POST cgi-bin/openapi/quota/get`; the leading `/` is required).
    pub async fn quota(&self, cgi_path: &str) -> Result<ApiQuota, Error> {
        let answer = self.app.api().send(&Quota { cgi_path }).await?;
        Ok(ApiQuota {
            rate_limit: answer.rate_limit,
            component_rate_limit: answer.component_rate_limit,
            ..answer.quota
        })
    }

    /// What WeChat recorded about the call whose error carried `rid` (the `rid: …` part of an
    /// `errmsg`, see [`Error::rid`](weixin_core::Error::rid)): its time, cost, request and
    /// response (`POST cgi-bin/openapi/rid/get`).
    pub async fn rid_info(&self, rid: &str) -> Result<RidInfo, Error> {
        Ok(self.app.api().send(&Rid { rid }).await?.request)
    }

    /// Resets all of the app's API quotas (`POST cgi-bin/clear_quota`). Allowed 10 times a
    /// month (48006 beyond). Sent at most once.
    pub async fn clear_quota(&self) -> Result<(), Error> {
        let request = ClearQuota {
            appid: self.app.appid(),
        };
        self.app.api().send(&request).await.map(drop)
    }

    /// Resets all of the app's API quotas with the app secret instead of an access token
    /// (`POST cgi-bin/clear_quota/v2`, `appid` and `appsecret` in the JSON body so the secret
    /// never sits in a URL): the way out when the token endpoint itself is out of quota. Counts
    /// towards the same 10 a month. Sent at most once.
    pub async fn clear_quota_with_secret(&self) -> Result<(), Error> {
        let request = ClearQuotaWithSecret {
            appid: self.app.appid(),
            appsecret: self.app.secret().expose(),
        };
        self.app.api().send(&request).await.map(drop)
    }

    /// Resets the quota of one API path (`POST cgi-bin/openapi/quota/clear`). Sent at most once.
    pub async fn clear_api_quota(&self, cgi_path: &str) -> Result<(), Error> {
        self.app
            .api()
            .send(&ClearApiQuota { cgi_path })
            .await
            .map(drop)
    }
}
