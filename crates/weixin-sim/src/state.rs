//! The simulator's mutable state and WeChat's rules over it (no HTTP here).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::clock::SimClock;
use crate::config::{Faults, SimApp, SimConfig};
use crate::inspect_types::{CurrentToken, IssuedToken, MessageKind, SentMessage, TokenKind};
use crate::rng::{ALNUM, SplitMix64, TOKEN_CHARS};
use crate::signing::SigningFault;
use crate::wx_error::WxError;

const MS_48H: u64 = 48 * 3600 * 1000;
const MS_ENTER_SESSION: u64 = 60 * 1000;
const ENTER_SESSION_MESSAGES: u32 = 2;
const CODE_TTL_MS: u64 = 5 * 60 * 1000;
const MEDIA_TTL_MS: u64 = 3 * 24 * 3600 * 1000;

/// A push sent through the console's `POST /sim/push`, as the chat shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct PushRecord {
    pub(crate) appid: String,
    pub(crate) openid: String,
    /// `MsgType`, or the `Event` name for events.
    pub(crate) kind: String,
    /// The text of a text message, else a short description.
    pub(crate) summary: String,
    pub(crate) msg_id: Option<u64>,
    /// Whether an attempt got a 2xx answer.
    pub(crate) delivered: bool,
    /// How many API messages were recorded before it (orders the chat).
    pub(crate) messages_before: usize,
    /// Simulator time, Unix seconds.
    pub(crate) at: u64,
}

/// Everything shared by the handlers and the [`crate::SimHandle`].
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) clock: SimClock,
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Mutex<FaultState>,
}

/// Runtime fault settings plus their own generator (so ids do not shift fault decisions).
#[derive(Debug)]
pub(crate) struct FaultState {
    pub(crate) faults: Faults,
    pub(crate) signing: SigningFault,
    pub(crate) rng: SplitMix64,
}

/// What a request should suffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FaultDecision {
    pub(crate) drop: bool,
    pub(crate) http_5xx: bool,
    pub(crate) busy: bool,
    pub(crate) delay: bool,
}

impl FaultState {
    /// Draws two numbers per request (so the sequence only depends on the request count and
    /// the seed): one picks at most one of drop / 5xx / busy with exactly their configured
    /// shares, the other decides the added latency.
    pub(crate) fn decide(&mut self) -> FaultDecision {
        let f = &self.faults;
        let (kind, latency) = (self.rng.next_f64(), self.rng.next_f64());
        let drop = kind < f.drop;
        let http_5xx = !drop && kind < f.drop + f.http_5xx;
        let busy = !drop && !http_5xx && kind < f.drop + f.http_5xx + f.busy;
        FaultDecision {
            drop,
            http_5xx,
            busy,
            delay: latency < f.latency_share,
        }
    }
}

#[derive(Debug, Clone)]
struct TokenRec {
    appid: String,
    kind: TokenKind,
    expires_ms: u64,
    /// When it was replaced by a newer token of the same kind.
    replaced_ms: Option<u64>,
}

#[derive(Debug, Clone)]
struct CodeRec {
    appid: String,
    openid: String,
    issued_ms: u64,
    used: bool,
}

#[derive(Debug, Clone)]
struct PhoneRec {
    appid: String,
    phone: String,
    issued_ms: u64,
    used: bool,
}

#[derive(Debug, Clone, Default)]
struct UserRec {
    session_key: Option<String>,
    unionid: String,
    /// The customer-service window: sends allowed until this time…
    window_until_ms: u64,
    /// …and this many of them.
    window_remaining: u32,
}

/// An uploaded temporary media file.
#[derive(Debug, Clone)]
pub(crate) struct MediaRec {
    pub(crate) appid: String,
    pub(crate) kind: String,
    pub(crate) content_type: String,
    pub(crate) bytes: bytes::Bytes,
    pub(crate) created_ms: u64,
}

