//! Parsing every Official Account message and event type from realistic XML and JSON.

use weixin_crypto::EnvelopeFormat;
use weixin_mp::Message;
use weixin_mp::message::*;
use weixin_push::PushMessage;

fn xml(body: &str) -> Message {
    match Message::parse(body, EnvelopeFormat::Xml) {
        Ok(m) => m,
        Err(e) => panic!("{e}: {body}"),
    }
}

fn json(body: &str) -> Message {
    match Message::parse(body, EnvelopeFormat::Json) {
        Ok(m) => m,
        Err(e) => panic!("{e}: {body}"),
    }
}

/// An XML push with the usual header and `rest` after it.
fn push(msg_type: &str, rest: &str) -> String {
    format!(
        "<xml>\n  <ToUserName><![CDATA[toUser]]></ToUserName>\n  \
         <FromUserName><![CDATA[fromUser]]></FromUserName>\n  <CreateTime>1482048670</CreateTime>\n  \
         <MsgType><![CDATA[{msg_type}]]></MsgType>\n  {rest}\n</xml>"
    )
}

fn event(name: &str, rest: &str) -> String {
    push("event", &format!("<Event><![CDATA[{name}]]></Event>{rest}"))
}

fn header() -> Header {
    Header {
        to_user_name: "toUser".into(),
        from_user_name: "fromUser".into(),
        create_time: 1482048670,
    }
}

#[test]
fn text_official_example() {
    let m = xml(&push(
        "text",
        "<Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId>",
    ));
    assert_eq!(
        m,
        Message::Text(TextMessage {
            header: header(),
            msg_id: Some(1234567890123456),
            content: "this is a test".into(),
            biz_msg_menu_id: None,
        })
    );
    let meta = m.meta();
    assert_eq!(meta.to_user, "toUser");
    assert_eq!(meta.from_user, "fromUser");
    assert_eq!(meta.create_time, 1482048670);
    assert_eq!(meta.msg_type, "text");
    assert_eq!(meta.msg_id, Some(1234567890123456));
    assert_eq!(meta.event, None);
}

#[test]
fn text_official_json_example() {
    let m = json(
        r#"{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "text", "Content": "this is a test", "MsgId": 1234567890123456 }"#,
    );
    assert_eq!(
        m,
        xml(&push(
            "text",
            "<Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId>"
        ))
    );
}

#[test]
fn image() {
    let m = xml(&push(
        "image",
        "<PicUrl><![CDATA[this is a url]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId>",
    ));
    assert_eq!(
        m,
        Message::Image(ImageMessage {
            header: header(),
            msg_id: Some(1234567890123456),
            pic_url: "this is a url".into(),
            media_id: "media_id".into(),
        })
    );
}

#[test]
fn voice_with_recognition() {
    let m = xml(&push(
        "voice",
        "<MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format>\
         <Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123456</MsgId>\
         <MediaId16K><![CDATA[m16]]></MediaId16K>",
    ));
    let Message::Voice(v) = m else {
        panic!("{m:?}")
    };
    assert_eq!(v.media_id, "media_id");
    assert_eq!(v.format, "amr");
    assert_eq!(v.recognition.as_deref(), Some("腾讯微信团队"));
    assert_eq!(v.media_id_16k.as_deref(), Some("m16"));
    assert_eq!(v.msg_id, Some(1234567890123456));

    let Message::Voice(v) = xml(&push("voice", "<MediaId>m</MediaId><Format>speex</Format>"))
    else {
        panic!()
    };
    assert_eq!(v.recognition, None);
    assert_eq!(v.msg_id, None);
}

#[test]
fn video_and_short_video() {
    let body = "<MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123456</MsgId>";
    let expected = VideoMessage {
        header: header(),
        msg_id: Some(1234567890123456),
        media_id: "media_id".into(),
        thumb_media_id: "thumb_media_id".into(),
    };
    assert_eq!(xml(&push("video", body)), Message::Video(expected.clone()));
    let short = xml(&push("shortvideo", body));
    assert_eq!(short, Message::ShortVideo(expected));
    assert_eq!(short.meta().msg_type, "shortvideo");
}

