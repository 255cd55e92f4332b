//! Alertmanager API v2: `/api/v2/alerts` (with the `active`, `silenced`, `inhibited`,
//! `unprocessed` and `filter` parameters), `/api/v2/silences` GET and POST,
//! `/api/v2/silence/{id}` GET and DELETE, `/api/v2/status`. Error bodies in both of
//! Alertmanager's shapes: a bare JSON string (400) and `{code, message}` (422).
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

use super::Shared;
use crate::demo::sim::silences::{SilenceError, rfc3339};
use crate::demo::sim::{SimAlert, to_secs};
use crate::domain::{Labels, Matcher, NewSilence};

type Params = Vec<(String, String)>;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v2/alerts", get(alerts))
        .route("/api/v2/silences", get(silences).post(post_silence))
        .route("/api/v2/silence/{id}", get(get_silence).delete(delete_silence))
        .route("/api/v2/status", get(status))
        .route("/-/ready", get(|| async { "OK" }))
        .route("/-/healthy", get(|| async { "OK" }))
        .with_state(shared)
}

fn bare(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(Value::String(msg.into()))).into_response()
}

fn flag(p: &Params, name: &str) -> Result<bool, String> {
    match p.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str()) {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(format!("{name} in query must be of type boolean: \"{v}\"")),
    }
}

/// Parses one `filter=` matcher such as `team="storage"` or `severity=~"crit.*"`.
fn parse_filter(text: &str) -> Result<Matcher, String> {
    let ops = ["=~", "!~", "!=", "="];
    let (i, op) = ops
        .iter()
        .filter_map(|op| text.find(op).map(|i| (i, *op)))
        .min_by_key(|(i, op)| (*i, std::cmp::Reverse(op.len())))
        .ok_or_else(|| format!("bad matcher format: {text}"))?;
    let name = text[..i].trim().to_string();
    let raw = text[i + op.len()..].trim();
    let value = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(v) => v.replace("\\\"", "\"").replace("\\\\", "\\"),
        None if raw.contains('"') => {
            return Err(format!("matcher value contains unescaped double quote: {raw}"));
        }
        None => raw.to_string(),
    };
    if name.is_empty() {
        return Err(format!("bad matcher format: {text}"));
    }
    Ok(Matcher { name, value, is_regex: op.contains('~'), is_equal: !op.starts_with('!') })
}

fn matcher_hits(m: &Matcher, labels: &Labels) -> bool {
    let v = labels.get(&m.name).map(String::as_str).unwrap_or("");
    let hit = if m.is_regex {
        regex::Regex::new(&format!("^(?:{})$", m.value)).is_ok_and(|re| re.is_match(v))
    } else {
        v == m.value
    };
    hit == m.is_equal
}

fn gettable(a: &SimAlert, now: f64, prom_url: &str) -> Value {
    let team = a.labels.get("team").cloned().unwrap_or_else(|| "default".into());
    let silenced = !a.silenced_by.is_empty();
    let expr = a.labels.get("alertname").cloned().unwrap_or_default();
    json!({
        "annotations": a.annotations,
        "endsAt": rfc3339(now + 240.0),
        "fingerprint": a.fingerprint,
        "receivers": [{"name": format!("{team}-pager")}],
        "startsAt": rfc3339(a.starts_at),
        "status": {
            "inhibitedBy": [],
            "silencedBy": a.silenced_by,
            "state": if silenced { "suppressed" } else { "active" },
        },
        "updatedAt": rfc3339(now),
        "generatorURL": format!("{prom_url}/graph?g0.expr=ALERTS%7Balertname%3D%22{expr}%22%7D&g0.tab=1"),
        "labels": a.labels,
    })
}

async fn alerts(State(s): State<Arc<Shared>>, Query(p): Query<Params>) -> Response {
    let (active, silenced, _inhibited) =
        match (flag(&p, "active"), flag(&p, "silenced"), flag(&p, "inhibited")) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return bare(StatusCode::BAD_REQUEST, e),
        };
    let mut filters = Vec::new();
    for (_, f) in p.iter().filter(|(k, _)| k == "filter") {
        match parse_filter(f) {
            Ok(m) => filters.push(m),
            Err(e) => return bare(StatusCode::BAD_REQUEST, e),
        }
    }
    let (list, now) = s.with(|sim| (sim.alerts(), to_secs(sim.now())));
    let (ends, updated) = (rfc3339(now + 240.0), rfc3339(now));
    let mut body = String::with_capacity(list.len() * 700 + 2);
    body.push('[');
    let mut cache = RENDERED.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    let mut live = std::collections::HashSet::with_capacity(list.len());
    for a in list
        .iter()
        .filter(|a| if a.silenced_by.is_empty() { active } else { silenced })
        .filter(|a| filters.iter().all(|m| matcher_hits(m, &a.labels)))
    {
        if body.len() > 1 {
            body.push(',');
        }
        live.insert(a.fingerprint.clone());
        let r = match cache.get(&a.fingerprint) {
            Some(r) if r.is_of(a) => r,
            _ => {
                let r = Rendered::of(a);
                cache.insert(a.fingerprint.clone(), r);
                &cache[&a.fingerprint]
            }
        };
        r.write(&mut body, &ends, &updated);
    }
    body.push(']');
    if cache.len() > 2 * live.len() + 1024 {
        cache.retain(|fp, _| live.contains(fp));
    }
    drop(cache);
    ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Each alert's JSON, rendered once and kept (100,000 synthetic alerts are re-sent on
