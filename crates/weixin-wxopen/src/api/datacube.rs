//! Data analysis (数据分析): daily summary and visit trend. Dates are `yyyymmdd`; a daily
//! query covers one day, at most yesterday.

use serde::{Deserialize, Serialize};
use weixin_core::Error;
use weixin_core::client::{ApiClient, Call};

/// Daily summary path.
pub const DAILY_SUMMARY_PATH: &str = "/datacube/getweanalysisappiddailysummarytrend";
/// Daily visit trend path.
pub const DAILY_VISIT_TREND_PATH: &str = "/datacube/getweanalysisappiddailyvisittrend";

/// One day of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DailySummary {
    /// The day, `yyyymmdd`.
    pub ref_date: String,
    /// Total visits since the start.
    #[serde(default)]
    pub visit_total: u64,
    /// Shares (PV).
    #[serde(default)]
    pub share_pv: u64,
    /// Sharing users (UV).
    #[serde(default)]
    pub share_uv: u64,
}

/// One period of the visit trend.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VisitTrend {
    /// The day, `yyyymmdd`.
    pub ref_date: String,
    /// Sessions.
    #[serde(default)]
    pub session_cnt: u64,
    /// Page views.
    #[serde(default)]
    pub visit_pv: u64,
    /// Visitors.
    #[serde(default)]
    pub visit_uv: u64,
    /// New visitors.
    #[serde(default)]
    pub visit_uv_new: u64,
    /// Average stay per visitor (seconds).
    #[serde(default)]
    pub stay_time_uv: f64,
    /// Average stay per session (seconds).
    #[serde(default)]
    pub stay_time_session: f64,
    /// Average depth.
    #[serde(default)]
    pub visit_depth: f64,
}

#[derive(Serialize)]
struct Range<'a> {
    begin_date: &'a str,
    end_date: &'a str,
}

#[derive(Deserialize)]
struct List<T> {
    #[serde(default = "Vec::new")]
    list: Vec<T>,
}

/// Data analysis. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct DatacubeApi {
    api: ApiClient,
}

impl DatacubeApi {
    /// The handle over `api`.
    pub fn new(api: ApiClient) -> Self {
        Self { api }
    }

    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        begin_date: &str,
        end_date: &str,
    ) -> Result<Vec<T>, Error> {
        let body = Range {
            begin_date,
            end_date,
        };
        let list: List<T> = self
            .api
            .json(Call::post(path).json(&body).idempotent())
            .await?;
        Ok(list.list)
    }

    /// `POST datacube/getweanalysisappiddailysummarytrend`.
    pub async fn daily_summary(
        &self,
        begin_date: &str,
        end_date: &str,
    ) -> Result<Vec<DailySummary>, Error> {
        self.list(DAILY_SUMMARY_PATH, begin_date, end_date).await
    }

    /// `POST datacube/getweanalysisappiddailyvisittrend`.
    pub async fn daily_visit_trend(
        &self,
        begin_date: &str,
        end_date: &str,
    ) -> Result<Vec<VisitTrend>, Error> {
        self.list(DAILY_VISIT_TREND_PATH, begin_date, end_date)
            .await
    }
}
