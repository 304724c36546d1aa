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

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use redis::aio::MultiplexedConnection;
use tokio::runtime::Runtime;
use weixin_cache_redis::{RedisCache, RedisLock};
use weixin_core::cache::{Cache, DistributedLock};
use weixin_testkit::bench::{
    ADD_TTL, BenchCase, GET_KEY, LOCK_TTL, VALUE, cache_cases, cad_key, owner_token,
};

const URL_VAR: &str = "WEIXIN_TEST_REDIS_URL";
/// The concurrency levels measured: one task (latency), and many tasks (throughput).
const CONCURRENCY: [u64; 2] = [1, 50];
const CAD_SCRIPT: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// One criterion group per concurrency level, named `{name}/c{tasks}`, measuring `cases`.
fn bench_group(c: &mut Criterion, rt: &Runtime, name: &str, cases: &[BenchCase]) {
    for tasks in CONCURRENCY {
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

/// Our cache and lock.
fn ours(c: &mut Criterion, rt: &Runtime, url: &str) {
    let cache = rt
        .block_on(RedisCache::from_url(url))
        .expect("connect to Redis");
    let lock: Arc<dyn DistributedLock> = Arc::new(RedisLock::new(&cache));
    let cache: Arc<dyn Cache> = Arc::new(cache);
    let cases = rt.block_on(cache_cases(cache, lock));
    bench_group(c, rt, "redis/ours", &cases);
}

/// `SET key value [NX PX ttl]` on a raw connection; whether it stored.
async fn raw_set(
    mut conn: MultiplexedConnection,
    key: &str,
    value: &[u8],
    nx_ttl: Option<Duration>,
) -> bool {
    let mut cmd = redis::cmd("SET");
    cmd.arg(key).arg(value);
    if let Some(ttl) = nx_ttl {
        let ms = u64::try_from(ttl.as_millis()).expect("ttl");
        cmd.arg("NX").arg("PX").arg(ms);
    }
    let stored: Option<String> = cmd.query_async(&mut conn).await.expect("SET");
    stored.is_some()
}

/// The same commands on a raw `redis` multiplexed connection (no timeout, no error mapping).
fn raw(c: &mut Criterion, rt: &Runtime, url: &str) {
    let client = redis::Client::open(url).expect("Redis URL");
    let conn: MultiplexedConnection = rt
        .block_on(client.get_multiplexed_async_connection())
        .expect("connect to Redis");
    let script = Arc::new(redis::Script::new(CAD_SCRIPT));
    assert!(rt.block_on(raw_set(conn.clone(), GET_KEY, VALUE, None)));

    let get = {
        let conn = conn.clone();
        BenchCase::new("get", move |_| {
            let mut conn = conn.clone();
            async move {
                let hit: Option<Vec<u8>> = redis::cmd("GET")
                    .arg(GET_KEY)
                    .query_async(&mut conn)
                    .await
                    .expect("GET");
                assert!(hit.is_some());
            }
        })
    };
    let set = {
        let conn = conn.clone();
        BenchCase::new("set", move |it| {
            let conn = conn.clone();
            async move {
                let key = format!("bench:set:{}", it.task);
                assert!(raw_set(conn, &key, VALUE, None).await);
            }
        })
    };
    let add = {
        let conn = conn.clone();
        BenchCase::new("add", move |it| {
            let conn = conn.clone();
            async move {
                let key = format!("bench:add:raw:{}:{}:{}", it.run, it.task, it.index);
                assert!(raw_set(conn, &key, VALUE, Some(ADD_TTL)).await);
            }
        })
    };
    let compare_and_delete = {
        let (setup, conn, script) = (conn.clone(), conn.clone(), script.clone());
        BenchCase::with_setup(
            "compare_and_delete",
            move |it| {
                let conn = setup.clone();
                async move { assert!(raw_set(conn, &cad_key(it), VALUE, None).await) }
            },
            move |it| {
                let (mut conn, script) = (conn.clone(), script.clone());
                async move {
                    let deleted: i64 = script
                        .key(cad_key(it))
                        .arg(VALUE)
                        .invoke_async(&mut conn)
                        .await
                        .expect("EVALSHA");
                    assert_eq!(deleted, 1);
                }
            },
        )
    };
    let lock = BenchCase::new("lock_acquire_release", move |it| {
        let (mut conn, script) = (conn.clone(), script.clone());
        async move {
            let key = format!("bench:lock:{}", it.task);
            let token = owner_token();
            let stored = raw_set(conn.clone(), &key, token.as_bytes(), Some(LOCK_TTL)).await;
            assert!(stored, "the lock is free");
            let released: i64 = script
                .key(&key)
                .arg(&token)
                .invoke_async(&mut conn)
                .await
                .expect("EVALSHA");
            assert_eq!(released, 1);
        }
    });
    let cases = [get, set, add, compare_and_delete, lock];
    bench_group(c, rt, "redis/raw", &cases);
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut c = config();
    ours(&mut c, &rt, &url);
    raw(&mut c, &rt, &url);
    c.final_summary();
    // Only under `cargo bench` (which passes `--bench`), not in `cargo test --benches`.
    if std::env::args().any(|a| a == "--bench") {
        redis_benchmark(&url);
    }
}
