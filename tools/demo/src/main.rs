//! `wxopen-demo`: the scripted conversation of `cargo xtask demo`.
//!
//! Starts the simulator in this process and the `wxopen-sample` binary (found next to this
//! one) as a separate process, drives the script of `wxopen_demo::script`, prints the
//! transcript, stops the app with SIGTERM and checks that it exits cleanly. Exit status 0 only
//! when every step behaved.
//!
//! ```text
//! wxopen-demo [--cache memory|redis://...|memcache://...] [--signing]
//! ```
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Instant;

use wxopen_demo::{Stage, StageConfig, Step, Transcript, script, sibling_app_binary};

const USAGE: &str = "\
Usage: wxopen-demo [--cache memory|redis://HOST:PORT|memcache://HOST:PORT] [--signing]

Runs the sample app against the WeChat simulator through a scripted conversation and prints
the transcript. Exit status 0 only when every step behaved.

  --signing   server-API signing on: the simulator requires signed, encrypted calls on the
              signable endpoints and the app gets the simulator's demo keys (WEIXIN_API_*)
";

/// What the command line asks for.
struct Options {
    cache: String,
    signing: bool,
}

fn parse_args() -> Result<Option<Options>, String> {
    let mut cache = "memory".to_owned();
    let mut signing = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--signing" => signing = true,
            "--cache" => cache = args.next().ok_or("`--cache` needs a value")?,
            other => match other.strip_prefix("--cache=") {
                Some(value) => cache = value.to_owned(),
                None => return Err(format!("unexpected argument `{other}`")),
            },
        }
    }
    Ok(Some(Options { cache, signing }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("wxopen-demo: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let binary = match sibling_app_binary() {
        Ok(binary) => binary,
        Err(e) => {
            eprintln!("wxopen-demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = StageConfig::new(binary, options.cache).signing(options.signing);
    let stage = match Stage::start(&config).await {
        Ok(stage) => stage,
        Err(e) => {
            eprintln!("wxopen-demo: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "WeChat simulator: {}\nsample app:       {} (pid {}, cache {}, safe mode, appid {}{})\n",
        stage.sim.base_url(),
        stage.app_url(0),
        stage.apps.first().and_then(|a| a.pid()).unwrap_or(0),
        redact(&stage.cache),
        stage.appid,
        if stage.signing {
            ", server-API signing on"
        } else {
            ""
        },
    );

    let mut transcript = Transcript::new(true);
    script::run(&stage, &mut transcript).await;

    let number = transcript.steps().len() + 1;
    let mut shutdown = Step::new(format!("{number}. graceful shutdown (SIGTERM)"));
    for (name, result) in stage.stop().await {
        match result {
            Ok(()) => shutdown.line(format!("{name}: exited with status 0")),
            Err(e) => shutdown.fail(format!("{name}: {e}")),
        }
    }
    transcript.record(shutdown);

    let steps = transcript.steps().len();
    let failures = transcript.failures();
    println!();
    if failures.is_empty() {
        println!(
            "all {steps} steps behaved ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        ExitCode::SUCCESS
    } else {
        println!("{} of {steps} steps did not behave:", failures.len());
        for step in failures {
            println!("  - {}", step.title);
        }
        ExitCode::FAILURE
    }
}

/// The cache URL without a password.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}
