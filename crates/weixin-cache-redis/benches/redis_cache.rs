//! `RedisCache` and `RedisLock` against a raw `redis` client on the same server, in one run.
//!
//! Operations: get (hit), set, add of a fresh key (`SET NX PX`), compare-and-delete (Lua), and a
//! lock acquire + release (counted as one operation), each from one task and from 50 concurrent
//! tasks sharing one multiplexed connection (ours: one `ConnectionManager`, the default; raw: one
//! `MultiplexedConnection`). Throughput is reported in operations per second. When run with
//! `cargo bench` and `redis-benchmark` is on the `PATH`, it is run last against the same server
//! (`-t get,set`, 1 and 50 clients, no pipelining) for reference.
//!
//! Needs a throwaway server (keys under `bench:` are written):
//!
//! ```text
//! redis-server --port 6390 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes
//! WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6390 cargo bench -p weixin-cache-redis --bench redis_cache
//! ```

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput};
use redis::aio::MultiplexedConnection;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use tokio::time::Instant;
use weixin_cache_redis::{RedisCache, RedisLock};
use weixin_core::cache::{Cache, DistributedLock};

const URL_VAR: &str = "WEIXIN_TEST_REDIS_URL";
/// The concurrency levels measured: one task (latency), and many tasks (throughput).
const CONCURRENCY: [u64; 2] = [1, 50];
/// redis-benchmark's default payload size is 3 bytes.
const VALUE: &[u8] = b"xxx";
/// TTL of `add`ed keys: short, so fresh keys do not pile up during a run.
const ADD_TTL: Duration = Duration::from_secs(5);
const LOCK_TTL: Duration = Duration::from_secs(10);
const CAD_SCRIPT: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

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

/// Our cache and lock.
fn ours(c: &mut Criterion, rt: &Runtime, url: &str) {
    let cache = rt
        .block_on(RedisCache::from_url(url))
        .expect("connect to Redis");
    let lock = Arc::new(RedisLock::new(&cache));
    let cache: Arc<dyn Cache> = Arc::new(cache);
    let generation = Arc::new(AtomicU64::new(0));
    rt.block_on(cache.set("bench:get", VALUE, None))
        .expect("set");

    for tasks in CONCURRENCY {
        let mut g = c.benchmark_group(format!("redis/ours/c{tasks}"));
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
                        let key = format!("bench:add:ours:{run_id}:{t}:{i}");
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

/// The same commands on a raw `redis` multiplexed connection (no timeout, no error mapping).
fn raw(c: &mut Criterion, rt: &Runtime, url: &str) {
    let client = redis::Client::open(url).expect("Redis URL");
    let conn: MultiplexedConnection = rt
        .block_on(client.get_multiplexed_async_connection())
        .expect("connect to Redis");
    let script = Arc::new(redis::Script::new(CAD_SCRIPT));
    let generation = Arc::new(AtomicU64::new(0));
    let add_ttl_ms = u64::try_from(ADD_TTL.as_millis()).expect("ttl");
    let lock_ttl_ms = u64::try_from(LOCK_TTL.as_millis()).expect("ttl");
    rt.block_on(async {
        let mut conn = conn.clone();
        redis::cmd("SET")
            .arg("bench:get")
            .arg(VALUE)
            .query_async::<()>(&mut conn)
            .await
    })
    .expect("set");

    for tasks in CONCURRENCY {
        let mut g = c.benchmark_group(format!("redis/raw/c{tasks}"));
        g.throughput(Throughput::Elements(1));

        g.bench_function("get", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let conn = conn.clone();
                run(tasks, iters, move |_, _| {
                    let mut conn = conn.clone();
                    async move {
                        let hit: Option<Vec<u8>> = redis::cmd("GET")
                            .arg("bench:get")
                            .query_async(&mut conn)
                            .await
                            .expect("GET");
                        assert!(hit.is_some());
                    }
                })
            });
        });

        g.bench_function("set", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let conn = conn.clone();
                run(tasks, iters, move |t, _| {
                    let mut conn = conn.clone();
                    async move {
                        let key = format!("bench:set:{t}");
                        redis::cmd("SET")
                            .arg(&key)
                            .arg(VALUE)
                            .query_async::<()>(&mut conn)
                            .await
                            .expect("SET");
                    }
                })
            });
        });

        g.bench_function("add", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let conn = conn.clone();
                let run_id = generation.fetch_add(1, Ordering::Relaxed);
                run(tasks, iters, move |t, i| {
                    let mut conn = conn.clone();
                    async move {
                        let key = format!("bench:add:raw:{run_id}:{t}:{i}");
                        let stored: Option<String> = redis::cmd("SET")
                            .arg(&key)
                            .arg(VALUE)
                            .arg("NX")
                            .arg("PX")
                            .arg(add_ttl_ms)
                            .query_async(&mut conn)
                            .await
                            .expect("SET NX");
                        assert!(stored.is_some());
                    }
                })
            });
        });

        g.bench_function("compare_and_delete", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let conn = conn.clone();
                let script = script.clone();
                async move {
                    let setup = conn.clone();
                    run(tasks, iters, move |t, i| {
                        let mut conn = setup.clone();
                        async move {
                            let key = format!("bench:cad:{t}:{i}");
                            redis::cmd("SET")
                                .arg(&key)
                                .arg(VALUE)
                                .query_async::<()>(&mut conn)
                                .await
                                .expect("SET");
                        }
                    })
                    .await;
                    run(tasks, iters, move |t, i| {
                        let mut conn = conn.clone();
                        let script = script.clone();
                        async move {
                            let key = format!("bench:cad:{t}:{i}");
                            let deleted: i64 = script
                                .key(&key)
                                .arg(VALUE)
                                .invoke_async(&mut conn)
                                .await
                                .expect("EVALSHA");
                            assert_eq!(deleted, 1);
                        }
                    })
                    .await
                }
            });
        });

        g.bench_function("lock_acquire_release", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let conn = conn.clone();
                let script = script.clone();
                run(tasks, iters, move |t, _| {
                    let mut conn = conn.clone();
                    let script = script.clone();
                    async move {
                        let key = format!("bench:lock:{t}");
                        let token = token();
                        let stored: Option<String> = redis::cmd("SET")
                            .arg(&key)
                            .arg(&token)
                            .arg("NX")
                            .arg("PX")
                            .arg(lock_ttl_ms)
                            .query_async(&mut conn)
                            .await
                            .expect("SET NX");
                        assert!(stored.is_some(), "the lock is free");
                        let released: i64 = script
                            .key(&key)
                            .arg(&token)
                            .invoke_async(&mut conn)
                            .await
                            .expect("EVALSHA");
                        assert_eq!(released, 1);
                    }
                })
            });
        });
        g.finish();
    }
}

