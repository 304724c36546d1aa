//! Timeouts and limits: [`WebSocketConfig`].

use std::time::Duration;

/// Timeouts and limits of every connection; the defaults suit mini programs.
///
/// ```
/// use std::time::Duration;
/// use weixin_websocket::WebSocketConfig;
///
/// let config = WebSocketConfig::default()
///     .ping_interval(Duration::from_secs(20))
///     .idle_timeout(Duration::from_secs(60));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct WebSocketConfig {
    pub(crate) ping_interval: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) auth_timeout: Duration,
    pub(crate) close_timeout: Duration,
    pub(crate) send_queue_capacity: usize,
    pub(crate) max_message_bytes: usize,
    pub(crate) read_buffer_bytes: usize,
}

/// Default interval of server pings: 25 s.
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(25);
/// Default idle timeout: 60 s without receiving anything (pongs count).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed for the `auth` frame (and for the authenticator): 10 s.
pub const DEFAULT_AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed to deliver a Close frame before the socket is dropped: 2 s.
pub const DEFAULT_CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Default capacity of each connection's send queue, in frames: 256.
pub const DEFAULT_SEND_QUEUE_CAPACITY: usize = 256;
/// Default size limit of a received message: 64 KiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024;

impl Default for WebSocketConfig {
    fn default() -> Self {
        Self {
            ping_interval: DEFAULT_PING_INTERVAL,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            auth_timeout: DEFAULT_AUTH_TIMEOUT,
            close_timeout: DEFAULT_CLOSE_TIMEOUT,
            send_queue_capacity: DEFAULT_SEND_QUEUE_CAPACITY,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            read_buffer_bytes: 4 * 1024,
        }
    }
}

impl WebSocketConfig {
    /// How often the server pings each client (clients answer with a pong automatically).
    pub fn ping_interval(mut self, every: Duration) -> Self {
        self.ping_interval = every.max(Duration::from_millis(1));
        self
    }

    /// Close a connection (code 4000) when nothing was received for this long. Keep it above
    /// the ping interval so that live clients, which answer pings, stay connected.
    pub fn idle_timeout(mut self, after: Duration) -> Self {
        self.idle_timeout = after;
        self
    }

    /// Time allowed for the first `auth` frame when the URL has no session id (close 4408
    /// past it), and for the authenticator's answer (close 1011 past it).
    pub fn auth_timeout(mut self, within: Duration) -> Self {
        self.auth_timeout = within;
        self
    }

    /// Time allowed to deliver the server's Close frame before the socket is dropped (a client
    /// that does not read never gets it).
    pub fn close_timeout(mut self, within: Duration) -> Self {
        self.close_timeout = within;
        self
    }

    /// Frames waiting to be written to one client. When it is full, that client is closed
    /// with 4429 instead of slowing down the senders.
    pub fn send_queue_capacity(mut self, frames: usize) -> Self {
        self.send_queue_capacity = frames.max(1);
        self
    }

    /// Largest message accepted from a client (close 1009 above it).
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes.max(64);
        self
    }

    /// Initial read buffer of each connection (it grows for larger messages); small keeps idle
    /// connections cheap.
    pub fn read_buffer_bytes(mut self, bytes: usize) -> Self {
        self.read_buffer_bytes = bytes.max(256);
        self
    }
}
