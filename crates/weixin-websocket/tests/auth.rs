//! Authentication: by query, by first frame, and every way it fails.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use weixin_websocket::CloseReason;

#[tokio::test]
async fn query_session_id_authenticates_and_echo_works() {
    let t = start(short_config()).await;
    let (mut client, id) = connect(t.addr, "s-alice").await;
    assert_eq!(
        t.recorder.connected.lock().unwrap().clone(),
        vec![(id, "alice".to_owned())]
    );

    send(
        &mut client,
        json!({"type": "echo", "data": {"n": 1, "text": "hi"}}),
    )
    .await;
    let echo = next_frame(&mut client).await;
    assert_eq!(echo.r#type, "echo");
    assert_eq!(echo.data, json!({"n": 1, "text": "hi"}));

    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    client
        .close(Some(CloseFrame {
            code: 1000.into(),
            reason: "bye".into(),
        }))
        .await
        .unwrap();
    // The server completes the closing handshake.
    match tokio::time::timeout(PROMPT, futures_util::StreamExt::next(&mut client)).await {
        Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_)))) => {}
        other => panic!("expected the server's close reply, got {other:?}"),
    }
    let reasons = t.recorder.assert_each_closed_once().await;
    assert_eq!(
        reasons,
        vec![CloseReason::ClientClosed {
            code: Some(1000),
            reason: "bye".into()
        }]
    );
}

#[tokio::test]
async fn first_frame_authenticates() {
    let t = start(short_config()).await;
    let mut client = connect_raw(t.addr, None).await;
    send(
        &mut client,
        json!({"type": "auth", "data": {"session_id": "s-bob"}}),
    )
    .await;
    expect_ready(&mut client).await;
    assert_eq!(t.recorder.connected.lock().unwrap()[0].1, "bob");

    send(&mut client, json!({"type": "echo", "data": [1, 2, 3]})).await;
    assert_eq!(next_frame(&mut client).await.data, json!([1, 2, 3]));
    // A later auth frame is ignored, an application ping is answered.
    send(
        &mut client,
        json!({"type": "auth", "data": {"session_id": "s-x"}}),
    )
    .await;
    send(&mut client, json!({"type": "ping", "data": 7})).await;
    let pong = next_frame(&mut client).await;
    assert_eq!((pong.r#type.as_str(), pong.data), ("pong", json!(7)));
    assert!(
        t.recorder
            .messages
            .lock()
            .unwrap()
            .iter()
            .all(|(_, f)| f.r#type == "echo")
    );
}

#[tokio::test]
async fn unknown_session_is_closed_with_4401() {
    let t = start(short_config()).await;
    let mut client = connect_raw(t.addr, Some("nobody")).await;
    assert_eq!(
        expect_close(&mut client).await,
        (4401, "unauthorized".to_owned())
    );

    let mut client = connect_raw(t.addr, None).await;
    send(
        &mut client,
        json!({"type": "auth", "data": {"session_id": "nobody"}}),
    )
    .await;
    assert_eq!(expect_close(&mut client).await.0, 4401);
    assert!(t.recorder.connected.lock().unwrap().is_empty());
}

#[tokio::test]
async fn first_frame_that_is_not_auth_is_closed_with_4401() {
    let t = start(short_config()).await;
    let mut client = connect_raw(t.addr, None).await;
    send(&mut client, json!({"type": "echo", "data": 1})).await;
    let (code, reason) = expect_close(&mut client).await;
    assert_eq!(code, 4401);
    assert!(reason.contains("first frame must be"), "{reason}");

    let mut client = connect_raw(t.addr, None).await;
    send(&mut client, json!({"type": "auth", "data": {}})).await;
    let (code, reason) = expect_close(&mut client).await;
    assert_eq!(code, 4401);
    assert!(reason.contains("session_id"), "{reason}");
}

#[tokio::test]
async fn silent_client_is_closed_with_4408_after_the_auth_timeout() {
    let t = start(short_config().auth_timeout(Duration::from_millis(200))).await;
    let started = std::time::Instant::now();
    let mut client = connect_raw(t.addr, None).await;
    assert_eq!(
        expect_close(&mut client).await,
        (4408, "authentication timeout".to_owned())
    );
    assert!(started.elapsed() >= Duration::from_millis(190));
    assert!(t.recorder.connected.lock().unwrap().is_empty());
}

#[tokio::test]
async fn authenticator_failure_is_closed_with_1011() {
    let t = start(short_config()).await;
    let mut client = connect_raw(t.addr, Some("s-error")).await;
    assert_eq!(
        expect_close(&mut client).await,
        (1011, "authentication unavailable".to_owned())
    );
}

#[tokio::test]
async fn malformed_auth_frames_get_their_own_codes() {
    let t = start(short_config()).await;
    let mut client = connect_raw(t.addr, None).await;
    send_text(&mut client, "not json").await;
    assert_eq!(expect_close(&mut client).await.0, 1007);

    let mut client = connect_raw(t.addr, None).await;
    use futures_util::SinkExt;
    client
        .send(tokio_tungstenite::tungstenite::Message::Binary(
            vec![1, 2].into(),
        ))
        .await
        .unwrap();
    assert_eq!(expect_close(&mut client).await.0, 1003);
    assert!(t.recorder.connected.lock().unwrap().is_empty());
}

async fn send_text(client: &mut Client, text: &str) {
    use futures_util::SinkExt;
    client
        .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
        .await
        .unwrap();
}