#[test]
fn location_message() {
    let m = xml(&push(
        "location",
        "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale>\
         <Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId>",
    ));
    assert_eq!(
        m,
        Message::Location(LocationMessage {
            header: header(),
            msg_id: Some(1234567890123456),
            location_x: 23.134521,
            location_y: 113.358803,
            scale: 20,
            label: "位置信息".into(),
        })
    );
}

#[test]
fn link_and_file() {
    let m = xml(&push(
        "link",
        "<Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description>\
         <Url><![CDATA[url]]></Url><MsgId>1234567890123456</MsgId>",
    ));
    let Message::Link(l) = m else { panic!("{m:?}") };
    assert_eq!(
        (l.title.as_str(), l.url.as_str()),
        ("公众平台官网链接", "url")
    );

    let m = xml(&push(
        "file",
        "<Title><![CDATA[a.pdf]]></Title><Description><![CDATA[d]]></Description><FileKey><![CDATA[k]]></FileKey>\
         <FileMd5><![CDATA[5a]]></FileMd5><FileTotalLen>6000000000</FileTotalLen><MsgId>7</MsgId>",
    ));
    let Message::File(f) = m else { panic!("{m:?}") };
    assert_eq!(f.file_total_len, Some(6_000_000_000));
    assert_eq!(f.file_key, "k");
    assert_eq!(f.msg_id, Some(7));
}

#[test]
fn subscribe_plain_and_by_qr_code() {
    let m = xml(&event("subscribe", ""));
    assert_eq!(
        m,
        Message::EventSubscribe(SubscribeEvent {
            header: header(),
            event_key: None,
            ticket: None,
        })
    );
    assert_eq!(m.meta().event, Some("subscribe"));
    assert_eq!(m.meta().msg_type, "event");
    assert_eq!(m.meta().msg_id, None);

    let m = xml(&event(
        "subscribe",
        "<EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>",
    ));
    let Message::EventSubscribe(s) = m else {
        panic!("{m:?}")
    };
    assert_eq!(s.qr_scene(), Some("123123"));
    assert_eq!(s.ticket.as_deref(), Some("TICKET"));

    // An empty EventKey (what WeChat sends for a plain follow) is no key.
    let Message::EventSubscribe(s) = xml(&event("subscribe", "<EventKey><![CDATA[]]></EventKey>"))
    else {
        panic!()
    };
    assert_eq!(s.event_key, None);
}

#[test]
fn unsubscribe_scan_location_click_view() {
    assert_eq!(
        xml(&event("unsubscribe", "")),
        Message::EventUnsubscribe(UnsubscribeEvent { header: header() })
    );

    let m = xml(&event(
        "SCAN",
        "<EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>",
    ));
    assert_eq!(
        m,
        Message::EventScan(ScanEvent {
            header: header(),
            event_key: "SCENE_VALUE".into(),
            ticket: Some("TICKET".into()),
        })
    );
    assert_eq!(m.meta().event, Some("SCAN"));

    let m = xml(&event(
        "LOCATION",
        "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>",
    ));
    assert_eq!(
        m,
        Message::EventLocation(LocationEvent {
            header: header(),
            latitude: 23.137466,
            longitude: 113.352425,
            precision: 119.38504,
        })
    );

    let m = xml(&event("CLICK", "<EventKey><![CDATA[EVENTKEY]]></EventKey>"));
    assert_eq!(
        m,
        Message::EventClick(ClickEvent {
            header: header(),
            event_key: "EVENTKEY".into(),
        })
    );

    let m = xml(&event(
        "VIEW",
        "<EventKey><![CDATA[www.qq.com]]></EventKey><MenuId>MENUID</MenuId>",
    ));
    assert_eq!(
        m,
        Message::EventView(ViewEvent {
            header: header(),
            event_key: "www.qq.com".into(),
            menu_id: Some("MENUID".into()),
        })
    );

    let m = xml(&event(
        "view_miniprogram",
        "<EventKey><![CDATA[pages/index/index]]></EventKey><MenuId>MENUID</MenuId>",
    ));
    let Message::EventViewMiniprogram(v) = &m else {
        panic!("{m:?}")
    };
    assert_eq!(v.event_key, "pages/index/index");
    assert_eq!(m.meta().event, Some("view_miniprogram"));
}

