//! `opsdeck snapshot --json` through the real binary against the real Prometheus and
//! Alertmanager started by `scripts/test` (sample metrics of scripts/start-backends.sh).
use std::process::{Command, Output};

use opsdeck::sources::alertmanager::{AmClient, PostableAlert};
use serde_json::Value;

struct Backends {
    prom: String,
    am: String,
    metrics: String,
}

/// The backends scripts/test started (see `crate::backends`).
fn backends(_test: &str) -> Option<Backends> {
    use crate::backends::url;
    Some(Backends {
        prom: url("OPSDECK_TEST_PROM_URL"),
        am: url("OPSDECK_TEST_AM_URL"),
        metrics: url("OPSDECK_TEST_METRICS_URL"),
    })
}

fn snapshot(config: &str, envs: &[(&str, &str)]) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("opsdeck.toml");
    std::fs::write(&path, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["snapshot", "--json", "--config", path.to_str().unwrap()])
        .env("OPSDECK_STATE_DIR", dir.path().join("state"))
        .env("HOME", dir.path())
        .envs(envs.iter().copied())
        .output()
        .expect("run opsdeck");
    // A read never writes: a fresh state directory stays without an incident book.
    assert!(!dir.path().join("state").join("incidents.json").exists(), "snapshot wrote incidents");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, json)
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

fn post_alert(am_url: &str, labels: &[(&str, &str)]) {
    let spec = opsdeck::config::SourceSpec { name: "am".into(), url: am_url.into(), ..Default::default() };
    let client = AmClient::new(&spec, &Default::default()).unwrap();
    let alert = PostableAlert {
        labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        annotations: [("summary".to_string(), "posted by snapshot_real".to_string())].into(),
        ..Default::default()
    };
    tokio::runtime::Runtime::new().unwrap().block_on(client.post_alerts(&[alert])).unwrap();
}

fn approx(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-6 * expected.abs().max(1.0))
}

fn by<'a>(list: &'a Value, key: &str, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == name)
        .unwrap_or_else(|| panic!("no {key}={name} in {list}"))
}

