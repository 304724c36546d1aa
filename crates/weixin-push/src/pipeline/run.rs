//! Steps 3–7 of a push: parse, dedup, context, handler under the deadline, reply.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use http::StatusCode;
use tokio::time::Instant;
use weixin_context::{Begin, DedupKey, DedupTicket, Deduplicator, MessageContext, Wait};
use weixin_crypto::{EnvelopeFormat, KeySlot};

use super::open::Opened;
use super::request::Query;
use super::response::{APPLICATION_JSON, PushResponse, TEXT_XML};
use super::{Inner, wire};
use crate::handler::{HandlerContext, HandlerError, PushHandler};
use crate::message::{PushMessage, PushReply, RenderedReply};

/// What the owned handler future gives back: the outcome, the context it worked on and the
/// message.
type Finished<M, R> = (Result<R, HandlerError>, HandlerContext<M, R>, M);

type HandlerFuture<M, R> = Pin<Box<dyn Future<Output = Finished<M, R>> + Send>>;

/// Runs one POST through the pipeline.
pub(crate) async fn push<M: PushMessage, H: PushHandler<M>>(
    inner: &Arc<Inner<M, H>>,
    query: &Query,
    body: &[u8],
) -> PushResponse {
    let started = Instant::now();
    let deadline = started + inner.deadline;
    if body.len() > inner.body_limit {
        return PushResponse::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body larger than {} bytes", inner.body_limit),
        );
    }
    let now_ms = inner.clock.now_ms();
    let opened = match inner.verifier.open(query, body, now_ms / 1000) {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let message = match M::parse(&opened.body, opened.format) {
        Ok(message) => message,
        Err(err) => return PushResponse::error(StatusCode::BAD_REQUEST, err.to_string()),
    };

    // Step 4: dedup.
    let mut ticket = None;
    if let Some(dedup) = &inner.dedup
        && inner
            .dedup_filter
            .as_ref()
            .is_none_or(|keep| keep(&message))
    {
        let meta = message.meta();
        let key = DedupKey::from_parts(
            &*inner.appid,
            meta.msg_id,
            meta.from_user,
            meta.create_time,
            meta.event,
        );
        match claim(inner, dedup, &key, deadline).await {
            Claim::Run(claimed) => ticket = claimed,
            Claim::Answer(response) => return response,
        }
    }

    let response = match (&inner.dedup, &ticket) {
        // The claim's lease is renewed until the handler has answered (its reply, or
        // `success` at the deadline while it finishes in the background); `finish_ticket`
        // then replaces the claim with that answer for the full TTL.
        (Some(dedup), Some(ticket)) => {
            dedup
                .keep_alive(
                    ticket,
                    run_handler(inner, message, &opened, now_ms, deadline),
                )
                .await
        }
        _ => run_handler(inner, message, &opened, now_ms, deadline).await,
    };
    if let Some(ticket) = ticket {
        finish_ticket(inner, ticket, &response).await;
    }
    response
}

/// How many times one delivery claims a push: the first try, then once per earlier claim that
/// went away while this delivery waited (abandoned after a failure, or its lease expired
/// because its server died).
const MAX_CLAIMS: usize = 3;

/// What the dedup step decided.
enum Claim {
    /// Run the handler: with the claim, or without one when the dedup store is unavailable.
    Run(Option<DedupTicket>),
    /// Answer this without running the handler.
    Answer(PushResponse),
}

