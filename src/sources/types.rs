//! The data every source produces, independent of the wire format it came in.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

pub type Labels = BTreeMap<String, String>;

/// One Alertmanager's answer, shared between the poller's cache and the model: an answer
/// whose alerts are all unchanged is the previous list itself (compared by pointer).
pub type AlertList = std::sync::Arc<Vec<Alert>>;

/// One sample of an instant vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub labels: Labels,
    /// Unix seconds.
    pub ts: f64,
    /// May be NaN or infinite: Prometheus sends `"NaN"`, `"+Inf"`, `"-Inf"`.
    pub value: f64,
}

/// One series of a range vector (matrix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub labels: Labels,
    /// (unix seconds, value), oldest first.
    pub points: Vec<(f64, f64)>,
}

/// The result of a PromQL query, by `resultType`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum QueryData {
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
    Scalar { ts: f64, value: f64 },
    String { ts: f64, value: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResponse {
    pub data: QueryData,
    /// `warnings` of a successful answer (e.g. a failed remote read).
    pub warnings: Vec<String>,
}

/// What one poll of a metrics source (Prometheus API or a raw /metrics scrape) yielded:
/// per query text, its answer or a per-query error a person can read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MetricsPoll {
    pub instant: BTreeMap<InstantQuery, Result<QueryResponse, String>>,
    pub range: BTreeMap<String, Result<Vec<Series>, String>>,
}

/// The queries one metrics source runs each poll. Built from the pane definitions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryPlan {
    pub instant: Vec<InstantQuery>,
    /// Range queries for sparklines: query, window and step.
    pub range: Vec<RangeQuery>,
}

/// An instant query evaluated `ago` before the poll time (zero: now). Week-over-week deltas
/// use `ago = 7d` through the API's `time` parameter, which works for any expression
/// (PromQL's `offset` only applies to selectors).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InstantQuery {
    pub query: String,
    pub ago: Duration,
}

impl InstantQuery {
    pub fn now(query: impl Into<String>) -> Self {
        InstantQuery { query: query.into(), ago: Duration::ZERO }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RangeQuery {
    pub query: String,
    pub window: Duration,
    pub step: Duration,
}

/// Alertmanager API v2 alert (`GettableAlert`), after de-duplication across replicas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub fingerprint: String,
    /// Compact and shared by reference count with the poller's cache and the views: with
    /// 10,000 alerts, labels and annotations are most of the screen's memory.
    pub labels: super::label_set::LabelSet,
    pub annotations: super::label_set::LabelSet,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub generator_url: Option<String>,
    pub state: AlertState,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
    pub receivers: Vec<String>,
    /// Names of the Alertmanagers that reported it.
    pub sources: Vec<String>,
}

impl Alert {
    pub fn name(&self) -> &str {
        self.labels.get("alertname").unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    Active,
    Suppressed,
    Unprocessed,
    Unknown,
}

/// A silence matcher as Alertmanager v2 has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matcher {
    pub name: String,
    pub value: String,
    #[serde(rename = "isRegex")]
    pub is_regex: bool,
    #[serde(rename = "isEqual", default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// A silence to create (`POST /api/v2/silences`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSilence {
    pub matchers: Vec<Matcher>,
    #[serde(rename = "startsAt")]
    pub starts_at: DateTime<Utc>,
    #[serde(rename = "endsAt")]
    pub ends_at: DateTime<Utc>,
    #[serde(rename = "createdBy")]
    pub created_by: String,
    pub comment: String,
}

/// A silence as `GET /api/v2/silences` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
    /// `active`, `pending`, `expired`.
    pub state: String,
}

