//! The router in process (no socket), as `tower::ServiceExt::oneshot` users drive it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use weixin_sim::{DEFAULT_APPID, DEFAULT_SECRET, Faults, SimConfig, Simulator};

async fn call(sim: &Simulator, uri: &str) -> (StatusCode, serde_json::Value) {
    let response = sim
        .router()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn router_serves_tokens_in_process() {
    let sim = Simulator::new(SimConfig::default());
    let uri = format!(
        "/cgi-bin/token?grant_type=client_credential&appid={DEFAULT_APPID}&secret={DEFAULT_SECRET}"
    );
    let (status, v) = call(&sim, &uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["expires_in"], 7200);
    assert_eq!(sim.handle().token_count(DEFAULT_APPID), 1);
    let (_, calls) = call(&sim, "/sim/calls").await;
    assert_eq!(calls["/cgi-bin/token"], 1);
}

#[tokio::test]
async fn in_process_drop_becomes_502() {
    let sim = Simulator::new(SimConfig::default().faults(Faults {
        drop: 1.0,
        ..Faults::none()
    }));
    let (status, _) = call(&sim, "/cgi-bin/token").await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
}
