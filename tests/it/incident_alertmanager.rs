//! Against the real Alertmanager (`OPSDECK_TEST_AM_URL`), through the data layer's
//! `AmClient`: a critical (P1) alert posted with a start time in the past opens an incident
//! whose detection time equals the alert's `startsAt`, another process sees it, and the
//! alert's resolution is recorded; a silence made from opsdeck appears in Alertmanager
//! (author = the user, comment) and in the incident's timeline.
//!
//! Alerts become `AlertView`s by DESIGN.md's priority mapping with the default config.
use chrono::{DateTime, Duration, SubsecRound, Utc};
use opsdeck::config::{Defaults, PrioritySpec, SourceSpec};
use opsdeck::derive::{AlertView, Priority};
use opsdeck::domain::{Alert, AlertState, Labels};
use opsdeck::incident::action::{self, IncidentAction};
use opsdeck::incident::model::EventKind;
use opsdeck::incident::{Policy, Store, clock_view, silence};
use opsdeck::sources::alertmanager::{AmClient, PostableAlert};

fn am_url() -> Option<String> {
    Some(crate::backends::url("OPSDECK_TEST_AM_URL"))
}

fn client(url: &str) -> AmClient {
    let spec = SourceSpec { name: "am-test".into(), url: url.into(), ..Default::default() };
    AmClient::new(&spec, &Defaults::default()).expect("client")
}

