//! `weixin sim …`: run the offline WeChat platform, send pushes to a callback.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use weixin_sim::{
    AttemptOutcome, EncryptMode, Faults, Push, PushDriver, PushFormat, PushReport, PushTarget,
    ReplyCheck, SimApp, SimConfig, Simulator,
};

use url::Url;

use crate::CliError;

const SERVE_HELP: &str = "\
Serves the WeChat API endpoints the SDK calls (cgi-bin/token, stable_token,
sns/jscode2session, custom/send, media, wxacode, subscribe/send, …) with WeChat's
semantics, plus inspection endpoints under /sim/ (calls, messages, tokens, codes,
clock, faults) and a browser console at /sim/console (compose and send pushes, watch
the conversation, tokens, calls, faults, run bursts). The first line printed is the
base URL; point your SDK's API base at it. Runs until Ctrl-C.

Example:
  $ weixin sim serve --listen 127.0.0.1:8081 --appid wx1234 --secret s3cret --busy 0.05
  http://127.0.0.1:8081
  app wx1234 (original id gh_1234); inspect http://127.0.0.1:8081/sim/calls, …
  console: http://127.0.0.1:8081/sim/console
  $ curl -s -X POST http://127.0.0.1:8081/sim/codes -d '{\"openid\":\"o-me\"}' \\
      -H 'content-type: application/json'
  {\"appid\":\"wx1234\",\"code\":\"…\",\"openid\":\"o-me\"}";

const PUSH_HELP: &str = "\
Builds a push as WeChat would (signature, timestamp, nonce, openid; with --aes-key also
encrypt_type=aes and msg_signature), POSTs it to --url with a 5 s timeout per attempt,
three attempts in all on timeout / connection error / HTTP 5xx, and prints every attempt
and the (decrypted) reply. Exit code 1 when no attempt got a 2xx answer.

Example:
  $ weixin sim push --url http://127.0.0.1:8080/wxopen --token AAAAA \\
      --aes-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --appid wx1234 --format json \\
      text \"hello\" --from o-me
  POST http://127.0.0.1:8080/wxopen?signature=…  (MsgId 6000…)
  attempt 1: HTTP 200 in 2 ms
  reply: success";

/// `weixin sim` subcommands.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Run the offline WeChat platform until Ctrl-C.
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Send one push (message or event) to a callback URL, like WeChat does.
    #[command(after_help = PUSH_HELP)]
    Push(PushArgs),
    /// Do the GET URL verification (echostr) against a callback URL.
    Verify(VerifyArgs),
}

/// Arguments of `weixin sim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback is warned about: the simulator has no
    /// authentication.
    #[arg(long, default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// A host name (or host:port) besides the loopback ones that may reach /sim/* (the admin
    /// and inspection endpoints and the console), e.g. a Docker service name. Repeatable.
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Server-API signing on for the app, with the simulator's demo keys: the signable
    /// endpoints require signed, encrypted calls. Prints the six WEIXIN_API_* variables for the
    /// app (the key files are written under the system's temporary directory).
    #[arg(long)]
    pub signing: bool,
    /// The app's appid.
    #[arg(long, default_value = weixin_sim::DEFAULT_APPID)]
    pub appid: String,
    /// The app's AppSecret.
    #[arg(long, default_value = weixin_sim::DEFAULT_SECRET, hide_default_value = true)]
    pub secret: String,
    /// The app's original ID (gh_…) [default: gh_ + the appid without "wx"].
    #[arg(long)]
    pub original_id: Option<String>,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 7200)]
    pub token_ttl: u64,
    /// Share of API requests answered {"errcode":-1,"errmsg":"system error"} (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub busy: f64,
    /// Share of API requests answered HTTP 503 (0..1).
    #[arg(long = "fail5xx", default_value_t = 0.0)]
    pub fail_5xx: f64,
    /// Share of API requests whose connection is closed without a response (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub drop: f64,
    /// Latency added to API requests, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of API requests that get the added latency (0..1).
    #[arg(long, default_value_t = 1.0)]
    pub latency_share: f64,
    /// Seed of the fault and id generator (same seed, same faults).
    #[arg(long, default_value_t = 0x5EED)]
    pub seed: u64,
}

