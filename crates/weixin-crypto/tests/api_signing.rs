//! Server-API signing (API安全) against the official worked example: its key, certificate,
//! request and response, byte for byte.

use weixin_crypto::api_signing::{
    ApiSigning, ApiSigningError, PlatformSigning, PublicKey, SignedHeaders, SigningKey,
    SymmetricKey,
};
use weixin_crypto::hazmat::api_signing_seal_with_iv;

const APPID: &str = "wxba6223c06417af7b";
const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank";
const SYM_SN: &str = "fa05fe1e5bcc79b81ad5ad4b58acf787";
const SYM_KEY: &str = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=";
const RSA_SN: &str = "97845f6ed842ea860df6fdf65941ff56";
const CERT_SN: &str = "79ba700ea147819f640941bceb38b1d1";
const KEY_PEM: &[u8] = include_bytes!("vectors/api-signing-example-key.pem");
const KEY_PKCS8_PEM: &[u8] = include_bytes!("vectors/api-signing-example-key-pkcs8.pem");
const CERT_PEM: &[u8] = include_bytes!("vectors/api-signing-example-cert.pem");
const CERT_PUBKEY_PEM: &[u8] = include_bytes!("vectors/api-signing-example-cert-pubkey.pem");

const REQ_TIMESTAMP: i64 = 1635927954;
const REQ_PLAIN: &str = r#"{"_n":"o89QaPVsRu1yppIZzvSZc4","_appid":"wxba6223c06417af7b","_timestamp":1635927954,"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}"#;
const REQ_BODY: &str = r#"{"iv":"fmW/zNxXlytUZBgj","data":"0IDVdrPtSPF/Oe2CTXCV2vVNPbVJdJlP2WaTMQnoYLh5iCrrSNfQFh25EnStDMf0hLlVNBCZQtf9NaV0m4aRA4AAYIO7oR/Ge+4yY4EmZp5EVPB42xjScgMx5X3D4VdLCfynXIUKUtZHZvk1zmLVE3RauzJgiM1BB1CPmwcENo3MTJ0z8Vfkf5tMv54kOXobDLlV5rfqKdAX7gM/rP82DgZdt9vvZX44ipdbHIjJvw83ZXAFtvftdVw2Qd8=","authtag":"5qeM/2vZv+6KtScN94IpMg=="}"#;
const REQ_SIGNATURE: &str = "wcSSWHZunjz9VKl9q+If9deiyECXDAELfAJNZ4+5T+NhFr8zfhkwdQtlgQ7nN5xs99R57La9UjBTRBGge2KYyshWtw7HIMPAqWNsnpHvx0b2f7s6Bt7OpfOQLlIfNgepgTVmUwrqW8/7A12szj7tCe/bRFilwnaX6N0w4duHlfL7ic7IIZXouvy9dLRAa5GtEk1eD/LPWRiKh0SvJ3znPY/pSiQW9zSkXVdj9UGGM8qcKLzPGJ7gSmt3ZOPkFapk9wqFmhJwQj//xN5+hUlr2UiNPMNSHve5Y2ADLsNHqk5t7RfAZ8nW9/8lzhVt4t+toy1FeehxCGIC8qgmjIl1hg==";

