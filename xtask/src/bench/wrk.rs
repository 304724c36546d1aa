//! Running wrk with `bench/wrk/pushes.lua` and reading its report.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::bench::settings::Settings;
use crate::process;

/// What one wrk run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WrkResult {
    /// Requests per second.
    pub(crate) requests_per_sec: f64,
    /// 99th percentile latency, in milliseconds.
    pub(crate) p99_ms: f64,
    /// Requests completed.
    pub(crate) requests: u64,
    /// Responses that were not 2xx or 3xx.
    pub(crate) non_2xx: u64,
}

/// The wrk command: `wrk -tT -cC -dDs --latency -s pushes.lua URL -- POOL T`.
pub(crate) fn command(
    wrk: &Path,
    settings: &Settings,
    script: &Path,
    url: &str,
    pool: &Path,
) -> Command {
    let mut command = Command::new(wrk);
    command
        .arg(format!("-t{}", settings.wrk_threads))
        .arg(format!("-c{}", settings.wrk_connections))
        .arg(format!("-d{}s", settings.wrk_max_seconds))
        .arg("--latency")
        .arg("-s")
        .arg(script)
        .arg(url)
        .arg("--")
        .arg(pool)
        .arg(settings.wrk_threads.to_string());
    command
}

/// Runs wrk and parses its report.
pub(crate) fn run(mut command: Command) -> Result<WrkResult, String> {
    let shown = process::display(&command);
    println!("xtask: {shown}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "`{shown}` failed ({}): {}{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    print!("{stdout}");
    parse(&stdout)
}

/// Reads the `99%` latency from wrk's report and the pool script's own line
/// (`POOL requests=N seconds=S rps=R non200=B`): wrk's `Requests/sec` divides by the whole run
/// including the time after the pool was used up, the script's `rps` only by the time the
/// pushes took.
pub(crate) fn parse(report: &str) -> Result<WrkResult, String> {
    let mut p99_ms = None;
    let mut pool = None;
    for line in report.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["99%", value] => p99_ms = duration_ms(value),
            ["POOL", fields @ ..] => pool = Some(fields.to_vec()),
            _ => {}
        }
    }
    let field = |name: &str| {
        pool.as_ref()?
            .iter()
            .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse::<f64>().ok())
    };
    match (p99_ms, field("rps"), field("requests"), field("non200")) {
        (Some(p99_ms), Some(requests_per_sec), Some(requests), Some(non_2xx))
            if requests_per_sec > 0.0 =>
        {
            Ok(WrkResult {
                requests_per_sec,
                p99_ms,
                requests: requests as u64,
                non_2xx: non_2xx as u64,
            })
        }
        _ => Err(format!(
            "cannot read the 99% latency and the `POOL requests=.. rps=.. non200=..` line from wrk's report:\n{report}"
        )),
    }
}

/// wrk's durations (`812.00us`, `1.21ms`, `2.00s`, `1.50m`) in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    Some(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
Running 1m test @ http://127.0.0.1:40000
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  512.00us  15.00ms   90.00%
    Req/Sec    23.10k     1.20k   25.00k    80.00%
  Latency Distribution
     50%    2.00ms
     75%    2.20ms
     90%    2.50ms
     99%  812.00us
  20050 requests in 0.90s, 10.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:  22277.77
Transfer/sec:     11.49MB
POOL requests=20000 seconds=0.870 rps=22988.5 non200=3
";

    #[test]
    fn reads_the_report() {
        let result = parse(REPORT).unwrap();
        assert!((result.requests_per_sec - 22_988.5).abs() < 1e-9);
        assert!((result.p99_ms - 0.812).abs() < 1e-9);
        assert_eq!(result.requests, 20_000);
        assert_eq!(result.non_2xx, 3);
        assert!(parse("nothing here").is_err());
        let without_pool_line = REPORT.replace("POOL", "LOOP");
        assert!(parse(&without_pool_line).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ms("1.50ms"), Some(1.5));
        assert_eq!(duration_ms("2.00s"), Some(2_000.0));
        assert_eq!(duration_ms("1.00m"), Some(60_000.0));
        assert_eq!(duration_ms("fast"), None);
    }

    #[test]
    fn command_line_follows_the_settings() {
        let settings = Settings::new(true);
        let command = command(
            Path::new("/usr/bin/wrk"),
            &settings,
            Path::new("bench/wrk/pushes.lua"),
            "http://127.0.0.1:1",
            Path::new("/tmp/pool.txt"),
        );
        assert_eq!(
            process::display(&command),
            "wrk -t1 -c50 -d60s --latency -s bench/wrk/pushes.lua http://127.0.0.1:1 -- /tmp/pool.txt 1"
        );
    }
}
