#!/usr/bin/env python3
"""Writes the fuzz seed corpora in fuzz/seeds/<target>/ from the official WeChat test vectors.

Run from anywhere:  python3 fuzz/seeds/make_seeds.py

Every value below is copied from WeChat's official documentation (its encryption test vectors,
the mini-program open-data sample, the push and message samples); nothing
is random, so a re-run rewrites the same bytes. Only the standard library is used (base64,
hashlib): signatures are recomputed here and checked against the documented ones, ciphertexts
are the documented base64 strings decoded, and "plaintext" seeds are the documented decrypted
FullStr (random + length + message + appid + padding) assembled by hand.

Each seed is laid out the way its fuzz target reads its input (see the doc comment at the top
of fuzz/fuzz_targets/<target>.rs). It writes (overwrites) only the files listed in seeds()
and never deletes: fuzz/seeds/cli_input/ (hand-written `arg\\0arg...\\x01stdin` command lines)
and any seed added by hand are left alone. When you rename an entry, delete the old file.

`cargo xtask fuzz` passes fuzz/seeds/<target> to libFuzzer as a read-only corpus directory
after the writable fuzz/corpus/<target>.
"""

import base64
import hashlib
import pathlib
import struct

SEEDS = pathlib.Path(__file__).resolve().parent

# --- Official vectors -------------------------------------------------------------------------

# Vector A (official Java sample): key shared with vector B, token "pamtest".
A_TOKEN, A_TIMESTAMP, A_NONCE = "pamtest", "1409304348", "xxxxxx"
A_APPID, A_RANDOM = "wxb11529c136998cb6", "aaaabbbbccccdddd"
A_REPLY = "我是中文abcd123"
A_ENCRYPT = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
A_SIGNATURE = "82c962d39941aa48552f90ef55aa323dc620cc10"
A_REPLY2 = (
    "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
    "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
    "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId>"
    "<Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>"
)

# Vector B (official Python sample): a compatible-mode XML push.
B_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
B_TOKEN, B_NONCE, B_TIMESTAMP = "spamtest", "1320562132", "1409735669"
B_APPID, B_RANDOM = "wx2c2769f8efd9abc2", "89465c840c5f116f"
B_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
B_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
    "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v"
    "6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
B_PLAIN_FIELDS = (
    "<ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>"
    "<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content>"
    "<MsgId>6054768590064713728</MsgId>"
)
B_FROM_XML = f"<xml>{B_PLAIN_FIELDS}<Encrypt><![CDATA[{B_ENCRYPT}]]></Encrypt></xml>"
B_MESSAGE = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
    "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n"
    "<CreateTime>1409735668</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[abcdteT]]></Content>\n"
    "<MsgId>6054768590064713728</MsgId>\n"
    "</xml>"
)

# Vector C (official mini-program doc, secure mode, JSON); its token/key/appid are the pipeline
# target's configuration.
C_TOKEN, C_KEY, C_APPID = "AAAAA", "A" * 43, "wxba5fad812f8e6fb9"
C_TIMESTAMP, C_NONCE, C_OPENID = "1714112445", "415670741", "o9AgO5Kd5ggOC-bXrbNODIiE3bGY"
C_SIGNATURE, C_MSG_SIGNATURE = "6c5c811b55cc85e0e1b54100749188c20beb3f5d", "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3"
C_ENCRYPT = (
    "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR"
    "8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km3"
    "2IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
)
C_BODY = '{\n    "ToUserName": "gh_97417a04a28d",\n    "Encrypt": "' + C_ENCRYPT + '"\n}'
C_RANDOM = "a8eedb185eb2fecf"
C_MESSAGE = (
    '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,'
    '"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}'
)
C_REPLY_BODY = (
    '{\n    "Encrypt": "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==",\n'
    '    "MsgSignature": "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1",\n    "TimeStamp": 1713424427,\n    "Nonce": "415670741"\n}'
)
# Official URL verification (GET) and plaintext-mode POST, token "AAAAA".
GET_QUERY = "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492"
PLAIN_QUERY = "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656"
PLAIN_BODY = (
    '{\n    "ToUserName": "gh_97417a04a28d",\n    "FromUserName": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",\n'
    '    "CreateTime": 1714037059,\n    "MsgType": "event",\n    "Event": "debug_demo",\n    "debug_str": "hello world"\n}'
)

