//! Login and sessions against wiremock: jscode2session, sliding expiry (ManualClock), removal,
//! forged ids, code errors, the official open-data vector decrypted through a session.

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use support::*;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_core::clock::ManualClock;
use weixin_crypto::CryptoError;
use weixin_wxopen::session::{SessionContainer, SessionError};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};

/// The official open-data sample (the encryptedData example of the mini-program docs).
const SESSION_KEY: &str = "tiihtNczf5v6AKRyjwEUhQ==";
const ENCRYPTED: &str = "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";
const IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";
const OPENID: &str = "oGZUI0egBJY1zhBYw2KhdUfwVJJE";

async fn mount_login(server: &MockServer, code: &str, session_key: &str) {
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("appid", APPID))
        .and(query_param("secret", SECRET))
        .and(query_param("js_code", code))
        .and(query_param("grant_type", "authorization_code"))
        .and(query_param_is_missing("access_token"))
        .respond_with(json_response(json!({
            "openid": OPENID, "session_key": session_key, "unionid": "ocMvos6NjeKLIBqg5Mr9QjxrP1FA"
        })))
        .mount(server)
        .await;
}

struct Env {
    server: MockServer,
    clock: ManualClock,
    cache: Arc<dyn Cache>,
    sessions: SessionContainer,
}

async fn env() -> Env {
    env_at(1_700_000_000_000).await
}

/// The official vector's watermark timestamp (2016-10-24).
const VECTOR_ISSUED_SECS: u64 = 1_477_314_187;

async fn env_at(start_ms: u64) -> Env {
    let clock = ManualClock::new(start_ms);
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let registry = weixin_core::Weixin::builder()
        .cache(cache.clone())
        .clock(Arc::new(clock.clone()));
    let (server, _weixin, app) = setup_in(registry).await;
    let sessions = SessionContainer::new(app);
    Env {
        server,
        clock,
        cache,
        sessions,
    }
}

#[tokio::test]
async fn login_then_decrypt_the_official_vector() {
    // A minute after the vector was issued.
    let env = env_at((VECTOR_ISSUED_SECS + 60) * 1000).await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let session = env.sessions.login("CODE1").await.unwrap();
    assert_eq!(session.openid, OPENID);
    assert_eq!(
        session.unionid.as_deref(),
        Some("ocMvos6NjeKLIBqg5Mr9QjxrP1FA")
    );
    assert_eq!(session.expires_in, 5 * 24 * 3600);
    assert_eq!(session.id.len(), 32);

    let value = env
        .sessions
        .decrypt(&session.id, ENCRYPTED, IV)
        .await
        .unwrap();
    assert_eq!(value["nickName"], "Band");
    assert_eq!(value["watermark"]["appid"], APPID);
    let user = env
        .sessions
        .decrypt_user_info(&session.id, ENCRYPTED, IV)
        .await
        .unwrap();
    assert_eq!(user.open_id, OPENID);
    assert_eq!(user.city, "Guangzhou");
    assert_eq!(
        user.union_id.as_deref(),
        Some("ocMvos6NjeKLIBqg5Mr9QjxrP1FA")
    );
    assert_eq!(user.watermark.timestamp, 1477314187);
    // Not a phone number: a clear decode error, not a panic.
    let err = env
        .sessions
        .decrypt_phone_number(&session.id, ENCRYPTED, IV)
        .await
        .unwrap_err();
    assert!(matches!(err, SessionError::Decode(_)), "{err:?}");
    // Tampered iv.
    let err = env
        .sessions
        .decrypt(&session.id, ENCRYPTED, "AAAAAAAAAAAAAAAAAAAAAA==")
        .await
        .unwrap_err();
    assert!(matches!(err, SessionError::Crypto(_)), "{err:?}");
    assert!(err.is_decrypt_failure());
}