/// every poll): the text around its `endsAt` and `updatedAt`, which move on every answer.
static RENDERED: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, Rendered>>> =
    std::sync::OnceLock::new();

struct Rendered {
    silenced_by: Vec<String>,
    starts_at: f64,
    annotations: Labels,
    /// Before `endsAt`'s value, between it and `updatedAt`'s, after (JSON keys are sorted).
    parts: [String; 3],
}

impl Rendered {
    const ENDS: &str = "\u{1}ENDS\u{1}";
    const UPDATED: &str = "\u{1}UPDATED\u{1}";

    fn of(a: &SimAlert) -> Rendered {
        let mut v = gettable(a, 0.0, "http://prometheus.demo.svc:9090");
        v["endsAt"] = Value::String(Self::ENDS.into());
        v["updatedAt"] = Value::String(Self::UPDATED.into());
        let text = v.to_string();
        let ends = serde_json::to_string(Self::ENDS).unwrap_or_default();
        let updated = serde_json::to_string(Self::UPDATED).unwrap_or_default();
        let (i, j) = (text.find(&ends).unwrap_or(0), text.find(&updated).unwrap_or(0));
        let parts = [
            text[..i].to_string(),
            text[i + ends.len()..j].to_string(),
            text[j + updated.len()..].to_string(),
        ];
        Rendered {
            silenced_by: a.silenced_by.clone(),
            starts_at: a.starts_at,
            annotations: a.annotations.clone(),
            parts,
        }
    }

    /// Whether this is still `a`'s text (its labels are its fingerprint).
    fn is_of(&self, a: &SimAlert) -> bool {
        self.silenced_by == a.silenced_by
            && self.starts_at == a.starts_at
            && self.annotations == a.annotations
    }

    fn write(&self, out: &mut String, ends: &str, updated: &str) {
        out.push_str(&self.parts[0]);
        out.push('"');
        out.push_str(ends);
        out.push('"');
        out.push_str(&self.parts[1]);
        out.push('"');
        out.push_str(updated);
        out.push('"');
        out.push_str(&self.parts[2]);
    }
}

async fn silences(State(s): State<Arc<Shared>>) -> Response {
    Json(s.with(|sim| sim.silences())).into_response()
}

async fn get_silence(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match s.with(|sim| sim.silences()).into_iter().find(|x| x.id == id) {
        Some(v) => Json(v).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn delete_silence(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if s.with(|sim| sim.expire_silence(&id)) {
        StatusCode::OK.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn post_silence(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bare(StatusCode::BAD_REQUEST, format!("parsing silence body: {e}")),
    };
    if v.get("matchers").is_none() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"code": 602, "message": "matchers in body is required"})),
        )
            .into_response();
    }
    let id = v.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let new: NewSilence = match serde_json::from_value(v) {
        Ok(n) => n,
        Err(e) => {
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"code": 602, "message": e.to_string()})))
                .into_response();
        }
    };
    match s.with(|sim| sim.put_silence(new, id)) {
        Ok(id) => Json(json!({"silenceID": id})).into_response(),
        Err(SilenceError::BadRequest(m)) => bare(StatusCode::BAD_REQUEST, m),
        Err(SilenceError::Unprocessable { code, message }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"code": code, "message": message})))
                .into_response()
        }
        Err(SilenceError::NotFound) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn status(State(s): State<Arc<Shared>>) -> Json<Value> {
    let started = s.with(|sim| rfc3339(to_secs(sim.options().start)));
    Json(json!({
        "cluster": {"peers": [], "status": "disabled"},
        "config": {"original": "route:\n  receiver: default\n  group_by: [alertname]\nreceivers:\n- name: default\n"},
        "uptime": started,
        "versionInfo": {"branch": "demo", "buildDate": "20261123-00:00:00", "buildUser": "opsdeck",
                        "goVersion": "n/a", "revision": "opsdeck-demo", "version": "0.25.0"},
    }))
}
