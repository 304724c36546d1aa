//! JSON rendering of replies, for requests that came in JSON: same field names as the XML.

use std::fmt::Write as _;

use super::Reply;
use weixin_push::PushMeta;

/// Appends `value` as a JSON string literal.
fn push_str_literal(out: &mut String, value: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in value.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0C => Some("\\f"),
            0..=0x1F => None,
            _ => continue,
        };
        out.push_str(value.get(start..i).unwrap_or_default());
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(value.get(start..).unwrap_or_default());
    out.push('"');
}

/// Writes `"name":"value"` (with a leading comma unless first in its object).
struct Obj<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Obj<'o> {
    fn open(out: &'o mut String) -> Self {
        out.push('{');
        Self { out, first: true }
    }

    fn key(&mut self, name: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
    }

    fn str(&mut self, name: &str, value: &str) {
        self.key(name);
        push_str_literal(self.out, value);
    }

    fn str_nonempty(&mut self, name: &str, value: &str) {
        if !value.is_empty() {
            self.str(name, value);
        }
    }

    fn num(&mut self, name: &str, n: u64) {
        self.key(name);
        let _ = write!(self.out, "{n}");
    }

    /// Runs `body` on a nested object under `name`.
    fn object(&mut self, name: &str, body: impl FnOnce(&mut Obj<'_>)) {
        self.key(name);
        let mut inner = Obj::open(self.out);
        body(&mut inner);
        inner.close();
    }

    fn close(self) {
        self.out.push('}');
    }
}

/// Renders `reply` as a JSON object; `None` for `Success` and `Empty`.
pub(super) fn render(reply: &Reply, request: &PushMeta<'_>, now_secs: u64) -> Option<String> {
    let msg_type = reply.msg_type()?;
    let mut out = String::with_capacity(256);
    let mut obj = Obj::open(&mut out);
    obj.str("ToUserName", request.from_user);
    obj.str("FromUserName", request.to_user);
    obj.num("CreateTime", now_secs);
    obj.str("MsgType", msg_type);
    match reply {
        Reply::Success | Reply::Empty => return None,
        Reply::Text { content } => obj.str("Content", content),
        Reply::Image { media_id } => obj.object("Image", |o| o.str("MediaId", media_id)),
        Reply::Voice { media_id } => obj.object("Voice", |o| o.str("MediaId", media_id)),
        Reply::Video(video) => obj.object("Video", |o| {
            o.str("MediaId", &video.media_id);
            o.str_nonempty("Title", &video.title);
            o.str_nonempty("Description", &video.description);
        }),
        Reply::Music(music) => obj.object("Music", |o| {
            o.str_nonempty("Title", &music.title);
            o.str_nonempty("Description", &music.description);
            o.str("MusicUrl", &music.music_url);
            o.str("HQMusicUrl", &music.hq_music_url);
            o.str("ThumbMediaId", &music.thumb_media_id);
        }),
        Reply::News(news) => {
            obj.num("ArticleCount", news.articles().len() as u64);
            obj.key("Articles");
            obj.out.push('[');
            for (i, article) in news.articles().iter().enumerate() {
                if i > 0 {
                    obj.out.push(',');
                }
                let mut item = Obj::open(obj.out);
                item.str("Title", &article.title);
                item.str("Description", &article.description);
                item.str("PicUrl", &article.pic_url);
                item.str("Url", &article.url);
                item.close();
            }
            obj.out.push(']');
        }
        Reply::TransferCustomerService { kf_account } => {
            if let Some(kf) = kf_account.as_deref().filter(|k| !k.is_empty()) {
                obj.object("TransInfo", |o| o.str("KfAccount", kf));
            }
        }
    }
    obj.close();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_match_serde_json() {
        for s in [
            "plain",
            "q\"b\\s",
            "nl\nx\r\t",
            "\u{0}\u{1f}\u{8}\u{c}",
            "中文 ]]>",
            "",
        ] {
            let mut out = String::new();
            push_str_literal(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }
}
