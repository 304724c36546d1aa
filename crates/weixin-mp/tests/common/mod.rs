//! Shared helpers of the pipeline and server tests: a tiny message model, a configurable
//! handler, and signed/encrypted request builders around the official vectors.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};
use weixin_core::cache::Cache;
use weixin_core::{AppClient, AppConfig, Weixin, WeixinBuilder};
use weixin_crypto::{EnvelopeFormat, KeySlot, MsgCrypt};
use weixin_push::pipeline::{Pipeline, PushRequest};
use weixin_push::{
    HandlerContext, HandlerError, ParseError, PushHandler, PushMessage, PushMeta, PushReply,
    RenderedReply,
};

/// The official mini-program/OA JSON example (the message-push docs' encryption example): Token "AAAAA",
/// EncodingAESKey 43×"A", appid wxba5fad812f8e6fb9.
pub const TOKEN: &str = "AAAAA";
pub const AES_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
pub const APPID: &str = "wxba5fad812f8e6fb9";

/// A minimal push message: the header fields plus `Content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestMessage {
    pub to_user: String,
    pub from_user: String,
    pub create_time: u64,
    pub msg_type: String,
    pub msg_id: Option<u64>,
    pub event: Option<String>,
    pub content: Option<String>,
}

fn malformed(format: &'static str, reason: impl Into<String>) -> ParseError {
    ParseError::Malformed {
        format,
        reason: reason.into(),
    }
}

impl PushMessage for TestMessage {
    fn parse(body: &str, format: EnvelopeFormat) -> Result<Self, ParseError> {
        let fields: Vec<(String, String)> = match format {
            EnvelopeFormat::Json => {
                let value: serde_json::Value =
                    serde_json::from_str(body).map_err(|e| malformed("JSON", e.to_string()))?;
                let serde_json::Value::Object(map) = value else {
                    return Err(malformed("JSON", "not an object"));
                };
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, v)
                    })
                    .collect()
            }
            EnvelopeFormat::Xml => xml_fields(body)?,
        };
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let need = |name: &'static str| get(name).ok_or(ParseError::MissingField(name));
        let create_time = need("CreateTime")?
            .parse()
            .map_err(|_| ParseError::InvalidField {
                field: "CreateTime",
                reason: "not a number".into(),
            })?;
        Ok(Self {
            to_user: need("ToUserName")?,
            from_user: need("FromUserName")?,
            create_time,
            msg_type: need("MsgType")?,
            msg_id: get("MsgId").and_then(|v| v.parse().ok()),
            event: get("Event"),
            content: get("Content"),
        })
    }

    fn meta(&self) -> PushMeta<'_> {
        PushMeta {
            to_user: &self.to_user,
            from_user: &self.from_user,
            create_time: self.create_time,
            msg_type: &self.msg_type,
            msg_id: self.msg_id,
            event: self.event.as_deref(),
        }
    }
}

fn xml_fields(body: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut reader = Reader::from_str(body);
    let mut depth = 0usize;
    let mut current: Option<(String, String)> = None;
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| malformed("XML", e.to_string()))?
        {
            Event::Start(start) => {
                depth += 1;
                if depth == 2 {
                    let qname = start.name();
                    let name: &str = qname.as_ref();
                    let name = name.to_owned();
                    current = Some((name, String::new()));
                }
            }
            Event::End(_) => {
                if depth == 2
                    && let Some(field) = current.take()
                {
                    out.push(field);
                }
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| malformed("XML", "unbalanced"))?;
            }
            Event::Text(text) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&text);
                }
            }
            Event::CData(cdata) => {
                if let Some((_, value)) = current.as_mut() {
                    value.push_str(&cdata.into_inner());
                }
            }
            Event::Eof => {
                if depth != 0 {
                    return Err(malformed("XML", "unexpected end of input"));
                }
                break;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A minimal reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TestReply {
    Success,
    Empty,
    Text(String),
}

impl PushReply for TestReply {
    fn render(
        &self,
        request: &PushMeta<'_>,
        format: EnvelopeFormat,
        now_secs: u64,
    ) -> RenderedReply {
        match self {
            TestReply::Success => RenderedReply::Success,
            TestReply::Empty => RenderedReply::Empty,
            TestReply::Text(text) => RenderedReply::Body(match format {
                EnvelopeFormat::Xml => format!(
                    "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[{}]]></FromUserName><CreateTime>{now_secs}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content></xml>",
                    request.from_user, request.to_user
                ),
                EnvelopeFormat::Json => serde_json::json!({
                    "ToUserName": request.from_user,
                    "FromUserName": request.to_user,
                    "CreateTime": now_secs,
                    "MsgType": "text",
                    "Content": text,
                })
                .to_string(),
            }),
        }
    }
}

/// A handler whose behaviour follows the message `Content`:
/// `fail` → error, `fail-once` → error on its first run only, `sleep` → sleeps 10 s then
/// replies, `success`/`empty` → those replies, `slow` → sleeps 200 ms; anything else (and
/// events) → `Text("you said …, run N")` and `storage.count += 1`.
#[derive(Debug, Default)]
pub struct TestHandler {
    pub runs: AtomicUsize,
    pub finished: AtomicUsize,
}

impl TestHandler {
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl PushHandler<TestMessage> for TestHandler {
    type Reply = TestReply;

    async fn handle(
        &self,
        cx: &mut HandlerContext<TestMessage, TestReply>,
        message: &TestMessage,
    ) -> Result<TestReply, HandlerError> {
        let run = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
        let content = message
            .content
            .clone()
            .or_else(|| message.event.clone())
            .unwrap_or_default();
        let reply = match content.as_str() {
            "fail" => return Err("the handler failed".into()),
            "fail-once" if run == 1 => return Err("the handler failed once".into()),
            "success" => TestReply::Success,
            "empty" => TestReply::Empty,
            "sleep" => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                TestReply::Text("woke up".into())
            }
            "slow" => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                TestReply::Text(format!("slow, run {run}"))
            }
            other => TestReply::Text(format!("you said {other}, run {run}")),
        };
        let count = cx.storage()["count"].as_u64().unwrap_or(0);
        if !cx.storage().is_object() {
            *cx.storage_mut() = serde_json::json!({});
        }
        cx.storage_mut()["count"] = (count + 1).into();
        self.finished.fetch_add(1, Ordering::SeqCst);
        Ok(reply)
    }
}

