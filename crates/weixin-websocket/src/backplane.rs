//! Scale-out through Redis pub/sub: [`RedisBackplane`] (feature `redis`).

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use futures_util::StreamExt;
use redis::aio::{ConnectionManager, PubSub};
use serde::{Deserialize, Serialize};
use tokio::task::AbortHandle;
use tokio::time::{sleep, timeout};

use crate::hub::HubInner;
use crate::registry::Target;

/// Default Redis channel: `weixin:ws`.
pub const DEFAULT_CHANNEL: &str = "weixin:ws";
/// Default bound of connecting and of each publish: 2 s.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(2);

/// Where and how the backplane talks to Redis.
#[derive(Clone)]
pub struct RedisBackplaneConfig {
    url: String,
    channel: String,
    server_id: String,
    operation_timeout: Duration,
}

impl RedisBackplaneConfig {
    /// Redis at this URL (`redis://[:password@]host:port[/db]`), channel [`DEFAULT_CHANNEL`],
    /// a random server id.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            channel: DEFAULT_CHANNEL.to_owned(),
            server_id: random_server_id(),
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
        }
    }

    /// The pub/sub channel every server of one deployment shares; give separate deployments
    /// (or environments) on one Redis their own.
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }

    /// This server's id, carried in every message it publishes so that it skips its own
    /// messages (they were delivered locally already). Must differ between servers.
    pub fn server_id(mut self, id: impl Into<String>) -> Self {
        self.server_id = id.into();
        self
    }

    /// Bounds connecting and each publish.
    pub fn operation_timeout(mut self, within: Duration) -> Self {
        self.operation_timeout = within;
        self
    }
}

impl fmt::Debug for RedisBackplaneConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBackplaneConfig")
            .field("url", &redact(&self.url))
            .field("channel", &self.channel)
            .field("server_id", &self.server_id)
            .field("operation_timeout", &self.operation_timeout)
            .finish()
    }
}

/// The backplane could not connect or subscribe.
#[derive(Debug, thiserror::Error)]
#[error("redis backplane: {0}")]
pub struct BackplaneError(String);

/// Delivers hub sends to the sockets other servers hold, through one Redis pub/sub channel.
///
/// Every send is published as `{"from": server_id, "to": ..., "frame": "..."}`; each server
/// subscribes to the channel, skips its own messages and delivers the others to its local
/// sockets. Pub/sub is at-most-once: a message published while a server is disconnected from
/// Redis is lost for that server (it resubscribes with backoff, 100 ms up to 5 s).
///
/// ```no_run
/// # async fn demo(server: weixin_websocket::WebSocketServerBuilder) -> Result<(), weixin_websocket::BackplaneError> {
/// use weixin_websocket::{RedisBackplane, RedisBackplaneConfig};
/// let backplane = RedisBackplane::connect(
///     RedisBackplaneConfig::new("redis://127.0.0.1:6379").channel("myapp:ws").server_id("web-1"),
/// )
/// .await?;
/// let server = server.backplane(backplane).build();
/// # let _ = server; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisBackplane {
    inner: Arc<Inner>,
}

struct Inner {
    server_id: String,
    channel: String,
    operation_timeout: Duration,
    publisher: ConnectionManager,
    hub: Arc<OnceLock<Weak<HubInner>>>,
    listener: Mutex<Option<AbortHandle>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let listener = self.listener.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(listener) = listener.take() {
            listener.abort();
        }
    }
}

#[derive(Serialize)]
struct Outgoing<'a> {
    from: &'a str,
    to: &'a Target,
    frame: &'a str,
}

#[derive(Deserialize)]
struct Incoming {
    from: String,
    to: Target,
    frame: String,
}

