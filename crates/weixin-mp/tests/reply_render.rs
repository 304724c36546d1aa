//! Rendering of every reply type, exactly as WeChat expects it.

use quick_xml::Reader;
use quick_xml::events::Event;
use weixin_crypto::EnvelopeFormat;
use weixin_mp::Reply;
use weixin_mp::reply::{Article, InvalidNews, Music, News, Video};
use weixin_push::{PushMeta, PushReply, RenderedReply};

const REQUEST: PushMeta<'static> = PushMeta {
    to_user: "gh_account",
    from_user: "o_user",
    create_time: 1_700_000_000,
    msg_type: "text",
    msg_id: Some(42),
    event: None,
};

const HEAD: &str = "<xml><ToUserName><![CDATA[o_user]]></ToUserName><FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>1700000001</CreateTime>";

fn xml(reply: &Reply) -> String {
    match reply.render(&REQUEST, EnvelopeFormat::Xml, 1_700_000_001) {
        RenderedReply::Body(body) => body,
        other => panic!("{other:?}"),
    }
}

fn json(reply: &Reply) -> serde_json::Value {
    match reply.render(&REQUEST, EnvelopeFormat::Json, 1_700_000_001) {
        RenderedReply::Body(body) => serde_json::from_str(&body).unwrap(),
        other => panic!("{other:?}"),
    }
}

fn articles(n: usize) -> Vec<Article> {
    (1..=n)
        .map(|i| Article {
            title: format!("t{i}"),
            description: format!("d{i}"),
            pic_url: format!("https://p/{i}.jpg"),
            url: format!("https://u/{i}"),
        })
        .collect()
}

#[test]
fn success_and_empty_are_not_messages() {
    for format in [EnvelopeFormat::Xml, EnvelopeFormat::Json] {
        assert_eq!(
            Reply::Success.render(&REQUEST, format, 1),
            RenderedReply::Success
        );
        assert_eq!(
            Reply::Empty.render(&REQUEST, format, 1),
            RenderedReply::Empty
        );
    }
    assert_eq!(Reply::default(), Reply::Success);
    assert_eq!(Reply::Success.to_xml(&REQUEST, 1), None);
}

#[test]
fn text() {
    assert_eq!(
        xml(&Reply::text("你好 <b>&")),
        format!(
            "{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 <b>&]]></Content></xml>"
        )
    );
}

#[test]
fn cdata_terminator_is_split() {
    assert_eq!(
        xml(&Reply::text("a]]>b")),
        format!(
            "{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>"
        )
    );
}

#[test]
fn image_and_voice() {
    assert_eq!(
        xml(&Reply::image("MID")),
        format!(
            "{HEAD}<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[MID]]></MediaId></Image></xml>"
        )
    );
    assert_eq!(
        xml(&Reply::voice("VID")),
        format!(
            "{HEAD}<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[VID]]></MediaId></Voice></xml>"
        )
    );
}

#[test]
fn video() {
    let reply = Reply::Video(Video {
        media_id: "m".into(),
        title: "T".into(),
        description: "D".into(),
    });
    assert_eq!(
        xml(&reply),
        format!(
            "{HEAD}<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[m]]></MediaId><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description></Video></xml>"
        )
    );
    assert_eq!(
        xml(&Reply::video("m")),
        format!(
            "{HEAD}<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[m]]></MediaId></Video></xml>"
        )
    );
}

#[test]
fn music() {
    let reply = Reply::Music(Music {
        title: "T".into(),
        description: "D".into(),
        music_url: "http://m".into(),
        hq_music_url: "http://hq".into(),
        thumb_media_id: "th".into(),
    });
    assert_eq!(
        xml(&reply),
        format!(
            "{HEAD}<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><MusicUrl><![CDATA[http://m]]></MusicUrl><HQMusicUrl><![CDATA[http://hq]]></HQMusicUrl><ThumbMediaId><![CDATA[th]]></ThumbMediaId></Music></xml>"
        )
    );
}

