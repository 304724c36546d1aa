//! The `weixin` binary: parses the command line and hands over to [`weixin_cli::run`].

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = weixin_cli::Cli::parse();
    weixin_cli::run(
        cli,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}
