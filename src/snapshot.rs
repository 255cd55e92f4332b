//! `opsdeck snapshot --json`: poll every configured source once, derive the pane values,
//! print one JSON document (shape: DESIGN.md section 5, fields: docs/snapshot-json.md).
//! Polling is the only I/O (`poll_all`); `assemble` is pure.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::config::{Config, SourceSpec};
use crate::derive::{self, AlertView, CommunityRow, HealthRow, ModerationView, StatusRow};
use crate::domain::{
    Alert, Freshness, MetricsPoll, PollData, PollOutcome, SourceKind, SourceStatus, StatusSummary,
};
use crate::sources::{SourcePlan, poll_once};

pub mod ops;

/// The version of the `snapshot --json` document (docs/snapshot-json.md).
pub const SCHEMA_VERSION: u32 = 1;

/// The document `snapshot --json` prints. Field names are a public contract: add, don't
/// rename.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// The document's version ([`SCHEMA_VERSION`]): raised when a field changes meaning or
    /// goes away; new fields do not raise it.
    pub schema_version: u32,
    pub taken_at: DateTime<Utc>,
    pub sources: Vec<SourceView>,
    pub health: Vec<HealthRow>,
    pub community: Vec<CommunityRow>,
    /// Null when the config has no `[moderation]`.
    pub moderation: Option<ModerationView>,
    pub alerts: Vec<AlertView>,
    pub statuspages: Vec<StatusRow>,
    pub incidents: Vec<serde_json::Value>,
    /// One row per `[[kpi]]`, in config order.
    pub kpis: Vec<crate::derive::kpi::KpiRow>,
    /// One entry per `[[deploy]]`, in config order.
    pub deploys: Vec<crate::derive::deploy::DeployView>,
    /// Who holds each on-call tier now.
    pub oncall: Vec<ops::OncallRow>,
    /// The dead-man's switch: the banner text when the always-firing alert is missing.
    pub deadman: Option<String>,
}

/// One source's state after the poll. Never holds a URL, header or credential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceView {
    pub name: String,
    pub kind: SourceKind,
    /// `fresh`, `stale` or `failing`.
    pub status: &'static str,
    /// Fresh: when the data was taken. Failing: when the failures began.
    pub since: DateTime<Utc>,
    /// Why it is failing, worded for a person; null when fresh.
    pub reason: Option<String>,
    /// Queries that failed on a source that answered (e.g. a PromQL error), as
    /// "`query`: reason".
    pub query_errors: Vec<String>,
}

/// Every configured source with its queries, in config order (prometheus, scrape,
/// alertmanager, statuspage).
pub fn plans(cfg: &Config) -> Vec<SourcePlan> {
    let mut queries = derive::plan::build(cfg);
    let kinds: [(&Vec<SourceSpec>, SourceKind); 4] = [
        (&cfg.prometheus, SourceKind::Prometheus),
        (&cfg.scrape, SourceKind::Scrape),
        (&cfg.alertmanager, SourceKind::Alertmanager),
        (&cfg.statuspage, SourceKind::Statuspage),
    ];
    kinds
        .into_iter()
        .flat_map(|(specs, kind)| specs.iter().map(move |s| (s, kind)))
        .map(|(spec, kind)| SourcePlan {
            kind,
            spec: spec.clone(),
            defaults: cfg.defaults.clone(),
            plan: queries.remove(&spec.name).unwrap_or_default(),
        })
        .collect()
}

/// Polls every source once, all at the same time, each bounded by its own timeouts.
pub async fn poll_all(plans: &[SourcePlan], now: DateTime<Utc>) -> Vec<PollOutcome> {
    futures_util::future::join_all(plans.iter().map(|p| poll_once(p, now))).await
}

