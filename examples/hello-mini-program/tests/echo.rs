//! The hello example end to end: its binary behind the simulator, on the memory cache and on
//! Redis, and two processes of it sharing Redis.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use weixin_sim::{
    EncryptMode, Push, PushDriver, PushFormat, PushTarget, RunningSim, SimApp, SimConfig, Simulator,
};

const APPID: &str = "wx4f4bc4dec97d474b";
const SECRET: &str = "hello-secret";
const TOKEN: &str = "hello-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// `WEIXIN_TEST_REDIS_URL`; fails the test with the way to set it when missing.
fn redis_url() -> String {
    std::env::var("WEIXIN_TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!(
            "WEIXIN_TEST_REDIS_URL is not set: run `cargo xtask test`, or start a server \
             (`redis-server --port 6391 --save '' --daemonize yes`) and set \
             WEIXIN_TEST_REDIS_URL=redis://127.0.0.1:6391"
        )
    })
}

async fn simulator() -> RunningSim {
    Simulator::start(SimConfig::new().app(SimApp::new(APPID, SECRET)))
        .await
        .expect("simulator")
}

/// One running process of the example; killed when dropped.
struct Hello {
    child: Child,
    url: String,
}

impl Hello {
    /// Starts the binary with the sample's environment contract and waits for its address.
    async fn start(sim: &RunningSim, cache: &str, aes_key: Option<&str>) -> Hello {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hello-mini-program"));
        command
            .env_clear()
            .env("WEIXIN_APPID", APPID)
            .env("WEIXIN_APPSECRET", SECRET)
            .env("WEIXIN_TOKEN", TOKEN)
            .env("WEIXIN_API_BASE", sim.base_url())
            .env("WEIXIN_CACHE", cache)
            .env("WEIXIN_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        if let Some(key) = aes_key {
            command.env("WEIXIN_ENCODING_AES_KEY", key);
        }
        let mut child = command.spawn().expect("spawn the hello example");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the example prints its address within 20 s")
            .expect("read stdout")
            .expect("a line on stdout");
        let addr = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        Hello {
            child,
            url: format!("http://{addr}/wxopen"),
        }
    }

    fn driver(&self, sim: &RunningSim, mode: EncryptMode) -> PushDriver {
        let mut target = PushTarget::new(self.url.clone(), TOKEN, APPID)
            .format(PushFormat::Json)
            .mode(mode);
        if mode != EncryptMode::Plain {
            target = target.aes_key(AES_KEY).expect("key");
        }
        PushDriver::new(target)
            .expect("driver")
            .attach(sim.handle().clone())
    }
}

impl Drop for Hello {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// The texts the app sent `openid` through the simulated customer-service API.
fn texts_to(sim: &RunningSim, openid: &str) -> Vec<String> {
    sim.handle()
        .messages_to(openid)
        .iter()
        .filter_map(|m| m.text().map(str::to_owned))
        .collect()
}

async fn echoes_one_text(cache: &str, mode: EncryptMode) {
    let sim = simulator().await;
    let key = (mode != EncryptMode::Plain).then_some(AES_KEY);
    let hello = Hello::start(&sim, cache, key).await;
    let driver = hello.driver(&sim, mode);
    let verify = driver.verify_url().await;
    assert!(verify.ok, "URL verification: {verify:?}");
    let report = driver
        .send(&Push::text("o_hello_user", "hi there"))
        .await
        .expect("push");
    assert!(
        report.reply_accepted(mode == EncryptMode::Safe),
        "the push was answered: {report:?}"
    );
    assert_eq!(texts_to(&sim, "o_hello_user"), ["echo: hi there"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn echoes_a_text_on_the_memory_cache_in_safe_mode() {
    echoes_one_text("memory", EncryptMode::Safe).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn echoes_a_text_on_the_memory_cache_in_plain_mode() {
    echoes_one_text("memory", EncryptMode::Plain).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn echoes_a_text_on_redis() {
    echoes_one_text(&redis_url(), EncryptMode::Safe).await;
}

/// The cache was named once, to the registry, and still reached dedup: the same push delivered
/// to two processes at once is echoed once.
#[tokio::test(flavor = "multi_thread")]
async fn two_processes_on_one_redis_echo_a_push_delivered_to_both_once() {
    let sim = simulator().await;
    let redis = redis_url();
    let (a, b) = tokio::join!(
        Hello::start(&sim, &redis, Some(AES_KEY)),
        Hello::start(&sim, &redis, Some(AES_KEY))
    );
    let driver = a.driver(&sim, EncryptMode::Safe);
    for round in 0..5 {
        let openid = format!("o_twice_{round}");
        sim.handle().user_messaged(APPID, &openid);
        let push = driver
            .prepare(&Push::text(openid.as_str(), format!("round {round}")))
            .expect("prepare");
        let mut other = push.clone();
        other.url = other.url.replacen(&a.url, &b.url, 1);
        let (first, second) = tokio::join!(driver.resend(&push), driver.resend(&other));
        assert!(
            first.reply_accepted(true) && second.reply_accepted(true),
            "both deliveries answered: {first:?} {second:?}"
        );
        assert_eq!(
            texts_to(&sim, &openid),
            [format!("echo: round {round}")],
            "one push delivered to two servers at once is echoed once"
        );
    }
}