# Vector D (wechatpy, WeCom): an XML push with AgentID, and an encrypted XML reply.
D_XML = (
    "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA["
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6y"
    "dJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/T"
    "ywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5"
    "t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
    "]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>"
)
D_REPLY = (
    "<xml>\n<Encrypt><![CDATA["
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesE"
    "l5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsD"
    "f03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nT"
    "YjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
    "]]></Encrypt>\n<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>\n"
    "<TimeStamp>1411525903</TimeStamp>\n<Nonce><![CDATA[461056294]]></Nonce>\n</xml>"
)

# Mini-program open data (official aes-sample demo).
OD_APPID, OD_SESSION_KEY, OD_IV = "wx4f4bc4dec97d474b", "tiihtNczf5v6AKRyjwEUhQ==", "r7BXXKkLb8qrSNn05n0qiA=="
OD_ENCRYPTED = (
    "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOET"
    "KUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXw"
    "u0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UI"
    "eorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYV"
    "oKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew=="
)
OD_PLAINTEXT = (
    '{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou",'
    '"province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0",'
    '"unionId":"ocMvos6NjeKLIBqg5Mr9QjxrP1FA","watermark":{"timestamp":1477314187,"appid":"wx4f4bc4dec97d474b"}}'
)
RAW_DATA_SESSION_KEY = "HyVFkGl5F5OQWJZZaNzBBg=="
RAW_DATA = (
    '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN",'
    '"avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}'
)

# --- Message samples (protocol doc sections 4.1-4.3 and 8B) -----------------------------------

MP_TEXT_XML = """<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1482048670</CreateTime>
   <MsgType><![CDATA[text]]></MsgType>
   <Content><![CDATA[this is a test]]></Content>
   <MsgId>1234567890123456</MsgId>
</xml>"""
MP_TEXT_JSON = '{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "text", "Content": "this is a test", "MsgId": 1234567890123456 }'
MP_IMAGE_XML = """<xml>
      <ToUserName><![CDATA[toUser]]></ToUserName>
      <FromUserName><![CDATA[fromUser]]></FromUserName>
      <CreateTime>1482048670</CreateTime>
      <MsgType><![CDATA[image]]></MsgType>
      <PicUrl><![CDATA[this is a url]]></PicUrl>
      <MediaId><![CDATA[media_id]]></MediaId>
      <MsgId>1234567890123456</MsgId>
</xml>"""
MP_IMAGE_JSON = '{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "image", "PicUrl": "this is a url", "MediaId": "media_id", "MsgId": 1234567890123456 }'
MINIPROGRAMPAGE_XML = """<xml>
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
</xml>"""
MINIPROGRAMPAGE_JSON = '{ "ToUserName": "toUser", "FromUserName": "fromUser", "CreateTime": 1482048670, "MsgType": "miniprogrampage", "MsgId": 1234567890123456, "Title":"title", "AppId":"appid", "PagePath":"path", "ThumbUrl":"", "ThumbMediaId":"" }'
USER_ENTER_TEMPSESSION_XML = """<xml>
    <ToUserName><![CDATA[toUser]]></ToUserName>
    <FromUserName><![CDATA[fromUser]]></FromUserName>
    <CreateTime>1482048670</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[user_enter_tempsession]]></Event>
    <SessionFrom><![CDATA[sessionFrom]]></SessionFrom>
</xml>"""
SUBSCRIBE_POPUP_XML = """<xml>
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
</xml>"""
SUBSCRIBE_POPUP_JSON = """{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5OI1Uej6Xixw1lA2H7XDVbc", "CreateTime": "1620973045", "MsgType": "event", "Event": "subscribe_msg_popup_event",
  "List": [ { "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68", "SubscribeStatusString": "accept", "PopupScene": "0" } ] }"""
SUBSCRIBE_CHANGE_XML = """<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969440</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_change_event]]></Event>
    <SubscribeMsgChangeEvent>
        <List>
            <TemplateId><![CDATA[BEwX0BOT3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
        </List>
    </SubscribeMsgChangeEvent>
</xml>"""
SUBSCRIBE_SENT_JSON = """{ "ToUserName": "gh_123456789abc", "FromUserName": "o7esq5PHRGBQYmeNyfG064wEFVpQ", "CreateTime": "1620963428", "MsgType": "event", "Event": "subscribe_msg_sent_event",
  "List": { "TemplateId": "BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8", "MsgID": "1864323726461255680", "ErrorCode": "0", "ErrorStatus": "success" } }"""
