//! [`PushDriver`]: signs, encrypts and POSTs pushes with WeChat's timing.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use url::Url;
use weixin_crypto::{CryptoError, EncodingAesKey, KeySlot, MsgCrypt, msg_signature, signature};

use super::message::{Push, cdata};
use super::report::{Attempt, AttemptOutcome, PreparedPush, PushReport, ReplyCheck, VerifyReport};
use crate::handle::SimHandle;

/// Push body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushFormat {
    /// XML (the default; the only format of official accounts).
    #[default]
    Xml,
    /// JSON (mini programs can choose it).
    Json,
}

/// Message encryption mode (消息加解密方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncryptMode {
    /// 明文模式: plaintext, `signature` only.
    #[default]
    Plain,
    /// 兼容模式: plaintext fields plus `Encrypt`, with `msg_signature`.
    Compatible,
    /// 安全模式: only `ToUserName` and `Encrypt`, with `msg_signature`.
    Safe,
}

/// Where and how to push: the callback URL and the account's message-push settings.
#[derive(Clone)]
pub struct PushTarget {
    url: String,
    token: String,
    appid: String,
    original_id: String,
    aes_key: Option<EncodingAesKey>,
    format: PushFormat,
    mode: EncryptMode,
}

impl fmt::Debug for PushTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushTarget")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("appid", &self.appid)
            .field("original_id", &self.original_id)
            .field("aes_key", &self.aes_key)
            .field("format", &self.format)
            .field("mode", &self.mode)
            .finish()
    }
}

impl PushTarget {
    /// A plain-mode XML target. The original ID defaults to `gh_` + the appid without `wx`.
    pub fn new(url: impl Into<String>, token: impl Into<String>, appid: impl Into<String>) -> Self {
        let appid = appid.into();
        Self {
            original_id: format!("gh_{}", appid.trim_start_matches("wx")),
            url: url.into(),
            token: token.into(),
            appid,
            aes_key: None,
            format: PushFormat::Xml,
            mode: EncryptMode::Plain,
        }
    }

    /// Sets the `EncodingAESKey` (needed for compatible and safe mode).
    ///
    /// # Errors
    /// When the key is not 43 valid base64 characters.
    pub fn aes_key(mut self, encoding_aes_key: &str) -> Result<Self, CryptoError> {
        self.aes_key = Some(EncodingAesKey::new(encoding_aes_key)?);
        Ok(self)
    }

