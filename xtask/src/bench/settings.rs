//! How long each part of `cargo xtask bench` runs: full or `--quick`.

/// Loop sizes and load settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Rounds of every in-process loop (the best round is reported).
    pub(crate) rounds: u32,
    /// Iterations per round of the wechatpy-equivalent steps, in Rust and in wechatpy alike.
    pub(crate) steps_iterations: u64,
    /// Iterations per round of the Rust-only loops (crypto, parse, whole pipeline).
    pub(crate) loop_iterations: u64,
    /// Distinct pushes per HTTP run (each sent once).
    pub(crate) pool_pushes: u64,
    /// wrk threads.
    pub(crate) wrk_threads: u32,
    /// wrk connections.
    pub(crate) wrk_connections: u32,
    /// Upper bound of one wrk run, in seconds (the pool normally ends it first).
    pub(crate) wrk_max_seconds: u32,
    /// Users in the memory measurement.
    pub(crate) memory_users: u64,
}

impl Settings {
    /// The settings of a full run, or of a `--quick` one.
    pub(crate) fn new(quick: bool) -> Self {
        if quick {
            Self {
                rounds: 3,
                steps_iterations: 5_000,
                loop_iterations: 20_000,
                pool_pushes: 20_000,
                wrk_threads: 1,
                wrk_connections: 50,
                wrk_max_seconds: 60,
                memory_users: 100_000,
            }
        } else {
            Self {
                rounds: 5,
                steps_iterations: 20_000,
                loop_iterations: 100_000,
                pool_pushes: 100_000,
                wrk_threads: 1,
                wrk_connections: 50,
                wrk_max_seconds: 120,
                memory_users: 1_000_000,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_is_smaller_and_the_full_run_follows_the_issue() {
        let quick = Settings::new(true);
        let full = Settings::new(false);
        assert!(quick.steps_iterations < full.steps_iterations);
        assert!(quick.pool_pushes < full.pool_pushes);
        assert_eq!(full.memory_users, 1_000_000);
        assert_eq!(quick.wrk_threads, full.wrk_threads);
        assert_eq!(quick.wrk_connections, full.wrk_connections);
    }
}
