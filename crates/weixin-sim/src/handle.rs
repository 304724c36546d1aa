//! [`SimHandle`]: inspection and admin from Rust (the same as the `/sim/*` endpoints).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::SimClock;
use crate::config::{Faults, SimApp};
use crate::inspect_types::{CurrentToken, IssuedToken, SentMessage};
use crate::signing::SigningFault;
use crate::state::Shared;

/// Errors of the admin functions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The appid is not configured.
    #[error("unknown appid {0}: add it to SimConfig::apps")]
    UnknownApp(String),
    /// Binding or serving failed.
    #[error("simulator I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// A handle on a simulator's state: read what apps sent, how often each endpoint was called,
/// which tokens exist; issue login and phone codes; move the clock; change faults.
///
/// Cheap to clone; all clones see the same simulator.
#[derive(Clone)]
pub struct SimHandle {
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("apps", &self.shared.config.apps)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// The configured apps.
    pub fn apps(&self) -> &[SimApp] {
        &self.shared.config.apps
    }

    /// The first configured app's appid (the default of admin calls without one).
    pub fn default_appid(&self) -> &str {
        self.shared
            .config
            .apps
            .first()
            .map_or("", |a| a.appid.as_str())
    }

    fn check_app(&self, appid: &str) -> Result<(), SimError> {
        if self.shared.state().app(appid).is_some() {
            Ok(())
        } else {
            Err(SimError::UnknownApp(appid.to_owned()))
        }
    }

    /// The simulator clock.
    pub fn clock(&self) -> &SimClock {
        &self.shared.clock
    }

    /// Moves the simulator clock forward (tokens, codes, media and windows expire).
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Every message sent with `custom/send` or `subscribe/send`, in order.
    pub fn messages(&self) -> Vec<SentMessage> {
        self.shared.state().messages()
    }

    /// The messages sent to one user, in order.
    pub fn messages_to(&self, openid: &str) -> Vec<SentMessage> {
        let mut all = self.messages();
        all.retain(|m| m.touser == openid);
        all
    }

    /// Calls per endpoint path (every request that reached the API side, faulted or not).
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.shared.state().calls()
    }

    /// Calls of one path, e.g. `"/cgi-bin/token"`.
    pub fn call_count(&self, path: &str) -> u64 {
        self.calls().get(path).copied().unwrap_or(0)
    }

    /// Every token issued, in order.
    pub fn tokens_issued(&self) -> Vec<IssuedToken> {
        self.shared.state().issued_tokens()
    }

    /// How many tokens (classic and stable) were issued for `appid`.
    pub fn token_count(&self, appid: &str) -> usize {
        self.tokens_issued()
            .iter()
            .filter(|t| t.appid == appid)
            .count()
    }

    /// The tokens that work right now (including replaced ones still in their overlap).
    pub fn current_tokens(&self) -> Vec<CurrentToken> {
        self.shared
            .state()
            .current_tokens(&self.shared.config, self.shared.now())
    }

    /// Forgets everything (tokens, codes, messages, media, counts); faults back to the
    /// configured ones with the generators re-seeded. The clock is not moved back.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// A one-time login code for `wx.login`, as the mini program would get it: redeem it with
    /// `sns/jscode2session` within 5 minutes. `openid` `None` makes up a user.
    ///
    /// # Errors
    /// [`SimError::UnknownApp`].
    pub fn issue_login_code(&self, appid: &str, openid: Option<&str>) -> Result<String, SimError> {
        self.check_app(appid)?;
        self.shared
            .state()
            .issue_login_code(appid, openid.map(str::to_owned), self.shared.now())
            .map(|(code, _)| code)
            .map_err(|_| SimError::UnknownApp(appid.to_owned()))
    }

    /// A one-time `getPhoneNumber` code that `wxa/business/getuserphonenumber` turns into
    /// `phone` (`"13800138000"` or `"+1 5551234567"`).
    ///
    /// # Errors
    /// [`SimError::UnknownApp`].
    pub fn issue_phone_code(&self, appid: &str, phone: &str) -> Result<String, SimError> {
        self.check_app(appid)?;
        self.shared
            .state()
            .issue_phone_code(appid, phone.to_owned(), self.shared.now())
            .map_err(|_| SimError::UnknownApp(appid.to_owned()))
    }

    /// Makes `media_id` a valid temporary media of `appid` (3 days from now) holding `bytes`:
    /// what WeChat does with the image a user sends. The [`crate::PushDriver`] calls it for
    /// image pushes (with a small PNG), so a handler can send the same image back.
    ///
    /// # Errors
    /// [`SimError::UnknownApp`].
    pub fn register_media(
        &self,
        appid: &str,
        media_id: &str,
        content_type: &str,
        bytes: impl Into<bytes::Bytes>,
    ) -> Result<(), SimError> {
        self.check_app(appid)?;
        let now = self.shared.now();
        let kind = if content_type.starts_with("image/") {
            "image"
        } else {
            "file"
        };
        self.shared.state().store_media_as(
            media_id,
            crate::state::MediaRec {
                appid: appid.to_owned(),
                kind: kind.to_owned(),
                content_type: content_type.to_owned(),
                bytes: bytes.into(),
                created_ms: now,
            },
        );
        Ok(())
    }

    /// The user's current `session_key` (after a `jscode2session`).
    pub fn session_key(&self, appid: &str, openid: &str) -> Option<String> {
        self.shared.state().session_key(appid, openid)
    }

    /// Records that the user sent a message: opens the 48-hour customer-service window
    /// (the [`crate::PushDriver`] does this when it pushes a user message).
    pub fn user_messaged(&self, appid: &str, openid: &str) {
        let now = self.shared.now();
        self.shared
            .state()
            .user_messaged(&self.shared.config, appid, openid, now);
    }

    /// Records that the user entered the customer-service chat (2 messages within a minute).
    pub fn user_entered_session(&self, appid: &str, openid: &str) {
        let now = self.shared.now();
        self.shared.state().user_entered_session(appid, openid, now);
    }

    /// The current faults.
    pub fn faults(&self) -> Faults {
        self.shared.fault_state().faults.clone()
    }

    /// Changes the faults at runtime (the generator keeps its position).
    pub fn set_faults(&self, faults: Faults) {
        self.shared.fault_state().faults = faults;
    }

    /// Spoils (or stops spoiling) the signed answers of apps with signing on.
    pub fn set_signing_fault(&self, fault: SigningFault) {
        self.shared.fault_state().signing = fault;
    }

    /// Calls per endpoint path that came signed and verified (apps with signing on).
    pub fn signed_calls(&self) -> BTreeMap<String, u64> {
        self.shared.state().signed_calls()
    }
}