/// Push body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// XML.
    Xml,
    /// JSON (mini programs).
    Json,
}

/// Encryption mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Plaintext (明文模式).
    Plain,
    /// Plaintext plus Encrypt (兼容模式).
    Compatible,
    /// Encrypted only (安全模式).
    Safe,
}

/// The callback and its message-push settings.
#[derive(Debug, Args)]
pub struct CallbackArgs {
    /// The callback URL.
    #[arg(long)]
    pub url: String,
    /// The Token from the message-push configuration.
    #[arg(long)]
    pub token: String,
    /// The appid of the account.
    #[arg(long)]
    pub appid: String,
}

/// Arguments of `weixin sim push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// Callback, token, appid.
    #[command(flatten)]
    pub callback: CallbackArgs,
    /// The 43-character EncodingAESKey (needed for compatible and safe mode).
    #[arg(long)]
    pub aes_key: Option<String>,
    /// The account's original ID (ToUserName) [default: gh_ + the appid without "wx"].
    #[arg(long)]
    pub original_id: Option<String>,
    /// Body format.
    #[arg(long, value_enum, default_value_t = FormatArg::Xml)]
    pub format: FormatArg,
    /// Encryption mode [default: safe with --aes-key, else plain].
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Per-attempt timeout in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub timeout_ms: u64,
    /// Attempts in all.
    #[arg(long, default_value_t = 3)]
    pub attempts: u32,
    /// Base URL of a running `weixin sim serve`: user messages open the user's 48-hour
    /// customer-service window there.
    #[arg(long)]
    pub sim: Option<String>,
    /// What to push.
    #[command(subcommand)]
    pub kind: PushKind,
}

/// What `weixin sim push` sends.
#[derive(Debug, Subcommand)]
pub enum PushKind {
    /// A text message.
    Text {
        /// The text.
        content: String,
        /// The user's openid.
        #[arg(long, default_value = "o-sim-user")]
        from: String,
    },
    /// An image message.
    Image {
        /// MediaId of the image.
        #[arg(long, default_value = "SIM_MEDIA_ID")]
        media_id: String,
        /// PicUrl of the image.
        #[arg(long, default_value = "http://mmbiz.qpic.cn/sim.jpg")]
        pic_url: String,
        /// The user's openid.
        #[arg(long, default_value = "o-sim-user")]
        from: String,
    },
    /// The user entered the customer-service chat (user_enter_tempsession).
    Enter {
        /// SessionFrom (the button's session-from).
        #[arg(long, default_value = "")]
        session_from: String,
        /// The user's openid.
        #[arg(long, default_value = "o-sim-user")]
        from: String,
    },
    /// Any event, e.g. `subscribe`, `CLICK --key V1001`.
    Event {
        /// The Event name.
        name: String,
        /// EventKey.
        #[arg(long)]
        key: Option<String>,
        /// The user's openid.
        #[arg(long, default_value = "o-sim-user")]
        from: String,
    },
}

/// Arguments of `weixin sim verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Callback, token, appid.
    #[command(flatten)]
    pub callback: CallbackArgs,
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::from)
}

/// Longest accepted `--token-ttl`: ten years. Longer values overflow the simulator's expiry
/// arithmetic (milliseconds since the epoch in a `u64`).
pub const MAX_TOKEN_TTL_SECS: u64 = 10 * 365 * 24 * 3600;

fn share(name: &str, v: f64) -> Result<f64, CliError> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(CliError(format!(
            "--{name} must be between 0 and 1, got {v}"
        )))
    }
}

