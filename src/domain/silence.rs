//! Silences: the matchers, a silence to create, and a silence as Alertmanager lists it.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// One silence as listed: the silence, where it was seen and what it silences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SilenceRow {
    pub id: String,
    /// `active`, `pending`, `expired`.
    pub state: String,
    /// The matchers as text (`alertname="DiskFull", instance=~"db-.*"`).
    pub matchers_text: String,
    pub matchers: Vec<Matcher>,
    pub created_by: String,
    pub comment: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `1h12m` until the end (or until the start, when pending); `expired` when over.
    pub ends_in: String,
    pub cluster: String,
    /// The member(s) that returned it (one per cluster asked).
    pub sources: Vec<String>,
    /// The alerts it silences now: `alertname` with the fingerprint.
    pub alerts: Vec<SilencedAlert>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SilencedAlert {
    pub fingerprint: String,
    pub alertname: String,
}
