//! A time-series chart of one figure (a health figure, a community metric, the moderation
//! queue's depth): what to fetch, over which range and step, and what came back. The
//! fetch is an effect (`Effect::FetchRange`), performed off the loop by the app.
use chrono::{DateTime, Utc};
use std::time::Duration;

use crate::derive::HealthMetric;
use crate::derive::health::{query_of, scale_of};
use crate::domain::Series;

use super::pane::Pane;
use super::state::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChartRange {
    #[default]
    H1,
    H6,
    H24,
    D7,
}

impl ChartRange {
    pub const ALL: [ChartRange; 4] = [ChartRange::H1, ChartRange::H6, ChartRange::H24, ChartRange::D7];
    pub fn duration(self) -> Duration {
        Duration::from_secs(match self {
            ChartRange::H1 => 3600,
            ChartRange::H6 => 6 * 3600,
            ChartRange::H24 => 24 * 3600,
            ChartRange::D7 => 7 * 86_400,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            ChartRange::H1 => "1h",
            ChartRange::H6 => "6h",
            ChartRange::H24 => "24h",
            ChartRange::D7 => "7d",
        }
    }
    pub fn parse(s: &str) -> Option<ChartRange> {
        ChartRange::ALL.into_iter().find(|r| r.label() == s.trim().to_ascii_lowercase())
    }
}

/// Points per series at most, whatever the width.
pub const MAX_POINTS: u64 = 1000;

/// The step for `range` on a chart `width` columns wide: a point per column, rounded up to a round step, at least 15 s, at most `MAX_POINTS` points.
pub fn step_for(range: ChartRange, width: u16) -> Duration {
    const ROUND: [u64; 14] =
        [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];
    let secs = range.duration().as_secs();
    let points = u64::from(width.max(10)).min(MAX_POINTS);
    let raw = secs.div_ceil(points);
    Duration::from_secs(ROUND.into_iter().find(|r| *r >= raw).unwrap_or(86_400))
}

/// What a chart draws, independent of the range.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartTarget {
    /// The words naming it in the palette: `api p99`, `community active-users`, `moderation`.
    pub words: Vec<String>,
    pub title: String,
    pub source: String,
    pub query: String,
    pub unit: String,
    /// Factor from the query's values to the unit (seconds to ms for latency).
    pub scale: f64,
    /// The target line and, where there is one, the critical threshold.
    pub target: Option<f64>,
    pub crit: Option<f64>,
    /// The pane the chart was opened from.
    pub pane: Pane,
    /// The value axis starts at zero (all but availability, whose story is near 100%).
    pub from_zero: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub target: ChartTarget,
    pub range: ChartRange,
    pub step: Duration,
    /// Bumped on every request: an answer for an older request is dropped.
    pub id: u64,
    pub requested_at: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The answer: the series (values in `target.unit`), or why there is none.
    pub data: Option<Result<Vec<Series>, String>>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// When a firing alert about this figure started, to mark on the time axis.
    pub alert_start: Option<DateTime<Utc>>,
}

/// A range query for the app to run (`Effect::FetchRange`).
#[derive(Debug, Clone, PartialEq)]
pub struct RangeFetch {
    pub id: u64,
    pub source: String,
    pub query: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub step: Duration,
}

