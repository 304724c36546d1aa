//! The push handler: answers through the customer-service API, as mini programs must (the HTTP
//! reply to a mini-program push is only `success`).
//!
//! - text: the text back, with the user's recent history from the message context;
//! - image: a text, then the same image;
//! - entering the customer-service chat: a welcome text.

use async_trait::async_trait;
use weixin::mini_program::message::{ImageMessage, TextMessage, UserEnterTempSessionEvent};
use weixin::mini_program::{WxContext, WxMessage, WxOpenMessageHandler, WxReply, WxResult};
use weixin::official_account::api::custom::{CustomApi, CustomMessage};
use weixin::push::PushMessage;

/// The welcome text sent when a user enters the customer-service chat.
pub const WELCOME: &str = "Welcome! Send me a text or an image.";

/// The text sent before the user's image is sent back.
pub const IMAGE_RECEIVED: &str = "Nice picture! Here it is back:";

/// How many earlier messages the text reply lists.
pub const HISTORY_LEN: usize = 5;

/// The reply to a text: the text and the user's earlier messages (oldest first).
///
/// ```
/// use wxopen_sample::handler::text_reply;
/// assert_eq!(text_reply("hi", &[]), "You said: hi\nEarlier: (nothing yet)");
/// assert_eq!(
///     text_reply("and you?", &["[entered the chat]".into(), "hi".into()]),
///     "You said: and you?\nEarlier: [entered the chat] | hi"
/// );
/// ```
pub fn text_reply(content: &str, history: &[String]) -> String {
    if history.is_empty() {
        format!("You said: {content}\nEarlier: (nothing yet)")
    } else {
        format!("You said: {content}\nEarlier: {}", history.join(" | "))
    }
}

/// How a request shows up in the history: its text, or what it was.
pub fn describe(message: &WxMessage) -> String {
    match message {
        WxMessage::Text(text) => text.content.clone(),
        WxMessage::Image(_) => "[image]".to_owned(),
        WxMessage::UserEnterTempSession(_) => "[entered the chat]".to_owned(),
        WxMessage::MiniProgramPage(_) => "[mini-program card]".to_owned(),
        other => format!("[{}]", other.meta().msg_type),
    }
}

/// The sample's handler: talks back through the customer-service API.
#[derive(Debug, Clone)]
pub struct SampleHandler {
    custom: CustomApi,
}

impl SampleHandler {
    /// A handler sending with `custom` (`WxOpenApi::custom()`).
    pub fn new(custom: CustomApi) -> Self {
        Self { custom }
    }
}

#[async_trait]
impl WxOpenMessageHandler for SampleHandler {
    async fn on_text(&self, cx: &mut WxContext, text: &TextMessage) -> WxResult {
        // The context holds this request last: the history is what came before it.
        let requests = cx.context().requests();
        let earlier = requests.len().saturating_sub(1);
        let history: Vec<String> = requests
            .iter()
            .take(earlier)
            .skip(earlier.saturating_sub(HISTORY_LEN))
            .map(describe)
            .collect();
        let openid = &text.header.from_user_name;
        let reply = text_reply(&text.content, &history);
        self.custom
            .send(&CustomMessage::text(openid, reply))
            .await?;
        Ok(WxReply::Success)
    }

    async fn on_image(&self, _cx: &mut WxContext, image: &ImageMessage) -> WxResult {
        let openid = &image.header.from_user_name;
        self.custom
            .send(&CustomMessage::text(openid, IMAGE_RECEIVED))
            .await?;
        // The media id of the user's image is temporary media of this app: send it back as is.
        self.custom
            .send(&CustomMessage::image(openid, &image.media_id))
            .await?;
        Ok(WxReply::Success)
    }

    async fn on_event_user_enter_tempsession(
        &self,
        _cx: &mut WxContext,
        event: &UserEnterTempSessionEvent,
    ) -> WxResult {
        self.custom
            .send(&CustomMessage::text(&event.header.from_user_name, WELCOME))
            .await?;
        Ok(WxReply::Success)
    }
}