/// Checks that `url` is an absolute `http://` or `https://` URL.
fn http_url(name: &str, url: &str) -> Result<(), CliError> {
    match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        Ok(u) => Err(CliError(format!(
            "--{name} must be an http:// or https:// URL with a host, got scheme {:?}",
            u.scheme()
        ))),
        Err(e) => Err(CliError(format!("--{name}: invalid URL {url:?}: {e}"))),
    }
}

/// A `weixin sim` command whose arguments are all checked; nothing is started or sent yet.
#[derive(Debug)]
pub(crate) enum SimPlan {
    /// `weixin sim serve`.
    Serve {
        config: SimConfig,
        listen: SocketAddr,
        app: SimApp,
    },
    /// `weixin sim push`.
    Push {
        target: PushTarget,
        push: Push,
        timeout: Duration,
        attempts: u32,
        sim: Option<String>,
    },
    /// `weixin sim verify`.
    Verify { target: PushTarget },
}

/// Checks every argument of `cmd` without touching the network.
///
/// # Errors
/// The first invalid argument.
pub(crate) fn plan(cmd: SimCommand) -> Result<SimPlan, CliError> {
    match cmd {
        SimCommand::Serve(args) => plan_serve(args),
        SimCommand::Push(args) => plan_push(args),
        SimCommand::Verify(args) => {
            let c = &args.callback;
            http_url("url", &c.url)?;
            Ok(SimPlan::Verify {
                target: PushTarget::new(&c.url, &c.token, &c.appid),
            })
        }
    }
}

/// Runs one `weixin sim` subcommand.
///
/// # Errors
/// The failure to report on stderr (exit code 1).
pub fn run(cmd: SimCommand, stdout: &mut dyn Write) -> Result<(), CliError> {
    match plan(cmd)? {
        SimPlan::Serve {
            config,
            listen,
            app,
        } => serve(config, listen, &app, stdout),
        SimPlan::Push {
            target,
            push: message,
            timeout,
            attempts,
            sim,
        } => push(target, &message, timeout, attempts, sim.as_deref(), stdout),
        SimPlan::Verify { target } => verify(target, stdout),
    }
}

/// Prints what a checked command would do (the dry run of [`crate::run_with_input`]).
pub(crate) fn describe(plan: &SimPlan, out: &mut dyn Write) -> Result<(), CliError> {
    match plan {
        SimPlan::Serve {
            config,
            listen,
            app,
        } => writeln!(
            out,
            "would serve app {} (original id {}) on {listen}, token ttl {} s, faults {:?}, signing {}, allowed hosts {:?}",
            app.appid,
            app.original_id,
            config.token_ttl.as_secs(),
            config.faults,
            if app.is_signing() { "on" } else { "off" },
            config.allowed_hosts
        )?,
        SimPlan::Push {
            target,
            push: message,
            timeout,
            attempts,
            sim,
        } => writeln!(
            out,
            "would push {} from {} as {:?} ({:?} mode), {attempts} attempt(s) of {} ms, simulator {sim:?}",
            message.event_name().unwrap_or(message.msg_type()),
            message.from_user(),
            target,
            target.encrypt_mode(),
            timeout.as_millis()
        )?,
        SimPlan::Verify { target } => writeln!(out, "would verify {target:?}")?,
    }
    Ok(())
}

fn plan_serve(args: ServeArgs) -> Result<SimPlan, CliError> {
    let mut app = SimApp::new(&args.appid, &args.secret);
    if let Some(gh) = &args.original_id {
        app = app.original_id(gh);
    }
    if args.signing {
        app = app.demo_signing();
    }
    if args.token_ttl > MAX_TOKEN_TTL_SECS {
        return Err(CliError(format!(
            "--token-ttl must be at most {MAX_TOKEN_TTL_SECS} seconds (ten years), got {}",
            args.token_ttl
        )));
    }
    let faults = Faults {
        busy: share("busy", args.busy)?,
        http_5xx: share("fail5xx", args.fail_5xx)?,
        drop: share("drop", args.drop)?,
        latency_share: if args.latency_ms > 0 {
            share("latency-share", args.latency_share)?
        } else {
            0.0
        },
        latency: Duration::from_millis(args.latency_ms),
    };
    let mut config = SimConfig::default()
        .app(app.clone())
        .token_ttl(Duration::from_secs(args.token_ttl))
        .faults(faults)
        .seed(args.seed)
        .listen(args.listen);
    config.allowed_hosts = args.allow_hosts;
    Ok(SimPlan::Serve {
        config,
        listen: args.listen,
        app,
    })
}

