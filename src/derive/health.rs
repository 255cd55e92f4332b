//! System health: one row per `[[health]]` service, judged against its thresholds.
//!
//! Rules (each check gives a state; the row takes the worst; a configured query without a
//! value gives UNKNOWN unless another check already says WARN or CRIT):
//! - availability below the SLO (strictly) is CRIT; exactly at the SLO is OK;
//! - p99 latency at or above the target is WARN (the target is "p99 < target");
//! - error rate above `error_crit` (strictly) is CRIT; at or above `error_warn` is WARN;
//! - saturation above `saturation_warn` (strictly) is WARN.
//!
//! Burn rate = (100 - availability) / (100 - slo): 1.0 spends the error budget exactly.
use std::collections::BTreeMap;

use super::plan::{health_spark_query, pane_source};
use super::types::{HealthRow, HealthState};
use super::value;
use crate::config::{Config, HealthSpec};
use crate::domain::{InstantQuery, MetricsPoll};

/// Rows worst first (CRIT, WARN, UNKNOWN, OK); config order within a state.
pub fn rows(cfg: &Config, polls: &BTreeMap<String, MetricsPoll>) -> Vec<HealthRow> {
    let mut out: Vec<HealthRow> = cfg
        .health
        .iter()
        .map(|h| {
            let poll = pane_source(cfg, h.source.as_deref()).and_then(|s| polls.get(s));
            row(h, poll)
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

struct Judge {
    state: HealthState,
    reasons: Vec<String>,
}

impl Judge {
    fn set(&mut self, state: HealthState, reason: String) {
        self.state = self.state.min(state);
        self.reasons.push(reason);
    }
}

/// One service's row from its source's latest poll (None: no data yet or source failing).
pub fn row(h: &HealthSpec, poll: Option<&MetricsPoll>) -> HealthRow {
    let mut j = Judge { state: HealthState::Ok, reasons: Vec::new() };
    let read = |what: &str, q: &Option<String>, j: &mut Judge| -> Option<f64> {
        let q = q.as_ref()?;
        match value::instant(poll, &InstantQuery::now(q.clone())) {
            Ok(v) => Some(v),
            Err(why) => {
                j.set(HealthState::Unknown, format!("{what}: {why}"));
                None
            }
        }
    };
    let availability = read("availability", &h.availability, &mut j);
    let latency_ms = read("latency", &h.latency_p99, &mut j).map(|s| s * 1000.0);
    let error_rate = read("error rate", &h.error_rate, &mut j);
    let saturation = read("saturation", &h.saturation, &mut j);
    let any_query =
        [&h.availability, &h.latency_p99, &h.error_rate, &h.saturation].iter().any(|q| q.is_some());
    if !any_query {
        j.set(HealthState::Unknown, "no queries configured".into());
    }

    if let Some(a) = availability
        && a < h.slo
    {
        j.set(HealthState::Crit, format!("availability {a:.2}% below SLO {}%", h.slo));
    }
    let target_ms = h.latency_target.as_secs_f64() * 1000.0;
    if let Some(l) = latency_ms
        && l >= target_ms
    {
        j.set(HealthState::Warn, format!("p99 {l:.0}ms over target {target_ms:.0}ms"));
    }
    if let Some(e) = error_rate {
        if e > h.error_crit {
            j.set(HealthState::Crit, format!("errors {e:.2}% above {}%", h.error_crit));
        } else if e >= h.error_warn {
            j.set(HealthState::Warn, format!("errors {e:.2}% at or above {}%", h.error_warn));
        }
    }
    if let Some(s) = saturation
        && s > h.saturation_warn
    {
        j.set(HealthState::Warn, format!("saturation {s:.0}% above {}%", h.saturation_warn));
    }

    let sparkline = health_spark_query(h).map(|q| value::history(poll, q)).unwrap_or_default();
    HealthRow {
        service: h.service.clone(),
        state: j.state,
        availability,
        latency_p99_ms: latency_ms,
        error_rate_pct: error_rate,
        saturation_pct: saturation,
        burn_rate: availability.and_then(|a| burn_rate(a, h.slo)),
        reasons: j.reasons,
        sparkline,
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
        assert_eq!(state(with(1, f64::INFINITY)), HealthState::Warn);
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
        assert_eq!(r.reasons.len(), 2);
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