MEDIA_CHECK_XML = """<xml>
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
</xml>"""
MEDIA_CHECK_JSON = (
    '{"ToUserName":"gh_7bf1f1389686","FromUserName":"or9bw69jaWwJlF-6u0z3qT3KmO2k","CreateTime":1762329554,"MsgType":"event",'
    '"Event":"wxa_media_check","appid":"wxb04d1be1ede56d47","trace_id":"690b03d2-301f6111-35ffbd44","version":2,'
    '"result":{"suggest":"pass","label":"100"},"detail":[{"strategy":"content_model","errcode":0,"suggest":"pass","label":"100","prob":90}]}'
)

# Official Account messages and events (section 8B field lists, official sample values).
def oa_xml(msg_type: str, fields: str, create_time: int = 1348831860) -> str:
    return (
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{fields}</xml>"
    )

OA_LOCATION = oa_xml(
    "location",
    "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale>"
    "<Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId>",
    1351776360,
)
OA_SUBSCRIBE_QRSCENE = oa_xml(
    "event",
    "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>",
    123456789,
)
OA_SCAN = oa_xml(
    "event",
    "<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>",
    123456789,
)
OA_LOCATION_EVENT = oa_xml(
    "event",
    "<Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>",
    123456789,
)
OA_TEMPLATE_FINISH = oa_xml(
    "event",
    "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>",
    1395658920,
)

# WebSocket frames of weixin-websocket (`{"type","data"}`; see crates/weixin-websocket/src/frame.rs).
WS_FRAMES = {
    "auth.json": '{"type":"auth","data":{"session_id":"0123456789abcdef0123456789abcdef"}}',
    "ping.json": '{"type":"ping"}',
    "ready.json": '{"type":"ready","data":{"connection_id":1}}',
    "chat.json": '{"type":"chat","data":{"text":"hi"}}',
    "chat_unicode_escapes.json": '{"type":"chat","data":{"text":"我是中文 \\u00e9\\ud83d\\ude00 \\"quoted\\"\\n","to":["o9AgO5Kd5ggOC-bXrbNODIiE3bGY"]}}',
    "echo_array_extra_field.json": '{"type":"echo","data":[1,2.5,-3e2,null,true,{"a":"b"}],"extra":true}',
}

# --- Helpers -----------------------------------------------------------------------------------