#[test]
fn news() {
    let reply = Reply::news(articles(2)).unwrap();
    assert_eq!(
        xml(&reply),
        format!(
            "{HEAD}<MsgType><![CDATA[news]]></MsgType><ArticleCount>2</ArticleCount><Articles>\
             <item><Title><![CDATA[t1]]></Title><Description><![CDATA[d1]]></Description><PicUrl><![CDATA[https://p/1.jpg]]></PicUrl><Url><![CDATA[https://u/1]]></Url></item>\
             <item><Title><![CDATA[t2]]></Title><Description><![CDATA[d2]]></Description><PicUrl><![CDATA[https://p/2.jpg]]></PicUrl><Url><![CDATA[https://u/2]]></Url></item>\
             </Articles></xml>"
        )
    );
}

#[test]
fn news_is_limited_to_eight_articles() {
    assert!(Reply::news(articles(1)).is_ok());
    assert!(Reply::news(articles(8)).is_ok());
    assert_eq!(Reply::news(articles(9)), Err(InvalidNews::TooMany(9)));
    assert_eq!(Reply::news(vec![]), Err(InvalidNews::Empty));
    // The limit also holds for replies read back from the context store.
    let nine = serde_json::json!({ "News": serde_json::to_value(articles(9)).unwrap() });
    assert!(serde_json::from_value::<Reply>(nine).is_err());
    let eight = serde_json::json!({ "News": serde_json::to_value(articles(8)).unwrap() });
    let Reply::News(news) = serde_json::from_value::<Reply>(eight).unwrap() else {
        panic!()
    };
    assert_eq!(news.articles().len(), 8);
    assert!(News::try_from(vec![]).is_err());
}

#[test]
fn transfer_customer_service() {
    assert_eq!(
        xml(&Reply::transfer_customer_service()),
        format!("{HEAD}<MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>")
    );
    assert_eq!(
        xml(&Reply::transfer_to("test1@test")),
        format!(
            "{HEAD}<MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[test1@test]]></KfAccount></TransInfo></xml>"
        )
    );
}

#[test]
fn forbidden_xml_characters_are_dropped() {
    assert_eq!(
        xml(&Reply::text("a\u{0}b\u{7}c\nd")),
        format!(
            "{HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abc\nd]]></Content></xml>"
        )
    );
}

#[test]
fn json_replies() {
    assert_eq!(
        json(&Reply::text("hi \"q\"\n")),
        serde_json::json!({"ToUserName":"o_user","FromUserName":"gh_account","CreateTime":1700000001,"MsgType":"text","Content":"hi \"q\"\n"})
    );
    // Exact bytes for the common case.
    let RenderedReply::Body(body) = Reply::text("hi").render(&REQUEST, EnvelopeFormat::Json, 7)
    else {
        panic!()
    };
    assert_eq!(
        body,
        r#"{"ToUserName":"o_user","FromUserName":"gh_account","CreateTime":7,"MsgType":"text","Content":"hi"}"#
    );
    assert_eq!(
        json(&Reply::image("m"))["Image"],
        serde_json::json!({"MediaId":"m"})
    );
    assert_eq!(
        json(&Reply::voice("m"))["Voice"],
        serde_json::json!({"MediaId":"m"})
    );
    assert_eq!(
        json(&Reply::Video(Video {
            media_id: "m".into(),
            title: "T".into(),
            description: String::new()
        }))["Video"],
        serde_json::json!({"MediaId":"m","Title":"T"})
    );
    let music = json(&Reply::Music(Music {
        title: "T".into(),
        music_url: "u".into(),
        hq_music_url: "h".into(),
        thumb_media_id: "th".into(),
        ..Music::default()
    }));
    assert_eq!(music["MsgType"], "music");
    assert_eq!(
        music["Music"],
        serde_json::json!({"Title":"T","MusicUrl":"u","HQMusicUrl":"h","ThumbMediaId":"th"})
    );
    let news = json(&Reply::news(articles(2)).unwrap());
    assert_eq!(news["ArticleCount"], 2);
    assert_eq!(
        news["Articles"][1],
        serde_json::json!({"Title":"t2","Description":"d2","PicUrl":"https://p/2.jpg","Url":"https://u/2"})
    );
    assert_eq!(
        json(&Reply::transfer_to("kf@x"))["TransInfo"],
        serde_json::json!({"KfAccount":"kf@x"})
    );
    assert_eq!(
        json(&Reply::transfer_customer_service()).get("TransInfo"),
        None
    );
}

