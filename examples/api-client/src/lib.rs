//! An API-only client: no push handling, just calls to WeChat's API with an access token that
//! several processes share through Redis.
//!
//! Every process builds its own [`Weixin`] registry over the same Redis cache and lock. When
//! they all need a token at once, one process fetches it (the others wait on the distributed
//! lock and then read what it stored): one fetch per expiry for the whole fleet, no token war.
//!
//! `cargo run -p api-client -- --redis redis://127.0.0.1:6379 --api-base http://127.0.0.1:8081
//! --processes 4` starts 4 copies of itself ([`run_fleet`]); each one ([`run_child`]) sends a
//! customer-service message and reports how many tokens it fetched; the parent adds them up.
#![forbid(unsafe_code)]

use std::process::Stdio;

use clap::Parser;
use weixin::official_account::api::custom::CustomMessage;
use weixin::{AppConfig, OfficialAccount, Weixin};

/// Any error of this example.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The line prefix a child prints its token fetches with.
const FETCHES: &str = "token_fetches=";

/// Command-line options (the same for the parent and its children).
#[derive(Debug, Clone, Parser)]
#[command(about = "Calls a WeChat API from several processes sharing one token through Redis")]
pub struct Args {
    /// Redis URL of the shared token cache and lock.
    #[arg(long)]
    pub redis: String,
    /// WeChat API base URL (a `weixin sim serve` address, or `https://api.weixin.qq.com`).
    #[arg(long, default_value = weixin::client::DEFAULT_API_BASE)]
    pub api_base: String,
    /// How many processes to start.
    #[arg(long, default_value_t = 4)]
    pub processes: u32,
    /// The app's appid (the AppSecret comes from `WEIXIN_APPSECRET`, else the simulator's
    /// `sim-secret`).
    #[arg(long, default_value = "wx00000000000000a1")]
    pub appid: String,
    /// Who gets the customer-service messages.
    #[arg(long, default_value = "o-api-client-user")]
    pub openid: String,
    /// Cache key prefix (tests use a fresh one per run).
    #[arg(long, default_value = "weixin")]
    pub key_prefix: String,
    /// Internal: run as child number N.
    #[arg(long, hide = true)]
    pub child: Option<u32>,
}

/// What the parent saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSummary {
    /// Children that made their call successfully.
    pub succeeded: u32,
    /// Children that failed.
    pub failed: u32,
    /// Access tokens fetched from WeChat, summed over all children.
    pub token_fetches: u64,
}

/// The registry of one process: the shared Redis cache (and its lock, which the registry takes
/// from the cache), one app.
///
/// # Errors
/// Redis unreachable, or an invalid configuration.
pub async fn connect(args: &Args) -> Result<Weixin, BoxError> {
    let redis = weixin::cache::from_url(&args.redis).await?;
    let secret = std::env::var("WEIXIN_APPSECRET").unwrap_or_else(|_| "sim-secret".to_owned());
    let weixin = Weixin::builder()
        .cache(redis)
        .api_base(&args.api_base)
        .key_prefix(&args.key_prefix)
        .app(AppConfig::new(&args.appid, secret))
        .build()?;
    Ok(weixin)
}

/// Child mode: one customer-service message, then how many tokens this process fetched.
///
/// # Errors
/// Redis or the API call failed.
pub async fn run_child(args: &Args, index: u32) -> Result<u64, BoxError> {
    let weixin = connect(args).await?;
    let mp = OfficialAccount::new(weixin.app(&args.appid)?).api();
    let text = format!("hello from process {index}");
    mp.custom()
        .send(&CustomMessage::text(&args.openid, text))
        .await?;
    Ok(weixin.stats().token_fetches)
}

/// Parent mode: starts `args.processes` copies of this program at once and adds up what they
/// report.
///
/// # Errors
/// The program could not start itself.
pub async fn run_fleet(args: &Args) -> Result<FleetSummary, BoxError> {
    let exe = std::env::current_exe()?;
    let mut children = Vec::new();
    for index in 0..args.processes {
        let child = tokio::process::Command::new(&exe)
            .args(["--redis", &args.redis, "--api-base", &args.api_base])
            .args(["--appid", &args.appid, "--openid", &args.openid])
            .args(["--key-prefix", &args.key_prefix])
            .args(["--child", &index.to_string()])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        children.push(child);
    }
    let mut summary = FleetSummary {
        succeeded: 0,
        failed: 0,
        token_fetches: 0,
    };
    for child in children {
        let output = child.wait_with_output().await?;
        let fetches = String::from_utf8_lossy(&output.stdout)
            .lines()
            .find_map(|line| line.strip_prefix(FETCHES)?.trim().parse::<u64>().ok());
        match fetches {
            Some(n) if output.status.success() => {
                summary.succeeded += 1;
                summary.token_fetches += n;
            }
            _ => summary.failed += 1,
        }
    }
    Ok(summary)
}

/// Runs the program: child mode with `--child N`, else the parent.
///
/// # Errors
/// What [`run_child`] or [`run_fleet`] report, or a child that failed.
pub async fn run(args: Args) -> Result<(), BoxError> {
    if let Some(index) = args.child {
        let fetches = run_child(&args, index).await?;
        println!("{FETCHES}{fetches}");
        return Ok(());
    }
    let summary = run_fleet(&args).await?;
    println!(
        "{} processes: {} calls succeeded, {} failed; access tokens fetched: {}",
        args.processes, summary.succeeded, summary.failed, summary.token_fetches
    );
    if summary.failed > 0 {
        return Err(format!("{} process(es) failed", summary.failed).into());
    }
    Ok(())
}