    /// Sets the format.
    #[must_use]
    pub fn format(mut self, format: PushFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the encryption mode.
    #[must_use]
    pub fn mode(mut self, mode: EncryptMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the account's original ID (`ToUserName`).
    #[must_use]
    pub fn original_id(mut self, original_id: impl Into<String>) -> Self {
        self.original_id = original_id.into();
        self
    }

    /// The encryption mode.
    pub fn encrypt_mode(&self) -> EncryptMode {
        self.mode
    }
}

/// Why a push could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// Compatible or safe mode without an `EncodingAESKey`.
    #[error("compatible and safe mode need an EncodingAESKey (PushTarget::aes_key)")]
    MissingAesKey,
    /// The callback URL does not parse.
    #[error("invalid callback URL {0}")]
    InvalidUrl(String),
    /// Encryption failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
}

/// Sends pushes to a callback the way WeChat does: signed (and encrypted in compatible / safe
/// mode), 5 s per attempt, three attempts in all on timeout, connection error or HTTP 5xx,
/// the same body and `MsgId` on each retry.
///
/// WeChat's text is "微信服务器在五秒内收不到响应会断掉连接，并且重新发起请求，总共重试三次":
/// developers see the same push at most three times, which is the default here
/// ([`PushDriver::max_attempts`]).
pub struct PushDriver {
    target: PushTarget,
    crypt: Option<MsgCrypt>,
    http: reqwest::Client,
    attempt_timeout: Duration,
    max_attempts: u32,
    retry_delay: Duration,
    sim: Option<SimHandle>,
    remote_sim: Option<Url>,
    appid_for_sim: String,
    next_msg_id: AtomicU64,
}

impl fmt::Debug for PushDriver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushDriver")
            .field("target", &self.target)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl PushDriver {
    /// A driver for `target`.
    ///
    /// # Errors
    /// [`PushError::MissingAesKey`], [`PushError::InvalidUrl`], [`PushError::Client`].
    pub fn new(target: PushTarget) -> Result<Self, PushError> {
        Url::parse(&target.url).map_err(|_| PushError::InvalidUrl(target.url.clone()))?;
        let crypt = match (&target.aes_key, target.mode) {
            (_, EncryptMode::Plain) => None,
            (Some(key), _) => Some(MsgCrypt::with_key(
                target.token.clone(),
                key.clone(),
                target.appid.clone(),
            )),
            (None, _) => return Err(PushError::MissingAesKey),
        };
        // reqwest is built with `rustls-no-provider`: install ring unless a provider is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| PushError::Client(e.to_string()))?;
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0));
        Ok(Self {
            appid_for_sim: target.appid.clone(),
            target,
            crypt,
            http,
            attempt_timeout: Duration::from_secs(5),
            max_attempts: 3,
            retry_delay: Duration::ZERO,
            sim: None,
            remote_sim: None,
            // Looks like WeChat's 19-digit ids and stays below i64::MAX.
            next_msg_id: AtomicU64::new(
                6_000_000_000_000_000_000 + (now_ms % 1_000_000_000_000) * 1000,
            ),
        })
    }

    /// Per-attempt timeout (WeChat: 5 s; shorten it in tests).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Attempts in all, at least 1 (default 3).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Pause between attempts (default none).
    #[must_use]
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// Ties the driver to a simulator: `CreateTime` comes from its clock, and a user message
    /// opens the user's customer-service window there (entering the chat opens the 1-minute one).
    #[must_use]
    pub fn attach(mut self, sim: SimHandle) -> Self {
        self.sim = Some(sim);
        self
    }

    /// Like [`PushDriver::attach`] for a simulator in another process (e.g. `weixin sim
    /// serve`): user messages and chat entries are reported to `POST {base}/sim/interactions`.
    ///
    /// # Errors
    /// [`PushError::InvalidUrl`].
    pub fn attach_remote(mut self, sim_base_url: &str) -> Result<Self, PushError> {
        let base = Url::parse(sim_base_url)
            .and_then(|u| u.join("/sim/interactions"))
            .map_err(|_| PushError::InvalidUrl(sim_base_url.to_owned()))?;
        self.remote_sim = Some(base);
        Ok(self)
    }

    async fn report_interaction(&self, push: &Push) {
        self.report_media(push).await;
        let kind = if push.is_message() {
            "message"
        } else if push.event_name() == Some("user_enter_tempsession") {
            "enter_session"
        } else {
            return;
        };
        if let Some(sim) = &self.sim {
            match kind {
                "message" => sim.user_messaged(&self.appid_for_sim, push.from_user()),
                _ => sim.user_entered_session(&self.appid_for_sim, push.from_user()),
            }
        }
        if let Some(url) = &self.remote_sim {
            let body = serde_json::json!({
                "appid": self.appid_for_sim, "openid": push.from_user(), "kind": kind,
            });
            // Best effort: a missing simulator only means the window stays closed there.
            let _ = self
                .http
                .post(url.clone())
                .json(&body)
                .timeout(self.attempt_timeout)
                .send()
                .await;
        }
    }

    /// An image pushed by a user is media WeChat knows: register its MediaId.
    async fn report_media(&self, push: &Push) {
        let Some(media_id) = push
            .field_str("MediaId")
            .filter(|id| !id.is_empty() && push.msg_type() == "image")
        else {
            return;
        };
        if let Some(sim) = &self.sim {
            let png = crate::png::code_image(media_id, 64);
            let _ = sim.register_media(&self.appid_for_sim, media_id, "image/png", png);
        }
        if let Some(url) = &self.remote_sim
            && let Ok(url) = url.join("/sim/media")
        {
            let body = serde_json::json!({"appid": self.appid_for_sim, "media_id": media_id});
            let _ = self
                .http
                .post(url)
                .json(&body)
                .timeout(self.attempt_timeout)
                .send()
                .await;
        }
    }

    fn now_secs(&self) -> u64 {
        match &self.sim {
            Some(sim) => sim.clock().now_secs(),
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
    }

    /// Builds the signed (and encrypted) request for `push`, with a fresh `MsgId` for messages.
    ///
    /// # Errors
    /// [`PushError::Crypto`].
    pub fn prepare(&self, push: &Push) -> Result<PreparedPush, PushError> {
        let create_time = push
            .explicit_create_time()
            .unwrap_or_else(|| self.now_secs());
        let msg_id = push.is_message().then(|| {
            push.explicit_msg_id()
                .unwrap_or_else(|| self.next_msg_id.fetch_add(1, Ordering::Relaxed))
        });
        let to = self.target.original_id.as_str();
        let (plaintext, content_type) = match self.target.format {
            PushFormat::Xml => (push.to_xml(to, create_time, msg_id), "text/xml"),
            PushFormat::Json => (
                push.to_json(to, create_time, msg_id).to_string(),
                "application/json",
            ),
        };
        let timestamp = create_time.to_string();
        let nonce = weixin_crypto::random_nonce()?;
        let mut url = Url::parse(&self.target.url)
            .map_err(|_| PushError::InvalidUrl(self.target.url.clone()))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair(
                "signature",
                signature(&self.target.token, &timestamp, &nonce).as_str(),
            );
            q.append_pair("timestamp", &timestamp);
            q.append_pair("nonce", &nonce);
            q.append_pair("openid", push.from_user());
        }
        let body = match &self.crypt {
            None => plaintext.clone(),
            Some(crypt) => {
                let encrypt = crypt.encrypt(&plaintext, KeySlot::Current)?;
                let sig = msg_signature(&self.target.token, &timestamp, &nonce, &encrypt);
                url.query_pairs_mut()
                    .append_pair("encrypt_type", "aes")
                    .append_pair("msg_signature", sig.as_str());
                self.envelope(&plaintext, &encrypt, push, to, create_time, msg_id)
            }
        };
        Ok(PreparedPush {
            url: url.to_string(),
            body,
            plaintext,
            msg_id,
            create_time,
            content_type,
        })
    }

    fn envelope(
        &self,
        plaintext: &str,
        encrypt: &str,
        push: &Push,
        to: &str,
        create_time: u64,
        msg_id: Option<u64>,
    ) -> String {
        match (self.target.format, self.target.mode) {
            (PushFormat::Xml, EncryptMode::Compatible) => {
                let inner = plaintext.strip_suffix("</xml>").unwrap_or(plaintext);
                format!("{inner}<Encrypt>{}</Encrypt></xml>", cdata(encrypt))
            }
            (PushFormat::Xml, _) => format!(
                "<xml><ToUserName>{}</ToUserName><Encrypt>{}</Encrypt></xml>",
                cdata(to),
                cdata(encrypt)
            ),
            (PushFormat::Json, EncryptMode::Compatible) => {
                let mut v = push.to_json(to, create_time, msg_id);
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("Encrypt".to_owned(), Value::String(encrypt.to_owned()));
                }
                v.to_string()
            }
            (PushFormat::Json, _) => {
                serde_json::json!({"ToUserName": to, "Encrypt": encrypt}).to_string()
            }
        }
    }

    /// Prepares and delivers `push`, retrying like WeChat.
    ///
    /// # Errors
    /// [`PushError::Crypto`] when it cannot be encrypted (delivery failures are in the report).
    pub async fn send(&self, push: &Push) -> Result<PushReport, PushError> {
        let prepared = self.prepare(push)?;
        self.report_interaction(push).await;
        Ok(self.resend(&prepared).await)
    }

    /// Delivers an already prepared push again (same URL, body and `MsgId`), as WeChat's
    /// retries do: use it to test deduplication.
    pub async fn resend(&self, prepared: &PreparedPush) -> PushReport {
        let mut attempts = Vec::new();
        let mut reply = None;
        for number in 1..=self.max_attempts {
            if number > 1 && !self.retry_delay.is_zero() {
                tokio::time::sleep(self.retry_delay).await;
            }
            let started = Instant::now();
            let outcome = self.attempt(prepared).await;
            let latency = started.elapsed();
            let retry = outcome.is_retryable();
            if let AttemptOutcome::Response { status, body } = &outcome
                && (200..300).contains(status)
            {
                reply = Some(self.check_reply(body));
            }
            attempts.push(Attempt {
                number,
                outcome,
                latency,
            });
            if !retry {
                break;
            }
        }
        PushReport {
            prepared: prepared.clone(),
            attempts,
            reply,
        }
    }

    async fn attempt(&self, prepared: &PreparedPush) -> AttemptOutcome {
        let request = self
            .http
            .post(&prepared.url)
            .header("content-type", prepared.content_type)
            .timeout(self.attempt_timeout)
            .body(prepared.body.clone());
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return failure(&e),
        };
        let status = response.status().as_u16();
        match response.bytes().await {
            Ok(bytes) => AttemptOutcome::Response {
                status,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            },
            Err(e) => failure(&e),
        }
    }

    fn check_reply(&self, body: &str) -> ReplyCheck {
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed == "success" {
            return ReplyCheck::Success;
        }
        let Some(crypt) = &self.crypt else {
            return ReplyCheck::Plain(body.to_owned());
        };
        let Some(parts) = reply_parts(trimmed) else {
            return ReplyCheck::Plain(body.to_owned());
        };
        match crypt.decrypt(
            &parts.msg_signature,
            &parts.timestamp,
            &parts.nonce,
            &parts.encrypt,
        ) {
            Ok(d) => ReplyCheck::Decrypted(d.message),
            Err(e) => ReplyCheck::Invalid(e.to_string()),
        }
    }

    /// The GET URL verification: `signature`, `timestamp`, `nonce`, `echostr`; passes when the
    /// callback answers 200 with exactly `echostr`.
    pub async fn verify_url(&self) -> VerifyReport {
        let echostr = format!(
            "{}",
            self.next_msg_id.load(Ordering::Relaxed) % 10_000_000_000_000_000_000
        );
        let outcome = match self.verify_url_inner(&echostr).await {
            Ok(o) => o,
            Err(e) => AttemptOutcome::ConnectionError(e),
        };
        let ok =
            matches!(&outcome, AttemptOutcome::Response { status: 200, body } if *body == echostr);
        VerifyReport {
            echostr,
            outcome,
            ok,
        }
    }

    async fn verify_url_inner(&self, echostr: &str) -> Result<AttemptOutcome, String> {
        let timestamp = self.now_secs().to_string();
        let nonce = weixin_crypto::random_nonce().map_err(|e| e.to_string())?;
        let mut url = Url::parse(&self.target.url).map_err(|e| e.to_string())?;
        url.query_pairs_mut()
            .append_pair(
                "signature",
                signature(&self.target.token, &timestamp, &nonce).as_str(),
            )
            .append_pair("echostr", echostr)
            .append_pair("timestamp", &timestamp)
            .append_pair("nonce", &nonce);
        let response = match self
            .http
            .get(url)
            .timeout(self.attempt_timeout)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Ok(failure(&e)),
        };
        let status = response.status().as_u16();
        Ok(match response.text().await {
            Ok(body) => AttemptOutcome::Response { status, body },
            Err(e) => failure(&e),
        })
    }
}

