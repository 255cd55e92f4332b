//! Which queries each metrics source runs, derived from the pane definitions.
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::config::Config;
use crate::domain::{InstantQuery, QueryPlan, RangeQuery, SourceKind};

/// Sparklines cover the last hour...
pub const SPARK_WINDOW: Duration = Duration::from_secs(3600);
/// ...at one point a minute (60 points).
pub const SPARK_STEP: Duration = Duration::from_secs(60);
/// Week-over-week values are the same query evaluated this long before the poll.
pub const WEEK: Duration = Duration::from_secs(7 * 86_400);

/// The source a pane reads: its `source =`, else the first `[[prometheus]]`, else the first
/// `[[scrape]]`. `opsdeck check` guarantees a valid config names an existing metrics source.
pub fn pane_source<'c>(cfg: &'c Config, explicit: Option<&'c str>) -> Option<&'c str> {
    explicit
        .or_else(|| cfg.prometheus.first().map(|s| s.name.as_str()))
        .or_else(|| cfg.scrape.first().map(|s| s.name.as_str()))
}

/// The kind of the source called `name`, if configured.
pub fn source_kind(cfg: &Config, name: &str) -> Option<SourceKind> {
    [
        (&cfg.prometheus, SourceKind::Prometheus),
        (&cfg.scrape, SourceKind::Scrape),
        (&cfg.alertmanager, SourceKind::Alertmanager),
        (&cfg.statuspage, SourceKind::Statuspage),
    ]
    .into_iter()
    .find(|(specs, _)| specs.iter().any(|s| s.name == name))
    .map(|(_, k)| k)
}

/// The query whose history a health row draws: error rate, else availability, else
/// latency, else saturation.
pub fn health_spark_query(h: &crate::config::HealthSpec) -> Option<&str> {
    [&h.error_rate, &h.availability, &h.latency_p99, &h.saturation]
        .into_iter()
        .flatten()
        .next()
        .map(String::as_str)
}

#[derive(Default)]
struct Acc {
    instant: BTreeSet<InstantQuery>,
    range: BTreeSet<RangeQuery>,
}

/// One plan per `[[prometheus]]` and `[[scrape]]` source (empty when no pane uses it):
/// an instant query for every pane value, the same 7 days ago for week-over-week values,
/// and a range query (last hour, 1-minute step) for every sparkline. Scrape sources have
/// no history, so they get only the instant queries evaluated now.
pub fn build(cfg: &Config) -> BTreeMap<String, QueryPlan> {
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for s in cfg.prometheus.iter().chain(&cfg.scrape) {
        acc.entry(s.name.clone()).or_default();
    }
    let mut add = |source: Option<&str>, now: &[&str], week_ago: Option<&str>, spark: Option<&str>| {
        let Some(name) = pane_source(cfg, source) else { return };
        let history = source_kind(cfg, name) == Some(SourceKind::Prometheus);
        let Some(a) = acc.get_mut(name) else { return };
        a.instant.extend(now.iter().map(|q| InstantQuery::now(*q)));
        if !history {
            return;
        }
        if let Some(q) = week_ago {
            a.instant.insert(InstantQuery { query: q.to_string(), ago: WEEK });
        }
        if let Some(q) = spark {
            a.range.insert(RangeQuery { query: q.to_string(), window: SPARK_WINDOW, step: SPARK_STEP });
        }
    };
    for h in &cfg.health {
        let qs: Vec<&str> = [&h.availability, &h.latency_p99, &h.error_rate, &h.saturation]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        // Every figure has a history: the TREND column draws the row's worst, and any
        // figure opens as a chart.
        for q in &qs {
            add(h.source.as_deref(), &[], None, Some(q));
        }
        add(h.source.as_deref(), &qs, None, health_spark_query(h));
    }
    for c in &cfg.community {
        let week = c.week_over_week.then_some(c.query.as_str());
        add(c.source.as_deref(), &[&c.query], week, Some(&c.query));
    }
    if let Some(m) = &cfg.moderation {
        let mut qs = vec![m.depth.as_str(), m.inflow.as_str(), m.throughput.as_str()];
        qs.extend(m.oldest_age.as_deref());
        add(m.source.as_deref(), &qs, None, Some(&m.depth));
    }
    for (source, instant) in super::kpi::queries(cfg) {
        let Some(a) = pane_source(cfg, source).and_then(|n| acc.get_mut(n)) else { continue };
        a.instant.extend(instant);
    }
    for (source, instant, range) in super::deploy::queries(cfg) {
        let Some(a) = pane_source(cfg, source).and_then(|n| acc.get_mut(n)) else { continue };
        a.instant.extend(instant);
        a.range.extend(range);
    }
    acc.into_iter()
        .map(|(name, a)| {
            (
                name,
                QueryPlan { instant: a.instant.into_iter().collect(), range: a.range.into_iter().collect() },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_str;

    const CFG: &str = r#"
[[prometheus]]
name = "prod"
url = "http://127.0.0.1:9090"
[[prometheus]]
name = "other"
url = "http://127.0.0.1:9091"
[[scrape]]
name = "gw"
url = "http://127.0.0.1:9100/metrics"
[[alertmanager]]
name = "am"
url = "http://127.0.0.1:9093"
[[health]]
service = "api"
availability = "avail"
error_rate = "errors"
[[health]]
service = "gw"
source = "gw"
saturation = "gw_cpu"
[[community]]
name = "Users"
query = "users"
week_over_week = true
[[community]]
name = "Posts"
query = "posts"
source = "other"
[moderation]
depth = "depth"
inflow = "in"
throughput = "out"
"#;

    #[test]
    fn plans_every_metrics_source_and_only_those() {
        let plans = build(&parse_str(CFG, "t").unwrap());
        assert_eq!(plans.keys().collect::<Vec<_>>(), ["gw", "other", "prod"]);
        let prod = &plans["prod"];
        let now: Vec<&str> =
            prod.instant.iter().filter(|q| q.ago.is_zero()).map(|q| q.query.as_str()).collect();
        assert_eq!(now, ["avail", "depth", "errors", "in", "out", "users"]);
        assert_eq!(
            prod.instant.iter().filter(|q| !q.ago.is_zero()).collect::<Vec<_>>(),
            [&InstantQuery { query: "users".into(), ago: WEEK }]
        );
        let spark: Vec<&str> = prod.range.iter().map(|r| r.query.as_str()).collect();
        assert_eq!(spark, ["avail", "depth", "errors", "users"]);
        assert!(prod.range.iter().all(|r| r.window.as_secs() / r.step.as_secs() == 60));
        assert_eq!(plans["other"].instant, [InstantQuery::now("posts")]);
        assert_eq!(plans["other"].range.len(), 1);
    }

    #[test]
    fn scrape_sources_get_no_history_queries() {
        let plans = build(&parse_str(CFG, "t").unwrap());
        assert_eq!(plans["gw"], QueryPlan { instant: vec![InstantQuery::now("gw_cpu")], range: vec![] });
    }

    #[test]
    fn default_source_is_first_prometheus_then_first_scrape() {
        let cfg = parse_str(CFG, "t").unwrap();
        assert_eq!(pane_source(&cfg, None), Some("prod"));
        assert_eq!(pane_source(&cfg, Some("gw")), Some("gw"));
        let only_scrape = parse_str("[[scrape]]\nname = \"s\"\nurl = \"http://h/metrics\"\n", "t").unwrap();
        assert_eq!(pane_source(&only_scrape, None), Some("s"));
        assert_eq!(pane_source(&Config::default(), None), None);
    }
}