#[ignore = "needs scripts/test"]
#[test]
fn snapshot_shows_real_values_and_alerts() {
    let Some(b) = backends("snapshot_shows_real_values_and_alerts") else { return };
    let id = unique("snapshot-real");
    post_alert(&b.am, &[("alertname", "OpsdeckSnapshotTest"), ("severity", "critical"), ("test_id", &id)]);

    let config = format!(
        r#"
environment = "test"
[defaults]
poll = "5s"
timeout = "4s"

[[prometheus]]
name = "prod"
url = "{prom}"
bearer_token_env = "OPSDECK_TEST_PLANTED_TOKEN"
headers = {{ "X-Scope-OrgID" = "planted-header-secret-7f3a" }}

[[scrape]]
name = "exporter"
url = "{metrics}"

[[alertmanager]]
name = "am-a"
url = "{am}"
[[alertmanager]]
name = "am-b"
url = "{am}"

[[health]]
service = "api"
availability = '100 * avg(up{{job="metrics-file"}})'
latency_p99 = 'histogram_quantile(0.99, sum by (le) (obs_test_latency_seconds_bucket))'
error_rate = '100 * sum(obs_test_requests_total{{service="api",code="500"}}) / sum(obs_test_requests_total{{service="api"}})'
saturation = 'sum(obs_test_temperature_celsius{{room="lab"}})'

[[health]]
service = "exporter"
source = "exporter"
error_rate = 'obs_test_requests_total{{service="api",code="500"}}'

[[community]]
name = "Lab temperature"
query = 'sum(obs_test_temperature_celsius{{room="lab"}})'
unit = "C"
week_over_week = true

[[community]]
name = "Broken sensor"
query = 'obs_test_temperature_celsius{{room="broken-sensor"}}'

[[community]]
name = "Requests (scraped)"
source = "exporter"
query = 'obs_test_requests_total{{service="api"}}'
unit = "requests"

[moderation]
depth = 'sum by (code) (obs_test_requests_total)'
inflow = 'vector(40)'
throughput = 'vector(35)'
sla = "2h"
"#,
        prom = b.prom,
        metrics = b.metrics,
        am = b.am
    );
    let (out, s) = snapshot(&config, &[("OPSDECK_TEST_PLANTED_TOKEN", "planted-token-secret-91c2")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{s:#}");

    // Secrets never appear.
    let stdout = String::from_utf8_lossy(&out.stdout);
    for secret in ["planted-token-secret-91c2", "planted-header-secret-7f3a"] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret), "{secret} leaked");
    }

    let names: Vec<&str> =
        s["sources"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["prod", "exporter", "am-a", "am-b"]);
    for src in s["sources"].as_array().unwrap() {
        assert_eq!(src["status"], "fresh", "{src}");
        assert_eq!(src["reason"], Value::Null);
    }
    assert_eq!(by(&s["sources"], "name", "exporter")["kind"], "scrape");

    // Health: latency p99 falls in the +Inf bucket, so histogram_quantile gives the highest
    // finite bound, 0.5 s: over twice the 200 ms target (`latency_crit`'s default) is
    // CRIT (docs/health.md). Worst first.
    let api = &s["health"][0];
    assert_eq!(api["service"], "api");
    assert_eq!(api["state"], "CRIT", "{api}");
    assert!(approx(&api["availability"], 100.0), "{api}");
    assert!(approx(&api["latency_p99_ms"], 500.0), "{api}");
    assert!(approx(&api["error_rate_pct"], 300.0 / 1030.0), "{api}");
    assert!(approx(&api["saturation_pct"], 21.5), "{api}");
    assert!(approx(&api["burn_rate"], 0.0), "{api}");
    let exporter = by(&s["health"], "service", "exporter");
    assert_eq!(exporter["state"], "WARN", "3% errors is at or above the 1% warning");
    assert!(approx(&exporter["error_rate_pct"], 3.0), "{exporter}");

    let lab = by(&s["community"], "name", "Lab temperature");
    assert!(approx(&lab["value"], 21.5), "{lab}");
    assert_eq!(lab["unit"], "C");
    assert_eq!(lab["week_ago"], Value::Null, "Prometheus has no data from a week ago");
    assert_eq!(by(&s["community"], "name", "Broken sensor")["value"], Value::Null, "NaN is no value");
    assert!(approx(&by(&s["community"], "name", "Requests (scraped)")["value"], 1030.0));

    let m = &s["moderation"];
    assert!(approx(&m["depth"]["200"], 1027.0) && approx(&m["depth"]["500"], 3.0), "{m}");
    assert!(approx(&m["inflow_per_min"], 40.0) && approx(&m["throughput_per_min"], 35.0), "{m}");
    assert!(approx(&m["est_wait_s"], 1030.0 / 35.0 * 60.0), "{m}");
    assert!(approx(&m["sla_s"], 7200.0), "{m}");
    assert!(approx(&m["breach_in_s"], (4200.0 - 1030.0) / 5.0 * 60.0), "{m}");

    // The posted alert: once (de-duplicated across am-a and am-b), P1 from severity=critical.
    let ours: Vec<&Value> =
        s["alerts"].as_array().unwrap().iter().filter(|a| a["labels"]["test_id"] == id.as_str()).collect();
    assert_eq!(ours.len(), 1, "{:#}", s["alerts"]);
    let a = ours[0];
    assert_eq!(a["priority"], "P1");
    assert_eq!(a["alertname"], "OpsdeckSnapshotTest");
    assert_eq!(a["state"], "active");
    assert_eq!(a["silenced"], false);
    assert_eq!(a["sources"], serde_json::json!(["am-a", "am-b"]));
    assert_eq!(a["annotations"]["summary"], "posted by snapshot_real");
    // Sorted by priority: nothing after it ranks higher.
    let prios: Vec<&str> =
        s["alerts"].as_array().unwrap().iter().map(|a| a["priority"].as_str().unwrap()).collect();
    assert!(prios.windows(2).all(|w| w[0] <= w[1]), "{prios:?}");

    assert_eq!(s["statuspages"], serde_json::json!([]));
    // A read never changes state: the P1 alert opens no incident in a fresh state dir (the
    // screen opens incidents; a snapshot only lists those in the book).
    assert_eq!(s["incidents"], serde_json::json!([]));
    assert!(s["taken_at"].as_str().unwrap().ends_with('Z'));
}

#[ignore = "needs scripts/test"]
#[test]
fn an_unreachable_source_fails_alone_with_exit_1() {
    let Some(b) = backends("an_unreachable_source_fails_alone_with_exit_1") else { return };
    // A port that was free a moment ago: nothing listens there.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let config = format!(
        r#"
[[prometheus]]
name = "prod"
url = "{prom}"
[[prometheus]]
name = "gone"
url = "{dead}"
timeout = "2s"
[[alertmanager]]
name = "am"
url = "{am}"
[[health]]
service = "up"
availability = '100 * avg(up)'
[[health]]
service = "on-the-dead-source"
source = "gone"
availability = '100 * avg(up)'
"#,
        prom = b.prom,
        am = b.am
    );
    let (out, s) = snapshot(&config, &[]);
    assert_eq!(out.status.code(), Some(1), "{s:#}");
    let gone = by(&s["sources"], "name", "gone");
    assert_eq!(gone["status"], "failing", "{gone}");
    assert_eq!(gone["reason"], "connection refused", "{gone}");
    assert_eq!(by(&s["sources"], "name", "prod")["status"], "fresh");
    assert_eq!(by(&s["sources"], "name", "am")["status"], "fresh");
    assert_eq!(by(&s["health"], "service", "on-the-dead-source")["state"], "UNKNOWN");
    assert!(approx(&by(&s["health"], "service", "up")["availability"], 100.0), "{s:#}");
}