#[test]
fn template_and_mass_send_finished() {
    let m = xml(&event(
        "TEMPLATESENDJOBFINISH",
        "<MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status>",
    ));
    assert_eq!(
        m,
        Message::EventTemplateSendJobFinish(TemplateSendJobFinishEvent {
            header: header(),
            msg_id: Some(200163836),
            status: "failed:user block".into(),
        })
    );
    // The reported message's id is not the push's own id: dedup must not use it.
    assert_eq!(m.meta().msg_id, None);

    let m = xml(&event(
        "MASSSENDJOBFINISH",
        "<MsgID>1988</MsgID><Status><![CDATA[sendsuccess]]></Status><TotalCount>100</TotalCount>\
         <FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>\
         <CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>1</CheckState></CopyrightCheckResult>",
    ));
    assert_eq!(
        m,
        Message::EventMassSendJobFinish(MassSendJobFinishEvent {
            header: header(),
            msg_id: Some(1988),
            status: "sendsuccess".into(),
            total_count: Some(100),
            filter_count: Some(80),
            sent_count: Some(75),
            error_count: Some(5),
        })
    );
}

#[test]
fn scancode_events() {
    let rest = "<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType>\
                <ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>";
    let expected = ScanCodeEvent {
        header: header(),
        event_key: "6".into(),
        scan_code_info: ScanCodeInfo {
            scan_type: "qrcode".into(),
            scan_result: "1".into(),
        },
    };
    assert_eq!(
        xml(&event("scancode_push", rest)),
        Message::EventScancodePush(expected.clone())
    );
    assert_eq!(
        xml(&event("scancode_waitmsg", rest)),
        Message::EventScancodeWaitmsg(expected)
    );
}

#[test]
fn picture_events() {
    let rest = "<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>2</Count><PicList>\
                <item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item>\
                <item><PicMd5Sum><![CDATA[2c]]></PicMd5Sum></item></PicList></SendPicsInfo>";
    let expected = PicEvent {
        header: header(),
        event_key: "6".into(),
        send_pics_info: SendPicsInfo {
            count: 2,
            pic_md5_sums: vec!["1b5f7c23b5bf75682a53e7b6d163e185".into(), "2c".into()],
        },
    };
    assert_eq!(
        xml(&event("pic_sysphoto", rest)),
        Message::EventPicSysphoto(expected.clone())
    );
    assert_eq!(
        xml(&event("pic_photo_or_album", rest)),
        Message::EventPicPhotoOrAlbum(expected.clone())
    );
    assert_eq!(
        xml(&event("pic_weixin", rest)),
        Message::EventPicWeixin(expected.clone())
    );

    // JSON: PicList as an array of objects.
    let m = json(
        r#"{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,"MsgType":"event","Event":"pic_weixin","EventKey":"6",
            "SendPicsInfo":{"Count":2,"PicList":[{"PicMd5Sum":"1b5f7c23b5bf75682a53e7b6d163e185"},{"PicMd5Sum":"2c"}]}}"#,
    );
    assert_eq!(m, Message::EventPicWeixin(expected));
}

#[test]
fn location_select() {
    let m = xml(&event(
        "location_select",
        "<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X>\
         <Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[ 广州市海珠区客村艺苑路 106号]]></Label>\
         <Poiname><![CDATA[]]></Poiname></SendLocationInfo>",
    ));
    assert_eq!(
        m,
        Message::EventLocationSelect(LocationSelectEvent {
            header: header(),
            event_key: "6".into(),
            send_location_info: SendLocationInfo {
                location_x: 23.0,
                location_y: 113.0,
                scale: 15,
                label: " 广州市海珠区客村艺苑路 106号".into(),
                poiname: None,
            },
        })
    );
}

const POPUP_XML: &str = "<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969440</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_popup_event]]></Event>
    <SubscribeMsgPopupEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
        <List>
            <TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
    </SubscribeMsgPopupEvent>
</xml>";

#[test]
fn subscribe_msg_popup_xml_official_example() {
    let Message::EventSubscribeMsgPopup(e) = xml(POPUP_XML) else {
        panic!()
    };
    assert_eq!(e.header.create_time, 1610969440);
    assert_eq!(
        e.list,
        vec![
            SubscribeMsgPopupItem {
                template_id: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc".into(),
                subscribe_status_string: "accept".into(),
                popup_scene: Some(2),
            },
            SubscribeMsgPopupItem {
                template_id: "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI".into(),
                subscribe_status_string: "reject".into(),
                popup_scene: Some(2),
            },
        ]
    );
}

