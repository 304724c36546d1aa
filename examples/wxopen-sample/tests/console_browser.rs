//! The simulator console in a real browser: headless Chromium, driven over WebDriver, sends a
//! text to the sample app through the console's form and sees the app's customer-service reply
//! appear in the chat, then runs a burst with duplicate deliveries and sees each push handled
//! once.
//!
//! Needs `chromedriver` (Debian: `chromium` and `chromium-driver`). `cargo xtask test` installs
//! them and sets `WEIXIN_TEST_CHROMEDRIVER` (and `WEIXIN_TEST_CHROMIUM`); without the variable a
//! plain `cargo test` skips this test with a note. `WEIXIN_CONSOLE_SCREENSHOT=path.png` saves a
//! screenshot of the console after the exchange (docs/img/console.png is one).

mod support;

use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};
use wxopen_demo::{Stage, StageConfig};

/// The whole test, browser start included, ends within this.
const TEST_TIMEOUT: Duration = Duration::from_secs(120);
/// How long chromedriver may take to listen.
const DRIVER_START: Duration = Duration::from_secs(15);
/// How long the reply may take to show in the chat (the console polls every second).
const REPLY_WAIT: Duration = Duration::from_secs(20);

const TEXT: &str = "hello from the browser";

/// `chromedriver` on a free loopback port; killed when dropped.
struct Driver {
    _child: Child,
    url: String,
}

async fn start_chromedriver(path: &str) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start chromedriver `{path}` (WEIXIN_TEST_CHROMEDRIVER): {e}; \
                 install it with `apt-get install -y chromium chromium-driver`"
            )
        });
    let deadline = Instant::now() + DRIVER_START;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Driver {
        _child: child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

async fn browser(driver: &Driver) -> Client {
    let mut options = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--window-size=1280,1500", "--lang=en-US"],
    });
    if let Ok(binary) = std::env::var("WEIXIN_TEST_CHROMIUM") {
        options["binary"] = json!(binary);
    }
    let caps = json!({"browserName": "chrome", "goog:chromeOptions": options});
    let serde_json::Value::Object(caps) = caps else {
        unreachable!("a JSON object literal")
    };
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"))
}

