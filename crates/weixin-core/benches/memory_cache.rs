//! `MemoryCache` baseline: the same operations the Redis and Memcached benches measure
//! (get hit, set, add of a fresh key, compare-and-delete, lock acquire + release), from one task
//! and from 50 concurrent tasks. Throughput is reported in operations per second (one lock
//! "operation" is a whole acquire + release).
//!
//! ```text
//! cargo bench -p weixin-core --bench memory_cache
//! ```

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use tokio::time::Instant;
use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};

/// The concurrency levels measured: one task (latency), and many tasks (throughput).
const CONCURRENCY: [u64; 2] = [1, 50];
const VALUE: &[u8] = b"xxx";
/// TTL of `add`ed keys: short, so fresh keys do not pile up during a run.
const ADD_TTL: Duration = Duration::from_secs(5);
const LOCK_TTL: Duration = Duration::from_secs(10);

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

fn memory(c: &mut Criterion) {
    let rt = runtime();
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let lock = Arc::new(CacheLock::new(cache.clone()));
    let generation = Arc::new(AtomicU64::new(0));
    rt.block_on(cache.set("bench:get", VALUE, None))
        .expect("set");

    for tasks in CONCURRENCY {
        let mut g = c.benchmark_group(format!("memory/c{tasks}"));
        g.throughput(Throughput::Elements(1));

        g.bench_function("get", |b| {
            b.to_async(&rt).iter_custom(|iters| {
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
            b.to_async(&rt).iter_custom(|iters| {
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
            b.to_async(&rt).iter_custom(|iters| {
                let cache = cache.clone();
                let run_id = generation.fetch_add(1, Ordering::Relaxed);
                run(tasks, iters, move |t, i| {
                    let cache = cache.clone();
                    async move {
                        let key = format!("bench:add:{run_id}:{t}:{i}");
                        assert!(cache.add(&key, VALUE, ADD_TTL).await.expect("add"));
                    }
                })
            });
        });

        g.bench_function("compare_and_delete", |b| {
            b.to_async(&rt).iter_custom(|iters| {
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
            b.to_async(&rt).iter_custom(|iters| {
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

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .configure_from_args()
}

fn main() {
    let mut c = config();
    memory(&mut c);
    c.final_summary();
}