#[test]
fn subscribe_msg_json_list_is_object_or_array() {
    // Official example: CreateTime and PopupScene as strings, List an array of one.
    let m = json(
        r#"{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5OI1Uej6Xixw1lA2H7XDVbc", "CreateTime": "1620973045", "MsgType": "event", "Event": "subscribe_msg_popup_event",
  "List": [ { "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68", "SubscribeStatusString": "accept", "PopupScene": "0" } ] }"#,
    );
    let Message::EventSubscribeMsgPopup(e) = m else {
        panic!("{m:?}")
    };
    assert_eq!(e.header.create_time, 1620973045);
    assert_eq!(e.list.len(), 1);
    assert_eq!(e.list[0].popup_scene, Some(0));

    let m = json(
        r#"{"ToUserName":"gh","FromUserName":"o","CreateTime":1,"MsgType":"event","Event":"subscribe_msg_change_event",
            "List":[{"TemplateId":"A","SubscribeStatusString":"reject"},{"TemplateId":"B","SubscribeStatusString":"reject"}]}"#,
    );
    let Message::EventSubscribeMsgChange(e) = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        e.list
            .iter()
            .map(|i| i.template_id.as_str())
            .collect::<Vec<_>>(),
        ["A", "B"]
    );

    // Official example: List is one object, MsgID and ErrorCode as strings.
    let m = json(
        r#"{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5PHRGBQYmeNyfG064wEFVpQ", "CreateTime": "1620963428", "MsgType": "event", "Event": "subscribe_msg_sent_event",
  "List": { "TemplateId": "BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8", "MsgID": "1864323726461255680", "ErrorCode": "0", "ErrorStatus": "success" } }"#,
    );
    let Message::EventSubscribeMsgSent(e) = m else {
        panic!("{m:?}")
    };
    assert_eq!(
        e.list,
        vec![SubscribeMsgSentItem {
            template_id: "BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8".into(),
            msg_id: Some(1864323726461255680),
            error_code: Some(0),
            error_status: "success".into(),
        }]
    );
}

#[test]
fn subscribe_msg_sent_and_change_xml() {
    let m = xml(&event(
        "subscribe_msg_sent_event",
        "<SubscribeMsgSentEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>\
         <MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus>\
         </List></SubscribeMsgSentEvent>",
    ));
    let Message::EventSubscribeMsgSent(e) = m else {
        panic!("{m:?}")
    };
    assert_eq!(e.list[0].msg_id, Some(1700827132819554304));
    assert_eq!(e.list[0].error_status, "success");

    let m = xml(&event(
        "subscribe_msg_change_event",
        "<SubscribeMsgChangeEvent><List><TemplateId><![CDATA[T]]></TemplateId>\
         <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>",
    ));
    let Message::EventSubscribeMsgChange(e) = m else {
        panic!("{m:?}")
    };
    assert_eq!(e.list.len(), 1);
    assert_eq!(e.list[0].subscribe_status_string, "reject");
}

#[test]
fn user_enter_tempsession() {
    let m = xml(&event(
        "user_enter_tempsession",
        "<SessionFrom><![CDATA[sessionFrom]]></SessionFrom>",
    ));
    assert_eq!(
        m,
        Message::EventUserEnterTempSession(UserEnterTempSessionEvent {
            header: header(),
            session_from: "sessionFrom".into(),
        })
    );
}

#[test]
fn field_order_does_not_matter() {
    let shuffled = "<xml><MsgId>1234567890123456</MsgId><Content><![CDATA[this is a test]]></Content>\
                    <MsgType><![CDATA[text]]></MsgType><CreateTime>1482048670</CreateTime>\
                    <FromUserName><![CDATA[fromUser]]></FromUserName><ToUserName><![CDATA[toUser]]></ToUserName></xml>";
    assert_eq!(
        xml(shuffled),
        xml(&push(
            "text",
            "<Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId>"
        ))
    );
    let shuffled_event = "<xml><EventKey>K</EventKey><Event>CLICK</Event><CreateTime>1482048670</CreateTime>\
                          <ToUserName>toUser</ToUserName><MsgType>event</MsgType><FromUserName>fromUser</FromUserName></xml>";
    assert_eq!(
        xml(shuffled_event),
        Message::EventClick(ClickEvent {
            header: header(),
            event_key: "K".into()
        })
    );
}

