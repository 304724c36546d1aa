//! Every official (and documented derived) vector from the protocol reference, as exact matches.

use weixin_crypto::hazmat::{encrypt_reply_with_random, encrypt_with_random};
use weixin_crypto::{
    EnvelopeFormat, KeySlot, MsgCrypt, SessionKey, WatermarkCheck, checksession_signature,
    decrypt_open_data, decrypt_open_data_checked, jssdk_signature, msg_signature,
    raw_data_signature, signature, user_session_signature, verify_raw_data_signature,
    verify_signature, verify_user_session_signature,
};

fn rand16(s: &str) -> [u8; 16] {
    s.as_bytes().try_into().expect("16 ASCII characters")
}

// ---------------------------------------------------------------------------------------------
// Vector A: official Java sample (WXBizMsgCryptTest.java).
// ---------------------------------------------------------------------------------------------
mod vector_a {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const TOKEN: &str = "pamtest";
    const TIMESTAMP: &str = "1409304348";
    const NONCE: &str = "xxxxxx";
    const APPID: &str = "wxb11529c136998cb6";
    const RANDOM: &str = "aaaabbbbccccdddd";
    const REPLY: &str = "我是中文abcd123";
    const REPLY2: &str = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
    const ENCRYPTED: &str =
        "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
    const ENCRYPTED2: &str = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";
    const SIG: &str = "82c962d39941aa48552f90ef55aa323dc620cc10";
    const SIG2: &str = "ea88b765074e41eb8c7a75b449db34fa2fd560d5";

    fn crypt() -> MsgCrypt {
        MsgCrypt::new(TOKEN, KEY, APPID).unwrap()
    }