#[derive(Debug, Default)]
struct ForceRefresh {
    day: u64,
    count: u32,
    last_ms: Option<u64>,
}

/// The mutable part.
/// How many error answers `openapi/rid/get` can look up.
pub(crate) const RID_RECORDS: usize = 10_000;

/// An error answer, as `openapi/rid/get` reports it.
#[derive(Debug, Clone)]
pub(crate) struct RidRecord {
    pub(crate) rid: String,
    /// The app whose token made the call (`None`: no valid token).
    pub(crate) appid: Option<String>,
    pub(crate) invoke_time: u64,
    pub(crate) cost_in_ms: u64,
    pub(crate) request_url: String,
    pub(crate) request_body: String,
    pub(crate) response_body: String,
    pub(crate) client_ip: String,
}

#[derive(Debug)]
pub(crate) struct State {
    apps: HashMap<String, SimApp>,
    tokens: HashMap<String, TokenRec>,
    current: HashMap<(String, TokenKind), String>,
    issued: Vec<IssuedToken>,
    force: HashMap<String, ForceRefresh>,
    quota_used: HashMap<(String, String, u64), u64>,
    calls: BTreeMap<String, u64>,
    signed_calls: BTreeMap<String, u64>,
    quota_clears: HashMap<(String, u64), u32>,
    rids: HashMap<String, RidRecord>,
    rid_order: VecDeque<String>,
    codes: HashMap<String, CodeRec>,
    phone_codes: HashMap<String, PhoneRec>,
    users: HashMap<(String, String), UserRec>,
    messages: Vec<SentMessage>,
    pushes: Vec<PushRecord>,
    media: HashMap<String, MediaRec>,
    rng: SplitMix64,
    counter: u64,
}

impl State {
    pub(crate) fn new(config: &SimConfig) -> Self {
        Self {
            apps: config
                .apps
                .iter()
                .map(|a| (a.appid.clone(), a.clone()))
                .collect(),
            tokens: HashMap::new(),
            current: HashMap::new(),
            issued: Vec::new(),
            force: HashMap::new(),
            quota_used: HashMap::new(),
            calls: BTreeMap::new(),
            signed_calls: BTreeMap::new(),
            quota_clears: HashMap::new(),
            rids: HashMap::new(),
            rid_order: VecDeque::new(),
            codes: HashMap::new(),
            phone_codes: HashMap::new(),
            users: HashMap::new(),
            messages: Vec::new(),
            pushes: Vec::new(),
            media: HashMap::new(),
            rng: SplitMix64::new(config.seed ^ 0xA5A5_A5A5_A5A5_A5A5),
            counter: 0,
        }
    }

    pub(crate) fn app(&self, appid: &str) -> Option<&SimApp> {
        self.apps.get(appid)
    }

    /// A unique id: `prefix` + counter + random characters.
    pub(crate) fn new_id(&mut self, prefix: &str, random_len: usize) -> String {
        self.counter += 1;
        format!(
            "{prefix}{}{}",
            self.counter,
            self.rng.string(ALNUM, random_len)
        )
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    // ---- calls and quotas ----

    pub(crate) fn count_call(&mut self, path: &str) {
        *self.calls.entry(path.to_owned()).or_default() += 1;
    }

    pub(crate) fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.clone()
    }

    pub(crate) fn count_signed_call(&mut self, path: &str) {
        *self.signed_calls.entry(path.to_owned()).or_default() += 1;
    }

    pub(crate) fn signed_calls(&self) -> BTreeMap<String, u64> {
        self.signed_calls.clone()
    }

    /// Counts one call of `path` by `appid` today; 45009 once over the configured limit
    /// (endpoints without a limit are counted too, for `openapi/quota/get`).
    pub(crate) fn take_quota(
        &mut self,
        config: &SimConfig,
        appid: &str,
        path: &str,
        day: u64,
    ) -> Result<(), WxError> {
        let used = self
            .quota_used
            .entry((appid.to_owned(), path.to_owned(), day))
            .or_default();
        if let Some(&limit) = config.daily_quotas.get(path)
            && *used >= limit
        {
            return Err(WxError::quota());
        }
        *used += 1;
        Ok(())
    }

