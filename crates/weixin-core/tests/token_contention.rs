//! Many tasks and several "servers" asking for a token on a cold cache fetch it exactly once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::task::JoinSet;
use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
use weixin_core::{AppConfig, Weixin};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APPID: &str = "wx_contention_app";
const TOKEN: &str = "TOKEN_contention_0123456789abcdef";

async fn token_server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .and(body_partial_json(json!({
            "grant_type": "client_credential",
            "appid": APPID,
            "force_refresh": false,
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": TOKEN, "expires_in": 7200}))
                .set_delay(delay),
        )
        .expect(1)
        .named("stable_token")
        .mount(&server)
        .await;
    server
}

fn registry(server: &MockServer, cache: Arc<dyn Cache>, lock: Arc<dyn DistributedLock>) -> Weixin {
    Weixin::builder()
        .api_base(server.uri())
        .cache(cache)
        .lock(lock)
        .app(AppConfig::new(APPID, "contention-secret"))
        .build()
        .expect("registry builds")
}

async fn hammer(registries: &[Weixin], tasks: usize) -> Vec<String> {
    let mut set = JoinSet::new();
    for i in 0..tasks {
        let wx = registries[i % registries.len()].clone();
        set.spawn(async move {
            let app = wx.app(APPID)?;
            app.access_token().await
        });
    }
    let mut tokens = Vec::with_capacity(tasks);
    while let Some(joined) = set.join_next().await {
        let token = joined.expect("task did not panic").expect("token obtained");
        tokens.push(token.expose().to_owned());
    }
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_gets_on_a_cold_cache_fetch_once() {
    let server = token_server(Duration::from_millis(200)).await;
    let wx = Weixin::builder()
        .api_base(server.uri())
        .app(AppConfig::new(APPID, "contention-secret"))
        .build()
        .expect("registry builds");

    let tokens = hammer(std::slice::from_ref(&wx), 1000).await;

    assert_eq!(tokens.len(), 1000);
    assert!(tokens.iter().all(|t| t == TOKEN));
    let stats = wx.stats();
    println!(
        "1000 tasks, 1 process: token_fetches = {}",
        stats.token_fetches
    );
    assert_eq!(stats.token_fetches, 1);
    assert_eq!(
        stats.lock_waits, 1,
        "only the single-flight leader goes to the lock"
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_sharing_cache_and_lock_fetch_once() {
    let server = token_server(Duration::from_millis(200)).await;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    let a = registry(&server, cache.clone(), lock.clone());
    let b = registry(&server, cache.clone(), lock.clone());

    let tokens = hammer(&[a.clone(), b.clone()], 1000).await;

    assert!(tokens.iter().all(|t| t == TOKEN));
    let fetches = a.stats().token_fetches + b.stats().token_fetches;
    println!("1000 tasks, 2 servers (one lock): token_fetches = {fetches}");
    assert_eq!(fetches, 1);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_servers_with_their_own_lock_clients_fetch_once() {
    // Each "server" has its own CacheLock instance, like processes sharing one Redis: the lock
    // keys live in the shared cache.
    let server = token_server(Duration::from_millis(200)).await;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let servers: Vec<Weixin> = (0..4)
        .map(|_| {
            registry(
                &server,
                cache.clone(),
                Arc::new(CacheLock::new(cache.clone())),
            )
        })
        .collect();

    let tokens = hammer(&servers, 1000).await;

    assert!(tokens.iter().all(|t| t == TOKEN));
    let fetches: u64 = servers.iter().map(|s| s.stats().token_fetches).sum();
    println!("1000 tasks, 4 servers: token_fetches = {fetches}");
    assert_eq!(fetches, 1);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_calls_rejected_with_40001_at_once_cause_one_refresh() {
    const OLD: &str = "TOKEN_old_rejected_0123456789ab";
    const NEW: &str = "TOKEN_new_accepted_0123456789ab";
    let server = MockServer::start().await;
    for (i, token) in [OLD, NEW].iter().enumerate() {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": token, "expires_in": 7200})),
            )
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap_or(u8::MAX))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(wiremock::matchers::query_param("access_token", OLD))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(wiremock::matchers::query_param("access_token", NEW))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"openid": "o1"})))
        .mount(&server)
        .await;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let servers: Vec<Weixin> = (0..2)
        .map(|_| {
            registry(
                &server,
                cache.clone(),
                Arc::new(CacheLock::new(cache.clone())),
            )
        })
        .collect();
    // Everyone holds the old token first.
    for s in &servers {
        assert_eq!(
            s.app(APPID).unwrap().access_token().await.unwrap().expose(),
            OLD
        );
    }

    let mut set = JoinSet::new();
    for i in 0..400 {
        let wx = servers[i % 2].clone();
        set.spawn(async move {
            let app = wx.app(APPID)?;
            app.api()
                .get::<serde_json::Value>("/cgi-bin/user/info", &[])
                .await
        });
    }
    while let Some(joined) = set.join_next().await {
        let user = joined
            .unwrap()
            .expect("every call succeeds after one refresh");
        assert_eq!(user["openid"], "o1");
    }

    let fetches: u64 = servers.iter().map(|s| s.stats().token_fetches).sum();
    let invalidations: u64 = servers.iter().map(|s| s.stats().invalidations).sum();
    println!(
        "400 calls rejected with 40001 on 2 servers: token_fetches = {fetches} (1 initial + 1 refresh)"
    );
    assert_eq!(fetches, 2);
    assert_eq!(
        invalidations, 1,
        "only the first compare-and-delete removes the old token"
    );
    server.verify().await;
}
