//! Server-API signing in the simulator: the demo key set, and the faults that spoil signed
//! answers so a client's checks can be tested.

use weixin_crypto::api_signing::{
    ApiSigning, ApiSigningError, PlatformSigning, PublicKey, SigningKey, SymmetricKey,
};

/// The paths the simulator serves encrypted and signed for an app with signing on (the
/// endpoints whose doc says "支持加密请求", of those it serves). The SDK's endpoint declarations
/// mark the same paths signable; a test keeps the two in step.
pub const SIGNABLE_PATHS: &[&str] = &[
    "/cgi-bin/message/custom/send",
    "/cgi-bin/message/subscribe/send",
    "/wxa/business/getuserphonenumber",
    "/wxa/msg_sec_check",
    "/wxa/media_check_async",
    "/cgi-bin/openapi/quota/get",
    "/cgi-bin/openapi/rid/get",
];

/// A key set for the simulator and the apps that call it signed. These are test keys
/// published with this crate: never configure them with the real platform.
///
/// ```
/// use weixin_sim::{SimApp, signing::demo};
/// let app = SimApp::new("wx1234", "s3cret").demo_signing();
/// assert!(app.is_signing());
/// let settings = demo::developer("wx1234");
/// assert_eq!(settings.appid(), "wx1234");
/// ```
pub mod demo {
    use super::{
        ApiSigning, ApiSigningError, PlatformSigning, PublicKey, SigningKey, SymmetricKey,
    };

    /// The symmetric key (base64 of 32 bytes): `WEIXIN_API_SYM_KEY`.
    pub const SYMMETRIC_KEY: &str = "8KlKSHOlKT49cg15cERhSOTQv8RYERrbIf4cVJg4FLo=";
    /// Its serial number: `WEIXIN_API_SYM_SN`.
    pub const SYMMETRIC_SN: &str = "5139a1c0de0000000000000000000001";
    /// The developer's RSA private key (PKCS#8 PEM): the file of `WEIXIN_API_RSA_KEY`.
    pub const DEVELOPER_KEY_PEM: &str = include_str!("../keys/developer-key.pem");
    /// Its serial number: `WEIXIN_API_RSA_SN`.
    pub const DEVELOPER_SN: &str = "5139a1c0de0000000000000000000002";
    /// The simulator's platform certificate (self-signed): the file of
    /// `WEIXIN_API_PLATFORM_CERT`.
    pub const PLATFORM_CERT_PEM: &str = include_str!("../keys/platform-cert.pem");
    /// Its serial number: `WEIXIN_API_PLATFORM_SN`.
    pub const PLATFORM_SN: &str = "5139a1c0de0000000000000000000003";
    const PLATFORM_KEY_PEM: &str = include_str!("../keys/platform-key.pem");

    fn symmetric() -> SymmetricKey {
        SymmetricKey::from_base64(SYMMETRIC_SN, SYMMETRIC_KEY).unwrap_or_else(|e| unreachable(&e))
    }

    fn developer_key() -> SigningKey {
        SigningKey::from_pem(DEVELOPER_SN, DEVELOPER_KEY_PEM.as_bytes())
            .unwrap_or_else(|e| unreachable(&e))
    }

    /// The parts the simulator holds for `appid` (its platform side).
    pub(crate) fn platform_parts() -> (SymmetricKey, PublicKey, SigningKey) {
        let platform = SigningKey::from_pem(PLATFORM_SN, PLATFORM_KEY_PEM.as_bytes())
            .unwrap_or_else(|e| unreachable(&e));
        (symmetric(), developer_key().public_key(), platform)
    }

    /// What the simulator holds for `appid` with the demo keys.
    pub fn platform(appid: &str) -> PlatformSigning {
        let (symmetric, developer, platform) = platform_parts();
        PlatformSigning::new(appid, symmetric, [developer], platform)
    }

    /// What an app calling the simulator signed holds: the settings to give its API client.
    pub fn developer(appid: &str) -> ApiSigning {
        let cert = PublicKey::from_pem(PLATFORM_SN, PLATFORM_CERT_PEM.as_bytes())
            .unwrap_or_else(|e| unreachable(&e));
        ApiSigning::new(appid, symmetric(), developer_key(), [cert])
            .unwrap_or_else(|e| unreachable(&e))
    }

    /// The six `WEIXIN_API_*` variables an app needs to call the simulator signed with these
    /// keys (the sample app's contract); the private key and the certificate are written to
    /// `dir` (created if needed) as `developer-key.pem` and `platform-cert.pem`.
    ///
    /// # Errors
    /// The I/O error of creating `dir` or writing a file.
    pub fn write_env(dir: &std::path::Path) -> std::io::Result<Vec<(&'static str, String)>> {
        std::fs::create_dir_all(dir)?;
        let key = dir.join("developer-key.pem");
        std::fs::write(&key, DEVELOPER_KEY_PEM)?;
        let cert = dir.join("platform-cert.pem");
        std::fs::write(&cert, PLATFORM_CERT_PEM)?;
        Ok(vec![
            ("WEIXIN_API_SYM_KEY", SYMMETRIC_KEY.to_owned()),
            ("WEIXIN_API_SYM_SN", SYMMETRIC_SN.to_owned()),
            ("WEIXIN_API_RSA_KEY", key.display().to_string()),
            ("WEIXIN_API_RSA_SN", DEVELOPER_SN.to_owned()),
            ("WEIXIN_API_PLATFORM_CERT", cert.display().to_string()),
            ("WEIXIN_API_PLATFORM_SN", PLATFORM_SN.to_owned()),
        ])
    }

    /// The committed keys are tested to load (`demo_keys_load`); failing here is a build defect.
    #[cold]
    fn unreachable(e: &ApiSigningError) -> ! {
        panic!("the simulator's demo keys do not load: {e}")
    }
}

/// How the simulator spoils the signed answers it gives (set with
/// [`SimHandle::set_signing_fault`](crate::SimHandle::set_signing_fault)), to see a client
/// refuse them. The request itself is handled normally: the call took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SigningFault {
    /// Answers are signed correctly.
    #[default]
    None,
    /// The signature of every signed answer is altered.
    BadSignature,
    /// Answers are signed with a key serial the app has not configured.
    UnknownSerial,
    /// Answers are sealed ten minutes in the past (a replayed answer).
    StaleTimestamp,
    /// Answers name another appid.
    OtherAppid,
}

/// The errmsg WeChat gives with each signing errcode.
pub(crate) fn errmsg(e: &ApiSigningError) -> String {
    let name = match e.platform_errcode() {
        40230 => "API_Missing_Wechatmp_Serial",
        40231 => "API_Missing_Wechatmp_Timestamp",
        40232 => "API_Missing_Wechatmp_Signature",
        40233 => "API_Missing_Wechatmp_Appid",
        40234 => "API_Invalid_Signature",
        40236 => "API_Invalid_Wechatmp_Appid",
        40240 => "API_Expired_Wechatmp_Timestamp",
        _ => "API_Invalid_Encrypt",
    };
    format!("{name}: {e}")
}

#[cfg(test)]
mod tests {
    use super::demo;

    #[test]
    fn demo_keys_load() {
        let _ = demo::platform("wx1");
        assert_eq!(demo::developer("wx1").appid(), "wx1");
    }
}
