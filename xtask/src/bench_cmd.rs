//! `cargo xtask bench`: builds the benchmark drivers, runs every measurement of issue 9 side by
//! side (in process, the peers, HTTP under wrk, token contention, memory), prints the table
//! and rewrites `docs/benchmarks.md`.
//!
//! A part that cannot run becomes a `not run: <reason>` row; the others still run. Numbers are
//! only ever read from the programs' result lines, never filled in.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use crate::bench::measured::{self, Measured};
use crate::bench::server::{self, Server};
use crate::bench::settings::Settings;
use crate::bench::table::{self, Row, thousands};
use crate::bench::wrk::{self, WrkResult};
use crate::bench::{date, docs, machine, peers};
use crate::cli::BenchOptions;
use crate::install::{self, Needed};
use crate::process;
use crate::services::Services;

/// The page this command rewrites, relative to the workspace root.
const DOCS_PAGE: &str = "docs/benchmarks.md";
/// The wrk script.
const WRK_SCRIPT: &str = "bench/wrk/pushes.lua";
/// The sample app's package and binary.
const SAMPLE: &str = "wxopen-sample";
/// The appsecret the simulator and the sample app share (a test value).
const SIM_SECRET: &str = "weixin-bench-secret";

/// The five budgets of docs/benchmarks.md.
const STEPS_BUDGET: f64 = 30.0;
const PIPELINE_BUDGET: f64 = 200_000.0;
const HTTP_BUDGET: f64 = 0.80;
const MEMORY_BUDGET: f64 = 2_048.0;

/// What the measurements share.
struct Ctx {
    root: PathBuf,
    dir: PathBuf,
    bench: PathBuf,
    sample: Result<PathBuf, String>,
    settings: Settings,
}

impl Ctx {
    /// `weixin-bench ARGS`, its result lines parsed; fails with its stderr.
    fn bench(&self, args: &[&str]) -> Result<Vec<Measured>, String> {
        let mut command = Command::new(&self.bench);
        command.args(args);
        output_of(command)
    }

    /// Writes a pool of `count` pushes, sent now, to `target/bench/NAME.txt`.
    fn pool(&self, name: &str, count: u64) -> Result<PathBuf, String> {
        let path = self.dir.join(format!("{name}.txt"));
        let path_text = path.to_string_lossy().into_owned();
        self.bench(&["pool", "--out", &path_text, "--count", &count.to_string()])?;
        Ok(path)
    }
}

