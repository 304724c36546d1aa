//! [`ErrCode`]: WeChat's global `errcode` values, with what each one means for the caller.

use std::fmt;

macro_rules! errcodes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $desc:literal; )*) => {
        /// A WeChat `errcode`.
        ///
        /// The common codes are named; any other value is [`ErrCode::Other`]. Always key on the
        /// code, never on `errmsg` (its wording changes and it carries a request id).
        ///
        /// ```
        /// use weixin_core::ErrCode;
        /// let code = ErrCode::from_code(42001);
        /// assert_eq!(code, ErrCode::AccessTokenExpired);
        /// assert!(code.is_token_invalid());
        /// assert_eq!(ErrCode::from_code(12345), ErrCode::Other(12345));
        /// assert_eq!(ErrCode::Other(12345).code(), 12345);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrCode {
            $( $(#[$doc])* $name, )*
            /// A code without a name here; the number is kept.
            Other(i64),
        }

        impl ErrCode {
            /// The code for a raw `errcode` value.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => Self::$name, )*
                    other => Self::Other(other),
                }
            }

            /// The raw `errcode` value.
            pub fn code(self) -> i64 {
                match self {
                    $( Self::$name => $code, )*
                    Self::Other(code) => code,
                }
            }

            /// A short English description of the code.
            pub fn description(self) -> &'static str {
                match self {
                    $( Self::$name => $desc, )*
                    Self::Other(_) => "unknown error code; see the errmsg and the WeChat docs",
                }
            }
        }
    };
}

errcodes! {
    /// -1: the platform is busy; retry later (idempotent calls only).
    SystemBusy = -1, "system busy, retry later";
    /// 0: success.
    Ok = 0, "ok";
    /// 40001: the access token is invalid or not the latest, or the AppSecret is wrong.
    InvalidCredential = 40001, "invalid credential: access token invalid or not latest, or wrong AppSecret";
    /// 40002: invalid grant_type.
    InvalidGrantType = 40002, "invalid grant_type";
    /// 40003: invalid openid.
    InvalidOpenid = 40003, "invalid openid";
    /// 40004: invalid media type.
    InvalidMediaType = 40004, "invalid media type";
    /// 40007: invalid media_id.
    InvalidMediaId = 40007, "invalid media_id";
    /// 40013: invalid AppID.
    InvalidAppid = 40013, "invalid AppID: check the configured appid";
    /// 40014: invalid access token.
    InvalidAccessToken = 40014, "invalid access token";
    /// 40029: invalid (or expired) oauth/js code.
    InvalidCode = 40029, "invalid code (login code wrong or expired)";
    /// 40030: invalid refresh_token.
    InvalidRefreshToken = 40030, "invalid refresh_token";
    /// 40037: invalid template_id.
    InvalidTemplateId = 40037, "invalid template_id";
    /// 40125: invalid AppSecret.
    InvalidAppSecret = 40125, "invalid AppSecret: check the configured secret";
    /// 40163: the login code was already used.
    CodeBeenUsed = 40163, "code already used (code2session called twice?)";
    /// 40164: the caller's IP is not in the API IP whitelist.
    IpNotWhitelisted = 40164, "caller IP not in the API IP whitelist";
    /// 40226: login of a high-risk user blocked.
    CodeBlocked = 40226, "login blocked for a high-risk user";
    /// 40243: the AppSecret is frozen.
    AppSecretFrozen = 40243, "AppSecret frozen: unfreeze it in the admin console";
    /// 41001: access token missing.
    AccessTokenMissing = 41001, "access token missing";
    /// 41002: appid missing.
    AppidMissing = 41002, "appid missing";
    /// 41004: secret missing.
    SecretMissing = 41004, "AppSecret missing";
    /// 41005: media data missing.
    MediaDataMissing = 41005, "media data missing in the upload";
    /// 42001: access token expired.
    AccessTokenExpired = 42001, "access token expired";
    /// 42003: oauth code expired.
    CodeExpired = 42003, "code expired";
    /// 43004: the receiver has not subscribed.
    RequireSubscribe = 43004, "receiver has not subscribed";
    /// 43101: the user refused to receive the (subscribe) message.
    UserRefused = 43101, "user refused to receive the message";
    /// 44002: empty POST body.
    EmptyPostData = 44002, "empty POST body";
    /// 45002: content too long.
    ContentSizeOutOfLimit = 45002, "content size out of limit";
    /// 45009: the daily API quota is exhausted.
    DailyQuotaExceeded = 45009, "daily API quota reached (see clear_quota)";
    /// 45011: per-minute rate limit reached.
    MinuteQuotaExceeded = 45011, "API called too often this minute; slow down";
    /// 45015: outside the 48-hour customer-service window.
    ResponseOutOfTimeLimit = 45015, "reply out of the 48-hour customer-service window";
    /// 45047: customer-service message count limit reached.
    ResponseCountOutOfLimit = 45047, "customer-service message count limit reached";
    /// 46001: media data does not exist.
    MediaNotExist = 46001, "media does not exist";
    /// 47001: the JSON/XML body could not be parsed by WeChat.
    DataFormatError = 47001, "data format error in the request body";
    /// 48001: the API is not authorized for this account.
    ApiUnauthorized = 48001, "API not authorized for this account type";
    /// 48004: the API is banned for this account.
    ApiForbidden = 48004, "API forbidden for irregularities";
    /// 48006: clear_quota monthly limit reached.
    ClearQuotaLimit = 48006, "clear_quota monthly limit reached";
    /// 50001: the user has not authorized this API.
    UserUnauthorized = 50001, "user has not authorized this API";
    /// 61004: the caller's IP is not registered (whitelist).
    ClientIpNotRegistered = 61004, "caller IP not registered in the IP whitelist";
    /// 87009: invalid signature (checksession).
    InvalidSignature = 87009, "invalid signature";
    /// 87014: risky content.
    RiskyContent = 87014, "content flagged as risky";
}

