//! Shared fixtures for the screen tests: a config, derived views built from the contract
//! types, and models at a fixed clock.
#![allow(dead_code)]
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeMap;

use opsdeck::config::{Config, parse_str};
use opsdeck::derive::*;
use opsdeck::domain::{AlertState, Indicator, PollData, PollOutcome, SourceError, SourceKind};
use opsdeck::model::{Model, ModelOptions, Msg, Views, update_with};

pub const CONFIG: &str = r#"
environment = "prod-us-east"
[[prometheus]]
name = "prod"
url = "http://127.0.0.1:9090"
[[alertmanager]]
name = "am-a"
url = "http://127.0.0.1:9093"
[[statuspage]]
name = "GitHub"
url = "http://127.0.0.1:9999/api/v2/summary.json"
poll = "60s"
[[health]]
service = "api"
availability = 'avg_over_time(up{job="api"}[5m]) * 100'
error_rate = 'x'
[[health]]
service = "websocket-gateway"
availability = 'y'
[[health]]
service = "db"
availability = 'z'
[[community]]
name = "Active users"
query = "sum(active_users)"
unit = "users"
week_over_week = true
[[community]]
name = "Content velocity"
query = "sum(rate(posts_total[5m]))"
unit = "/min"
[[community]]
name = "Votes"
query = "sum(rate(votes_total[5m]))"
unit = "/s"
[moderation]
depth = "sum by (priority) (modqueue_depth)"
inflow = "a"
throughput = "b"
"#;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 20, 0).unwrap()
}

pub fn config() -> Config {
    parse_str(CONFIG, "test.toml").unwrap()
}

