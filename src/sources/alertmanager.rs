//! The Alertmanager API v2 client: alerts, silences, creating a silence, and the
//! de-duplication of alerts reported by several Alertmanagers (an HA pair).
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::http::{Body, HttpClient};
use crate::config::types::{Defaults, SourceSpec};
use crate::domain::LabelSet;
use crate::domain::{Alert, AlertList, AlertState, Labels, Matcher, NewSilence, Silence, SourceError};

#[derive(Debug, Clone)]
pub struct AmClient {
    http: HttpClient,
    name: String,
    /// The previous answer's alerts (see [`AlertCache`]), shared by the client's clones.
    cache: Arc<Mutex<AlertCache>>,
}

impl AmClient {
    pub fn new(spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        Ok(AmClient::from_http(spec.name.clone(), HttpClient::new(spec, defaults)?))
    }

    pub fn from_http(name: impl Into<String>, http: HttpClient) -> Self {
        AmClient { http, name: name.into(), cache: Arc::default() }
    }

    /// `GET /api/v2/alerts`: active, silenced and inhibited alerts alike; `sources` is this
    /// Alertmanager's name. An answer whose alerts are all as before (but for their update
    /// and end times) is the previous list itself (see [`AlertCache`]).
    pub async fn alerts(&self) -> Result<AlertList, SourceError> {
        let body = self.http.get("/api/v2/alerts", &[]).await?;
        check(&body)?;
        // A poisoned lock only means a panic mid-parse elsewhere: start from an empty cache.
        let large = body.bytes.len() >= crate::util::memory::LARGE_BODY;
        let list = {
            let mut cache = self.cache.lock().unwrap_or_else(|p| {
                let mut g = p.into_inner();
                *g = AlertCache::default();
                g
            });
            cache.parse(&body.bytes, &self.name)
        };
        if large {
            drop(body);
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
struct WireAlert {
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
struct WireStatus {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

#[derive(Deserialize)]
struct WireReceiver {
    name: String,
}

fn state(s: Option<&str>) -> AlertState {
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
fn parse_alerts_full(bytes: &[u8], source: &str) -> Result<Vec<Alert>, SourceError> {
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

/// One alert of a body, its parts left unparsed (borrowed from the body).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert<'a> {
    #[serde(borrow)]
    fingerprint: Cow<'a, str>,
    #[serde(borrow, default)]
    labels: Option<&'a RawValue>,
    #[serde(borrow, default)]
    annotations: Option<&'a RawValue>,
    #[serde(borrow)]
    starts_at: Cow<'a, str>,
    #[serde(borrow, default)]
    ends_at: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    updated_at: Option<Cow<'a, str>>,
    #[serde(rename = "generatorURL", borrow, default)]
    generator_url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    receivers: Option<&'a RawValue>,
}

impl RawAlert<'_> {
    /// A hash of the alert's label and annotation maps as written (the expensive parts).
    fn maps_key(&self, state: &KeyHasher) -> u64 {
        let mut h = state.build_hasher();
        self.labels.map(RawValue::get).hash(&mut h);
        self.annotations.map(RawValue::get).hash(&mut h);
        h.finish()
    }

    /// A hash of everything the alert is made of but its update and end times (which
    /// Alertmanager moves on every re-send of an unchanged alert), given its `maps_key`.
    fn content_key(&self, maps_key: u64, state: &KeyHasher) -> u64 {
        let mut h = state.build_hasher();
        maps_key.hash(&mut h);
        self.fingerprint.hash(&mut h);
        self.status.map(RawValue::get).hash(&mut h);
        self.receivers.map(RawValue::get).hash(&mut h);
        self.starts_at.hash(&mut h);
        self.generator_url.hash(&mut h);
        h.finish()
    }

    /// The alert, with `maps` as its label and annotation maps when given (else parsed).
    /// `None` when a part does not parse (the caller then parses the whole body to report
    /// where).
    fn parse(&self, source: &str, maps: Option<(LabelSet, LabelSet)>) -> Option<Alert> {
        fn part<T: serde::de::DeserializeOwned + Default>(raw: Option<&RawValue>) -> Option<T> {
            match raw {
                None => Some(T::default()),
                Some(r) if r.get() == "null" => Some(T::default()),
                Some(r) => serde_json::from_str(r.get()).ok(),
            }
        }
        let (labels, annotations) = match maps {
            Some(m) => m,
            None => (part::<Labels>(self.labels)?.into(), part::<Labels>(self.annotations)?.into()),
        };
        let status: WireStatus = part(self.status)?;
        let receivers: Vec<WireReceiver> = part(self.receivers)?;
        Some(Alert {
            fingerprint: self.fingerprint.to_string(),
            labels,
            annotations,
            starts_at: self.starts_at.parse().ok()?,
            ends_at: time(&self.ends_at)?,
            updated_at: time(&self.updated_at)?,
            generator_url: self.generator_url.as_deref().filter(|u| !u.is_empty()).map(str::to_string),
            state: state(status.state.as_deref()),
            silenced_by: status.silenced_by,
            inhibited_by: status.inhibited_by,
            receivers: receivers.into_iter().map(|r| r.name).collect(),
            sources: vec![source.to_string()],
        })
    }
}

/// An optional time: `Some(None)` when absent, `None` when present and not a time.
fn time(s: &Option<Cow<'_, str>>) -> Option<Option<DateTime<Utc>>> {
    match s {
        None => Some(None),
        Some(s) => s.parse().ok().map(Some),
    }
}

/// What the previous answer was made of, to parse the next one with less work. Parsing a
/// body through the cache gives the same alerts as a full parse, except that:
/// - an answer whose alerts are all as before, in the same order, but for their update and
///   end times (Alertmanager moves those on every re-send from Prometheus) is the previous
///   list itself, times included: nothing shown or derived from it changes, so a steady
///   storm of 10,000 alerts costs a scan of the body, not a parse;
/// - otherwise an alert whose label and annotation maps are written as before shares them
///   with the previous answer instead of parsing them again (they are most of an alert's
///   parsing time and memory).
#[derive(Debug, Default)]
pub struct AlertCache {
    hasher: KeyHasher,
    maps: HashMap<String, CachedMaps>,
    /// The previous answer and the content key of each of its alerts.
    last: Option<(Vec<u64>, AlertList)>,
}

/// The first pass over a body: each alert's `maps_key` and `content_key`, in order.
struct Keys<'h> {
    hasher: &'h KeyHasher,
    maps: Vec<u64>,
    content: Vec<u64>,
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Keys<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Keys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of alerts")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element::<RawAlert<'de>>()? {
            let maps = r.maps_key(self.hasher);
            self.maps.push(maps);
            self.content.push(r.content_key(maps, self.hasher));
        }
        Ok(())
    }
}

/// Hashes for recognising unchanged parts of an answer: a multiply-rotate hash over 8-byte
/// words (rustc's FxHash), seeded per cache. About ten times faster than SipHash over a 5 MB
/// answer; not collision-resistant, which it need not be: whoever can craft a collision
/// controls the Alertmanager's answers anyway.
#[derive(Debug, Clone)]
struct KeyHasher {
    seed: u64,
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher { seed: std::collections::hash_map::RandomState::new().hash_one(0u64) }
    }
}

impl BuildHasher for KeyHasher {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher(self.seed)
    }
}