def sha1_sorted(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def full_str(random: str, message: str, appid: str, block: int = 32) -> bytes:
    """The decrypted WXBizMsgCrypt buffer: random + big-endian length + message + appid + PKCS#7 (K=32)."""
    msg = message.encode()
    body = random.encode() + struct.pack(">I", len(msg)) + msg + appid.encode()
    pad = block - len(body) % block
    return body + bytes([pad]) * pad


def pkcs7(data: bytes, block: int = 16) -> bytes:
    pad = block - len(data) % block
    return data + bytes([pad]) * pad


def check_vectors() -> None:
    """The documented signatures, recomputed: a typo above fails here, not in the fuzzer."""
    assert sha1_sorted(B_TOKEN, B_TIMESTAMP, B_NONCE, B_ENCRYPT) == B_SIGNATURE
    assert sha1_sorted(A_TOKEN, A_TIMESTAMP, A_NONCE, A_ENCRYPT) == A_SIGNATURE
    assert sha1_sorted(C_TOKEN, C_TIMESTAMP, C_NONCE, C_ENCRYPT) == C_MSG_SIGNATURE
    assert sha1_sorted(C_TOKEN, C_TIMESTAMP, C_NONCE) == C_SIGNATURE
    assert sha1_sorted(C_TOKEN, "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
    assert sha1_sorted(C_TOKEN, "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"
    # Decoded lengths the doc states: vector C is 224 bytes, its FullStr 205 bytes before padding.
    assert len(base64.b64decode(C_ENCRYPT)) == 224
    assert len(full_str(C_RANDOM, C_MESSAGE, C_APPID)) == 224
    # The open-data plaintext padded to 16 is as long as the ciphertext (pad byte 7).
    assert len(pkcs7(OD_PLAINTEXT.encode())) == len(base64.b64decode(OD_ENCRYPTED))
    assert pkcs7(OD_PLAINTEXT.encode())[-1] == 7


# --- Seeds per target --------------------------------------------------------------------------

def seeds() -> dict[str, dict[str, bytes]]:
    # msg_decrypt's fixed configuration (fuzz/fuzz_targets/msg_decrypt.rs): vector B's key and
    # appid as the current key, 43 x "A" (vector C's key) as the previous one, token "token".
    fuzz_token = "token"
    b_resigned = sha1_sorted(fuzz_token, B_TIMESTAMP, B_NONCE, B_ENCRYPT)
    c_resigned = sha1_sorted(fuzz_token, C_TIMESTAMP, C_NONCE, C_ENCRYPT)

    third_party = f"<xml><AppId><![CDATA[{B_APPID}]]></AppId><Encrypt><![CDATA[{B_ENCRYPT}]]></Encrypt></xml>"
    safe_xml_a = f"<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[{A_ENCRYPT}]]></Encrypt></xml>"
    c_query = (
        f"signature={C_SIGNATURE}&timestamp={C_TIMESTAMP}&nonce={C_NONCE}&openid={C_OPENID}"
        f"&encrypt_type=aes&msg_signature={C_MSG_SIGNATURE}"
    )

    text = {
        "envelope": {
            "xml_safe_vector_a.xml": safe_xml_a,
            "xml_compatible_vector_b.xml": B_FROM_XML,
            "xml_third_party_appid.xml": third_party,
            "xml_wecom_agentid_vector_d.xml": D_XML,
            "xml_reply_vector_d.xml": D_REPLY,
            "json_safe_vector_c.json": C_BODY,
            "json_reply_vector_c.json": C_REPLY_BODY,
        },
        "mp_message": {
            "xml_text_vector_b.xml": B_MESSAGE,
            "xml_video_vector_a.xml": A_REPLY2,
            "xml_text.xml": MP_TEXT_XML,
            "json_text.json": MP_TEXT_JSON,
            "xml_image.xml": MP_IMAGE_XML,
            "json_image.json": MP_IMAGE_JSON,
            "xml_location.xml": OA_LOCATION,
            "xml_event_subscribe_qrscene.xml": OA_SUBSCRIBE_QRSCENE,
            "xml_event_scan.xml": OA_SCAN,
            "xml_event_location.xml": OA_LOCATION_EVENT,
            "xml_event_templatesendjobfinish.xml": OA_TEMPLATE_FINISH,
            "json_event_debug_demo_vector_c.json": C_MESSAGE,
        },
        "wxopen_message": {
            "xml_text.xml": MP_TEXT_XML,
            "xml_image.xml": MP_IMAGE_XML,
            "xml_miniprogrampage.xml": MINIPROGRAMPAGE_XML,
            "json_miniprogrampage.json": MINIPROGRAMPAGE_JSON,
            "xml_user_enter_tempsession.xml": USER_ENTER_TEMPSESSION_XML,
            "xml_subscribe_msg_popup_event.xml": SUBSCRIBE_POPUP_XML,
            "json_subscribe_msg_popup_event.json": SUBSCRIBE_POPUP_JSON,
            "xml_subscribe_msg_change_event.xml": SUBSCRIBE_CHANGE_XML,
            "json_subscribe_msg_sent_event.json": SUBSCRIBE_SENT_JSON,
            "xml_wxa_media_check.xml": MEDIA_CHECK_XML,
            "json_wxa_media_check.json": MEDIA_CHECK_JSON,
            "json_debug_demo_vector_c.json": C_MESSAGE,
        },
        "ws_frame": WS_FRAMES,
    }
    out = {target: {name: body.encode() for name, body in files.items()} for target, files in text.items()}

    out["msg_decrypt"] = {
        # Use 1: `msg_signature \n timestamp \n nonce \n Encrypt` through the verified path.
        "signed_vector_b.txt": f"{b_resigned}\n{B_TIMESTAMP}\n{B_NONCE}\n{B_ENCRYPT}".encode(),
        "signed_vector_c_previous_key.txt": f"{c_resigned}\n{C_TIMESTAMP}\n{C_NONCE}\n{C_ENCRYPT}".encode(),
        "signed_vector_a_other_token.txt": f"{A_SIGNATURE}\n{A_TIMESTAMP}\n{A_NONCE}\n{A_ENCRYPT}".encode(),
        "bad_signature_12345.txt": f"12345\n{A_TIMESTAMP}\n{A_NONCE}\n{A_ENCRYPT}".encode(),
        # Use 2: raw ciphertext bytes (the target base64-encodes and signs them).
        "ciphertext_vector_a.bin": base64.b64decode(A_ENCRYPT),
        "ciphertext_vector_b.bin": base64.b64decode(B_ENCRYPT),
        "ciphertext_vector_c.bin": base64.b64decode(C_ENCRYPT),
        # Use 3: the decrypted FullStr (the target encrypts it with its key).
        "plaintext_vector_b.bin": full_str(B_RANDOM, B_MESSAGE, B_APPID),
        "plaintext_vector_a_other_appid.bin": full_str(A_RANDOM, A_REPLY, A_APPID),
        "plaintext_vector_c_json.bin": full_str(C_RANDOM, C_MESSAGE, C_APPID),
    }
    out["open_data"] = {
        # Raw ciphertext: the target uses the official session key and IV, so this decrypts
        # and passes the watermark check.
        "ciphertext_official_sample.bin": base64.b64decode(OD_ENCRYPTED),
        # Plaintext behind a valid encryption: PKCS#7-padded JSON.
        "plaintext_official_sample.bin": pkcs7(OD_PLAINTEXT.encode()),
        "plaintext_raw_data_no_watermark.bin": pkcs7(RAW_DATA.encode()),
        # `encryptedData \n iv \n session_key` strings.
        "fields_official_sample.txt": f"{OD_ENCRYPTED}\n{OD_IV}\n{OD_SESSION_KEY}".encode(),
        "fields_other_session_key.txt": f"{OD_ENCRYPTED}\n{OD_IV}\n{RAW_DATA_SESSION_KEY}".encode(),
    }
    # First byte: 0 = `query \n body` as sent (0x80 bit: GET), 1 = plain push with a valid
    # signature, 2 = body encrypted and signed by the target (0x80 bit: JSON envelope).
    out["pipeline"] = {
        "mode0_post_secure_vector_c.bin": b"\x00" + f"{c_query}\n{C_BODY}".encode(),
        "mode0_get_url_verification.bin": b"\x80" + f"{GET_QUERY}\n".encode(),
        "mode0_post_plain_json.bin": b"\x00" + f"{PLAIN_QUERY}\n{PLAIN_BODY}".encode(),
        "mode0_post_compatible_vector_b.bin": b"\x00"
        + f"signature={sha1_sorted(B_TOKEN, B_TIMESTAMP, B_NONCE)}&timestamp={B_TIMESTAMP}&nonce={B_NONCE}"
        f"&encrypt_type=aes&msg_signature={B_SIGNATURE}\n{B_FROM_XML}".encode(),
        "mode1_plain_xml_text.bin": b"\x01" + MP_TEXT_XML.encode(),
        "mode1_plain_json_text.bin": b"\x01" + MP_TEXT_JSON.encode(),
        "mode1_plain_xml_event_subscribe.bin": b"\x01" + OA_SUBSCRIBE_QRSCENE.encode(),
        "mode1_cloud_check_container_path.bin": b"\x01" + b'{ "action": "CheckContainerPath"}',
        "mode2_encrypted_xml_text_vector_b.bin": b"\x02" + B_MESSAGE.encode(),
        "mode2_encrypted_json_debug_demo_vector_c.bin": b"\x82" + C_MESSAGE.encode(),
    }
    return out


def main() -> None:
    check_vectors()
    total = 0
    for target, files in sorted(seeds().items()):
        directory = SEEDS / target
        directory.mkdir(exist_ok=True)
        for name, body in sorted(files.items()):
            (directory / name).write_bytes(body)
            total += len(body)
        print(f"{target}: {len(files)} seeds")
    print(f"{total} bytes written (fuzz/seeds/cli_input/ is hand-written and left as is)")


if __name__ == "__main__":
    main()
