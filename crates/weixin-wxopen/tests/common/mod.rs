//! The official mini-program push examples (message-push docs), XML and JSON.
#![allow(dead_code, unreachable_pub)]

pub const TEXT_XML: &str = r#"<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1482048670</CreateTime>
   <MsgType><![CDATA[text]]></MsgType>
   <Content><![CDATA[this is a test]]></Content>
   <MsgId>1234567890123456</MsgId>
</xml>"#;
pub const TEXT_JSON: &str = r#"{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "text", "Content": "this is a test", "MsgId": 1234567890123456 }"#;

pub const IMAGE_XML: &str = r#"<xml>
      <ToUserName><![CDATA[toUser]]></ToUserName>
      <FromUserName><![CDATA[fromUser]]></FromUserName>
      <CreateTime>1482048670</CreateTime>
      <MsgType><![CDATA[image]]></MsgType>
      <PicUrl><![CDATA[this is a url]]></PicUrl>
      <MediaId><![CDATA[media_id]]></MediaId>
      <MsgId>1234567890123456</MsgId>
</xml>"#;
pub const IMAGE_JSON: &str = r#"{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "image", "PicUrl": "this is a url", "MediaId": "media_id", "MsgId": 1234567890123456 }"#;

pub const PAGE_XML: &str = r#"<xml>
    <ToUserName><![CDATA[toUser]]></ToUserName>
    <FromUserName><![CDATA[fromUser]]></FromUserName>
    <CreateTime>1482048670</CreateTime>
    <MsgType><![CDATA[miniprogrampage]]></MsgType>
    <MsgId>1234567890123456</MsgId>
    <Title><![CDATA[Title]]></Title>
    <AppId><![CDATA[AppId]]></AppId>
    <PagePath><![CDATA[PagePath]]></PagePath>
    <ThumbUrl><![CDATA[ThumbUrl]]></ThumbUrl>
    <ThumbMediaId><![CDATA[ThumbMediaId]]></ThumbMediaId>
</xml>"#;
pub const PAGE_JSON: &str = r#"{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "miniprogrampage", "MsgId": 1234567890123456, "Title":"title", "AppId":"appid", "PagePath":"path", "ThumbUrl":"", "ThumbMediaId":"" }"#;

pub const ENTER_XML: &str = r#"<xml>
    <ToUserName><![CDATA[toUser]]></ToUserName>
    <FromUserName><![CDATA[fromUser]]></FromUserName>
    <CreateTime>1482048670</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[user_enter_tempsession]]></Event>
    <SessionFrom><![CDATA[sessionFrom]]></SessionFrom>
</xml>"#;
pub const ENTER_JSON: &str = r#"{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "event", "Event": "user_enter_tempsession", "SessionFrom": "sessionFrom" }"#;

pub const POPUP_XML: &str = r#"<xml>
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
</xml>"#;
pub const POPUP_JSON: &str = r#"{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5OI1Uej6Xixw1lA2H7XDVbc", "CreateTime": "1620973045", "MsgType": "event", "Event": "subscribe_msg_popup_event",
  "List": [ { "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68", "SubscribeStatusString": "accept", "PopupScene": "0" } ] }"#;

pub const CHANGE_XML: &str = r#"<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969440</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_change_event]]></Event><SubscribeMsgChangeEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent></xml>"#;
pub const CHANGE_JSON: &str = r#"{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5OI1Uej6Xixw1lA2H7XDVbc", "CreateTime": 1620973045, "MsgType": "event", "Event": "subscribe_msg_change_event",
  "List": [{"TemplateId":"BEwX0BOT3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8","SubscribeStatusString": "reject"}] }"#;

pub const SENT_XML: &str = r#"<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969468</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_sent_event]]></Event>
    <SubscribeMsgSentEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <MsgID>1700827132819554304</MsgID>
            <ErrorCode>0</ErrorCode>
            <ErrorStatus><![CDATA[success]]></ErrorStatus>
        </List>
    </SubscribeMsgSentEvent>
</xml>"#;
pub const SENT_JSON: &str = r#"{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5PHRGBQYmeNyfG064wEFVpQ", "CreateTime": "1620963428", "MsgType": "event", "Event": "subscribe_msg_sent_event",
  "List": { "TemplateId": "BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8", "MsgID": "1864323726461255680", "ErrorCode": "0", "ErrorStatus": "success" } }"#;

pub const MEDIA_CHECK_XML: &str = r#"<xml>
  <ToUserName><![CDATA[gh_6e306981e699]]></ToUserName>
  <FromUserName><![CDATA[oeaTy0Ej7xM_LexOCWGeJtL4ABoE]]></FromUserName>
  <CreateTime>1659967849</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[wxa_media_check]]></Event>
  <appid><![CDATA[wx12b4f63276b14d4c]]></appid>
  <trace_id><![CDATA[62f11967-2b24d27a-34715985]]></trace_id>
  <version>2</version>
  <detail>
    <strategy><![CDATA[content_model]]></strategy>
    <errcode>0</errcode>
    <suggest><![CDATA[pass]]></suggest>
    <label>100</label>
    <prob>90</prob>
  </detail>
  <errcode>0</errcode>
  <errmsg><![CDATA[ok]]></errmsg>
  <result>
    <suggest><![CDATA[pass]]></suggest>
    <label>100</label>
  </result>
</xml>"#;
pub const MEDIA_CHECK_JSON: &str = r#"{"ToUserName":"gh_7bf1f1389686","FromUserName":"or9bw69jaWwJlF-6u0z3qT3KmO2k","CreateTime":1762329554,"MsgType":"event","Event":"wxa_media_check","appid":"wxb04d1be1ede56d47","trace_id":"690b03d2-301f6111-35ffbd44","version":2,"result":{"suggest":"pass","label":"100"},"detail":[{"strategy":"content_model","errcode":0,"suggest":"pass","label":"100","prob":90}]}"#;

pub const DEBUG_JSON: &str = r#"{
    "ToUserName": "gh_97417a04a28d",
    "FromUserName": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
    "CreateTime": 1714037059,
    "MsgType": "event",
    "Event": "debug_demo",
    "debug_str": "hello world"
}"#;
pub const DEBUG_XML: &str = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[debug_demo]]></Event><debug_str><![CDATA[hello world]]></debug_str></xml>";

pub const UNKNOWN_XML: &str = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_success]]></Event><SuccTime>1700000001</SuccTime></xml>";
pub const UNKNOWN_JSON: &str = r#"{"ToUserName":"gh_1","FromUserName":"o1","CreateTime":1700000000,"MsgType":"event","Event":"weapp_audit_success","SuccTime":1700000001}"#;

/// Every fixture: (name, XML, JSON).
pub const ALL: &[(&str, &str, &str)] = &[
    ("text", TEXT_XML, TEXT_JSON),
    ("image", IMAGE_XML, IMAGE_JSON),
    ("miniprogrampage", PAGE_XML, PAGE_JSON),
    ("user_enter_tempsession", ENTER_XML, ENTER_JSON),
    ("subscribe_popup", POPUP_XML, POPUP_JSON),
    ("subscribe_change", CHANGE_XML, CHANGE_JSON),
    ("subscribe_sent", SENT_XML, SENT_JSON),
    ("media_check", MEDIA_CHECK_XML, MEDIA_CHECK_JSON),
    ("debug_demo", DEBUG_XML, DEBUG_JSON),
    ("unknown", UNKNOWN_XML, UNKNOWN_JSON),
];