    /// Calls of `path` by `appid` on `day`.
    pub(crate) fn quota_used(&self, appid: &str, path: &str, day: u64) -> u64 {
        self.quota_used
            .get(&(appid.to_owned(), path.to_owned(), day))
            .copied()
            .unwrap_or(0)
    }

    /// Clears `appid`'s use of `path` (every path when `None`) on `day`.
    pub(crate) fn clear_quota(&mut self, appid: &str, path: Option<&str>, day: u64) {
        self.quota_used
            .retain(|(a, p, d), _| !(a == appid && *d == day && path.is_none_or(|path| p == path)));
    }

    /// Spends one of `appid`'s monthly whole-account quota clears; 48006 past `limit`.
    pub(crate) fn spend_quota_clear(
        &mut self,
        appid: &str,
        month: u64,
        limit: u32,
    ) -> Result<(), WxError> {
        let spent = self
            .quota_clears
            .entry((appid.to_owned(), month))
            .or_default();
        if *spent >= limit {
            return Err(WxError::new(
                48006,
                "forbid to clear quota because of reaching the limit",
            ));
        }
        *spent += 1;
        Ok(())
    }

    /// Remembers an error answer by its rid, for `openapi/rid/get` (the latest
    /// [`RID_RECORDS`] are kept).
    pub(crate) fn record_rid(&mut self, rec: RidRecord) {
        if self.rid_order.len() >= RID_RECORDS
            && let Some(old) = self.rid_order.pop_front()
        {
            self.rids.remove(&old);
        }
        self.rid_order.push_back(rec.rid.clone());
        self.rids.insert(rec.rid.clone(), rec);
    }

    pub(crate) fn rid(&self, rid: &str) -> Option<&RidRecord> {
        self.rids.get(rid)
    }

    /// Today's use of every limited endpoint: `(appid, path, used)`, sorted.
    pub(crate) fn quota_used_on(&self, day: u64) -> Vec<(String, String, u64)> {
        let mut used: Vec<_> = self
            .quota_used
            .iter()
            .filter(|((_, _, d), _)| *d == day)
            .map(|((appid, path, _), n)| (appid.clone(), path.clone(), *n))
            .collect();
        used.sort();
        used
    }

    // ---- credentials ----

    pub(crate) fn check_secret(&self, appid: &str, secret: &str) -> Result<(), WxError> {
        let app = self.app(appid).ok_or_else(WxError::invalid_appid)?;
        if app.secret.as_bytes() != secret.as_bytes() {
            return Err(WxError::invalid_secret());
        }
        Ok(())
    }

    fn issue_token(
        &mut self,
        config: &SimConfig,
        appid: &str,
        kind: TokenKind,
        now: u64,
    ) -> String {
        let token = format!(
            "{}_{}",
            90 + self.counter % 9,
            self.rng.string(TOKEN_CHARS, 136)
        );
        self.counter += 1;
        let expires_ms = now.saturating_add(duration_ms(config.token_ttl));
        let key = (appid.to_owned(), kind);
        if let Some(previous) = self.current.get(&key)
            && let Some(rec) = self.tokens.get_mut(previous)
            && rec.replaced_ms.is_none()
        {
            rec.replaced_ms = Some(now);
        }
        self.tokens.insert(
            token.clone(),
            TokenRec {
                appid: appid.to_owned(),
                kind,
                expires_ms,
                replaced_ms: None,
            },
        );
        self.current.insert(key, token.clone());
        self.issued.push(IssuedToken {
            appid: appid.to_owned(),
            kind,
            issued_at: now / 1000,
            expires_at: expires_ms / 1000,
        });
        token
    }