const RESP_TIMESTAMP: i64 = 1635927956;
const RESP_BODY: &str = r#"{"iv":"r2WDQt56rEAmMuoR","data":"HExs66Ik3el+iM4IpeQ7SMEN934FRLFYOd3EmeaIrpP4EPTHckoco6O+PaoRZRa3lqaPRZT7r52f7LUok6gLxc6cdR8C4vpIIfh4xfLC4L7FNy9GbuMK1hcoi8b7gkWJcwZMkuCFNEDmqn3T49oWzAQOrY4LZnnnykv6oUJotdAsnKvmoJkLK7hRh7M2B1d2UnTnRuoIyarXc5Iojwoghx4BOvnV","authtag":"z2BFD8QctKXTuBlhICGOjQ=="}"#;
const RESP_SIGNATURE: &str = "Ht0VfQkkEweJ4hU266C14Aj64H9AXfkwNi5zxUZETCvR2svU1ZYdosDhFX/voLj1TyszqKsVxAlENGt7PPZZ8RQX7jnA4SKhiPUhW4LTbyTenisHJ+ohSfDjYnXavjQsBHspFS+BlPHuSSJ2xyQzw1+HuC6nid09ZL4FnGSYo4OI5MJrSb9xLzIVZMIDuUQchGKi/KaB1KzxECLEZcfjqbAgmxC7qOmuBLyO1WkHYDM95NJrHJWba5xv4wrwPru9yYTJSNRnlM+zrW5w9pOubC4Jtj3szTAEuOz9AcqUmgaAvMLNAIa8hfODLRe3n/cu4SgYlN/ZkNRU4QXVNbPGMg==";
const RESP_SERIAL_DEPRECATED: &str = "2171af9cdf1d7404423852e7e183d852";
const RESP_SIGNATURE_DEPRECATED: &str = "ZP1OODikAOePc+YJUMLxunF6xV05kextO/T1fy5lWv/CwV6OCsPBRM2xRRCi+B4lYXbbfYDdjzCz5BIAWEwIdjMlg/IHcJVHhRNAlKt5A3zvzfaJa5IJQel7xuUEXk/B6KVyEb41PbzrptjUGqWyTFMrjxQ4ThJfCuYocnUng7OuDU95enMqK2hZpO8o7kFW638BAwKDSiFNEwEJDWYkLz0kEw7ma3keezm4YHYKfJmjChK39tmZld7Rw/yrV1U9RiL/DO5ayP9VmrQkT/vYrPKyqI4/xKrIaTq44jFYTPIJKdU2OnLt6kjqwp2hvCzMuJdjRcrvzhWJ2A8xZ5hI2w==";
const RESP_PLAIN: &str = r#"{"_n":"ShYZpqdVgY+yQVAxNSWhYg","_appid":"wxba6223c06417af7b","_timestamp":1635927956,"errcode":0,"errmsg":"getuserriskrank succ","risk_rank":0,"unoin_id":2258658297}"#;

fn symmetric() -> SymmetricKey {
    SymmetricKey::from_base64(SYM_SN, SYM_KEY).unwrap()
}

fn developer() -> ApiSigning {
    ApiSigning::new(
        APPID,
        symmetric(),
        SigningKey::from_pem(RSA_SN, KEY_PEM).unwrap(),
        vec![PublicKey::from_pem(CERT_SN, CERT_PEM).unwrap()],
    )
    .unwrap()
}

/// WeChat's side, as far as the example allows: it checks requests with the developer's
/// public key. (Its own private key is not published, so the developer's key stands in.)
fn platform() -> PlatformSigning {
    let key = SigningKey::from_pem(RSA_SN, KEY_PEM).unwrap();
    PlatformSigning::new(APPID, symmetric(), vec![key.public_key()], key)
}

fn request_headers() -> SignedHeaders<'static> {
    SignedHeaders {
        appid: Some(APPID),
        timestamp: Some("1635927954"),
        serial: Some(RSA_SN),
        signature: Some(REQ_SIGNATURE),
        ..SignedHeaders::default()
    }
}

fn response_headers() -> SignedHeaders<'static> {
    SignedHeaders {
        appid: Some(APPID),
        timestamp: Some("1635927956"),
        serial: Some(CERT_SN),
        signature: Some(RESP_SIGNATURE),
        serial_deprecated: Some(RESP_SERIAL_DEPRECATED),
        signature_deprecated: Some(RESP_SIGNATURE_DEPRECATED),
    }
}

fn without_security_fields(json: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json).unwrap();
    for k in ["_n", "_appid", "_timestamp"] {
        map.remove(k);
    }
    map
}

#[test]
fn the_example_request_encrypts_to_the_documented_bytes() {
    use base64::Engine as _;
    let iv: [u8; 12] = base64::engine::general_purpose::STANDARD
        .decode("fmW/zNxXlytUZBgj")
        .unwrap()
        .try_into()
        .unwrap();
    let aad = format!("{URL}|{APPID}|{REQ_TIMESTAMP}|{SYM_SN}");
    let body = api_signing_seal_with_iv(&symmetric(), iv, &aad, REQ_PLAIN.as_bytes());
    assert_eq!(String::from_utf8(body).unwrap(), REQ_BODY);
}

#[test]
fn the_example_request_verifies_and_decrypts() {
    let fields = platform()
        .open_request(
            URL,
            &request_headers(),
            REQ_BODY.as_bytes(),
            REQ_TIMESTAMP + 1,
        )
        .unwrap();
    assert_eq!(fields, without_security_fields(REQ_PLAIN));
    assert_eq!(fields["openid"], "oEWzBfmdLqhFS2mTXCo2E4Y9gJAM");
}