/// Runs a command, shows it, and parses its result lines.
fn output_of(mut command: Command) -> Result<Vec<Measured>, String> {
    let shown = process::display(&command);
    println!("xtask: {shown}");
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    if output.status.success() {
        Ok(measured::parse(&stdout))
    } else {
        Err(format!(
            "`{shown}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Runs `cargo xtask bench`.
pub(crate) fn run(options: &BenchOptions) -> ExitCode {
    let started = Instant::now();
    let settings = Settings::new(options.quick);
    let root = process::workspace_root();
    let dir = root.join("target/bench");
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("xtask bench: cannot create {}: {err}", dir.display());
        return ExitCode::FAILURE;
    }

    let bench = match build("weixin-bench", &[]) {
        Ok(path) => path,
        Err(err) => {
            eprintln!("xtask bench: {err}");
            return ExitCode::FAILURE;
        }
    };
    let sample = build(SAMPLE, &["--features", "redis"]);
    let ctx = Ctx {
        root,
        dir,
        bench,
        sample,
        settings,
    };
    // After the builds: the date and load of the measurements themselves.
    let measuring = Instant::now();
    let date = date::now_utc();
    let machine = machine::describe();

    let mut rows = in_process(&ctx);
    rows.push(memory(&ctx));
    let services = Services::start();
    let redis = match &services {
        Ok(services) => {
            println!("{}", services.describe());
            services
                .env()
                .into_iter()
                .find(|(name, _)| *name == "WEIXIN_TEST_REDIS_URL")
                .map(|(_, url)| url)
                .ok_or_else(|| "no Redis URL".to_owned())
        }
        Err(err) => Err(format!("redis-server did not start: {err}")),
    };
    rows.extend(http(&ctx, &redis));
    rows.push(token(&ctx, &redis));
    drop(services);

    let seconds = measuring.elapsed().as_secs();
    let total_seconds = started.elapsed().as_secs();
    let command = if options.quick {
        "cargo xtask bench --quick"
    } else {
        "cargo xtask bench"
    };
    println!("\n{}", table::render(&rows));
    let page = docs::render(&docs::Run {
        command,
        date: &date,
        seconds,
        total_seconds,
        settings: &ctx.settings,
        machine: &machine,
        rows: &rows,
    });
    let path = ctx.root.join(DOCS_PAGE);
    match std::fs::write(&path, page) {
        Ok(()) => {
            println!(
                "xtask: wrote {} (measuring {seconds} s, {total_seconds} s with the builds)",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("xtask bench: cannot write {}: {err}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// `cargo build --release -p PACKAGE EXTRA`; returns `target/release/PACKAGE`.
fn build(package: &str, extra: &[&str]) -> Result<PathBuf, String> {
    let mut command = process::cargo();
    command
        .args(["build", "--release", "-p", package])
        .args(extra);
    println!("xtask: {}", process::display(&command));
    process::run(&mut command)?;
    let binary = process::built_binary("release", package);
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("{} was not built", binary.display()))
    }
}

fn per_sec(value: f64) -> String {
    format!("{}/s", thousands(value))
}

/// 1. In process: the wechatpy-equivalent steps against wechatpy, crypto, parse, pipeline.
fn in_process(ctx: &Ctx) -> Vec<Row> {
    const STEPS: &str =
        "wechatpy-equivalent steps (verify, decrypt, parse, text reply, encrypt), 1 thread";
    const CRYPTO: &str = "crypto alone (both signatures, decrypt, encrypt), 1 thread";
    const PARSE: &str = "parse alone (`Message::parse` of a text push), 1 thread";
    const PIPELINE: &str = "whole pipeline in process (verify, decrypt, parse, dedup, context, dispatch, encrypted reply), memory cache, 1 core";
    let settings = &ctx.settings;
    let mut rows = Vec::new();

    let steps = ctx.pool("steps-pool", 1).and_then(|pool| {
        let pool_text = pool.to_string_lossy().into_owned();
        let rust = ctx.bench(&[
            "steps",
            "--pool",
            &pool_text,
            "--iterations",
            &settings.steps_iterations.to_string(),
            "--loop-iterations",
            &settings.loop_iterations.to_string(),
            "--rounds",
            &settings.rounds.to_string(),
        ])?;
        Ok((pool, rust))
    });
    let (pool, rust) = match steps {
        Ok(found) => found,
        Err(err) => {
            for what in [STEPS, CRYPTO, PARSE] {
                rows.push(Row::not_run(what, "", &err));
            }
            rows.extend(pipeline(ctx, PIPELINE));
            return rows;
        }
    };
    let python = peers::python(&ctx.root).and_then(|python| {
        let mut command = Command::new(python);
        command
            .arg(ctx.root.join("bench/wechatpy/bench.py"))
            .arg("--pool")
            .arg(&pool)
            .args(["--iterations", &settings.steps_iterations.to_string()])
            .args(["--rounds", &settings.rounds.to_string()]);
        let results = output_of(command)?;
        let wechatpy = measured::find(&results, "wechatpy")?;
        Ok((
            wechatpy.number("per_sec")?,
            wechatpy.get("version").unwrap_or("?").to_owned(),
        ))
    });
    let rust_steps = measured::find(&rust, "steps").and_then(|m| m.number("per_sec"));
    rows.push(match (rust_steps, python) {
        (Ok(rust), Ok((wechatpy, version))) => {
            let ratio = rust / wechatpy.max(1e-9);
            Row::info(STEPS, per_sec(rust))
                .compared(
                    format!("wechatpy {version}: {}", per_sec(wechatpy)),
                    format!("{ratio:.1}x"),
                )
                .budget(">= 30x wechatpy", ratio >= STEPS_BUDGET)
        }
        (Ok(rust), Err(err)) => Row::not_run(
            STEPS,
            ">= 30x wechatpy",
            format!("wechatpy: {err} (Rust alone: {})", per_sec(rust)),
        ),
        (Err(err), _) => Row::not_run(STEPS, ">= 30x wechatpy", err),
    });
    for (name, what) in [("crypto", CRYPTO), ("parse", PARSE)] {
        rows.push(
            match measured::find(&rust, name).and_then(|m| m.number("per_sec")) {
                Ok(rate) => Row::info(what, per_sec(rate)),
                Err(err) => Row::not_run(what, "", err),
            },
        );
    }
    rows.extend(pipeline(ctx, PIPELINE));
    rows
}

/// The whole pipeline, then the same without dedup and context (what those two cost).
fn pipeline(ctx: &Ctx, what: &str) -> [Row; 2] {
    const BARE: &str = "the same pipeline without dedup and context (what those two cost), 1 core";
    let settings = &ctx.settings;
    let iterations = settings.loop_iterations.to_string();
    let rounds = settings.rounds.to_string();
    let run = |extra: &[&str], name: &str| {
        let mut args = vec!["pipeline", "--iterations", &iterations, "--rounds", &rounds];
        args.extend_from_slice(extra);
        ctx.bench(&args)
            .and_then(|results| measured::find(&results, name)?.number("per_sec"))
    };
    let whole = match run(&[], "pipeline") {
        Ok(rate) => Row::info(what, format!("{}/s/core", thousands(rate)))
            .budget(">= 200,000/s/core", rate >= PIPELINE_BUDGET),
        Err(err) => Row::not_run(what, ">= 200,000/s/core", err),
    };
    let bare = match run(
        &["--no-dedup", "--no-context"],
        "pipeline_no_dedup_no_context",
    ) {
        Ok(rate) => Row::info(BARE, format!("{}/s/core", thousands(rate))),
        Err(err) => Row::not_run(BARE, "", err),
    };
    [whole, bare]
}

/// 5. Memory of the context store.
fn memory(ctx: &Ctx) -> Row {
    let users = ctx.settings.memory_users;
    let what = format!(
        "memory: context store over MemoryCache, {} users x (10 requests + 10 replies)",
        thousands(users as f64)
    );
    let result = ctx
        .bench(&["memory", "--users", &users.to_string()])
        .and_then(|results| {
            let memory = measured::find(&results, "memory")?;
            Ok((
                memory.number("bytes_per_user")?,
                memory.number("value_bytes")?,
            ))
        });
    match result {
        Ok((per_user, value)) => Row::info(
            what,
            format!(
                "{} B/user resident ({} B stored value)",
                thousands(per_user),
                thousands(value)
            ),
        )
        .budget("<= 2 KiB/user", per_user <= MEMORY_BUDGET),
        Err(err) => Row::not_run(what, "<= 2 KiB/user", err),
    }
}

/// One server under wrk: a fresh pool, the server on a free port, wrk, the server stopped.
fn load(
    ctx: &Ctx,
    wrk_binary: &Path,
    name: &str,
    make: impl FnOnce(u16, &Path) -> Result<Command, String>,
) -> Result<WrkResult, String> {
    let pool = ctx.pool(&format!("pool-{name}"), ctx.settings.pool_pushes)?;
    let port = server::free_port()?;
    let command = make(port, &pool)?;
    let log = server::log_path(&ctx.dir, name);
    let running = Server::start(name, command, port, &log)?;
    let result = wrk::run(wrk::command(
        wrk_binary,
        &ctx.settings,
        &ctx.root.join(WRK_SCRIPT),
        &running.url(),
        &pool,
    ));
    drop(running);
    let result = result?;
    if result.non_2xx * 100 > result.requests {
        return Err(format!(
            "{} of {} responses were not 2xx (see {})",
            result.non_2xx,
            result.requests,
            log.display()
        ));
    }
    Ok(result)
}

fn http_result(result: &WrkResult) -> String {
    let mut text = format!(
        "{} req/s, p99 {:.2} ms",
        thousands(result.requests_per_sec),
        result.p99_ms
    );
    if result.non_2xx > 0 {
        text.push_str(&format!(" ({} non-2xx)", result.non_2xx));
    }
    text
}

/// A callback row compared with the empty handler.
fn against_empty(
    what: &str,
    result: Result<WrkResult, String>,
    empty: &Result<WrkResult, String>,
    budget: bool,
) -> Row {
    let budget_text = if budget { ">= 80% of empty axum" } else { "" };
    match (result, empty) {
        (Ok(result), Ok(empty)) => {
            let ratio = result.requests_per_sec / empty.requests_per_sec.max(1e-9);
            let row = Row::info(what, http_result(&result)).compared(
                format!("empty axum: {} req/s", thousands(empty.requests_per_sec)),
                format!("{:.0}%", ratio * 100.0),
            );
            if budget {
                row.budget(budget_text, ratio >= HTTP_BUDGET)
            } else {
                row
            }
        }
        (Ok(result), Err(err)) => {
            Row::info(what, http_result(&result)).compared(format!("empty axum not run: {err}"), "")
        }
        (Err(err), _) => Row::not_run(what, budget_text, err),
    }
}

/// 3. HTTP under wrk.
fn http(ctx: &Ctx, redis: &Result<String, String>) -> Vec<Row> {
    const EMPTY: &str = "HTTP: empty axum handler (baseline)";
    const CALLBACK_MEMORY: &str = "HTTP: SDK callback alone (pipeline + `weixin_push::server::router`, echo handler), memory cache";
    const CALLBACK_REDIS: &str = "HTTP: SDK callback alone, Redis cache";
    const SAMPLE_MEMORY: &str =
        "HTTP: sample app `POST /wxopen` (examples/wxopen-sample), memory cache";
    const SAMPLE_REDIS: &str = "HTTP: sample app `POST /wxopen`, Redis cache";
    const NODE: &str = "HTTP: Node `wechat` 2.1.0 middleware, safe mode (peer)";
    let all = [
        EMPTY,
        CALLBACK_MEMORY,
        CALLBACK_REDIS,
        SAMPLE_MEMORY,
        SAMPLE_REDIS,
        NODE,
    ];

    let wrk_binary = match install::ensure(&[Needed {
        binary: "wrk",
        package: "wrk",
    }]) {
        Ok(paths) => paths
            .into_iter()
            .next()
            .unwrap_or_else(|| PathBuf::from("wrk")),
        Err(err) => {
            return all
                .iter()
                .map(|what| Row::not_run(*what, "", &err))
                .collect();
        }
    };
    let bench = |port: u16, args: &[&str]| {
        let mut command = Command::new(&ctx.bench);
        command
            .args(args)
            .args(["--listen", &format!("127.0.0.1:{port}")]);
        command
    };

    let empty = load(ctx, &wrk_binary, "empty-axum", |port, _| {
        Ok(bench(port, &["empty-server"]))
    });
    let callback_memory = load(ctx, &wrk_binary, "callback-memory", |port, _| {
        Ok(bench(port, &["callback-server"]))
    });
    let callback_redis = redis.clone().and_then(|url| {
        load(ctx, &wrk_binary, "callback-redis", |port, _| {
            Ok(bench(port, &["callback-server", "--redis", &url]))
        })
    });
    let sample_memory = sample(ctx, &wrk_binary, "sample-memory", None);
    let sample_redis = redis
        .clone()
        .and_then(|url| sample(ctx, &wrk_binary, "sample-redis", Some(&url)));
    let node = peers::node(&ctx.root).and_then(|(node, modules)| {
        load(ctx, &wrk_binary, "node-wechat", |port, pool| {
            let mut command = Command::new(node);
            command
                .env("NODE_PATH", &modules)
                .arg(ctx.root.join("bench/node-wechat/server.js"))
                .arg(port.to_string())
                .arg(pool);
            Ok(command)
        })
    });

    let mut rows = vec![match &empty {
        Ok(result) => Row::info(EMPTY, http_result(result)),
        Err(err) => Row::not_run(EMPTY, "", err),
    }];
    rows.push(against_empty(
        CALLBACK_MEMORY,
        callback_memory.clone(),
        &empty,
        true,
    ));
    rows.push(against_empty(CALLBACK_REDIS, callback_redis, &empty, false));
    rows.push(against_empty(SAMPLE_MEMORY, sample_memory, &empty, true));
    rows.push(against_empty(SAMPLE_REDIS, sample_redis, &empty, false));
    rows.push(match (node, &callback_memory) {
        (Ok(node), Ok(ours)) => Row::info(NODE, http_result(&node)).compared(
            format!(
                "SDK callback, memory cache: {} req/s",
                thousands(ours.requests_per_sec)
            ),
            format!(
                "SDK {:.1}x",
                ours.requests_per_sec / node.requests_per_sec.max(1e-9)
            ),
        ),
        (Ok(node), Err(_)) => Row::info(NODE, http_result(&node)),
        (Err(err), _) => Row::not_run(NODE, "", err),
    });
    rows
}

/// The sample app under wrk, with the simulator as its WeChat API.
fn sample(
    ctx: &Ctx,
    wrk_binary: &Path,
    name: &str,
    redis: Option<&str>,
) -> Result<WrkResult, String> {
    let binary = ctx.sample.clone()?;
    let sim_port = server::free_port()?;
    let mut sim_command = Command::new(&ctx.bench);
    sim_command.args([
        "sim",
        "--listen",
        &format!("127.0.0.1:{sim_port}"),
        "--secret",
        SIM_SECRET,
    ]);
    let sim = Server::start(
        "simulator",
        sim_command,
        sim_port,
        &server::log_path(&ctx.dir, &format!("{name}-simulator")),
    )?;
    let sim_url = sim.url();
    let result = load(ctx, wrk_binary, name, |port, pool| {
        let account = pool_account(pool)?;
        let mut command = Command::new(binary);
        command
            .env("WEIXIN_APPID", account.appid)
            .env("WEIXIN_APPSECRET", SIM_SECRET)
            .env("WEIXIN_TOKEN", account.token)
            .env("WEIXIN_ENCODING_AES_KEY", account.encoding_aes_key)
            .env("WEIXIN_API_BASE", &sim_url)
            .env("WEIXIN_CACHE", redis.unwrap_or("memory"))
            .env("WEIXIN_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn");
        Ok(command)
    });
    drop(sim);
    result
}

/// The account named in a pool file's header.
struct Account {
    appid: String,
    token: String,
    encoding_aes_key: String,
}

fn pool_account(pool: &Path) -> Result<Account, String> {
    let text = std::fs::read_to_string(pool)
        .map_err(|err| format!("cannot read {}: {err}", pool.display()))?;
    parse_account(text.lines().next().unwrap_or(""))
        .ok_or_else(|| format!("{}: no account in the header line", pool.display()))
}

fn parse_account(header: &str) -> Option<Account> {
    let field = |key: &str| {
        header
            .split_whitespace()
            .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_owned)
    };
    Some(Account {
        appid: field("appid")?,
        token: field("token")?,
        encoding_aes_key: field("encoding_aes_key")?,
    })
}

/// 4. Token contention.
fn token(ctx: &Ctx, redis: &Result<String, String>) -> Row {
    const WHAT: &str =
        "token contention: 4 processes x 250 concurrent calls at expiry, shared Redis, simulator";
    const BUDGET: &str = "exactly 1 token fetch";
    let result = redis.clone().and_then(|url| {
        let results = ctx.bench(&["token", "--redis", &url])?;
        let token = measured::find(&results, "token")?;
        Ok((
            token.number("fetches")?,
            token.number("p99_ms")?,
            token.number("errors")?,
            token.number("calls")?,
        ))
    });
    match result {
        Ok((fetches, p99, errors, calls)) => Row::info(
            WHAT,
            format!(
                "{fetches:.0} fetch(es); p99 {p99:.2} ms over {calls:.0} calls, {errors:.0} errors"
            ),
        )
        .budget(BUDGET, fetches == 1.0 && errors == 0.0),
        Err(err) => Row::not_run(WHAT, BUDGET, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_account_from_a_pool_header() {
        let account = parse_account(
            "# weixin-bench push pool appid=wx1 token=tok encoding_aes_key=KEY count=3",
        )
        .unwrap();
        assert_eq!(account.appid, "wx1");
        assert_eq!(account.token, "tok");
        assert_eq!(account.encoding_aes_key, "KEY");
        assert!(parse_account("# appid=wx1").is_none());
    }

    #[test]
    fn a_callback_is_compared_with_the_empty_handler() {
        let result = |rps| WrkResult {
            requests_per_sec: rps,
            p99_ms: 1.0,
            requests: 100,
            non_2xx: 0,
        };
        let row = against_empty("cb", Ok(result(850.0)), &Ok(result(1_000.0)), true);
        assert_eq!(row.ratio, "85%");
        assert_eq!(row.verdict, crate::bench::table::Verdict::Met);
        let row = against_empty("cb", Ok(result(700.0)), &Ok(result(1_000.0)), true);
        assert_eq!(row.verdict, crate::bench::table::Verdict::Missed);
        let row = against_empty("cb", Err("no sample".into()), &Ok(result(1.0)), true);
        assert!(matches!(
            row.verdict,
            crate::bench::table::Verdict::NotRun(_)
        ));
    }
}
