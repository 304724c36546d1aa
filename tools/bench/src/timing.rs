//! Timing loops: rounds of a fixed number of iterations, reported as iterations per second.
//!
//! The best round is the headline number (other processes on the machine only ever slow a
//! round down); the median is reported beside it.

use std::time::{Duration, Instant};

/// Iterations per second over several rounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// The fastest round, per second.
    pub best: f64,
    /// The median round, per second.
    pub median: f64,
    /// Iterations per round.
    pub iterations: u64,
    /// Rounds measured.
    pub rounds: usize,
}

impl Rate {
    /// The rate of `iterations` per round, from each round's elapsed time.
    pub fn from_rounds(iterations: u64, mut elapsed: Vec<Duration>) -> Self {
        elapsed.sort();
        let per_sec = |d: Duration| iterations as f64 / d.as_secs_f64().max(1e-9);
        let best = elapsed.first().copied().map_or(0.0, per_sec);
        let median = elapsed.get(elapsed.len() / 2).copied().map_or(0.0, per_sec);
        Self {
            best,
            median,
            iterations,
            rounds: elapsed.len(),
        }
    }

    /// Microseconds per iteration in the best round.
    pub fn micros_each(&self) -> f64 {
        if self.best > 0.0 {
            1e6 / self.best
        } else {
            0.0
        }
    }
}

/// Runs `rounds` rounds of `iterations` calls of `step` (with the iteration number); the first
/// error stops everything.
pub fn measure<F>(rounds: usize, iterations: u64, mut step: F) -> Result<Rate, String>
where
    F: FnMut(u64) -> Result<(), String>,
{
    let mut elapsed = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        for i in 0..iterations {
            step(i)?;
        }
        elapsed.push(start.elapsed());
    }
    Ok(Rate::from_rounds(iterations, elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_is_the_fastest_round_and_median_the_middle_one() {
        let rate = Rate::from_rounds(
            1_000,
            vec![
                Duration::from_millis(20),
                Duration::from_millis(10),
                Duration::from_millis(40),
            ],
        );
        assert!((rate.best - 100_000.0).abs() < 1e-6);
        assert!((rate.median - 50_000.0).abs() < 1e-6);
        assert!((rate.micros_each() - 10.0).abs() < 1e-9);
        assert_eq!(rate.rounds, 3);
    }

    #[test]
    fn measure_runs_every_iteration_and_stops_on_error() {
        let mut seen = 0;
        let rate = measure(2, 5, |_| {
            seen += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, 10);
        assert_eq!(rate.iterations, 5);
        let err = measure(1, 5, |i| if i == 3 { Err("boom".into()) } else { Ok(()) });
        assert_eq!(err.unwrap_err(), "boom");
    }
}