fn failure(e: &reqwest::Error) -> AttemptOutcome {
    if e.is_timeout() {
        AttemptOutcome::Timeout
    } else {
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        AttemptOutcome::ConnectionError(msg)
    }
}

struct ReplyParts {
    encrypt: String,
    msg_signature: String,
    timestamp: String,
    nonce: String,
}

/// `Encrypt`, `MsgSignature`, `TimeStamp`, `Nonce` of an encrypted reply (XML or JSON).
fn reply_parts(body: &str) -> Option<ReplyParts> {
    if body.starts_with('{') {
        let v: Value = serde_json::from_str(body).ok()?;
        let text = |k: &str| match v.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        return Some(ReplyParts {
            encrypt: text("Encrypt")?,
            msg_signature: text("MsgSignature")?,
            timestamp: text("TimeStamp")?,
            nonce: text("Nonce")?,
        });
    }
    Some(ReplyParts {
        encrypt: xml_text(body, "Encrypt")?,
        msg_signature: xml_text(body, "MsgSignature")?,
        timestamp: xml_text(body, "TimeStamp")?,
        nonce: xml_text(body, "Nonce")?,
    })
}

/// The text of the first `<tag>…</tag>` (CDATA unwrapped).
fn xml_text(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = body.find(&open)? + open.len();
    let len = body.get(start..)?.find(&close)?;
    let inner = body.get(start..start + len)?.trim();
    let inner = inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(inner);
    Some(inner.to_owned())
}
