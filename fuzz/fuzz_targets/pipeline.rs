//! Arbitrary query strings and bodies through the whole push pipeline (envelope, signature,
//! decryption, parse, dedup, context, dispatch, reply): it must answer, never panic.
//!
//! The first byte picks how the rest is used:
//! * 0: `query\nbody` as sent (mostly rejected early: signatures, envelope);
//! * 1: the body as a plain push with a valid `signature`, so it reaches the parser;
//! * 2: the body encrypted and signed, so it reaches decryption and the parser.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use weixin_core::{AppConfig, Weixin};
use weixin_crypto::{KeySlot, MsgCrypt};
use weixin_mp::{MessageHandler, MpPipeline, OfficialAccount};
use weixin_push::pipeline::{PushMethod, PushRequest};

const TOKEN: &str = "AAAAA";
const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const APPID: &str = "wxba5fad812f8e6fb9";
const SECRET: &str = "fuzz-secret";

struct Defaults;

impl MessageHandler for Defaults {}

struct World {
    runtime: tokio::runtime::Runtime,
    pipeline: MpPipeline<Defaults>,
    crypt: MsgCrypt,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| World {
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime"),
        pipeline: pipeline(),
        crypt: MsgCrypt::new(TOKEN, KEY, APPID).expect("crypt"),
    })
}

/// The fuzzed account in a registry of its own (the in-process cache), plain pushes allowed.
fn pipeline() -> MpPipeline<Defaults> {
    let weixin = Weixin::builder().build().expect("registry");
    let account = OfficialAccount::register(
        &weixin,
        AppConfig::new(APPID, SECRET)
            .push_token(TOKEN)
            .encoding_aes_key(KEY),
    )
    .expect("registration");
    account
        .pipeline(Defaults)
        .allow_plain(true)
        .build()
        .expect("pipeline")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let w = world();
    let (ts, nonce) = ("1700000000", "1");
    let request = match mode % 3 {
        0 => {
            let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let query = String::from_utf8_lossy(&rest[..split]).into_owned();
            let body = rest.get(split + 1..).unwrap_or_default().to_vec();
            let method = if mode & 0x80 == 0 {
                PushMethod::Post
            } else {
                PushMethod::Get
            };
            PushRequest::new(method, query.as_str(), body)
        }
        1 => {
            let signature = weixin_crypto::signature(TOKEN, ts, nonce);
            PushRequest::post(
                format!("signature={signature}&timestamp={ts}&nonce={nonce}").as_str(),
                rest.to_vec(),
            )
        }
        _ => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let Ok(encrypt) = w.crypt.encrypt(text, KeySlot::Current) else {
                return;
            };
            let msg_signature = weixin_crypto::msg_signature(TOKEN, ts, nonce, &encrypt);
            let body = if mode & 0x80 == 0 {
                format!("<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
            } else {
                format!("{{\"Encrypt\":\"{encrypt}\"}}")
            };
            PushRequest::post(
                format!("timestamp={ts}&nonce={nonce}&msg_signature={msg_signature}").as_str(),
                body,
            )
        }
    };
    let response = w.runtime.block_on(w.pipeline.handle(request));
    assert!(response.status().as_u16() < 600);
});
