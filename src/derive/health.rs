//! System health: one row per `[[health]]` service, judged against its thresholds.
//!
//! Each figure gets its own state by its own thresholds (a configured query without a
//! value is UNKNOWN); the row takes the worst (CRIT, WARN, UNKNOWN, OK):
//! - availability below the SLO (strictly) is CRIT; exactly at the SLO is OK;
//! - p99 latency at or above the target is WARN (the target is "p99 < target"), above
//!   `latency_crit` (default twice the target, strictly) CRIT;
//! - error rate above `error_crit` (strictly) is CRIT; at or above `error_warn` is WARN;
//! - saturation above `saturation_warn` (strictly) is WARN;
//! - error-budget burn rate = (100 - availability) / (100 - slo), 1.0 spends the budget
//!   exactly over the SLO period; at or above 14.4 is CRIT and at or above 6 WARN: the
//!   fast-burn thresholds of the Google SRE workbook's multiwindow alerts (2% of a 30-day
//!   budget in one hour, 5% in six hours). The availability query's own window is the
//!   window: one figure, not the workbook's long and short window pair.
//!
//! The TREND column draws the config's `trend` figure, else the row's worst (ties: error
//! rate, latency, availability, saturation), scaled from zero to at least its critical
//! threshold so that noise far below it stays flat.
use std::collections::BTreeMap;

use super::plan::pane_source;
use super::types::{HealthMetric, HealthRow, HealthState, HealthTargets};
use super::value;
use crate::config::{Config, HealthSpec};
use crate::domain::{InstantQuery, MetricsPoll};

/// Fast-burn thresholds (Google SRE workbook, "Alerting on SLOs", multiwindow alerts).
pub const BURN_CRIT: f64 = 14.4;
pub const BURN_WARN: f64 = 6.0;

/// Rows worst first (CRIT, WARN, UNKNOWN, OK); config order within a state.
pub fn rows(cfg: &Config, polls: &BTreeMap<String, MetricsPoll>) -> Vec<HealthRow> {
    let mut out: Vec<HealthRow> = cfg
        .health
        .iter()
        .map(|h| {
            let source = pane_source(cfg, h.source.as_deref());
            let mut r = row(h, source.and_then(|s| polls.get(s)));
            r.source = source.map(str::to_string);
            r
        })
        .collect();
    out.sort_by_key(|r| r.state);
    out
}

/// Error-budget burn rate; None without an availability or with a 100% SLO.
pub fn burn_rate(availability: f64, slo: f64) -> Option<f64> {
    let budget = 100.0 - slo;
    (availability.is_finite() && budget > 0.0).then(|| ((100.0 - availability) / budget).max(0.0))
}

/// The thresholds of `h`.
pub fn targets(h: &HealthSpec) -> HealthTargets {
    let latency_ms = h.latency_target.as_secs_f64() * 1000.0;
    HealthTargets {
        slo: h.slo,
        latency_ms,
        latency_crit_ms: h.latency_crit.map(|d| d.as_secs_f64() * 1000.0).unwrap_or(2.0 * latency_ms),
        error_warn: h.error_warn,
        error_crit: h.error_crit,
        saturation_warn: h.saturation_warn,
        burn_warn: BURN_WARN,
        burn_crit: BURN_CRIT,
    }
}

/// The query behind a figure (burn reads the availability query).
pub fn query_of(h: &HealthSpec, metric: HealthMetric) -> Option<&str> {
    match metric {
        HealthMetric::Availability | HealthMetric::Burn => h.availability.as_deref(),
        HealthMetric::Latency => h.latency_p99.as_deref(),
        HealthMetric::ErrorRate => h.error_rate.as_deref(),
        HealthMetric::Saturation => h.saturation.as_deref(),
    }
}

/// The factor from a query's value to the unit shown (latency queries answer seconds).
pub fn scale_of(metric: HealthMetric) -> f64 {
    if metric == HealthMetric::Latency { 1000.0 } else { 1.0 }
}

