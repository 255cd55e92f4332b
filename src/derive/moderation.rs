//! The moderation queue: depth by priority, estimated wait, projected SLA breach.
use std::collections::BTreeMap;

use super::plan::pane_source;
use super::types::ModerationView;
use super::value;
use crate::config::Config;
use crate::domain::{InstantQuery, MetricsPoll, QueryData};

/// The queue view, or None when the config has no `[moderation]`.
pub fn view(cfg: &Config, polls: &BTreeMap<String, MetricsPoll>) -> Option<ModerationView> {
    let m = cfg.moderation.as_ref()?;
    let poll = pane_source(cfg, m.source.as_deref()).and_then(|s| polls.get(s));
    let depth = depth_by_priority(poll, &m.depth);
    let total = (!depth.is_empty()).then(|| depth.values().sum::<f64>());
    let inflow = value::instant_opt(poll, &InstantQuery::now(m.inflow.clone()));
    let throughput = value::instant_opt(poll, &InstantQuery::now(m.throughput.clone()));
    let sla_s = m.sla.as_secs_f64();
    let est_wait_s = total.zip(throughput).and_then(|(d, t)| est_wait_s(d, t));
    Some(ModerationView {
        depth,
        inflow_per_min: inflow,
        throughput_per_min: throughput,
        est_wait_s,
        oldest_age_s: m
            .oldest_age
            .as_ref()
            .and_then(|q| value::instant_opt(poll, &InstantQuery::now(q.clone()))),
        sla_s,
        breach_in_s: match (total, inflow, throughput) {
            (Some(d), Some(i), Some(t)) => breach_in_s(d, i, t, sla_s),
            _ => None,
        },
        depth_history: value::history(poll, &m.depth),
    })
}

/// A projected breach further away than this reads as keeping up.
pub const HORIZON_S: f64 = 86_400.0;
/// Inflow must exceed throughput by this share before a breach is projected; once
/// projected it stands until inflow falls to throughput (or the projection passes 1.25x
/// the horizon), so that near-equal rates do not flip the line on every poll.
pub const ENTER_MARGIN: f64 = 0.05;

/// The queue view with hysteresis against the previous one (see `settle`).
pub fn view_after(
    cfg: &Config,
    polls: &BTreeMap<String, MetricsPoll>,
    prev: Option<&ModerationView>,
) -> Option<ModerationView> {
    let mut v = view(cfg, polls)?;
    let was = prev.is_some_and(|p| p.breach_in_s.is_some());
    if let (Some(i), Some(t)) = (v.inflow_per_min, v.throughput_per_min) {
        v.breach_in_s = settle(v.breach_in_s, i, t, was);
    } else {
        v.breach_in_s = v.breach_in_s.filter(|s| *s <= HORIZON_S);
    }
    Some(v)
}

/// `raw` (from `breach_in_s`) with the horizon and hysteresis applied; `was`: a breach was
/// projected on the previous poll.
pub fn settle(raw: Option<f64>, inflow: f64, throughput: f64, was: bool) -> Option<f64> {
    let s = raw?;
    if s <= 0.0 {
        return Some(0.0);
    }
    let (margin, horizon) = if was { (0.0, HORIZON_S * 1.25) } else { (ENTER_MARGIN, HORIZON_S) };
    (inflow > throughput * (1.0 + margin) && s <= horizon).then_some(s)
}

/// Depth per queue: keyed by the `priority` label, else the value of a sample's only
/// label, else `total`. Samples with the same key are added; NaN samples are left out.
pub fn depth_by_priority(poll: Option<&MetricsPoll>, query: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let Some(Ok(resp)) = poll.and_then(|p| p.instant.get(&InstantQuery::now(query))) else { return out };
    match &resp.data {
        QueryData::Vector(samples) => {
            for s in samples.iter().filter(|s| !s.value.is_nan()) {
                let key = s
                    .labels
                    .get("priority")
                    .or_else(|| (s.labels.len() == 1).then(|| s.labels.values().next()).flatten())
                    .cloned()
                    .unwrap_or_else(|| "total".to_string());
                *out.entry(key).or_insert(0.0) += s.value;
            }
        }
        QueryData::Scalar { value, .. } if !value.is_nan() => {
            out.insert("total".to_string(), *value);
        }
        _ => {}
    }
    out
}

/// Estimated wait in seconds for an item joining now: depth / throughput per minute.
/// An empty queue waits 0; a non-empty queue nobody reviews has no finite wait (None).
pub fn est_wait_s(depth: f64, throughput_per_min: f64) -> Option<f64> {
    if depth <= 0.0 {
        return Some(0.0);
    }
    (throughput_per_min > 0.0).then(|| depth / throughput_per_min * 60.0).filter(|w| w.is_finite())
}

