//! Server adapters: the pipeline as a [`tower::Service`] ([`PushService`]) and, with the
//! `axum` feature, as an axum `Router` (`router(pipeline, path)`).
//!
//! Both read the body with the pipeline's size limit enforced while reading (a larger body is
//! answered with 413 as soon as the limit is passed, without reading the rest).

#[cfg(feature = "axum")]
mod axum;
mod service;

#[cfg(feature = "axum")]
pub use self::axum::router;
pub use service::PushService;
