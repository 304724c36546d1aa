//! `cargo xtask`: the project's automation, std only.
//!
//! `main` only parses the arguments and dispatches; each subcommand lives in its own module.
//! It returns an [`ExitCode`] instead of calling `std::process::exit`, so guards such as the
//! throwaway servers of `cargo xtask test` are always dropped (and their processes stopped).
#![forbid(unsafe_code)]

mod bench;
mod bench_cmd;
mod browser;
mod chaos_cmd;
mod cli;
mod demo_cmd;
mod fuzz_cmd;
mod fuzz_output;
mod install;
mod process;
mod reaper;
mod report;
mod services;
mod test_cmd;

use std::process::ExitCode;

use cli::Invocation;

/// Exit code for a command line that makes no sense.
const USAGE_EXIT: u8 = 2;

fn main() -> ExitCode {
    reaper::install_panic_hook();
    match cli::parse(std::env::args_os().skip(1)) {
        Ok(Invocation::Help(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Ok(Invocation::Test(options)) => test_cmd::run(&options),
        Ok(Invocation::Fuzz(options)) => fuzz_cmd::run(&options),
        Ok(Invocation::Bench(options)) => bench_cmd::run(&options),
        Ok(Invocation::Demo(options)) => demo_cmd::run(&options),
        Ok(Invocation::Chaos(options)) => chaos_cmd::run(&options),
        Err(err) => {
            eprintln!("error: {}\n\n{}", err.message, err.usage);
            ExitCode::from(USAGE_EXIT)
        }
    }
}
