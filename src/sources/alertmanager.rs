//! The Alertmanager API v2 client: alerts, silences, creating a silence, and the
//! de-duplication of alerts reported by several Alertmanagers (an HA pair).
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::http::{Body, HttpClient};
use crate::config::types::{Defaults, SourceSpec};
use crate::domain::{Alert, AlertList, AlertState, Labels, Matcher, NewSilence, Silence, SourceError};

pub use super::alert_cache::AlertCache;

/// The body cap of an Alertmanager source without `max_body`: a storm of 100,000 alerts
/// is about 60 MB, and what is kept is the alerts, not the body (it is parsed as it comes).
pub const DEFAULT_MAX_BODY: usize = 128 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct AmClient {
    http: HttpClient,
    name: String,
    /// The previous answer's alerts (see [`AlertCache`]), shared by the client's clones.
    cache: Arc<Mutex<AlertCache>>,
}

impl AmClient {
    pub fn new(spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        let mut http = HttpClient::new(spec, defaults)?;
        if spec.max_body.is_none() {
            http = http.with_body_limit(DEFAULT_MAX_BODY);
        }
        Ok(AmClient::from_http(spec.name.clone(), http))
    }

    pub fn from_http(name: impl Into<String>, http: HttpClient) -> Self {
        AmClient { http, name: name.into(), cache: Arc::default() }
    }

    /// `GET /api/v2/alerts`: active, silenced and inhibited alerts alike; `sources` is this
    /// Alertmanager's name. An answer whose alerts are all as before (but for their update
    /// and end times) is the previous list itself (see [`AlertCache`]).
    pub async fn alerts(&self) -> Result<AlertList, SourceError> {
        // The cache is taken for the pass (polls of one source never overlap) and put back
        // after it; a pass that fails or is dropped midway leaves an empty one behind.
        let mut cache = std::mem::take(&mut *self.cache.lock().unwrap_or_else(|p| p.into_inner()));
        let mut read = 0usize;
        let result = {
            let mut pass = cache.pass(&self.name);
            let streamed = self
                .http
                .get_streaming("/api/v2/alerts", &mut |chunk: &[u8]| {
                    read += chunk.len();
                    pass.feed(chunk)
                })
                .await;
            match streamed {
                Ok(None) => pass.finish(),
                Ok(Some(error_body)) => Err(check(&error_body)
                    .err()
                    .unwrap_or(SourceError::Http { status: error_body.status, detail: String::new() })),
                Err(e) => Err(e),
            }
        };
        let list = result.map(|parsed| cache.commit(parsed));
        *self.cache.lock().unwrap_or_else(|p| p.into_inner()) = cache;
        if read >= crate::util::memory::LARGE_BODY {
            crate::util::memory::release_freed();
        }
        list
    }

    /// `GET /api/v2/silences`: active, pending and expired.
    pub async fn silences(&self) -> Result<Vec<Silence>, SourceError> {
        let body = self.http.get("/api/v2/silences", &[]).await?;
        check(&body)?;
        parse_silences(&body.bytes)
    }

    /// `POST /api/v2/alerts` (the simulator and tests send alerts this way).
    pub async fn post_alerts(&self, alerts: &[PostableAlert]) -> Result<(), SourceError> {
        let body = self.http.post_json("/api/v2/alerts", alerts).await?;
        check(&body)
    }

    /// `GET /api/v2/status`: the server's version and cluster status.
    pub async fn status(&self) -> Result<AmStatus, SourceError> {
        let body = self.http.get("/api/v2/status", &[]).await?;
        check(&body)?;
        parse_status(&body.bytes)
    }

