//! The life of one socket: authenticate, register, read and write until closed, `on_close`.

use std::error::Error as _;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior, sleep_until, timeout, timeout_at};

use crate::auth::User;
use crate::close::{CloseReason, code};
use crate::connection::{ConnShared, Connection};
use crate::frame::Frame;
use crate::server::{ServerInner, TaskGuard};

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

/// Most frames written before one flush.
const WRITE_BATCH: usize = 64;

/// Runs one upgraded socket to its end.
pub(crate) async fn serve(
    server: Arc<ServerInner>,
    socket: WebSocket,
    query_session: Option<String>,
    _task: TaskGuard,
) {
    let config = &server.config;
    let mut shutdown = server.shutdown.subscribe();
    let (mut sink, mut stream) = socket.split();

    let user = match authenticate(&server, &mut stream, &mut shutdown, query_session).await {
        Ok(user) => user,
        Err(Some(reject)) => {
            tracing::debug!(code = reject.code(), reason = %reject.reason(), "websocket rejected");
            send_close(&mut sink, &reject, config.close_timeout).await;
            return;
        }
        Err(None) => return,
    };

    let id = server.hub.next_id();
    let (shared, queue) = ConnShared::new(id, user, config.send_queue_capacity);
    let conn = Connection {
        shared: shared.clone(),
        hub: server.hub.clone(),
    };
    // Queued before registering, so it is the first frame the client gets.
    let _ = conn.reply(&Frame::new(
        "ready",
        serde_json::json!({ "connection_id": id.as_u64() }),
    ));
    server.hub.register(shared.clone());
    let writer = tokio::spawn(write_loop(
        sink,
        queue,
        shared.clone(),
        config.ping_interval,
        config.close_timeout,
    ));
    tracing::debug!(connection = %id, openid = conn.openid(), "websocket connected");

    if AssertUnwindSafe(server.handler.on_connect(&conn))
        .catch_unwind()
        .await
        .is_err()
    {
        shared.request_close(CloseReason::Error("on_connect panicked".into()));
    }
    read_loop(&server, &conn, stream, shutdown).await;

    shared.request_close(CloseReason::ConnectionLost); // no-op when a reason stands
    server.hub.unregister(id);
    let _ = writer.await;
    let reason = shared.close_reason().unwrap_or(CloseReason::ConnectionLost);
    tracing::debug!(connection = %id, code = reason.code(), reason = %reason.reason(), "websocket closed");
    if AssertUnwindSafe(server.handler.on_close(&conn, reason))
        .catch_unwind()
        .await
        .is_err()
    {
        tracing::error!(connection = %id, "on_close panicked");
    }
}

/// The user, or the close to send (`None`: the client is already gone).
async fn authenticate(
    server: &ServerInner,
    stream: &mut Stream,
    shutdown: &mut watch::Receiver<bool>,
    query_session: Option<String>,
) -> Result<User, Option<CloseReason>> {
    let within = server.config.auth_timeout;
    let session_id = match query_session.filter(|s| !s.is_empty()) {
        Some(session_id) => session_id,
        None => tokio::select! {
            biased;
            () = wait_shutdown(shutdown) => return Err(Some(CloseReason::ServerShutdown)),
            read = timeout(within, auth_frame(stream)) => match read {
                Ok(read) => read?,
                Err(_) => return Err(Some(server_close(code::AUTH_TIMEOUT, "authentication timeout"))),
            },
        },
    };
    let answer = tokio::select! {
        biased;
        () = wait_shutdown(shutdown) => return Err(Some(CloseReason::ServerShutdown)),
        answer = timeout(within, server.auth.authenticate(&session_id)) => answer,
    };
    match answer {
        Ok(Ok(Some(user))) => Ok(user),
        Ok(Ok(None)) => Err(Some(server_close(code::UNAUTHORIZED, "unauthorized"))),
        Ok(Err(error)) => {
            tracing::warn!(%error, "websocket authenticator failed");
            Err(Some(server_close(
                code::INTERNAL_ERROR,
                "authentication unavailable",
            )))
        }
        Err(_) => {
            tracing::warn!("websocket authenticator timed out");
            Err(Some(server_close(
                code::INTERNAL_ERROR,
                "authentication unavailable",
            )))
        }
    }
}

/// Waits for `{"type":"auth","data":{"session_id":"..."}}`.
async fn auth_frame(stream: &mut Stream) -> Result<String, Option<CloseReason>> {
    loop {
        let text = match stream.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Binary(_))) => return Err(Some(CloseReason::BinaryMessage)),
            Some(Ok(Message::Close(_))) | None => return Err(None),
            Some(Err(error)) if is_too_big(&error) => return Err(Some(CloseReason::MessageTooBig)),
            Some(Err(_)) => return Err(None),
        };
        let frame = Frame::parse(&text)
            .map_err(|error| Some(CloseReason::InvalidFrame(error.to_string())))?;
        if frame.r#type != "auth" {
            return Err(Some(server_close(
                code::UNAUTHORIZED,
                "unauthorized: the first frame must be {\"type\":\"auth\",\"data\":{\"session_id\":...}}",
            )));
        }
        return match frame.data.get("session_id").and_then(|s| s.as_str()) {
            Some(session_id) if !session_id.is_empty() => Ok(session_id.to_owned()),
            _ => Err(Some(server_close(
                code::UNAUTHORIZED,
                "unauthorized: auth frame without data.session_id",
            ))),
        };
    }
}

