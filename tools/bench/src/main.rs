//! `weixin-bench`: the measurements behind `cargo xtask bench` (see the library docs).
#![forbid(unsafe_code)]

use std::path::Path;
use std::process::ExitCode;

use weixin_bench::args::Args;
use weixin_bench::{
    callback_server, empty_server, fixture, memory, pipeline_loop, pool, sim_server, steps, token,
};

const USAGE: &str = "\
Usage: weixin-bench <COMMAND> [--key value ...]

Commands (each prints `BENCH <name> key=value ...` result lines):
  steps         --iterations N --rounds R [--loop-iterations M] [--pool FILE]
                wechatpy-equivalent steps, crypto alone, parse alone (on the pool's first push)
  pipeline      --iterations N --rounds R [--no-dedup] [--no-context] [--one-user]
                the whole push pipeline in process, one core (distinct users, or one
                user with 20 + 20 records)
  pool          --out FILE --count N        distinct pre-encrypted pushes, sent now
  callback-server --listen ADDR [--redis URL]
                the SDK's push callback alone (echo handler) at POST /wxopen
  empty-server  --listen ADDR               axum server answering POST /wxopen with `success`
  sim           --listen ADDR --secret S    the simulator with the fixture account
  memory        --users N                   resident bytes per user of the context store
  token         --redis URL                 4 processes x 250 calls at token expiry (simulator)
  token-worker  (started by `token`)
";

fn main() -> ExitCode {
    let words: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = words.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = Args::parse(rest).and_then(|args| run(command, &args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("weixin-bench {command}: {err}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Runtime::new().map_err(|err| format!("cannot start a tokio runtime: {err}"))
}

fn run(command: &str, args: &Args) -> Result<(), String> {
    match command {
        "steps" => {
            let push = match args.get("pool") {
                Some(path) => Some(pool::read_first(Path::new(path))?),
                None => None,
            };
            let iterations = args.num("iterations", 20_000)?;
            let rates = steps::run(
                args.num("rounds", 5)?,
                iterations,
                args.num("loop-iterations", iterations)?,
                push,
            )?;
            steps::print(&rates);
        }
        "pipeline" => {
            let parts = pipeline_loop::Parts {
                dedup: !args.flag("no-dedup"),
                context: !args.flag("no-context"),
            };
            let users = if args.flag("one-user") {
                pipeline_loop::Users::OneWithHistory
            } else {
                pipeline_loop::Users::Distinct
            };
            let rate = pipeline_loop::run(
                args.num("rounds", 5)?,
                args.num("iterations", 100_000)?,
                parts,
                users,
            )?;
            pipeline_loop::print(&rate, parts, users);
        }
        "pool" => {
            let out = args.required("out")?;
            let count = args.num("count", 100_000)?;
            pool::write(Path::new(out), count, fixture::now_secs())?;
            println!("wrote {count} pushes to {out}");
        }
        "callback-server" => {
            let listen = args.get("listen").unwrap_or("127.0.0.1:8091").to_owned();
            let redis = args.get("redis").map(str::to_owned);
            runtime()?.block_on(callback_server::serve(&listen, redis.as_deref()))?;
        }
        "empty-server" => {
            let listen = args.get("listen").unwrap_or("127.0.0.1:8090").to_owned();
            runtime()?.block_on(empty_server::serve(&listen))?;
        }
        "sim" => {
            let listen = args.get("listen").unwrap_or("127.0.0.1:8092").to_owned();
            let secret = args
                .get("secret")
                .unwrap_or("weixin-bench-secret")
                .to_owned();
            runtime()?.block_on(sim_server::serve(&listen, &secret))?;
        }
        "memory" => {
            let result = memory::run(args.num("users", 1_000_000)?)?;
            memory::print(&result);
        }
        "token" => {
            let redis = args.required("redis")?.to_owned();
            let exe = std::env::current_exe().map_err(|err| format!("no current exe: {err}"))?;
            let result = runtime()?.block_on(token::run(&redis, &exe))?;
            token::print(&result);
        }
        "token-worker" => {
            let redis = args.required("redis")?;
            let api = args.required("api")?;
            let prefix = args.required("prefix")?;
            let go_at = args.num("go-at-ms", 0)?;
            let calls = args.num("calls", token::CALLS)?;
            runtime()?.block_on(token::worker(redis, api, prefix, go_at, calls))?;
        }
        "-h" | "--help" | "help" => print!("{USAGE}"),
        other => return Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
    Ok(())
}
