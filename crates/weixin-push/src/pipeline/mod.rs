//! The push pipeline: everything between WeChat's HTTP request and your handler.
//!
//! [`Pipeline::handle`] takes a framework-free [`PushRequest`] and returns a [`PushResponse`].
//! The [`server`](crate::server) module mounts it on tower or axum. What it does
//! (see "The life of a push" in docs/architecture.md):
//!
//! * **GET** (URL verification): constant-time check of `signature`; the `echostr` back
//!   verbatim, or 401 with a short reason.
//! * **POST**:
//!   1. body larger than the limit (1 MiB) → 413; XML or JSON detected from the body;
//!   2. envelope: `Encrypt` present → `msg_signature` checked, decrypted (current key, then
//!      the previous one), appid checked (safe and compatible modes; compatible mode uses the
//!      decrypted copy). No `Encrypt` → plain mode, only when allowed (403 otherwise),
//!      checked with `signature`. Optional replay window on `timestamp`;
//!   3. parsed into the platform's message type ([`PushMessage::parse`]);
//!   4. deduplicated in the shared cache: a retry (on any server) gets the first run's reply
//!      bytes back; a retry during the first run waits for it, within the deadline;
//!   5. the user's message context loaded, the request appended, the handler run, the reply
//!      appended, the context saved;
//!   6. the reply rendered in the request's format and encrypted when the request was;
//!   7. a handler still running at the deadline (4.5 s): `success` now, the handler finishes
//!      in a background task that still saves the context.
//!
//! | status | when |
//! |---|---|
//! | 200 | handled (or a retry answered from the dedup store) |
//! | 400 | malformed body or query (short reason in the body) |
//! | 401 | bad `signature` / `msg_signature`, or `timestamp` outside the replay window |
//! | 403 | plain push where only encrypted ones are allowed, or encrypted for another appid |
//! | 405 | neither GET nor POST |
//! | 413 | body over the limit |
//! | 500 | the handler failed (WeChat retries; the retry runs the handler again) |
//!
//! # What is saved in the context
//!
//! The handler sees the user's context with the current request already appended and may
//! change it. When the handler returns, the pipeline saves **the request, the reply, and the
//! handler's `storage` if the handler changed it**, with one compare-and-swap on the stored
//! bytes; if another push of the same user wrote in between, it re-reads the context and
//! re-applies those three things (records are append-only, so nothing is lost). Other changes
//! a handler makes to the records (through `context_mut`) are not saved. When the handler
//! fails, nothing is saved, so WeChat's retry starts from the same state.

mod builder;
mod open;
mod request;
mod response;
mod run;
mod wire;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use weixin_context::{ContextStore, Deduplicator};
use weixin_core::AppClient;
use weixin_core::clock::Clock;

pub use builder::{
    BuildError, DEFAULT_BODY_LIMIT, DEFAULT_DEADLINE, DEFAULT_MAX_RECORDS, DedupFilter,
    PipelineBuilder,
};
pub use request::{PushMethod, PushRequest, Query};
pub use response::{APPLICATION_JSON, PushResponse, TEXT_PLAIN, TEXT_XML};

use crate::handler::PushHandler;
use crate::message::PushMessage;
use open::Verifier;

/// The push pipeline of one account: verification, decryption, parsing, dedup, context,
/// handler, deadline, reply encryption. See the [module docs](self).
///
/// Cloning is cheap (an `Arc`); clones share everything.
pub struct Pipeline<M: PushMessage, H: PushHandler<M>> {
    inner: Arc<Inner<M, H>>,
}

pub(crate) struct Inner<M: PushMessage, H: PushHandler<M>> {
    pub(crate) appid: Arc<str>,
    pub(crate) verifier: Verifier,
    pub(crate) handler: Arc<H>,
    pub(crate) dedup: Option<Deduplicator>,
    pub(crate) dedup_filter: Option<DedupFilter<M>>,
    pub(crate) contexts: Option<ContextStore<M, H::Reply>>,
    pub(crate) max_records: usize,
    pub(crate) body_limit: usize,
    pub(crate) deadline: Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

impl<M: PushMessage, H: PushHandler<M>> Clone for Pipeline<M, H> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<M: PushMessage, H: PushHandler<M>> fmt::Debug for Pipeline<M, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Pipeline")
            .field("appid", &inner.appid)
            .field("encrypted", &inner.verifier.crypt.is_some())
            .field("allow_plain", &inner.verifier.allow_plain)
            .field("replay_window_secs", &inner.verifier.replay_window)
            .field("dedup", &inner.dedup)
            .field("contexts", &inner.contexts)
            .field("body_limit", &inner.body_limit)
            .field("deadline", &inner.deadline)
            .finish_non_exhaustive()
    }
}

impl<M: PushMessage, H: PushHandler<M>> Pipeline<M, H> {
    /// Starts a builder for the pushes of `app`, running `handler` for each new push. The
    /// appid, push token, keys, cache, key prefix and clock are the app's.
    pub fn builder(app: &AppClient, handler: H) -> PipelineBuilder<M, H> {
        PipelineBuilder::new(app, Arc::new(handler))
    }

    /// Like [`builder`](Self::builder) with a handler that is already shared.
    pub fn builder_shared(app: &AppClient, handler: Arc<H>) -> PipelineBuilder<M, H> {
        PipelineBuilder::new(app, handler)
    }

    /// The appid this pipeline serves.
    pub fn appid(&self) -> &str {
        &self.inner.appid
    }

    /// The body size limit in bytes (server adapters enforce it while reading).
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The handler.
    pub fn handler(&self) -> &Arc<H> {
        &self.inner.handler
    }

    /// This pipeline as a `tower::Service` over `http` requests (hyper, or any tower server).
    pub fn into_service(self) -> crate::server::PushService<M, H> {
        crate::server::PushService::new(self)
    }

    /// This pipeline as an axum router serving `path` (`GET` URL verification, `POST` pushes).
    #[cfg(feature = "axum")]
    pub fn into_router<S>(self, path: &str) -> axum::Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        crate::server::router(self, path)
    }

    /// Handles one request to the push URL. Never panics on any input; every failure is a
    /// status with a short plain-text reason (see the [module docs](self)).
    ///
    /// Must run inside a Tokio runtime with the time driver (the deadline uses a timer and a
    /// handler that overruns it continues in a spawned task).
    pub async fn handle(&self, request: PushRequest) -> PushResponse {
        match request.method {
            PushMethod::Get => self.inner.verifier.verify_url(&request.query),
            PushMethod::Post => run::push(&self.inner, &request.query, &request.body).await,
            PushMethod::Other => {
                PushResponse::error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST")
            }
        }
    }
}
