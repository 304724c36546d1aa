//! What came back from a push: per attempt, and the decrypted reply.

use std::time::Duration;

/// One HTTP attempt of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// 1 for the first try.
    pub number: u32,
    /// What happened.
    pub outcome: AttemptOutcome,
    /// Time from sending to the end of the response (or the failure).
    pub latency: Duration,
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The callback answered.
    Response {
        /// HTTP status.
        status: u16,
        /// The body (lossy UTF-8).
        body: String,
    },
    /// No complete answer within the per-attempt timeout (WeChat: 5 s).
    Timeout,
    /// Could not connect, or the connection closed without an answer.
    ConnectionError(String),
}

impl AttemptOutcome {
    /// Whether WeChat would try again after this: timeout, connection error, HTTP 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            AttemptOutcome::Response { status, .. } => *status >= 500,
            AttemptOutcome::Timeout | AttemptOutcome::ConnectionError(_) => true,
        }
    }
}

/// How the reply body of a successful attempt looks to WeChat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyCheck {
    /// `success` or an empty body: nothing to show the user.
    Success,
    /// A plaintext reply (fine in plain and compatible mode; WeChat rejects it in safe mode).
    Plain(String),
    /// An encrypted reply whose `MsgSignature` verified; the decrypted message.
    Decrypted(String),
    /// An encrypted reply that failed verification or decryption, with the reason.
    Invalid(String),
}

/// The exact request a push was sent as (resend it with [`crate::PushDriver::resend`] to test
/// deduplication: same `MsgId`, same body, same signature).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreparedPush {
    /// The full URL with `signature`, `timestamp`, `nonce`, `openid` (+ `encrypt_type`,
    /// `msg_signature`).
    pub url: String,
    /// The body as sent.
    pub body: String,
    /// The plaintext message (equal to `body` in plain mode).
    pub plaintext: String,
    /// `MsgId` for user messages.
    pub msg_id: Option<u64>,
    /// `CreateTime`.
    pub create_time: u64,
    /// `Content-Type` (`text/xml` or `application/json`).
    pub content_type: &'static str,
}

/// What happened to one push.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushReport {
    /// The request (for [`crate::PushDriver::resend`]).
    pub prepared: PreparedPush,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// The reply check of the last attempt, when it got a 2xx answer.
    pub reply: Option<ReplyCheck>,
}

impl PushReport {
    /// Whether an attempt got a 2xx answer.
    pub fn delivered(&self) -> bool {
        self.reply.is_some()
    }

    /// Whether WeChat would accept the reply: delivered, and in safe mode encrypted (or
    /// `success`/empty); never an invalid encrypted reply.
    pub fn reply_accepted(&self, safe_mode: bool) -> bool {
        match &self.reply {
            Some(ReplyCheck::Success | ReplyCheck::Decrypted(_)) => true,
            Some(ReplyCheck::Plain(_)) => !safe_mode,
            Some(ReplyCheck::Invalid(_)) | None => false,
        }
    }

    /// The `MsgId` (messages only).
    pub fn msg_id(&self) -> Option<u64> {
        self.prepared.msg_id
    }
}

/// The result of the GET URL verification (`echostr` check).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// The `echostr` sent.
    pub echostr: String,
    /// What came back.
    pub outcome: AttemptOutcome,
    /// Whether the answer was HTTP 200 with exactly `echostr` as the body.
    pub ok: bool,
}