#[test]
fn the_example_response_verifies_and_decrypts() {
    let fields = developer()
        .open_response(
            URL,
            &response_headers(),
            RESP_BODY.as_bytes(),
            RESP_TIMESTAMP + 60,
        )
        .unwrap();
    assert_eq!(fields, without_security_fields(RESP_PLAIN));
    assert_eq!(fields["errmsg"], "getuserriskrank succ");
    assert!(!fields.contains_key("_n"));
}

#[test]
fn the_certificate_and_its_public_key_are_the_same_key() {
    let from_key = ApiSigning::new(
        APPID,
        symmetric(),
        SigningKey::from_pem(RSA_SN, KEY_PKCS8_PEM).unwrap(),
        vec![PublicKey::from_pem(CERT_SN, CERT_PUBKEY_PEM).unwrap()],
    )
    .unwrap();
    from_key
        .open_response(
            URL,
            &response_headers(),
            RESP_BODY.as_bytes(),
            RESP_TIMESTAMP,
        )
        .unwrap();
}

#[test]
fn during_rotation_the_deprecated_pair_is_used_when_only_it_is_known() {
    // The current certificate is the unknown one here: the known certificate signed the
    // deprecated pair.
    let headers = SignedHeaders {
        serial: Some("0000000000000000000000000000000a"),
        signature: Some(RESP_SIGNATURE_DEPRECATED),
        serial_deprecated: Some(CERT_SN),
        signature_deprecated: Some(RESP_SIGNATURE),
        ..response_headers()
    };
    developer()
        .open_response(URL, &headers, RESP_BODY.as_bytes(), RESP_TIMESTAMP)
        .unwrap();
}

#[test]
fn every_tampering_of_the_response_is_refused_with_its_reason() {
    let signing = developer();
    let open = |headers: SignedHeaders<'_>, body: &[u8], now: i64| {
        signing.open_response(URL, &headers, body, now).unwrap_err()
    };
    let mut body = RESP_BODY.as_bytes().to_vec();
    body[20] ^= 1;
    assert_eq!(
        open(response_headers(), &body, RESP_TIMESTAMP),
        ApiSigningError::BadSignature
    );
    let swapped = SignedHeaders {
        signature: Some(RESP_SIGNATURE_DEPRECATED),
        ..response_headers()
    };
    assert_eq!(
        open(swapped, RESP_BODY.as_bytes(), RESP_TIMESTAMP),
        ApiSigningError::BadSignature
    );
    assert!(matches!(
        open(
            response_headers(),
            RESP_BODY.as_bytes(),
            RESP_TIMESTAMP + 301
        ),
        ApiSigningError::StaleTimestamp { skew: 301, .. }
    ));
    assert!(matches!(
        open(
            response_headers(),
            RESP_BODY.as_bytes(),
            RESP_TIMESTAMP - 301
        ),
        ApiSigningError::StaleTimestamp { .. }
    ));
    let other_app = SignedHeaders {
        appid: Some("wx0000000000000000"),
        ..response_headers()
    };
    assert!(matches!(
        open(other_app, RESP_BODY.as_bytes(), RESP_TIMESTAMP),
        ApiSigningError::AppidMismatch { .. }
    ));
    let unknown = SignedHeaders {
        serial: Some("ffff"),
        serial_deprecated: None,
        signature_deprecated: None,
        ..response_headers()
    };
    let err = open(unknown, RESP_BODY.as_bytes(), RESP_TIMESTAMP);
    assert!(matches!(&err, ApiSigningError::UnknownSerial { serial, .. } if serial == "ffff"));
    assert!(err.to_string().contains(CERT_SN), "{err}");
    let unsigned = SignedHeaders {
        signature: None,
        signature_deprecated: None,
        ..response_headers()
    };
    assert_eq!(
        open(unsigned, RESP_BODY.as_bytes(), RESP_TIMESTAMP),
        ApiSigningError::MissingHeader {
            header: "Wechatmp-Signature"
        }
    );
    // Signed for another URL path: the signature is over the path.
    let err = signing
        .open_response(
            "http://127.0.0.1:8081/wxa/getuserriskrank",
            &response_headers(),
            RESP_BODY.as_bytes(),
            RESP_TIMESTAMP,
        )
        .unwrap_err();
    assert_eq!(err, ApiSigningError::BadSignature);
}

#[test]
fn a_wrong_symmetric_key_fails_to_decrypt_after_the_signature_checks() {
    let signing = ApiSigning::new(
        APPID,
        SymmetricKey::from_base64("another-sn", SYM_KEY).unwrap(),
        SigningKey::from_pem(RSA_SN, KEY_PEM).unwrap(),
        vec![PublicKey::from_pem(CERT_SN, CERT_PEM).unwrap()],
    )
    .unwrap();
    let err = signing
        .open_response(
            URL,
            &response_headers(),
            RESP_BODY.as_bytes(),
            RESP_TIMESTAMP,
        )
        .unwrap_err();
    assert_eq!(err, ApiSigningError::Decrypt);
    assert_eq!(err.platform_errcode(), 40235);
}

