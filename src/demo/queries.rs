//! The one table of PromQL the demo speaks: the demo config's pane queries and the raw
//! series runbooks verify against. The config (`demo::config`) takes its query text from
//! here and the Prometheus server (`demo::server::prom`) answers from here, so the two
//! cannot drift. Anything else gets Prometheus' own `bad_data` error.
use crate::domain::Labels;

use super::sim::state::{DB, Frame, GATEWAY, SERVICES};

/// What a known query measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Availability(usize),
    LatencyP99(usize),
    ErrorRate(usize),
    Saturation(usize),
    ActiveUsers,
    ContentVelocity,
    VotesPerSecond,
    ReportsPerMinute,
    WsConnections,
    ModDepthByPriority,
    ModInflow,
    ModThroughput,
    ModOldestAge,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KnownQuery {
    pub expr: String,
    pub measure: Measure,
}

/// The health queries of one service: availability, p99 (seconds), error rate, saturation.
pub fn health(i: usize) -> [String; 4] {
    let s = SERVICES[i].name;
    let (errors, total, hist) = match i {
        GATEWAY => (
            "sum(rate(gateway_ws_connect_failures_total[5m]))".to_string(),
            "sum(rate(gateway_ws_connect_attempts_total[5m]))".to_string(),
            "gateway_ws_connect_duration_seconds_bucket".to_string(),
        ),
        DB => (
            "sum(rate(db_query_errors_total{cluster=\"main\"}[5m]))".to_string(),
            "sum(rate(db_queries_total{cluster=\"main\"}[5m]))".to_string(),
            "db_query_duration_seconds_bucket".to_string(),
        ),
        _ => (
            format!("sum(rate(http_requests_total{{service=\"{s}\",code=~\"5..\"}}[5m]))"),
            format!("sum(rate(http_requests_total{{service=\"{s}\"}}[5m]))"),
            format!("http_request_duration_seconds_bucket{{service=\"{s}\"}}"),
        ),
    };
    let sat_selector = match i {
        DB => "{cluster=\"main\"}".to_string(),
        _ => format!("{{service=\"{s}\"}}"),
    };
    [
        format!("100 * (1 - {errors} / {total})"),
        format!("histogram_quantile(0.99, sum by (le) (rate({hist}[5m])))"),
        format!("100 * {errors} / {total}"),
        format!("100 * avg(service:cpu_utilisation:ratio{sat_selector})"),
    ]
}

/// Community metrics: (name, query, unit).
pub const COMMUNITY: [(&str, &str, &str, Measure); 5] = [
    ("Active users", "sum(active_users)", "users", Measure::ActiveUsers),
    (
        "Content velocity",
        "60 * sum(rate(posts_created_total[5m])) + 60 * sum(rate(comments_created_total[5m]))",
        "/min",
        Measure::ContentVelocity,
    ),
    ("Votes", "sum(rate(votes_total[5m]))", "/s", Measure::VotesPerSecond),
    ("Reports", "60 * sum(rate(reports_total[5m]))", "/min", Measure::ReportsPerMinute),
    ("WebSocket connections", "sum(gateway_websocket_connections)", "conns", Measure::WsConnections),
];

pub const MOD_DEPTH: &str = "sum by (priority) (modqueue_depth)";
pub const MOD_INFLOW: &str = "60 * sum(rate(modqueue_items_total[5m]))";
pub const MOD_THROUGHPUT: &str = "60 * sum(rate(modqueue_reviewed_total[15m]))";
pub const MOD_OLDEST: &str = "max(time() - modqueue_oldest_item_timestamp_seconds)";

/// Every known composite query.
pub fn table() -> Vec<KnownQuery> {
    let mut t = Vec::new();
    for i in 0..SERVICES.len() {
        let [a, l, e, s] = health(i);
        t.push(KnownQuery { expr: a, measure: Measure::Availability(i) });
        t.push(KnownQuery { expr: l, measure: Measure::LatencyP99(i) });
        t.push(KnownQuery { expr: e, measure: Measure::ErrorRate(i) });
        t.push(KnownQuery { expr: s, measure: Measure::Saturation(i) });
    }
    for (_, q, _, m) in COMMUNITY {
        t.push(KnownQuery { expr: q.into(), measure: m });
    }
    t.push(KnownQuery { expr: MOD_DEPTH.into(), measure: Measure::ModDepthByPriority });
    t.push(KnownQuery { expr: MOD_INFLOW.into(), measure: Measure::ModInflow });
    t.push(KnownQuery { expr: MOD_THROUGHPUT.into(), measure: Measure::ModThroughput });
    t.push(KnownQuery { expr: MOD_OLDEST.into(), measure: Measure::ModOldestAge });
    t
}

fn one(v: f64) -> Vec<(Labels, f64)> {
    vec![(Labels::new(), v)]
}

pub fn eval(m: Measure, f: &Frame) -> Vec<(Labels, f64)> {
    match m {
        Measure::Availability(i) => one(f.svc[i].avail_pct),
        Measure::LatencyP99(i) => one(f.svc[i].p99_s),
        Measure::ErrorRate(i) => one(f.svc[i].err_pct),
        Measure::Saturation(i) => one(f.svc[i].sat_pct),
        Measure::ActiveUsers => one(f.active_users.round()),
        Measure::ContentVelocity => one(f.posts_pm + f.comments_pm),
        Measure::VotesPerSecond => one(f.votes_ps),
        Measure::ReportsPerMinute => one(f.reports_pm),
        Measure::WsConnections => one(f.ws_connections.round()),
        Measure::ModDepthByPriority => vec![
            (Labels::from([("priority".into(), "high".into())]), f.mod_depth_high.round()),
            (Labels::from([("priority".into(), "low".into())]), f.mod_depth_low.round()),
        ],
        Measure::ModInflow => one(f.mod_inflow_pm),
        Measure::ModThroughput => one(f.mod_throughput_pm),
        Measure::ModOldestAge => one(f.mod_oldest_s),
    }
}

