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

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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

const URL_VAR: &str = "WEIXIN_TEST_MEMCACHED_URL";
/// The concurrency levels measured: one task (latency), and many tasks (throughput).
const CONCURRENCY: [u64; 2] = [1, 50];
const VALUE: &[u8] = b"xxx";
/// TTL of `add`ed keys: short, so fresh keys do not pile up during a run.
const ADD_TTL: Duration = Duration::from_secs(5);
const LOCK_TTL: Duration = Duration::from_secs(10);
/// What ours sends for those TTLs (whole seconds plus one second of clock slack).
const ADD_TTL_RAW: u32 = 6;
const LOCK_TTL_RAW: u32 = 11;

/// Runs `iters` calls of `op(task, i)` split over `tasks` concurrent tasks; the elapsed time.
async fn run<F, Fut>(tasks: u64, iters: u64, op: F) -> Duration
where
    F: Fn(u64, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let mut set = JoinSet::new();
    for t in 0..tasks {
        let n = iters / tasks + u64::from(t < iters % tasks);
        let op = op.clone();
        set.spawn(async move {
            for i in 0..n {
                op(t, i).await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        done.expect("benchmark task panicked");
    }
    start.elapsed()
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A unique owner token as long as the lock's own (32 hex digits; a counter, not random).
fn token() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{:032x}", NEXT.fetch_add(1, Ordering::Relaxed))
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
    let lock = Arc::new(MemcachedLock::new(&cache));
    let cache: Arc<dyn Cache> = Arc::new(cache);
    let generation = Arc::new(AtomicU64::new(0));
    rt.block_on(cache.set("bench:get", VALUE, None))
        .expect("set");

    for &tasks in concurrency {
        let mut g = c.benchmark_group(format!("memcached/{name}/c{tasks}"));
        g.throughput(Throughput::Elements(1));

        g.bench_function("get", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let cache = cache.clone();
                run(tasks, iters, move |_, _| {
                    let cache = cache.clone();
                    async move {
                        let hit = cache.get("bench:get").await.expect("get");
                        assert!(hit.is_some());
                    }
                })
            });
        });

        g.bench_function("set", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let cache = cache.clone();
                run(tasks, iters, move |t, _| {
                    let cache = cache.clone();
                    async move {
                        let key = format!("bench:set:{t}");
                        cache.set(&key, VALUE, None).await.expect("set");
                    }
                })
            });
        });

        g.bench_function("add", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let cache = cache.clone();
                let run_id = generation.fetch_add(1, Ordering::Relaxed);
                run(tasks, iters, move |t, i| {
                    let cache = cache.clone();
                    async move {
                        let key = format!("bench:add:{name}:{run_id}:{t}:{i}");
                        assert!(cache.add(&key, VALUE, ADD_TTL).await.expect("add"));
                    }
                })
            });
        });

        g.bench_function("compare_and_delete", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let cache = cache.clone();
                async move {
                    // Untimed: store every key that will be deleted.
                    let setup = cache.clone();
                    run(tasks, iters, move |t, i| {
                        let cache = setup.clone();
                        async move {
                            let key = format!("bench:cad:{t}:{i}");
                            cache.set(&key, VALUE, None).await.expect("set");
                        }
                    })
                    .await;
                    run(tasks, iters, move |t, i| {
                        let cache = cache.clone();
                        async move {
                            let key = format!("bench:cad:{t}:{i}");
                            let deleted = cache.compare_and_delete(&key, VALUE).await;
                            assert!(deleted.expect("compare_and_delete"));
                        }
                    })
                    .await
                }
            });
        });

        g.bench_function("lock_acquire_release", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let lock = lock.clone();
                run(tasks, iters, move |t, _| {
                    let lock = lock.clone();
                    async move {
                        let key = format!("bench:lock:{t}");
                        let guard = lock.acquire(&key, LOCK_TTL, Duration::ZERO).await;
                        let guard = guard.expect("acquire").expect("the lock is free");
                        assert!(guard.release().await.expect("release"));
                    }
                })
            });
        });
        g.finish();
    }
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
    let generation = Arc::new(AtomicU64::new(0));
    rt.block_on(meta.set("bench:get", VALUE).ttl(Ttl::NEVER).send())
        .expect("ms");

    for tasks in CONCURRENCY {
        let mut g = c.benchmark_group(format!("memcached/raw_meta/c{tasks}"));
        g.throughput(Throughput::Elements(1));

        g.bench_function("get", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let meta = meta.clone();
                run(tasks, iters, move |_, _| {
                    let meta = meta.clone();
                    async move {
                        let hit = meta.get("bench:get").send().await.expect("mg");
                        assert_eq!(hit.status, GetStatus::Hit);
                    }
                })
            });
        });

        g.bench_function("set", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let meta = meta.clone();
                run(tasks, iters, move |t, _| {
                    let meta = meta.clone();
                    async move {
                        let key = format!("bench:set:{t}");
                        let set = meta.set(&key, VALUE).ttl(Ttl::NEVER).send().await;
                        assert_eq!(set.expect("ms").status, MutationStatus::Applied);
                    }
                })
            });
        });

        g.bench_function("add", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let meta = meta.clone();
                let run_id = generation.fetch_add(1, Ordering::Relaxed);
                run(tasks, iters, move |t, i| {
                    let meta = meta.clone();
                    async move {
                        let key = format!("bench:add:raw:{run_id}:{t}:{i}");
                        let ttl = Ttl::secs(ADD_TTL_RAW);
                        let added = meta.set(&key, VALUE).ttl(ttl).add().send().await;
                        assert_eq!(added.expect("ms ME").status, MutationStatus::Applied);
                    }
                })
            });
        });

        g.bench_function("compare_and_delete", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let meta = meta.clone();
                async move {
                    let setup = meta.clone();
                    run(tasks, iters, move |t, i| {
                        let meta = setup.clone();
                        async move {
                            let key = format!("bench:cad:{t}:{i}");
                            meta.set(&key, VALUE)
                                .ttl(Ttl::NEVER)
                                .send()
                                .await
                                .expect("ms");
                        }
                    })
                    .await;
                    run(tasks, iters, move |t, i| {
                        let meta = meta.clone();
                        async move {
                            let key = format!("bench:cad:{t}:{i}");
                            assert!(raw_compare_and_delete(&meta, &key, VALUE).await);
                        }
                    })
                    .await
                }
            });
        });

        g.bench_function("lock_acquire_release", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let meta = meta.clone();
                run(tasks, iters, move |t, _| {
                    let meta = meta.clone();
                    async move {
                        let key = format!("bench:lock:{t}");
                        let token = token();
                        let ttl = Ttl::secs(LOCK_TTL_RAW);
                        let added = meta.set(&key, &token).ttl(ttl).add().send().await;
                        assert_eq!(added.expect("ms ME").status, MutationStatus::Applied);
                        assert!(raw_compare_and_delete(&meta, &key, token.as_bytes()).await);
                    }
                })
            });
        });
        g.finish();
    }
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
    let rt = runtime();
    let mut c = criterion_config();
    ours(&mut c, &rt, "ours", config.clone(), &CONCURRENCY);
    ours(&mut c, &rt, "ours_idle64", config.max_idle(64), &[50]);
    raw_meta(&mut c, &rt, &server);
    raw_tcp(&mut c, &rt, &server);
    c.final_summary();
}