    /// `DELETE /api/v2/silence/{id}` (singular): expires the silence.
    pub async fn expire_silence(&self, id: &str) -> Result<(), SourceError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SourceError::Other(format!("not a silence id: {id:?}")));
        }
        let body = self.http.delete(&format!("/api/v2/silence/{id}")).await?;
        check(&body)
    }

    /// `POST /api/v2/silences` with the id of an existing silence: updates it (Alertmanager
    /// keeps the id when only the end or comment of an active silence changes, else it
    /// expires the old one and answers a new id).
    pub async fn update_silence(&self, id: &str, silence: &NewSilence) -> Result<String, SourceError> {
        #[derive(serde::Serialize)]
        struct Update<'a> {
            id: &'a str,
            #[serde(flatten)]
            silence: &'a NewSilence,
        }
        let body = self.http.post_json("/api/v2/silences", &Update { id, silence }).await?;
        check(&body)?;
        #[derive(Deserialize)]
        struct Updated {
            #[serde(rename = "silenceID")]
            silence_id: String,
        }
        Ok(body.json::<Updated>()?.silence_id)
    }

    /// `POST /api/v2/silences`; returns the new silence's id.
    pub async fn create_silence(&self, silence: &NewSilence) -> Result<String, SourceError> {
        let body = self.http.post_json("/api/v2/silences", silence).await?;
        check(&body)?;
        #[derive(Deserialize)]
        struct Created {
            #[serde(rename = "silenceID")]
            silence_id: String,
        }
        Ok(body.json::<Created>()?.silence_id)
    }
}

/// A non-2xx answer as `Http { status, detail }`, the detail taken from either error body
/// shape: a bare JSON string (400) or `{code, message}` (422).
fn check(body: &Body) -> Result<(), SourceError> {
    if body.is_success() {
        return Ok(());
    }
    Err(SourceError::Http { status: body.status, detail: error_detail(&body.bytes) })
}

/// The readable part of an Alertmanager error body; empty when there is none.
pub fn error_detail(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => match o.get("message").and_then(|m| m.as_str()) {
            Some(m) => m.to_string(),
            None => serde_json::Value::Object(o).to_string(),
        },
        Ok(other) => other.to_string(),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let t = text.trim();
            if t.starts_with('<') {
                String::new()
            } else {
                t.lines().next().unwrap_or("").chars().take(120).collect()
            }
        }
    }
}

/// An alert to send (`POST /api/v2/alerts`); times are optional.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableAlert {
    pub labels: Labels,
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub annotations: Labels,
    #[serde(rename = "generatorURL", default, skip_serializing_if = "Option::is_none")]
    pub generator_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
}

/// What `GET /api/v2/status` says about the server.
#[derive(Debug, Clone, PartialEq)]
pub struct AmStatus {
    pub version: String,
    /// `ready`, `settling` or `disabled`.
    pub cluster: String,
    pub uptime: Option<DateTime<Utc>>,
    /// This member's name in the cluster, and every peer's (sorted); empty when disabled.
    pub peer_name: String,
    pub peers: Vec<String>,
}

/// Parses a `GET /api/v2/status` body.
pub fn parse_status(bytes: &[u8]) -> Result<AmStatus, SourceError> {
    #[derive(Deserialize)]
    struct W {
        #[serde(rename = "versionInfo", default)]
        version_info: BTreeMap<String, String>,
        #[serde(default)]
        cluster: Option<C>,
        #[serde(default)]
        uptime: Option<DateTime<Utc>>,
    }
    #[derive(Deserialize)]
    struct C {
        #[serde(default)]
        status: String,
        #[serde(default)]
        name: String,
        #[serde(default)]
        peers: Vec<P>,
    }
    #[derive(Deserialize)]
    struct P {
        #[serde(default)]
        name: String,
    }
    let w: W = super::http::parse_json(bytes)?;
    let (cluster, peer_name, mut peers) = match w.cluster {
        Some(c) => (c.status, c.name, c.peers.into_iter().map(|p| p.name).collect::<Vec<_>>()),
        None => Default::default(),
    };
    peers.sort();
    Ok(AmStatus {
        version: w.version_info.get("version").cloned().unwrap_or_default(),
        cluster,
        uptime: w.uptime,
        peer_name,
        peers,
    })
}

/// Parses a `GET /api/v2/receivers` body into receiver names.
pub fn parse_receivers(bytes: &[u8]) -> Result<Vec<String>, SourceError> {
    let w: Vec<WireReceiver> = super::http::parse_json(bytes)?;
    Ok(w.into_iter().map(|r| r.name).collect())
}

