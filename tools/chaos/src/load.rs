//! The push load: WeChat's side, `rate` pushes a second from `users` users for `duration`,
//! every push a text with a unique content (`chaos-u<user>-<seq>`) and a distinct `MsgId`,
//! each attempt of a push going to the next instance (round-robin, so a retry lands on
//! another instance), retried like WeChat on timeout, connection error or HTTP 5xx.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use weixin_sim::{AttemptOutcome, PreparedPush, Push, PushDriver, ReplyCheck, SimHandle};

/// The load's shape.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// Pushes started per second.
    pub rate: u32,
    /// How long pushes are started.
    pub duration: Duration,
    /// Pushes in flight at most.
    pub concurrency: usize,
    /// Distinct users (`o-chaos-000` ...).
    pub users: u32,
    /// WeChat's per-attempt timeout (5 s).
    pub attempt_timeout: Duration,
    /// Attempts per push (WeChat: 3).
    pub max_attempts: u32,
    /// Pause before a retry.
    pub retry_delay: Duration,
    /// The first `MsgId`.
    pub first_msg_id: u64,
}

impl LoadPlan {
    /// How many pushes the plan sends.
    pub fn total(&self) -> u64 {
        (u128::from(self.rate) * self.duration.as_millis() / 1000) as u64
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    /// HTTP 2xx with a reply WeChat accepts (`success` or a valid encrypted reply).
    Answered,
    /// HTTP 2xx with a reply WeChat rejects.
    BadReply,
    /// Another HTTP status.
    Status(u16),
    /// No answer within the attempt timeout.
    Timeout,
    /// Refused or closed without an answer.
    ConnectionError,
}

impl AttemptKind {
    /// Whether WeChat tries again after it.
    pub fn retryable(self) -> bool {
        match self {
            Self::Status(status) => status >= 500,
            Self::Timeout | Self::ConnectionError => true,
            Self::Answered | Self::BadReply => false,
        }
    }
}

/// One attempt of one push.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    /// The instance it went to.
    pub instance: usize,
    /// Start, milliseconds since the run began.
    pub started_ms: u64,
    /// End, milliseconds since the run began.
    pub ended_ms: u64,
    /// What came back.
    pub kind: AttemptKind,
}

/// One push and everything that happened to it.
#[derive(Debug, Clone)]
pub struct PushRecord {
    /// Sequence number.
    pub seq: u64,
    /// The user's openid.
    pub openid: String,
    /// The unique text.
    pub text: String,
    /// The `MsgId`.
    pub msg_id: u64,
    /// Every attempt, in order.
    pub attempts: Vec<AttemptRecord>,
}

impl PushRecord {
    /// Whether WeChat counts the push as answered (the last attempt got an accepted reply).
    pub fn answered(&self) -> bool {
        self.attempts
            .last()
            .is_some_and(|a| a.kind == AttemptKind::Answered)
    }
}

/// The unique text of push `seq` from user number `user`.
pub fn push_text(user: u32, seq: u64) -> String {
    format!("chaos-u{user:03}-{seq:06}")
}

/// The openid of user number `user`.
pub fn openid(user: u32) -> String {
    format!("o-chaos-{user:03}")
}

/// What the load needs: a driver per instance (one attempt each) and two preparers (XML and
/// JSON, both aimed at instance 0; the URL is rewritten per attempt).
pub struct LoadTargets {
    /// Base URLs of the instances, in order.
    pub bases: Vec<String>,
    /// One single-attempt driver per instance.
    pub drivers: Vec<PushDriver>,
    /// Prepares XML pushes.
    pub xml: PushDriver,
    /// Prepares JSON pushes.
    pub json: PushDriver,
    /// The simulator (opens each user's customer-service window before the push).
    pub sim: SimHandle,
    /// The appid.
    pub appid: String,
}

impl std::fmt::Debug for LoadTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadTargets")
            .field("bases", &self.bases)
            .finish_non_exhaustive()
    }
}

/// What the load produced.
#[derive(Debug, Clone, Default)]
pub struct LoadResult {
    /// A record per push, in sequence order.
    pub records: Vec<PushRecord>,
    /// Push tasks that panicked (their records are missing).
    pub task_panics: u64,
    /// When the last push was started, milliseconds since the run began.
    pub last_start_ms: u64,
}

