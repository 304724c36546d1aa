//! Temporary media round trip; mini-program codes are real PNGs (or JSON errors).

mod common;

use std::time::Duration;

use common::{errcode, start};
use serde_json::json;
use weixin_sim::{DEFAULT_APPID, SimConfig};

#[tokio::test]
async fn media_upload_then_get_returns_the_same_bytes() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let form = reqwest::multipart::Form::new().part(
        "media",
        reqwest::multipart::Part::bytes(bytes.clone())
            .file_name("cat.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let up: serde_json::Value = c
        .http
        .post(c.url(&format!(
            "/cgi-bin/media/upload?access_token={token}&type=image"
        )))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(up["type"], "image");
    let media_id = up["media_id"].as_str().unwrap().to_owned();
    assert!(up["created_at"].as_u64().unwrap() > 1_700_000_000);

    let got = c
        .http
        .get(c.url(&format!(
            "/cgi-bin/media/get?access_token={token}&media_id={media_id}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("{media_id}.jpg"))
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // The media id works in a customer-service image message.
    c.sim.user_messaged(DEFAULT_APPID, "o1");
    let image = json!({"touser": "o1", "msgtype": "image", "image": {"media_id": media_id}});
    assert_eq!(
        errcode(&c.api("/cgi-bin/message/custom/send", &token, &image).await),
        0
    );

    // Temporary media lasts 3 days.
    c.sim.advance(Duration::from_secs(3 * 86_400));
    let token = c.token().await;
    let expired = c
        .get(&format!(
            "/cgi-bin/media/get?access_token={token}&media_id={media_id}"
        ))
        .await;
    assert_eq!(errcode(&expired), 40007);
}

#[tokio::test]
async fn media_upload_errors() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let form = || {
        reqwest::multipart::Form::new()
            .part("other", reqwest::multipart::Part::bytes(vec![1, 2, 3]))
    };
    let bad_type: serde_json::Value = c
        .http
        .post(c.url(&format!(
            "/cgi-bin/media/upload?access_token={token}&type=pdf"
        )))
        .multipart(form())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(errcode(&bad_type), 40004);
    let no_media: serde_json::Value = c
        .http
        .post(c.url(&format!(
            "/cgi-bin/media/upload?access_token={token}&type=image"
        )))
        .multipart(form())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(errcode(&no_media), 41005);
    assert_eq!(
        errcode(
            &c.get(&format!(
                "/cgi-bin/media/get?access_token={token}&media_id=nope"
            ))
            .await
        ),
        40007
    );
}

/// Independent bitwise CRC-32 (not the crate's table version).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Checks signature and chunk CRCs, inflates the stored zlib stream; returns (w, h, pixels).
fn check_png(png: &[u8]) -> (u32, u32, Vec<u8>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let (mut pos, mut kinds, mut idat, mut size) = (8, Vec::new(), Vec::new(), (0, 0));
    while pos < png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &png[pos + 4..pos + 8];
        let data = &png[pos + 8..pos + 8 + len];
        let crc = u32::from_be_bytes(png[pos + 8 + len..pos + 12 + len].try_into().unwrap());
        assert_eq!(
            crc,
            crc32(&png[pos + 4..pos + 8 + len]),
            "CRC of {:?}",
            std::str::from_utf8(kind)
        );
        match kind {
            b"IHDR" => {
                size = (
                    u32::from_be_bytes(data[..4].try_into().unwrap()),
                    u32::from_be_bytes(data[4..8].try_into().unwrap()),
                );
                assert_eq!(&data[8..], &[8, 0, 0, 0, 0]);
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        kinds.push(String::from_utf8(kind.to_vec()).unwrap());
        pos += 12 + len;
    }
    assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
    assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
    // zlib header, stored blocks, adler32.
    assert_eq!((u16::from(idat[0]) << 8 | u16::from(idat[1])) % 31, 0);
    let (mut p, mut raw) = (2, Vec::new());
    loop {
        let last = idat[p] & 1 == 1;
        assert_eq!(idat[p] & 0b110, 0, "stored block");
        let len = u16::from_le_bytes([idat[p + 1], idat[p + 2]]);
        let nlen = u16::from_le_bytes([idat[p + 3], idat[p + 4]]);
        assert_eq!(len, !nlen);
        raw.extend_from_slice(&idat[p + 5..p + 5 + len as usize]);
        p += 5 + len as usize;
        if last {
            break;
        }
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    assert_eq!(&idat[p..], &((b << 16) | a).to_be_bytes());
    assert_eq!(raw.len(), (size.0 as usize + 1) * size.1 as usize);
    (size.0, size.1, raw)
}

async fn code(
    c: &common::Ctx,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    c.http
        .post(c.url(&format!("{path}?access_token={token}")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wxacode_endpoints_return_valid_pngs() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    for (path, body, width) in [
        (
            "/wxa/getwxacode",
            json!({"path": "pages/index/index?a=1"}),
            430,
        ),
        (
            "/wxa/getwxacodeunlimit",
            json!({"scene": "id=42&x=y", "page": "pages/index/index", "width": 280}),
            280,
        ),
        (
            "/cgi-bin/wxaapp/createwxaqrcode",
            json!({"path": "page/index/index", "width": 300}),
            300,
        ),
    ] {
        let resp = code(&c, path, &token, body).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "image/png", "{path}");
        let png = resp.bytes().await.unwrap();
        let (w, h, raw) = check_png(&png);
        assert_eq!((w, h), (width, width));
        assert!(
            raw.contains(&0) && raw.contains(&255),
            "has dark and light pixels"
        );
    }
    // Different content, different picture.
    let a = code(&c, "/wxa/getwxacodeunlimit", &token, json!({"scene": "a"}))
        .await
        .bytes()
        .await
        .unwrap();
    let b = code(&c, "/wxa/getwxacodeunlimit", &token, json!({"scene": "b"}))
        .await
        .bytes()
        .await
        .unwrap();
    assert_ne!(a, b);
}

#[tokio::test]
async fn wxacode_errors_are_json() {
    let c = start(SimConfig::default()).await;
    let token = c.token().await;
    let cases = [
        (
            "/wxa/getwxacodeunlimit",
            json!({"scene": "x".repeat(33)}),
            40169,
        ),
        ("/wxa/getwxacodeunlimit", json!({"scene": "100%"}), 40169),
        (
            "/wxa/getwxacodeunlimit",
            json!({"scene": "a", "page": "/pages/index"}),
            41030,
        ),
        (
            "/wxa/getwxacodeunlimit",
            json!({"scene": "a", "env_version": "beta"}),
            40097,
        ),
        ("/wxa/getwxacode", json!({"path": "p".repeat(1025)}), 40159),
        ("/wxa/getwxacode", json!({"path": "p", "width": 100}), 40189),
        (
            "/cgi-bin/wxaapp/createwxaqrcode",
            json!({"path": "p".repeat(129)}),
            40159,
        ),
        ("/cgi-bin/wxaapp/createwxaqrcode", json!({}), 40159),
    ];
    for (path, body, expected) in cases {
        let resp = code(&c, path, &token, body).await;
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(errcode(&v), expected, "{path}");
    }
    let expired = code(&c, "/wxa/getwxacode", "bogus", json!({"path": "p"})).await;
    assert_eq!(errcode(&expired.json().await.unwrap()), 40001);
}