/// The names `raw_series` produces.
pub const RAW_NAMES: [&str; 24] = [
    "modqueue:estimated_wait:seconds",
    "service:error_rate:pct5m",
    "service:latency_p99:seconds",
    "service:saturation:pct",
    "service:availability:pct5m",
    "kube_deployment_status_replicas_ready",
    "kube_deployment_spec_replicas",
    "pg_up",
    "pg_replication_lag_seconds",
    "db_compaction_bytes_per_second",
    "modqueue_depth",
    "modqueue_reviewers_on_shift",
    "community:votes_new_accounts:rate5m",
    "active_users",
    "gateway_websocket_connections",
    "modqueue_oldest_item_timestamp_seconds",
    "deploy:error_rate:pct5m",
    "deploy_started_timestamp_seconds",
    "kpi:availability:pct30d",
    "kpi:latency_p99:seconds30d",
    "kpi:deploy_frequency:per_day30d",
    "kpi:change_failure_rate:pct30d",
    "kpi:content_action_accuracy:pct30d",
    "kpi:user_satisfaction:score30d",
];

/// Raw series (name, labels, value) a selector can pick, as the exporters would expose
/// them: recording rules per service, deployments, database instances, the queue.
pub fn raw_series(f: &Frame) -> Vec<(String, Labels, f64)> {
    let l = |pairs: &[(&str, &str)]| -> Labels {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let mut out = Vec::new();
    for (def, s) in SERVICES.iter().zip(&f.svc) {
        let svc = l(&[("service", def.name)]);
        out.push(("service:error_rate:pct5m".into(), svc.clone(), s.err_pct));
        out.push(("service:latency_p99:seconds".into(), svc.clone(), s.p99_s));
        out.push(("service:saturation:pct".into(), svc.clone(), s.sat_pct));
        out.push(("service:availability:pct5m".into(), svc, s.avail_pct));
        let dep = l(&[("deployment", def.name), ("namespace", "demo")]);
        out.push(("kube_deployment_status_replicas_ready".into(), dep.clone(), s.replicas.floor()));
        out.push(("kube_deployment_spec_replicas".into(), dep, s.desired));
    }
    for inst in ["db-0", "replica-1", "replica-2"] {
        let primary = f.db_primary == inst;
        let dead = inst == "db-0" && (f.db_primary != "db-0" || !f.db_primary_up);
        let role = if primary { "primary" } else { "replica" };
        let labels = l(&[("instance", &format!("{inst}:5432")), ("role", role), ("cluster", "main")]);
        out.push((
            "pg_up".into(),
            labels.clone(),
            if dead || (primary && !f.db_primary_up) { 0.0 } else { 1.0 },
        ));
        if !primary && !dead {
            out.push(("pg_replication_lag_seconds".into(), labels, f.db_replication_lag_s));
        }
    }
    out.push(("db_compaction_bytes_per_second".into(), l(&[("cluster", "main")]), f.compaction_mbps * 1e6));
    out.push(("modqueue_depth".into(), l(&[("priority", "high")]), f.mod_depth_high.round()));
    out.push(("modqueue_depth".into(), l(&[("priority", "low")]), f.mod_depth_low.round()));
    out.push(("modqueue_reviewers_on_shift".into(), Labels::new(), f.reviewers));
    let wait = f.mod_depth() * 60.0 / f.mod_throughput_pm.max(0.1);
    out.push(("modqueue:estimated_wait:seconds".into(), Labels::new(), wait));
    out.push(("community:votes_new_accounts:rate5m".into(), Labels::new(), f.brigade_votes_ps));
    out.push(("active_users".into(), Labels::new(), f.active_users.round()));
    out.push(("gateway_websocket_connections".into(), Labels::new(), f.ws_connections.round()));
    out.push((
        "modqueue_oldest_item_timestamp_seconds".into(),
        Labels::new(),
        (f.t - f.mod_oldest_s).round(),
    ));
    let canary = l(&[("deploy", "api-canary"), ("service", "api"), ("track", "canary")]);
    out.push(("deploy:error_rate:pct5m".into(), canary, f.canary_err_pct));
    if !f.canary_rolled_back {
        out.push((
            "deploy_started_timestamp_seconds".into(),
            l(&[("deploy", "api-canary")]),
            f.deploy_start_t,
        ));
    }
    // 30-day KPI recording rules: slow drifts, so a month ago reads a little different
    let month = (f.t / (30.0 * 86_400.0)).sin();
    for (name, v) in [
        ("kpi:availability:pct30d", 99.955 + 0.01 * month),
        ("kpi:latency_p99:seconds30d", 0.18 + 0.02 * month),
        ("kpi:deploy_frequency:per_day30d", 6.0 + 1.5 * month),
        ("kpi:change_failure_rate:pct30d", 8.0 + 3.0 * month),
        ("kpi:content_action_accuracy:pct30d", 97.0 + 0.8 * month),
        ("kpi:user_satisfaction:score30d", 4.3 + 0.1 * month),
    ] {
        out.push((name.into(), Labels::new(), v));
    }
    out
}

/// Whitespace outside quoted strings is irrelevant to matching.
pub fn normalize(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in q.chars() {
        match quote {
            Some(qc) => {
                out.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == qc {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {}
            None => {
                if c == '"' || c == '\'' || c == '`' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}
