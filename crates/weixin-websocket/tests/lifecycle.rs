//! How connections end: idle, slow, malformed, panicking, dropped, shut down; on_close once.

mod common;

use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use weixin_websocket::{CloseReason, Frame};

#[tokio::test]
async fn idle_connection_is_closed_with_4000() {
    let t = start(
        short_config()
            .idle_timeout(Duration::from_millis(200))
            .ping_interval(Duration::from_secs(60)),
    )
    .await;
    let started = Instant::now();
    let (mut client, _) = connect(t.addr, "s-alice").await;
    assert_eq!(
        expect_close(&mut client).await,
        (4000, "idle timeout".to_owned())
    );
    assert!(started.elapsed() >= Duration::from_millis(190));
    assert_eq!(
        t.recorder.assert_each_closed_once().await,
        vec![CloseReason::IdleTimeout]
    );
    assert_eq!(t.server.hub().connection_count(), 0);
}

#[tokio::test]
async fn clients_answering_pings_or_sending_frames_stay_connected() {
    let t = start(
        short_config()
            .idle_timeout(Duration::from_millis(200))
            .ping_interval(Duration::from_millis(50)),
    )
    .await;
    // A reading client answers the server's pings automatically.
    let (mut reader, _) = connect(t.addr, "s-alice").await;
    let mut pings = 0;
    let until = tokio::time::Instant::now() + Duration::from_millis(600);
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, reader.next()).await {
        match message {
            Message::Ping(_) => pings += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(pings >= 5, "only {pings} pings in 600 ms");
    assert_eq!(t.server.hub().connection_count(), 1);
    assert!(t.recorder.closed.lock().unwrap().is_empty());

    // A client that only sends application pings (wx.sendSocketMessage) stays too.
    let mut sender = connect_raw(t.addr, Some("s-bob")).await;
    for n in 0..6 {
        send(&mut sender, json!({"type": "ping", "data": n})).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(t.server.hub().user_connection_count("bob"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_consumer_is_closed_for_overflow_while_others_keep_receiving() {
    let t = start(short_config().send_queue_capacity(64)).await;
    // Never reads: TCP buffers fill, then its queue.
    let (_slow, slow_id) = connect(t.addr, "s-slow").await;
    let (mut fast, _) = connect(t.addr, "s-fast").await;
    let hub = t.server.hub();

    let big = Frame::new("flood", json!("x".repeat(16 * 1024)));
    let mut sent = 0u64;
    let mut overflowed = false;
    for n in 0..100_000u64 {
        if hub.send_to_user("slow", &big).await.unwrap() == 0 {
            overflowed = true;
            break;
        }
        sent += 1;
        if n % 16 == 0 {
            // Meanwhile the fast client gets its frames promptly.
            let tick = Frame::new("tick", json!(n));
            assert_eq!(hub.send_to_user("fast", &tick).await.unwrap(), 1);
            let before = Instant::now();
            assert_eq!(next_frame(&mut fast).await, tick);
            assert!(
                before.elapsed() < Duration::from_millis(500),
                "fast client stalled"
            );
        }
    }
    assert!(overflowed, "queue never overflowed after {sent} frames");
    let closed = t.recorder.wait_closed(1).await;
    assert_eq!(closed[&slow_id], vec![CloseReason::QueueOverflow]);
    assert_eq!(hub.user_connection_count("slow"), 0);

    let after = Frame::new("after", json!(1));
    assert_eq!(hub.send_to_user("fast", &after).await.unwrap(), 1);
    assert_eq!(next_frame(&mut fast).await, after);
}

#[tokio::test]
async fn malformed_frames_close_with_clear_codes() {
    let t = start(short_config()).await;
    let too_big = format!(r#"{{"type":"big","data":"{}"}}"#, "y".repeat(70 * 1024));
    let cases: Vec<(Message, u16, &str)> = vec![
        (Message::Text("not json".into()), 1007, "invalid frame"),
        (Message::Text(r#"{"data":1}"#.into()), 1007, "invalid frame"),
        (
            Message::Text(r#"{"type":""}"#.into()),
            1007,
            "invalid frame",
        ),
        (Message::Text("[1,2]".into()), 1007, "invalid frame"),
        (
            Message::Binary(vec![0, 159, 146, 150].into()),
            1003,
            "binary",
        ),
        (Message::Text(too_big.into()), 1009, "message too big"),
    ];
    let count = cases.len();
    for (message, code, reason) in cases {
        let (mut client, _) = connect(t.addr, "s-alice").await;
        client.send(message).await.unwrap();
        let (got_code, got_reason) = expect_close(&mut client).await;
        assert_eq!(got_code, code, "{got_reason}");
        assert!(got_reason.contains(reason), "{got_reason}");
    }
    let reasons = t.recorder.assert_each_closed_once().await;
    assert_eq!(reasons.len(), count);
    assert!(matches!(reasons[0], CloseReason::InvalidFrame(_)));
    assert_eq!(reasons[4], CloseReason::BinaryMessage);
    assert_eq!(reasons[5], CloseReason::MessageTooBig);

    // The server is fine afterwards.
    let (mut client, _) = connect(t.addr, "s-bob").await;
    send(&mut client, json!({"type": "echo", "data": "still here"})).await;
    assert_eq!(next_frame(&mut client).await.data, json!("still here"));
}

#[tokio::test]
async fn a_panicking_handler_closes_that_connection_with_1011() {
    let t = start(short_config()).await;
    let (mut client, _) = connect(t.addr, "s-alice").await;
    send(&mut client, json!({"type": "panic"})).await;
    assert_eq!(
        expect_close(&mut client).await,
        (1011, "internal error".to_owned())
    );
    assert!(matches!(
        t.recorder.assert_each_closed_once().await[0],
        CloseReason::Error(_)
    ));
}

#[tokio::test]
async fn a_vanished_client_is_closed_once_as_connection_lost() {
    let t = start(short_config()).await;
    let (client, _) = connect(t.addr, "s-alice").await;
    drop(client); // TCP closed without a close handshake
    assert_eq!(
        t.recorder.assert_each_closed_once().await,
        vec![CloseReason::ConnectionLost]
    );
    assert_eq!(t.server.hub().connection_count(), 0);
}

#[tokio::test]
async fn the_app_can_close_a_connection() {
    let t = start(short_config()).await;
    let (mut client, id) = connect(t.addr, "s-alice").await;
    send(&mut client, json!({"type": "close_me"})).await;
    assert_eq!(
        expect_close(&mut client).await,
        (4100, "closed by the app".to_owned())
    );
    assert_eq!(
        t.recorder.assert_each_closed_once().await,
        vec![CloseReason::ClosedByServer {
            code: 4100,
            reason: "closed by the app".into()
        }]
    );
    assert_eq!(t.recorder.connected_ids(), vec![id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_everyone_with_1001_and_waits_for_on_close() {
    let t = start(short_config().auth_timeout(Duration::from_secs(30))).await;
    let mut clients = Vec::new();
    for n in 0..5 {
        clients.push(connect(t.addr, &format!("s-user{n}")).await.0);
    }
    // One more is still authenticating (no auth frame yet).
    let mut pending = connect_raw(t.addr, None).await;
    tokio::time::sleep(Duration::from_millis(50)).await;

    tokio::time::timeout(PROMPT, t.server.shutdown())
        .await
        .expect("shutdown finished");
    // on_close ran for every connection before shutdown returned.
    let closed = t.recorder.closed.lock().unwrap().clone();
    assert_eq!(closed.len(), 5);
    assert!(
        closed
            .values()
            .all(|r| r == &vec![CloseReason::ServerShutdown])
    );
    for client in &mut clients {
        assert_eq!(
            expect_close(client).await,
            (1001, "server shutting down".to_owned())
        );
    }
    assert_eq!(expect_close(&mut pending).await.0, 1001);
    assert_eq!(t.server.hub().connection_count(), 0);

    // New connections are refused.
    let refused = tokio_tungstenite::connect_async(url(t.addr, Some("s-late"))).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503)
        }
        other => panic!("expected 503, got {other:?}"),
    }
}