fn wave(n: usize, base: f64, amp: f64) -> Vec<f64> {
    (0..n).map(|i| base + amp * ((i as f64) * 0.4).sin()).collect()
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub fn alert(i: usize, name: &str, prio: Priority, age_s: i64) -> AlertView {
    AlertView {
        fingerprint: format!("{:016x}", i),
        alertname: name.to_string(),
        priority: prio,
        state: AlertState::Active,
        silenced: false,
        inhibited: false,
        starts_at: t0() - Duration::seconds(age_s),
        labels: labels(&[
            ("alertname", name),
            ("instance", &format!("node-{i}:9100")),
            ("job", "api"),
            ("severity", "critical"),
        ])
        .into(),
        annotations: labels(&[
            ("summary", &format!("{name} on node-{i}")),
            ("runbook_url", "runbooks/api.md"),
        ])
        .into(),
        sources: vec!["am-a".into()],
        generator_url: Some("http://prom/graph?g0.expr=up".into()),
    }
}

pub fn views() -> Views {
    let mut silenced = alert(4, "DiskFilling", Priority::P3, 7200);
    silenced.silenced = true;
    silenced.state = AlertState::Suppressed;
    let mut inhibited = alert(5, "InstanceDown", Priority::P2, 600);
    inhibited.inhibited = true;
    Views {
        health: vec![
            HealthRow {
                reasons: vec!["error rate 7.5% > 5%".into()],
                ..opsdeck::derive::health::from_values(
                    "websocket-gateway",
                    [Some(99.1), Some(850.0), Some(7.5), Some(91.0)],
                    opsdeck::derive::health::default_targets(),
                    wave(40, 5.0, 3.0),
                )
            },
            HealthRow {
                reasons: vec!["saturation 85% > 80%".into()],
                ..opsdeck::derive::health::from_values(
                    "db",
                    [Some(99.96), Some(240.0), Some(0.2), Some(85.0)],
                    opsdeck::derive::health::default_targets(),
                    wave(40, 80.0, 5.0),
                )
            },
            HealthRow {
                reasons: vec![],
                ..opsdeck::derive::health::from_values(
                    "api",
                    [Some(99.99), Some(120.0), Some(0.1), Some(41.0)],
                    opsdeck::derive::health::default_targets(),
                    wave(40, 0.1, 0.05),
                )
            },
        ],
        community: vec![
            CommunityRow {
                name: "Active users".into(),
                value: Some(51234.0),
                unit: "users".into(),
                week_ago: Some(48800.0),
                delta_pct: Some(4.99),
                sparkline: wave(30, 50000.0, 2000.0),
            },
            CommunityRow {
                name: "Content velocity".into(),
                value: Some(312.0),
                unit: "/min".into(),
                week_ago: None,
                delta_pct: None,
                sparkline: wave(30, 300.0, 20.0),
            },
            CommunityRow {
                name: "Votes".into(),
                value: Some(1840.5),
                unit: "/s".into(),
                week_ago: Some(2000.0),
                delta_pct: Some(-7.98),
                sparkline: wave(30, 1800.0, 100.0),
            },
        ],
        moderation: Some(ModerationView {
            depth: [("high".to_string(), 120.0), ("low".to_string(), 900.0)].into_iter().collect(),
            inflow_per_min: Some(40.0),
            throughput_per_min: Some(35.0),
            est_wait_s: Some(1749.0),
            oldest_age_s: Some(2400.0),
            sla_s: 7200.0,
            breach_in_s: Some(5400.0),
            depth_history: wave(60, 1000.0, 100.0),
        }),
        alerts: vec![
            alert(1, "HighErrorRate", Priority::P1, 300),
            alert(2, "GatewayConnectionFailures", Priority::P0, 90),
            alert(3, "LatencyHigh", Priority::P2, 1500),
            silenced,
            inhibited,
        ],
        status: vec![StatusRow {
            name: "GitHub".into(),
            indicator: Indicator::Minor,
            description: "Partially Degraded Service".into(),
            components_not_operational: vec![ComponentView {
                name: "Actions".into(),
                status: "degraded_performance".into(),
            }],
            incidents: vec![StatusIncidentView {
                name: "Delayed Actions runs".into(),
                impact: "minor".into(),
                status: "investigating".into(),
                updated_at: Some(t0() - Duration::minutes(12)),
                latest_update: Some("We are investigating reports of delayed runs.".into()),
            }],
            maintenances: vec![],
        }],
    }
}

/// 500 alerts across a dozen names and every priority, some silenced.
pub fn storm() -> Views {
    let mut v = views();
    let names = [
        "HighErrorRate",
        "NodeDown",
        "DiskFull",
        "LatencyHigh",
        "PodCrashLooping",
        "CertExpiry",
        "QueueBacklog",
    ];
    v.alerts = (0..500)
        .map(|i| {
            let prio = [Priority::P0, Priority::P1, Priority::P2, Priority::P3][i % 4];
            let mut a = alert(i, names[i % names.len()], prio, (i as i64 * 37) % 7200);
            a.silenced = i % 9 == 0;
            a
        })
        .collect();
    v
}

pub fn empty_poll(name: &str, kind: SourceKind, at: DateTime<Utc>) -> PollOutcome {
    let data = match kind {
        SourceKind::Alertmanager => PollData::Alerts(Default::default()),
        SourceKind::Statuspage => PollData::Status(opsdeck::domain::StatusSummary {
            page_name: name.into(),
            page_url: String::new(),
            updated_at: None,
            indicator: Indicator::None,
            description: String::new(),
            components: vec![],
            incidents: vec![],
            scheduled_maintenances: vec![],
        }),
        _ => PollData::Metrics(Default::default()),
    };
    PollOutcome { source: name.into(), kind, taken_at: at, result: Ok(data) }
}

pub fn failed_poll(name: &str, kind: SourceKind, at: DateTime<Utc>, e: SourceError) -> PollOutcome {
    PollOutcome { source: name.into(), kind, taken_at: at, result: Err(e) }
}

fn derive_fixture(_: &Model) -> Views {
    views()
}
fn derive_storm(_: &Model) -> Views {
    storm()
}

pub fn model_with(opts: ModelOptions, storm_views: bool) -> Model {
    let mut m = Model::new(config(), ModelOptions { now: t0() - Duration::seconds(60), ..opts });
    let d = if storm_views { derive_storm } else { derive_fixture };
    let at = t0() - Duration::seconds(3);
    for (n, k) in [
        ("prod", SourceKind::Prometheus),
        ("am-a", SourceKind::Alertmanager),
        ("GitHub", SourceKind::Statuspage),
    ] {
        update_with(&mut m, Msg::Polled(empty_poll(n, k, at)), d);
    }
    update_with(&mut m, Msg::Tick(t0()), d);
    m
}

/// Every source fresh, fixed clock, the default options.
pub fn fresh() -> Model {
    model_with(ModelOptions { theme_names: theme_names(), ..ModelOptions::default() }, false)
}

pub fn theme_names() -> Vec<String> {
    opsdeck::ui::Theme::all().into_iter().map(|t| t.name).collect()
}

/// Prometheus refusing connections for the last 2m10s.
pub fn prom_failing() -> Model {
    let mut m = fresh();
    let d = |_: &Model| views();
    let fail_at = t0() - Duration::seconds(120);
    update_with(
        &mut m,
        Msg::Polled(failed_poll("prod", SourceKind::Prometheus, fail_at, SourceError::Refused)),
        d,
    );
    // The last good answer was 2m10s ago.
    m.sources[0].freshness.last_ok = Some(t0() - Duration::seconds(130));
    update_with(&mut m, Msg::Tick(t0()), d);
    m
}