/// `host` and `port` of a `redis://[user:pass@]host[:port][/db]` URL, for redis-benchmark.
fn host_port(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("redis://")?;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let authority = rest.split('/').next()?;
    Some(match authority.rsplit_once(':') {
        Some((host, port)) => (host.to_owned(), port.to_owned()),
        None => (authority.to_owned(), "6379".to_owned()),
    })
}

/// The server's own tool on the same server, printed after the criterion results.
fn redis_benchmark(url: &str) {
    let Some((host, port)) = host_port(url) else {
        eprintln!("redis-benchmark skipped: cannot read host and port from {url}");
        return;
    };
    // 1 and 50 clients without pipelining, and 50 clients pipelining 16 requests each: an upper
    // bound, since the multiplexed client also pipelines concurrent requests on its connection.
    for (clients, pipeline, requests) in [
        ("1", "1", "20000"),
        ("50", "1", "100000"),
        ("50", "16", "500000"),
    ] {
        let args = [
            "-h", &host, "-p", &port, "-t", "get,set", "-n", requests, "-c", clients, "-P",
            pipeline, "-q",
        ];
        match std::process::Command::new("redis-benchmark")
            .args(args)
            .output()
        {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                for line in text.lines().filter_map(|l| l.rsplit('\r').next()) {
                    if !line.trim().is_empty() {
                        println!(
                            "redis-benchmark -c {clients} -P {pipeline}: {}",
                            line.trim()
                        );
                    }
                }
            }
            Ok(out) => eprintln!(
                "redis-benchmark failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => eprintln!("redis-benchmark not run: {e}"),
        }
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .configure_from_args()
}

fn main() {
    let Ok(url) = std::env::var(URL_VAR) else {
        eprintln!(
            "redis_cache bench skipped: set {URL_VAR} (e.g. redis://127.0.0.1:6390) to a throwaway Redis server"
        );
        return;
    };
    let rt = runtime();
    let mut c = config();
    ours(&mut c, &rt, &url);
    raw(&mut c, &rt, &url);
    c.final_summary();
    // Only under `cargo bench` (which passes `--bench`), not in `cargo test --benches`.
    if std::env::args().any(|a| a == "--bench") {
        redis_benchmark(&url);
    }
}