/// Reads frames until the connection ends; leaves the reason in the shared state.
async fn read_loop(
    server: &ServerInner,
    conn: &Connection,
    mut stream: Stream,
    mut shutdown: watch::Receiver<bool>,
) {
    let shared = &conn.shared;
    let mut closing = shared.close_signal();
    let idle = server.config.idle_timeout;
    let max = server.config.max_message_bytes;
    let mut deadline = Instant::now() + idle;
    loop {
        if shared.close_reason().is_some() {
            return;
        }
        let message = tokio::select! {
            biased;
            () = wait_shutdown(&mut shutdown) => {
                shared.request_close(CloseReason::ServerShutdown);
                return;
            }
            _ = closing.changed() => return,
            () = sleep_until(deadline) => {
                shared.request_close(CloseReason::IdleTimeout);
                return;
            }
            message = stream.next() => message,
        };
        deadline = Instant::now() + idle;
        let reason = match message {
            Some(Ok(Message::Text(text))) if text.len() > max => CloseReason::MessageTooBig,
            Some(Ok(Message::Text(text))) => match Frame::parse(&text) {
                Ok(frame) => match frame.r#type.as_str() {
                    "ping" => {
                        let _ = conn.reply(&Frame::new("pong", frame.data));
                        continue;
                    }
                    "auth" => continue,
                    _ => {
                        let handled = AssertUnwindSafe(server.handler.on_message(conn, frame))
                            .catch_unwind()
                            .await;
                        if handled.is_ok() {
                            continue;
                        }
                        CloseReason::Error("on_message panicked".into())
                    }
                },
                Err(error) => CloseReason::InvalidFrame(error.to_string()),
            },
            Some(Ok(Message::Binary(_))) => CloseReason::BinaryMessage,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(frame))) => CloseReason::ClientClosed {
                code: frame.as_ref().map(|f| f.code),
                reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
            },
            Some(Err(error)) if is_too_big(&error) => CloseReason::MessageTooBig,
            Some(Err(error)) => {
                tracing::debug!(%error, "websocket read failed");
                CloseReason::ConnectionLost
            }
            None => CloseReason::ConnectionLost,
        };
        shared.request_close(reason);
        return;
    }
}

/// Writes queued frames and pings until a close is requested, then the Close frame.
async fn write_loop(
    mut sink: Sink,
    mut queue: mpsc::Receiver<Utf8Bytes>,
    shared: Arc<ConnShared>,
    ping_every: Duration,
    close_timeout: Duration,
) {
    let mut closing = shared.close_signal();
    let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        if shared.close_reason().is_some() {
            break;
        }
        let first = tokio::select! {
            biased;
            _ = closing.changed() => break,
            text = queue.recv() => match text {
                Some(text) => Message::Text(text),
                None => break,
            },
            _ = ping.tick() => Message::Ping(Default::default()),
        };
        let write = async {
            sink.feed(first).await?;
            for _ in 1..WRITE_BATCH {
                match queue.try_recv() {
                    Ok(text) => sink.feed(Message::Text(text)).await?,
                    Err(_) => break,
                }
            }
            sink.flush().await
        };
        let written = tokio::select! {
            biased;
            _ = closing.changed() => break,
            written = write => written,
        };
        if written.is_err() {
            shared.request_close(CloseReason::ConnectionLost);
            break;
        }
    }
    let reason = shared.close_reason().unwrap_or(CloseReason::ConnectionLost);
    if reason.server_sends_close() {
        send_close(&mut sink, &reason, close_timeout).await;
    } else {
        // Flushes the reply to the client's Close frame, if any.
        let _ = timeout(close_timeout, sink.close()).await;
    }
}

/// Sends a Close frame, giving up after `within` (a client that does not read never gets it).
async fn send_close(sink: &mut Sink, reason: &CloseReason, within: Duration) {
    let frame = CloseFrame {
        code: reason.code(),
        reason: Utf8Bytes::from(reason.reason().into_owned()),
    };
    let _ = timeout_at(Instant::now() + within, async {
        sink.send(Message::Close(Some(frame))).await?;
        sink.close().await
    })
    .await;
}

fn server_close(code: u16, reason: &str) -> CloseReason {
    CloseReason::ClosedByServer {
        code,
        reason: reason.to_owned(),
    }
}

/// Resolves once shutdown is requested (never, if the server is gone).
async fn wait_shutdown(shutdown: &mut watch::Receiver<bool>) {
    if shutdown.wait_for(|down| *down).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Whether a read failed because the message exceeded the size limit.
fn is_too_big(error: &axum::Error) -> bool {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(WsError::Capacity(_)) = cause.downcast_ref::<WsError>() {
            return true;
        }
        source = cause.source();
    }
    false
}