async fn fill(client: &Client, id: &str, value: &str) {
    let input = client.find(Locator::Id(id)).await.expect(id);
    input.clear().await.expect("clear");
    input.send_keys(value).await.expect("type");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_text_sent_from_the_console_gets_the_apps_reply_in_the_chat() {
    let Ok(chromedriver) = std::env::var("WEIXIN_TEST_CHROMEDRIVER") else {
        eprintln!(
            "skipped: WEIXIN_TEST_CHROMEDRIVER is not set (`cargo xtask test` sets it; or \
             `apt-get install -y chromium chromium-driver` and set it to /usr/bin/chromedriver)"
        );
        return;
    };
    assert!(
        !chromedriver.is_empty(),
        "WEIXIN_TEST_CHROMEDRIVER is empty: `cargo xtask test` could not find or install \
         chromium and chromium-driver (its log says why)"
    );
    tokio::time::timeout(TEST_TIMEOUT, run(&chromedriver))
        .await
        .expect("the browser test finished in time");
}

async fn run(chromedriver: &str) {
    let stage = Stage::start(&StageConfig::new(support::binary(), "memory"))
        .await
        .unwrap_or_else(|e| panic!("cannot start the stage: {e}"));
    let driver = start_chromedriver(chromedriver).await;
    let client = browser(&driver).await;
    let result = drive(&client, &stage).await;
    if let Ok(path) = std::env::var("WEIXIN_CONSOLE_SCREENSHOT") {
        // One more poll of the console, so every table is in the language now shown.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let png = client.screenshot().await.expect("screenshot");
        std::fs::write(&path, png).expect("write the screenshot");
    }
    client.close().await.expect("close the browser");
    drop(driver);
    for (name, stopped) in stage.stop().await {
        assert_eq!(stopped, Ok(()), "{name} did not stop cleanly");
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The user's steps; an error says what was not seen.
async fn drive(client: &Client, stage: &Stage) -> Result<(), String> {
    client
        .goto(&format!("{}/sim/console", stage.sim.base_url()))
        .await
        .map_err(|e| format!("open the console: {e}"))?;
    // The app list comes from /sim/apps: the stage's fresh appid shows once the page loaded.
    client
        .wait()
        .at_most(REPLY_WAIT)
        .for_element(Locator::Css(&format!(
            "#appid option[value='{}']",
            stage.appid
        )))
        .await
        .map_err(|e| format!("the app list never showed {}: {e}", stage.appid))?;
    fill(client, "url", &format!("{}/wxopen", stage.app_url(0))).await;
    fill(client, "token", &stage.token).await;
    fill(client, "aes-key", &stage.aes_key).await;
    fill(client, "from", "o-browser-user").await;
    let mode = client
        .find(Locator::Id("mode"))
        .await
        .map_err(|e| e.to_string())?;
    mode.select_by_value("safe")
        .await
        .map_err(|e| e.to_string())?;
    fill(client, "f-content", TEXT).await;
    click(client, "send").await?;

    let reply = format!("You said: {TEXT}");
    let bubble = client
        .wait()
        .at_most(REPLY_WAIT)
        .for_element(Locator::XPath(&format!(
            "//div[contains(@class,'bubble') and contains(@class,'app') and contains(., '{reply}')]"
        )))
        .await
        .map_err(|e| format!("the app's reply never appeared in the chat: {e}"))?;
    let text = bubble.text().await.map_err(|e| e.to_string())?;
    if !text.starts_with(&reply) {
        return Err(format!("reply bubble says {text:?}"));
    }
    // The user's own message is in the chat before it, and the request panel shows the
    // encrypted envelope, its decryption and the app's answer.
    let user = client
        .find(Locator::Css("#chat .bubble.user"))
        .await
        .map_err(|e| format!("no user bubble: {e}"))?;
    let user_text = user.text().await.map_err(|e| e.to_string())?;
    if !user_text.starts_with(TEXT) {
        return Err(format!("user bubble says {user_text:?}"));
    }
    let plain = text_of(client, "req-plain").await?;
    if !plain.contains(&format!("<Content><![CDATA[{TEXT}]]></Content>")) {
        return Err(format!("the decrypted request is {plain:?}"));
    }
    let body = text_of(client, "req-body").await?;
    if body.contains(TEXT) || !body.contains("<Encrypt>") {
        return Err(format!("safe mode body {body:?}"));
    }
    let answer = text_of(client, "reply").await?;
    if !answer.starts_with("success") {
        return Err(format!("the answer shows {answer:?}"));
    }
    let banner = client
        .find(Locator::Id("error"))
        .await
        .map_err(|e| e.to_string())?;
    if banner.is_displayed().await.map_err(|e| e.to_string())? {
        return Err(format!(
            "error banner: {}",
            banner.text().await.unwrap_or_default()
        ));
    }
    // A burst: 10 pushes, each delivered twice at once with the same MsgId; the sample
    // deduplicates, so each is handled once.
    fill(client, "b-count", "10").await;
    fill(client, "b-conc", "10").await;
    let copies = client
        .find(Locator::Id("b-copies"))
        .await
        .map_err(|e| e.to_string())?;
    copies
        .select_by_value("2")
        .await
        .map_err(|e| e.to_string())?;
    click(client, "burst").await?;
    let handled = client
        .wait()
        .at_most(REPLY_WAIT)
        .for_element(Locator::Id("handled"))
        .await
        .map_err(|e| format!("the burst result never appeared: {e}"))?;
    let handled = handled.text().await.map_err(|e| e.to_string())?;
    if handled != "handled once: 10 · handled more than once: 0 · not handled: 0" {
        return Err(format!("burst: {handled:?}"));
    }
    // The language toggle switches the labels, the results already shown included, and back.
    for (title, burst) in [
        (
            "微信模拟器控制台",
            "只处理一次: 10 · 重复处理: 0 · 未处理: 0",
        ),
        ("WeChat simulator console", handled.as_str()),
    ] {
        click(client, "lang").await?;
        let shown = (
            text_of_css(client, "h1").await?,
            text_of(client, "handled").await?,
        );
        if shown != (title.to_owned(), burst.to_owned()) {
            return Err(format!("after the language toggle: {shown:?}"));
        }
    }
    Ok(())
}

async fn text_of_css(client: &Client, css: &str) -> Result<String, String> {
    let element = client
        .find(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?;
    element.text().await.map_err(|e| format!("{css}: {e}"))
}

async fn text_of(client: &Client, id: &str) -> Result<String, String> {
    let element = client
        .find(Locator::Id(id))
        .await
        .map_err(|e| format!("#{id}: {e}"))?;
    element.text().await.map_err(|e| format!("#{id}: {e}"))
}

async fn click(client: &Client, id: &str) -> Result<(), String> {
    let element = client
        .find(Locator::Id(id))
        .await
        .map_err(|e| format!("#{id}: {e}"))?;
    element
        .click()
        .await
        .map_err(|e| format!("click #{id}: {e}"))
}
