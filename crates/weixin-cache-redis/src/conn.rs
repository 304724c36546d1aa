//! The connections: `ConnectionManager`s (reconnecting, multiplexed) used round-robin, or a
//! cluster connection. Nothing here is public.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, Pipeline, RedisFuture, Value};
use weixin_core::cache::{CacheError, CacheErrorKind};

use crate::config::{RedisConfig, Target, redact};
use crate::error::{BACKEND, from_redis};

/// How often a broken connection is redialed before the attempt fails (each later operation
/// starts a new attempt, so the cache recovers once the server is back).
const RECONNECT_RETRIES: usize = 1;

/// One connection of either kind; cheap to clone.
#[derive(Clone)]
pub(crate) enum Connection {
    Single(ConnectionManager),
    #[cfg(feature = "cluster")]
    Cluster(redis::cluster_async::ClusterConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(c) => c.req_packed_command(cmd),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(c) => c.req_packed_commands(pipeline, offset, count),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(c) => c.get_db(),
            #[cfg(feature = "cluster")]
            Connection::Cluster(c) => c.get_db(),
        }
    }
}

/// The open connections, handed out round-robin.
pub(crate) struct Connections {
    all: Vec<Connection>,
    next: AtomicUsize,
}

impl Connections {
    /// Opens every connection now, so a wrong URL or a server that is down is reported by the
    /// constructor instead of by the first operation.
    pub(crate) async fn open(config: &RedisConfig) -> Result<Self, CacheError> {
        // Dialing plus one redial and its backoff must fit in this bound.
        let limit = config.connect_timeout * 2 + Duration::from_millis(500);
        let all = match &config.target {
            Target::Single(url) => {
                let mut all = Vec::with_capacity(config.connections);
                for _ in 0..config.connections {
                    all.push(Connection::Single(open_single(url, config, limit).await?));
                }
                all
            }
            #[cfg(feature = "cluster")]
            Target::Cluster(nodes) => vec![Connection::Cluster(
                open_cluster(nodes, config, limit).await?,
            )],
        };
        Ok(Self {
            all,
            next: AtomicUsize::new(0),
        })
    }

    /// The next connection to use.
    pub(crate) fn pick(&self) -> Connection {
        // `all` is never empty: `open` pushes at least one connection (`connections >= 1`).
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.all.len();
        self.all[i].clone()
    }
}

async fn open_single(
    url: &str,
    config: &RedisConfig,
    limit: Duration,
) -> Result<ConnectionManager, CacheError> {
    let client = redis::Client::open(url).map_err(|e| {
        CacheError::new(
            CacheErrorKind::InvalidInput,
            BACKEND,
            format!("invalid Redis URL {}: {e}", redact(url)),
        )
        .with_source(e)
    })?;
    let manager_config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(config.connect_timeout))
        .set_response_timeout(Some(config.operation_timeout))
        .set_number_of_retries(RECONNECT_RETRIES)
        .set_min_delay(Duration::from_millis(10))
        .set_max_delay(Duration::from_millis(200));
    match tokio::time::timeout(
        limit,
        ConnectionManager::new_with_config(client, manager_config),
    )
    .await
    {
        Ok(Ok(manager)) => Ok(manager),
        Ok(Err(e)) => Err(from_redis(&format!("connecting to {}", redact(url)), e)),
        Err(_) => Err(CacheError::new(
            CacheErrorKind::Unavailable,
            BACKEND,
            format!("could not connect to {} within {limit:?}", redact(url)),
        )),
    }
}

#[cfg(feature = "cluster")]
async fn open_cluster(
    nodes: &[String],
    config: &RedisConfig,
    limit: Duration,
) -> Result<redis::cluster_async::ClusterConnection, CacheError> {
    let shown = nodes
        .iter()
        .map(|n| redact(n))
        .collect::<Vec<_>>()
        .join(", ");
    let client = redis::cluster::ClusterClientBuilder::new(nodes.iter().map(String::as_str))
        .connection_timeout(config.connect_timeout)
        .response_timeout(config.operation_timeout)
        .retries(2)
        .build()
        .map_err(|e| {
            CacheError::new(
                CacheErrorKind::InvalidInput,
                BACKEND,
                format!("invalid Redis Cluster nodes [{shown}]: {e}"),
            )
            .with_source(e)
        })?;
    match tokio::time::timeout(limit, client.get_async_connection()).await {
        Ok(Ok(connection)) => Ok(connection),
        Ok(Err(e)) => Err(from_redis(&format!("connecting to cluster [{shown}]"), e)),
        Err(_) => Err(CacheError::new(
            CacheErrorKind::Unavailable,
            BACKEND,
            format!("could not connect to cluster [{shown}] within {limit:?}"),
        )),
    }
}
