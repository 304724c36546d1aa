//! Test server, handler, authenticator and client helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use weixin_websocket::{
    AuthError, Authenticator, CloseReason, Connection, Frame, User, WebSocketConfig,
    WebSocketHandler, WebSocketServer, WebSocketServerBuilder,
};

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for something that should happen at once.
pub const PROMPT: Duration = Duration::from_secs(5);

/// Records every callback; echoes `echo` frames; panics on `panic` frames.
#[derive(Default)]
pub struct Recorder {
    pub connected: Mutex<Vec<(u64, String)>>,
    pub closed: Mutex<HashMap<u64, Vec<CloseReason>>>,
    pub messages: Mutex<Vec<(u64, Frame)>>,
    pub changed: Notify,
}

impl Recorder {
    pub fn connected_ids(&self) -> Vec<u64> {
        self.connected
            .lock()
            .unwrap()
            .iter()
            .map(|(id, _)| *id)
            .collect()
    }

    /// Waits until `count` connections were closed; returns their reasons by id.
    pub async fn wait_closed(&self, count: usize) -> HashMap<u64, Vec<CloseReason>> {
        let waiting = async {
            loop {
                let notified = self.changed.notified();
                {
                    let closed = self.closed.lock().unwrap();
                    if closed.len() >= count {
                        return closed.clone();
                    }
                }
                notified.await;
            }
        };
        match tokio::time::timeout(PROMPT, waiting).await {
            Ok(closed) => closed,
            Err(_) => panic!(
                "expected {count} closed connections, got {:?}",
                self.closed.lock().unwrap()
            ),
        }
    }

    /// Every connection that reached on_connect was closed exactly once; returns the reasons.
    pub async fn assert_each_closed_once(&self) -> Vec<CloseReason> {
        let ids = self.connected_ids();
        let closed = self.wait_closed(ids.len()).await;
        // Give a duplicate call a chance to show up.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let closed_now = self.closed.lock().unwrap().clone();
        assert_eq!(closed, closed_now, "on_close called again");
        assert_eq!(
            closed.len(),
            ids.len(),
            "closed: {closed:?}, connected: {ids:?}"
        );
        ids.iter()
            .map(|id| {
                let reasons = &closed[id];
                assert_eq!(
                    reasons.len(),
                    1,
                    "connection {id}: on_close calls {reasons:?}"
                );
                reasons[0].clone()
            })
            .collect()
    }
}

#[async_trait]
impl WebSocketHandler for Recorder {
    async fn on_connect(&self, conn: &Connection) {
        self.connected
            .lock()
            .unwrap()
            .push((conn.id().as_u64(), conn.openid().to_owned()));
        self.changed.notify_waiters();
    }

    async fn on_message(&self, conn: &Connection, frame: Frame) {
        self.messages
            .lock()
            .unwrap()
            .push((conn.id().as_u64(), frame.clone()));
        match frame.r#type.as_str() {
            "echo" => {
                let _ = conn.reply(&frame);
            }
            "panic" => panic!("handler panics on purpose"),
            "close_me" => conn.close(4100, "closed by the app"),
            "to_user" => {
                let target = frame.data["openid"].as_str().unwrap_or_default().to_owned();
                let _ = conn
                    .hub()
                    .send_to_user(&target, &Frame::new("from_peer", frame.data.clone()))
                    .await;
            }
            _ => {}
        }
    }

    async fn on_close(&self, conn: &Connection, reason: CloseReason) {
        self.closed
            .lock()
            .unwrap()
            .entry(conn.id().as_u64())
            .or_default()
            .push(reason);
        self.changed.notify_waiters();
    }
}

/// Sessions: `s-<name>[-<n>]` -> openid `<name>`; `s-error` fails; others are unknown.
pub struct Sessions;

#[async_trait]
impl Authenticator for Sessions {
    async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError> {
        if session_id == "s-error" {
            return Err("session store down".into());
        }
        let Some(rest) = session_id.strip_prefix("s-") else {
            return Ok(None);
        };
        let openid = rest.split('-').next().unwrap_or(rest);
        Ok(Some(User::new(openid, session_id)))
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub server: WebSocketServer,
    pub recorder: Arc<Recorder>,
    serving: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.serving.abort();
    }
}

pub fn short_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .auth_timeout(Duration::from_millis(300))
        .close_timeout(Duration::from_millis(300))
}

pub async fn start(config: WebSocketConfig) -> TestServer {
    start_with(|builder| builder.config(config)).await
}

pub async fn start_with(
    configure: impl FnOnce(WebSocketServerBuilder) -> WebSocketServerBuilder,
) -> TestServer {
    let recorder = Arc::new(Recorder::default());
    let server = configure(WebSocketServer::builder(recorder.clone(), Sessions)).build();
    let app = weixin_websocket::router(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    TestServer {
        addr,
        server,
        recorder,
        serving,
    }
}

pub fn url(addr: SocketAddr, session: Option<&str>) -> String {
    match session {
        Some(session) => format!("ws://{addr}/wxopen/ws?session_id={session}"),
        None => format!("ws://{addr}/wxopen/ws"),
    }
}

/// Connects without authenticating.
pub async fn connect_raw(addr: SocketAddr, session: Option<&str>) -> Client {
    let (client, _) = tokio_tungstenite::connect_async(url(addr, session))
        .await
        .expect("websocket handshake");
    client
}

/// Connects with `?session_id=` and waits for the `ready` frame; returns the connection id.
pub async fn connect(addr: SocketAddr, session: &str) -> (Client, u64) {
    let mut client = connect_raw(addr, Some(session)).await;
    let id = expect_ready(&mut client).await;
    (client, id)
}

pub async fn expect_ready(client: &mut Client) -> u64 {
    let ready = next_frame(client).await;
    assert_eq!(ready.r#type, "ready", "{ready:?}");
    ready.data["connection_id"].as_u64().expect("connection id")
}

pub async fn send(client: &mut Client, frame: serde_json::Value) {
    client
        .send(Message::Text(frame.to_string().into()))
        .await
        .expect("send");
}

/// The next frame (pings and pongs skipped); panics on close or after [`PROMPT`].
pub async fn next_frame(client: &mut Client) -> Frame {
    next_frame_within(client, PROMPT)
        .await
        .expect("expected a frame in time")
}

pub async fn next_frame_within(client: &mut Client, within: Duration) -> Option<Frame> {
    let reading = async {
        loop {
            match client.next().await {
                Some(Ok(Message::Text(text))) => {
                    return Frame::parse(&text).expect("server sent a frame");
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("expected a frame, got {other:?}"),
            }
        }
    };
    tokio::time::timeout(within, reading).await.ok()
}

/// Reads until the server's Close frame; returns its code and reason.
pub async fn expect_close(client: &mut Client) -> (u16, String) {
    let reading = async {
        loop {
            match client.next().await {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string());
                }
                Some(Ok(Message::Close(None))) => panic!("close frame without a code"),
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    };
    tokio::time::timeout(PROMPT, reading)
        .await
        .expect("expected a close frame in time")
}
