//! Hostile arguments and stdin through `weixin_cli::run_with_input` (the same code as the
//! binary, without network or filesystem): every case is a clear error, never a panic. Also the
//! regression tests of what the `cli_input` fuzz target and its review found.

use weixin_cli::{RunError, run_with_input};

const KEY_C: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const C_ENCRYPT: &str = "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=";
const C_MESSAGE: &str = r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}"#;

fn run(args: &[&str], stdin: &[u8]) -> Result<weixin_cli::Output, RunError> {
    run_with_input(std::iter::once("weixin").chain(args.iter().copied()), stdin)
}

/// The command fails (exit code 1) and its error contains `needle`.
fn fails_with(args: &[&str], stdin: &[u8], needle: &str) {
    match run(args, stdin) {
        Err(e @ RunError::Failed { .. }) => {
            assert!(e.to_string().contains(needle), "{args:?}: {e}");
        }
        other => panic!("{args:?}: expected a failure with {needle:?}, got {other:?}"),
    }
}

fn decrypt_c(stdin: &[u8]) -> Result<weixin_cli::Output, RunError> {
    run(
        &[
            "crypto",
            "decrypt",
            "--token",
            "AAAAA",
            "--aes-key",
            KEY_C,
            "--appid",
            "wxba5fad812f8e6fb9",
            "--timestamp",
            "1714112445",
            "--nonce",
            "415670741",
            "--msg-signature",
            "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3",
        ],
        stdin,
    )
}