/// The state of one figure's value by its thresholds.
pub fn judge(metric: HealthMetric, v: f64, t: &HealthTargets) -> HealthState {
    use HealthState::*;
    match metric {
        HealthMetric::Availability if v < t.slo => Crit,
        HealthMetric::Latency if v > t.latency_crit_ms => Crit,
        HealthMetric::Latency if v >= t.latency_ms => Warn,
        HealthMetric::ErrorRate if v > t.error_crit => Crit,
        HealthMetric::ErrorRate if v >= t.error_warn => Warn,
        HealthMetric::Saturation if v > t.saturation_warn => Warn,
        HealthMetric::Burn if v >= t.burn_crit => Crit,
        HealthMetric::Burn if v >= t.burn_warn => Warn,
        _ => Ok,
    }
}

/// The line a breaching figure adds to the row's reasons.
fn reason(metric: HealthMetric, v: f64, s: HealthState, t: &HealthTargets) -> String {
    match (metric, s) {
        (HealthMetric::Availability, _) => format!("availability {v:.2}% below SLO {}%", t.slo),
        (HealthMetric::Latency, HealthState::Crit) => {
            format!("p99 {v:.0}ms over {:.0}ms (2x target)", t.latency_crit_ms)
        }
        (HealthMetric::Latency, _) => format!("p99 {v:.0}ms over target {:.0}ms", t.latency_ms),
        (HealthMetric::ErrorRate, HealthState::Crit) => format!("errors {v:.2}% above {}%", t.error_crit),
        (HealthMetric::ErrorRate, _) => format!("errors {v:.2}% at or above {}%", t.error_warn),
        (HealthMetric::Saturation, _) => format!("saturation {v:.0}% above {}%", t.saturation_warn),
        (HealthMetric::Burn, HealthState::Crit) => format!("burn {v:.1}x at or above {}x", t.burn_crit),
        (HealthMetric::Burn, _) => format!("burn {v:.1}x at or above {}x", t.burn_warn),
    }
}

/// The sparkline's scale for `metric` given its values.
fn trend_scale(metric: HealthMetric, values: &[f64], t: &HealthTargets) -> (f64, f64) {
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    match metric {
        HealthMetric::Availability => (lo.min(t.slo - 4.0 * (100.0 - t.slo)).max(0.0), 100.0),
        HealthMetric::Latency => (0.0, hi.max(t.latency_crit_ms)),
        HealthMetric::ErrorRate => (0.0, hi.max(t.error_crit)),
        HealthMetric::Saturation => (0.0, hi.max(100.0)),
        HealthMetric::Burn => (0.0, hi.max(t.burn_crit)),
    }
}

/// A row from values already read (tests, fixtures): each cell judged by `t`, burn from
/// the availability, the state the worst cell, the trend the worst figure.
pub fn from_values(
    service: &str,
    values: [Option<f64>; 4],
    t: HealthTargets,
    sparkline: Vec<f64>,
) -> HealthRow {
    let mut cells: [Option<HealthState>; 5] = [None; 5];
    let burn = values[0].and_then(|a| burn_rate(a, t.slo));
    let all = [values[0], values[1], values[2], values[3], burn];
    for (m, v) in HealthMetric::ALL.into_iter().zip(all) {
        cells[m.index()] = v.map(|v| judge(m, v, &t));
    }
    let state = cells.iter().flatten().copied().min().unwrap_or(HealthState::Unknown);
    let trend = [
        HealthMetric::ErrorRate,
        HealthMetric::Latency,
        HealthMetric::Availability,
        HealthMetric::Saturation,
    ]
    .into_iter()
    .filter(|m| cells[m.index()].is_some())
    .min_by_key(|m| cells[m.index()]);
    let trend_scale = trend.map(|m| trend_scale(m, &sparkline, &t)).unwrap_or((0.0, 1.0));
    HealthRow {
        service: service.into(),
        state,
        availability: values[0],
        latency_p99_ms: values[1],
        error_rate_pct: values[2],
        saturation_pct: values[3],
        burn_rate: burn,
        reasons: Vec::new(),
        sparkline,
        cells,
        targets: t,
        trend,
        trend_scale,
        source: None,
    }
}