/// Parses a `GET /api/v2/alerts/groups` body into its alerts (each once, group order).
pub fn parse_alert_groups(bytes: &[u8], source: &str) -> Result<Vec<Alert>, SourceError> {
    #[derive(Deserialize)]
    struct Group {
        #[serde(default)]
        alerts: Vec<serde_json::Value>,
    }
    let groups: Vec<Group> = super::http::parse_json(bytes)?;
    let all: Vec<serde_json::Value> = groups.into_iter().flat_map(|g| g.alerts).collect();
    let bytes = serde_json::to_vec(&all).map_err(|e| SourceError::Other(e.to_string()))?;
    let alerts = parse_alerts(&bytes, source)?;
    Ok(crate::domain::dedup(&[(source.to_string(), alerts)]))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireAlert {
    fingerprint: String,
    #[serde(default)]
    labels: Labels,
    #[serde(default)]
    annotations: Labels,
    starts_at: DateTime<Utc>,
    #[serde(default)]
    ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    updated_at: Option<DateTime<Utc>>,
    #[serde(rename = "generatorURL", default)]
    generator_url: Option<String>,
    #[serde(default)]
    status: WireStatus,
    #[serde(default)]
    receivers: Vec<WireReceiver>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireStatus {
    #[serde(default)]
    pub(super) state: Option<String>,
    #[serde(default)]
    pub(super) silenced_by: Vec<String>,
    #[serde(default)]
    pub(super) inhibited_by: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct WireReceiver {
    pub(super) name: String,
}

pub(super) fn state(s: Option<&str>) -> AlertState {
    match s {
        Some("active") => AlertState::Active,
        Some("suppressed") => AlertState::Suppressed,
        Some("unprocessed") => AlertState::Unprocessed,
        _ => AlertState::Unknown,
    }
}

/// Parses a `GET /api/v2/alerts` body. Also accepts the alerts of `GET /alerts/groups`
/// when given one group's `alerts` array.
pub fn parse_alerts(bytes: &[u8], source: &str) -> Result<Vec<Alert>, SourceError> {
    let mut cache = AlertCache::default();
    let list = cache.parse(bytes, source)?;
    drop(cache); // the list's only other holder: unwrapping it then copies nothing
    Ok(Arc::unwrap_or_clone(list))
}

/// The full parse of a body: the reference for [`AlertCache::parse`], and what reports an
/// error's line and column in the body.
pub fn parse_alerts_full(bytes: &[u8], source: &str) -> Result<Vec<Alert>, SourceError> {
    let wire: Vec<WireAlert> = super::http::parse_json(bytes)?;
    Ok(wire
        .into_iter()
        .map(|w| Alert {
            fingerprint: w.fingerprint,
            labels: w.labels.into(),
            annotations: w.annotations.into(),
            starts_at: w.starts_at,
            ends_at: w.ends_at,
            updated_at: w.updated_at,
            generator_url: w.generator_url.filter(|u| !u.is_empty()),
            state: state(w.status.state.as_deref()),
            silenced_by: w.status.silenced_by,
            inhibited_by: w.status.inhibited_by,
            receivers: w.receivers.into_iter().map(|r| r.name).collect(),
            sources: vec![source.to_string()],
        })
        .collect())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSilence {
    id: String,
    #[serde(default)]
    matchers: Vec<Matcher>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    #[serde(default)]
    created_by: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    status: WireSilenceStatus,
}

#[derive(Deserialize, Default)]
struct WireSilenceStatus {
    #[serde(default)]
    state: String,
}

/// Parses a `GET /api/v2/silences` body.
pub fn parse_silences(bytes: &[u8]) -> Result<Vec<Silence>, SourceError> {
    let wire: Vec<WireSilence> = super::http::parse_json(bytes)?;
    Ok(wire
        .into_iter()
        .map(|w| Silence {
            id: w.id,
            matchers: w.matchers,
            starts_at: w.starts_at,
            ends_at: w.ends_at,
            created_by: w.created_by,
            comment: w.comment,
            state: w.status.state,
        })
        .collect())
}
