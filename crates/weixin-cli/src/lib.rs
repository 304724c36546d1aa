//! Library side of the `weixin` command-line tool (command definitions and their logic).
//!
//! `src/main.rs` only parses the arguments and calls [`run`]; everything else lives here so it
//! can be tested without spawning a process. [`run_with_input`] runs a whole command line on
//! in-memory stdin without touching the network or the filesystem (tests, the `cli_input` fuzz
//! target).
//!
//! Exit codes: `0` success, `1` the command failed (the reason is printed on stderr), `2` usage
//! error (reported by clap).
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod crypto_cmd;
mod in_memory;
pub mod sim_cmd;

pub use in_memory::{Output, RunError, run_with_input};

/// The CLI guide (`docs/cli.md`): its Rust examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/cli.md")]
pub struct CliGuide;

/// The `weixin` command line.
#[derive(Debug, Parser)]
#[command(
    name = "weixin",
    version,
    about = "WeChat (Weixin) SDK tool: debug push signatures and message encryption, run the offline simulator.",
    propagate_version = true
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Push signatures and message encryption (WXBizMsgCrypt), mini-program open data.
    #[command(subcommand)]
    Crypto(crypto_cmd::CryptoCommand),
    /// The offline WeChat platform: serve its API, send pushes to a callback.
    #[command(subcommand)]
    Sim(sim_cmd::SimCommand),
}

/// A failed command: the message is printed on stderr as `error: …`.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

impl From<weixin_crypto::CryptoError> for CliError {
    fn from(e: weixin_crypto::CryptoError) -> Self {
        CliError(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError(format!("I/O error: {e}"))
    }
}

/// Runs a parsed command line with the given standard streams and returns the exit code.
pub fn run(
    cli: Cli,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitCode {
    let result = match cli.command {
        Command::Crypto(cmd) => crypto_cmd::run(cmd, stdin, stdout, stderr),
        Command::Sim(cmd) => sim_cmd::run(cmd, stdout),
    };
    let flushed = stdout.flush();
    match result.and(flushed.map_err(CliError::from)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Nothing sensible is left to do if stderr itself fails.
            let _ = writeln!(stderr, "error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_in_process() {
        let cli = Cli::parse_from([
            "weixin",
            "crypto",
            "sign",
            "--token",
            "test",
            "--timestamp",
            "1410685589",
            "--nonce",
            "test",
        ]);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(cli, &mut std::io::empty(), &mut out, &mut err);
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(out, b"f21891de399b4e33a1a93c9a7b8a8fffb5a443ff\n");
        assert!(err.is_empty());

        let cli = Cli::parse_from([
            "weixin",
            "crypto",
            "decrypt",
            "--token",
            "t",
            "--aes-key",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "--appid",
            "wx",
            "--timestamp",
            "1",
            "--nonce",
            "2",
            "--msg-signature",
            "00",
        ]);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(cli, &mut &br#"{"Encrypt":"AAAA"}"#[..], &mut out, &mut err);
        assert_eq!(code, ExitCode::FAILURE);
        assert!(out.is_empty());
        assert!(
            String::from_utf8(err)
                .unwrap()
                .starts_with("error: msg_signature mismatch")
        );
    }
}