#[test]
fn cdata_and_whitespace_variants() {
    let expected = xml(&push(
        "text",
        "<Content><![CDATA[hi]]></Content><MsgId>5</MsgId>",
    ));
    let variants = [
        // No CDATA at all.
        "<xml><ToUserName>toUser</ToUserName><FromUserName>fromUser</FromUserName><CreateTime>1482048670</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>5</MsgId></xml>",
        // Newlines and indentation around CDATA and numbers.
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<xml>\r\n\t<ToUserName>\n  <![CDATA[toUser]]>\n</ToUserName>\r\n\t<FromUserName> <![CDATA[fromUser]]> </FromUserName>\
         <CreateTime>\n1482048670\n</CreateTime><MsgType>\t<![CDATA[text]]></MsgType><Content>\n<![CDATA[hi]]>\n</Content><MsgId> 5 </MsgId>\r\n</xml>\r\n",
        // CDATA for the numbers too, comments anywhere.
        "<!-- c --><xml><ToUserName><![CDATA[toUser]]></ToUserName><!-- c --><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime><![CDATA[1482048670]]></CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId><![CDATA[5]]></MsgId></xml>",
        // Content split across CDATA sections.
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[h]]><![CDATA[i]]></Content><MsgId>5</MsgId></xml>",
    ];
    for v in variants {
        assert_eq!(xml(v), expected, "{v}");
    }
}

#[test]
fn text_content_is_kept_verbatim() {
    let m = xml(&push(
        "text",
        "<Content><![CDATA[  a <b> & ]] c\n d  ]]></Content><MsgId>1</MsgId>",
    ));
    let Message::Text(t) = m else { panic!() };
    assert_eq!(t.content, "  a <b> & ]] c\n d  ");

    let m = xml(&push(
        "text",
        "<Content>x &lt;&amp;&gt; &#x4e2d;&#25991;</Content>",
    ));
    let Message::Text(t) = m else { panic!() };
    assert_eq!(t.content, "x <&> 中文");
}

#[test]
fn missing_optional_fields_and_extra_fields() {
    // No MsgId, no Content: still a text message.
    let Message::Text(t) = xml(&push("text", "")) else {
        panic!()
    };
    assert_eq!((t.msg_id, t.content.as_str()), (None, ""));
    // Unknown extra fields (MsgDataId, Idx, nested ones) are ignored.
    let Message::Text(t) = xml(&push(
        "text",
        "<Content>hi</Content><MsgDataId>1</MsgDataId><Idx>2</Idx><Extra><A>1</A></Extra><Empty/>",
    )) else {
        panic!()
    };
    assert_eq!(t.content, "hi");
    // A zero MsgId is not a dedup key.
    let m = xml(&push("text", "<MsgId>0</MsgId>"));
    assert_eq!(m.msg_id(), Some(0));
    assert_eq!(m.meta().msg_id, None);
}

#[test]
fn msg_id_is_exact_64_bit() {
    let Message::Text(t) = xml(&push("text", "<MsgId>6000000000000000000</MsgId>")) else {
        panic!()
    };
    assert_eq!(t.msg_id, Some(6_000_000_000_000_000_000));
    let Message::Text(t) = xml(&push("text", "<MsgId>18446744073709551615</MsgId>")) else {
        panic!()
    };
    assert_eq!(t.msg_id, Some(u64::MAX));
    // 2^53 + 1 is where f64 would start losing digits.
    let m = json(
        r#"{"ToUserName":"a","FromUserName":"b","CreateTime":1,"MsgType":"text","MsgId":9007199254740993}"#,
    );
    assert_eq!(m.msg_id(), Some(9_007_199_254_740_993));
    let m = json(
        r#"{"ToUserName":"a","FromUserName":"b","CreateTime":1,"MsgType":"text","MsgId":6000000000000000000}"#,
    );
    assert_eq!(m.msg_id(), Some(6_000_000_000_000_000_000));
}