fn slug(s: &str) -> String {
    s.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// Every figure that opens as a chart: each health figure of each service, each community
/// metric, the moderation queue.
pub fn targets(m: &Model) -> Vec<ChartTarget> {
    let cfg = &m.config;
    let default = crate::derive::plan::pane_source(cfg, None).map(str::to_string).unwrap_or_default();
    let mut out = Vec::new();
    for h in &cfg.health {
        let t = crate::derive::health::targets(h);
        for metric in [
            HealthMetric::Latency,
            HealthMetric::ErrorRate,
            HealthMetric::Availability,
            HealthMetric::Saturation,
        ] {
            let Some(q) = query_of(h, metric) else { continue };
            let (target, crit) = match metric {
                HealthMetric::Latency => (Some(t.latency_ms), Some(t.latency_crit_ms)),
                HealthMetric::ErrorRate => (Some(t.error_warn), Some(t.error_crit)),
                HealthMetric::Availability => (Some(t.slo), None),
                HealthMetric::Saturation => (Some(t.saturation_warn), None),
                HealthMetric::Burn => (None, None),
            };
            out.push(ChartTarget {
                words: vec![h.service.clone(), metric.short().to_string()],
                title: format!("{} {}", h.service, metric.short()),
                source: h.source.clone().unwrap_or_else(|| default.clone()),
                query: q.to_string(),
                unit: metric.unit().to_string(),
                scale: scale_of(metric),
                target,
                crit,
                pane: Pane::Health,
                from_zero: metric != HealthMetric::Availability,
            });
        }
    }
    for c in &cfg.community {
        out.push(ChartTarget {
            words: vec!["community".into(), slug(&c.name)],
            title: c.name.clone(),
            source: c.source.clone().unwrap_or_else(|| default.clone()),
            query: c.query.clone(),
            unit: c.unit.clone(),
            scale: 1.0,
            target: None,
            crit: None,
            pane: Pane::Community,
            from_zero: true,
        });
    }
    if let Some(q) = &cfg.moderation {
        out.push(ChartTarget {
            words: vec!["moderation".into()],
            title: "moderation queue depth".into(),
            source: q.source.clone().unwrap_or_else(|| default.clone()),
            query: q.depth.clone(),
            unit: "items".into(),
            scale: 1.0,
            target: None,
            crit: None,
            pane: Pane::Moderation,
            from_zero: true,
        });
    }
    out
}

/// The target the words name (`api p99`, `community votes`, `moderation`).
pub fn find(m: &Model, words: &[String]) -> Option<ChartTarget> {
    let want: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    targets(m).into_iter().find(|t| t.words.iter().map(|w| w.to_lowercase()).eq(want.iter().cloned()))
}

/// The chart Enter opens in the focused pane: the selected health row's TREND figure, the
/// selected community metric, the moderation queue.
pub fn for_selection(m: &Model) -> Option<ChartTarget> {
    let sel = m.scroll[m.focus.index()];
    match m.focus {
        Pane::Health => {
            let row = m.views.health.get(sel)?;
            let metric = row.trend.unwrap_or(HealthMetric::ErrorRate);
            find(m, &[row.service.clone(), metric.short().to_string()])
        }
        Pane::Community => {
            let row = m.views.community.get(sel)?;
            find(m, &["community".into(), slug(&row.name)])
        }
        Pane::Moderation => find(m, &["moderation".into()]),
        _ => None,
    }
}

/// When the earliest firing alert about `target` started: an active alert whose `service`
/// (or `job`) label or name mentions the chart's first word.
fn alert_start(m: &Model, target: &ChartTarget) -> Option<DateTime<Utc>> {
    let word = target.words.first()?.to_lowercase();
    m.views
        .alerts
        .iter()
        .filter(|a| !a.silenced && !a.inhibited)
        .filter(|a| {
            ["service", "job"].iter().any(|k| a.labels.get(k).is_some_and(|v| v.to_lowercase() == word))
                || (target.pane == Pane::Moderation && a.alertname.to_lowercase().contains("modqueue"))
        })
        .map(|a| a.starts_at)
        .min()
}

/// Opens (or re-ranges) the chart and returns the fetch to perform.
pub fn open(m: &mut Model, target: ChartTarget, range: ChartRange) -> RangeFetch {
    let id = m.chart.as_ref().map_or(1, |c| c.id + 1);
    let width = m.size.0.saturating_sub(14).max(20);
    let step = step_for(range, width);
    let end = m.now;
    let start = end - chrono::Duration::from_std(range.duration()).unwrap_or_default();
    let alert_start = alert_start(m, &target);
    let fetch =
        RangeFetch { id, source: target.source.clone(), query: target.query.clone(), start, end, step };
    m.chart = Some(Chart {
        target,
        range,
        step,
        id,
        requested_at: m.now,
        start,
        end,
        data: None,
        fetched_at: None,
        alert_start,
    });
    m.mark_dirty();
    fetch
}

/// An answer from the app: kept when it is for the latest request.
pub fn answered(m: &mut Model, id: u64, result: Result<Vec<Series>, String>) {
    let now = m.now;
    if let Some(c) = m.chart.as_mut().filter(|c| c.id == id) {
        let scale = c.target.scale;
        c.data = Some(result.map(|mut series| {
            for s in &mut series {
                for p in &mut s.points {
                    p.1 *= scale;
                }
            }
            series
        }));
        c.fetched_at = Some(now);
        m.mark_dirty();
    }
}

/// On the clock: refetch an open chart once its newest point is a step (at least 30 s) old.
pub fn tick(m: &mut Model) -> Option<RangeFetch> {
    let c = m.chart.as_ref()?;
    let every = chrono::Duration::from_std(c.step.max(Duration::from_secs(30))).ok()?;
    if m.now - c.requested_at < every || c.data.is_none() {
        return None;
    }
    let (target, range) = (c.target.clone(), c.range);
    Some(open(m, target, range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_and_points_bounded() {
        assert_eq!(step_for(ChartRange::H1, 120), Duration::from_secs(30));
        assert_eq!(step_for(ChartRange::H6, 120), Duration::from_secs(300));
        assert_eq!(step_for(ChartRange::D7, 386), Duration::from_secs(1800));
        for r in ChartRange::ALL {
            for w in [10, 80, 386, 1000, u16::MAX] {
                let n = r.duration().as_secs() / step_for(r, w).as_secs();
                assert!(n <= MAX_POINTS, "{r:?} {w}: {n}");
            }
        }
        assert_eq!(ChartRange::parse("6h"), Some(ChartRange::H6));
        assert_eq!(ChartRange::parse("2h"), None);
    }
}
