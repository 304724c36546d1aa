//! Runs the real `weixin` binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const KEY_B: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const KEY_C: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const B_TOKEN: &str = "spamtest";
const B_APPID: &str = "wx2c2769f8efd9abc2";
const B_TIMESTAMP: &str = "1409735669";
const B_NONCE: &str = "1320562132";
const B_SIG: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const B_ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
const B_DECRYPTED: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";

const OPEN_DATA: &str = "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";
const OPEN_DATA_PLAIN: &str = r#"{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0","unionId":"ocMvos6NjeKLIBqg5Mr9QjxrP1FA","watermark":{"timestamp":1477314187,"appid":"wx4f4bc4dec97d474b"}}"#;

fn b_body(encrypt: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
}

fn weixin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weixin"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn weixin");
    let mut pipe = child.stdin.take().expect("stdin");
    // The process may exit before reading everything (usage errors); ignore broken pipes.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().expect("wait for weixin")
}

fn stdout(o: &Output) -> &str {
    std::str::from_utf8(&o.stdout).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> &str {
    std::str::from_utf8(&o.stderr).expect("UTF-8 stderr")
}

fn decrypt_b(body: &str, sig: &str) -> Output {
    weixin(
        &[
            "crypto",
            "decrypt",
            "--token",
            B_TOKEN,
            "--aes-key",
            KEY_B,
            "--appid",
            B_APPID,
            "--timestamp",
            B_TIMESTAMP,
            "--nonce",
            B_NONCE,
            "--msg-signature",
            sig,
        ],
        body.as_bytes(),
    )
}

#[test]
fn sign_vectors() {
    let o = weixin(
        &[
            "crypto",
            "sign",
            "--token",
            "AAAAA",
            "--timestamp",
            "1714036504",
            "--nonce",
            "1514711492",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "f464b24fc39322e44b38aa78f5edd27bd1441696\n");
    let o = weixin(
        &[
            "crypto",
            "sign",
            "--token",
            B_TOKEN,
            "--timestamp",
            B_TIMESTAMP,
            "--nonce",
            B_NONCE,
            "--encrypt",
            B_ENCRYPT,
        ],
        b"",
    );
    assert_eq!(stdout(&o), format!("{B_SIG}\n"));
}

#[test]
fn decrypt_vector_b_exactly() {
    let o = decrypt_b(&b_body(B_ENCRYPT), B_SIG);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), B_DECRYPTED);
    assert_eq!(stderr(&o), "");
}