/// Step 4: claims the push, or answers a retry with the first run's stored reply.
async fn claim<M: PushMessage, H: PushHandler<M>>(
    inner: &Inner<M, H>,
    dedup: &Deduplicator,
    key: &DedupKey,
    deadline: Instant,
) -> Claim {
    for _ in 0..MAX_CLAIMS {
        match dedup.begin(key).await {
            Ok(Begin::First(ticket)) => return Claim::Run(Some(ticket)),
            Ok(Begin::Done(stored)) => return Claim::Answer(wire::decode(stored)),
            Ok(Begin::InFlight) => {
                let left = deadline.saturating_duration_since(Instant::now());
                match dedup.wait_done(key, left).await {
                    Ok(Wait::Done(stored)) => return Claim::Answer(wire::decode(stored)),
                    // The first run was abandoned, or its server died and its lease ran out:
                    // claim the push to handle it here.
                    Ok(Wait::Vacant) => continue,
                    // A live first run renews its claim and stores its answer by its own
                    // deadline, which comes before ours. Still in flight now means its server
                    // died (or hangs) less than a lease ago: answering `success` would lose
                    // the push, so answer 503; WeChat's next retry finds the lease expired and
                    // takes the push over (the push fails cleanly at worst).
                    Ok(Wait::TimedOut) => {
                        tracing::warn!(appid = %inner.appid, "push still in flight elsewhere at the deadline; answering 503");
                        return Claim::Answer(PushResponse::error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "the first delivery of this push is still in flight",
                        ));
                    }
                    Err(error) => {
                        tracing::warn!(appid = %inner.appid, %error, "dedup wait failed; answering 503");
                        return Claim::Answer(PushResponse::error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "could not read the state of this push",
                        ));
                    }
                }
            }
            Err(error) => {
                // Availability first: a cache outage must not stop every push.
                tracing::warn!(appid = %inner.appid, %error, "dedup unavailable; handling without it");
                return Claim::Run(None);
            }
        }
    }
    // Every claim this delivery saw went away again before it could take one: running the
    // handler without a claim could run it twice, so let WeChat retry.
    tracing::warn!(appid = %inner.appid, "could not claim a push whose claims keep going away; answering 503");
    Claim::Answer(PushResponse::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "could not claim this push",
    ))
}

/// Stores the reply for retries, or abandons the claim after a failure so a retry runs again.
async fn finish_ticket<M: PushMessage, H: PushHandler<M>>(
    inner: &Inner<M, H>,
    ticket: DedupTicket,
    response: &PushResponse,
) {
    let Some(dedup) = &inner.dedup else { return };
    let result = if response.status() == StatusCode::OK {
        dedup.complete(ticket, &wire::encode(response)).await
    } else {
        dedup.abandon(ticket).await
    };
    if let Err(error) = result {
        tracing::warn!(appid = %inner.appid, %error, "could not record the push in the dedup store");
    }
}

/// Steps 5–7: context, handler under the deadline, reply.
async fn run_handler<M: PushMessage, H: PushHandler<M>>(
    inner: &Arc<Inner<M, H>>,
    message: M,
    opened: &Opened<'_>,
    now_ms: u64,
    deadline: Instant,
) -> PushResponse {
    let openid = message.meta().from_user.to_owned();
    // One read and one decode: the version lets the save swap against exactly these bytes.
    let (mut context, version) = match &inner.contexts {
        Some(store) => match store.load_versioned(&inner.appid, &openid).await {
            Ok((context, version)) => (context, Some(version)),
            Err(error) => {
                tracing::warn!(appid = %inner.appid, %error, "context unavailable; using a fresh one");
                let fresh = MessageContext::new(&*inner.appid, &*openid, now_ms, inner.max_records);
                (fresh, None)
            }
        },
        None => (
            MessageContext::new(&*inner.appid, &*openid, now_ms, inner.max_records.max(1)),
            None,
        ),
    };
    context.push_request(message.clone());
    let cx = HandlerContext::new(
        Arc::clone(&inner.appid),
        opened.format,
        opened.key_slot.is_some(),
        context,
    );
    let handler = Arc::clone(&inner.handler);
    let mut future: HandlerFuture<M, H::Reply> = Box::pin(async move {
        let mut cx = cx;
        let result = handler.handle(&mut cx, &message).await;
        (result, cx, message)
    });

    // Most handlers finish without waiting: poll once before arming a timer.
    let first = std::future::poll_fn(|task| Poll::Ready(future.as_mut().poll(task))).await;
    let finished = match first {
        Poll::Ready(finished) => finished,
        Poll::Pending => match tokio::time::timeout_at(deadline, future.as_mut()).await {
            Ok(finished) => finished,
            Err(_) => {
                tracing::warn!(
                    appid = %inner.appid,
                    openid = %openid,
                    "handler still running at the deadline; answered `success`, finishing in the background"
                );
                let inner = Arc::clone(inner);
                tokio::spawn(async move {
                    let (result, cx, message) = future.await;
                    match result {
                        Ok(reply) => save_context(&inner, &message, &reply, cx, version).await,
                        Err(error) => log_handler_error(&inner, &message, &*error),
                    }
                });
                return PushResponse::success();
            }
        },
    };

    let (result, cx, message) = finished;
    let reply = match result {
        Ok(reply) => reply,
        Err(error) => {
            log_handler_error(inner, &message, &*error);
            return PushResponse::error(StatusCode::INTERNAL_SERVER_ERROR, "handler error");
        }
    };
    save_context(inner, &message, &reply, cx, version).await;
    render(inner, &message, &reply, opened, inner.clock.now_ms() / 1000)
}