#[ignore = "needs scripts/test"]
#[test]
fn a_status_page_served_over_http_shows_what_needs_attention() {
    let Some(b) = backends("a_status_page_served_over_http_shows_what_needs_attention") else { return };
    let dir = crate::backends::url("OPSDECK_TEST_BACKEND_DIR");
    // The backends' static server (the one serving /metrics) serves STATE_DIR/www.
    let sub = unique("statuspage");
    let www = std::path::Path::new(&dir).join("www").join(&sub);
    std::fs::create_dir_all(&www).unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/statuspage/github-summary-2022-11-25-incident.json"
    );
    std::fs::copy(fixture, www.join("summary.json")).unwrap();
    let base = b.metrics.trim_end_matches("/metrics");
    let config = format!(
        "[[statuspage]]\nname = \"GitHub\"\nurl = \"{base}/{sub}/summary.json\"\n\
         [[statuspage]]\nname = \"Missing\"\nurl = \"{base}/{sub}/nope.json\"\n"
    );
    let (out, s) = snapshot(&config, &[]);
    std::fs::remove_dir_all(&www).ok();
    assert_eq!(out.status.code(), Some(1), "the missing page fails: {s:#}");
    let missing = by(&s["sources"], "name", "Missing");
    assert_eq!(missing["status"], "failing");
    assert!(missing["reason"].as_str().unwrap().starts_with("HTTP 404"), "{missing}");
    assert_eq!(by(&s["sources"], "name", "GitHub")["status"], "fresh");

    assert_eq!(s["statuspages"].as_array().unwrap().len(), 1, "{:#}", s["statuspages"]);
    let gh = &s["statuspages"][0];
    assert_eq!(gh["name"], "GitHub");
    assert_eq!(gh["indicator"], "minor");
    assert_eq!(gh["description"], "Minor Service Outage");
    assert_eq!(
        gh["components_not_operational"],
        serde_json::json!([{ "name": "Packages", "status": "partial_outage" }])
    );
    let inc = &gh["incidents"][0];
    assert_eq!(inc["name"], "Incident with Packages and Pages");
    assert_eq!(inc["impact"], "major");
    assert_eq!(inc["status"], "investigating");
    assert_eq!(inc["updated_at"], "2022-11-25T15:50:04.970Z");
    assert!(
        inc["latest_update"]
            .as_str()
            .unwrap()
            .starts_with("Packages is now experiencing degraded performance")
    );
    assert_eq!(gh["maintenances"], serde_json::json!([]));
}

/// In-process: the plan's range queries reach the real Prometheus and come back as the
/// screen-only sparklines (not in the JSON).
#[ignore = "needs scripts/test"]
#[test]
fn sparklines_come_from_range_queries() {
    let Some(b) = backends("sparklines_come_from_range_queries") else { return };
    let config = format!(
        "[[prometheus]]\nname = \"prod\"\nurl = \"{prom}\"\n\
         [[health]]\nservice = \"files\"\navailability = '100 * avg(up{{job=\"metrics-file\"}})'\n\
         [[community]]\nname = \"Lab\"\nquery = 'sum(obs_test_temperature_celsius{{room=\"lab\"}})'\n\
         [moderation]\ndepth = 'sum by (code) (obs_test_requests_total)'\ninflow = 'vector(1)'\nthroughput = 'vector(20)'\n",
        prom = b.prom
    );
    let cfg = opsdeck::config::parse_str(&config, "t.toml").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Range queries are aligned to their 60 s step: a Prometheus started moments ago may
    // have no aligned point yet, so poll until one minute boundary has passed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let s = loop {
        let now = chrono::Utc::now();
        let outcomes = rt.block_on(opsdeck::snapshot::poll_all(&opsdeck::snapshot::plans(&cfg), now));
        let s = opsdeck::snapshot::assemble(&cfg, &outcomes, now);
        if !s.health[0].sparkline.is_empty() || std::time::Instant::now() > deadline {
            break s;
        }
        std::thread::sleep(std::time::Duration::from_secs(3));
    };
    assert!(!opsdeck::snapshot::any_failed(&s), "{:?}", s.sources);
    assert!(s.sources[0].query_errors.is_empty(), "{:?}", s.sources[0].query_errors);
    let spark = &s.health[0].sparkline;
    assert!(!spark.is_empty() && spark.len() <= 61, "{spark:?}");
    assert!(spark.iter().all(|v| *v == 100.0), "{spark:?}");
    assert!(s.community[0].sparkline.iter().all(|v| *v == 21.5) && !s.community[0].sparkline.is_empty());
    let depth = &s.moderation.as_ref().unwrap().depth_history;
    assert!(!depth.is_empty() && depth.iter().all(|v| *v == 1030.0), "{depth:?}");
    assert_eq!(
        s.moderation.as_ref().unwrap().breach_in_s,
        None,
        "wait 51.5 min is under the 2 h SLA and throughput 20/min keeps up with inflow 1/min"
    );
}
