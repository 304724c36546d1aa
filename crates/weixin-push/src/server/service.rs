//! [`PushService`]: a [`Pipeline`] as a `tower::Service` over `http` requests.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::StatusCode;
use http_body::Body;
use http_body_util::{BodyExt, Limited};

use crate::handler::PushHandler;
use crate::message::PushMessage;
use crate::pipeline::{Pipeline, PushMethod, PushRequest, PushResponse, Query};

/// A [`Pipeline`] as a [`tower::Service`]: `http::Request<B>` in, `http::Response<String>` out.
///
/// Mount it on any tower-compatible server (hyper, axum's `route_service`, tonic's router…).
/// The body is read with the pipeline's size limit enforced while reading: a
/// `Content-Length` over the limit, or a streamed body passing it, is answered with 413
/// without reading further.
///
/// ```no_run
/// # async fn demo<M: weixin_push::PushMessage, H: weixin_push::PushHandler<M>>(pipeline: weixin_push::pipeline::Pipeline<M, H>) {
/// use tower::ServiceExt;
/// let service = weixin_push::server::PushService::new(pipeline);
/// let request = http::Request::get("/wx?signature=…&timestamp=…&nonce=…&echostr=…")
///     .body(String::new())
///     .unwrap();
/// let response = service.oneshot(request).await.unwrap();
/// # let _ = response;
/// # }
/// ```
pub struct PushService<M: PushMessage, H: PushHandler<M>> {
    pipeline: Pipeline<M, H>,
}

impl<M: PushMessage, H: PushHandler<M>> PushService<M, H> {
    /// Wraps a pipeline.
    pub fn new(pipeline: Pipeline<M, H>) -> Self {
        Self { pipeline }
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline<M, H> {
        &self.pipeline
    }

    /// Reads the request (with the size limit) and runs it through the pipeline.
    pub async fn call_http<B>(&self, request: http::Request<B>) -> http::Response<String>
    where
        B: Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        handle_http(self.pipeline.clone(), request).await
    }
}

impl<M: PushMessage, H: PushHandler<M>> Clone for PushService<M, H> {
    fn clone(&self) -> Self {
        Self {
            pipeline: self.pipeline.clone(),
        }
    }
}

impl<M: PushMessage, H: PushHandler<M>> fmt::Debug for PushService<M, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushService")
            .field("pipeline", &self.pipeline)
            .finish()
    }
}

impl<M, H, B> tower::Service<http::Request<B>> for PushService<M, H>
where
    M: PushMessage,
    H: PushHandler<M>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<String>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let pipeline = self.pipeline.clone();
        Box::pin(async move { Ok(handle_http(pipeline, request).await) })
    }
}

async fn handle_http<M, H, B>(
    pipeline: Pipeline<M, H>,
    request: http::Request<B>,
) -> http::Response<String>
where
    M: PushMessage,
    H: PushHandler<M>,
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = request.into_parts();
    let method = PushMethod::from(&parts.method);
    let query = Query::parse(parts.uri.query().unwrap_or_default());
    let body = if method == PushMethod::Post {
        match read_body(body, &parts.headers, pipeline.body_limit()).await {
            Ok(bytes) => bytes,
            Err(response) => return response.into_http(),
        }
    } else {
        Bytes::new()
    };
    pipeline
        .handle(PushRequest::new(method, query, body))
        .await
        .into_http()
}

/// Reads at most `limit` bytes; 413 past it, 400 when the body stream fails.
async fn read_body<B>(
    body: B,
    headers: &http::HeaderMap,
    limit: usize,
) -> Result<Bytes, PushResponse>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_large = || {
        PushResponse::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body larger than {limit} bytes"),
        )
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => {
            if error.is::<http_body_util::LengthLimitError>() {
                Err(too_large())
            } else {
                Err(PushResponse::error(
                    StatusCode::BAD_REQUEST,
                    "could not read the request body",
                ))
            }
        }
    }
}
