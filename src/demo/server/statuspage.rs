//! Statuspage v2: `/{page}/api/v2/summary.json` for each upstream page of the demo.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;

use super::Shared;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().route("/{page}/api/v2/summary.json", get(summary)).with_state(shared)
}

async fn summary(State(s): State<Arc<Shared>>, Path(page): Path<String>) -> Response {
    match s.with(|sim| sim.status_summary(&page)) {
        Some(v) => Json(v).into_response(),
        None => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
    }
}
