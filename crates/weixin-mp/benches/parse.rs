//! Parse and render costs of the Official Account message model (the push hot path).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use weixin_crypto::EnvelopeFormat;
use weixin_mp::{Message, Reply};
use weixin_push::{PushMessage, PushReply};

const TEXT_XML: &str = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\
<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\
<CreateTime>1482048670</CreateTime><MsgType><![CDATA[text]]></MsgType>\
<Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>";

const TEXT_JSON: &str = r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1482048670,"MsgType":"text","Content":"this is a test","MsgId":1234567890123456}"#;

const SUBSCRIBE_POPUP_XML: &str = "<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName>\
<FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969440</CreateTime>\
<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event>\
<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>\
<SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List>\
<List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId>\
<SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List>\
</SubscribeMsgPopupEvent></xml>";

/// Baseline: just reading the events with quick-xml, building nothing.
fn quick_xml_events(body: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut n = 0;
    while let Ok(event) = reader.read_event() {
        if matches!(event, quick_xml::events::Event::Eof) {
            break;
        }
        n += 1;
    }
    n
}

fn parse(c: &mut Criterion) {
    c.bench_function("baseline quick-xml events of text xml", |b| {
        b.iter(|| quick_xml_events(black_box(TEXT_XML)))
    });
    c.bench_function("parse text xml", |b| {
        b.iter(|| Message::parse(black_box(TEXT_XML), EnvelopeFormat::Xml))
    });
    // The quick-xml reader alone: what `parse` cost before the fast scanner, and what it
    // still costs for bodies the scanner leaves to quick-xml.
    c.bench_function("parse text xml (quick-xml path)", |b| {
        b.iter(|| Message::parse_xml_quick_xml(black_box(TEXT_XML)))
    });
    c.bench_function("parse text json", |b| {
        b.iter(|| Message::parse(black_box(TEXT_JSON), EnvelopeFormat::Json))
    });
    c.bench_function("parse subscribe_msg_popup_event xml", |b| {
        b.iter(|| Message::parse(black_box(SUBSCRIBE_POPUP_XML), EnvelopeFormat::Xml))
    });
    c.bench_function(
        "parse subscribe_msg_popup_event xml (quick-xml path)",
        |b| b.iter(|| Message::parse_xml_quick_xml(black_box(SUBSCRIBE_POPUP_XML))),
    );
}

fn render(c: &mut Criterion) {
    let Ok(message) = Message::parse(TEXT_XML, EnvelopeFormat::Xml) else {
        panic!("benchmark input does not parse");
    };
    let reply = Reply::text("you said: this is a test");
    c.bench_function("render text reply xml", |b| {
        b.iter(|| black_box(&reply).render(&message.meta(), EnvelopeFormat::Xml, 1_700_000_000))
    });
    c.bench_function("store text message json", |b| {
        b.iter(|| serde_json::to_vec(black_box(&message)))
    });
}

criterion_group!(benches, parse, render);
criterion_main!(benches);
