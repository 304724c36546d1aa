//! [`run_with_input`]: the whole command line on in-memory input, for tests and fuzzing.

use std::ffi::OsString;

use clap::Parser;

use crate::{Cli, CliError, Command, crypto_cmd, sim_cmd};

/// What a command printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// Bytes written to standard output.
    pub stdout: Vec<u8>,
    /// Bytes written to standard error (notes such as "decrypted with the previous key").
    pub stderr: Vec<u8>,
}

/// Why [`run_with_input`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunError {
    /// The command line is invalid (the binary exits with code 2); clap's rendered message.
    Usage(String),
    /// The command failed (the binary exits with code 1).
    Failed {
        /// What the command printed before it failed.
        output: Output,
        /// The reason, printed by the binary as `error: …`.
        error: CliError,
    },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Usage(message) => f.write_str(message.trim_end()),
            RunError::Failed { error, .. } => error.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

/// Parses `args` (the first one is the program name, as in `std::env::args_os`) and runs the
/// command on `stdin`, without touching the network or the filesystem.
///
/// * `weixin crypto …` runs exactly as in the binary (same code) and returns what it printed.
/// * `weixin sim …` needs the network: its arguments are checked exactly as in the binary
///   (URLs, EncodingAESKey, shares, TTL, …), then a one-line description of what would be
///   served or sent is returned instead of running it.
/// * `--help` and `--version` return their text on stdout, as the binary prints them.
///
/// Any argument and any stdin bytes are accepted: the result is an [`Output`] or a
/// [`RunError`], never a panic (`fuzz/fuzz_targets/cli_input.rs` checks this).
///
/// ```
/// let out = weixin_cli::run_with_input(
///     ["weixin", "crypto", "sign", "--token", "AAAAA", "--timestamp", "1714036504",
///      "--nonce", "1514711492"],
///     b"",
/// )
/// .unwrap();
/// assert_eq!(out.stdout, b"f464b24fc39322e44b38aa78f5edd27bd1441696\n");
///
/// let err = weixin_cli::run_with_input(["weixin", "crypto", "sign"], b"").unwrap_err();
/// assert!(matches!(err, weixin_cli::RunError::Usage(_)));
/// ```
///
/// # Errors
/// [`RunError::Usage`] for an invalid command line, [`RunError::Failed`] when the command
/// fails.
pub fn run_with_input<I, T>(args: I, stdin: &[u8]) -> Result<Output, RunError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // --help and --version: printed on stdout, exit code 0.
        Err(e) if !e.use_stderr() => {
            return Ok(Output {
                stdout: e.render().to_string().into_bytes(),
                stderr: Vec::new(),
            });
        }
        Err(e) => return Err(RunError::Usage(e.render().to_string())),
    };
    let mut output = Output::default();
    let result = match cli.command {
        Command::Crypto(cmd) => {
            crypto_cmd::run(cmd, &mut &*stdin, &mut output.stdout, &mut output.stderr)
        }
        Command::Sim(cmd) => {
            sim_cmd::plan(cmd).and_then(|plan| sim_cmd::describe(&plan, &mut output.stdout))
        }
    };
    match result {
        Ok(()) => Ok(output),
        Err(error) => Err(RunError::Failed { output, error }),
    }
}