fn serve(
    config: SimConfig,
    listen: SocketAddr,
    app: &SimApp,
    stdout: &mut dyn Write,
) -> Result<(), CliError> {
    if !listen.ip().is_loopback() {
        eprintln!(
            "warning: listening on {listen}, beyond loopback: anyone who can reach it can get tokens for the simulated apps and read what they send (the simulator has no authentication; /sim/* still answers only loopback hosts and --allow-host ones)"
        );
    }
    runtime()?.block_on(async {
        let sim = Simulator::start(config)
            .await
            .map_err(|e| CliError(format!("cannot listen on {listen}: {e}")))?;
        writeln!(stdout, "{}", sim.base_url())?;
        writeln!(
            stdout,
            "app {} (original id {}); inspect {}/sim/calls, /sim/messages, /sim/tokens; Ctrl-C to stop",
            app.appid,
            app.original_id,
            sim.base_url()
        )?;
        writeln!(stdout, "console: {}/sim/console", sim.base_url())?;
        if app.is_signing() {
            let dir = std::env::temp_dir().join(format!("weixin-sim-keys-{}", app.appid));
            let env = weixin_sim::signing::demo::write_env(&dir)
                .map_err(|e| CliError(format!("cannot write the demo keys to {}: {e}", dir.display())))?;
            writeln!(stdout, "server-API signing on (demo keys, never for WeChat); give the app:")?;
            for (name, value) in env {
                writeln!(stdout, "  {name}={value}")?;
            }
        }
        stdout.flush()?;
        tokio::signal::ctrl_c().await?;
        sim.stop().await.map_err(|e| CliError(e.to_string()))?;
        writeln!(stdout, "stopped")?;
        Ok(())
    })
}

fn build_push(kind: PushKind) -> Push {
    match kind {
        PushKind::Text { content, from } => Push::text(from, content),
        PushKind::Image {
            media_id,
            pic_url,
            from,
        } => Push::image(from, pic_url, media_id),
        PushKind::Enter { session_from, from } => Push::enter_session(from, session_from),
        PushKind::Event { name, key, from } => {
            let push = Push::event(from, name);
            match key {
                Some(k) => push.field("EventKey", k),
                None => push,
            }
        }
    }
}

fn plan_push(args: PushArgs) -> Result<SimPlan, CliError> {
    let c = &args.callback;
    http_url("url", &c.url)?;
    if let Some(sim) = &args.sim {
        http_url("sim", sim)?;
    }
    let mode = match (args.mode, &args.aes_key) {
        (Some(ModeArg::Plain), _) | (None, None) => EncryptMode::Plain,
        (Some(ModeArg::Compatible), _) => EncryptMode::Compatible,
        (Some(ModeArg::Safe), _) | (None, Some(_)) => EncryptMode::Safe,
    };
    if mode != EncryptMode::Plain && args.aes_key.is_none() {
        return Err(CliError(
            "--mode compatible and --mode safe need --aes-key".to_owned(),
        ));
    }
    let mut target = PushTarget::new(&c.url, &c.token, &c.appid)
        .format(match args.format {
            FormatArg::Xml => PushFormat::Xml,
            FormatArg::Json => PushFormat::Json,
        })
        .mode(mode);
    if let Some(key) = &args.aes_key {
        target = target
            .aes_key(key)
            .map_err(|e| CliError(format!("--aes-key: {e}")))?;
    }
    if let Some(gh) = &args.original_id {
        target = target.original_id(gh);
    }
    Ok(SimPlan::Push {
        target,
        push: build_push(args.kind),
        timeout: Duration::from_millis(args.timeout_ms),
        attempts: args.attempts,
        sim: args.sim,
    })
}

