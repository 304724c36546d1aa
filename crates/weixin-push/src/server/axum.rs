//! The pipeline as an axum [`Router`] (feature `axum`).

use axum::Router;
use axum::routing::{MethodRouter, get_service};

use super::PushService;
use crate::handler::PushHandler;
use crate::message::PushMessage;
use crate::pipeline::Pipeline;

/// A router serving the pipeline at `path`: `GET` (URL verification) and `POST` (pushes);
/// other methods get 405. Merge it into your app's router or nest it.
///
/// ```no_run
/// # async fn demo<M: weixin_push::PushMessage, H: weixin_push::PushHandler<M>>(pipeline: weixin_push::pipeline::Pipeline<M, H>) -> std::io::Result<()> {
/// let app = axum::Router::new().merge(weixin_push::server::router(pipeline, "/wx"));
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
pub fn router<M, H, S>(pipeline: Pipeline<M, H>, path: &str) -> Router<S>
where
    M: PushMessage,
    H: PushHandler<M>,
    S: Clone + Send + Sync + 'static,
{
    let service = PushService::new(pipeline);
    let methods: MethodRouter<S> = get_service(service.clone()).post_service(service);
    Router::new().route(path, methods)
}
