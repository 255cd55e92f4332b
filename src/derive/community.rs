//! Community metrics: value now, the same 7 days ago, the change in percent.
use std::collections::BTreeMap;

use super::plan::{WEEK, pane_source};
use super::types::CommunityRow;
use super::value;
use crate::config::Config;
use crate::domain::{InstantQuery, MetricsPoll};

/// One row per `[[community]]` metric, in config order.
pub fn rows(cfg: &Config, polls: &BTreeMap<String, MetricsPoll>) -> Vec<CommunityRow> {
    cfg.community
        .iter()
        .map(|c| {
            let poll = pane_source(cfg, c.source.as_deref()).and_then(|s| polls.get(s));
            let value = value::instant_opt(poll, &InstantQuery::now(c.query.clone()));
            let week_ago = if c.week_over_week {
                value::instant_opt(poll, &InstantQuery { query: c.query.clone(), ago: WEEK })
            } else {
                None
            };
            CommunityRow {
                name: c.name.clone(),
                value,
                unit: c.unit.clone(),
                week_ago,
                delta_pct: value.zip(week_ago).and_then(|(v, w)| delta_pct(v, w)),
                sparkline: value::history(poll, &c.query),
            }
        })
        .collect()
}

/// Change from `before` to `now` in percent of `|before|`; None when `before` is zero or
/// either is not finite.
pub fn delta_pct(now: f64, before: f64) -> Option<f64> {
    let d = (now - before) / before.abs() * 100.0;
    (before != 0.0 && d.is_finite()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{QueryData, QueryResponse};

    #[test]
    fn delta_edges() {
        assert!((delta_pct(51234.0, 48800.0).unwrap() - 4.9877).abs() < 1e-3);
        assert_eq!(delta_pct(50.0, 100.0), Some(-50.0));
        assert_eq!(delta_pct(5.0, 0.0), None);
        assert_eq!(delta_pct(-5.0, -10.0), Some(50.0));
        assert_eq!(delta_pct(f64::INFINITY, 1.0), None);
    }

    #[test]
    fn reads_now_and_week_ago() {
        let cfg = crate::config::parse_str(
            "[[prometheus]]\nname = \"p\"\nurl = \"http://h\"\n\
             [[community]]\nname = \"Users\"\nquery = \"u\"\nunit = \"users\"\nweek_over_week = true\n\
             [[community]]\nname = \"Posts\"\nquery = \"posts\"\n",
            "t",
        )
        .unwrap();
        let mut p = MetricsPoll::default();
        for (q, v) in
            [(InstantQuery::now("u"), 110.0), (InstantQuery { query: "u".into(), ago: WEEK }, 100.0)]
        {
            let data = QueryData::Scalar { ts: 0.0, value: v };
            p.instant.insert(q, Ok(QueryResponse { data, warnings: vec![] }));
        }
        let rows = rows(&cfg, &BTreeMap::from([("p".to_string(), p)]));
        assert_eq!(
            (rows[0].value, rows[0].week_ago, rows[0].unit.as_str()),
            (Some(110.0), Some(100.0), "users")
        );
        assert!((rows[0].delta_pct.unwrap() - 10.0).abs() < 1e-9);
        assert_eq!((rows[1].value, rows[1].week_ago, rows[1].delta_pct), (None, None, None));
    }
}
