//! Typical text records, as the memory budget tests store them.

use serde::{Deserialize, Serialize};
use weixin_context::ContextStore;

/// A text push as WeChat sends it (XML field names).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TextRequest {
    pub to_user_name: String,
    pub from_user_name: String,
    pub create_time: u64,
    pub msg_type: String,
    pub content: String,
    pub msg_id: u64,
}

/// A passive text reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TextReply {
    pub to_user_name: String,
    pub from_user_name: String,
    pub create_time: u64,
    pub msg_type: String,
    pub content: String,
}

pub const APP: &str = "wx669ef95216eef885";

/// Ten different everyday texts (mixed Chinese and English, 2–40 characters).
pub const TEXTS: [&str; 10] = [
    "你好",
    "请问今天下午三点还有位子吗？",
    "I'd like to change my delivery address",
    "订单号 202611240001 什么时候发货",
    "谢谢！",
    "can I pay with WeChat Pay at the door?",
    "我想退货，商品有破损",
    "ok",
    "营业时间是几点到几点？周末开门吗",
    "收到了，很满意 👍",
];

pub fn openid(i: usize) -> String {
    format!("olPjZjsXuQPJoV0HlruZ{i:08}")
}

pub fn request(user: &str, i: u64) -> TextRequest {
    TextRequest {
        to_user_name: "gh_a96a4a619366".into(),
        from_user_name: user.into(),
        create_time: 1_700_000_000 + i,
        msg_type: "text".into(),
        content: TEXTS[i as usize % TEXTS.len()].into(),
        msg_id: 24_000_000_000_000_000 + i,
    }
}

pub fn reply(user: &str, i: u64) -> TextReply {
    TextReply {
        to_user_name: user.into(),
        from_user_name: "gh_a96a4a619366".into(),
        create_time: 1_700_000_000 + i,
        msg_type: "text".into(),
        content: format!("你说的是：{}", TEXTS[(i as usize + 3) % TEXTS.len()]),
    }
}

/// Stores 10 requests and 10 replies for `user` in one update.
pub async fn fill_at_once(store: &ContextStore<TextRequest, TextReply>, user: &str) {
    store
        .update(APP, user, |ctx| {
            for i in 0..10 {
                ctx.push_request(request(user, i));
                ctx.push_response(reply(user, i));
            }
        })
        .await
        .unwrap();
}