    /// `GET cgi-bin/token`: always a new token; the previous one works for the overlap only.
    pub(crate) fn classic_token(
        &mut self,
        config: &SimConfig,
        appid: &str,
        now: u64,
    ) -> (String, u64) {
        let token = self.issue_token(config, appid, TokenKind::Classic, now);
        (token, config.token_ttl.as_secs())
    }

    /// `POST cgi-bin/stable_token`.
    pub(crate) fn stable_token(
        &mut self,
        config: &SimConfig,
        appid: &str,
        force_refresh: bool,
        now: u64,
    ) -> Result<(String, u64), WxError> {
        let key = (appid.to_owned(), TokenKind::Stable);
        let current = self
            .current
            .get(&key)
            .and_then(|t| self.tokens.get(t).map(|r| (t.clone(), r.expires_ms)))
            .filter(|(_, exp)| *exp > now);
        let overlap = duration_ms(config.token_overlap);
        if force_refresh {
            let day = now / 86_400_000;
            let state = self.force.entry(appid.to_owned()).or_default();
            if state.day != day {
                *state = ForceRefresh {
                    day,
                    count: 0,
                    last_ms: state.last_ms,
                };
            }
            let too_soon = state.last_ms.is_some_and(|last| {
                now.saturating_sub(last) < duration_ms(config.stable_force_refresh_interval)
            });
            if too_soon && let Some((token, exp)) = current {
                return Ok((token, (exp - now) / 1000));
            }
            if state.count >= config.stable_force_refresh_per_day {
                return Err(WxError::quota());
            }
            state.count += 1;
            state.last_ms = Some(now);
            let token = self.issue_token(config, appid, TokenKind::Stable, now);
            return Ok((token, config.token_ttl.as_secs()));
        }
        match current {
            // WeChat renews 5 minutes early, so expires_in is always >= 300.
            Some((token, exp)) if exp - now >= overlap => Ok((token, (exp - now) / 1000)),
            _ => {
                let token = self.issue_token(config, appid, TokenKind::Stable, now);
                Ok((token, config.token_ttl.as_secs()))
            }
        }
    }

