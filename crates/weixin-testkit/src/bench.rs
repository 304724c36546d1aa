//! The benchmark cases every cache backend measures, without a benchmark framework.
//!
//! A [`BenchCase`] is a named operation that [`BenchCase::measure`] runs a given number of
//! times, split over concurrent tasks, returning the elapsed time: what criterion's
//! `iter_custom` wants. [`cache_cases`] are the operations measured for every backend (get hit,
//! set, add of a fresh key, compare-and-delete, lock acquire + release); a bench adds its raw
//! client's cases with [`BenchCase::new`] and [`BenchCase::with_setup`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use weixin_core::cache::{Cache, CacheLock, DistributedLock, MemoryCache};
//! use weixin_testkit::bench::cache_cases;
//!
//! # async fn demo() {
//! let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
//! let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
//! for case in cache_cases(cache, lock).await {
//!     // In a criterion bench: `g.bench_function(case.name(), |b| b.to_async(&rt)
//!     //     .iter_custom(|iters| case.measure(tasks, iters)))`.
//!     let elapsed = case.measure(50, 10_000).await;
//!     println!("{}: {:.0} ops/s", case.name(), 10_000.0 / elapsed.as_secs_f64());
//! }
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use weixin_core::cache::{Cache, DistributedLock};

/// The value written by the cases (redis-benchmark's default payload size, 3 bytes).
pub const VALUE: &[u8] = b"xxx";
/// The key [`cache_cases`] stores [`VALUE`] under for the `get` case.
pub const GET_KEY: &str = "bench:get";
/// TTL of `add`ed keys: short, so fresh keys do not pile up during a run.
pub const ADD_TTL: Duration = Duration::from_secs(5);
/// TTL of the locks taken by the `lock_acquire_release` case.
pub const LOCK_TTL: Duration = Duration::from_secs(10);

/// Which call of an operation this is, for keys that must differ between calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iteration {
    /// Numbers the [`BenchCase::measure`] calls, unique within the process (0 for
    /// [`run_concurrent`]).
    pub run: u64,
    /// The concurrent task making the call, from 0.
    pub task: u64,
    /// The call's number within its task, from 0.
    pub index: u64,
}

type Measure =
    dyn Fn(u64, u64, u64) -> Pin<Box<dyn Future<Output = Duration> + Send>> + Send + Sync;

/// A named operation to measure.
pub struct BenchCase {
    name: String,
    measure: Box<Measure>,
}

/// The next [`Iteration::run`] (0 is [`run_concurrent`]'s).
static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

impl std::fmt::Debug for BenchCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BenchCase")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl BenchCase {
    /// A case that times `op`.
    pub fn new<F, Fut>(name: impl Into<String>, op: F) -> Self
    where
        F: Fn(Iteration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let op = Arc::new(op);
        Self::from_measure(name, move |tasks, iters, run| {
            Box::pin(run_shared(tasks, iters, run, op.clone()))
        })
    }

    /// A case that first runs `setup` for every call, untimed (e.g. storing the keys the timed
    /// `op` deletes), then times `op`; both get the same [`Iteration`]s.
    pub fn with_setup<S, SFut, F, Fut>(name: impl Into<String>, setup: S, op: F) -> Self
    where
        S: Fn(Iteration) -> SFut + Send + Sync + 'static,
        SFut: Future<Output = ()> + Send + 'static,
        F: Fn(Iteration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (setup, op) = (Arc::new(setup), Arc::new(op));
        Self::from_measure(name, move |tasks, iters, run| {
            let (setup, op) = (setup.clone(), op.clone());
            Box::pin(async move {
                run_shared(tasks, iters, run, setup).await;
                run_shared(tasks, iters, run, op).await
            })
        })
    }

    fn from_measure<M>(name: impl Into<String>, measure: M) -> Self
    where
        M: Fn(u64, u64, u64) -> Pin<Box<dyn Future<Output = Duration> + Send>>
            + Send
            + Sync
            + 'static,
    {
        Self {
            name: name.into(),
            measure: Box::new(measure),
        }
    }

    /// The case's name, e.g. `"get"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs the operation `iters` times split over `tasks` concurrent tasks (call it inside a
    /// multi-threaded runtime); the time the timed part took.
    ///
    /// # Panics
    ///
    /// The future panics when the operation does (e.g. a cache error).
    pub fn measure(
        &self,
        tasks: u64,
        iters: u64,
    ) -> Pin<Box<dyn Future<Output = Duration> + Send>> {
        let run = NEXT_RUN.fetch_add(1, Ordering::Relaxed);
        (self.measure)(tasks, iters, run)
    }
}

/// Runs `iters` calls of `op` split over `tasks` concurrent tasks (at least one); the elapsed
/// time. [`Iteration::run`] is 0.
///
/// # Panics
///
/// When a call panics (the panic is re-raised).
pub async fn run_concurrent<F, Fut>(tasks: u64, iters: u64, op: F) -> Duration
where
    F: Fn(Iteration) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_shared(tasks, iters, 0, Arc::new(op)).await
}

