//! The fixed test account and the pushes every benchmark sends.
//!
//! The Rust loops, the push pools for wrk, the wechatpy script and the Node server all use
//! these values (the peers read them from the pool file's header line, see [`crate::pool`]).

use weixin_crypto::{KeySlot, MsgCrypt, msg_signature, signature};

/// The account's appid.
pub const APPID: &str = "wx5bench0c0ffee42";
/// The account's AppSecret (test value; the push benchmarks never call the API).
pub const SECRET: &str = "weixinbenchsecret";
/// The account's push token (test value, not a secret).
pub const TOKEN: &str = "weixinbenchtoken";
/// The account's EncodingAESKey (WeChat's own sample key; test value, not a secret).
pub const ENCODING_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/// The account's original id (`ToUserName` of every push).
pub const ORIGINAL_ID: &str = "gh_b3nch0000001";
/// The nonce of every pre-encrypted push.
pub const NONCE: &str = "1320562132";
/// Distinct users the pushes of a pool come from (contexts grow per user).
pub const USERS: u64 = 1_000;
/// What every benchmark handler answers a text with: this prefix and the text.
pub const REPLY_PREFIX: &str = "you said: ";

/// Everyday texts the pushes carry (mixed Chinese and English).
const TEXTS: [&str; 5] = [
    "你好，请问今天下午三点还有位子吗？",
    "I'd like to change my delivery address",
    "订单号 202611240001 什么时候发货",
    "can I pay with WeChat Pay at the door?",
    "营业时间是几点到几点？周末开门吗",
];

/// The message crypto of the test account.
pub fn crypt() -> Result<MsgCrypt, String> {
    MsgCrypt::new(TOKEN, ENCODING_AES_KEY, APPID).map_err(|err| err.to_string())
}

/// The openid of user number `user`.
pub fn openid(user: u64) -> String {
    format!("oBench-user-{user:010}")
}

/// The plaintext XML of text push number `n` (its `MsgId` is `n`), sent at `create_time`
/// by user `n % USERS`.
pub fn text_xml(n: u64, create_time: u64) -> String {
    text_xml_from(n, n % USERS, create_time)
}

/// The plaintext XML of text push number `n` from user number `user`.
pub fn text_xml_from(n: u64, user: u64, create_time: u64) -> String {
    let text = TEXTS[(n % TEXTS.len() as u64) as usize];
    format!(
        "<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>\
         <FromUserName><![CDATA[{}]]></FromUserName><CreateTime>{create_time}</CreateTime>\
         <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>\
         <MsgId>{}</MsgId></xml>",
        openid(user),
        24_000_000_000_000_000 + n
    )
}

/// One encrypted push as WeChat sends it in safe mode: the query parameters and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// `signature` (over token, timestamp, nonce).
    pub signature: String,
    /// `timestamp`.
    pub timestamp: String,
    /// `nonce`.
    pub nonce: String,
    /// `openid` of the sender.
    pub openid: String,
    /// `msg_signature` (over token, timestamp, nonce, Encrypt).
    pub msg_signature: String,
    /// The XML body: `ToUserName` and `Encrypt`, on one line.
    pub body: String,
}

impl Push {
    /// Encrypts `plain_xml` from `openid` at `timestamp` into a safe-mode push.
    pub fn encrypt(
        crypt: &MsgCrypt,
        plain_xml: &str,
        openid: &str,
        timestamp: u64,
    ) -> Result<Self, String> {
        let encrypt = crypt
            .encrypt(plain_xml, KeySlot::Current)
            .map_err(|err| err.to_string())?;
        let timestamp = timestamp.to_string();
        Ok(Self {
            signature: signature(TOKEN, &timestamp, NONCE).into(),
            msg_signature: msg_signature(TOKEN, &timestamp, NONCE, &encrypt).into(),
            timestamp,
            nonce: NONCE.to_owned(),
            openid: openid.to_owned(),
            body: format!(
                "<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            ),
        })
    }

    /// Text push number `n` (see [`text_xml`]), encrypted, sent at `timestamp`.
    pub fn text(crypt: &MsgCrypt, n: u64, timestamp: u64) -> Result<Self, String> {
        Self::text_from(crypt, n, n % USERS, timestamp)
    }

    /// Text push number `n` from user number `user`, encrypted, sent at `timestamp`.
    pub fn text_from(crypt: &MsgCrypt, n: u64, user: u64, timestamp: u64) -> Result<Self, String> {
        Self::encrypt(
            crypt,
            &text_xml_from(n, user, timestamp),
            &openid(user),
            timestamp,
        )
    }

    /// The query string of the push URL (without `?`); every value is URL-safe already.
    pub fn query(&self) -> String {
        format!(
            "signature={}&timestamp={}&nonce={}&openid={}&encrypt_type=aes&msg_signature={}",
            self.signature, self.timestamp, self.nonce, self.openid, self.msg_signature
        )
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_decrypts_back_with_both_signatures_valid() {
        let crypt = crypt().unwrap();
        let push = Push::text(&crypt, 7, 1_700_000_000).unwrap();
        crypt
            .verify_signature(&push.signature, &push.timestamp, &push.nonce)
            .unwrap();
        let decrypted = crypt
            .decrypt_push(
                &push.msg_signature,
                &push.timestamp,
                &push.nonce,
                push.body.as_bytes(),
            )
            .unwrap();
        assert_eq!(decrypted.message, text_xml(7, 1_700_000_000));
        assert!(
            decrypted
                .message
                .contains("<MsgId>24000000000000007</MsgId>")
        );
        assert!(!push.body.contains('\n'));
        assert!(push.query().contains("encrypt_type=aes&msg_signature="));
    }

    #[test]
    fn pushes_differ_in_msg_id_and_cycle_through_users() {
        assert_ne!(text_xml(1, 0), text_xml(2, 0));
        assert!(text_xml(USERS + 3, 0).contains(&openid(3)));
    }
}