/// Pure: the document from the outcomes of one round of polls.
pub fn assemble(cfg: &Config, outcomes: &[PollOutcome], now: DateTime<Utc>) -> Snapshot {
    let mut metrics: BTreeMap<String, MetricsPoll> = BTreeMap::new();
    let mut alerts: Vec<(String, Vec<Alert>)> = Vec::new();
    let mut pages: BTreeMap<String, StatusSummary> = BTreeMap::new();
    let mut sources = Vec::new();
    for o in outcomes {
        let mut f = Freshness::default();
        f.record(o.taken_at, o.result.as_ref().err());
        let interval =
            source_spec(cfg, &o.source).map(|s| s.poll_or(&cfg.defaults)).unwrap_or(cfg.defaults.poll);
        let (status, since, reason) = match f.status(now, interval) {
            SourceStatus::Fresh | SourceStatus::Loading => ("fresh", o.taken_at, None),
            SourceStatus::Stale { since } => ("stale", since, None),
            SourceStatus::Failing { since, reason } => ("failing", since, Some(reason)),
        };
        let mut query_errors = Vec::new();
        match &o.result {
            Ok(PollData::Metrics(m)) => {
                query_errors = metric_errors(m);
                metrics.insert(o.source.clone(), m.clone());
            }
            Ok(PollData::Alerts(a)) => alerts.push((o.source.clone(), a.to_vec())),
            Ok(PollData::Status(s)) => {
                pages.insert(o.source.clone(), s.clone());
            }
            Err(_) => {}
        }
        sources.push(SourceView {
            name: o.source.clone(),
            kind: o.kind,
            status,
            since,
            reason,
            query_errors,
        });
    }
    let answered = !alerts.is_empty();
    let alerts = derive::alerts::views(&cfg.priority, &crate::domain::dedup(&alerts));
    let deploys = derive::deploy::views(cfg, &metrics, now);
    let policy = crate::incident::Policy::from_config(cfg).unwrap_or_default();
    let kpis = ops::kpis(cfg, &metrics, &deploys, &Default::default(), &policy, now);
    let deadman = ops::deadman(cfg, &alerts, answered);
    Snapshot {
        schema_version: SCHEMA_VERSION,
        taken_at: now,
        sources,
        health: derive::health::rows(cfg, &metrics),
        community: derive::community::rows(cfg, &metrics),
        moderation: derive::moderation::view(cfg, &metrics),
        alerts,
        statuspages: derive::status::rows(&pages),
        incidents: Vec::new(),
        kpis,
        deploys,
        oncall: Vec::new(),
        deadman,
    }
}

/// Fills `incidents` with the open incidents of the shared book, their clocks at `now`.
/// A read: the book is loaded, never written (the screen, not a snapshot, opens incidents
/// from alerts and records escalations). Store problems are reported on stderr and leave
/// the list empty.
pub fn fill_incidents(cfg: &Config, snap: &mut Snapshot, now: DateTime<Utc>) {
    let policy = match crate::incident::Policy::from_config(cfg) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("opsdeck snapshot: escalation policy: {e}");
            return;
        }
    };
    snap.oncall = ops::oncall(&policy, now);
    let book = match crate::incident::Store::from_env().load() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("opsdeck snapshot: incidents not read: {e}");
            return;
        }
    };
    let list = crate::incident::summary::summaries(&book, &policy, now, false);
    snap.incidents = list.iter().filter_map(|i| serde_json::to_value(i).ok()).collect();
    ops::add_comms(cfg, &book, &policy, &mut snap.incidents, now);
    // the built-ins from the book (the poll's rows are kept for query KPIs)
    let fresh = ops::kpis(cfg, &BTreeMap::new(), &snap.deploys, &book, &policy, now);
    for (row, new) in snap.kpis.iter_mut().zip(fresh) {
        if row.source != "query" {
            *row = new;
        }
    }
}

/// True when any source failed this round (the command then exits 1).
pub fn any_failed(s: &Snapshot) -> bool {
    s.sources.iter().any(|v| v.status == "failing")
}

fn source_spec<'c>(cfg: &'c Config, name: &str) -> Option<&'c SourceSpec> {
    cfg.prometheus
        .iter()
        .chain(&cfg.scrape)
        .chain(&cfg.alertmanager)
        .chain(&cfg.statuspage)
        .find(|s| s.name == name)
}

