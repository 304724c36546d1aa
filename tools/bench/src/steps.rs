//! The steps wechatpy also does, in Rust: verify `signature`, check `msg_signature` and
//! decrypt, parse, build a text reply, encrypt it. Also the crypto alone and the parse alone.
//!
//! `bench/wechatpy/bench.py` does the same with wechatpy on the same push, the same number of
//! iterations and rounds: `check_signature`, `WeChatCrypto.decrypt_message`, `parse_message`,
//! `TextReply(...).render()`, `WeChatCrypto.encrypt_message`.

use std::hint::black_box;

use weixin_crypto::{EnvelopeFormat, KeySlot, MsgCrypt};
use weixin_mp::{Message, Reply};
use weixin_push::PushMessage;

use crate::fixture::{self, Push, REPLY_PREFIX};
use crate::report::Line;
use crate::timing::{Rate, measure};

/// The timestamp of the benchmark push and of its reply.
pub const TIMESTAMP: u64 = 1_700_000_000;

/// One push through the wechatpy-equivalent steps; returns the encrypted reply body.
pub fn steps_once(crypt: &MsgCrypt, push: &Push, now: u64) -> Result<String, String> {
    crypt
        .verify_signature(&push.signature, &push.timestamp, &push.nonce)
        .map_err(|err| err.to_string())?;
    let decrypted = crypt
        .decrypt_push(
            &push.msg_signature,
            &push.timestamp,
            &push.nonce,
            push.body.as_bytes(),
        )
        .map_err(|err| err.to_string())?;
    let format = decrypted.envelope.format;
    let message = Message::parse(&decrypted.message, format).map_err(|err| err.to_string())?;
    let content = match &message {
        Message::Text(text) => text.content.as_str(),
        _ => "",
    };
    let reply = Reply::text(format!("{REPLY_PREFIX}{content}"));
    let xml = reply
        .to_xml(&message.meta(), now)
        .ok_or("a text reply renders no XML")?;
    let encrypted = crypt
        .encrypt_reply(&xml, now, &push.nonce, decrypted.key_slot)
        .map_err(|err| err.to_string())?;
    Ok(encrypted.render(format))
}

/// The crypto alone: both signatures, decrypt, encrypt a fixed reply.
pub fn crypto_once(crypt: &MsgCrypt, push: &Push, reply_xml: &str) -> Result<String, String> {
    crypt
        .verify_signature(&push.signature, &push.timestamp, &push.nonce)
        .map_err(|err| err.to_string())?;
    let decrypted = crypt
        .decrypt_push(
            &push.msg_signature,
            &push.timestamp,
            &push.nonce,
            push.body.as_bytes(),
        )
        .map_err(|err| err.to_string())?;
    let encrypted = crypt
        .encrypt_reply(reply_xml, TIMESTAMP, &push.nonce, KeySlot::Current)
        .map_err(|err| err.to_string())?;
    black_box(decrypted);
    Ok(encrypted.render(EnvelopeFormat::Xml))
}

/// The three rates `steps` measures.
#[derive(Debug, Clone, Copy)]
pub struct StepsRates {
    /// The wechatpy-equivalent steps.
    pub steps: Rate,
    /// Signatures, decrypt and encrypt only.
    pub crypto: Rate,
    /// `Message::parse` of the decrypted XML only.
    pub parse: Rate,
}

/// Measures the three loops on `push` (the first push of the pool file, which wechatpy
/// measures too; push number 1 of the fixture when `None`): the steps with `iterations` per
/// round (wechatpy runs the same number), the crypto and the parse with `loop_iterations`.
pub fn run(
    rounds: usize,
    iterations: u64,
    loop_iterations: u64,
    push: Option<Push>,
) -> Result<StepsRates, String> {
    let crypt = fixture::crypt()?;
    let push = match push {
        Some(push) => push,
        None => Push::text(&crypt, 1, TIMESTAMP)?,
    };
    let plain = crypt
        .decrypt_push(
            &push.msg_signature,
            &push.timestamp,
            &push.nonce,
            push.body.as_bytes(),
        )
        .map_err(|err| err.to_string())?
        .message;
    let reply_xml = steps_once(&crypt, &push, TIMESTAMP).and_then(|_| {
        let message = Message::parse(&plain, EnvelopeFormat::Xml).map_err(|e| e.to_string())?;
        Reply::text("you said: hello")
            .to_xml(&message.meta(), TIMESTAMP)
            .ok_or_else(|| "no XML".to_owned())
    })?;
    let steps = measure(rounds, iterations, |_| {
        black_box(steps_once(&crypt, black_box(&push), TIMESTAMP)?);
        Ok(())
    })?;
    let crypto = measure(rounds, loop_iterations, |_| {
        black_box(crypto_once(&crypt, black_box(&push), &reply_xml)?);
        Ok(())
    })?;
    let parse = measure(rounds, loop_iterations, |_| {
        let message = Message::parse(black_box(&plain), EnvelopeFormat::Xml)
            .map_err(|err| err.to_string())?;
        black_box(message);
        Ok(())
    })?;
    Ok(StepsRates {
        steps,
        crypto,
        parse,
    })
}

/// Prints one result line per rate.
pub fn print(rates: &StepsRates) {
    for (name, rate) in [
        ("steps", rates.steps),
        ("crypto", rates.crypto),
        ("parse", rates.parse),
    ] {
        Line::new(name)
            .field("per_sec", format!("{:.0}", rate.best))
            .field("median_per_sec", format!("{:.0}", rate.median))
            .field("us_each", format!("{:.3}", rate.micros_each()))
            .field("iterations", rate.iterations)
            .field("rounds", rate.rounds)
            .print();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_decrypts_to_a_text_reply_to_the_sender() {
        let crypt = fixture::crypt().unwrap();
        let push = Push::text(&crypt, 1, TIMESTAMP).unwrap();
        let body = steps_once(&crypt, &push, TIMESTAMP + 1).unwrap();
        let signature = body
            .split("<MsgSignature><![CDATA[")
            .nth(1)
            .and_then(|rest| rest.split("]]>").next())
            .unwrap();
        let back = crypt
            .decrypt_push(
                signature,
                &(TIMESTAMP + 1).to_string(),
                fixture::NONCE,
                body.as_bytes(),
            )
            .unwrap();
        assert!(
            back.message.contains("you said: I&apos;d like")
                || back.message.contains("you said: I'd like"),
            "{}",
            back.message
        );
        assert!(
            back.message.contains(&fixture::openid(1)),
            "{}",
            back.message
        );
    }

    #[test]
    fn a_tampered_push_fails_the_steps() {
        let crypt = fixture::crypt().unwrap();
        let mut push = Push::text(&crypt, 1, TIMESTAMP).unwrap();
        push.msg_signature = "0".repeat(40);
        assert!(steps_once(&crypt, &push, TIMESTAMP).is_err());
    }

    #[test]
    fn a_short_run_measures_all_three() {
        let rates = run(1, 3, 4, None).unwrap();
        assert_eq!(rates.steps.iterations, 3);
        assert_eq!(rates.parse.iterations, 4);
        assert!(rates.steps.best > 0.0 && rates.crypto.best > 0.0 && rates.parse.best > 0.0);
    }
}