fn push(
    target: PushTarget,
    message: &Push,
    timeout: Duration,
    attempts: u32,
    sim: Option<&str>,
    stdout: &mut dyn Write,
) -> Result<(), CliError> {
    let safe = target.encrypt_mode() == EncryptMode::Safe;
    let mut driver = PushDriver::new(target)
        .map_err(|e| CliError(e.to_string()))?
        .attempt_timeout(timeout)
        .max_attempts(attempts);
    if let Some(sim) = sim {
        driver = driver
            .attach_remote(sim)
            .map_err(|e| CliError(format!("--sim: {e}")))?;
    }
    let report = runtime()?
        .block_on(driver.send(message))
        .map_err(|e| CliError(e.to_string()))?;
    print_report(&report, safe, stdout)?;
    if report.delivered() {
        Ok(())
    } else {
        Err(CliError(format!(
            "push not delivered after {} attempt(s)",
            report.attempts.len()
        )))
    }
}

fn print_report(report: &PushReport, safe: bool, out: &mut dyn Write) -> Result<(), CliError> {
    match report.msg_id() {
        Some(id) => writeln!(out, "POST {}  (MsgId {id})", report.prepared.url)?,
        None => writeln!(out, "POST {}", report.prepared.url)?,
    }
    writeln!(out, "plaintext: {}", report.prepared.plaintext)?;
    for a in &report.attempts {
        let ms = a.latency.as_millis();
        match &a.outcome {
            AttemptOutcome::Response { status, body } => {
                writeln!(out, "attempt {}: HTTP {status} in {ms} ms", a.number)?;
                if !body.is_empty() {
                    writeln!(out, "  body: {body}")?;
                }
            }
            AttemptOutcome::Timeout => {
                writeln!(out, "attempt {}: timeout after {ms} ms", a.number)?
            }
            AttemptOutcome::ConnectionError(e) => {
                writeln!(
                    out,
                    "attempt {}: connection error after {ms} ms: {e}",
                    a.number
                )?;
            }
        }
    }
    match &report.reply {
        Some(ReplyCheck::Success) => writeln!(out, "reply: success")?,
        Some(ReplyCheck::Plain(body)) if safe => {
            writeln!(
                out,
                "reply (plaintext, WeChat rejects it in safe mode): {body}"
            )?;
        }
        Some(ReplyCheck::Plain(body)) => writeln!(out, "reply (plaintext): {body}")?,
        Some(ReplyCheck::Decrypted(msg)) => writeln!(out, "reply (decrypted): {msg}")?,
        Some(ReplyCheck::Invalid(e)) => writeln!(out, "reply (invalid encrypted reply): {e}")?,
        None => {}
    }
    Ok(())
}

fn verify(target: PushTarget, stdout: &mut dyn Write) -> Result<(), CliError> {
    let driver = PushDriver::new(target).map_err(|e| CliError(e.to_string()))?;
    let report = runtime()?.block_on(driver.verify_url());
    match &report.outcome {
        AttemptOutcome::Response { status, body } => {
            writeln!(
                stdout,
                "GET → HTTP {status}, body {body:?} (echostr {:?})",
                report.echostr
            )?;
        }
        AttemptOutcome::Timeout => writeln!(stdout, "GET → timeout")?,
        AttemptOutcome::ConnectionError(e) => writeln!(stdout, "GET → connection error: {e}")?,
    }
    if report.ok {
        writeln!(stdout, "URL verification passed")?;
        Ok(())
    } else {
        Err(CliError(
            "URL verification failed: the callback must answer 200 with exactly the echostr"
                .to_owned(),
        ))
    }
}
