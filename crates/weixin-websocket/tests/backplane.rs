//! Cross-server delivery through Redis pub/sub: two servers, one real Redis.
//! Needs `WEIXIN_TEST_REDIS_URL` (fails without it).
#![cfg(feature = "redis")]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use weixin_websocket::{Frame, RedisBackplane, RedisBackplaneConfig};

fn redis_url() -> String {
    std::env::var("WEIXIN_TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!(
            "WEIXIN_TEST_REDIS_URL is not set: start a Redis (e.g. `redis-server --port 6393 --save '' \
             --daemonize yes`) and run with WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6393"
        )
    })
}

async fn server_pair() -> (TestServer, TestServer) {
    let url = redis_url();
    // A channel of this test's own, so parallel tests do not see each other.
    let channel = format!("weixin-test:ws:{}", std::process::id());
    let mut servers = Vec::new();
    for id in ["server-a", "server-b"] {
        let backplane = RedisBackplane::connect(
            RedisBackplaneConfig::new(url.as_str())
                .channel(channel.as_str())
                .server_id(id),
        )
        .await
        .expect("redis backplane connects");
        assert_eq!(backplane.server_id(), id);
        servers.push(start_with(|b| b.config(short_config()).backplane(backplane)).await);
    }
    let b = servers.pop().unwrap();
    let a = servers.pop().unwrap();
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_reach_sockets_on_the_other_server_exactly_once() {
    let (a, b) = server_pair().await;
    let (mut alice, _) = connect(a.addr, "s-alice").await;
    let (mut bob, _) = connect(b.addr, "s-bob-1").await;
    let (mut bob_on_a, _) = connect(a.addr, "s-bob-2").await;

    // To a user connected only to the other server: 0 local sockets, delivered remotely.
    let hello = Frame::new("hello", json!({"to": "alice"}));
    assert_eq!(
        b.server.hub().send_to_user("alice", &hello).await.unwrap(),
        0
    );
    assert_eq!(next_frame(&mut alice).await, hello);

    // A user on both servers gets it on both, once each.
    let both = Frame::new("both", json!(1));
    assert_eq!(a.server.hub().send_to_user("bob", &both).await.unwrap(), 1);
    assert_eq!(next_frame(&mut bob_on_a).await, both);
    assert_eq!(next_frame(&mut bob).await, both);

    // To a session on the other server.
    let session = Frame::new("session", json!(2));
    assert_eq!(
        a.server
            .hub()
            .send_to_session("s-bob-1", &session)
            .await
            .unwrap(),
        0
    );
    assert_eq!(next_frame(&mut bob).await, session);

    // Broadcast from one server reaches everyone once.
    let news = Frame::new("news", json!(3));
    assert_eq!(b.server.hub().broadcast(&news).await.unwrap(), 1);
    for client in [&mut alice, &mut bob, &mut bob_on_a] {
        assert_eq!(next_frame(client).await, news);
    }

    // Nothing arrived twice: the next frame everyone sees is the marker.
    let marker = Frame::new("marker", json!(null));
    a.server.hub().broadcast(&marker).await.unwrap();
    for client in [&mut alice, &mut bob, &mut bob_on_a] {
        assert_eq!(next_frame(client).await, marker);
        assert!(
            next_frame_within(client, Duration::from_millis(100))
                .await
                .is_none()
        );
    }

    // A handler on one server reaches a user on the other.
    send(
        &mut alice,
        json!({"type": "to_user", "data": {"openid": "bob", "text": "hi bob"}}),
    )
    .await;
    let got = next_frame(&mut bob).await;
    assert_eq!(
        (got.r#type.as_str(), &got.data["text"]),
        ("from_peer", &json!("hi bob"))
    );
    assert_eq!(next_frame(&mut bob_on_a).await.r#type, "from_peer");

    // Redis drops the subscriptions: both servers resubscribe and delivery resumes.
    // (Only these tests use pub/sub on the test Redis, so killing every subscriber is safe;
    // they are one test so that this step cannot disturb another.)
    let killed = redis_command(&redis_url(), "CLIENT KILL TYPE pubsub").await;
    let killed: i64 = killed
        .trim()
        .trim_start_matches(':')
        .parse()
        .expect("CLIENT KILL count");
    assert!(killed >= 2, "killed {killed} subscribers");
    let again = Frame::new("again", json!(4));
    let deadline = tokio::time::Instant::now() + PROMPT;
    loop {
        b.server
            .hub()
            .send_to_session("s-alice", &again)
            .await
            .unwrap();
        if let Some(frame) = next_frame_within(&mut alice, Duration::from_millis(100)).await {
            assert_eq!(frame, again);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "delivery did not resume"
        );
    }
}

/// Sends one inline command to Redis and returns the first reply line.
async fn redis_command(url: &str, command: &str) -> String {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let host = url.trim_start_matches("redis://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("redis reachable");
    stream
        .write_all(format!("{command}\r\n").as_bytes())
        .await
        .unwrap();
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).await.unwrap();
    line
}

#[tokio::test]
async fn an_unreachable_redis_fails_to_connect() {
    let error = RedisBackplane::connect(
        RedisBackplaneConfig::new("redis://127.0.0.1:1")
            .operation_timeout(Duration::from_millis(300)),
    )
    .await
    .expect_err("nothing listens on port 1");
    assert!(error.to_string().starts_with("redis backplane:"), "{error}");
}
