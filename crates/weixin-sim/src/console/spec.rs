//! The JSON the console sends: where to push ([`TargetSpec`]) and what ([`PushSpec`]).

use serde::Deserialize;

use crate::push::{EncryptMode, Push, PushFormat, PushTarget};

/// The callback and its message-push settings, as typed into the console.
#[derive(Debug, Deserialize)]
pub(crate) struct TargetSpec {
    /// The callback URL (`http://…` or `https://…`).
    pub(crate) url: String,
    /// The message-push `Token`.
    pub(crate) token: String,
    /// The `EncodingAESKey`; needed for compatible and safe mode.
    #[serde(default)]
    pub(crate) aes_key: Option<String>,
    /// The app (default: the simulator's first one).
    #[serde(default)]
    pub(crate) appid: Option<String>,
    #[serde(default)]
    pub(crate) format: FormatSpec,
    #[serde(default)]
    pub(crate) mode: ModeSpec,
}

#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FormatSpec {
    #[default]
    Xml,
    Json,
}

#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ModeSpec {
    #[default]
    Plain,
    Compatible,
    Safe,
}

impl TargetSpec {
    /// The push target for the app with `original_id`; an error message for the console
    /// when the URL or the key is not usable.
    pub(crate) fn target(&self, appid: &str, original_id: &str) -> Result<PushTarget, String> {
        let url = url::Url::parse(&self.url).map_err(|e| format!("callback URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("callback URL: only http and https".to_owned());
        }
        let mode = match self.mode {
            ModeSpec::Plain => EncryptMode::Plain,
            ModeSpec::Compatible => EncryptMode::Compatible,
            ModeSpec::Safe => EncryptMode::Safe,
        };
        let format = match self.format {
            FormatSpec::Xml => PushFormat::Xml,
            FormatSpec::Json => PushFormat::Json,
        };
        let mut target = PushTarget::new(&self.url, &self.token, appid)
            .original_id(original_id)
            .format(format)
            .mode(mode);
        match self.aes_key.as_deref().map(str::trim) {
            Some(key) if !key.is_empty() => {
                target = target
                    .aes_key(key)
                    .map_err(|e| format!("EncodingAESKey: {e}"))?;
            }
            _ if mode != EncryptMode::Plain => {
                return Err("compatible and safe mode need an EncodingAESKey".to_owned());
            }
            _ => {}
        }
        Ok(target)
    }
}

/// One subscribe-popup choice.
#[derive(Debug, Deserialize)]
pub(crate) struct PopupItem {
    template_id: String,
    /// `accept` or `reject`.
    status: String,
}

/// What the user does: every push the [`Push`] builders know, tagged by `type`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum PushSpec {
    Text {
        content: String,
    },
    Image {
        #[serde(default)]
        pic_url: String,
        media_id: String,
    },
    MiniprogramPage {
        title: String,
        appid: String,
        page_path: String,
    },
    EnterSession {
        #[serde(default)]
        session_from: String,
    },
    SubscribePopup {
        items: Vec<PopupItem>,
    },
    SubscribeChange {
        template_ids: Vec<String>,
    },
    SubscribeSent {
        template_id: String,
        msg_id: u64,
        #[serde(default)]
        error_code: i64,
        #[serde(default = "success")]
        error_status: String,
    },
    MediaCheck {
        trace_id: String,
        #[serde(default = "pass")]
        suggest: String,
        #[serde(default = "normal_label")]
        label: i64,
    },
    Follow {
        #[serde(default)]
        event_key: Option<String>,
    },
    Unfollow,
    Click {
        key: String,
    },
    View {
        url: String,
    },
    /// Any other event, with an optional `EventKey`.
    Event {
        event: String,
        #[serde(default)]
        event_key: Option<String>,
    },
}

fn success() -> String {
    "success".to_owned()
}

fn pass() -> String {
    "pass".to_owned()
}

fn normal_label() -> i64 {
    100
}

impl PushSpec {
    /// The push from user `from` to app `appid`.
    pub(crate) fn build(&self, from: &str, appid: &str) -> Push {
        match self {
            PushSpec::Text { content } => Push::text(from, content),
            PushSpec::Image { pic_url, media_id } => Push::image(from, pic_url, media_id),
            PushSpec::MiniprogramPage {
                title,
                appid,
                page_path,
            } => Push::miniprogram_page(from, title, appid, page_path),
            PushSpec::EnterSession { session_from } => Push::enter_session(from, session_from),
            PushSpec::SubscribePopup { items } => {
                let items: Vec<(&str, &str)> = items
                    .iter()
                    .map(|i| (i.template_id.as_str(), i.status.as_str()))
                    .collect();
                Push::subscribe_popup(from, &items)
            }
            PushSpec::SubscribeChange { template_ids } => {
                let ids: Vec<&str> = template_ids.iter().map(String::as_str).collect();
                Push::subscribe_change(from, &ids)
            }
            PushSpec::SubscribeSent {
                template_id,
                msg_id,
                error_code,
                error_status,
            } => Push::subscribe_sent(from, template_id, *msg_id, *error_code, error_status),
            PushSpec::MediaCheck {
                trace_id,
                suggest,
                label,
            } => Push::media_check(from, appid, trace_id, suggest, *label),
            PushSpec::Follow { event_key } => Push::follow(from, event_key.as_deref()),
            PushSpec::Unfollow => Push::unfollow(from),
            PushSpec::Click { key } => Push::click(from, key),
            PushSpec::View { url } => Push::view(from, url),
            PushSpec::Event { event, event_key } => {
                let push = Push::event(from, event);
                match event_key {
                    Some(key) => push.field("EventKey", key.as_str()),
                    None => push,
                }
            }
        }
    }

    /// What the chat shows for it.
    pub(crate) fn summary(&self) -> String {
        match self {
            PushSpec::Text { content } => content.clone(),
            PushSpec::Image { media_id, .. } => format!("[image {media_id}]"),
            PushSpec::MiniprogramPage { title, .. } => format!("[mini-program card: {title}]"),
            PushSpec::EnterSession { .. } => "[entered the chat]".to_owned(),
            PushSpec::Click { key } => format!("[menu click {key}]"),
            PushSpec::View { url } => format!("[menu link {url}]"),
            PushSpec::Event { event, .. } => format!("[event {event}]"),
            other => format!("[event {}]", other.build("", "").event_name().unwrap_or("")),
        }
    }
}
