//! Prometheus HTTP API: `/api/v1/query` and `/api/v1/query_range`, GET or POST form, with
//! the real envelope, string-encoded sample values, and `bad_data` errors with HTTP 400.
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

use super::Shared;
use crate::demo::promql;
use crate::demo::sim::to_secs;
use crate::domain::Labels;

type Params = Vec<(String, String)>;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/query", get(query_get).post(query_post))
        .route("/api/v1/query_range", get(range_get).post(range_post))
        .route("/api/v1/status/buildinfo", get(buildinfo))
        .route("/-/ready", get(|| async { "Prometheus Server is Ready.\n" }))
        .route("/-/healthy", get(|| async { "Prometheus Server is Healthy.\n" }))
        .with_state(shared)
}

fn param<'a>(p: &'a Params, name: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

pub fn bad_data(msg: impl Into<String>) -> Response {
    let body = json!({"status": "error", "errorType": "bad_data", "error": msg.into()});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// Go's `strconv.FormatFloat(v, 'f', -1, 64)` with Prometheus' spelling of the specials.
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

/// A time parameter: RFC 3339 or unix seconds.
fn parse_time(name: &str, text: &str) -> Result<f64, String> {
    if let Ok(x) = text.parse::<f64>()
        && x.is_finite()
    {
        return Ok(x);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| to_secs(t.with_timezone(&chrono::Utc)))
        .map_err(|_| format!("invalid parameter \"{name}\": cannot parse \"{text}\" to a valid timestamp"))
}

/// A duration parameter: Prometheus duration syntax or float seconds.
fn parse_step(text: &str) -> Result<f64, String> {
    if let Ok(x) = text.parse::<f64>()
        && x.is_finite()
    {
        return Ok(x);
    }
    let mut total = 0.0;
    let mut rest = text;
    if rest.is_empty() {
        return Err(format!("invalid parameter \"step\": cannot parse \"{text}\" to a valid duration"));
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let n: f64 = rest[..digits].parse().map_err(|_| {
            format!("invalid parameter \"step\": cannot parse \"{text}\" to a valid duration")
        })?;
        rest = &rest[digits..];
        let unit = ["ms", "s", "m", "h", "d", "w", "y"].into_iter().find(|u| rest.starts_with(u));
        let secs = match unit {
            Some("ms") => 0.001,
            Some("s") => 1.0,
            Some("m") => 60.0,
            Some("h") => 3600.0,
            Some("d") => 86_400.0,
            Some("w") => 604_800.0,
            Some(_) => 31_536_000.0,
            None => {
                return Err(format!(
                    "invalid parameter \"step\": cannot parse \"{text}\" to a valid duration"
                ));
            }
        };
        rest = &rest[unit.map(str::len).unwrap_or(0)..];
        total += n * secs;
    }
    Ok(total)
}

fn metric(labels: &Labels) -> Value {
    json!(labels)
}

async fn query_get(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    instant(&s, &p)
}
async fn query_post(State(s): State<Arc<Shared>>, Form(p): Form<Params>) -> Response {
    instant(&s, &p)
}
async fn range_get(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    range(&s, &p)
}
async fn range_post(State(s): State<Arc<Shared>>, Form(p): Form<Params>) -> Response {
    range(&s, &p)
}

fn instant(s: &Shared, p: &Params) -> Response {
    let Some(query) = param(p, "query") else {
        return bad_data(
            "invalid parameter \"query\": unknown position: parse error: no expression found in input",
        );
    };
    let now = s.with(|sim| to_secs(sim.now()));
    let t = match param(p, "time") {
        Some(text) => match parse_time("time", text) {
            Ok(t) => t,
            Err(e) => return bad_data(e),
        },
        None => now,
    };
    let expr = match promql::parse(query) {
        Ok(e) => e,
        Err(e) => return bad_data(e),
    };
    let frame = s.with(|sim| sim.frame_at(t));
    let v = expr.eval(&frame);
    if expr.is_scalar() {
        let x = v.first().map(|(_, x)| *x).unwrap_or(f64::NAN);
        let data = json!({"resultType": "scalar", "result": [t, format_value(x)]});
        return Json(json!({"status": "success", "data": data})).into_response();
    }
    let result: Vec<Value> =
        v.iter().map(|(l, x)| json!({"metric": metric(l), "value": [t, format_value(*x)]})).collect();
    Json(json!({"status": "success", "data": {"resultType": "vector", "result": result}})).into_response()
}

fn range(s: &Shared, p: &Params) -> Response {
    let Some(query) = param(p, "query") else {
        return bad_data(
            "invalid parameter \"query\": unknown position: parse error: no expression found in input",
        );
    };
    let get = |name: &str| -> Result<f64, String> {
        let text = param(p, name).unwrap_or("");
        parse_time(name, text)
    };
    let (start, end) = match (get("start"), get("end")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return bad_data(e),
    };
    let step = match parse_step(param(p, "step").unwrap_or("")) {
        Ok(x) if x > 0.0 => x,
        Ok(_) => {
            return bad_data(
                "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer",
            );
        }
        Err(e) => return bad_data(e),
    };
    if end < start {
        return bad_data("invalid parameter \"end\": end timestamp must not be before start time");
    }
    if (end - start) / step > 11_000.0 {
        return bad_data(
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        );
    }
    let expr = match promql::parse(query) {
        Ok(e) => e,
        Err(e) => return bad_data(e),
    };
    let mut series: BTreeMap<Labels, Vec<Value>> = BTreeMap::new();
    s.with(|sim| {
        let now = to_secs(sim.now());
        let mut k = 0.0;
        loop {
            let t = start + k * step;
            if t > end + 1e-9 || t > now + 1e-9 {
                break;
            }
            let frame = sim.frame_at(t);
            for (labels, x) in expr.eval(&frame) {
                series.entry(labels).or_default().push(json!([t, format_value(x)]));
            }
            k += 1.0;
        }
    });
    let result: Vec<Value> =
        series.into_iter().map(|(l, values)| json!({"metric": metric(&l), "values": values})).collect();
    Json(json!({"status": "success", "data": {"resultType": "matrix", "result": result}})).into_response()
}

async fn buildinfo() -> Json<Value> {
    Json(json!({"status": "success", "data": {
        "version": "2.42.0+opsdeck-demo", "revision": "opsdeck-demo", "branch": "demo",
        "buildUser": "opsdeck", "buildDate": "20261123-00:00:00", "goVersion": "n/a"}}))
}