impl ErrCode {
    /// The token was rejected (40001, 40014, 42001, 41001): refresh it and retry once.
    pub fn is_token_invalid(self) -> bool {
        matches!(
            self,
            Self::InvalidCredential
                | Self::InvalidAccessToken
                | Self::AccessTokenExpired
                | Self::AccessTokenMissing
        )
    }

    /// The platform was busy (-1): an idempotent call may be retried with backoff.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::SystemBusy)
    }

    /// The daily quota is exhausted (45009).
    pub fn is_quota_exceeded(self) -> bool {
        matches!(self, Self::DailyQuotaExceeded)
    }

    /// The per-minute rate limit was hit (45011).
    pub fn is_rate_limited(self) -> bool {
        matches!(self, Self::MinuteQuotaExceeded)
    }

    /// The server's IP is not in the API IP whitelist (40164, 61004).
    pub fn is_ip_not_whitelisted(self) -> bool {
        matches!(self, Self::IpNotWhitelisted | Self::ClientIpNotRegistered)
    }

    /// The app's configuration is wrong (appid, secret, grant type, IP whitelist): retrying will
    /// not help, fix the settings.
    pub fn is_config_error(self) -> bool {
        matches!(
            self,
            Self::InvalidGrantType
                | Self::InvalidAppid
                | Self::InvalidAppSecret
                | Self::AppSecretFrozen
                | Self::AppidMissing
                | Self::SecretMissing
                | Self::ApiUnauthorized
        ) || self.is_ip_not_whitelisted()
    }

    /// An expected business outcome (user refused, code used, outside the reply window...),
    /// logged at debug level rather than as a warning.
    pub fn is_business(self) -> bool {
        !(self.is_retryable()
            || self.is_token_invalid()
            || self.is_config_error()
            || self.is_quota_exceeded())
    }
}

impl fmt::Display for ErrCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.description())
    }
}

impl From<i64> for ErrCode {
    fn from(code: i64) -> Self {
        Self::from_code(code)
    }
}

#[cfg(test)]
mod tests {
    use super::ErrCode;

    #[test]
    fn round_trips_every_named_code() {
        for code in [
            -1, 0, 40001, 40002, 40013, 40014, 40029, 40125, 40163, 40164, 40226, 40243, 41001,
            41002, 41004, 42001, 43101, 45009, 45011, 45015, 45047, 47001, 48001, 61004, 87009,
        ] {
            let c = ErrCode::from_code(code);
            assert!(!matches!(c, ErrCode::Other(_)), "{code} should be named");
            assert_eq!(c.code(), code);
        }
        assert_eq!(ErrCode::from_code(99999), ErrCode::Other(99999));
    }

    #[test]
    fn predicates() {
        for c in [40001, 40014, 42001, 41001] {
            assert!(ErrCode::from_code(c).is_token_invalid());
        }
        assert!(!ErrCode::from_code(40013).is_token_invalid());
        assert!(ErrCode::from_code(-1).is_retryable());
        assert!(!ErrCode::from_code(45009).is_retryable());
        assert!(ErrCode::from_code(45009).is_quota_exceeded());
        assert!(ErrCode::from_code(40164).is_ip_not_whitelisted());
        assert!(ErrCode::from_code(61004).is_ip_not_whitelisted());
        for c in [40013, 40125, 40243, 40164] {
            assert!(ErrCode::from_code(c).is_config_error(), "{c}");
        }
        assert!(ErrCode::from_code(43101).is_business());
        assert!(!ErrCode::from_code(40001).is_business());
        assert_eq!(
            ErrCode::from_code(45009).to_string(),
            "45009 (daily API quota reached (see clear_quota))"
        );
    }
}