#[test]
fn the_official_vector_decrypts_in_memory() {
    let body = format!(r#"{{"ToUserName":"gh_97417a04a28d","Encrypt":"{C_ENCRYPT}"}}"#);
    let out = decrypt_c(body.as_bytes()).unwrap();
    assert_eq!(out.stdout, C_MESSAGE.as_bytes());
    assert!(out.stderr.is_empty());
}

#[test]
fn hostile_push_bodies_on_stdin_are_errors() {
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_xml = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><xml><Encrypt>&lol2;</Encrypt></xml>";
    let xxe = "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Encrypt>&x;</Encrypt></xml>";
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        (
            "invalid UTF-8 XML",
            b"<xml><Encrypt>\xff\xfe</Encrypt></xml>".to_vec(),
        ),
        ("invalid UTF-8 JSON", b"{\"Encrypt\":\"\xc3\x28\"}".to_vec()),
        ("deep JSON", deep_json.into_bytes()),
        ("deep XML", deep_xml.into_bytes()),
        ("entity bomb", bomb.as_bytes().to_vec()),
        ("external entity", xxe.as_bytes().to_vec()),
        ("1 MiB of spaces", vec![b' '; 1 << 20]),
        ("Encrypt not base64", br#"{"Encrypt":"!!!!"}"#.to_vec()),
    ];
    for (name, body) in bodies {
        match decrypt_c(&body) {
            Err(e @ RunError::Failed { .. }) => assert!(!e.to_string().is_empty(), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn hostile_stdin_for_encrypt_and_open_data() {
    let encrypt = [
        "crypto",
        "encrypt",
        "--token",
        "t",
        "--aes-key",
        KEY_C,
        "--appid",
        "wx",
    ];
    fails_with(&encrypt, b"\xff\xfe", "not valid UTF-8");
    let data = [
        "crypto",
        "decrypt-data",
        "--session-key",
        "tiihtNczf5v6AKRyjwEUhQ==",
        "--iv",
        "r7BXXKkLb8qrSNn05n0qiA==",
    ];
    fails_with(&data, b"\xff", "not text");
    for stdin in [&b""[..], b"!!!!", b"AAAA", b"AAAAAAAAAAAAAAAAAAAAAA=="] {
        assert!(
            matches!(run(&data, stdin), Err(RunError::Failed { .. })),
            "{stdin:?}"
        );
    }
    let bad_iv = [
        "crypto",
        "decrypt-data",
        "--session-key",
        "tiihtNczf5v6AKRyjwEUhQ==",
        "--iv",
        "short",
    ];
    assert!(matches!(
        run(&bad_iv, b"AAAAAAAAAAAAAAAAAAAAAA=="),
        Err(RunError::Failed { .. })
    ));
    fails_with(
        &[
            "crypto",
            "decrypt-data",
            "--session-key",
            "x",
            "--iv",
            "r7BXXKkLb8qrSNn05n0qiA==",
        ],
        b"",
        "--session-key",
    );
}

#[test]
fn hostile_keys_and_numbers_in_arguments() {
    // Keys of the wrong length or alphabet.
    for key in [
        "",
        "short",
        &"A".repeat(44),
        &"!".repeat(43),
        &"é".repeat(43),
    ] {
        let args = [
            "crypto",
            "decrypt",
            "--token",
            "t",
            "--aes-key",
            key,
            "--appid",
            "wx",
            "--timestamp",
            "1",
            "--nonce",
            "1",
            "--msg-signature",
            "00",
        ];
        assert!(
            matches!(run(&args, b"{}"), Err(RunError::Failed { .. })),
            "{key}"
        );
    }
    // Numbers out of range are usage errors (exit code 2).
    for args in [
        &[
            "crypto",
            "encrypt",
            "--token",
            "t",
            "--aes-key",
            KEY_C,
            "--appid",
            "wx",
            "--timestamp",
            "18446744073709551616",
        ][..],
        &[
            "crypto",
            "encrypt",
            "--token",
            "t",
            "--aes-key",
            KEY_C,
            "--appid",
            "wx",
            "--timestamp",
            "-1",
        ],
        &["sim", "serve", "--token-ttl", "-5"],
        &["sim", "serve", "--listen", "999.0.0.1:1"],
        &["sim", "serve", "--listen", "127.0.0.1:65536"],
        &[
            "sim",
            "push",
            "--url",
            "http://x",
            "--token",
            "t",
            "--appid",
            "wx",
            "--attempts",
            "4294967296",
            "text",
            "hi",
        ],
    ] {
        assert!(
            matches!(run(args, b""), Err(RunError::Usage(_))),
            "{args:?}"
        );
    }
    // Shares that are not in 0..1, including NaN and infinity.
    for v in ["NaN", "inf", "-0.1", "1.5"] {
        fails_with(
            &["sim", "serve", &format!("--busy={v}")],
            b"",
            "--busy must be between 0 and 1",
        );
    }
    // Timestamps far in the past or future are fine for a reply.
    for ts in ["0", "18446744073709551615"] {
        let out = run(
            &[
                "crypto",
                "encrypt",
                "--token",
                "t",
                "--aes-key",
                KEY_C,
                "--appid",
                "wx",
                "--timestamp",
                ts,
                "--nonce",
                "n",
            ],
            b"hi",
        )
        .unwrap();
        assert!(String::from_utf8(out.stdout).unwrap().contains(ts));
    }
}

/// Regression: `--token-ttl 18446744073709551615` was accepted, and the simulator's expiry
/// (`now_ms + ttl_ms` in a `u64`) overflowed on the first token request.
#[test]
fn an_absurd_token_ttl_is_refused() {
    fails_with(
        &["sim", "serve", "--token-ttl", "18446744073709551615"],
        b"",
        "--token-ttl must be at most",
    );
    let max = weixin_cli::sim_cmd::MAX_TOKEN_TTL_SECS.to_string();
    let out = run(&["sim", "serve", "--token-ttl", &max], b"").unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("would serve")
    );
}

#[test]
fn serve_takes_signing_and_allowed_hosts() {
    let out = run(&["sim", "serve"], b"").unwrap();
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(plan.contains("signing off, allowed hosts []"), "{plan}");
    let args = [
        "sim",
        "serve",
        "--signing",
        "--allow-host",
        "sim.internal",
        "--allow-host",
        "b:1",
    ];
    let out = run(&args, b"").unwrap();
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(
        plan.contains(r#"signing on, allowed hosts ["sim.internal", "b:1"]"#),
        "{plan}"
    );
}

#[test]
fn hostile_push_urls_and_keys_are_refused_before_sending() {
    let push = |url: &'static str, extra: &[&'static str]| {
        let mut args = vec!["sim", "push", "--url", url, "--token", "t", "--appid", "wx"];
        args.extend_from_slice(extra);
        args.extend(["text", "hi"]);
        args
    };
    for url in [
        "",
        "not a url",
        "127.0.0.1:8080/wxopen",
        "http://",
        "file:///etc/passwd",
        "ftp://x/y",
        "javascript:alert(1)",
    ] {
        fails_with(&push(url, &[]), b"", "--url");
    }
    fails_with(
        &push("http://127.0.0.1:1/cb", &["--mode", "safe"]),
        b"",
        "--aes-key",
    );
    fails_with(
        &push("http://127.0.0.1:1/cb", &["--aes-key", "short"]),
        b"",
        "--aes-key",
    );
    fails_with(
        &push("http://127.0.0.1:1/cb", &["--sim", "nowhere"]),
        b"",
        "--sim",
    );
    fails_with(
        &[
            "sim",
            "verify",
            "--url",
            "mailto:a@b",
            "--token",
            "t",
            "--appid",
            "wx",
        ],
        b"",
        "--url",
    );
    // The control: valid arguments are described, not sent (nothing listens on port 1).
    let out = run(
        &push(
            "http://127.0.0.1:1/cb",
            &["--aes-key", KEY_C, "--format", "json"],
        ),
        b"",
    )
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("would push text from o-sim-user"),
        "{text}"
    );
    assert!(text.contains("Safe"), "{text}");
    assert!(!text.contains(KEY_C), "the key is not printed: {text}");
}

#[test]
fn hostile_command_lines_are_usage_errors() {
    for args in [
        &[][..],
        &["crypto"],
        &["nope"],
        &["crypto", "sign", "--token"],
        &[
            "crypto",
            "sign",
            "--token",
            "t",
            "--token",
            "u",
            "--timestamp",
            "1",
            "--nonce",
            "1",
        ],
        &[
            "crypto",
            "encrypt",
            "--token",
            "t",
            "--aes-key",
            KEY_C,
            "--appid",
            "wx",
            "--format",
            "yaml",
        ],
        &[
            "sim", "push", "--url", "http://x", "--token", "t", "--appid", "wx",
        ],
    ] {
        match run(args, b"") {
            Err(RunError::Usage(message)) => assert!(!message.trim().is_empty()),
            other => panic!("{args:?}: {other:?}"),
        }
    }
    // --help and --version print on stdout, like the binary.
    let help = run(&["crypto", "decrypt", "--help"], b"").unwrap();
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("--msg-signature")
    );
    let version = run(&["--version"], b"").unwrap();
    assert!(
        String::from_utf8(version.stdout)
            .unwrap()
            .starts_with("weixin ")
    );
    // Empty and odd strings are signed as given.
    let out = run(
        &[
            "crypto",
            "sign",
            "--token",
            "",
            "--timestamp",
            "",
            "--nonce",
            "\u{0}é",
        ],
        b"",
    )
    .unwrap();
    assert_eq!(out.stdout.len(), 41);
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_usage_errors() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    let args = [
        "weixin",
        "crypto",
        "sign",
        "--token",
        "t",
        "--timestamp",
        "1",
        "--nonce",
    ]
    .into_iter()
    .map(OsString::from)
    .chain([OsString::from_vec(b"\xff\xfe".to_vec())]);
    match run_with_input(args, b"") {
        Err(RunError::Usage(message)) => assert!(message.contains("UTF-8"), "{message}"),
        other => panic!("{other:?}"),
    }
}