async fn run_shared<F, Fut>(tasks: u64, iters: u64, run: u64, op: Arc<F>) -> Duration
where
    F: Fn(Iteration) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let tasks = tasks.max(1);
    let start = Instant::now();
    let mut set = JoinSet::new();
    for task in 0..tasks {
        let n = iters / tasks + u64::from(task < iters % tasks);
        let op = op.clone();
        set.spawn(async move {
            for index in 0..n {
                op(Iteration { run, task, index }).await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        if let Err(e) = done {
            match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => panic!("a benchmark task did not finish: {e}"),
            }
        }
    }
    start.elapsed()
}

/// The cases measured for every backend, through the [`Cache`] and [`DistributedLock`] traits:
/// `get` (a hit on [`GET_KEY`], stored first), `set`, `add` (a fresh key each call),
/// `compare_and_delete` (of keys stored untimed) and `lock_acquire_release` (one operation).
///
/// # Panics
///
/// When [`GET_KEY`] cannot be stored; the cases' futures panic on any cache error.
pub async fn cache_cases(cache: Arc<dyn Cache>, lock: Arc<dyn DistributedLock>) -> Vec<BenchCase> {
    if let Err(e) = cache.set(GET_KEY, VALUE, None).await {
        panic!("set {GET_KEY}: {e}");
    }
    let get = {
        let cache = cache.clone();
        BenchCase::new("get", move |_| {
            let cache = cache.clone();
            async move {
                let hit = cache.get(GET_KEY).await;
                assert!(hit.unwrap_or_else(|e| panic!("get: {e}")).is_some());
            }
        })
    };
    let set = {
        let cache = cache.clone();
        BenchCase::new("set", move |it| {
            let cache = cache.clone();
            async move {
                let key = format!("bench:set:{}", it.task);
                if let Err(e) = cache.set(&key, VALUE, None).await {
                    panic!("set: {e}");
                }
            }
        })
    };
    let add = {
        let cache = cache.clone();
        BenchCase::new("add", move |it| {
            let cache = cache.clone();
            async move {
                let key = format!("bench:add:{}:{}:{}", it.run, it.task, it.index);
                let added = cache.add(&key, VALUE, ADD_TTL).await;
                assert!(added.unwrap_or_else(|e| panic!("add: {e}")));
            }
        })
    };
    let compare_and_delete = {
        let (setup, cache) = (cache.clone(), cache);
        BenchCase::with_setup(
            "compare_and_delete",
            move |it| {
                let cache = setup.clone();
                async move {
                    if let Err(e) = cache.set(&cad_key(it), VALUE, None).await {
                        panic!("set: {e}");
                    }
                }
            },
            move |it| {
                let cache = cache.clone();
                async move {
                    let deleted = cache.compare_and_delete(&cad_key(it), VALUE).await;
                    assert!(deleted.unwrap_or_else(|e| panic!("compare_and_delete: {e}")));
                }
            },
        )
    };
    let lock = BenchCase::new("lock_acquire_release", move |it| {
        let lock = lock.clone();
        async move {
            let key = format!("bench:lock:{}", it.task);
            let guard = lock.acquire(&key, LOCK_TTL, Duration::ZERO).await;
            let guard = guard
                .unwrap_or_else(|e| panic!("acquire: {e}"))
                .unwrap_or_else(|| panic!("the lock is free"));
            assert!(
                guard
                    .release()
                    .await
                    .unwrap_or_else(|e| panic!("release: {e}"))
            );
        }
    });
    vec![get, set, add, compare_and_delete, lock]
}

/// The key of one `compare_and_delete` call: unique within a run, set up untimed.
pub fn cad_key(it: Iteration) -> String {
    format!("bench:cad:{}:{}:{}", it.run, it.task, it.index)
}

/// A unique owner token as long as the locks' own (32 hex digits; a counter, not random), for
/// a raw client's lock case.
pub fn owner_token() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{:032x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use weixin_core::cache::{CacheLock, MemoryCache};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_cache_case_runs_against_the_memory_cache() {
        let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
        let lock: Arc<dyn DistributedLock> = Arc::new(CacheLock::new(cache.clone()));
        let cases = cache_cases(cache.clone(), lock).await;
        let names: Vec<_> = cases.iter().map(BenchCase::name).collect();
        assert_eq!(
            names,
            [
                "get",
                "set",
                "add",
                "compare_and_delete",
                "lock_acquire_release"
            ]
        );
        for case in &cases {
            // Twice: `add` and `compare_and_delete` need fresh keys in every run.
            case.measure(3, 10).await;
            case.measure(3, 10).await;
        }
        assert!(matches!(cache.get("bench:set:2").await, Ok(Some(_))));
        assert!(matches!(cache.get("bench:set:3").await, Ok(None)));
    }

    #[tokio::test]
    async fn run_concurrent_splits_the_calls_over_the_tasks() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        run_concurrent(3, 8, move |it| {
            let record = record.clone();
            async move { record.lock().unwrap_or_else(|e| e.into_inner()).push(it) }
        })
        .await;
        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        seen.sort_by_key(|it| (it.task, it.index));
        let per_task: Vec<_> = (0..3)
            .map(|t| seen.iter().filter(|it| it.task == t).count())
            .collect();
        assert_eq!(per_task, [3, 3, 2]);
        assert!(seen.iter().all(|it| it.run == 0));
    }
}
