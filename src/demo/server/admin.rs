//! The admin endpoint runbooks drive in a drill: scale, throttle, failover, ban, reviewers,
//! and `GET /admin/state`. Parameters come from the query string (or a form body); every
//! answer is JSON: `{"ok":true,"message":...}` or HTTP 400 `{"ok":false,"error":...}`.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

use super::Shared;
use crate::demo::sim::{AdminError, Sim};

type Params = Vec<(String, String)>;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/admin/state", get(state))
        .route("/admin/scale", post(scale))
        .route("/admin/throttle", post(throttle))
        .route("/admin/failover", post(failover))
        .route("/admin/ban", post(ban))
        .route("/admin/reviewers", post(reviewers))
        .route("/admin/rollback", post(rollback))
        .with_state(shared)
}

fn param<'a>(p: &'a Params, name: &str) -> Result<&'a str, AdminError> {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| AdminError(format!("missing parameter {name:?}")))
}

fn number(p: &Params, name: &str) -> Result<f64, AdminError> {
    let text = param(p, name)?;
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| AdminError(format!("parameter {name:?} must be a number, got {text:?}")))
}

fn act(s: &Shared, p: &Params, f: impl FnOnce(&mut Sim, &Params) -> Result<String, AdminError>) -> Response {
    match s.with(|sim| f(sim, p)) {
        Ok(message) => Json(json!({"ok": true, "message": message})).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({"ok": false, "error": e.0}))).into_response(),
    }
}

async fn state(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(s.with(|sim| sim.state_json()))
}

async fn scale(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    act(&s, &p, |sim, p| sim.scale(param(p, "service")?, number(p, "replicas")?))
}
async fn throttle(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    act(&s, &p, |sim, p| sim.throttle(param(p, "target")?, number(p, "rate")?))
}
async fn failover(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    act(&s, &p, |sim, p| sim.failover(param(p, "to")?))
}
async fn ban(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    act(&s, &p, |sim, p| sim.ban(param(p, "pattern")?))
}
async fn reviewers(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    act(&s, &p, |sim, p| sim.add_reviewers(number(p, "add")?))
}
async fn rollback(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    act(&s, &p, |sim, p| sim.rollback(param(p, "deploy")?))
}
