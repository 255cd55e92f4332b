//! The KPI board: each `[[kpi]]` row's value, its trend against the window before, and
//! whether it meets its target. Query KPIs read the poll (the query now and the same query
//! one window earlier); built-in ones get their numbers from the caller (the incident book,
//! the deploys), so this stays pure and free of the incident module.
//!
//! Contracts: `met` is null without a target or a value; `trend` is `up`, `down` or `flat`
//! (within 0.01% of the previous value), null without both values; `improving` says whether
//! the move is towards the target's side (null for `flat` or without a target).
use serde::Serialize;
use std::collections::BTreeMap;

use super::target::Target;
use super::value;
use crate::config::{Config, KpiSpec};
use crate::domain::{InstantQuery, MetricsPoll};

/// Built-in sources a `[[kpi]] builtin =` may name.
pub const BUILTINS: &[&str] = &[
    "mtta",
    "mttr",
    "incidents",
    "incidents_p0",
    "incidents_p1",
    "incidents_p2",
    "incidents_p3",
    "sla_breaches",
    "change_failure_rate",
    "deploy_frequency",
];

/// The unit a built-in answers in.
pub fn builtin_unit(name: &str) -> &'static str {
    match name {
        "mtta" | "mttr" => "s",
        "change_failure_rate" => "%",
        "deploy_frequency" => "deploys",
        _ => "incidents",
    }
}

/// A value now and over the window before (None: unknown).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measured {
    pub value: Option<f64>,
    pub previous: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiRow {
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    /// The target's number (seconds for a duration target).
    pub target: Option<f64>,
    pub comparator: Option<&'static str>,
    pub met: Option<bool>,
    pub trend: Option<&'static str>,
    pub improving: Option<bool>,
    /// The same figure one window earlier.
    pub previous: Option<f64>,
    /// `30d`.
    pub window: String,
    pub window_s: u64,
    /// `query` or the built-in's name.
    pub source: String,
    pub error: Option<String>,
}

/// The queries of the query KPIs: (source, query now, the same one window ago).
pub fn queries(cfg: &Config) -> Vec<(Option<&str>, Vec<InstantQuery>)> {
    cfg.kpi
        .iter()
        .filter_map(|k| {
            let q = k.query.as_ref()?;
            Some((
                k.source.as_deref(),
                vec![InstantQuery::now(q), InstantQuery { query: q.clone(), ago: k.window }],
            ))
        })
        .collect()
}

/// One row from its measurement.
pub fn row(k: &KpiSpec, m: Measured, error: Option<String>) -> KpiRow {
    let target = k.target.as_deref().and_then(|t| Target::parse(t).ok());
    let met = match (target, m.value) {
        (Some(t), Some(v)) => t.threshold(None).map(|th| t.comparator.holds(v, th)),
        _ => None,
    };
    let trend = match (m.value, m.previous) {
        (Some(v), Some(p)) if (v - p).abs() <= p.abs() * 1e-4 => Some("flat"),
        (Some(v), Some(p)) if v > p => Some("up"),
        (Some(_), Some(_)) => Some("down"),
        _ => None,
    };
    let improving = match (trend, target) {
        (Some("up"), Some(t)) => Some(t.comparator.higher_is_better()),
        (Some("down"), Some(t)) => Some(!t.comparator.higher_is_better()),
        _ => None,
    };
    let unit = match (&k.builtin, k.unit.is_empty()) {
        (Some(b), true) => builtin_unit(b).to_string(),
        _ => k.unit.clone(),
    };
    KpiRow {
        name: k.name.clone(),
        value: m.value,
        unit,
        target: target.map(|t| t.value),
        comparator: target.map(|t| t.comparator.as_str()),
        met,
        trend,
        improving,
        previous: m.previous,
        window: window_text(k.window),
        window_s: k.window.as_secs(),
        source: k.builtin.clone().unwrap_or_else(|| "query".into()),
        error,
    }
}

/// `30d`, `7d`, else the compact form (`12h`).
pub fn window_text(w: std::time::Duration) -> String {
    let s = w.as_secs();
    if s >= 86_400 && s.is_multiple_of(86_400) {
        format!("{}d", s / 86_400)
    } else {
        crate::util::duration::format_compact(w)
    }
}

/// Every `[[kpi]]` row in config order; `builtin(name, window)` measures the built-ins.
pub fn rows(
    cfg: &Config,
    metrics: &BTreeMap<String, MetricsPoll>,
    builtin: &dyn Fn(&str, std::time::Duration) -> Option<Measured>,
) -> Vec<KpiRow> {
    cfg.kpi
        .iter()
        .map(|k| {
            if let Some(q) = &k.query {
                let poll = super::plan::pane_source(cfg, k.source.as_deref()).and_then(|s| metrics.get(s));
                let now = value::instant(poll, &InstantQuery::now(q));
                let previous = value::instant_opt(poll, &InstantQuery { query: q.clone(), ago: k.window });
                let error = now.as_ref().err().cloned();
                return row(k, Measured { value: now.ok(), previous }, error);
            }
            let name = k.builtin.as_deref().unwrap_or_default();
            match builtin(name, k.window) {
                Some(m) => row(k, m, None),
                None => row(k, Measured::default(), Some(format!("unknown built-in `{name}`"))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn spec(target: &str) -> KpiSpec {
        KpiSpec {
            name: "Uptime".into(),
            query: Some("up".into()),
            builtin: None,
            source: None,
            unit: "%".into(),
            target: Some(target.into()),
            window: Duration::from_secs(30 * 86_400),
        }
    }

    #[test]
    fn met_trend_and_improving() {
        let r = row(&spec(">= 99.95"), Measured { value: Some(99.97), previous: Some(99.90) }, None);
        assert_eq!((r.met, r.trend, r.improving), (Some(true), Some("up"), Some(true)));
        assert_eq!((r.target, r.comparator, r.window.as_str()), (Some(99.95), Some(">="), "30d"));
        let r = row(&spec(">= 99.95"), Measured { value: Some(99.90), previous: Some(99.97) }, None);
        assert_eq!((r.met, r.trend, r.improving), (Some(false), Some("down"), Some(false)));
        let r = row(&spec("< 200ms"), Measured { value: Some(0.18), previous: Some(0.25) }, None);
        assert_eq!((r.met, r.trend, r.improving), (Some(true), Some("down"), Some(true)));
        let r = row(&spec("< 200ms"), Measured { value: Some(0.2), previous: Some(0.200001) }, None);
        assert_eq!((r.met, r.trend, r.improving), (Some(false), Some("flat"), None));
        let r = row(&spec(">= 1"), Measured::default(), Some("no series".into()));
        assert_eq!((r.met, r.trend), (None, None));
    }

    #[test]
    fn builtins_get_their_unit() {
        let k = KpiSpec { builtin: Some("mttr".into()), query: None, unit: String::new(), ..spec("<= 1h") };
        let cfg = Config { kpi: vec![k], ..Config::default() };
        let r = rows(&cfg, &BTreeMap::new(), &|name, _| {
            (name == "mttr").then_some(Measured { value: Some(1800.0), previous: Some(2400.0) })
        });
        assert_eq!((r[0].unit.as_str(), r[0].met, r[0].improving), ("s", Some(true), Some(true)));
        assert_eq!(r[0].source, "mttr");
    }
}
