//! WebSocket hub benchmarks (custom harness): `cargo bench -p weixin-websocket --bench ws`.
//!
//! 1. Throughput: frames per second pushed through the hub and read by real WebSocket
//!    clients over loopback (fan-out to 100 clients, and one busy client).
//! 2. Memory: server RSS growth per idle connection, with 10,000 connections. The clients run
//!    in a child process (this binary re-executed), so each process stays under
//!    `ulimit -n` (10,000 sockets each) and only the server side is measured.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use weixin_websocket::{
    AuthError, Authenticator, Connection, Frame, User, WebSocketConfig, WebSocketHandler,
    WebSocketServer,
};

struct Quiet;

#[async_trait]
impl WebSocketHandler for Quiet {
    async fn on_message(&self, _conn: &Connection, _frame: Frame) {}
}

struct Anyone;

#[async_trait]
impl Authenticator for Anyone {
    async fn authenticate(&self, session_id: &str) -> Result<Option<User>, AuthError> {
        Ok(Some(User::new(
            session_id.trim_start_matches("s-"),
            session_id,
        )))
    }
}

const CLIENT_MODE: &str = "WS_BENCH_CLIENTS";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Ok(spec) = std::env::var(CLIENT_MODE) {
        runtime.block_on(hold_clients(spec));
        return;
    }
    // `cargo test --benches` runs benches with no `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    runtime.block_on(async {
        throughput(100, if quick { 5 } else { 2_000 }).await;
        throughput(1, if quick { 5 } else { 200_000 }).await;
        memory(if quick { 100 } else { 10_000 }).await;
    });
}

async fn start(config: WebSocketConfig) -> (WebSocketServer, std::net::SocketAddr) {
    let server = WebSocketServer::builder(Quiet, Anyone)
        .config(config)
        .build();
    let app = weixin_websocket::router(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    // Small pushes should leave at once: disable Nagle's algorithm (recommended in the docs).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    (server, addr)
}

async fn connect(
    addr: std::net::SocketAddr,
    n: usize,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = format!("ws://{addr}/wxopen/ws?session_id=s-user{n}");
    let (mut client, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .expect("connect");
    let _ready = client.next().await;
    client
}

/// Pushes `frames` frames to every client in bursts of 100, with at most two bursts unread
/// at any time, so queues never overflow.
async fn throughput(clients: usize, frames: usize) {
    const BURST: usize = 100;
    let (server, addr) = start(WebSocketConfig::default().send_queue_capacity(4 * BURST)).await;
    let received = Arc::new(AtomicU64::new(0));
    for n in 0..clients {
        let mut client = connect(addr, n).await;
        let received = received.clone();
        tokio::spawn(async move {
            while let Some(Ok(_)) = client.next().await {
                received.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let frame = Frame::new(
        "bench",
        serde_json::json!({"text": "a typical small push", "n": 1}),
    );
    let hub = server.hub();
    let started = Instant::now();
    let mut expected = 0u64;
    let mut sent = 0;
    while sent < frames {
        for _ in 0..BURST.min(frames - sent) {
            let delivered = if clients == 1 {
                hub.send_to_user("user0", &frame).await
            } else {
                hub.broadcast(&frame).await
            };
            expected += delivered.expect("send") as u64;
            sent += 1;
        }
        // At most two bursts in flight, well under the queue capacity.
        let window = (2 * BURST * clients) as u64;
        while received.load(Ordering::Relaxed) + window < expected {
            tokio::task::yield_now().await;
        }
    }
    while received.load(Ordering::Relaxed) < expected {
        tokio::task::yield_now().await;
    }
    let elapsed = started.elapsed();
    println!(
        "throughput, {clients} client(s): {expected} frames delivered in {:.2?} = {:.0} frames/s",
        elapsed,
        expected as f64 / elapsed.as_secs_f64()
    );
    server.shutdown().await;
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Server RSS per idle connection, clients in a child process.
async fn memory(connections: usize) {
    let (server, addr) = start(WebSocketConfig::default()).await;
    // Warm up the runtime and allocator with a few connections first.
    let mut warm = Vec::new();
    for n in 0..10 {
        warm.push(connect(addr, 1_000_000 + n).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kib();

    let exe = std::env::current_exe().expect("current exe");
    let mut child = tokio::process::Command::new(exe)
        .env(CLIENT_MODE, format!("{addr} {connections}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn client process");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = lines.next_line().await.expect("child output");
    assert_eq!(line.as_deref(), Some("ready"), "client process failed");
    while server.hub().connection_count() < connections + warm.len() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = rss_kib();
    let per = (after.saturating_sub(before)) as f64 * 1024.0 / connections as f64;
    println!(
        "memory: {connections} idle connections: server RSS {before} KiB -> {after} KiB = {:.0} bytes ({:.1} KiB) per connection",
        per,
        per / 1024.0
    );
    drop(child.stdin.take()); // the child exits when stdin closes
    let _ = child.wait().await;
    server.shutdown().await;
}

/// Child mode: open `N` connections to `ADDR`, print `ready`, hold them until stdin closes.
async fn hold_clients(spec: String) {
    let mut parts = spec.split(' ');
    let addr: std::net::SocketAddr = parts.next().and_then(|a| a.parse().ok()).expect("addr");
    let count: usize = parts.next().and_then(|n| n.parse().ok()).expect("count");
    let mut clients = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(200) {
        let handshakes: Vec<_> = chunk
            .iter()
            .map(|&n| tokio::spawn(async move { connect(addr, n).await }))
            .collect();
        for handshake in handshakes {
            clients.push(handshake.await.expect("handshake task"));
        }
    }
    // Keep reading so pings are answered and nothing idles out.
    for mut client in clients {
        tokio::spawn(async move { while let Some(Ok(_)) = client.next().await {} });
    }
    println!("ready");
    let mut stdin = tokio::io::stdin();
    let mut sink = [0u8; 1];
    let _ = stdin.read(&mut sink).await;
}