    /// The appid behind an `access_token`, or 41001 / 40001 / 42001.
    pub(crate) fn check_token(
        &self,
        config: &SimConfig,
        token: Option<&str>,
        now: u64,
    ) -> Result<String, WxError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or_else(WxError::token_missing)?;
        let rec = self
            .tokens
            .get(token)
            .ok_or_else(WxError::invalid_credential)?;
        if let Some(replaced) = rec.replaced_ms
            && now >= replaced.saturating_add(duration_ms(config.token_overlap))
            && now < rec.expires_ms
        {
            return Err(WxError::invalid_credential());
        }
        if now >= rec.expires_ms {
            return Err(WxError::expired());
        }
        Ok(rec.appid.clone())
    }

    pub(crate) fn issued_tokens(&self) -> Vec<IssuedToken> {
        self.issued.clone()
    }

    pub(crate) fn current_tokens(&self, config: &SimConfig, now: u64) -> Vec<CurrentToken> {
        let mut out: Vec<CurrentToken> = self
            .tokens
            .iter()
            .filter(|(t, _)| self.check_token(config, Some(t.as_str()), now).is_ok())
            .map(|(t, r)| CurrentToken {
                appid: r.appid.clone(),
                kind: r.kind,
                access_token: t.clone(),
                expires_at: r.expires_ms / 1000,
                replaced: r.replaced_ms.is_some(),
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.appid, a.expires_at, a.access_token.as_str()).cmp(&(
                &b.appid,
                b.expires_at,
                b.access_token.as_str(),
            ))
        });
        out
    }

    // ---- login ----

    pub(crate) fn issue_login_code(
        &mut self,
        appid: &str,
        openid: Option<String>,
        now: u64,
    ) -> Result<(String, String), WxError> {
        if self.app(appid).is_none() {
            return Err(WxError::invalid_appid());
        }
        let openid = openid.unwrap_or_else(|| format!("o{}", self.rng.string(TOKEN_CHARS, 27)));
        let code = self.rng.string(ALNUM, 32);
        self.codes.insert(
            code.clone(),
            CodeRec {
                appid: appid.to_owned(),
                openid: openid.clone(),
                issued_ms: now,
                used: false,
            },
        );
        Ok((code, openid))
    }

    /// `sns/jscode2session`: (openid, session_key, unionid).
    pub(crate) fn code2session(
        &mut self,
        config: &SimConfig,
        appid: &str,
        code: &str,
        now: u64,
    ) -> Result<(String, String, Option<String>), WxError> {
        let rec = self
            .codes
            .get_mut(code)
            .filter(|r| r.appid == appid)
            .ok_or_else(|| WxError::new(40029, "invalid code"))?;
        if rec.used {
            return Err(WxError::new(40163, "code been used"));
        }
        if now >= rec.issued_ms + CODE_TTL_MS {
            return Err(WxError::new(40029, "invalid code"));
        }
        rec.used = true;
        let openid = rec.openid.clone();
        let fresh_key = STANDARD.encode(self.rng.bytes16());
        let unionid = format!("oU{}", self.rng.string(TOKEN_CHARS, 26));
        let user = self
            .users
            .entry((appid.to_owned(), openid.clone()))
            .or_insert_with(|| UserRec {
                unionid,
                ..UserRec::default()
            });
        if config.rotate_session_keys || user.session_key.is_none() {
            user.session_key = Some(fresh_key);
        }
        let session_key = user.session_key.clone().unwrap_or_default();
        let unionid = config.unionid.then(|| user.unionid.clone());
        Ok((openid, session_key, unionid))
    }

    pub(crate) fn session_key(&self, appid: &str, openid: &str) -> Option<String> {
        self.users
            .get(&(appid.to_owned(), openid.to_owned()))
            .and_then(|u| u.session_key.clone())
    }

    pub(crate) fn issue_phone_code(
        &mut self,
        appid: &str,
        phone: String,
        now: u64,
    ) -> Result<String, WxError> {
        if self.app(appid).is_none() {
            return Err(WxError::invalid_appid());
        }
        let code = self.rng.string(b"0123456789abcdef", 64);
        self.phone_codes.insert(
            code.clone(),
            PhoneRec {
                appid: appid.to_owned(),
                phone,
                issued_ms: now,
                used: false,
            },
        );
        Ok(code)
    }

    pub(crate) fn redeem_phone_code(
        &mut self,
        appid: &str,
        code: &str,
        now: u64,
    ) -> Result<String, WxError> {
        match self.phone_codes.get_mut(code) {
            Some(rec) if rec.appid == appid && !rec.used && now < rec.issued_ms + CODE_TTL_MS => {
                rec.used = true;
                Ok(rec.phone.clone())
            }
            _ => Err(WxError::new(40029, "invalid code")),
        }
    }

    // ---- customer-service window ----

    /// The user sent a message: 48 hours and `custom_messages_per_user_message` sends.
    pub(crate) fn user_messaged(
        &mut self,
        config: &SimConfig,
        appid: &str,
        openid: &str,
        now: u64,
    ) {
        let user = self.user(appid, openid);
        user.window_until_ms = now + MS_48H;
        user.window_remaining = config.custom_messages_per_user_message;
    }

    /// The user entered the chat: 2 sends within a minute (never shortens a longer window).
    pub(crate) fn user_entered_session(&mut self, appid: &str, openid: &str, now: u64) {
        let user = self.user(appid, openid);
        if user.window_until_ms <= now || user.window_until_ms < now + MS_ENTER_SESSION {
            user.window_until_ms = now + MS_ENTER_SESSION;
            user.window_remaining = ENTER_SESSION_MESSAGES;
        }
    }

    fn user(&mut self, appid: &str, openid: &str) -> &mut UserRec {
        let unionid = format!("oU{}", self.rng.string(TOKEN_CHARS, 26));
        self.users
            .entry((appid.to_owned(), openid.to_owned()))
            .or_insert_with(|| UserRec {
                unionid,
                ..UserRec::default()
            })
    }

    /// Whether a customer-service message may go out now: 45015 outside the window, 45047 when
    /// the window's count is used up.
    pub(crate) fn check_window(&self, appid: &str, openid: &str, now: u64) -> Result<(), WxError> {
        let user = self.users.get(&(appid.to_owned(), openid.to_owned()));
        match user {
            Some(u) if u.window_until_ms > now && u.window_remaining > 0 => Ok(()),
            Some(u) if u.window_until_ms > now => {
                Err(WxError::new(45047, "out of response count limit"))
            }
            _ => Err(WxError::new(
                45015,
                "response out of time limit or subscription is canceled",
            )),
        }
    }

    pub(crate) fn spend_window(&mut self, appid: &str, openid: &str) {
        if let Some(u) = self.users.get_mut(&(appid.to_owned(), openid.to_owned())) {
            u.window_remaining = u.window_remaining.saturating_sub(1);
        }
    }

    // ---- messages ----

    pub(crate) fn record_message(
        &mut self,
        appid: &str,
        touser: &str,
        kind: MessageKind,
        msgtype: &str,
        body: serde_json::Value,
        now: u64,
    ) {
        self.messages.push(SentMessage {
            appid: appid.to_owned(),
            touser: touser.to_owned(),
            kind,
            msgtype: msgtype.to_owned(),
            body,
            at: now / 1000,
        });
    }

    pub(crate) fn messages(&self) -> Vec<SentMessage> {
        self.messages.clone()
    }

    /// Remembers a push the console is sending (the user's side of the chat); its index.
    pub(crate) fn record_push(&mut self, push: PushRecord) -> usize {
        self.pushes.push(push);
        self.pushes.len() - 1
    }

    /// Fills in what sending push `index` gave.
    pub(crate) fn finish_push(&mut self, index: usize, msg_id: Option<u64>, delivered: bool) {
        if let Some(p) = self.pushes.get_mut(index) {
            p.msg_id = msg_id;
            p.delivered = delivered;
        }
    }

    pub(crate) fn pushes(&self) -> Vec<PushRecord> {
        self.pushes.clone()
    }

    // ---- media ----

    pub(crate) fn store_media(&mut self, rec: MediaRec) -> String {
        let id = self.new_id("SIM_MEDIA_", 40);
        self.media.insert(id.clone(), rec);
        id
    }

    /// Stores media under a chosen id (media a user sent in a push).
    pub(crate) fn store_media_as(&mut self, id: &str, rec: MediaRec) {
        self.media.insert(id.to_owned(), rec);
    }

    pub(crate) fn media(&self, appid: &str, id: &str, now: u64) -> Option<MediaRec> {
        self.media
            .get(id)
            .filter(|m| m.appid == appid && now < m.created_ms + MEDIA_TTL_MS)
            .cloned()
    }
}

pub(crate) fn duration_ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Shared {
    pub(crate) fn new(config: SimConfig) -> Arc<Self> {
        let faults = FaultState {
            faults: config.faults.clone(),
            signing: SigningFault::None,
            rng: SplitMix64::new(config.seed),
        };
        Arc::new(Self {
            state: Mutex::new(State::new(&config)),
            faults: Mutex::new(faults),
            clock: SimClock::new(),
            config,
        })
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn fault_state(&self) -> MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now_ms()
    }

    /// Back to a fresh state (same config, same clock offset, faults and generators re-seeded).
    pub(crate) fn reset(&self) {
        *self.state() = State::new(&self.config);
        *self.fault_state() = FaultState {
            faults: self.config.faults.clone(),
            signing: SigningFault::None,
            rng: SplitMix64::new(self.config.seed),
        };
    }
}