    fn xml(encrypt: &str) -> String {
        format!(
            "<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        )
    }

    #[test]
    fn encrypt_with_fixed_random() {
        let c = crypt();
        assert_eq!(
            encrypt_with_random(&c, REPLY, KeySlot::Current, &rand16(RANDOM)).unwrap(),
            ENCRYPTED
        );
        assert_eq!(
            encrypt_with_random(&c, REPLY2, KeySlot::Current, &rand16(RANDOM)).unwrap(),
            ENCRYPTED2
        );
    }

    #[test]
    fn derived_msg_signatures() {
        assert_eq!(
            msg_signature(TOKEN, TIMESTAMP, NONCE, ENCRYPTED).as_str(),
            SIG
        );
        assert_eq!(
            msg_signature(TOKEN, TIMESTAMP, NONCE, ENCRYPTED2).as_str(),
            SIG2
        );
    }

    #[test]
    fn encrypt_reply_signature_matches() {
        let reply = encrypt_reply_with_random(
            &crypt(),
            REPLY,
            1409304348,
            NONCE,
            KeySlot::Current,
            &rand16(RANDOM),
        )
        .unwrap();
        assert_eq!(reply.encrypt, ENCRYPTED);
        assert_eq!(reply.msg_signature, SIG);
    }

    #[test]
    fn decrypt_both_messages() {
        let c = crypt();
        let push = c
            .decrypt_push(SIG, TIMESTAMP, NONCE, xml(ENCRYPTED).as_bytes())
            .unwrap();
        assert_eq!(push.message, REPLY);
        assert_eq!(push.key_slot, KeySlot::Current);
        assert_eq!(push.envelope.to_user_name.as_deref(), Some("toUser"));
        let push = c
            .decrypt_push(SIG2, TIMESTAMP, NONCE, xml(ENCRYPTED2).as_bytes())
            .unwrap();
        assert_eq!(push.message, REPLY2);
    }

    #[test]
    fn official_negative_signature_12345() {
        let err = crypt()
            .decrypt_push("12345", TIMESTAMP, NONCE, xml(ENCRYPTED).as_bytes())
            .unwrap_err();
        assert!(
            err.to_string().starts_with("msg_signature mismatch"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Vector B: official Python sample, compatible-mode XML.
// ---------------------------------------------------------------------------------------------
mod vector_b {
    use super::*;

    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const TOKEN: &str = "spamtest";
    const NONCE: &str = "1320562132";
    const APPID: &str = "wx2c2769f8efd9abc2";
    const TIMESTAMP: &str = "1409735669";
    const MSG_SIGN: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
    const ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
    const FROM_XML: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";
    const DECRYPTED: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";

    fn crypt() -> MsgCrypt {
        MsgCrypt::new(TOKEN, KEY, APPID).unwrap()
    }

    #[test]
    fn msg_signature_matches() {
        assert_eq!(
            msg_signature(TOKEN, TIMESTAMP, NONCE, ENCRYPT).as_str(),
            MSG_SIGN
        );
    }

    #[test]
    fn plain_signature() {
        assert_eq!(
            signature(TOKEN, TIMESTAMP, NONCE).as_str(),
            "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
        );
        crypt()
            .verify_signature("16120ec1b8dbb870f510d87ce6bc2463eae6ca1a", TIMESTAMP, NONCE)
            .unwrap();
    }

    #[test]
    fn decrypts_compat_mode_xml_exactly() {
        let push = crypt()
            .decrypt_push(MSG_SIGN, TIMESTAMP, NONCE, FROM_XML.as_bytes())
            .unwrap();
        assert_eq!(push.message, DECRYPTED);
        assert_eq!(push.envelope.format, EnvelopeFormat::Xml);
        assert_eq!(push.envelope.encrypt, ENCRYPT);
        assert_eq!(
            push.envelope.to_user_name.as_deref(),
            Some("gh_10f6c3c3ac5a")
        );
        assert_eq!(push.key_slot, KeySlot::Current);
    }

    #[test]
    fn decrypt_from_encrypt_field() {
        let d = crypt()
            .decrypt(MSG_SIGN, TIMESTAMP, NONCE, ENCRYPT)
            .unwrap();
        assert_eq!(d.message, DECRYPTED);
    }
}

// ---------------------------------------------------------------------------------------------
// Vector C: official mini-program JSON secure-mode example.
// ---------------------------------------------------------------------------------------------
mod vector_c {
    use super::*;

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const TOKEN: &str = "AAAAA";
    const APPID: &str = "wxba5fad812f8e6fb9";
    const TIMESTAMP: &str = "1714112445";
    const NONCE: &str = "415670741";
    const MSG_SIGNATURE: &str = "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3";
    const BODY: &str = r#"{
    "ToUserName": "gh_97417a04a28d",
    "Encrypt": "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
}"#;
    const DECRYPTED: &str = r#"{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}"#;

    fn crypt() -> MsgCrypt {
        MsgCrypt::new(TOKEN, KEY, APPID).unwrap()
    }

    #[test]
    fn url_signature() {
        assert_eq!(
            signature(TOKEN, TIMESTAMP, NONCE).as_str(),
            "6c5c811b55cc85e0e1b54100749188c20beb3f5d"
        );
    }

    #[test]
    fn decrypts_json_push() {
        let push = crypt()
            .decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, BODY.as_bytes())
            .unwrap();
        assert_eq!(push.message, DECRYPTED);
        assert_eq!(push.message.len(), 167);
        assert_eq!(push.envelope.format, EnvelopeFormat::Json);
        assert_eq!(
            push.envelope.to_user_name.as_deref(),
            Some("gh_97417a04a28d")
        );
    }

    #[test]
    fn encrypts_worked_reply() {
        let reply = encrypt_reply_with_random(
            &crypt(),
            r#"{"demo_resp":"good luck"}"#,
            1713424427,
            NONCE,
            KeySlot::Current,
            &rand16("707722b803182950"),
        )
        .unwrap();
        assert_eq!(
            reply.encrypt,
            "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ=="
        );
        assert_eq!(
            reply.msg_signature,
            "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1"
        );
        assert_eq!(
            reply.to_json(),
            r#"{"Encrypt":"ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==","MsgSignature":"1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1","TimeStamp":1713424427,"Nonce":"415670741"}"#
        );
        // Semantically equal to the official final body (a JSON number and a JSON string).
        let official: serde_json::Value = serde_json::from_str(
            r#"{
    "Encrypt": "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==",
    "MsgSignature": "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1",
    "TimeStamp": 1713424427,
    "Nonce": "415670741"
}"#,
        )
        .unwrap();
        let ours: serde_json::Value = serde_json::from_str(&reply.to_json()).unwrap();
        assert_eq!(ours, official);
    }
}

// ---------------------------------------------------------------------------------------------
// Vector D: wechatpy tests/test_crypto.py (WeCom; receive id = corp id).
// ---------------------------------------------------------------------------------------------
mod vector_d {
    use super::*;

    const TOKEN: &str = "123456";
    const KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    const CORP_ID: &str = "wx49f0ab532d5d035a";

    fn crypt() -> MsgCrypt {
        MsgCrypt::new(TOKEN, KEY, CORP_ID).unwrap()
    }

    #[test]
    fn echostr() {
        let echo = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";
        let sig = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96";
        let d = crypt()
            .decrypt(sig, "1411443780", "437374425", echo)
            .unwrap();
        assert_eq!(d.message, "5927782489442352469");
        let err = crypt()
            .decrypt(sig, "1411443780", "437374424", echo)
            .unwrap_err();
        assert!(matches!(
            err,
            weixin_crypto::CryptoError::SignatureMismatch { .. }
        ));
    }

    #[test]
    fn encrypt_message_exact_xml() {
        let reply = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>";
        let expected = "<xml>\n<Encrypt><![CDATA[9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3]]></Encrypt>\n<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>\n<TimeStamp>1411525903</TimeStamp>\n<Nonce><![CDATA[461056294]]></Nonce>\n</xml>";
        let out = encrypt_reply_with_random(
            &crypt(),
            reply,
            1411525903,
            "461056294",
            KeySlot::Current,
            &rand16("1234567890123456"),
        )
        .unwrap();
        assert_eq!(out.to_xml(), expected);
        assert_eq!(out.render(EnvelopeFormat::Xml), expected);
    }

    #[test]
    fn decrypt_message() {
        let xml = "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>";
        let push = crypt()
            .decrypt_push(
                "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
                "1411525903",
                "461056294",
                xml.as_bytes(),
            )
            .unwrap();
        assert_eq!(
            push.message,
            "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></FromUserName>\n<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Plain signatures (the official push and URL-verification examples).
// ---------------------------------------------------------------------------------------------
#[test]
fn plain_signature_vectors() {
    assert_eq!(
        signature("test", "1410685589", "test").as_str(),
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    );
    verify_signature(
        "test",
        "1410685589",
        "test",
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
    )
    .unwrap();
    assert!(
        verify_signature(
            "test",
            "1410685589",
            "test",
            "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"
        )
        .is_err()
    );
    // Official GET URL verification.
    assert_eq!(
        signature("AAAAA", "1714036504", "1514711492").as_str(),
        "f464b24fc39322e44b38aa78f5edd27bd1441696"
    );
    // Official plaintext POST.
    assert_eq!(
        signature("AAAAA", "1714037059", "486452656").as_str(),
        "899cf89e464efb63f54ddac96b0a0a235f53aa78"
    );
}

// ---------------------------------------------------------------------------------------------
// Open data (the official encryptedData decryption sample).
// ---------------------------------------------------------------------------------------------
const OPEN_DATA: &str = "CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==";
const OPEN_DATA_IV: &str = "r7BXXKkLb8qrSNn05n0qiA==";
const OPEN_DATA_KEY: &str = "tiihtNczf5v6AKRyjwEUhQ==";
const OPEN_DATA_PLAIN: &str = r#"{"openId":"oGZUI0egBJY1zhBYw2KhdUfwVJJE","nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0","unionId":"ocMvos6NjeKLIBqg5Mr9QjxrP1FA","watermark":{"timestamp":1477314187,"appid":"wx4f4bc4dec97d474b"}}"#;

#[test]
fn open_data_sample() {
    let key = SessionKey::new(OPEN_DATA_KEY).unwrap();
    assert_eq!(
        decrypt_open_data(&key, OPEN_DATA, OPEN_DATA_IV).unwrap(),
        OPEN_DATA_PLAIN
    );
    let data = decrypt_open_data_checked(
        &key,
        OPEN_DATA,
        OPEN_DATA_IV,
        &WatermarkCheck::new("wx4f4bc4dec97d474b"),
    )
    .unwrap();
    assert_eq!(data.json, OPEN_DATA_PLAIN);
    assert_eq!(data.watermark.appid, "wx4f4bc4dec97d474b");
    assert_eq!(data.watermark.timestamp, 1477314187);
    // Within a max age.
    let check = WatermarkCheck::new("wx4f4bc4dec97d474b")
        .max_age(std::time::Duration::from_secs(600))
        .at(1477314187 + 600);
    decrypt_open_data_checked(&key, OPEN_DATA, OPEN_DATA_IV, &check).unwrap();
}

#[test]
fn raw_data_vectors() {
    let raw1 = r#"{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}"#;
    assert_eq!(
        raw_data_signature(raw1, "HyVFkGl5F5OQWJZZaNzBBg==").as_str(),
        "75e81ceda165f4ffa64f4068af58c64b8f54b88c"
    );
    verify_raw_data_signature(
        raw1,
        "HyVFkGl5F5OQWJZZaNzBBg==",
        "75e81ceda165f4ffa64f4068af58c64b8f54b88c",
    )
    .unwrap();
    assert!(verify_raw_data_signature(raw1, "HyVFkGl5F5OQWJZZaNzBBg==", "fake_sign").is_err());

    let raw2 = r#"{"nickName":"Xavier-Lam林","gender":1,"language":"zh_CN","city":"Ningde","province":"Fujian","country":"China","avatarUrl":"https://wx.qlogo.cn/mmopen/vi_32/vTxUxcbjcZ8t9eU6YfXBwRU89KS9uRILEDro01MTYp7UKYsyTjLFMIVhB0AlBuEvLHbhmO3OpaHw5zwlSetuLg/132"}"#;
    assert_eq!(
        raw_data_signature(raw2, "GtYYez5b/M5HhT4L7n31gQ==").as_str(),
        "8fde625b7640734a13c071c05d792b5cef21cf89"
    );
    verify_raw_data_signature(
        raw2,
        "GtYYez5b/M5HhT4L7n31gQ==",
        "8fde625b7640734a13c071c05d792b5cef21cf89",
    )
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// checksession / user-session signatures (the official 用户登录态签名 examples).
// ---------------------------------------------------------------------------------------------
#[test]
fn session_signature_vectors() {
    let sig = "654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b";
    assert_eq!(
        user_session_signature("o0q0otL8aEzpcZL/FT9WsQ==", br#"{"foo":"bar"}"#).as_str(),
        sig
    );
    verify_user_session_signature("o0q0otL8aEzpcZL/FT9WsQ==", br#"{"foo":"bar"}"#, sig).unwrap();
    verify_user_session_signature(
        "o0q0otL8aEzpcZL/FT9WsQ==",
        br#"{"foo":"bar"}"#,
        &sig.to_uppercase(),
    )
    .unwrap();
    assert!(
        verify_user_session_signature("o0q0otL8aEzpcZL/FT9WsQ==", br#"{"foo":"baz"}"#, sig)
            .is_err()
    );
    assert!(verify_user_session_signature("o0q0otL8aEzpcZL/FT9WsQ==", b"", "not hex").is_err());
    // Derived: HMAC of the empty string (checksession) with the open-data sample key.
    assert_eq!(
        checksession_signature("tiihtNczf5v6AKRyjwEUhQ==").as_str(),
        "7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735"
    );
}

// ---------------------------------------------------------------------------------------------
// JS-SDK (the official `wx.config` signature example).
// ---------------------------------------------------------------------------------------------
#[test]
fn jssdk_vectors() {
    let ticket =
        "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
    let nonce = "Wm3WZYTPz0wzccnW";
    assert_eq!(
        jssdk_signature(
            ticket,
            nonce,
            1414587457,
            "http://mp.weixin.qq.com?params=value"
        )
        .as_str(),
        "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    );
    assert_eq!(
        jssdk_signature(ticket, nonce, 1414587457, "http://mp.weixin.qq.com").as_str(),
        "f4d90daf4b3bca3078ab155816175ba34c443a7b"
    );
    // The fragment is not part of the signed URL.
    assert_eq!(
        jssdk_signature(ticket, nonce, 1414587457, "http://mp.weixin.qq.com#/a?b=c").as_str(),
        "f4d90daf4b3bca3078ab155816175ba34c443a7b"
    );
    weixin_crypto::verify_jssdk_signature(
        ticket,
        nonce,
        1414587457,
        "http://mp.weixin.qq.com",
        "f4d90daf4b3bca3078ab155816175ba34c443a7b",
    )
    .unwrap();
}
