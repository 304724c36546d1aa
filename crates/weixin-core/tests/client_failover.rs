//! Domain failover: the first base refusing connections, then answering 503, then recovering.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};
use weixin_core::client::{ApiClient, ApiRegion, Call, ClientOptions, RetryPolicy};
use weixin_core::{Error, Secret};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const REST: Duration = Duration::from_millis(300);

struct FixedToken;

#[async_trait]
impl weixin_core::client::AccessTokenSource for FixedToken {
    async fn access_token(&self) -> Result<Secret, Error> {
        Ok(Secret::from("TOKEN_failover"))
    }
    async fn invalidate(&self, _token: &Secret) -> Result<(), Error> {
        Ok(())
    }
}

fn client(api_base: String) -> ApiClient {
    let options = ClientOptions {
        api_base,
        failover_rest: REST,
        timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        },
        ..ClientOptions::default()
    };
    ApiClient::new("wx_failover", &options)
        .unwrap()
        .with_token_source(Arc::new(FixedToken))
}

async fn answering(server: &MockServer, status: u16) {
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({"errcode": 0})))
        .mount(server)
        .await;
}

fn send() -> Call {
    Call::post("/cgi-bin/message/custom/send").json(&json!({"touser": "o1"}))
}

fn read() -> Call {
    Call::get("/cgi-bin/get_api_domain_ip").idempotent()
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn calls_fail_over_along_the_bases_and_come_back() {
    // A port with nothing listening yet: connections are refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let backup = MockServer::start().await;
    answering(&backup, 200).await;
    let api = client(format!("http://127.0.0.1:{port}, {}", backup.uri()));
    assert_eq!(api.api_base(), format!("http://127.0.0.1:{port}"));
    assert_eq!(api.api_bases().count(), 2);

    // 1. The primary refuses: even a send moves to the backup (nothing was sent).
    let _: Value = api.json(send()).await.unwrap();
    assert_eq!(count(&backup).await, 1);
    // While the primary rests, calls go straight to the backup.
    let _: Value = api.json(send()).await.unwrap();
    assert_eq!(count(&backup).await, 2);

    // 2. The primary comes up answering 503.
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let primary = MockServer::builder().listener(listener).start().await;
    answering(&primary, 503).await;
    tokio::time::sleep(REST + Duration::from_millis(50)).await;
    // An idempotent call tries it again after the rest, gets 503 and moves on.
    let _: Value = api.json(read()).await.unwrap();
    assert_eq!((count(&primary).await, count(&backup).await), (1, 3));
    // A send that gets 503 is not moved: it may have been handled.
    tokio::time::sleep(REST + Duration::from_millis(50)).await;
    let err = api.json::<Value>(send()).await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 503, .. }), "{err:?}");
    assert_eq!((count(&primary).await, count(&backup).await), (2, 3));

    // 3. The primary recovers: after its rest, calls are back on it.
    answering(&primary, 200).await;
    tokio::time::sleep(REST + Duration::from_millis(50)).await;
    let _: Value = api.json(send()).await.unwrap();
    let _: Value = api.json(read()).await.unwrap();
    assert_eq!((count(&primary).await, count(&backup).await), (2, 3));
}

#[tokio::test]
async fn every_base_down_is_one_clear_error() {
    let ports: Vec<u16> = (0..2)
        .map(|_| {
            TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        })
        .collect();
    let api = client(format!(
        "http://127.0.0.1:{},http://127.0.0.1:{}",
        ports[0], ports[1]
    ));
    let err = api.json::<Value>(send()).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}

#[test]
fn regions_list_their_domain_first_then_the_main_and_backup_ones() {
    for (region, first) in [
        (ApiRegion::Default, "https://api.weixin.qq.com"),
        (ApiRegion::Shanghai, "https://sh.api.weixin.qq.com"),
        (ApiRegion::Shenzhen, "https://sz.api.weixin.qq.com"),
        (ApiRegion::HongKong, "https://hk.api.weixin.qq.com"),
    ] {
        let options = ClientOptions {
            api_base: region.api_base().to_owned(),
            ..ClientOptions::default()
        };
        let api = ApiClient::new("wx1", &options).unwrap();
        assert_eq!(api.api_base(), first);
        assert_eq!(api.api_bases().last(), Some("https://api2.weixin.qq.com"));
    }
}
