//! Rejected tokens, force-refresh budget, ordering of tokens from two servers, re-registration.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
use weixin_core::clock::ManualClock;
use weixin_core::token::StoredToken;
use weixin_core::{AppConfig, Weixin};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const APPID: &str = "wx_refresh_app";

fn token_ok(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": token, "expires_in": expires_in}))
}

fn errcode(code: i64, msg: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"errcode": code, "errmsg": msg}))
}

/// Stable tokens answered in sequence: the n-th fetch gets `TOKEN_n`.
async fn mount_token_sequence(server: &MockServer, tokens: &[&str]) {
    for (i, t) in tokens.iter().enumerate() {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .respond_with(token_ok(t, 7200))
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap_or(u8::MAX))
            .mount(server)
            .await;
    }
}

fn build(server: &MockServer, cache: Arc<dyn Cache>) -> Weixin {
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    Weixin::builder()
        .api_base(server.uri())
        .cache(cache)
        .lock(lock)
        .app(AppConfig::new(APPID, "refresh-secret"))
        .build()
        .expect("registry builds")
}

#[tokio::test]
async fn token_error_refreshes_once_and_the_call_is_retried_once() {
    let server = MockServer::start().await;
    mount_token_sequence(
        &server,
        &["TOKEN_one_aaaaaaaaaaaaaaaa", "TOKEN_two_bbbbbbbbbbbbbbbb"],
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(query_param("access_token", "TOKEN_one_aaaaaaaaaaaaaaaa"))
        .respond_with(errcode(
            40001,
            "invalid credential, access_token is invalid or not latest",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/info"))
        .and(query_param("access_token", "TOKEN_two_bbbbbbbbbbbbbbbb"))
        .and(query_param("openid", "o1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"openid": "o1", "subscribe": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let wx = build(&server, Arc::new(MemoryCache::new()));
    let app = wx.app(APPID).unwrap();

    let user: Value = app
        .api()
        .get("/cgi-bin/user/info", &[("openid", "o1")])
        .await
        .unwrap();

    assert_eq!(user["subscribe"], 1);
    let s = wx.stats();
    assert_eq!(s.token_fetches, 2, "one initial fetch, one refresh");
    assert_eq!(s.invalidations, 1);
    assert_eq!(s.retries, 1);
    assert_eq!(
        s.force_refreshes, 0,
        "WeChat returned a new token, no force needed"
    );
    assert_eq!(
        app.access_token().await.unwrap().expose(),
        "TOKEN_two_bbbbbbbbbbbbbbbb"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_second_token_error_is_returned_without_looping() {
    let server = MockServer::start().await;
    mount_token_sequence(
        &server,
        &[
            "TOKEN_one_aaaaaaaaaaaaaaaa",
            "TOKEN_two_bbbbbbbbbbbbbbbb",
            "TOKEN_three_ccccccccccccc",
        ],
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/custom/send"))
        .respond_with(errcode(42001, "access_token expired"))
        .expect(2)
        .mount(&server)
        .await;
    let wx = build(&server, Arc::new(MemoryCache::new()));
    let app = wx.app(APPID).unwrap();

    let err = app
        .api()
        .post::<_, Value>("/cgi-bin/message/custom/send", &json!({"touser": "o1"}))
        .await
        .unwrap_err();

    assert!(err.is_token_invalid(), "{err}");
    let s = wx.stats();
    assert_eq!(s.token_fetches, 2);
    assert_eq!(s.retries, 1);
    assert_eq!(s.api_failures, 2);
    server.verify().await;
}

/// `stable_token`: a normal fetch returns the current token; a forced one issues a new one.
struct StableTokenPlatform {
    current: Mutex<String>,
    issued: AtomicUsize,
    forced: Arc<AtomicUsize>,
}

impl Respond for StableTokenPlatform {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let mut current = self.current.lock().unwrap();
        if body["force_refresh"] == json!(true) {
            self.forced.fetch_add(1, Ordering::SeqCst);
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            *current = format!("TOKEN_forced_{n}_xxxxxxxxxxxxxxxx");
        }
        token_ok(&current, 7200)
    }
}

#[tokio::test]
async fn force_refresh_only_when_needed_and_within_the_budget() {
    let server = MockServer::start().await;
    let forced = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(StableTokenPlatform {
            current: Mutex::new("TOKEN_stale_yyyyyyyyyyyyyyyyyy".to_owned()),
            issued: AtomicUsize::new(0),
            forced: forced.clone(),
        })
        .mount(&server)
        .await;
    // WeChat rejects every token (e.g. another system keeps force-refreshing).
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/get"))
        .respond_with(errcode(
            40001,
            "invalid credential, access_token is invalid or not latest",
        ))
        .mount(&server)
        .await;
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let wx = Weixin::builder()
        .api_base(server.uri())
        .cache(cache.clone())
        .lock(Arc::new(CacheLock::new(cache)))
        .clock(clock.clone())
        .app(AppConfig::new(APPID, "refresh-secret"))
        .build()
        .unwrap();
    let app = wx.app(APPID).unwrap();

    // First 40001: the normal fetch still returns the rejected token, so one force refresh.
    let err = app
        .api()
        .get::<Value>("/cgi-bin/user/get", &[])
        .await
        .unwrap_err();
    assert!(err.is_token_invalid());
    assert_eq!(forced.load(Ordering::SeqCst), 1);

    // Second 40001 ten seconds later: the budget needs 30 s between force refreshes.
    clock.advance(Duration::from_millis(10_000));
    let err = app
        .api()
        .get::<Value>("/cgi-bin/user/get", &[])
        .await
        .unwrap_err();
    assert!(err.is_token_invalid());
    assert_eq!(
        forced.load(Ordering::SeqCst),
        1,
        "two 40001 within 30 s: one force refresh"
    );
    assert_eq!(wx.stats().force_refreshes, 1);

    // 31 s after the first one, forcing is allowed again.
    clock.advance(Duration::from_millis(21_000));
    let _ = app
        .api()
        .get::<Value>("/cgi-bin/user/get", &[])
        .await
        .unwrap_err();
    assert_eq!(forced.load(Ordering::SeqCst), 2);
    assert_eq!(wx.stats().force_refreshes, 2);
}

#[tokio::test]
async fn force_refresh_budget_is_shared_by_servers() {
    let server = MockServer::start().await;
    let forced = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(StableTokenPlatform {
            current: Mutex::new("TOKEN_stale_yyyyyyyyyyyyyyyyyy".to_owned()),
            issued: AtomicUsize::new(0),
            forced: forced.clone(),
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/user/get"))
        .respond_with(errcode(40001, "invalid credential"))
        .mount(&server)
        .await;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let a = build(&server, cache.clone());
    let b = build(&server, cache.clone());

    let _ = a
        .app(APPID)
        .unwrap()
        .api()
        .get::<Value>("/cgi-bin/user/get", &[])
        .await;
    let _ = b
        .app(APPID)
        .unwrap()
        .api()
        .get::<Value>("/cgi-bin/user/get", &[])
        .await;

    assert_eq!(
        forced.load(Ordering::SeqCst),
        1,
        "server B sees server A's force refresh"
    );
    assert_eq!(a.stats().force_refreshes + b.stats().force_refreshes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_token_from_a_slow_server_never_overwrites_a_newer_one() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    // Server B's fetch is slow and its lock expires meanwhile (a lock that "breaks"); WeChat
    // gives it a token that expires sooner than the one server A gets later.
    let slow = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            token_ok("TOKEN_old_from_b_zzzzzzzzzzzz", 600).set_delay(Duration::from_millis(1500)),
        )
        .expect(1)
        .mount(&slow)
        .await;
    let fast = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(token_ok("TOKEN_new_from_a_wwwwwwwwwwww", 7200))
        .expect(1)
        .mount(&fast)
        .await;
    let server = |base: &MockServer| {
        Weixin::builder()
            .api_base(base.uri())
            .cache(cache.clone())
            .lock(Arc::new(CacheLock::new(cache.clone())))
            .lock_ttl(Duration::from_millis(300))
            .lock_wait(Duration::from_secs(3))
            .app(AppConfig::new(APPID, "refresh-secret"))
            .build()
            .unwrap()
    };
    let b = server(&slow);
    let a = server(&fast);

    let b_task = tokio::spawn(async move { b.app(APPID).unwrap().access_token().await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let a_token = a.app(APPID).unwrap().access_token().await.unwrap();
    let b_token = b_task.await.unwrap().unwrap();

    assert_eq!(a_token.expose(), "TOKEN_new_from_a_wwwwwwwwwwww");
    assert_eq!(
        b_token.expose(),
        "TOKEN_new_from_a_wwwwwwwwwwww",
        "B adopts the newer token"
    );
    let key = a.access_tokens().cache_key(APPID).unwrap();
    let stored = cache.get(&key).await.unwrap().unwrap();
    let stored: StoredToken = serde_json::from_slice(&stored).unwrap();
    assert_eq!(stored.token.expose(), "TOKEN_new_from_a_wwwwwwwwwwww");
    slow.verify().await;
    fast.verify().await;
}

#[tokio::test]
async fn registering_again_keeps_a_valid_cached_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(token_ok("TOKEN_kept_vvvvvvvvvvvvvvvvvv", 7200))
        .expect(1)
        .mount(&server)
        .await;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let first = build(&server, cache.clone());
    let t1 = first.app(APPID).unwrap().access_token().await.unwrap();

    // Same registry, same app registered again (e.g. config reload).
    let again = first
        .register(AppConfig::new(APPID, "refresh-secret"))
        .unwrap();
    let t2 = again.access_token().await.unwrap();
    // A new registry (a restarted server) over the same cache.
    let restarted = build(&server, cache.clone());
    let t3 = restarted.app(APPID).unwrap().access_token().await.unwrap();

    assert_eq!(t1, t2);
    assert_eq!(t1, t3);
    assert_eq!(
        first.stats().token_fetches + restarted.stats().token_fetches,
        1
    );
    server.verify().await;
}

#[tokio::test]
async fn invalidate_deletes_only_the_exact_token() {
    let server = MockServer::start().await;
    mount_token_sequence(&server, &["TOKEN_one_aaaaaaaaaaaaaaaa"]).await;
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let wx = build(&server, cache.clone());
    let app = wx.app(APPID).unwrap();
    let token = app.access_token().await.unwrap();

    // Another server already replaced the token: a stale rejection must not delete the new one.
    assert!(
        !app.invalidate_access_token(&"TOKEN_someone_elses_old_one".into())
            .await
            .unwrap()
    );
    assert!(
        cache
            .get(&wx.access_tokens().cache_key(APPID).unwrap())
            .await
            .unwrap()
            .is_some()
    );
    assert!(app.invalidate_access_token(&token).await.unwrap());
    assert!(
        cache
            .get(&wx.access_tokens().cache_key(APPID).unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(wx.stats().invalidations, 1);
}

#[tokio::test]
async fn classic_mode_and_jsapi_ticket() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .and(query_param("grant_type", "client_credential"))
        .and(query_param("appid", APPID))
        .and(query_param("secret", "refresh-secret"))
        .respond_with(token_ok("TOKEN_classic_uuuuuuuuuuuuuuu", 7200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/ticket/getticket"))
        .and(query_param("type", "jsapi"))
        .and(query_param("access_token", "TOKEN_classic_uuuuuuuuuuuuuuu"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"errcode": 0, "errmsg": "ok", "ticket": "TICKET_tttttttttttttttt", "expires_in": 7200}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let wx = Weixin::builder()
        .api_base(server.uri())
        .token_mode(weixin_core::TokenMode::Classic)
        .app(AppConfig::new(APPID, "refresh-secret"))
        .build()
        .unwrap();
    let app = wx.app(APPID).unwrap();
    for _ in 0..3 {
        assert_eq!(
            app.jsapi_ticket().await.unwrap().expose(),
            "TICKET_tttttttttttttttt"
        );
    }
    let s = wx.stats();
    assert_eq!((s.token_fetches, s.ticket_fetches), (1, 1));
    server.verify().await;
}

#[tokio::test]
async fn background_refresher_renews_before_the_margin() {
    let server = MockServer::start().await;
    mount_token_sequence(
        &server,
        &["TOKEN_one_aaaaaaaaaaaaaaaa", "TOKEN_two_bbbbbbbbbbbbbbbb"],
    )
    .await;
    let clock = Arc::new(ManualClock::new(1_800_000_000_000));
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let wx = Weixin::builder()
        .api_base(server.uri())
        .cache(cache.clone())
        .lock(Arc::new(CacheLock::new(cache)))
        .clock(clock.clone())
        .app(AppConfig::new(APPID, "refresh-secret"))
        .build()
        .unwrap();
    let app = wx.app(APPID).unwrap();
    assert_eq!(
        app.access_token().await.unwrap().expose(),
        "TOKEN_one_aaaaaaaaaaaaaaaa"
    );
    let handle = wx.spawn_refresher(Duration::from_millis(100)).unwrap();

    // 7200 s token, 300 s margin: 100 ms before the margin it is still fresh for callers, but
    // within margin + 2 × interval for the refresher.
    clock.advance(Duration::from_millis(6_899_900));
    assert_eq!(
        app.access_token().await.unwrap().expose(),
        "TOKEN_one_aaaaaaaaaaaaaaaa"
    );
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if wx.stats().token_fetches == 2 {
            break;
        }
    }
    assert_eq!(
        wx.stats().token_fetches,
        2,
        "the refresher renewed the token"
    );
    assert_eq!(
        app.access_token().await.unwrap().expose(),
        "TOKEN_two_bbbbbbbbbbbbbbbb"
    );
    drop(handle);
}
