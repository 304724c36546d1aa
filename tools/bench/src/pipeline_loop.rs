//! One encrypted text push through the whole push pipeline, in process, on one core: verify,
//! decrypt, parse, dedup, context, dispatch, encrypted reply, with the memory cache.
//!
//! Every push of a round is distinct (its own `MsgId`), so dedup never short-circuits; each
//! round starts with a fresh pipeline and cache. The pushes come either each from a user of
//! its own ([`Users::Distinct`]) or all from one user whose context already holds 20
//! requests and 20 replies ([`Users::OneWithHistory`]; those 20 pushes run before the clock
//! starts). The pushes are encrypted before the clock starts. The runtime is
//! single-threaded, so the rate is per core.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use weixin_core::cache::{Cache, MemoryCache};
use weixin_core::{AppConfig, Weixin};
use weixin_mp::message::TextMessage;
use weixin_mp::{HandlerError, MessageHandler, MpContext, MpPipeline, OfficialAccount, Reply};
use weixin_push::pipeline::{PushRequest, Query};

use crate::fixture::{self, Push, REPLY_PREFIX};
use crate::report::Line;
use crate::timing::Rate;

/// Answers every text with [`REPLY_PREFIX`] and the text, like the other benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Echo;

#[async_trait]
impl MessageHandler for Echo {
    async fn on_text(
        &self,
        _cx: &mut MpContext,
        text: &TextMessage,
    ) -> Result<Reply, HandlerError> {
        Ok(Reply::text(format!("{REPLY_PREFIX}{}", text.content)))
    }
}

/// The benchmark pipeline: the fixture account in safe mode, dedup and context on, over
/// `cache`.
pub fn pipeline(cache: Arc<dyn Cache>) -> Result<MpPipeline<Echo>, String> {
    pipeline_with(cache, Parts::ALL)
}

/// Which optional stages of the pipeline run (to see what each costs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// Deduplication in the cache.
    pub dedup: bool,
    /// The user's message context, loaded and saved in the cache.
    pub context: bool,
}

impl Parts {
    /// Everything on: the pipeline as an app runs it.
    pub const ALL: Self = Self {
        dedup: true,
        context: true,
    };
}

/// The benchmark pipeline with only `parts` of the optional stages.
pub fn pipeline_with(cache: Arc<dyn Cache>, parts: Parts) -> Result<MpPipeline<Echo>, String> {
    let weixin = Weixin::builder()
        .cache(cache)
        .app(
            AppConfig::new(fixture::APPID, fixture::SECRET)
                .push_token(fixture::TOKEN)
                .encoding_aes_key(fixture::ENCODING_AES_KEY),
        )
        .build()
        .map_err(|err| err.to_string())?;
    let app = weixin.app(fixture::APPID).map_err(|err| err.to_string())?;
    OfficialAccount::new(app)
        .pipeline(Echo)
        .dedup(parts.dedup)
        .context(parts.context)
        .build()
        .map_err(|err| err.to_string())
}

/// Who sends the pushes of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Users {
    /// Every push from a user of its own: each context starts empty.
    Distinct,
    /// Every push from one user whose context holds [`HISTORY`] requests and replies.
    OneWithHistory,
}

/// The records of each kind the one user's context holds when the clock starts (the
/// default bound of a context).
pub const HISTORY: u64 = 20;

/// The user every push of [`Users::OneWithHistory`] comes from.
const THE_USER: u64 = 7;

/// `count` distinct pushes (MsgIds `first..first + count`) as pipeline requests, sent now.
pub fn requests(first: u64, count: u64, users: Users) -> Result<Vec<PushRequest>, String> {
    let crypt = fixture::crypt()?;
    let now = fixture::now_secs();
    (first..first + count)
        .map(|n| {
            let user = match users {
                Users::Distinct => n,
                Users::OneWithHistory => THE_USER,
            };
            let push = Push::text_from(&crypt, n, user, now)?;
            Ok(PushRequest::post(Query::parse(&push.query()), push.body))
        })
        .collect()
}

/// Runs `rounds` rounds of `iterations` distinct pushes through a pipeline with `parts`;
/// every reply must be a 200 with an encrypted body.
pub fn run(rounds: usize, iterations: u64, parts: Parts, users: Users) -> Result<Rate, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start a tokio runtime: {err}"))?;
    let warm_up = match users {
        Users::Distinct => Vec::new(),
        Users::OneWithHistory => requests(iterations, HISTORY, users)?,
    };
    let requests = requests(0, iterations, users)?;
    runtime.block_on(async {
        let mut elapsed: Vec<Duration> = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let pipeline = pipeline_with(Arc::new(MemoryCache::new()), parts)?;
            for request in warm_up.clone() {
                check(&pipeline.handle(request).await)?;
            }
            let batch = requests.clone();
            let start = Instant::now();
            for request in batch {
                let response = pipeline.handle(request).await;
                check(&response)?;
                black_box(response);
            }
            elapsed.push(start.elapsed());
        }
        Ok(Rate::from_rounds(iterations, elapsed))
    })
}

/// Every push must be answered 200 with an encrypted reply; anything else is an error naming it.
pub fn check(response: &weixin_push::PushResponse) -> Result<(), String> {
    if response.status() != 200 || !response.body().contains("<Encrypt>") {
        return Err(format!(
            "the pipeline answered {} `{}`",
            response.status(),
            response.body()
        ));
    }
    Ok(())
}

/// Prints the result line, `pipeline` (or `pipeline_<parts>` when stages are off, and
/// `_one_user` for [`Users::OneWithHistory`]).
pub fn print(rate: &Rate, parts: Parts, users: Users) {
    let name = match (parts.dedup, parts.context, users) {
        (true, true, Users::Distinct) => "pipeline",
        (true, true, Users::OneWithHistory) => "pipeline_one_user",
        (false, true, _) => "pipeline_no_dedup",
        (true, false, _) => "pipeline_no_context",
        (false, false, _) => "pipeline_no_dedup_no_context",
    };
    Line::new(name)
        .field("per_sec", format!("{:.0}", rate.best))
        .field("median_per_sec", format!("{:.0}", rate.median))
        .field("us_each", format!("{:.3}", rate.micros_each()))
        .field("iterations", rate.iterations)
        .field("rounds", rate.rounds)
        .print();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_run_goes_through_the_whole_pipeline() {
        let rate = run(1, 5, Parts::ALL, Users::Distinct).unwrap();
        assert!(rate.best > 0.0);
        let bare = Parts {
            dedup: false,
            context: false,
        };
        assert!(run(1, 5, bare, Users::Distinct).unwrap().best > 0.0);
        assert!(run(1, 5, Parts::ALL, Users::OneWithHistory).unwrap().best > 0.0);
    }

    #[tokio::test]
    async fn distinct_pushes_are_each_handled_and_a_retry_gets_the_stored_reply() {
        let pipeline = pipeline(Arc::new(MemoryCache::new())).unwrap();
        let requests = requests(0, 2, Users::Distinct).unwrap();
        let first = pipeline.handle(requests[0].clone()).await;
        assert_eq!(first.status(), 200, "{}", first.body());
        assert!(first.body().contains("<Encrypt>"));
        let second = pipeline.handle(requests[1].clone()).await;
        assert_eq!(second.status(), 200);
        assert_ne!(first.body(), second.body());
        // The same push again is a retry: dedup answers with the first run's bytes.
        let retry = pipeline.handle(requests[0].clone()).await;
        assert_eq!(retry.body(), first.body());
    }
}