/// Reads the rendered XML back with quick-xml: (path, text) of every text node, CDATA joined.
fn read_back(body: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(body);
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                path.push(String::from_utf8_lossy(e.name().0.as_bytes()).into_owned());
                text.clear();
            }
            Event::CData(c) => text.push_str(&c.into_inner()),
            Event::Text(t) => text.push_str(&t.into_inner()),
            Event::End(_) => {
                if !text.is_empty() {
                    out.push((path.join("/"), std::mem::take(&mut text)));
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn rendered_xml_reads_back() {
    let tricky = "x ]]> y ]]]]> <![CDATA[ z ]]";
    let fields = read_back(&xml(&Reply::text(tricky)));
    assert_eq!(
        fields,
        vec![
            ("xml/ToUserName".to_owned(), "o_user".to_owned()),
            ("xml/FromUserName".to_owned(), "gh_account".to_owned()),
            ("xml/CreateTime".to_owned(), "1700000001".to_owned()),
            ("xml/MsgType".to_owned(), "text".to_owned()),
            ("xml/Content".to_owned(), tricky.to_owned()),
        ]
    );
    let fields = read_back(&xml(&Reply::news(articles(2)).unwrap()));
    assert!(fields.contains(&("xml/Articles/item/Url".to_owned(), "https://u/2".to_owned())));
    assert!(fields.contains(&("xml/ArticleCount".to_owned(), "2".to_owned())));
}

#[test]
fn rendered_text_parses_as_a_message() {
    // Our own parser reads a rendered reply as a text push from the account to the user.
    let body = xml(&Reply::text("a]]>b"));
    let parsed = weixin_mp::Message::parse(&body, EnvelopeFormat::Xml).unwrap();
    let weixin_mp::Message::Text(t) = parsed else {
        panic!()
    };
    assert_eq!(t.content, "a]]>b");
    assert_eq!(t.header.to_user_name, "o_user");
    assert_eq!(t.header.create_time, 1_700_000_001);
}

#[test]
fn replies_round_trip_through_context_storage() {
    let replies = [
        Reply::Success,
        Reply::Empty,
        Reply::text("hi"),
        Reply::image("m"),
        Reply::voice("v"),
        Reply::video("m"),
        Reply::Music(Music::default()),
        Reply::news(articles(3)).unwrap(),
        Reply::transfer_to("kf"),
        Reply::transfer_customer_service(),
    ];
    for reply in replies {
        let stored = serde_json::to_string(&reply).unwrap();
        assert_eq!(
            serde_json::from_str::<Reply>(&stored).unwrap(),
            reply,
            "{stored}"
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_round_trips_through_xml(content in "\\PC*") {
            let body = xml(&Reply::text(content.clone()));
            let fields = read_back(&body);
            let got = fields.iter().find(|(p, _)| p == "xml/Content").map(|(_, v)| v.clone()).unwrap_or_default();
            prop_assert_eq!(got, content);
        }

        #[test]
        fn any_text_round_trips_through_json(content in any::<String>()) {
            let v = json(&Reply::text(content.clone()));
            prop_assert_eq!(v["Content"].as_str(), Some(content.as_str()));
        }
    }
}