#[tokio::test]
async fn old_data_and_another_users_data_are_refused() {
    let env = env_at((VECTOR_ISSUED_SECS + 60) * 1000).await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let session = env.sessions.login("CODE1").await.unwrap();
    // Ten minutes is the default window: at 9 minutes the data decrypts, past 10 it is stale.
    env.clock.advance(Duration::from_secs(8 * 60));
    env.sessions
        .decrypt(&session.id, ENCRYPTED, IV)
        .await
        .unwrap();
    env.clock.advance(Duration::from_secs(2 * 60 + 1));
    let err = env
        .sessions
        .decrypt(&session.id, ENCRYPTED, IV)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SessionError::Crypto(CryptoError::WatermarkTooOld { .. })
        ),
        "{err:?}"
    );
    assert!(err.is_decrypt_failure());
    // A wider window, or none (an explicit choice), accepts it.
    let wider = env
        .sessions
        .clone()
        .watermark_window(Duration::from_secs(3600));
    wider.decrypt(&session.id, ENCRYPTED, IV).await.unwrap();
    let unbounded = env.sessions.clone().without_watermark_window();
    env.clock.advance(Duration::from_secs(400 * 24 * 3600));
    // (the session itself expired by now: log in again, the check is on the data's age)
    let session = {
        mount_login(&env.server, "CODE2", SESSION_KEY).await;
        unbounded.login("CODE2").await.unwrap()
    };
    unbounded.decrypt(&session.id, ENCRYPTED, IV).await.unwrap();

    // The vector is the data of OPENID; a session of someone else must not accept it.
    let server = &env.server;
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("js_code", "CODE3"))
        .respond_with(json_response(
            json!({"openid": "o-someone-else", "session_key": SESSION_KEY}),
        ))
        .mount(server)
        .await;
    let other = unbounded.login("CODE3").await.unwrap();
    let err = unbounded
        .decrypt(&other.id, ENCRYPTED, IV)
        .await
        .unwrap_err();
    assert!(matches!(err, SessionError::OtherUser), "{err:?}");
    assert!(err.is_decrypt_failure());
}

