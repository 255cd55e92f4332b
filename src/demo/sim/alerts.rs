//! Alerting rules over the model's own frames, as a Prometheus rule file would have them:
//! a condition, a `for` duration, labels and annotations. `Rules::eval` is pure; the
//! simulator keeps the pending/firing bookkeeping.
use std::collections::BTreeMap;

use super::state::{DB, Frame, GATEWAY, SERVICES};
use crate::domain::Labels;

/// One alert instance a rule produces while its condition holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    pub labels: Labels,
    pub annotations: Labels,
}

/// A rule: name, `for` seconds, and the instances it yields for a frame.
pub struct Rule {
    pub name: &'static str,
    pub for_secs: f64,
    pub eval: fn(&Frame) -> Vec<Firing>,
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn notes(summary: String, description: String, runbook: &str) -> Labels {
    let mut a = BTreeMap::new();
    a.insert("summary".into(), summary);
    a.insert("description".into(), description);
    if !runbook.is_empty() {
        a.insert("runbook".into(), format!("runbooks/{runbook}.md"));
    }
    a
}

fn gateway_failures(f: &Frame) -> Vec<Firing> {
    let g = &f.svc[GATEWAY];
    if g.err_pct <= 5.0 {
        return vec![];
    }
    vec![Firing {
        labels: labels(&[
            ("alertname", "GatewayWebSocketFailures"),
            ("severity", "critical"),
            ("service", "gateway"),
            ("team", "realtime"),
            ("instance", "gateway.demo.svc:8443"),
            ("env", "demo"),
        ]),
        annotations: notes(
            format!("WebSocket connection failures at {:.1}% on the gateway", g.err_pct),
            format!(
                "{:.1}% of WebSocket connection attempts fail (threshold 5%) with {:.0} of {:.0} \
                 replicas ready at {:.0}% saturation; the autoscaler is capped at its maximum.",
                g.err_pct, g.replicas, g.desired, g.sat_pct
            ),
            "gateway-overload",
        ),
    }]
}

fn gateway_saturation(f: &Frame) -> Vec<Firing> {
    let g = &f.svc[GATEWAY];
    if g.sat_pct <= 90.0 {
        return vec![];
    }
    vec![Firing {
        labels: labels(&[
            ("alertname", "GatewaySaturationHigh"),
            ("severity", "warning"),
            ("service", "gateway"),
            ("team", "realtime"),
            ("instance", "gateway.demo.svc:8443"),
            ("env", "demo"),
        ]),
        annotations: notes(
            format!("Gateway saturation {:.0}%", g.sat_pct),
            format!("Gateway pods run at {:.0}% of capacity (threshold 90%).", g.sat_pct),
            "gateway-overload",
        ),
    }]
}

fn service_errors(f: &Frame) -> Vec<Firing> {
    SERVICES
        .iter()
        .zip(&f.svc)
        .enumerate()
        .filter(|(i, (_, s))| *i != GATEWAY && *i != DB && s.err_pct > 5.0)
        .map(|(_, (def, s))| Firing {
            labels: labels(&[
                ("alertname", "HighErrorRate"),
                ("severity", "critical"),
                ("service", def.name),
                ("team", def.team),
                ("instance", &format!("{}.demo.svc:8080", def.name)),
                ("env", "demo"),
            ]),
            annotations: notes(
                format!("{} error rate {:.1}%", def.name, s.err_pct),
                format!("{:.1}% of {} requests fail (threshold 5%).", s.err_pct, def.name),
                "traffic-drain",
            ),
        })
        .collect()
}

fn db_latency(f: &Frame) -> Vec<Firing> {
    let d = &f.svc[DB];
    if d.p99_s <= 1.0 || !f.db_primary_up {
        return vec![];
    }
    vec![Firing {
        labels: labels(&[
            ("alertname", "DatabaseLatencyHigh"),
            ("severity", "critical"),
            ("service", "db"),
            ("team", "storage"),
            ("instance", &format!("{}:5432", f.db_primary)),
            ("env", "demo"),
        ]),
        annotations: notes(
            format!("Database p99 latency {:.2}s", d.p99_s),
            format!(
                "Database p99 is {:.0} ms (threshold 1 s) while compaction runs at {:.0} MB/s.",
                d.p99_s * 1000.0,
                f.compaction_mbps
            ),
            "compaction-storm",
        ),
    }]
}

fn db_primary_down(f: &Frame) -> Vec<Firing> {
    if f.db_primary_up {
        return vec![];
    }
    vec![Firing {
        labels: labels(&[
            ("alertname", "DatabasePrimaryDown"),
            ("severity", "critical"),
            ("priority", "P0"),
            ("service", "db"),
            ("team", "storage"),
            ("instance", &format!("{}:5432", f.db_primary)),
            ("env", "demo"),
        ]),
        annotations: notes(
            format!("Primary database {} is down", f.db_primary),
            format!(
                "{} does not answer; every write fails ({:.0}% of db requests). replica-1 is \
                 healthy and in sync.",
                f.db_primary, f.svc[DB].err_pct
            ),
            "database-failover",
        ),
    }]
}

fn vote_brigade(f: &Frame) -> Vec<Firing> {
    if f.brigade_votes_ps < 800.0 {
        return vec![];
    }
    vec![Firing {
        labels: labels(&[
            ("alertname", "VoteBrigadeSuspected"),
            ("severity", "critical"),
            ("service", "votes"),
            ("team", "trust-safety"),
            ("instance", "votes.demo.svc:8080"),
            ("env", "demo"),
        ]),
        annotations: notes(
            format!(
                "{:.0} votes/s, {:.0} from accounts created in the last hour",
                f.votes_ps, f.brigade_votes_ps
            ),
            "A coordinated group of new accounts (tourney_fan_*) votes on the same threads; \
             reports are climbing."
                .into(),
            "vote-brigade",
        ),
    }]
}

fn modqueue(f: &Frame) -> Vec<Firing> {
    let wait_min = f.mod_depth() / f.mod_throughput_pm.max(0.1);
    if f.mod_depth_high <= 150.0 {
        return vec![];
    }
    vec![Firing {
        labels: labels(&[
            ("alertname", "ModQueueSLAAtRisk"),
            ("severity", "critical"),
            ("service", "modqueue"),
            ("team", "community-ops"),
            ("instance", "modqueue.demo.svc:8080"),
            ("env", "demo"),
        ]),
        annotations: notes(
            format!("{:.0} high-priority items waiting for review (threshold 150)", f.mod_depth_high),
            format!(
                "Inflow {:.0}/min ({:.0} high priority) against {:.0}/min reviewed by {:.0} \
                 reviewers; {:.0} items in all, estimated wait {:.0} min (SLA 2h).",
                f.mod_inflow_pm,
                f.mod_inflow_high_pm,
                f.mod_throughput_pm,
                f.reviewers,
                f.mod_depth(),
                wait_min
            ),
            "modqueue-surge",
        ),
    }]
}

fn cert_expiry(_f: &Frame) -> Vec<Firing> {
    vec![Firing {
        labels: labels(&[
            ("alertname", "CertificateExpiresSoon"),
            ("severity", "info"),
            ("service", "media"),
            ("team", "media"),
            ("instance", "media-origin.demo.svc:443"),
            ("env", "demo"),
        ]),
        annotations: notes(
            "TLS certificate of media-origin expires in 12 days".into(),
            "cert-manager renews it 7 days before expiry; nothing to do unless that fails.".into(),
            "",
        ),
    }]
}

/// The dead-man's switch: always firing, so its absence means the pipeline is broken.
fn watchdog(_f: &Frame) -> Vec<Firing> {
    vec![Firing {
        labels: labels(&[("alertname", "Watchdog"), ("severity", "none"), ("env", "demo")]),
        annotations: notes(
            "Alerting pipeline heartbeat".into(),
            "Always firing: opsdeck's dead-man's switch reports the pipeline broken when it is missing."
                .into(),
            "",
        ),
    }]
}

/// The rule file.
pub const RULES: [Rule; 9] = [
    Rule { name: "GatewayWebSocketFailures", for_secs: 60.0, eval: gateway_failures },
    Rule { name: "GatewaySaturationHigh", for_secs: 60.0, eval: gateway_saturation },
    Rule { name: "HighErrorRate", for_secs: 60.0, eval: service_errors },
    Rule { name: "DatabaseLatencyHigh", for_secs: 120.0, eval: db_latency },
    Rule { name: "DatabasePrimaryDown", for_secs: 30.0, eval: db_primary_down },
    Rule { name: "VoteBrigadeSuspected", for_secs: 60.0, eval: vote_brigade },
    Rule { name: "ModQueueSLAAtRisk", for_secs: 60.0, eval: modqueue },
    Rule { name: "CertificateExpiresSoon", for_secs: 0.0, eval: cert_expiry },
    Rule { name: "Watchdog", for_secs: 0.0, eval: watchdog },
];

/// Alertmanager's fingerprint stand-in: 16 hex digits of a stable hash of the label set.
pub fn fingerprint(labels: &Labels) -> String {
    let mut text = String::new();
    for (k, v) in labels {
        text.push_str(k);
        text.push('\u{0}');
        text.push_str(v);
        text.push('\u{0}');
    }
    format!("{:016x}", super::shape::hash(0, &text, 0))
}