fn metric_errors(m: &MetricsPoll) -> Vec<String> {
    let instant = m.instant.iter().filter_map(|(q, r)| {
        r.as_ref().err().map(|e| {
            if q.ago.is_zero() {
                format!("`{}`: {e}", q.query)
            } else {
                format!("`{}` ({} ago): {e}", q.query, crate::util::duration::format_compact(q.ago))
            }
        })
    });
    let range = m.range.iter().filter_map(|(q, r)| r.as_ref().err().map(|e| format!("`{q}` (range): {e}")));
    instant.chain(range).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AlertState, QueryData, QueryResponse, SourceError};
    use chrono::TimeZone;

    const CFG: &str = r#"
[[prometheus]]
name = "prod"
url = "http://127.0.0.1:9090"
[[alertmanager]]
name = "am-a"
url = "http://127.0.0.1:9093"
[[alertmanager]]
name = "am-b"
url = "http://127.0.0.1:9094"
[[health]]
service = "api"
availability = "avail"
"#;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 20, s).unwrap()
    }

    fn alert(fp: &str) -> Alert {
        Alert {
            fingerprint: fp.into(),
            labels: [
                ("alertname".to_string(), "X".to_string()),
                ("severity".to_string(), "critical".to_string()),
            ]
            .into_iter()
            .collect::<crate::domain::Labels>()
            .into(),
            annotations: Default::default(),
            starts_at: at(0),
            ends_at: None,
            updated_at: None,
            generator_url: None,
            state: AlertState::Active,
            silenced_by: vec![],
            inhibited_by: vec![],
            receivers: vec![],
            sources: vec![],
        }
    }

    #[test]
    fn plans_follow_config_order_with_queries() {
        let cfg = crate::config::parse_str(CFG, "t").unwrap();
        let p = plans(&cfg);
        let names: Vec<&str> = p.iter().map(|p| p.spec.name.as_str()).collect();
        assert_eq!(names, ["prod", "am-a", "am-b"]);
        assert_eq!(p[0].plan.instant[0].query, "avail");
        assert!(p[1].plan.instant.is_empty());
    }

    #[test]
    fn assembles_statuses_values_and_deduplicated_alerts() {
        let cfg = crate::config::parse_str(CFG, "t").unwrap();
        let mut m = MetricsPoll::default();
        let data = QueryData::Scalar { ts: 0.0, value: 99.0 };
        m.instant
            .insert(crate::domain::InstantQuery::now("avail"), Ok(QueryResponse { data, warnings: vec![] }));
        let outcomes = vec![
            PollOutcome {
                source: "prod".into(),
                kind: SourceKind::Prometheus,
                taken_at: at(0),
                result: Ok(PollData::Metrics(m)),
            },
            PollOutcome {
                source: "am-a".into(),
                kind: SourceKind::Alertmanager,
                taken_at: at(0),
                result: Ok(PollData::Alerts(vec![alert("f1")].into())),
            },
            PollOutcome {
                source: "am-b".into(),
                kind: SourceKind::Alertmanager,
                taken_at: at(0),
                result: Err(SourceError::Refused),
            },
        ];
        let s = assemble(&cfg, &outcomes, at(1));
        assert!(any_failed(&s));
        assert_eq!(s.sources[0].status, "fresh");
        assert_eq!(
            (s.sources[2].status, s.sources[2].reason.as_deref()),
            ("failing", Some("connection refused"))
        );
        assert_eq!(s.health[0].state, crate::derive::HealthState::Crit);
        assert_eq!(s.alerts.len(), 1);
        assert_eq!(s.alerts[0].sources, ["am-a"]);
        assert_eq!(s.alerts[0].priority, crate::derive::Priority::P1);
        let json = serde_json::to_value(&s).unwrap();
        for key in
            ["taken_at", "sources", "health", "community", "moderation", "alerts", "statuspages", "incidents"]
        {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json["moderation"], serde_json::Value::Null);
        assert_eq!(json["sources"][2]["kind"], "alertmanager");
        assert_eq!(json["health"][0]["state"], "CRIT");
    }
}