/// DESIGN.md section 2: a `priority` label wins; else severity by the map; else default.
fn view(a: &Alert, spec: &PrioritySpec) -> AlertView {
    let priority = a
        .labels
        .get(&spec.label)
        .and_then(Priority::parse)
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

/// The alerts carrying `testid`, as the data layer's client returns them.
async fn fetch(am: &AmClient, testid: &str) -> Vec<Alert> {
    let all = am.alerts().await.expect("GET /api/v2/alerts");
    all.iter().filter(|a| a.labels.get("testid") == Some(testid)).cloned().collect()
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or(0))
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Waits until Alertmanager reports the alert carrying `testid` in the wanted state.
async fn wait_for(am: &AmClient, testid: &str, ok: impl Fn(&[Alert]) -> bool) -> Vec<Alert> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let alerts = fetch(am, testid).await;
        if ok(&alerts) {
            return alerts;
        }
        assert!(std::time::Instant::now() < deadline, "Alertmanager never got there: {alerts:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn critical_alert_opens_an_incident_detected_at_its_starts_at() {
    let Some(base) = am_url() else { return };
    let am = client(&base);
    let testid = unique("incident");
    let started = (Utc::now() - Duration::minutes(3)).trunc_subsecs(3);
    let mut alert = PostableAlert {
        labels: labels(&[
            ("alertname", "IncidentClockTest"),
            ("severity", "critical"),
            ("testid", &testid),
            ("service", "checkout"),
        ]),
        annotations: labels(&[("summary", "checkout returns 500s")]),
        starts_at: Some(started),
        ..Default::default()
    };
    am.post_alerts(std::slice::from_ref(&alert)).await.expect("POST /api/v2/alerts");
    let alerts = wait_for(&am, &testid, |a| a.iter().any(|a| a.state == AlertState::Active)).await;
    assert_eq!(alerts.len(), 1);
    let spec = PrioritySpec::default();
    let views: Vec<AlertView> = alerts.iter().map(|a| view(a, &spec)).collect();
    assert_eq!(views[0].priority, Priority::P1, "severity=critical is P1");
    assert_eq!(views[0].starts_at, started, "Alertmanager keeps the sender's startsAt");

    // Observe the poll through the shared store, as the screen does.
    let state = tempfile::tempdir().unwrap();
    let store = Store::new(state.path());
    let policy = Policy::default();
    let now = Utc::now();
    let changes = action::observe(&store, &policy, Some(&views), now).unwrap();
    assert!(
        matches!(&changes[0].event.kind, EventKind::Opened { alertname, .. } if alertname == "IncidentClockTest")
    );
    let book = store.load().unwrap();
    let inc = &book.incidents[0];
    assert_eq!(inc.detected_at, alerts[0].starts_at, "detection time = the alert's startsAt");
    assert_eq!(inc.alerts[0].fingerprint, alerts[0].fingerprint);
    let clock = clock_view(inc, &policy, now);
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

    // Resolve it in Alertmanager: the next poll no longer returns it; the timeline says so.
    alert.ends_at = Some(Utc::now() - Duration::seconds(1));
    am.post_alerts(&[alert]).await.expect("POST /api/v2/alerts");
    let gone = wait_for(&am, &testid, |a| a.is_empty()).await;
    let views: Vec<AlertView> = gone.iter().map(|a| view(a, &spec)).collect();
    let changes = action::observe(&store, &policy, Some(&views), Utc::now()).unwrap();
    assert_eq!(changes.len(), 1);
    assert!(
        matches!(&changes[0].event.kind, EventKind::AlertResolved { alertname, .. } if alertname == "IncidentClockTest")
    );
    assert!(store.load().unwrap().incidents[0].is_open(), "people resolve incidents, not alerts");
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn a_silence_made_from_opsdeck_appears_in_alertmanager_and_the_timeline() {
    let Some(base) = am_url() else { return };
    let am = client(&base);
    let testid = unique("silence");
    let alert = PostableAlert {
        labels: labels(&[
            ("alertname", "IncidentSilenceTest"),
            ("severity", "critical"),
            ("testid", &testid),
        ]),
        ..Default::default()
    };
    am.post_alerts(&[alert]).await.expect("POST /api/v2/alerts");
    let alerts = wait_for(&am, &testid, |a| a.iter().any(|a| a.state == AlertState::Active)).await;
    let spec = PrioritySpec::default();
    let view0 = view(&alerts[0], &spec);

    let state = tempfile::tempdir().unwrap();
    let store = Store::new(state.path());
    let policy = Policy::default();
    action::observe(&store, &policy, Some(std::slice::from_ref(&view0)), Utc::now()).unwrap();

    // The feed's `s`: build the silence, POST it, record it in the open incident.
    let who = "alice (ssh 10.0.0.5)";
    let new =
        silence::silence_for(&view0, std::time::Duration::from_secs(3600), "fix deploying", who, Utc::now())
            .unwrap();
    let id = am.create_silence(&new).await.expect("POST /api/v2/silences");
    let rec = silence::record(&new, &id);
    let outcome = action::run(
        &store,
        &policy,
        &IncidentAction::RecordSilence { id: None, silence: rec },
        who,
        Utc::now(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(outcome.id, 1);

    let silences = am.silences().await.expect("GET /api/v2/silences");
    let s = silences.iter().find(|s| s.id == id).expect("the silence is in Alertmanager");
    assert_eq!(s.created_by, who);
    assert_eq!(s.comment, "fix deploying");
    assert!(s.matchers.iter().any(|m| m.name == "testid" && m.value == testid && !m.is_regex));
    // Alertmanager now reports the alert silenced by it; the incident keeps it as firing.
    let muted = wait_for(&am, &testid, |a| a.iter().any(|a| a.silenced_by.contains(&id))).await;
    let views: Vec<AlertView> = muted.iter().map(|a| view(a, &spec)).collect();
    assert!(views[0].silenced);
    assert!(action::observe(&store, &policy, Some(&views), Utc::now()).unwrap().is_empty());
    let book = store.load().unwrap();
    assert!(book.incidents[0].alerts[0].firing);
    let recorded = book.incidents[0].timeline.iter().any(
        |e| matches!(&e.kind, EventKind::SilenceCreated { silence_id, who: w, .. } if *silence_id == id && w == who),
    );
    assert!(recorded, "{:?}", book.incidents[0].timeline);
}
