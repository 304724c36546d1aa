//! Testing your own WeChat code against the offline simulator.
//!
//! The functions here stand for "your business code": they take SDK handles
//! ([`OfficialAccount`], [`MiniProgram`]) as parameters instead of building them, so a test can
//! hand them handles pointed at [`weixin_sim`](https://docs.rs/weixin-sim) while production
//! hands them handles pointed at WeChat. Nothing else changes between the two.
//!
//! The tests in `tests/` start a simulator, point the SDK at it with
//! `Weixin::builder().api_base(sim.base_url())`, run these functions, and assert on what the
//! simulator saw: the messages each user got, how many tokens were fetched, how many times an
//! endpoint was called.
#![forbid(unsafe_code)]

use weixin::client::Download;
use weixin::mini_program::session::{Session, SessionError};
use weixin::official_account::api::custom::CustomMessage;
use weixin::{MiniProgram, OfficialAccount};

/// Tells a user something with a customer-service message (客服消息), e.g. "your order
/// shipped".
///
/// WeChat only delivers it within 48 hours of the user's last message to the account.
///
/// # Errors
/// WeChat's error (45015: the user has not written in 48 hours), or a network error.
pub async fn notify_user(
    account: &OfficialAccount,
    openid: &str,
    text: &str,
) -> weixin::Result<()> {
    let message = CustomMessage::text(openid, text);
    account.api().custom().send(&message).await
}

/// Fetches a file the user sent (a temporary media id from an image message).
///
/// # Errors
/// WeChat's error (40007: unknown or expired media id), or a network error.
pub async fn fetch_user_media(
    account: &OfficialAccount,
    media_id: &str,
) -> weixin::Result<Download> {
    account.api().media().get_temp(media_id).await
}

/// Logs a mini-program user in: the `wx.login` code becomes a server-side session (in the
/// registry's shared cache), and the client gets only its opaque id.
///
/// # Errors
/// [`SessionError::InvalidCode`] / [`SessionError::CodeUsed`] for a bad or reused code, or a
/// cache / network error.
pub async fn login(app: &MiniProgram, code: &str) -> Result<Session, SessionError> {
    app.sessions().login(code).await
}

// The Chinese guides' code is compiled as doctests, so it keeps matching the real API.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/zh/quickstart.md")]
mod quickstart_zh {}

#[cfg(doctest)]
#[doc = include_str!("../../../docs/zh/mini-program.md")]
mod mini_program_zh {}

// The API-client guides' code, likewise.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/api-signing.md")]
mod api_signing {}

#[cfg(doctest)]
#[doc = include_str!("../../../docs/api-failover.md")]
mod api_failover {}