impl RedisBackplane {
    /// Connects the publisher and subscribes to the channel now, so a wrong URL or a server
    /// that is down is reported here.
    pub async fn connect(config: RedisBackplaneConfig) -> Result<Self, BackplaneError> {
        let client = redis::Client::open(config.url.as_str()).map_err(|e| fail("bad URL", e))?;
        let within = config.operation_timeout;
        let publisher = timeout(within, ConnectionManager::new(client.clone()))
            .await
            .map_err(|_| BackplaneError("connect timed out".into()))?
            .map_err(|e| fail("connect", e))?;
        let pubsub = timeout(within, subscribe(&client, &config.channel))
            .await
            .map_err(|_| BackplaneError("subscribe timed out".into()))?
            .map_err(|e| fail("subscribe", e))?;
        let hub = Arc::new(OnceLock::new());
        let listener = tokio::spawn(listen(
            client,
            config.channel.clone(),
            config.server_id.clone(),
            hub.clone(),
            pubsub,
        ));
        Ok(Self {
            inner: Arc::new(Inner {
                server_id: config.server_id,
                channel: config.channel,
                operation_timeout: within,
                publisher,
                hub,
                listener: Mutex::new(Some(listener.abort_handle())),
            }),
        })
    }

    /// This server's id.
    pub fn server_id(&self) -> &str {
        &self.inner.server_id
    }

    /// Hands the hub to the listener (one hub per backplane; later calls are ignored).
    pub(crate) fn attach(&self, hub: Weak<HubInner>) {
        let _ = self.inner.hub.set(hub);
    }

    /// Publishes a send for the other servers.
    pub(crate) async fn publish(&self, to: &Target, frame: &str) -> Result<(), String> {
        let payload = serde_json::to_string(&Outgoing {
            from: &self.inner.server_id,
            to,
            frame,
        })
        .map_err(|e| e.to_string())?;
        let mut conn = self.inner.publisher.clone();
        let mut publish = redis::cmd("PUBLISH");
        publish.arg(&self.inner.channel).arg(payload);
        match timeout(
            self.inner.operation_timeout,
            publish.query_async::<i64>(&mut conn),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(format!("redis PUBLISH failed: {error}")),
            Err(_) => Err("redis PUBLISH timed out".into()),
        }
    }
}

impl fmt::Debug for RedisBackplane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBackplane")
            .field("server_id", &self.inner.server_id)
            .field("channel", &self.inner.channel)
            .finish_non_exhaustive()
    }
}

async fn subscribe(client: &redis::Client, channel: &str) -> redis::RedisResult<PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
}

/// Delivers other servers' messages locally; resubscribes when the connection breaks.
async fn listen(
    client: redis::Client,
    channel: String,
    server_id: String,
    hub: Arc<OnceLock<Weak<HubInner>>>,
    mut pubsub: PubSub,
) {
    const FIRST_BACKOFF: Duration = Duration::from_millis(100);
    loop {
        let mut messages = pubsub.into_on_message();
        while let Some(message) = messages.next().await {
            let Ok(incoming) = serde_json::from_slice::<Incoming>(message.get_payload_bytes())
            else {
                tracing::warn!("redis backplane: ignored a message that is not ours");
                continue;
            };
            if incoming.from == server_id {
                continue;
            }
            match hub.get().and_then(Weak::upgrade) {
                Some(hub) => {
                    hub.deliver_local(&incoming.to, &Utf8Bytes::from(incoming.frame));
                }
                None if hub.get().is_some() => return, // the hub is gone
                None => {}
            }
        }
        tracing::warn!("redis backplane: subscription lost; resubscribing");
        let mut backoff = FIRST_BACKOFF;
        pubsub = loop {
            sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(5));
            match subscribe(&client, &channel).await {
                Ok(pubsub) => break pubsub,
                Err(error) => tracing::warn!(%error, "redis backplane: resubscribe failed"),
            }
        };
    }
}

fn fail(what: &str, error: redis::RedisError) -> BackplaneError {
    BackplaneError(format!("{what}: {error}"))
}

fn random_server_id() -> String {
    let n = getrandom::u64().unwrap_or_else(|_| u64::from(std::process::id()));
    format!("{n:016x}")
}

/// The URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let config = RedisBackplaneConfig::new("redis://:hunter2@10.0.0.1:6379/0");
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("10.0.0.1:6379"));
    }

    #[test]
    fn envelope_round_trips() {
        let target = Target::User("o-1".into());
        let text = serde_json::to_string(&Outgoing {
            from: "a",
            to: &target,
            frame: r#"{"type":"x","data":null}"#,
        })
        .unwrap();
        let back: Incoming = serde_json::from_str(&text).unwrap();
        assert_eq!((back.from.as_str(), back.to), ("a", target));
        assert_eq!(back.frame, r#"{"type":"x","data":null}"#);
    }
}