struct WordHasher(u64);

impl WordHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
        self.add(bytes.len() as u64);
    }
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[derive(Debug)]
struct CachedMaps {
    key: u64,
    labels: LabelSet,
    annotations: LabelSet,
}

impl AlertCache {
    /// Parses a `GET /api/v2/alerts` body (see [`parse_alerts`]), remembering it for the
    /// next call. On an error the cache is left as it was.
    pub fn parse(&mut self, bytes: &[u8], source: &str) -> Result<AlertList, SourceError> {
        // First pass: the keys of every alert, streamed (no list of 10,000 raw alerts).
        let mut keys = Keys { hasher: &self.hasher, maps: Vec::new(), content: Vec::new() };
        let mut de = serde_json::Deserializer::from_slice(bytes);
        if serde::de::DeserializeSeed::deserialize(&mut keys, &mut de).and_then(|()| de.end()).is_err() {
            // The full parse says where the body is broken (or, were it more lenient, parses it).
            return parse_alerts_full(bytes, source).map(Arc::new);
        }
        let Keys { maps: maps_keys, content: content_keys, .. } = keys;
        if let Some((last_keys, list)) = &self.last
            && *last_keys == content_keys
            && list.first().is_none_or(|a| a.sources.len() == 1 && a.sources[0] == source)
        {
            return Ok(list.clone());
        }
        // Something changed: the second pass builds the new list.
        let raw: Vec<RawAlert<'_>> = match super::http::parse_json(bytes) {
            Ok(raw) => raw,
            Err(_) => return parse_alerts_full(bytes, source).map(Arc::new),
        };
        let mut next: HashMap<String, CachedMaps> = HashMap::with_capacity(raw.len());
        let mut out = Vec::with_capacity(raw.len());
        for (r, &key) in raw.iter().zip(&maps_keys) {
            let maps = self
                .maps
                .get(r.fingerprint.as_ref())
                .filter(|c| c.key == key)
                .map(|c| (c.labels.clone(), c.annotations.clone()));
            let Some(alert) = r.parse(source, maps) else {
                return parse_alerts_full(bytes, source).map(Arc::new);
            };
            let cached =
                CachedMaps { key, labels: alert.labels.clone(), annotations: alert.annotations.clone() };
            next.insert(alert.fingerprint.clone(), cached);
            out.push(alert);
        }
        let out = Arc::new(out);
        self.maps = next;
        self.last = Some((content_keys, out.clone()));
        Ok(out)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{dedup, fingerprints_unique};

