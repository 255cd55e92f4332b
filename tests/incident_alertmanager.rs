//! Against the real Alertmanager (`OPSDECK_TEST_AM_URL`): a critical (P1) alert posted with
//! a start time in the past opens an incident whose detection time equals the alert's
//! `startsAt`; the incident is visible to another process through the store; when the
//! alert is resolved in Alertmanager, the timeline records it.
//!
//! The alert is fetched with a minimal `GET /api/v2/alerts` parsed into `sources::Alert`
//! (the data layer's client lives on another branch); the conversion to `AlertView` follows
//! DESIGN.md's priority mapping with the default config.
use chrono::{DateTime, Duration, SubsecRound, Utc};
use opsdeck::config::PrioritySpec;
use opsdeck::derive::{AlertView, Priority};
use opsdeck::incident::model::{EventKind, observe_alerts};
use opsdeck::incident::{Policy, Store, clock_view};
use opsdeck::sources::{Alert, AlertState, Labels};
use serde::Deserialize;

fn am_url() -> Option<String> {
    match std::env::var("OPSDECK_TEST_AM_URL") {
        Ok(u) if !u.is_empty() => Some(u.trim_end_matches('/').to_string()),
        _ if std::env::var("OPSDECK_REQUIRE_BACKENDS").as_deref() == Ok("1") => {
            panic!("OPSDECK_TEST_AM_URL is not set but OPSDECK_REQUIRE_BACKENDS=1")
        }
        _ => {
            eprintln!("skip: OPSDECK_TEST_AM_URL is not set (run scripts/test)");
            None
        }
    }
}

/// `GettableAlert` of Alertmanager API v2 (fields this test needs).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAlert {
    fingerprint: String,
    labels: Labels,
    #[serde(default)]
    annotations: Labels,
    starts_at: DateTime<Utc>,
    ends_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    #[serde(rename = "generatorURL")]
    generator_url: Option<String>,
    status: WireStatus,
    #[serde(default)]
    receivers: Vec<WireReceiver>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStatus {
    state: AlertState,
    silenced_by: Vec<String>,
    inhibited_by: Vec<String>,
}

#[derive(Deserialize)]
struct WireReceiver {
    name: String,
}

impl WireAlert {
    fn into_alert(self) -> Alert {
        Alert {
            fingerprint: self.fingerprint,
            labels: self.labels,
            annotations: self.annotations,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            updated_at: self.updated_at,
            generator_url: self.generator_url,
            state: self.status.state,
            silenced_by: self.status.silenced_by,
            inhibited_by: self.status.inhibited_by,
            receivers: self.receivers.into_iter().map(|r| r.name).collect(),
            sources: vec!["am-test".into()],
        }
    }
}

/// DESIGN.md section 2: a `priority` label wins; else severity by the map; else default.
fn view(a: &Alert, spec: &PrioritySpec) -> AlertView {
    let priority = a
        .labels
        .get(&spec.label)
        .and_then(|p| Priority::parse(p))
        .or_else(|| {
            a.labels.get(&spec.severity_label).and_then(|s| spec.map.get(s)).and_then(|p| Priority::parse(p))
        })
        .or_else(|| Priority::parse(&spec.default))
        .unwrap_or(Priority::P3);
    AlertView {
        fingerprint: a.fingerprint.clone(),
        alertname: a.name().to_string(),
        priority,
        state: a.state,
        silenced: !a.silenced_by.is_empty(),
        inhibited: !a.inhibited_by.is_empty(),
        starts_at: a.starts_at,
        labels: a.labels.clone(),
        annotations: a.annotations.clone(),
        sources: a.sources.clone(),
        generator_url: a.generator_url.clone(),
    }
}

async fn fetch(http: &reqwest::Client, base: &str, testid: &str) -> Vec<Alert> {
    let resp = http
        .get(format!("{base}/api/v2/alerts"))
        .query(&[("filter", format!("testid=\"{testid}\""))])
        .send()
        .await
        .expect("GET /api/v2/alerts");
    assert!(resp.status().is_success(), "HTTP {}", resp.status());
    let wire: Vec<WireAlert> = resp.json().await.expect("alerts JSON");
    wire.into_iter().map(WireAlert::into_alert).collect()
}