/// Runs the plan. Every push task is awaited: it returns only when every request has
/// finished (each attempt is bounded by the attempt timeout).
pub async fn run(plan: &LoadPlan, targets: Arc<LoadTargets>, t0: Instant) -> LoadResult {
    let total = plan.total();
    let permits = Arc::new(Semaphore::new(plan.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut result = LoadResult::default();
    let collect =
        |done: Result<PushRecord, tokio::task::JoinError>, result: &mut LoadResult| match done {
            Ok(record) => result.records.push(record),
            Err(_) => result.task_panics += 1,
        };
    let started = tokio::time::Instant::now();
    let users = u64::from(plan.users.max(1));
    let rate = u64::from(plan.rate.max(1));
    for seq in 0..total {
        let due = started + Duration::from_nanos(seq.saturating_mul(1_000_000_000) / rate);
        tokio::time::sleep_until(due).await;
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        let user = u32::try_from(seq % users).unwrap_or(0);
        let targets = Arc::clone(&targets);
        let plan = plan.clone();
        result.last_start_ms = millis_since(t0);
        tasks.spawn(async move {
            let record = one_push(&plan, &targets, t0, seq, user).await;
            drop(permit);
            record
        });
        while let Some(done) = tasks.try_join_next() {
            collect(done, &mut result);
        }
    }
    while let Some(done) = tasks.join_next().await {
        collect(done, &mut result);
    }
    result.records.sort_by_key(|r| r.seq);
    result
}

async fn one_push(
    plan: &LoadPlan,
    targets: &LoadTargets,
    t0: Instant,
    seq: u64,
    user: u32,
) -> PushRecord {
    let openid = openid(user);
    let text = push_text(user, seq);
    let msg_id = plan.first_msg_id + seq;
    let push = Push::text(&openid, &text).msg_id(msg_id);
    let preparer = if seq.is_multiple_of(2) {
        &targets.xml
    } else {
        &targets.json
    };
    let mut record = PushRecord {
        seq,
        openid: openid.clone(),
        text,
        msg_id,
        attempts: Vec::new(),
    };
    let Ok(prepared) = preparer.prepare(&push) else {
        return record;
    };
    // The user wrote: WeChat opens the 48-hour customer-service window.
    targets.sim.user_messaged(&targets.appid, &openid);
    let n = targets.drivers.len().max(1);
    for attempt in 0..plan.max_attempts.max(1) {
        if attempt > 0 && !plan.retry_delay.is_zero() {
            tokio::time::sleep(plan.retry_delay).await;
        }
        let instance = (usize::try_from(seq).unwrap_or(0) + attempt as usize) % n;
        let (Some(driver), Some(request)) = (
            targets.drivers.get(instance),
            aimed(&prepared, &targets.bases, instance),
        ) else {
            break;
        };
        let started_ms = millis_since(t0);
        let report = driver.resend(&request).await;
        let kind = classify(&report);
        record.attempts.push(AttemptRecord {
            instance,
            started_ms,
            ended_ms: millis_since(t0),
            kind,
        });
        if !kind.retryable() {
            break;
        }
    }
    record
}

/// The prepared push with its URL pointing at instance `instance`.
fn aimed(prepared: &PreparedPush, bases: &[String], instance: usize) -> Option<PreparedPush> {
    let first = bases.first()?;
    let base = bases.get(instance)?;
    let rest = prepared.url.strip_prefix(first.as_str())?;
    let mut request = prepared.clone();
    request.url = format!("{base}{rest}");
    Some(request)
}

fn classify(report: &weixin_sim::PushReport) -> AttemptKind {
    let Some(attempt) = report.attempts.last() else {
        return AttemptKind::ConnectionError;
    };
    match &attempt.outcome {
        AttemptOutcome::Response { status, .. } if (200..300).contains(status) => {
            match &report.reply {
                Some(ReplyCheck::Success | ReplyCheck::Decrypted(_)) => AttemptKind::Answered,
                _ => AttemptKind::BadReply,
            }
        }
        AttemptOutcome::Response { status, .. } => AttemptKind::Status(*status),
        AttemptOutcome::Timeout => AttemptKind::Timeout,
        AttemptOutcome::ConnectionError(_) => AttemptKind::ConnectionError,
    }
}

/// Milliseconds since `t0`.
pub fn millis_since(t0: Instant) -> u64 {
    u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX)
}
