//! Alerts as Alertmanager v2 reports them, after de-duplication across replicas.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

/// One Alertmanager's answer, shared between the poller's cache and the model: an answer
/// whose alerts are all unchanged is the previous list itself (compared by pointer).
pub type AlertList = std::sync::Arc<Vec<Alert>>;

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

/// Whether no two alerts share a fingerprint (then `dedup` of this one list would only
/// copy and reorder it).
pub fn fingerprints_unique(alerts: &[Alert]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(alerts.len());
    alerts.iter().all(|a| seen.insert(a.fingerprint.as_str()))
}

/// Merges the alerts of several Alertmanagers by fingerprint. For an alert reported by more
/// than one, the most recently updated report wins and `sources` lists every Alertmanager
/// that reported it (in the order given). Output is sorted by start time, then fingerprint.
pub fn dedup<A: AsRef<[Alert]>>(per_source: &[(String, A)]) -> Vec<Alert> {
    let mut merged: BTreeMap<String, Alert> = BTreeMap::new();
    for (source, alerts) in per_source {
        for a in alerts.as_ref() {
            match merged.get_mut(&a.fingerprint) {
                None => {
                    let mut a = a.clone();
                    a.sources = vec![source.clone()];
                    merged.insert(a.fingerprint.clone(), a);
                }
                Some(m) => {
                    let mut sources = std::mem::take(&mut m.sources);
                    if !sources.contains(source) {
                        sources.push(source.clone());
                    }
                    if a.updated_at > m.updated_at {
                        *m = a.clone();
                    }
                    m.sources = sources;
                }
            }
        }
    }
    let mut out: Vec<Alert> = merged.into_values().collect();
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.fingerprint.cmp(&b.fingerprint)));
    out
}
