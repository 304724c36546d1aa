//! `MemcachedCache` and `MemcachedLock` against raw clients on the same server, in one run.
//!
//! Operations: get (hit), set, add of a fresh key (`ms .. ME`), compare-and-delete (`mg .. c`
//! then `md .. C<cas>`), and a lock acquire + release (counted as one operation), each from one
//! task and from 50 concurrent tasks. Throughput is reported in operations per second.
//!
//! - `memcached/ours/cN`: this crate with default options (connection pool keeping at most
//!   `DEFAULT_MAX_IDLE` = 8 idle connections per server).
//! - `memcached/ours_idle64/c50`: the same with `max_idle(64)`, so 50 tasks never redial.
//! - `memcached/raw_meta/cN`: the `memcache` crate's `AsyncMetaClient` used directly, with the
//!   same pool setting as ours (the client this crate wraps: shows the wrapper's cost).
//! - `memcached/raw_tcp/cN`: a minimal loop of meta commands over one persistent TCP
//!   connection per task (what a load generator like memtier does): the server's ceiling.
//!
//! Needs a throwaway server (keys under `bench:` are written):
//!
//! ```text
//! memcached -d -u root -l 127.0.0.1 -p 11290 -U 0 -I 2m
//! WEIXIN_TEST_MEMCACHED_URL=memcache://127.0.0.1:11290 cargo bench -p weixin-cache-memcached --bench memcached_cache
//! ```

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use memcache::exp::{AsyncMetaClient, GetStatus, Meta, MetaClientBuilder, MutationStatus, Ttl};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use tokio::time::Instant;
use weixin_cache_memcached::{DEFAULT_MAX_IDLE, MemcachedCache, MemcachedConfig, MemcachedLock};
use weixin_core::cache::{Cache, DistributedLock};
use weixin_testkit::bench::{BenchCase, GET_KEY, VALUE, cache_cases, cad_key, owner_token};

const URL_VAR: &str = "WEIXIN_TEST_MEMCACHED_URL";
/// The concurrency levels measured: one task (latency), and many tasks (throughput).
const CONCURRENCY: [u64; 2] = [1, 50];
/// What ours sends for the testkit's `ADD_TTL` and `LOCK_TTL` (whole seconds plus one second
/// of clock slack).
const ADD_TTL_RAW: u32 = 6;
const LOCK_TTL_RAW: u32 = 11;

/// One criterion group per level in `concurrency`, named `{name}/c{tasks}`, measuring `cases`.
fn bench_group(
    c: &mut Criterion,
    rt: &Runtime,
    name: &str,
    concurrency: &[u64],
    cases: &[BenchCase],
) {
    for &tasks in concurrency {
        let mut g = c.benchmark_group(format!("{name}/c{tasks}"));
        g.throughput(Throughput::Elements(1));
        for case in cases {
            g.bench_function(case.name(), |b| {
                b.to_async(rt)
                    .iter_custom(|iters| case.measure(tasks, iters));
            });
        }
        g.finish();
    }
}

/// Our cache and lock, from `concurrency` tasks; `name` tells the configuration.
fn ours(
    c: &mut Criterion,
    rt: &Runtime,
    name: &'static str,
    config: MemcachedConfig,
    concurrency: &[u64],
) {
    let cache = rt
        .block_on(MemcachedCache::connect(config))
        .expect("connect to memcached");
    let lock: Arc<dyn DistributedLock> = Arc::new(MemcachedLock::new(&cache));
    let cache: Arc<dyn Cache> = Arc::new(cache);
    let cases = rt.block_on(cache_cases(cache, lock));
    bench_group(c, rt, &format!("memcached/{name}"), concurrency, &cases);
}

/// `mg key v c`, compare, `md key C<cas>`: the raw compare-and-delete; whether it deleted.
async fn raw_compare_and_delete(meta: &AsyncMetaClient, key: &str, expected: &[u8]) -> bool {
    let found = meta
        .get(key)
        .meta(Meta::NONE.cas())
        .send()
        .await
        .expect("mg");
    let (GetStatus::Hit, Some(cas)) = (found.status, found.item.cas) else {
        return false;
    };
    if found.value.as_deref() != Some(expected) {
        return false;
    }
    let deleted = meta.delete(key).compare_cas(cas).send().await.expect("md");
    deleted.status == MutationStatus::Applied
}

/// `ms key value T<ttl>`, with `ME` (add) when `add`; asserts that it stored.
async fn raw_set(meta: &AsyncMetaClient, key: &str, value: &[u8], ttl: Ttl, add: bool) {
    let set = meta.set(key, value).ttl(ttl);
    let set = if add { set.add() } else { set };
    let stored = set.send().await.expect("ms");
    assert_eq!(stored.status, MutationStatus::Applied);
}

