//! A description of the machine for `docs/benchmarks.md`.

use std::path::Path;

use crate::bench::peers;
use crate::process;

/// What the page says about the machine and the tools.
#[derive(Debug, Clone, Default)]
pub(crate) struct Machine {
    /// CPU model and logical cores.
    pub(crate) cpu: String,
    /// Total memory.
    pub(crate) memory: String,
    /// OS and kernel.
    pub(crate) os: String,
    /// Load average when the run started (other work on the machine).
    pub(crate) load: String,
    /// Tool versions (rustc, python, node, wrk, redis).
    pub(crate) tools: Vec<(String, String)>,
}

/// Reads `/proc` and asks the tools for their versions.
pub(crate) fn describe() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(
            || "unknown".to_owned(),
            |kb| format!("{:.1} GiB", kb as f64 / 1_048_576.0),
        );
    let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let pretty = os_release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_owned())
        .unwrap_or_else(|| "Linux".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let mut tools = vec![(
        "rustc".to_owned(),
        peers::version(Path::new("rustc"), &["--version"]),
    )];
    for (name, args) in [
        ("python3", &["--version"][..]),
        ("node", &["--version"][..]),
        ("wrk", &["--version"][..]),
        ("redis-server", &["--version"][..]),
    ] {
        if let Some(path) = process::find_binary(name) {
            tools.push((name.to_owned(), peers::version(&path, args)));
        }
    }
    Machine {
        cpu: format!("{model}, {cores} logical cores"),
        memory,
        os: format!("{pretty}, kernel {}", kernel.trim()),
        load,
        tools,
    }
}
