//! Writes `docs/benchmarks.md`: machine, date, command, results, and what each row means.

use crate::bench::machine::Machine;
use crate::bench::settings::Settings;
use crate::bench::table::{self, Row};

/// Everything the page shows about one run.
pub(crate) struct Run<'a> {
    /// `cargo xtask bench` or `cargo xtask bench --quick`.
    pub(crate) command: &'a str,
    /// When it started, `YYYY-MM-DD HH:MM UTC`.
    pub(crate) date: &'a str,
    /// How long the measurements took, in seconds.
    pub(crate) seconds: u64,
    /// How long the whole command took (with the release builds), in seconds.
    pub(crate) total_seconds: u64,
    /// The loop and load settings.
    pub(crate) settings: &'a Settings,
    /// The machine.
    pub(crate) machine: &'a Machine,
    /// The results.
    pub(crate) rows: &'a [Row],
}

/// The whole page.
pub(crate) fn render(run: &Run<'_>) -> String {
    let machine = run.machine;
    let settings = run.settings;
    let tools = machine
        .tools
        .iter()
        .map(|(name, version)| format!("{name}: `{version}`"))
        .collect::<Vec<_>>()
        .join("; ");
    format!(
        "# Benchmarks\n\
\n\
This page is written by `cargo xtask bench` (`--quick` for a short run); do not edit it by\n\
hand, run the command again. CI does not run the benchmarks (a test keeps their code\n\
compiling). Absolute numbers depend on the machine and on whatever else it is doing; the\n\
ratios compare things measured side by side in the same run, which is what the budgets\n\
(DESIGN §11) are about.\n\
\n\
## Last run\n\
\n\
- Command: `{command}` (measuring took {seconds} s; {total_seconds} s with the release builds)\n\
- Date: {date}\n\
- Machine: {cpu}; {memory} memory; {os}\n\
- Load average when the measurements started: {load} (on a 2-core machine, anything above\n  2 means other work competed for the cores: treat absolute numbers as lower bounds)\n\
- Tools: {tools}\n\
- Settings: in-process loops {rounds} rounds (best reported) of {steps} pushes (wechatpy-equivalent\n  steps, Rust and wechatpy alike) or {loops} iterations (Rust-only loops); HTTP: {pool} distinct\n  pushes per server, wrk `-t{threads} -c{conns}`; memory: {users} users\n\
\n\
## Results\n\
\n\
{table}\
\n\
## The budgets, and what bounds the ones not met\n\
\n\
DESIGN §11 sets five budgets. Profiles were taken with `perf record -g` on the release\n\
`weixin-bench` binary (SHA-NI and AES-NI in use; valgrind hides SHA-NI, so callgrind counts\n\
overstate SHA-1).\n\
\n\
- **Steps >= 30x wechatpy**: met (see the ratio above). Of about 4.8 us per push, `crypto alone`\n\
  (two `msg_signature` SHA-1s over the whole `Encrypt`, the short `signature`, AES-256-CBC\n\
  decrypt and encrypt, base64 both ways, the random prefix) is about two thirds; the rest is\n\
  the envelope scan, the message parse, the reply XML and allocation. Taking the envelope off\n\
  quick-xml, expanding the AES keys once per account and a one-pass CDATA check took it from\n\
  7.7 us to 4.8 us.\n\
- **Whole pipeline >= 200,000 pushes/s/core (5 us)**: not met, and not reachable by\n\
  trimming: the steps above already take about 4.8 us. With dedup and context off the\n\
  pipeline adds the query parse, the handler dispatch and the HTTP-shaped response (about\n\
  2x the steps, spread over many small costs, a quarter of it in `malloc`/`free`). Dedup adds\n\
  a claim and a compare-and-swap in the cache (about 2 us). The context dominates when users\n\
  talk a lot: here every user has 20 requests and 20 replies after the first 20 pushes, and\n\
  each push decodes and re-encodes all 40 typed records (JSON, LZ4): `ContextStore::decode`\n\
  is 28 % of the profile, `codec::encode` 17 %, `malloc` 17 %. What would lift it is keeping\n\
  records encoded and decoding them only when a handler reads them (an API change of\n\
  `MessageContext`); fewer records (`Pipeline::builder(..).max_records(n)`) or no context\n\
  (`.context(false)`) are the knobs today.\n\
- **HTTP >= 80 % of the empty axum handler**: not met. wrk, the server (two tokio workers)\n\
  and, for the sample app, the simulator share two cores, so every microsecond of CPU a push\n\
  costs comes out of the request rate. The SDK callback alone (pipeline + router, reply in the\n\
  HTTP answer) costs the whole-pipeline row's CPU per push on top of the empty handler's, and\n\
  more under load: perf on the server under wrk shows about 16 % in the kernel switching tasks\n\
  between the workers and 15 % in `malloc`/`free`, besides the context's JSON. The sample app\n\
  answers every text through the customer-service API, as a mini program must (DESIGN §9), so\n\
  each push also makes an HTTP call to the simulator, which runs on the same cores: that row\n\
  measures two HTTP exchanges per push and cannot approach the empty handler. Its memory and\n\
  Redis rows differ mostly by what else ran on the machine at the time (compare the load\n\
  average above).\n\
- **Exactly 1 token fetch** under contention and **<= 2 KiB per user**: met (rows above).\n\
\n\
## What each row measures\n\
\n\
All inputs use one fixed test account (`tools/bench/src/fixture.rs`: appid, token,\n\
EncodingAESKey) and real safe-mode pushes: a text message from one of 1,000 users, encrypted\n\
with WXBizMsgCrypt, with `signature` and `msg_signature` in the query. The handlers all\n\
answer a text with `you said: <the text>`.\n\
\n\
- **wechatpy-equivalent steps**: `check_signature`, `msg_signature` check and decrypt, parse,\n\
  build a text reply, encrypt it (Rust: `weixin-bench steps`, `tools/bench/src/steps.rs`;\n\
  wechatpy 1.8.18 with `cryptography`: `bench/wechatpy/bench.py`, installed from PyPI into\n\
  `target/bench-venv`). Both read the same push (the first of the pool file) and run the same\n\
  number of iterations and rounds in the same run, one after the other, single-threaded.\n\
- **crypto alone**: both signatures, decrypt, encrypt a fixed reply. **parse alone**:\n\
  `weixin_mp::Message::parse` of the decrypted XML.\n\
- **whole pipeline**: `weixin_mp::pipeline::Pipeline::handle` with the memory cache: verify,\n\
  decrypt, parse, dedup, context load and save, dispatch to a `MessageHandler`, encrypted\n\
  reply. Every push has its own `MsgId` (dedup never short-circuits); a single-threaded runtime,\n\
  so the rate is per core (`tools/bench/src/pipeline_loop.rs`). The row after it runs\n\
  the same pipeline with dedup and context turned off, to show what those two stages cost.\n\
- **HTTP**: wrk with `bench/wrk/pushes.lua` POSTs a pool of distinct pre-encrypted pushes\n\
  (written by `weixin-bench pool` just before each server's run), each exactly once; the run\n\
  ends when the pool is used up. Each server is started fresh on a free loopback port:\n\
  the empty axum handler (`weixin-bench empty-server`: reads the body, answers `success`), the\n\
  SDK callback alone (`weixin-bench callback-server`: the pipeline above mounted with\n\
  `weixin_mp::server::router`), the sample app (`examples/wxopen-sample`, safe mode, DESIGN §9),\n\
  and the Node `wechat` middleware 2.1.0 in safe mode on Node's http server\n\
  (`bench/node-wechat/server.js`, installed from npm into `target/bench-node`; it checks\n\
  `msg_signature` only and has no dedup or context, and Node runs on one core). wrk and the\n\
  server share the machine's cores. The ratio of a callback row is its requests/s over the empty\n\
  handler's; the Node row's ratio is the SDK callback over Node.\n\
- **token contention**: `weixin-bench token` starts the simulator (`weixin-sim`) with a 3 s\n\
  token lifetime, fetches the first token, then starts 4 worker processes, each with its own\n\
  `weixin_core::Weixin` over the same Redis (`weixin-cache-redis`); 0.5 s after the token\n\
  expired each fires 250 concurrent `access_token()` calls. Token fetches are counted by the\n\
  simulator's inspection API; the latency is that of every one of the 1,000 calls.\n\
- **memory**: `weixin-bench memory` stores users with 10 requests and 10 replies each (the\n\
  `weixin_mp` message model, as the pipeline stores them) in `weixin_context::ContextStore` over\n\
  `weixin_core::cache::MemoryCache`, and divides the growth of `VmRSS` by the number of users.\n\
\n\
## Running it\n\
\n\
```sh\n\
cargo xtask bench --quick   # about a minute or two of measuring after the release build\n\
cargo xtask bench           # the full run (1,000,000 users, larger loops and pools)\n\
```\n\
\n\
It builds `weixin-bench` (and the sample app) in release mode, installs wrk with apt-get when\n\
missing (as root; `WEIXIN_XTASK_NO_INSTALL=1` forbids it), creates the Python virtual\n\
environment and the Node packages under `target/` on first use, starts a throwaway\n\
`redis-server`, prints the table and rewrites this page. A part that cannot run (a missing\n\
tool, a server that does not start) is reported as `not run: <reason>` in its row; the\n\
other rows are still measured.\n",
        command = run.command,
        seconds = run.seconds,
        total_seconds = run.total_seconds,
        date = run.date,
        cpu = machine.cpu,
        memory = machine.memory,
        os = machine.os,
        load = machine.load,
        tools = tools,
        rounds = settings.rounds,
        steps = table::thousands(settings.steps_iterations as f64),
        loops = table::thousands(settings.loop_iterations as f64),
        pool = table::thousands(settings.pool_pushes as f64),
        threads = settings.wrk_threads,
        conns = settings.wrk_connections,
        users = table::thousands(settings.memory_users as f64),
        table = table::render(run.rows),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_the_run_and_the_table() {
        let machine = Machine {
            cpu: "Test CPU, 2 logical cores".into(),
            memory: "1.0 GiB".into(),
            os: "Linux".into(),
            load: "0.1 0.2 0.3".into(),
            tools: vec![("rustc".into(), "rustc 1.95.0".into())],
        };
        let rows = [Row::info("parse alone", "1/s")];
        let settings = Settings::new(true);
        let page = render(&Run {
            command: "cargo xtask bench --quick",
            date: "2026-11-24 19:15 UTC",
            seconds: 90,
            total_seconds: 300,
            settings: &settings,
            machine: &machine,
            rows: &rows,
        });
        assert!(page.starts_with("# Benchmarks\n"));
        assert!(page.contains(
            "- Command: `cargo xtask bench --quick` (measuring took 90 s; 300 s with the release builds)\n"
        ));
        assert!(page.contains("- Date: 2026-11-24 19:15 UTC\n"));
        assert!(page.contains("Test CPU, 2 logical cores"));
        assert!(page.contains("rustc: `rustc 1.95.0`"));
        assert!(page.contains("| parse alone | 1/s |"));
        assert!(page.contains("100,000 users"));
    }
}
