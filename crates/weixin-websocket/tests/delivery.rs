//! Server push: to a user, to a session, to everyone.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use weixin_websocket::Frame;

#[tokio::test]
async fn send_to_user_reaches_every_connection_of_that_user_only() {
    let t = start(short_config()).await;
    let (mut alice1, _) = connect(t.addr, "s-alice-1").await;
    let (mut alice2, _) = connect(t.addr, "s-alice-2").await;
    let (mut bob, _) = connect(t.addr, "s-bob").await;
    let hub = t.server.hub();
    assert_eq!((hub.connection_count(), hub.user_count()), (3, 2));
    assert_eq!(hub.user_connection_count("alice"), 2);

    let notice = Frame::new("notice", json!({"text": "for alice"}));
    assert_eq!(hub.send_to_user("alice", &notice).await.unwrap(), 2);
    assert_eq!(next_frame(&mut alice1).await, notice);
    assert_eq!(next_frame(&mut alice2).await, notice);
    assert_eq!(hub.send_to_user("nobody", &notice).await.unwrap(), 0);

    // Bob's next frame is the marker, so the notice never reached him.
    let marker = Frame::new("marker", json!(null));
    assert_eq!(hub.send_to_user("bob", &marker).await.unwrap(), 1);
    assert_eq!(next_frame(&mut bob).await, marker);
}

#[tokio::test]
async fn send_to_session_reaches_that_connection_only() {
    let t = start(short_config()).await;
    let (mut alice1, _) = connect(t.addr, "s-alice-1").await;
    let (mut alice2, _) = connect(t.addr, "s-alice-2").await;
    let hub = t.server.hub();

    let only = Frame::new("only", json!(2));
    assert_eq!(hub.send_to_session("s-alice-2", &only).await.unwrap(), 1);
    assert_eq!(next_frame(&mut alice2).await, only);
    let marker = Frame::new("marker", json!(null));
    assert_eq!(hub.send_to_user("alice", &marker).await.unwrap(), 2);
    assert_eq!(next_frame(&mut alice1).await, marker);
    assert_eq!(next_frame(&mut alice2).await, marker);
}

#[tokio::test]
async fn a_handler_can_push_to_another_user() {
    let t = start(short_config()).await;
    let (mut alice, _) = connect(t.addr, "s-alice").await;
    let (mut bob, _) = connect(t.addr, "s-bob").await;
    send(
        &mut alice,
        json!({"type": "to_user", "data": {"openid": "bob", "text": "hey"}}),
    )
    .await;
    let got = next_frame(&mut bob).await;
    assert_eq!(got.r#type, "from_peer");
    assert_eq!(got.data["text"], "hey");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_reaches_1000_connections() {
    const N: usize = 1000;
    let t = start(short_config()).await;
    let mut clients = Vec::with_capacity(N);
    for chunk in 0..N / 100 {
        let handshakes = (0..100).map(|i| {
            let addr = t.addr;
            tokio::spawn(
                async move { connect(addr, &format!("s-user{}", chunk * 100 + i)).await.0 },
            )
        });
        for handshake in handshakes {
            clients.push(handshake.await.unwrap());
        }
    }
    assert_eq!(t.server.hub().connection_count(), N);
    assert_eq!(t.server.hub().user_count(), N);

    let news = Frame::new("news", json!({"headline": "all of you"}));
    assert_eq!(t.server.hub().broadcast(&news).await.unwrap(), N);
    let readers = clients.into_iter().map(|mut client| {
        let news = news.clone();
        tokio::spawn(async move {
            assert_eq!(next_frame(&mut client).await, news);
        })
    });
    for reader in readers {
        reader.await.unwrap();
    }
}

#[tokio::test]
async fn frames_are_delivered_in_order() {
    let t = start(short_config()).await;
    let (mut alice, _) = connect(t.addr, "s-alice").await;
    for n in 0..200 {
        t.server
            .hub()
            .send_to_user("alice", &Frame::new("n", json!(n)))
            .await
            .unwrap();
    }
    for n in 0..200 {
        assert_eq!(next_frame(&mut alice).await.data, json!(n));
    }
    assert!(
        next_frame_within(&mut alice, Duration::from_millis(50))
            .await
            .is_none()
    );
}