/// The same meta commands through the `memcache` crate's `AsyncMetaClient` directly.
fn raw_meta(c: &mut Criterion, rt: &Runtime, server: &str) {
    let meta = rt
        .block_on(
            MetaClientBuilder::new()
                .max_idle(DEFAULT_MAX_IDLE)
                .connect_async(server),
        )
        .expect("connect to memcached");
    let meta = Arc::new(meta);
    rt.block_on(raw_set(&meta, GET_KEY, VALUE, Ttl::NEVER, false));

    let get = {
        let meta = meta.clone();
        BenchCase::new("get", move |_| {
            let meta = meta.clone();
            async move {
                let hit = meta.get(GET_KEY).send().await.expect("mg");
                assert_eq!(hit.status, GetStatus::Hit);
            }
        })
    };
    let set = {
        let meta = meta.clone();
        BenchCase::new("set", move |it| {
            let meta = meta.clone();
            async move {
                let key = format!("bench:set:{}", it.task);
                raw_set(&meta, &key, VALUE, Ttl::NEVER, false).await;
            }
        })
    };
    let add = {
        let meta = meta.clone();
        BenchCase::new("add", move |it| {
            let meta = meta.clone();
            async move {
                let key = format!("bench:add:raw:{}:{}:{}", it.run, it.task, it.index);
                raw_set(&meta, &key, VALUE, Ttl::secs(ADD_TTL_RAW), true).await;
            }
        })
    };
    let compare_and_delete = {
        let (setup, meta) = (meta.clone(), meta.clone());
        BenchCase::with_setup(
            "compare_and_delete",
            move |it| {
                let meta = setup.clone();
                async move { raw_set(&meta, &cad_key(it), VALUE, Ttl::NEVER, false).await }
            },
            move |it| {
                let meta = meta.clone();
                async move { assert!(raw_compare_and_delete(&meta, &cad_key(it), VALUE).await) }
            },
        )
    };
    let lock = BenchCase::new("lock_acquire_release", move |it| {
        let meta = meta.clone();
        async move {
            let key = format!("bench:lock:{}", it.task);
            let token = owner_token();
            raw_set(&meta, &key, token.as_bytes(), Ttl::secs(LOCK_TTL_RAW), true).await;
            assert!(raw_compare_and_delete(&meta, &key, token.as_bytes()).await);
        }
    });
    let cases = [get, set, add, compare_and_delete, lock];
    bench_group(c, rt, "memcached/raw_meta", &CONCURRENCY, &cases);
}

/// One meta command on a persistent connection; reads the reply (and the value of a hit).
async fn round_trip(conn: &mut BufStream<TcpStream>, command: &[u8], line: &mut String) {
    conn.write_all(command).await.expect("write");
    conn.flush().await.expect("flush");
    line.clear();
    conn.read_line(line).await.expect("read");
    if let Some(len) = line.strip_prefix("VA ") {
        let len: usize = len.trim_end().parse().expect("value length");
        let mut value = vec![0u8; len + 2];
        conn.read_exact(&mut value).await.expect("read value");
    } else {
        assert!(line.starts_with("HD"), "unexpected reply {line:?}");
    }
}

/// `tasks` tasks, each with its own connection (opened before timing), send `iters` commands
/// in total; `command(task)` is the bytes to send.
async fn run_tcp(server: &str, tasks: u64, iters: u64, command: fn(u64) -> Vec<u8>) -> Duration {
    let mut conns = Vec::new();
    for _ in 0..tasks {
        let stream = TcpStream::connect(server).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        conns.push(BufStream::new(stream));
    }
    let start = Instant::now();
    let mut set = JoinSet::new();
    for (t, mut conn) in (0..tasks).zip(conns) {
        let n = iters / tasks + u64::from(t < iters % tasks);
        set.spawn(async move {
            let bytes = command(t);
            let mut line = String::new();
            for _ in 0..n {
                round_trip(&mut conn, &bytes, &mut line).await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        done.expect("benchmark task panicked");
    }
    start.elapsed()
}

/// get and set as a bare meta-protocol loop: the server's ceiling for this client machine.
fn raw_tcp(c: &mut Criterion, rt: &Runtime, server: &str) {
    for tasks in CONCURRENCY {
        let mut g = c.benchmark_group(format!("memcached/raw_tcp/c{tasks}"));
        g.throughput(Throughput::Elements(1));
        g.bench_function("get", |b| {
            b.to_async(rt).iter_custom(|iters| {
                run_tcp(server, tasks, iters, |_| b"mg bench:get v\r\n".to_vec())
            });
        });
        g.bench_function("set", |b| {
            b.to_async(rt).iter_custom(|iters| {
                run_tcp(server, tasks, iters, |t| {
                    format!("ms bench:set:{t} 3 T0\r\nxxx\r\n").into_bytes()
                })
            });
        });
        g.finish();
    }
}

fn criterion_config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .configure_from_args()
}

fn main() {
    let Ok(url) = std::env::var(URL_VAR) else {
        eprintln!(
            "memcached_cache bench skipped: set {URL_VAR} (e.g. memcache://127.0.0.1:11290) to a throwaway memcached server"
        );
        return;
    };
    let config = MemcachedConfig::new(&url).expect("memcached URL");
    let server = config.servers().first().expect("one server").clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut c = criterion_config();
    ours(&mut c, &rt, "ours", config.clone(), &CONCURRENCY);
    ours(&mut c, &rt, "ours_idle64", config.max_idle(64), &[50]);
    raw_meta(&mut c, &rt, &server);
    raw_tcp(&mut c, &rt, &server);
    c.final_summary();
}