/// The default thresholds (DESIGN.md section 2).
pub fn default_targets() -> HealthTargets {
    HealthTargets {
        slo: 99.95,
        latency_ms: 200.0,
        latency_crit_ms: 400.0,
        error_warn: 1.0,
        error_crit: 5.0,
        saturation_warn: 80.0,
        burn_warn: BURN_WARN,
        burn_crit: BURN_CRIT,
    }
}

/// One service's row from its source's latest poll (None: no data yet or source failing).
pub fn row(h: &HealthSpec, poll: Option<&MetricsPoll>) -> HealthRow {
    let t = targets(h);
    let mut reasons = Vec::new();
    let mut cells: [Option<HealthState>; 5] = [None; 5];
    let mut vals: [Option<f64>; 5] = [None; 5];
    for metric in
        [HealthMetric::Availability, HealthMetric::Latency, HealthMetric::ErrorRate, HealthMetric::Saturation]
    {
        let Some(q) = query_of(h, metric) else { continue };
        let what = match metric {
            HealthMetric::Availability => "availability",
            HealthMetric::Latency => "latency",
            HealthMetric::ErrorRate => "error rate",
            _ => "saturation",
        };
        match value::instant(poll, &InstantQuery::now(q)) {
            Ok(v) => {
                let v = v * scale_of(metric);
                vals[metric.index()] = Some(v);
                cells[metric.index()] = Some(judge(metric, v, &t));
            }
            Err(why) => {
                cells[metric.index()] = Some(HealthState::Unknown);
                reasons.push(format!("{what}: {why}"));
            }
        }
    }
    if h.availability.is_some() {
        let b = HealthMetric::Burn.index();
        vals[b] = vals[0].and_then(|a| burn_rate(a, h.slo));
        cells[b] = Some(vals[b].map(|v| judge(HealthMetric::Burn, v, &t)).unwrap_or(HealthState::Unknown));
    }
    // Reasons in column order, burn after availability only when it adds to it.
    for metric in HealthMetric::ALL {
        if let (Some(v), Some(s)) = (vals[metric.index()], cells[metric.index()])
            && matches!(s, HealthState::Crit | HealthState::Warn)
        {
            reasons.push(reason(metric, v, s, &t));
        }
    }
    let mut state = cells.iter().flatten().copied().min().unwrap_or(HealthState::Unknown);
    if cells.iter().all(Option::is_none) {
        reasons.push("no queries configured".into());
        state = HealthState::Unknown;
    }
    let trend =
        h.trend.as_deref().and_then(HealthMetric::parse).filter(|m| cells[m.index()].is_some()).or_else(
            || {
                let pref = [
                    HealthMetric::ErrorRate,
                    HealthMetric::Latency,
                    HealthMetric::Availability,
                    HealthMetric::Saturation,
                ];
                let worst = pref.iter().filter_map(|m| cells[m.index()]).min()?;
                let burn_worst = cells[HealthMetric::Burn.index()].is_some_and(|b| b < worst);
                if burn_worst {
                    return Some(HealthMetric::Availability);
                }
                pref.into_iter().find(|m| cells[m.index()] == Some(worst))
            },
        );
    let trend = trend.map(|m| if m == HealthMetric::Burn { HealthMetric::Availability } else { m });
    let sparkline: Vec<f64> = trend
        .and_then(|m| query_of(h, m).map(|q| (m, q)))
        .map(|(m, q)| value::history(poll, q).into_iter().map(|v| v * scale_of(m)).collect())
        .unwrap_or_default();
    let trend_scale = trend.map(|m| trend_scale(m, &sparkline, &t)).unwrap_or((0.0, 1.0));
    HealthRow {
        service: h.service.clone(),
        state,
        availability: vals[0],
        latency_p99_ms: vals[1],
        error_rate_pct: vals[2],
        saturation_pct: vals[3],
        burn_rate: vals[4],
        reasons,
        sparkline,
        cells,
        targets: t,
        trend,
        trend_scale,
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{QueryData, QueryResponse, Sample, Series};
    use std::time::Duration;

    fn spec() -> HealthSpec {
        HealthSpec {
            service: "api".into(),
            source: None,
            availability: Some("a".into()),
            slo: 99.95,
            latency_p99: Some("l".into()),
            latency_target: Duration::from_millis(200),
            error_rate: Some("e".into()),
            error_warn: 1.0,
            error_crit: 5.0,
            saturation: Some("s".into()),
            saturation_warn: 80.0,
            latency_crit: None,
            trend: None,
        }
    }

    /// A poll answering a, l (seconds), e, s with the given values (None: query failed).
    fn poll(vals: [Option<f64>; 4]) -> MetricsPoll {
        let mut p = MetricsPoll::default();
        for (q, v) in ["a", "l", "e", "s"].into_iter().zip(vals) {
            let answer = match v {
                Some(value) => Ok(QueryResponse {
                    data: QueryData::Vector(vec![Sample { labels: Default::default(), ts: 0.0, value }]),
                    warnings: vec![],
                }),
                None => Err("HTTP 503".to_string()),
            };
            p.instant.insert(InstantQuery::now(q), answer);
        }
        p
    }

    fn state(vals: [Option<f64>; 4]) -> HealthState {
        row(&spec(), Some(&poll(vals))).state
    }

    const GOOD: [Option<f64>; 4] = [Some(99.99), Some(0.1), Some(0.5), Some(40.0)];

    fn with(i: usize, v: f64) -> [Option<f64>; 4] {
        let mut vals = GOOD;
        vals[i] = Some(v);
        vals
    }

    #[test]
    fn all_good_is_ok_with_values() {
        let r = row(&spec(), Some(&poll(GOOD)));
        assert_eq!(r.state, HealthState::Ok);
        assert!(r.reasons.is_empty());
        assert_eq!(r.latency_p99_ms, Some(100.0));
        assert_eq!(r.error_rate_pct, Some(0.5));
        assert_eq!(r.saturation_pct, Some(40.0));
        let burn = r.burn_rate.unwrap();
        assert!((burn - 0.2).abs() < 1e-9, "{burn}");
    }

    #[test]
    fn availability_edges() {
        assert_eq!(state(with(0, 99.95)), HealthState::Ok);
        assert_eq!(state(with(0, 99.9499)), HealthState::Crit);
        assert_eq!(state(with(0, 100.0)), HealthState::Ok);
    }

    #[test]
    fn latency_edges() {
        assert_eq!(state(with(1, 0.1999)), HealthState::Ok);
        assert_eq!(state(with(1, 0.2)), HealthState::Warn);
        assert_eq!(state(with(1, 0.4)), HealthState::Warn);
        assert_eq!(state(with(1, 0.4001)), HealthState::Crit);
        assert_eq!(state(with(1, f64::INFINITY)), HealthState::Crit);
        let mut s = spec();
        s.latency_crit = Some(Duration::from_secs(1));
        assert_eq!(row(&s, Some(&poll(with(1, 0.9)))).state, HealthState::Warn);
        assert_eq!(row(&s, Some(&poll(with(1, 1.01)))).state, HealthState::Crit);
    }

    #[test]
    fn db_p99_twice_over_its_target_is_crit_in_its_cell_and_row() {
        let mut s = spec();
        s.latency_target = Duration::from_secs(1);
        let r = row(&s, Some(&poll(with(1, 2.04))));
        assert_eq!(r.cells[HealthMetric::Latency.index()], Some(HealthState::Crit));
        assert_eq!(r.cells[HealthMetric::ErrorRate.index()], Some(HealthState::Ok));
        assert_eq!(r.state, HealthState::Crit);
        assert_eq!(r.trend, Some(HealthMetric::Latency), "the trend shows the worst figure");
    }

    #[test]
    fn burn_rate_fast_burn_thresholds() {
        let t = targets(&spec());
        assert_eq!(judge(HealthMetric::Burn, 5.99, &t), HealthState::Ok);
        assert_eq!(judge(HealthMetric::Burn, 6.0, &t), HealthState::Warn);
        assert_eq!(judge(HealthMetric::Burn, 14.4, &t), HealthState::Crit);
    }

    #[test]
    fn the_row_state_is_its_worst_cell() {
        for vals in [GOOD, with(0, 99.0), with(1, 0.3), with(2, 2.0), with(3, 90.0), with(2, 9.0)] {
            let r = row(&spec(), Some(&poll(vals)));
            assert_eq!(Some(r.state), r.cells.iter().flatten().copied().min(), "{vals:?}");
        }
    }

    #[test]
    fn error_rate_edges() {
        assert_eq!(state(with(2, 0.999)), HealthState::Ok);
        assert_eq!(state(with(2, 1.0)), HealthState::Warn);
        assert_eq!(state(with(2, 5.0)), HealthState::Warn);
        assert_eq!(state(with(2, 5.0001)), HealthState::Crit);
    }

    #[test]
    fn saturation_edges() {
        assert_eq!(state(with(3, 80.0)), HealthState::Ok);
        assert_eq!(state(with(3, 80.1)), HealthState::Warn);
    }

    #[test]
    fn missing_data_is_unknown_unless_something_is_breached() {
        let mut vals = GOOD;
        vals[3] = None;
        let r = row(&spec(), Some(&poll(vals)));
        assert_eq!(r.state, HealthState::Unknown);
        assert_eq!(r.reasons, ["saturation: HTTP 503"]);
        vals[2] = Some(9.0);
        assert_eq!(state(vals), HealthState::Crit);
        assert_eq!(row(&spec(), None).state, HealthState::Unknown);
        assert_eq!(state(with(0, f64::NAN)), HealthState::Unknown);
    }

    #[test]
    fn crit_beats_warn() {
        let mut vals = with(1, 0.5);
        vals[2] = Some(6.0);
        let r = row(&spec(), Some(&poll(vals)));
        assert_eq!(r.state, HealthState::Crit);
        assert_eq!(r.reasons.len(), 2, "{:?}", r.reasons);
    }

    #[test]
    fn burn_rate_formula_and_edges() {
        assert_eq!(burn_rate(99.95, 99.95), Some(1.0));
        assert!((burn_rate(99.0, 99.9).unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(burn_rate(100.0, 99.9), Some(0.0));
        assert_eq!(burn_rate(100.5, 99.9), Some(0.0));
        assert_eq!(burn_rate(99.0, 100.0), None);
        assert_eq!(burn_rate(f64::INFINITY, 99.0), None);
    }

    #[test]
    fn rows_are_worst_first_and_keep_config_order() {
        let mut cfg = Config::default();
        cfg.prometheus.push(crate::config::SourceSpec {
            name: "p".into(),
            url: "http://h".into(),
            ..Default::default()
        });
        for (name, q) in [("ok1", "good"), ("crit", "bad"), ("unknown", "missing"), ("ok2", "good")] {
            cfg.health.push(HealthSpec { service: name.into(), availability: Some(q.into()), ..spec() });
            cfg.health.last_mut().unwrap().latency_p99 = None;
            cfg.health.last_mut().unwrap().error_rate = None;
            cfg.health.last_mut().unwrap().saturation = None;
        }
        let mut p = MetricsPoll::default();
        for (q, v) in [("good", 100.0), ("bad", 90.0)] {
            let data = QueryData::Vector(vec![Sample { labels: Default::default(), ts: 0.0, value: v }]);
            p.instant.insert(InstantQuery::now(q), Ok(QueryResponse { data, warnings: vec![] }));
        }
        p.range.insert(
            "good".into(),
            Ok(vec![Series { labels: Default::default(), points: vec![(0.0, 99.0), (60.0, 100.0)] }]),
        );
        let rows = rows(&cfg, &BTreeMap::from([("p".to_string(), p)]));
        let order: Vec<&str> = rows.iter().map(|r| r.service.as_str()).collect();
        assert_eq!(order, ["crit", "unknown", "ok1", "ok2"]);
        assert_eq!(rows[2].sparkline, [99.0, 100.0]);
    }
}
