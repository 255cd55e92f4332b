//! The demo config's KPI board, deploy in flight and on-call rota (the same in every
//! scenario): KPI queries and the canary's series come from the simulator's Prometheus
//! (`queries::raw_series`), MTTA/MTTR/SLA breaches from the demo's own incident book.
use std::time::Duration;

use super::config::PROM_NAME;
use crate::config::{Config, DeploySpec, KpiSpec, RotationSpec, TriggerSpec, default_window};

/// The canary deploy's name, its admin endpoint's `deploy=` value too.
pub const CANARY: &str = "api-canary";
/// The canary's error rate, percent: what the rollback trigger watches.
pub const CANARY_ERRORS: &str = "deploy:error_rate:pct5m{deploy=\"api-canary\"}";

fn kpi(name: &str, query: Option<&str>, builtin: Option<&str>, unit: &str, target: &str) -> KpiSpec {
    KpiSpec {
        name: name.into(),
        query: query.map(String::from),
        builtin: builtin.map(String::from),
        source: query.map(|_| PROM_NAME.to_string()),
        unit: unit.into(),
        target: Some(target.into()),
        window: default_window(),
    }
}

fn rotation(tier: &str, members: &[&str]) -> RotationSpec {
    RotationSpec {
        tier: tier.into(),
        members: members.iter().map(|m| m.to_string()).collect(),
        handoff: "09:00".into(),
        weekday: Some("mon".into()),
        length: Duration::from_secs(7 * 86_400),
        start: Some("2026-01-05".into()),
    }
}

pub fn add(c: &mut Config) {
    c.kpi = vec![
        kpi("Uptime", Some("kpi:availability:pct30d"), None, "%", ">= 99.95"),
        kpi("p99 latency", Some("kpi:latency_p99:seconds30d"), None, "s", "< 200ms"),
        kpi("Deploy frequency", Some("kpi:deploy_frequency:per_day30d"), None, "/day", ">= 5"),
        kpi("MTTR", None, Some("mttr"), "", "<= 1h"),
        kpi("MTTA", None, Some("mtta"), "", "<= 5m"),
        kpi("Change failure rate", Some("kpi:change_failure_rate:pct30d"), None, "%", "<= 15"),
        kpi("SLA breaches", None, Some("sla_breaches"), "", "<= 0"),
        kpi("Content action accuracy", Some("kpi:content_action_accuracy:pct30d"), None, "%", ">= 95"),
        kpi("User satisfaction", Some("kpi:user_satisfaction:score30d"), None, "/5", ">= 4.0"),
    ];
    c.deploy = vec![DeploySpec {
        name: CANARY.into(),
        source: Some(PROM_NAME.into()),
        phase_query: None,
        phases: ["5%:3m", "25%:15m", "50%:20m", "100%"].iter().map(|s| s.to_string()).collect(),
        start_query: Some("deploy_started_timestamp_seconds{deploy=\"api-canary\"}".into()),
        rollback_runbook: Some("canary-rollback".into()),
        trigger: vec![TriggerSpec {
            name: "error rate".into(),
            query: CANARY_ERRORS.into(),
            threshold: "> 0.5".into(),
            baseline: None,
            for_: Duration::from_secs(300),
            rollback_runbook: None,
        }],
    }];
    c.oncall.rotation = vec![
        rotation("Primary on-call", &["alice", "bob", "carol", "dave"]),
        rotation("Secondary on-call", &["erin", "frank", "grace"]),
        rotation("Engineering manager", &["heidi", "ivan"]),
        rotation("Director/VP", &["judy"]),
    ];
}