fn log_handler_error<M: PushMessage, H: PushHandler<M>>(
    inner: &Inner<M, H>,
    message: &M,
    error: &(dyn std::error::Error + Send + Sync),
) {
    let meta = message.meta();
    tracing::error!(
        appid = %inner.appid,
        openid = meta.from_user,
        msg_type = meta.msg_type,
        event = meta.event,
        %error,
        "push handler failed; answering 500 so WeChat retries"
    );
}

/// Saves the handler's context plus the reply with one compare-and-swap against the bytes
/// loaded (when the load worked); when a concurrent push of the same user wrote first, the
/// request, the reply and (if the handler changed it) the storage are re-applied on a fresh
/// read.
async fn save_context<M: PushMessage, H: PushHandler<M>>(
    inner: &Inner<M, H>,
    message: &M,
    reply: &H::Reply,
    cx: HandlerContext<M, H::Reply>,
    version: Option<weixin_context::ContextVersion<M, H::Reply>>,
) {
    let Some(store) = &inner.contexts else {
        return;
    };
    let storage = cx.context().storage_changed().then(|| cx.storage().clone());
    let openid = message.meta().from_user;
    let reapply = |stored: &mut MessageContext<M, H::Reply>| {
        stored.push_request(message.clone());
        stored.push_response(reply.clone());
        if let Some(storage) = &storage {
            stored.set_storage(storage.clone());
        }
    };
    let result = match version {
        Some(version) => {
            let mut context = cx.into_context();
            context.push_response(reply.clone());
            store
                .save_versioned(&inner.appid, openid, version, context, reapply)
                .await
        }
        None => store.update(&inner.appid, openid, reapply).await,
    };
    if let Err(error) = result {
        tracing::warn!(appid = %inner.appid, openid, %error, "could not save the message context");
    }
}

/// Step 6: the reply on the wire, encrypted when the request was.
fn render<M: PushMessage, H: PushHandler<M>>(
    inner: &Inner<M, H>,
    message: &M,
    reply: &H::Reply,
    opened: &Opened<'_>,
    now_secs: u64,
) -> PushResponse {
    let body = match reply.render(&message.meta(), opened.format, now_secs) {
        RenderedReply::Success => return PushResponse::success(),
        RenderedReply::Empty => return PushResponse::text(""),
        RenderedReply::Body(body) => body,
    };
    let content_type = match opened.format {
        EnvelopeFormat::Xml => TEXT_XML,
        EnvelopeFormat::Json => APPLICATION_JSON,
    };
    match (opened.key_slot, &inner.verifier.crypt) {
        (Some(slot), Some(crypt)) => encrypt(crypt, &body, now_secs, opened, slot)
            .map(|wire| PushResponse::new(StatusCode::OK, content_type, wire))
            .unwrap_or_else(|error| {
                tracing::error!(appid = %inner.appid, %error, "could not encrypt the reply");
                PushResponse::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "could not encrypt the reply",
                )
            }),
        _ => PushResponse::new(StatusCode::OK, content_type, body),
    }
}

fn encrypt(
    crypt: &weixin_crypto::MsgCrypt,
    body: &str,
    now_secs: u64,
    opened: &Opened<'_>,
    slot: KeySlot,
) -> Result<String, weixin_crypto::CryptoError> {
    Ok(crypt
        .encrypt_reply(body, now_secs, opened.nonce, slot)?
        .render(opened.format))
}