#[tokio::test]
async fn watermark_of_another_app_is_refused() {
    // The same vector, but the app is registered under another appid.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(json_response(
            json!({"access_token": TOKEN, "expires_in": 7200}),
        ))
        .mount(&server)
        .await;
    let weixin = weixin_core::Weixin::builder()
        .api_base(server.uri())
        .app(weixin_core::AppConfig::new("wx_other_app", SECRET))
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("appid", "wx_other_app"))
        .respond_with(json_response(
            json!({"openid": OPENID, "session_key": SESSION_KEY}),
        ))
        .mount(&server)
        .await;
    let sessions = SessionContainer::new(weixin.app("wx_other_app").unwrap());
    let session = sessions.login("C").await.unwrap();
    assert_eq!(session.unionid, None);
    let err = sessions
        .decrypt(&session.id, ENCRYPTED, IV)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SessionError::Crypto(CryptoError::AppIdMismatch { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn lookups_slide_the_expiry() {
    let env = env().await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let sessions = env.sessions.clone().expiry(Duration::from_secs(100));
    let session = sessions.login("CODE1").await.unwrap();
    assert_eq!(session.expires_in, 100);

    env.clock.advance(Duration::from_secs(60));
    let again = sessions.get(&session.id).await.unwrap();
    assert_eq!(again.expires_in, 100, "the lookup slid the expiry");
    env.clock.advance(Duration::from_secs(60)); // 120 s after login, 60 s after the lookup
    assert_eq!(sessions.get(&session.id).await.unwrap().openid, OPENID);

    env.clock.advance(Duration::from_secs(101));
    let err = sessions.get(&session.id).await.unwrap_err();
    assert!(matches!(err, SessionError::SessionNotFound), "{err:?}");
    assert!(err.needs_login());
}

#[tokio::test]
async fn remove_and_forged_ids() {
    let env = env().await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let session = env.sessions.login("CODE1").await.unwrap();
    assert!(env.sessions.remove(&session.id).await.unwrap());
    assert!(!env.sessions.remove(&session.id).await.unwrap());
    assert!(matches!(
        env.sessions.get(&session.id).await,
        Err(SessionError::SessionNotFound)
    ));

    // Well-formed but never issued.
    let unknown = "0123456789abcdef0123456789abcdef";
    assert!(matches!(
        env.sessions.get(unknown).await,
        Err(SessionError::SessionNotFound)
    ));
    // Not a session id at all: refused before the cache.
    for forged in [
        "",
        "admin",
        "0123456789ABCDEF0123456789ABCDEF",
        "../../x",
        &format!("{}:x", &session.id),
    ] {
        let err = env.sessions.get(forged).await.unwrap_err();
        assert!(
            matches!(err, SessionError::InvalidSessionId),
            "{forged}: {err:?}"
        );
        assert!(matches!(
            env.sessions.decrypt(forged, ENCRYPTED, IV).await,
            Err(SessionError::InvalidSessionId)
        ));
    }
}

#[tokio::test]
async fn login_errors_are_typed() {
    let env = env().await;
    for (code, check) in [
        (
            40029,
            (|e: &SessionError| matches!(e, SessionError::InvalidCode))
                as fn(&SessionError) -> bool,
        ),
        (40163, |e| matches!(e, SessionError::CodeUsed)),
        (45011, |e| matches!(e, SessionError::RateLimited)),
        (40226, |e| matches!(e, SessionError::CodeBlocked)),
        (-1, |e| matches!(e, SessionError::Api(_))),
    ] {
        let js_code = format!("code{code}");
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .and(query_param("js_code", js_code.as_str()))
            .respond_with(errcode(code))
            .expect(1)
            .mount(&env.server)
            .await;
        let err = env.sessions.login(&js_code).await.unwrap_err();
        assert!(check(&err), "{code}: {err:?}");
    }
}

#[tokio::test]
async fn session_key_never_leaves_the_server() {
    let env = env().await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let session = env.sessions.login("CODE1").await.unwrap();
    let debug = format!("{session:?} {:?}", env.sessions);
    let json = serde_json::to_string(&session).unwrap();
    for text in [&debug, &json] {
        assert!(!text.contains(SESSION_KEY), "{text}");
        assert!(!text.contains("session_key"), "{text}");
    }
    assert!(json.contains(&session.id) && json.contains("expires_in"));
    // The code2session answer itself masks the key in Debug.
    let api = weixin_wxopen::WxOpenApi::new(
        weixin_core::Weixin::builder()
            .api_base(env.server.uri())
            .app(weixin_core::AppConfig::new(APPID, SECRET))
            .build()
            .unwrap()
            .app(APPID)
            .unwrap(),
    );
    let answer = api.sns().code2session("CODE1").await.unwrap();
    assert_eq!(answer.session_key.expose(), SESSION_KEY);
    assert!(!format!("{answer:?}").contains(SESSION_KEY));
    // It is in the shared cache, for the other servers.
    let key = format!("weixin:wxsession:{APPID}:{}", session.id);
    assert!(env.cache.get(&key).await.unwrap().is_some());
}

#[tokio::test]
async fn raw_data_signature() {
    let env = env().await;
    mount_login(&env.server, "CODE2", "HyVFkGl5F5OQWJZZaNzBBg==").await;
    let session = env.sessions.login("CODE2").await.unwrap();
    let raw = r#"{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}"#;
    env.sessions
        .check_raw_data(&session.id, raw, "75e81ceda165f4ffa64f4068af58c64b8f54b88c")
        .await
        .unwrap();
    let err = env
        .sessions
        .check_raw_data(&session.id, raw, "fake_sign")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SessionError::Crypto(CryptoError::SignatureMismatch { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn checksession_and_reset_session_key() {
    let env = env().await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let session = env.sessions.login("CODE1").await.unwrap();
    // hmac_sha256(key = "tiihtNczf5v6AKRyjwEUhQ==", ""), the official session-signature example.
    let signature = "7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735";
    expect_call(
        &env.server,
        "GET",
        "/wxa/checksession",
        &[
            ("openid", OPENID),
            ("signature", signature),
            ("sig_method", "hmac_sha256"),
        ],
        None,
        ok(),
    )
    .await;
    env.sessions.check_session_key(&session.id).await.unwrap();

    let new_key = "HyVFkGl5F5OQWJZZaNzBBg==";
    expect_call(
        &env.server,
        "GET",
        "/wxa/resetusersessionkey",
        &[
            ("openid", OPENID),
            ("signature", signature),
            ("sig_method", "hmac_sha256"),
        ],
        None,
        json_response(
            json!({"errcode": 0, "errmsg": "ok", "openid": OPENID, "session_key": new_key}),
        ),
    )
    .await;
    env.sessions.reset_session_key(&session.id).await.unwrap();
    // The new key is used from now on: the rawData vector of that key verifies.
    let raw = r#"{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}"#;
    env.sessions
        .check_raw_data(&session.id, raw, "75e81ceda165f4ffa64f4068af58c64b8f54b88c")
        .await
        .unwrap();
    assert!(
        env.sessions
            .decrypt(&session.id, ENCRYPTED, IV)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn checksession_invalid_signature_is_87009() {
    let env = env().await;
    mount_login(&env.server, "CODE1", SESSION_KEY).await;
    let session = env.sessions.login("CODE1").await.unwrap();
    Mock::given(method("GET"))
        .and(path("/wxa/checksession"))
        .respond_with(errcode(87009))
        .mount(&env.server)
        .await;
    let err = env
        .sessions
        .check_session_key(&session.id)
        .await
        .unwrap_err();
    let SessionError::Api(api) = err else {
        panic!("{err:?}")
    };
    assert_eq!(api.api_code(), Some(weixin_core::ErrCode::InvalidSignature));
}