/// Seconds until the estimated wait exceeds `sla_s` at the current rates: 0 when it already
/// does; None when it never will (throughput keeps up with inflow). With depth D, inflow i
/// and throughput t per minute, the wait after m minutes is (D + (i - t) m) / t minutes.
pub fn breach_in_s(depth: f64, inflow_per_min: f64, throughput_per_min: f64, sla_s: f64) -> Option<f64> {
    let depth = depth.max(0.0);
    match est_wait_s(depth, throughput_per_min) {
        None => return Some(0.0),
        Some(w) if w > sla_s => return Some(0.0),
        _ => {}
    }
    if throughput_per_min <= 0.0 {
        // Nobody reviews: the first item to arrive waits forever.
        return (inflow_per_min > 0.0).then_some(0.0);
    }
    let growth = inflow_per_min - throughput_per_min;
    if growth <= 0.0 {
        return None;
    }
    let capacity = throughput_per_min * sla_s / 60.0;
    Some(((capacity - depth) / growth * 60.0).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{QueryResponse, Sample};

    #[test]
    fn wait_is_depth_over_throughput() {
        assert_eq!(est_wait_s(1020.0, 35.0).map(f64::round), Some(1749.0));
        assert_eq!(est_wait_s(0.0, 0.0), Some(0.0));
        assert_eq!(est_wait_s(10.0, 0.0), None);
    }

    #[test]
    fn breach_when_inflow_outpaces_throughput() {
        // depth 100, in 40/min, out 30/min, SLA 10 min: capacity 300 items, +10/min: 20 min.
        assert_eq!(breach_in_s(100.0, 40.0, 30.0, 600.0), Some(1200.0));
    }

    #[test]
    fn no_breach_when_throughput_keeps_up() {
        assert_eq!(breach_in_s(100.0, 30.0, 30.0, 600.0), None);
        assert_eq!(breach_in_s(100.0, 20.0, 30.0, 600.0), None);
    }

    #[test]
    fn breach_edges() {
        // Exactly at the SLA and growing: breaches now.
        assert_eq!(breach_in_s(300.0, 40.0, 30.0, 600.0), Some(0.0));
        // Exactly at the SLA and steady: not past it, never will be.
        assert_eq!(breach_in_s(300.0, 30.0, 30.0, 600.0), None);
        // Past it: 0 whatever the rates.
        assert_eq!(breach_in_s(301.0, 0.0, 30.0, 600.0), Some(0.0));
        // Nobody reviewing a non-empty queue: already past.
        assert_eq!(breach_in_s(5.0, 0.0, 0.0, 600.0), Some(0.0));
        // Empty queue, nobody reviewing, nothing arriving: fine; something arriving: breach.
        assert_eq!(breach_in_s(0.0, 0.0, 0.0, 600.0), None);
        assert_eq!(breach_in_s(0.0, 1.0, 0.0, 600.0), Some(0.0));
    }

    #[test]
    fn near_equal_rates_do_not_flip_and_far_breaches_keep_up() {
        // 2% more inflow than throughput: not enough to start projecting a breach...
        assert_eq!(settle(Some(3600.0), 40.8, 40.0, false), None);
        // ...but once projected (6% more), it stands while inflow stays above throughput.
        assert_eq!(settle(Some(3600.0), 42.4, 40.0, false), Some(3600.0));
        assert_eq!(settle(Some(3600.0), 40.8, 40.0, true), Some(3600.0));
        assert_eq!(settle(Some(3600.0), 40.0, 40.0, true), None);
        // Beyond 24 hours is keeping up; already past the SLA is a breach whatever the rates.
        assert_eq!(settle(Some(1e30), 40.8143, 40.8142, false), None);
        assert_eq!(settle(Some(90_000.0), 50.0, 40.0, false), None);
        assert_eq!(settle(Some(0.0), 10.0, 40.0, false), Some(0.0));
    }

    #[test]
    fn view_reads_depth_by_priority() {
        let cfg = crate::config::parse_str(
            "[[prometheus]]\nname = \"p\"\nurl = \"http://h\"\n\
             [moderation]\ndepth = \"d\"\ninflow = \"i\"\nthroughput = \"t\"\nsla = \"2h\"\n",
            "t",
        )
        .unwrap();
        let mut p = MetricsPoll::default();
        let s = |k: &str, v: f64| Sample {
            labels: [("priority".to_string(), k.to_string())].into(),
            ts: 0.0,
            value: v,
        };
        let ok = |data| Ok(QueryResponse { data, warnings: vec![] });
        p.instant
            .insert(InstantQuery::now("d"), ok(QueryData::Vector(vec![s("high", 120.0), s("low", 900.0)])));
        p.instant.insert(InstantQuery::now("i"), ok(QueryData::Scalar { ts: 0.0, value: 40.0 }));
        p.instant.insert(InstantQuery::now("t"), ok(QueryData::Scalar { ts: 0.0, value: 35.0 }));
        let v = view(&cfg, &BTreeMap::from([("p".to_string(), p)])).unwrap();
        assert_eq!(v.depth, BTreeMap::from([("high".to_string(), 120.0), ("low".to_string(), 900.0)]));
        assert_eq!(v.est_wait_s.map(f64::round), Some(1749.0));
        assert_eq!(v.sla_s, 7200.0);
        // capacity 35*120 = 4200 items; 3180 to go at +5/min = 636 min.
        assert_eq!(v.breach_in_s, Some(636.0 * 60.0));
        let none = view(&cfg, &BTreeMap::new()).unwrap();
        assert!(none.depth.is_empty() && none.est_wait_s.is_none() && none.breach_in_s.is_none());
        assert!(view(&Config::default(), &BTreeMap::new()).is_none());
    }
}