    const FIXTURES: [&str; 3] = [
        include_str!("../../tests/fixtures/alertmanager/alerts.json"),
        include_str!("../../tests/fixtures/alertmanager/alerts-active-only.json"),
        include_str!("../../tests/fixtures/alertmanager/alerts-silenced-and-inhibited.pretty.json"),
    ];

    #[test]
    fn the_cache_parses_like_a_full_parse_first_and_again() {
        for body in FIXTURES {
            let full = parse_alerts_full(body.as_bytes(), "am").unwrap();
            let mut cache = AlertCache::default();
            assert_eq!(*cache.parse(body.as_bytes(), "am").unwrap(), full);
            assert_eq!(*cache.parse(body.as_bytes(), "am").unwrap(), full, "second parse, from the cache");
        }
        // One cache across different bodies (alerts come and go).
        let mut cache = AlertCache::default();
        for body in FIXTURES.iter().chain(FIXTURES.iter().rev()) {
            assert_eq!(
                *cache.parse(body.as_bytes(), "am").unwrap(),
                parse_alerts_full(body.as_bytes(), "am").unwrap()
            );
        }
    }

    fn resend(body: &str, minute: u32) -> String {
        body.replace(
            "2026-11-23T01:16:50.507Z\",\"generatorURL",
            &format!("2026-11-23T01:{minute}:50.507Z\",\"generatorURL"),
        )
        .replace(
            "\"endsAt\":\"2026-11-23T01:21:50.507Z\"",
            &format!("\"endsAt\":\"2026-11-23T01:{}:50.507Z\"", minute + 5),
        )
    }

