//! A web page the developer visits cannot read or reset the simulator: other Host headers (DNS
//! rebinding) and cross-site posts are refused on /sim/*, while the API routes answer as usual.

use serde_json::json;
use weixin_sim::{DEFAULT_APPID, SimConfig, Simulator};

#[tokio::test]
async fn sim_endpoints_refuse_rebound_hosts_and_cross_site_posts() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = Simulator::start(SimConfig::default().allow_host("sim.internal"))
        .await
        .unwrap();
    sim.user_messaged(DEFAULT_APPID, "o-user");
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", sim.base_url());

    // A page at evil.example whose name now resolves to 127.0.0.1.
    let rebound = http
        .get(url("/sim/messages"))
        .header("host", "evil.example:8081")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    assert!(rebound.text().await.unwrap().contains("DNS rebinding"));
    let allowed = http
        .get(url("/sim/calls"))
        .header("host", "sim.internal:8081")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);

    // A cross-site form post (no JSON content type): refused, nothing reset.
    let form = http
        .post(url("/sim/clock/advance"))
        .header("content-type", "text/plain")
        .body(r#"{"seconds":7200}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
    let from_page = http
        .post(url("/sim/reset"))
        .header("origin", "http://evil.example")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(from_page.status(), 403);
    assert_eq!(sim.clock().offset().as_secs(), 0);

    // The same-origin JSON post the console sends works.
    let ok = http
        .post(url("/sim/clock/advance"))
        .json(&json!({"seconds": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(sim.clock().offset().as_secs(), 60);

    // The API routes are not affected by the guard (any Host, as WeChat's own).
    let api = http
        .get(url(
            "/cgi-bin/token?grant_type=client_credential&appid=x&secret=y",
        ))
        .header("host", "api.weixin.qq.com")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    sim.stop().await.unwrap();
}