/// Statuspage v2 `summary.json`, reduced to what the pane shows. Unknown enum values
/// become `Unknown`, never a parse failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusSummary {
    pub page_name: String,
    pub page_url: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub indicator: Indicator,
    pub description: String,
    pub components: Vec<Component>,
    pub incidents: Vec<StatusIncident>,
    pub scheduled_maintenances: Vec<StatusIncident>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Indicator {
    None,
    Minor,
    Major,
    Critical,
    Maintenance,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub id: String,
    pub name: String,
    /// `operational`, `degraded_performance`, `partial_outage`, `major_outage`,
    /// `under_maintenance`, or whatever else the page sent.
    pub status: String,
    pub group: bool,
    pub group_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusIncident {
    pub name: String,
    /// `none`, `minor`, `major`, `critical`, `maintenance`.
    pub impact: String,
    /// `investigating`, `identified`, `monitoring`, `resolved`, `postmortem`,
    /// `scheduled`, `in_progress`, `verifying`, `completed`.
    pub status: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub latest_update: Option<String>,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub scheduled_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Prometheus,
    Scrape,
    Alertmanager,
    Statuspage,
}

/// What one poll of one source produced.
#[derive(Debug, Clone, PartialEq)]
pub enum PollData {
    Metrics(MetricsPoll),
    Alerts(AlertList),
    Status(StatusSummary),
}

/// Why a poll failed, worded for a person (`connection refused`, `timed out after 5s`,
/// `HTTP 503`, `invalid JSON at line 1 column 80`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("connection refused")]
    Refused,
    #[error("timed out after {}", crate::util::duration::format_compact(*.0))]
    Timeout(Duration),
    #[error("cannot resolve host {0}")]
    Dns(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Http { status: u16, detail: String },
    #[error("invalid JSON at line {line} column {column}: {message}")]
    BadJson { line: usize, column: usize, message: String },
    #[error("response larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{0}")]
    Other(String),
}

/// The outcome of one poll of one source; every result carries the time it was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct PollOutcome {
    pub source: String,
    pub kind: SourceKind,
    pub taken_at: DateTime<Utc>,
    pub result: Result<PollData, SourceError>,
}

/// A source's freshness as the panes show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum SourceStatus {
    /// Never answered yet.
    Loading,
    Fresh,
    /// Last good data older than twice the poll interval.
    Stale {
        since: DateTime<Utc>,
    },
    Failing {
        since: DateTime<Utc>,
        reason: String,
    },
}

/// Per-source bookkeeping the status is derived from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Freshness {
    pub last_ok: Option<DateTime<Utc>>,
    /// First failure of the current run of failures, and the latest reason.
    pub failing: Option<(DateTime<Utc>, String)>,
}

impl Freshness {
    pub fn record(&mut self, outcome_at: DateTime<Utc>, error: Option<&SourceError>) {
        match error {
            None => {
                self.last_ok = Some(outcome_at);
                self.failing = None;
            }
            Some(e) => {
                let since = self.failing.as_ref().map(|(s, _)| *s).unwrap_or(outcome_at);
                self.failing = Some((since, e.to_string()));
            }
        }
    }

    /// Pure: the status at `now` for a source polled every `interval`.
    pub fn status(&self, now: DateTime<Utc>, interval: Duration) -> SourceStatus {
        if let Some((since, reason)) = &self.failing {
            return SourceStatus::Failing { since: *since, reason: reason.clone() };
        }
        match self.last_ok {
            None => SourceStatus::Loading,
            Some(t) => {
                let limit = chrono::Duration::from_std(interval * 2).unwrap_or(chrono::Duration::MAX);
                if now - t > limit { SourceStatus::Stale { since: t } } else { SourceStatus::Fresh }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn freshness_moves_through_states() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let iv = Duration::from_secs(5);
        let mut f = Freshness::default();
        assert_eq!(f.status(t0, iv), SourceStatus::Loading);
        f.record(t0, None);
        assert_eq!(f.status(t0 + chrono::Duration::seconds(10), iv), SourceStatus::Fresh);
        assert_eq!(f.status(t0 + chrono::Duration::seconds(11), iv), SourceStatus::Stale { since: t0 });
        f.record(t0 + chrono::Duration::seconds(5), Some(&SourceError::Refused));
        f.record(
            t0 + chrono::Duration::seconds(10),
            Some(&SourceError::Http { status: 503, detail: String::new() }),
        );
        assert_eq!(
            f.status(t0, iv),
            SourceStatus::Failing { since: t0 + chrono::Duration::seconds(5), reason: "HTTP 503".into() }
        );
    }
}
