//! The middleware in front of every API route: counts calls, then applies the faults drawn from
//! the seeded generator. `/sim/*` is never affected.

use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::listener::ConnKill;
use crate::state::Shared;
use crate::wx_error::WxError;

pub(crate) async fn apply(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/sim" || path.starts_with("/sim/") {
        return next.run(req).await;
    }
    shared.state().count_call(path);
    let (decision, latency) = {
        let mut faults = shared.fault_state();
        if faults.faults.is_active() {
            (faults.decide(), faults.faults.latency)
        } else {
            (Default::default(), Default::default())
        }
    };
    if decision.delay {
        tokio::time::sleep(latency).await;
    }
    if decision.drop {
        if let Some(ConnectInfo(conn)) = req.extensions().get::<ConnectInfo<ConnKill>>() {
            conn.kill();
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        // In process (no socket to drop): the closest thing is a gateway error.
        return StatusCode::BAD_GATEWAY.into_response();
    }
    if decision.http_5xx {
        return (StatusCode::SERVICE_UNAVAILABLE, "503 Service Unavailable").into_response();
    }
    if decision.busy {
        return WxError::busy().into_response();
    }
    next.run(req).await
}