    #[test]
    fn a_resend_that_only_moves_times_is_the_previous_list() {
        let body = FIXTURES[0];
        let mut cache = AlertCache::default();
        let first = cache.parse(body.as_bytes(), "am").unwrap();
        let resent = resend(body, 17);
        assert_ne!(resent, body);
        let second = cache.parse(resent.as_bytes(), "am").unwrap();
        assert!(Arc::ptr_eq(&first, &second), "the same list, not a new parse");
        let full = parse_alerts_full(resent.as_bytes(), "am").unwrap();
        let without_times = |a: &Alert| Alert { updated_at: None, ends_at: None, ..a.clone() };
        assert!(second.iter().zip(&full).all(|(a, b)| without_times(a) == without_times(b)));
        assert!(full.iter().zip(first.iter()).any(|(a, b)| a.updated_at != b.updated_at), "times did move");
    }

    #[test]
    fn a_changed_alert_gives_a_new_list_sharing_the_unchanged_maps() {
        let body = FIXTURES[0];
        let mut cache = AlertCache::default();
        let first = cache.parse(body.as_bytes(), "am").unwrap();
        let changed = resend(body, 18).replacen("\"silencedBy\":[]", "\"silencedBy\":[\"s-1\"]", 1);
        let second = cache.parse(changed.as_bytes(), "am").unwrap();
        assert_eq!(*second, parse_alerts_full(changed.as_bytes(), "am").unwrap(), "times read again too");
        assert_eq!(second[0].silenced_by, ["s-1"]);
        for (a, b) in first.iter().zip(second.iter()) {
            assert!(LabelSet::ptr_eq(&a.labels, &b.labels), "labels of {} parsed again", a.fingerprint);
            assert!(LabelSet::ptr_eq(&a.annotations, &b.annotations));
        }
        let reworded = changed.replace("Disk /var on db-1 is 97% full", "Disk /var on db-1 is 99% full");
        let third = cache.parse(reworded.as_bytes(), "am").unwrap();
        assert_eq!(*third, parse_alerts_full(reworded.as_bytes(), "am").unwrap());
        assert_eq!(&third[0].annotations["summary"], "Disk /var on db-1 is 99% full");
        assert!(!LabelSet::ptr_eq(&second[0].annotations, &third[0].annotations));
    }

    #[test]
    fn one_alertmanager_derives_the_same_views_without_dedup() {
        let spec = crate::config::types::PrioritySpec::default();
        for body in FIXTURES {
            let list = parse_alerts(body.as_bytes(), "am").unwrap();
            assert!(fingerprints_unique(&list));
            let merged = dedup(&[("am".to_string(), &list[..])]);
            assert_eq!(
                crate::derive::alerts::views(&spec, &list),
                crate::derive::alerts::views(&spec, &merged)
            );
        }
        let mut twice = parse_alerts(FIXTURES[0].as_bytes(), "am").unwrap();
        twice.push(twice[0].clone());
        assert!(!fingerprints_unique(&twice));
    }

    #[test]
    fn a_bad_body_reports_where_in_the_body_and_keeps_the_cache() {
        let mut cache = AlertCache::default();
        let good = cache.parse(FIXTURES[0].as_bytes(), "am").unwrap();
        for bad in [
            &FIXTURES[0][..FIXTURES[0].len() / 2],
            r#"[{"fingerprint":"a","startsAt":"yesterday"}]"#,
            r#"[{"fingerprint":"a","startsAt":"2026-11-23T01:16:50Z","labels":{"x":1}}]"#,
            r#"{"not":"a list"}"#,
        ] {
            let e = cache.parse(bad.as_bytes(), "am").unwrap_err();
            assert_eq!(e, parse_alerts_full(bad.as_bytes(), "am").unwrap_err(), "{bad}");
            assert!(matches!(e, SourceError::BadJson { .. }), "{e:?}");
        }
        let again = cache.parse(FIXTURES[0].as_bytes(), "am").unwrap();
        assert!(LabelSet::ptr_eq(&good[0].labels, &again[0].labels), "the cache survived the errors");
    }
}
