//! `weixin-bench-allocs`: heap allocations per push through the whole pipeline.
//!
//! A binary of its own because counting needs a counting global allocator (dhat's), which
//! would slow every other measurement down. Prints `BENCH pipeline_allocs ...` lines:
//! allocations and bytes allocated per push, with dedup and context on, for distinct users
//! and for one user with 20 + 20 records.
//!
//! Usage: `weixin-bench-allocs [--iterations N]`

use std::process::ExitCode;
use std::sync::Arc;

use weixin_bench::args::Args;
use weixin_bench::pipeline_loop::{self, HISTORY, Parts, Users};
use weixin_bench::report::Line;
use weixin_core::cache::MemoryCache;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() -> ExitCode {
    let words: Vec<String> = std::env::args().skip(1).collect();
    match Args::parse(&words).and_then(|args| run(args.num("iterations", 2_000)?)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("weixin-bench-allocs: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(iterations: u64) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start a tokio runtime: {err}"))?;
    let _profiler = dhat::Profiler::builder().testing().build();
    for users in [Users::Distinct, Users::OneWithHistory] {
        let warm_up = match users {
            Users::Distinct => Vec::new(),
            Users::OneWithHistory => pipeline_loop::requests(iterations, HISTORY, users)?,
        };
        let requests = pipeline_loop::requests(0, iterations, users)?;
        let (blocks, bytes) = runtime.block_on(async {
            let pipeline = pipeline_loop::pipeline_with(Arc::new(MemoryCache::new()), Parts::ALL)?;
            for request in warm_up {
                pipeline_loop::check(&pipeline.handle(request).await)?;
            }
            let before = dhat::HeapStats::get();
            for request in requests {
                let response = pipeline.handle(request).await;
                pipeline_loop::check(&response)?;
            }
            let after = dhat::HeapStats::get();
            Ok::<_, String>((
                after.total_blocks - before.total_blocks,
                after.total_bytes - before.total_bytes,
            ))
        })?;
        let name = match users {
            Users::Distinct => "pipeline_allocs",
            Users::OneWithHistory => "pipeline_allocs_one_user",
        };
        // The requests were built before counting; what is counted is the pipeline's own
        // work (the request's move into the pipeline allocates nothing).
        Line::new(name)
            .field(
                "allocs_per_push",
                format!("{:.1}", blocks as f64 / iterations as f64),
            )
            .field(
                "bytes_per_push",
                format!("{:.0}", bytes as f64 / iterations as f64),
            )
            .field("iterations", iterations)
            .print();
    }
    Ok(())
}