#[test]
fn decrypt_tampered_encrypt_fails() {
    let mut tampered = B_ENCRYPT.to_owned();
    tampered.replace_range(5..6, "Z");
    let o = decrypt_b(&b_body(&tampered), B_SIG);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).starts_with("error: msg_signature mismatch"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn decrypt_wrong_signature_fails() {
    let o = decrypt_b(
        &b_body(B_ENCRYPT),
        "5d197aaffba7e9b25a30732f161a50dee96bd5fb",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("msg_signature mismatch"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("Token"), "{}", stderr(&o));
}

#[test]
fn decrypt_bad_bodies_fail_precisely() {
    let o = decrypt_b("<xml><ToUserName>x</ToUserName></xml>", B_SIG);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no Encrypt field"), "{}", stderr(&o));
    let o = decrypt_b("{\"Encrypt\": ", B_SIG);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("malformed JSON push body"),
        "{}",
        stderr(&o)
    );
    let o = decrypt_b("hello", B_SIG);
    assert!(
        stderr(&o).contains("neither XML nor JSON"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn decrypt_with_wrong_appid_or_key() {
    let o = weixin(
        &[
            "crypto",
            "decrypt",
            "--token",
            B_TOKEN,
            "--aes-key",
            KEY_B,
            "--appid",
            "wx_other",
            "--timestamp",
            B_TIMESTAMP,
            "--nonce",
            B_NONCE,
            "--msg-signature",
            B_SIG,
        ],
        b_body(B_ENCRYPT).as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("appid mismatch"), "{}", stderr(&o));
    let o = weixin(
        &[
            "crypto",
            "decrypt",
            "--token",
            B_TOKEN,
            "--aes-key",
            "short",
            "--appid",
            B_APPID,
            "--timestamp",
            B_TIMESTAMP,
            "--nonce",
            B_NONCE,
            "--msg-signature",
            B_SIG,
        ],
        b_body(B_ENCRYPT).as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("EncodingAESKey must be 43 characters, got 5"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn decrypt_with_previous_key() {
    let o = weixin(
        &[
            "crypto",
            "decrypt",
            "--token",
            B_TOKEN,
            "--aes-key",
            KEY_C,
            "--previous-aes-key",
            KEY_B,
            "--appid",
            B_APPID,
            "--timestamp",
            B_TIMESTAMP,
            "--nonce",
            B_NONCE,
            "--msg-signature",
            B_SIG,
        ],
        b_body(B_ENCRYPT).as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), B_DECRYPTED);
    assert!(
        stderr(&o).contains("previous EncodingAESKey"),
        "{}",
        stderr(&o)
    );
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).expect("start marker") + start.len();
    let len = s[from..].find(end).expect("end marker");
    &s[from..from + len]
}

#[test]
fn encrypt_then_decrypt_round_trip() {
    let msg = "<xml><Content><![CDATA[你好, world]]></Content></xml>\n";
    for format in ["xml", "json"] {
        let o = weixin(
            &[
                "crypto",
                "encrypt",
                "--token",
                "tok",
                "--aes-key",
                KEY_C,
                "--appid",
                "wx_app",
                "--timestamp",
                "1713424427",
                "--nonce",
                "415670741",
                "--format",
                format,
            ],
            msg.as_bytes(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let envelope = stdout(&o);
        assert!(envelope.ends_with('\n'));
        let sig = if format == "xml" {
            assert!(
                envelope.starts_with("<xml>\n<Encrypt><![CDATA["),
                "{envelope}"
            );
            assert!(envelope.contains(
                "<TimeStamp>1713424427</TimeStamp>\n<Nonce><![CDATA[415670741]]></Nonce>"
            ));
            between(envelope, "<MsgSignature><![CDATA[", "]]>")
        } else {
            assert!(envelope.starts_with("{\"Encrypt\":\""), "{envelope}");
            assert!(envelope.contains("\"TimeStamp\":1713424427,\"Nonce\":\"415670741\""));
            between(envelope, "\"MsgSignature\":\"", "\"")
        };
        assert_eq!(sig.len(), 40);
        let back = weixin(
            &[
                "crypto",
                "decrypt",
                "--token",
                "tok",
                "--aes-key",
                KEY_C,
                "--appid",
                "wx_app",
                "--timestamp",
                "1713424427",
                "--nonce",
                "415670741",
                "--msg-signature",
                sig,
            ],
            envelope.as_bytes(),
        );
        assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
        assert_eq!(stdout(&back), msg);
    }
}

#[test]
fn encrypt_defaults_timestamp_and_nonce() {
    let o = weixin(
        &[
            "crypto",
            "encrypt",
            "--token",
            "t",
            "--aes-key",
            KEY_C,
            "--appid",
            "wx",
        ],
        b"hi",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let ts: u64 = between(out, "<TimeStamp>", "</TimeStamp>").parse().unwrap();
    assert!(ts > 1_700_000_000);
    let nonce = between(out, "<Nonce><![CDATA[", "]]>");
    assert!(
        !nonce.is_empty() && nonce.bytes().all(|b| b.is_ascii_digit()),
        "{nonce}"
    );
}

#[test]
fn encrypt_rejects_non_utf8() {
    let o = weixin(
        &[
            "crypto",
            "encrypt",
            "--token",
            "t",
            "--aes-key",
            KEY_C,
            "--appid",
            "wx",
        ],
        b"\xff",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
}

#[test]
fn decrypt_data_sample() {
    let args = |appid: Option<&str>| {
        let mut v = vec![
            "crypto",
            "decrypt-data",
            "--session-key",
            "tiihtNczf5v6AKRyjwEUhQ==",
            "--iv",
            "r7BXXKkLb8qrSNn05n0qiA==",
        ];
        if let Some(a) = appid {
            v.extend(["--appid", a]);
        }
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let input = format!("\n  {OPEN_DATA}\n");
    let run = |a: Vec<String>| {
        weixin(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            input.as_bytes(),
        )
    };

    let o = run(args(Some("wx4f4bc4dec97d474b")));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), OPEN_DATA_PLAIN);

    let o = run(args(None));
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), OPEN_DATA_PLAIN);

    let o = run(args(Some("wx_wrong")));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("appid mismatch")
            && err.contains("wx_wrong")
            && err.contains("wx4f4bc4dec97d474b"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    let o = weixin(&["crypto", "decrypt", "--token", "t"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = weixin(
        &[
            "crypto",
            "encrypt",
            "--token",
            "t",
            "--aes-key",
            KEY_C,
            "--appid",
            "a",
            "--format",
            "yaml",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    for cmd in ["sign", "decrypt", "encrypt", "decrypt-data"] {
        let o = weixin(&["crypto", cmd, "--help"], b"");
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("Example"), "{cmd}: {}", stdout(&o));
        assert!(
            stdout(&o).contains(&format!("weixin crypto {cmd}")),
            "{cmd}"
        );
    }
}