async fn post(http: &reqwest::Client, base: &str, body: serde_json::Value) {
    let resp =
        http.post(format!("{base}/api/v2/alerts")).json(&body).send().await.expect("POST /api/v2/alerts");
    assert!(resp.status().is_success(), "HTTP {}: {}", resp.status(), resp.text().await.unwrap_or_default());
}

#[tokio::test]
async fn critical_alert_opens_an_incident_detected_at_its_starts_at() {
    let Some(base) = am_url() else { return };
    let http = reqwest::Client::new();
    let testid = format!("incident-{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or(0));
    let started = (Utc::now() - Duration::minutes(3)).trunc_subsecs(3);
    let labels = serde_json::json!({
        "alertname": "IncidentClockTest", "severity": "critical", "testid": testid, "service": "checkout"
    });
    post(
        &http,
        &base,
        serde_json::json!([{
            "labels": labels,
            "annotations": {"summary": "checkout returns 500s"},
            "startsAt": started.to_rfc3339(),
        }]),
    )
    .await;

    // Wait until Alertmanager has processed it (state `active`).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let alerts = loop {
        let alerts = fetch(&http, &base, &testid).await;
        if alerts.iter().any(|a| a.state == AlertState::Active) {
            break alerts;
        }
        assert!(std::time::Instant::now() < deadline, "alert never became active: {alerts:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(alerts.len(), 1);
    let spec = PrioritySpec::default();
    let views: Vec<AlertView> = alerts.iter().map(|a| view(a, &spec)).collect();
    assert_eq!(views[0].priority, Priority::P1, "severity=critical is P1");
    assert_eq!(views[0].starts_at, started, "Alertmanager keeps the sender's startsAt");

    // Observe the poll through the shared store, as a screen would.
    let state = tempfile::tempdir().unwrap();
    let store = Store::new(state.path());
    let now = Utc::now();
    let changes = store.update(|book| Ok::<_, ()>(observe_alerts(book, &views, now))).unwrap().unwrap();
    assert!(
        matches!(&changes[0].event.kind, EventKind::Opened { alertname, .. } if alertname == "IncidentClockTest")
    );
    let book = store.load().unwrap();
    let inc = &book.incidents[0];
    assert_eq!(inc.detected_at, alerts[0].starts_at, "detection time = the alert's startsAt");
    assert_eq!(inc.alerts[0].fingerprint, alerts[0].fingerprint);
    let clock = clock_view(inc, &Policy::default(), now);
    assert!(clock.elapsed_s >= 180, "the clock started at the alert's start: {}", clock.elapsed);

    // Another process sees it, with the clock running from startsAt.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["incident", "list", "--json"])
        .env("OPSDECK_STATE_DIR", state.path())
        .env("OPSDECK_CONFIG", state.path().join("none.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let detected: DateTime<Utc> = list[0]["detected_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(detected, started);
    assert_eq!(list[0]["severity"], "P1");
    assert!(list[0]["elapsed_s"].as_u64().unwrap() >= 180);

    // Resolve it in Alertmanager: the next poll no longer returns it, and the timeline says so.
    post(
        &http,
        &base,
        serde_json::json!([{
            "labels": labels,
            "annotations": {"summary": "checkout returns 500s"},
            "startsAt": started.to_rfc3339(),
            "endsAt": (Utc::now() - Duration::seconds(1)).to_rfc3339(),
        }]),
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let gone = loop {
        let alerts = fetch(&http, &base, &testid).await;
        if alerts.is_empty() {
            break alerts;
        }
        assert!(std::time::Instant::now() < deadline, "alert never resolved: {alerts:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let views: Vec<AlertView> = gone.iter().map(|a| view(a, &spec)).collect();
    let changes =
        store.update(|book| Ok::<_, ()>(observe_alerts(book, &views, Utc::now()))).unwrap().unwrap();
    assert_eq!(changes.len(), 1);
    assert!(
        matches!(&changes[0].event.kind, EventKind::AlertResolved { alertname, .. } if alertname == "IncidentClockTest")
    );
    assert!(store.load().unwrap().incidents[0].is_open(), "people resolve incidents, not alerts");
}
