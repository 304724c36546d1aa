//! Runs the real `weixin sim` commands.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use weixin_crypto::MsgCrypt;

const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// A running `weixin sim serve`, killed on drop.
struct Serve {
    child: Child,
    base: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(extra: &[&str]) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_weixin"))
        .args(["sim", "serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn weixin sim serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = lines.next().expect("a first line").expect("UTF-8");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let info = lines.next().expect("a second line").expect("UTF-8");
    assert!(info.contains("/sim/calls"), "{info}");
    let console = lines.next().expect("a third line").expect("UTF-8");
    assert_eq!(console, format!("console: {base}/sim/console"));
    Serve { child, base }
}

#[test]
fn the_printed_console_url_serves_the_page() {
    let sim = serve(&[]);
    let (status, body) = http(&sim.base, "GET", "/sim/console", "");
    assert_eq!(status, 200);
    assert!(body.contains("/sim/console/app.js"), "{body}");
}

/// One HTTP/1.1 request over a plain socket; returns (status, body).
fn http(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn serve_answers_token_requests_with_the_given_app() {
    let sim = serve(&[
        "--appid",
        "wxclitest",
        "--secret",
        "cli-secret",
        "--token-ttl",
        "600",
    ]);
    let (status, body) = http(
        &sim.base,
        "GET",
        "/cgi-bin/token?grant_type=client_credential&appid=wxclitest&secret=cli-secret",
        "",
    );
    assert_eq!(status, 200);
    assert!(body.contains("\"access_token\""), "{body}");
    assert!(body.contains("\"expires_in\":600"), "{body}");
    let (_, wrong) = http(
        &sim.base,
        "GET",
        "/cgi-bin/token?grant_type=client_credential&appid=wxclitest&secret=nope",
        "",
    );
    assert!(wrong.contains("\"errcode\":40125"), "{wrong}");
    let (_, calls) = http(&sim.base, "GET", "/sim/calls", "");
    assert!(calls.contains("\"/cgi-bin/token\":2"), "{calls}");
}

#[test]
fn serve_injects_faults() {
    let sim = serve(&["--busy", "1", "--seed", "9"]);
    let (status, body) = http(&sim.base, "GET", "/cgi-bin/token", "");
    assert_eq!(status, 200);
    assert!(body.contains("\"errcode\":-1"), "{body}");
    let sim = serve(&["--fail5xx", "1"]);
    assert_eq!(http(&sim.base, "GET", "/cgi-bin/token", "").0, 503);
}

#[test]
fn serve_rejects_bad_shares() {
    let out = Command::new(env!("CARGO_BIN_EXE_weixin"))
        .args(["sim", "serve", "--listen", "127.0.0.1:0", "--busy", "1.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--busy must be between 0 and 1"));
}

struct Captured {
    target: String,
    body: String,
}

/// A one-thread HTTP callback: answers each request with the next (status, body).
fn callback(answers: Vec<(u16, &'static str)>) -> (String, mpsc::Receiver<Captured>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/wx", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for (status, reply) in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut len = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let target = request_line.split(' ').nth(1).unwrap().to_owned();
            let _ = tx.send(Captured {
                target,
                body: String::from_utf8(body).unwrap(),
            });
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (url, rx)
}

fn weixin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_weixin"))
        .args(args)
        .output()
        .expect("run weixin")
}

fn query(target: &str, key: &str) -> String {
    let q = target.split_once('?').unwrap().1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn push_sends_an_encrypted_json_text_that_weixin_crypto_accepts() {
    let (url, rx) = callback(vec![(200, "success")]);
    let out = weixin(&[
        "sim",
        "push",
        "--url",
        &url,
        "--token",
        "AAAAA",
        "--aes-key",
        KEY,
        "--appid",
        "wxba5fad812f8e6fb9",
        "--format",
        "json",
        "--mode",
        "safe",
        "text",
        "hello",
        "--from",
        "o-cli",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("attempt 1: HTTP 200"), "{stdout}");
    assert!(stdout.contains("reply: success"), "{stdout}");

    let got = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(query(&got.target, "encrypt_type"), "aes");
    assert_eq!(query(&got.target, "openid"), "o-cli");
    let crypt = MsgCrypt::new("AAAAA", KEY, "wxba5fad812f8e6fb9").unwrap();
    let push = crypt
        .decrypt_push(
            &query(&got.target, "msg_signature"),
            &query(&got.target, "timestamp"),
            &query(&got.target, "nonce"),
            got.body.as_bytes(),
        )
        .expect("a valid encrypted push");
    let msg: serde_json_like::Map = serde_json_like::parse(&push.message);
    assert_eq!(msg.get("Content"), Some("\"hello\""));
    assert_eq!(msg.get("FromUserName"), Some("\"o-cli\""));
    assert_eq!(msg.get("MsgType"), Some("\"text\""));
}

#[test]
fn push_retries_on_5xx_and_fails_when_never_answered() {
    let (url, rx) = callback(vec![(500, ""), (502, ""), (503, "")]);
    let out = weixin(&[
        "sim", "push", "--url", &url, "--token", "t", "--appid", "wx1", "event", "CLICK", "--key",
        "V1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("attempt 3: HTTP 503"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not delivered after 3 attempt(s)"));
    let bodies: Vec<_> = rx.iter().take(3).map(|c| c.body).collect();
    assert!(
        bodies[0].contains("<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[V1]]></EventKey>")
    );
    assert!(
        bodies.iter().all(|b| *b == bodies[0]),
        "retries repeat the same body"
    );
}

#[test]
fn push_text_opens_the_window_in_a_running_simulator() {
    let sim = serve(&[]);
    let (url, _rx) = callback(vec![(200, "success")]);
    let out = weixin(&[
        "sim",
        "push",
        "--url",
        &url,
        "--token",
        "t",
        "--appid",
        "wx00000000000000a1",
        "--sim",
        &sim.base,
        "text",
        "hi",
        "--from",
        "o-window",
    ]);
    assert!(out.status.success());
    let (_, token) = http(
        &sim.base,
        "GET",
        "/cgi-bin/token?grant_type=client_credential&appid=wx00000000000000a1&secret=sim-secret",
        "",
    );
    let token = token.split('"').nth(3).unwrap().to_owned();
    let (_, sent) = http(
        &sim.base,
        "POST",
        &format!("/cgi-bin/message/custom/send?access_token={token}"),
        r#"{"touser":"o-window","msgtype":"text","text":{"content":"reply"}}"#,
    );
    assert!(sent.contains("\"errcode\":0"), "{sent}");
}

#[test]
fn verify_does_the_echostr_check() {
    // The one-thread callback answers 200 with a fixed body, not the echostr: verification fails.
    let (url, rx) = callback(vec![(200, "nope")]);
    let out = weixin(&[
        "sim", "verify", "--url", &url, "--token", "t", "--appid", "wx1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let got = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(!query(&got.target, "echostr").is_empty());
    assert_eq!(query(&got.target, "signature").len(), 40);
}

/// Just enough JSON for flat objects of strings and numbers (no serde_json dev-dependency).
mod serde_json_like {
    pub(super) struct Map(Vec<(String, String)>);

    impl Map {
        pub(super) fn get(&self, key: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        }
    }

    pub(super) fn parse(json: &str) -> Map {
        let inner = json.trim().trim_start_matches('{').trim_end_matches('}');
        Map(inner
            .split(',')
            .filter_map(|kv| {
                let (k, v) = kv.split_once(':')?;
                Some((k.trim().trim_matches('"').to_owned(), v.trim().to_owned()))
            })
            .collect())
    }
}
