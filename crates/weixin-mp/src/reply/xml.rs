//! Hand-written XML rendering of replies (no serde): one pre-sized `String`, strings in CDATA,
//! numbers bare.

use std::fmt::Write as _;

use super::Reply;
use weixin_push::PushMeta;

/// Whether `c` may appear in an XML 1.0 document.
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether `s` holds a character [`is_xml_char`] rejects, in one pass over the bytes: a control
/// byte other than tab, LF and CR, or the UTF-8 encoding of U+FFFE / U+FFFF (`EF BF BE/BF`).
fn needs_cleaning(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xEF
                && bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
    })
}

/// Appends `value` as CDATA content: `]]>` is split across two sections and characters XML
/// forbids are dropped.
pub(super) fn push_cdata_content(out: &mut String, value: &str) {
    let cleaned;
    let value = if needs_cleaning(value) {
        cleaned = value
            .chars()
            .filter(|&c| is_xml_char(c))
            .collect::<String>();
        cleaned.as_str()
    } else {
        value
    };
    // Most text has no `]`: skip the substring search.
    if !value.as_bytes().contains(&b']') {
        out.push_str(value);
        return;
    }
    let mut rest = value;
    while let Some(i) = rest.find("]]>") {
        let (head, tail) = rest.split_at(i + 2);
        out.push_str(head);
        out.push_str("]]><![CDATA[");
        rest = tail;
    }
    out.push_str(rest);
}

/// `<name><![CDATA[value]]></name>`
fn cdata(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str("><![CDATA[");
    push_cdata_content(out, value);
    out.push_str("]]></");
    out.push_str(name);
    out.push('>');
}

/// `<name>n</name>`
fn number(out: &mut String, name: &str, n: u64) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    let _ = write!(out, "{n}");
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `cdata` unless `value` is empty.
fn cdata_nonempty(out: &mut String, name: &str, value: &str) {
    if !value.is_empty() {
        cdata(out, name, value);
    }
}

/// Rough size of the variable parts, to size the buffer once.
fn payload_len(reply: &Reply) -> usize {
    match reply {
        Reply::Success | Reply::Empty => 0,
        Reply::Text { content } => content.len() + 40,
        Reply::Image { media_id } | Reply::Voice { media_id } => media_id.len() + 60,
        Reply::Video(v) => v.media_id.len() + v.title.len() + v.description.len() + 120,
        Reply::Music(m) => {
            m.title.len()
                + m.description.len()
                + m.music_url.len()
                + m.hq_music_url.len()
                + m.thumb_media_id.len()
                + 220
        }
        Reply::News(news) => {
            news.articles()
                .iter()
                .map(|a| a.title.len() + a.description.len() + a.pic_url.len() + a.url.len() + 160)
                .sum::<usize>()
                + 60
        }
        Reply::TransferCustomerService { kf_account } => {
            kf_account.as_deref().map_or(0, |k| k.len() + 60)
        }
    }
}

/// Renders `reply` as WeChat's passive-reply XML; `None` for `Success` and `Empty`.
pub(super) fn render(reply: &Reply, request: &PushMeta<'_>, now_secs: u64) -> Option<String> {
    let msg_type = reply.msg_type()?;
    let mut out = String::with_capacity(
        150 + request.from_user.len() + request.to_user.len() + payload_len(reply),
    );
    out.push_str("<xml>");
    cdata(&mut out, "ToUserName", request.from_user);
    cdata(&mut out, "FromUserName", request.to_user);
    number(&mut out, "CreateTime", now_secs);
    cdata(&mut out, "MsgType", msg_type);
    match reply {
        Reply::Success | Reply::Empty => return None,
        Reply::Text { content } => cdata(&mut out, "Content", content),
        Reply::Image { media_id } => {
            out.push_str("<Image>");
            cdata(&mut out, "MediaId", media_id);
            out.push_str("</Image>");
        }
        Reply::Voice { media_id } => {
            out.push_str("<Voice>");
            cdata(&mut out, "MediaId", media_id);
            out.push_str("</Voice>");
        }
        Reply::Video(video) => {
            out.push_str("<Video>");
            cdata(&mut out, "MediaId", &video.media_id);
            cdata_nonempty(&mut out, "Title", &video.title);
            cdata_nonempty(&mut out, "Description", &video.description);
            out.push_str("</Video>");
        }
        Reply::Music(music) => {
            out.push_str("<Music>");
            cdata_nonempty(&mut out, "Title", &music.title);
            cdata_nonempty(&mut out, "Description", &music.description);
            cdata(&mut out, "MusicUrl", &music.music_url);
            cdata(&mut out, "HQMusicUrl", &music.hq_music_url);
            cdata(&mut out, "ThumbMediaId", &music.thumb_media_id);
            out.push_str("</Music>");
        }
        Reply::News(news) => {
            number(&mut out, "ArticleCount", news.articles().len() as u64);
            out.push_str("<Articles>");
            for article in news.articles() {
                out.push_str("<item>");
                cdata(&mut out, "Title", &article.title);
                cdata(&mut out, "Description", &article.description);
                cdata(&mut out, "PicUrl", &article.pic_url);
                cdata(&mut out, "Url", &article.url);
                out.push_str("</item>");
            }
            out.push_str("</Articles>");
        }
        Reply::TransferCustomerService { kf_account } => {
            if let Some(kf) = kf_account.as_deref().filter(|k| !k.is_empty()) {
                out.push_str("<TransInfo>");
                cdata(&mut out, "KfAccount", kf);
                out.push_str("</TransInfo>");
            }
        }
    }
    out.push_str("</xml>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(s: &str) -> String {
        let mut out = String::new();
        push_cdata_content(&mut out, s);
        out
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scan_finds_exactly_the_non_xml_chars(s in "(\\PC|[\u{0}-\u{1F}\u{FFFD}-\u{FFFF}\u{EFBF}])*") {
            proptest::prop_assert_eq!(needs_cleaning(&s), s.chars().any(|c| !is_xml_char(c)));
        }
    }

    #[test]
    fn cdata_end_is_split_and_bad_chars_dropped() {
        assert_eq!(content("a]]>b"), "a]]]]><![CDATA[>b");
        assert_eq!(content("]]>]]>"), "]]]]><![CDATA[>]]]]><![CDATA[>");
        assert_eq!(content("]]"), "]]");
        assert_eq!(content("a\u{0}b\u{1F}c\td\ne\u{FFFF}"), "abc\td\ne");
        assert_eq!(content("中文"), "中文");
    }
}
