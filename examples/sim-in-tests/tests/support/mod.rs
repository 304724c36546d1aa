//! What every test needs: a simulator and an SDK registry pointed at it.

use std::time::Duration;

use weixin::client::RetryPolicy;
use weixin::{AppClient, AppConfig, Weixin};
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, RunningSim, SimConfig, Simulator};

/// A running simulator (free loopback port) and the SDK's handle for its default app.
pub(crate) async fn start() -> (RunningSim, Weixin, AppClient) {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let weixin = Weixin::builder()
        // The one line that differs from production: WeChat's API is the simulator.
        .api_base(sim.base_url())
        // Short backoff so retry tests take milliseconds (the default starts at 100 ms).
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .app(AppConfig::new(DEFAULT_APPID, DEFAULT_SECRET))
        .build()
        .unwrap();
    let app = weixin.app(DEFAULT_APPID).unwrap();
    (sim, weixin, app)
}