#[test]
fn a_sealed_request_round_trips_through_the_platform_and_back() {
    let developer = developer();
    let platform = platform();
    let fields = serde_json::json!({"openid": "o1", "scene": 0, "_appid": "forged"});
    let sealed = developer
        .seal_request(URL, 1_700_000_000, fields.as_object().unwrap())
        .unwrap();
    let headers: Vec<(&str, String)> = sealed.headers().into_iter().collect();
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    let signed = SignedHeaders::from_lookup(get);
    let opened = platform
        .open_request(URL, &signed, &sealed.body, 1_700_000_100)
        .unwrap();
    assert_eq!(
        opened,
        without_security_fields(r#"{"openid":"o1","scene":0}"#)
    );
    // Two seals of the same fields differ (random IV, nonce and PSS salt).
    let again = developer
        .seal_request(URL, 1_700_000_000, fields.as_object().unwrap())
        .unwrap();
    assert_ne!(again.body, sealed.body);
    // A replayed request is refused once the window has passed.
    let err = platform
        .open_request(URL, &signed, &sealed.body, 1_700_000_301)
        .unwrap_err();
    assert_eq!(err.platform_errcode(), 40240);
    // The platform's answer opens on the developer's side when its key is the configured
    // certificate.
    let answer = serde_json::json!({"errcode": 0, "errmsg": "ok", "risk_rank": 1});
    let sealed = platform
        .seal_response(URL, 1_700_000_001, answer.as_object().unwrap())
        .unwrap();
    let get = |name: &str| {
        sealed
            .headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    let key = SigningKey::from_pem(RSA_SN, KEY_PEM).unwrap();
    let developer = ApiSigning::new(
        APPID,
        symmetric(),
        SigningKey::from_pem(RSA_SN, KEY_PEM).unwrap(),
        vec![key.public_key()],
    )
    .unwrap();
    let opened = developer
        .open_response(
            URL,
            &SignedHeaders::from_lookup(get),
            &sealed.body,
            1_700_000_002,
        )
        .unwrap();
    assert_eq!(serde_json::Value::Object(opened), answer);
}

#[test]
fn requests_missing_a_header_get_the_platform_errcode_for_it() {
    let platform = platform();
    let cases = [
        (
            SignedHeaders {
                serial: None,
                ..request_headers()
            },
            40230,
        ),
        (
            SignedHeaders {
                timestamp: None,
                ..request_headers()
            },
            40231,
        ),
        (
            SignedHeaders {
                signature: None,
                ..request_headers()
            },
            40232,
        ),
        (
            SignedHeaders {
                appid: None,
                ..request_headers()
            },
            40233,
        ),
        (
            SignedHeaders {
                signature: Some("AAAA"),
                ..request_headers()
            },
            40234,
        ),
    ];
    for (headers, code) in cases {
        let err = platform
            .open_request(URL, &headers, REQ_BODY.as_bytes(), REQ_TIMESTAMP)
            .unwrap_err();
        assert_eq!(err.platform_errcode(), code, "{err}");
    }
}

#[test]
fn keys_that_cannot_work_are_refused_at_load_with_a_reason() {
    let err = SymmetricKey::from_base64(SYM_SN, "c2hvcnQ=").unwrap_err();
    assert!(err.to_string().contains("32"), "{err}");
    let err = SymmetricKey::from_base64("", SYM_KEY).unwrap_err();
    assert!(err.to_string().contains("SN"), "{err}");
    let err = SigningKey::from_pem(RSA_SN, CERT_PEM).unwrap_err();
    assert!(err.to_string().contains("PRIVATE KEY"), "{err}");
    let err = PublicKey::from_pem(CERT_SN, KEY_PEM).unwrap_err();
    assert!(err.to_string().contains("CERTIFICATE"), "{err}");
    let err = ApiSigning::new(
        APPID,
        symmetric(),
        SigningKey::from_pem(RSA_SN, KEY_PEM).unwrap(),
        Vec::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("platform certificate"), "{err}");
    // Nothing of the keys in Debug.
    let shown = format!("{:?}", developer());
    assert!(
        shown.contains(RSA_SN) && !shown.contains("otUpng"),
        "{shown}"
    );
}
