//! `MemoryCache` baseline: the same operations the Redis and Memcached benches measure
//! (`weixin_testkit::bench::cache_cases`: get hit, set, add of a fresh key,
//! compare-and-delete, lock acquire + release), from one task and from 50 concurrent tasks.
//! Throughput is reported in operations per second (one lock "operation" is a whole acquire +
//! release).
//!
//! ```text
//! cargo bench -p weixin-testkit --bench memory_cache
//! ```

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use tokio::runtime::Runtime;
use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
use weixin_testkit::bench::{BenchCase, cache_cases};

/// The concurrency levels measured: one task (latency), and many tasks (throughput).
const CONCURRENCY: [u64; 2] = [1, 50];

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

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10)
        .configure_from_args();
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
    let cases = rt.block_on(cache_cases(cache, lock));
    bench_group(&mut c, &rt, "memory", &cases);
    c.final_summary();
}