pub type TestPipeline = Pipeline<TestMessage, TestHandler>;

/// Registration of the official JSON example account, with its push token and key.
pub fn safe_config() -> AppConfig {
    AppConfig::new(APPID, "secret")
        .push_token(TOKEN)
        .encoding_aes_key(AES_KEY)
}

/// Registers `config` in a registry built by `registry` and returns the app's handle.
pub fn register_in(registry: WeixinBuilder, config: AppConfig) -> AppClient {
    let appid = config.appid().to_owned();
    registry
        .app(config)
        .build()
        .expect("registry")
        .app(&appid)
        .expect("registered app")
}

/// Registers `config` in a registry of its own (an in-process cache).
pub fn app(config: AppConfig) -> AppClient {
    register_in(Weixin::builder(), config)
}

/// Registers `config` in a registry over `cache`: two handles over one cache are two servers.
pub fn app_with_cache(cache: Arc<dyn Cache>, config: AppConfig) -> AppClient {
    register_in(Weixin::builder().cache(cache), config)
}

/// The crypt of that account (to build pushes and read replies).
pub fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("valid key")
}

/// A text message body in `format`.
pub fn text_body(
    format: EnvelopeFormat,
    from: &str,
    content: &str,
    msg_id: u64,
    create_time: u64,
) -> String {
    match format {
        EnvelopeFormat::Xml => format!(
            "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
        ),
        EnvelopeFormat::Json => serde_json::json!({
            "ToUserName": "gh_97417a04a28d",
            "FromUserName": from,
            "CreateTime": create_time,
            "MsgType": "text",
            "Content": content,
            "MsgId": msg_id,
        })
        .to_string(),
    }
}

/// The query of a plain push.
pub fn plain_query(timestamp: u64, nonce: &str) -> String {
    let signature = weixin_crypto::signature(TOKEN, &timestamp.to_string(), nonce);
    format!("signature={signature}&timestamp={timestamp}&nonce={nonce}")
}

/// A safe-mode push of `message` (an encrypted envelope in `format`) with its query.
pub fn encrypted_push(
    crypt: &MsgCrypt,
    format: EnvelopeFormat,
    message: &str,
    timestamp: u64,
    nonce: &str,
) -> PushRequest {
    let encrypt = crypt.encrypt(message, KeySlot::Current).expect("encrypt");
    let ts = timestamp.to_string();
    let msg_signature = weixin_crypto::msg_signature(crypt.token(), &ts, nonce, &encrypt);
    let signature = weixin_crypto::signature(crypt.token(), &ts, nonce);
    let body = match format {
        EnvelopeFormat::Xml => format!(
            "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        ),
        EnvelopeFormat::Json => {
            serde_json::json!({"ToUserName": "gh_97417a04a28d", "Encrypt": encrypt}).to_string()
        }
    };
    PushRequest::post(
        format!("signature={signature}&timestamp={ts}&nonce={nonce}&openid=o1&encrypt_type=aes&msg_signature={msg_signature}").as_str(),
        body,
    )
}

/// Decrypts an encrypted reply body as WeChat would (checking its signature).
pub fn open_reply(crypt: &MsgCrypt, body: &str) -> String {
    let envelope = weixin_crypto::parse_envelope(body.as_bytes()).expect("reply envelope");
    let (signature, timestamp, nonce) = match envelope.format {
        EnvelopeFormat::Json => {
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            (
                v["MsgSignature"].as_str().unwrap().to_owned(),
                v["TimeStamp"].as_u64().unwrap().to_string(),
                v["Nonce"].as_str().unwrap().to_owned(),
            )
        }
        EnvelopeFormat::Xml => {
            let fields = xml_fields(body).unwrap();
            let get = |n: &str| fields.iter().find(|(k, _)| k == n).unwrap().1.clone();
            (get("MsgSignature"), get("TimeStamp"), get("Nonce"))
        }
    };
    crypt
        .decrypt(&signature, &timestamp, &nonce, &envelope.encrypt)
        .expect("reply decrypts")
        .message
}

/// The pipeline over the official example account with `handler`.
pub fn safe_pipeline(handler: Arc<TestHandler>) -> TestPipeline {
    Pipeline::builder_shared(&app(safe_config()), handler)
        .build()
        .expect("pipeline")
}