#[test]
fn event_names_ignore_case() {
    let m = xml(&event("scan", "<EventKey>1</EventKey>"));
    assert!(matches!(m, Message::EventScan(_)));
    assert_eq!(m.meta().event, Some("SCAN"));
    assert!(matches!(xml(&event("click", "")), Message::EventClick(_)));
    assert!(matches!(xml(&push("TEXT", "")), Message::Text(_)));
}

#[test]
fn unknown_message_type_keeps_raw_fields() {
    let m = xml(&push(
        "miniprogrampage",
        "<MsgId>1234567890123456</MsgId><Title><![CDATA[Title]]></Title><AppId><![CDATA[AppId]]></AppId>\
         <PagePath><![CDATA[PagePath]]></PagePath><Nested><A>1</A><A>2</A></Nested>",
    ));
    let Message::Unknown(u) = &m else {
        panic!("{m:?}")
    };
    assert_eq!(u.header, header());
    assert_eq!(u.msg_type, "miniprogrampage");
    assert_eq!(u.event, None);
    assert_eq!(u.msg_id, Some(1234567890123456));
    let names: Vec<&str> = u.fields.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Title", "AppId", "PagePath", "Nested"]);
    assert_eq!(u.fields.get("PagePath"), Some("PagePath"));
    let nested = u
        .fields
        .value("Nested")
        .and_then(RawValue::as_fields)
        .unwrap();
    assert_eq!(
        nested
            .get_all("A")
            .filter_map(RawValue::as_text)
            .collect::<Vec<_>>(),
        ["1", "2"]
    );
    let meta = m.meta();
    assert_eq!(
        (meta.msg_type, meta.event, meta.msg_id),
        ("miniprogrampage", None, Some(1234567890123456))
    );
}

#[test]
fn unknown_event_keeps_raw_fields() {
    // The official debug push.
    let m = json(
        r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}"#,
    );
    let Message::Unknown(u) = &m else {
        panic!("{m:?}")
    };
    assert_eq!(u.msg_type, "event");
    assert_eq!(u.event.as_deref(), Some("debug_demo"));
    assert_eq!(u.fields.get("debug_str"), Some("hello world"));
    assert_eq!(u.fields.len(), 1);
    assert_eq!(m.meta().event, Some("debug_demo"));

    // An event push without Event is unknown too, not an error.
    let m = xml(&push("event", "<EventKey>x</EventKey>"));
    let Message::Unknown(u) = &m else {
        panic!("{m:?}")
    };
    assert_eq!(
        (u.event.as_deref(), u.fields.get("EventKey")),
        (None, Some("x"))
    );
}

#[test]
fn unknown_message_keeps_an_overflowing_msg_id_as_text() {
    let m = xml(&push("newkind", "<MsgId>23456789012345678901</MsgId>"));
    let Message::Unknown(u) = &m else {
        panic!("{m:?}")
    };
    assert_eq!(u.msg_id, None);
    assert_eq!(u.fields.get("MsgId"), Some("23456789012345678901"));
}

#[test]
fn context_storage_round_trip() {
    let messages = [
        xml(&push(
            "text",
            "<Content><![CDATA[hi]]></Content><MsgId>6000000000000000000</MsgId>",
        )),
        xml(POPUP_XML),
        xml(&event(
            "location_select",
            "<EventKey>6</EventKey><SendLocationInfo><Location_X>23.5</Location_X><Label>L</Label></SendLocationInfo>",
        )),
        xml(&push(
            "miniprogrampage",
            "<Title>T</Title><L><A>1</A></L><L><A>2</A></L>",
        )),
        xml(&event(
            "pic_weixin",
            "<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>x</PicMd5Sum></item></PicList></SendPicsInfo>",
        )),
    ];
    for m in messages {
        let stored = serde_json::to_string(&m).unwrap();
        let back: Message = serde_json::from_str(&stored).unwrap();
        assert_eq!(back, m, "{stored}");
    }
    // Compact: a text message stays small.
    let text = xml(&push(
        "text",
        "<Content><![CDATA[hi]]></Content><MsgId>1</MsgId>",
    ));
    let stored = serde_json::to_string(&text).unwrap();
    assert!(stored.len() < 120, "{stored}");
}
