//! The whole `weixin` command line on hostile input: any arguments and any stdin bytes through
//! `weixin_cli::run_with_input` (clap parsing, keys, base64, push envelopes, UTF-8, URLs,
//! numbers). It must answer with an output or an error, never panic.
//!
//! Input layout: `arg1 \0 arg2 \0 … \x01 stdin`. The bytes before the first `\x01` are the
//! arguments (split at `\0`, raw bytes, so invalid UTF-8 arguments are tried too; the program
//! name is added); everything after it is stdin.
#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use libfuzzer_sys::fuzz_target;
use weixin_cli::{RunError, run_with_input};

fuzz_target!(|data: &[u8]| {
    let (args, stdin) = match data.iter().position(|&b| b == 0x01) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let argv: Vec<OsString> = std::iter::once(OsString::from("weixin"))
        .chain(
            args.split(|&b| b == 0)
                .map(|arg| OsString::from_vec(arg.to_vec())),
        )
        .collect();
    let is_sign =
        argv.get(1).is_some_and(|a| a == "crypto") && argv.get(2).is_some_and(|a| a == "sign");
    match run_with_input(argv, stdin) {
        Ok(out) => {
            // A signature is always 40 lowercase hex digits and a newline.
            if is_sign && out.stdout.len() == 41 {
                assert!(
                    out.stdout[..40]
                        .iter()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                );
            }
        }
        // Every failure says why.
        Err(RunError::Usage(message)) => assert!(!message.trim().is_empty()),
        Err(e @ RunError::Failed { .. }) => assert!(!e.to_string().is_empty()),
        Err(_) => {}
    }
});
