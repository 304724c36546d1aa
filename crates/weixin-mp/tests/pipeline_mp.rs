//! The real Official Account model (`Message`, `Reply`, `MessageHandler`, `Mp`) through the
//! pipeline: the official vectors, retries, the context, storage.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::StatusCode;
use weixin_context::ContextStore;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_core::{AppClient, AppConfig, Weixin};
use weixin_crypto::{EnvelopeFormat, KeySlot, MsgCrypt};
use weixin_mp::message::{SubscribeEvent, TextMessage};
use weixin_mp::{HandlerError, Message, MessageHandler, Mp, MpContext, Reply};
use weixin_push::pipeline::{Pipeline, PushRequest, TEXT_XML};

#[derive(Default)]
struct Bot {
    texts: AtomicUsize,
}

#[async_trait::async_trait]
impl MessageHandler for Bot {
    async fn on_text(&self, cx: &mut MpContext, text: &TextMessage) -> Result<Reply, HandlerError> {
        let n = self.texts.fetch_add(1, Ordering::SeqCst) + 1;
        let seen = cx.context().requests().len();
        cx.storage_mut()["last"] = text.content.clone().into();
        Ok(Reply::text(format!(
            "{} (text #{n}, {seen} in context)",
            text.content
        )))
    }

    async fn on_event_subscribe(
        &self,
        _cx: &mut MpContext,
        _event: &SubscribeEvent,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text("welcome!"))
    }
}

const VECTOR_B_BODY: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";
const VECTOR_B_QUERY: &str = "signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132&openid=oyORnuP8q7ou2gfYjqLzSIWZf0rs&encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const B_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// Registers the account `appid` with push `token` and `key` in a registry over `cache`.
fn app(cache: Arc<dyn Cache>, appid: &str, token: &str, key: &str) -> AppClient {
    Weixin::builder()
        .cache(cache)
        .app(
            AppConfig::new(appid, "secret")
                .push_token(token)
                .encoding_aes_key(key),
        )
        .build()
        .expect("registry")
        .app(appid)
        .expect("registered app")
}

fn open_xml_reply(crypt: &MsgCrypt, body: &str) -> String {
    let envelope = weixin_crypto::parse_envelope(body.as_bytes()).unwrap();
    let field = |name: &str| {
        let start = body.find(&format!("<{name}>")).unwrap() + name.len() + 2;
        let end = body.find(&format!("</{name}>")).unwrap();
        body[start..end]
            .trim_start_matches("<![CDATA[")
            .trim_end_matches("]]>")
            .to_owned()
    };
    crypt
        .decrypt(
            &field("MsgSignature"),
            &field("TimeStamp"),
            &field("Nonce"),
            &envelope.encrypt,
        )
        .unwrap()
        .message
}

#[tokio::test]
async fn official_compatible_mode_vector_with_the_real_model() {
    let cache: Arc<dyn Cache> = Arc::new(MemoryCache::new());
    let bot = Arc::new(Mp(Bot::default()));
    let app = app(Arc::clone(&cache), "wx2c2769f8efd9abc2", "spamtest", B_KEY);
    let pipeline: Pipeline<Message, Mp<Bot>> = Pipeline::builder_shared(&app, Arc::clone(&bot))
        .build()
        .unwrap();
    let request = PushRequest::post(VECTOR_B_QUERY, VECTOR_B_BODY);
    let response = pipeline.handle(request.clone()).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    assert_eq!(response.content_type(), TEXT_XML);
    let crypt = MsgCrypt::new("spamtest", B_KEY, "wx2c2769f8efd9abc2").unwrap();
    let reply = open_xml_reply(&crypt, response.body());
    assert!(reply.contains("abcdteT (text #1, 1 in context)"), "{reply}");
    assert!(reply.contains("oyORnuP8q7ou2gfYjqLzSIWZf0rs"));

    // WeChat's retries: same bytes, handler not run again.
    for _ in 0..3 {
        assert_eq!(pipeline.handle(request.clone()).await, response);
    }
    assert_eq!(bot.0.texts.load(Ordering::SeqCst), 1);

    let store: ContextStore<Message, Reply> = ContextStore::new(cache);
    let ctx = store
        .load("wx2c2769f8efd9abc2", "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
        .await
        .unwrap();
    assert!(matches!(ctx.last_request(), Some(Message::Text(t)) if t.content == "abcdteT"));
    assert_eq!(
        ctx.last_response(),
        Some(&Reply::text("abcdteT (text #1, 1 in context)"))
    );
    assert_eq!(ctx.storage()["last"], "abcdteT");
}

#[tokio::test]
async fn official_safe_mode_json_vector_unknown_event_gets_success() {
    let app = app(
        Arc::new(MemoryCache::new()),
        "wxba5fad812f8e6fb9",
        "AAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    let pipeline: Pipeline<Message, Mp<Bot>> =
        Pipeline::builder(&app, Mp(Bot::default())).build().unwrap();
    let body = r#"{"ToUserName":"gh_97417a04a28d","Encrypt":"+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="}"#;
    let query = "signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3";
    let response = pipeline.handle(PushRequest::post(query, body)).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    // `debug_demo` is an unknown event: default_response → `success`, not encrypted.
    assert_eq!(response.body(), "success");
}

#[tokio::test]
async fn subscribe_event_in_safe_mode_xml() {
    let key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let crypt = MsgCrypt::new("AAAAA", key, "wxba5fad812f8e6fb9").unwrap();
    let app = app(
        Arc::new(MemoryCache::new()),
        "wxba5fad812f8e6fb9",
        "AAAAA",
        key,
    );
    let pipeline: Pipeline<Message, Mp<Bot>> =
        Pipeline::builder(&app, Mp(Bot::default())).build().unwrap();
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oNew]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>";
    let encrypt = crypt.encrypt(xml, KeySlot::Current).unwrap();
    let sig = weixin_crypto::msg_signature("AAAAA", "1700000000", "9", &encrypt);
    let response = pipeline
        .handle(PushRequest::post(
            format!("timestamp=1700000000&nonce=9&msg_signature={sig}").as_str(),
            format!("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.body());
    let reply = open_xml_reply(&crypt, response.body());
    assert!(reply.contains("welcome!"), "{reply}");
    assert!(
        reply.contains("<ToUserName><![CDATA[oNew]]></ToUserName>"),
        "{reply}"
    );
    let _ = EnvelopeFormat::Xml;
}
