//! Per-source state and what a pane says about the age of its data. The same label
//! functions feed the screen and the tick's change detection, so a tick redraws only when
//! a shown string changes.
use chrono::{DateTime, Utc};
use std::time::Duration;

use crate::config::Config;
use crate::domain::{Freshness, PollData, SourceKind, SourceStatus};
use crate::util::duration::format_age;

use super::pane::Pane;

/// One configured source: its freshness bookkeeping and its latest good data.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceState {
    pub name: String,
    pub kind: SourceKind,
    pub interval: Duration,
    pub freshness: Freshness,
    /// The latest successful poll's data; kept while the source fails.
    pub data: Option<PollData>,
}

impl SourceState {
    pub fn status(&self, now: DateTime<Utc>) -> SourceStatus {
        self.freshness.status(now, self.interval)
    }
}

/// Every configured source, in config order (prometheus, scrape, alertmanager, statuspage).
pub fn sources_of(config: &Config) -> Vec<SourceState> {
    let kinds = [
        (&config.prometheus, SourceKind::Prometheus),
        (&config.scrape, SourceKind::Scrape),
        (&config.alertmanager, SourceKind::Alertmanager),
        (&config.statuspage, SourceKind::Statuspage),
    ];
    kinds
        .into_iter()
        .flat_map(|(specs, kind)| {
            specs.iter().map(move |s| SourceState {
                name: s.name.clone(),
                kind,
                interval: s.poll_or(&config.defaults),
                freshness: Freshness::default(),
                data: None,
            })
        })
        .collect()
}

/// Names of the sources a pane's data comes from.
pub fn pane_source_names(config: &Config, pane: Pane) -> Vec<String> {
    let default_metrics = config.prometheus.first().or(config.scrape.first()).map(|s| s.name.clone());
    let pick = |s: &Option<String>| s.clone().or_else(|| default_metrics.clone());
    let mut names: Vec<String> = match pane {
        Pane::Health => config.health.iter().filter_map(|h| pick(&h.source)).collect(),
        Pane::Community => config.community.iter().filter_map(|c| pick(&c.source)).collect(),
        Pane::Moderation => config.moderation.iter().filter_map(|m| pick(&m.source)).collect(),
        Pane::Alerts => config.alertmanager.iter().map(|s| s.name.clone()).collect(),
        Pane::Status => config.statuspage.iter().map(|s| s.name.clone()).collect(),
        Pane::Clock | Pane::Runbook => vec![],
    };
    names.sort();
    names.dedup();
    names
}

/// How fresh a pane's data is: the worst of its sources.
#[derive(Debug, Clone, PartialEq)]
pub enum PaneAge {
    /// The pane has no data source (clock, runbook).
    NoSource,
    Loading,
    Fresh {
        age: Duration,
    },
    Stale {
        age: Duration,
        reason: Option<String>,
    },
    /// Failing before any data arrived.
    NoData {
        reason: String,
    },
}

impl PaneAge {
    pub fn is_stale(&self) -> bool {
        matches!(self, PaneAge::Stale { .. } | PaneAge::NoData { .. })
    }

    /// The label in the pane's title bar: `12s ago` style coarse ages when fresh (they change
    /// in steps, not every second), `STALE 2m10s` otherwise.
    pub fn label(&self) -> String {
        match self {
            PaneAge::NoSource => String::new(),
            PaneAge::Loading => "loading…".into(),
            PaneAge::Fresh { age } => format!("age {}", coarse_age(*age)),
            PaneAge::Stale { age, .. } => format!("STALE {}", format_age(*age)),
            PaneAge::NoData { .. } => "NO DATA".into(),
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            PaneAge::Stale { reason, .. } => reason.as_deref(),
            PaneAge::NoData { reason } => Some(reason),
            _ => None,
        }
    }
}

/// Ages in steps: `<10s`, `<30s`, `<1m`, then whole minutes, hours.
pub fn coarse_age(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..10 => "<10s".into(),
        10..30 => "<30s".into(),
        30..60 => "<1m".into(),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// The pane age over the given sources at `now`.
pub fn pane_age<'a>(sources: impl Iterator<Item = &'a SourceState>, now: DateTime<Utc>) -> PaneAge {
    let mut any = false;
    let mut oldest_ok: Option<DateTime<Utc>> = None;
    let mut worst: Option<(u8, Option<String>)> = None; // 2 = failing, 1 = stale
    let mut loading = false;
    for s in sources {
        any = true;
        if let Some(t) = s.freshness.last_ok {
            oldest_ok = Some(oldest_ok.map_or(t, |o| o.min(t)));
        }
        let (rank, reason) = match s.status(now) {
            SourceStatus::Loading => {
                loading = true;
                continue;
            }
            SourceStatus::Fresh => continue,
            SourceStatus::Stale { .. } => (1, None),
            SourceStatus::Failing { reason, .. } => (2, Some(format!("{}: {reason}", s.name))),
        };
        if worst.as_ref().is_none_or(|(r, _)| rank > *r) {
            worst = Some((rank, reason));
        }
    }
    if !any {
        return PaneAge::NoSource;
    }
    let age = |t: DateTime<Utc>| (now - t).to_std().unwrap_or_default();
    match (worst, oldest_ok) {
        (Some((_, reason)), Some(t)) => PaneAge::Stale { age: age(t), reason },
        (Some((_, reason)), None) => PaneAge::NoData { reason: reason.unwrap_or_default() },
        (None, _) if loading => PaneAge::Loading,
        (None, Some(t)) => PaneAge::Fresh { age: age(t) },
        (None, None) => PaneAge::Loading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SourceError;
    use chrono::TimeZone;

    fn src(name: &str) -> SourceState {
        SourceState {
            name: name.into(),
            kind: SourceKind::Prometheus,
            interval: Duration::from_secs(5),
            freshness: Freshness::default(),
            data: None,
        }
    }

    #[test]
    fn pane_age_takes_the_worst_source() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let mut a = src("a");
        let mut b = src("b");
        assert_eq!(pane_age([&a, &b].into_iter(), t0), PaneAge::Loading);
        a.freshness.record(t0, None);
        b.freshness.record(t0, None);
        let later = t0 + chrono::Duration::seconds(3);
        assert_eq!(pane_age([&a, &b].into_iter(), later).label(), "age <10s");
        b.freshness.record(t0 + chrono::Duration::seconds(5), Some(&SourceError::Refused));
        let p = pane_age([&a, &b].into_iter(), t0 + chrono::Duration::seconds(130));
        assert_eq!(p.label(), "STALE 2m10s");
        assert_eq!(p.reason(), Some("b: connection refused"));
        assert_eq!(pane_age(std::iter::empty(), t0), PaneAge::NoSource);
    }
}
