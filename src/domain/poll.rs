//! One poll of one source: what it produced, why it failed, and how fresh the source is.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use super::{AlertList, MetricsPoll, StatusSummary};

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
    #[error("timed out after {}", super::format_compact(*.0))]
    Timeout(Duration),
    #[error("cannot resolve host {0}")]
    Dns(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Http { status: u16, detail: String },
    #[error("invalid JSON at line {line} column {column}: {message}")]
    BadJson { line: usize, column: usize, message: String },
    /// Over the source's `max_body`; the pane keeps the last good data.
    #[error("response larger than max_body ({})", format_size(*limit))]
    TooLarge { limit: usize },
    #[error("{0}")]
    Other(String),
}

/// `16 MiB`, `128 MiB`, `1.5 KiB`, `900 B` (as `util::bytes::format`).
pub fn format_size(n: usize) -> String {
    for (u, m) in [("GiB", 1usize << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if n >= m {
            return if n.is_multiple_of(m) {
                format!("{} {u}", n / m)
            } else {
                format!("{:.1} {u}", n as f64 / m as f64)
            };
        }
    }
    format!("{n} B")
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
