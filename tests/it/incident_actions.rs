//! Actions as data (what the screen emits) applied purely and through the store, and an
//! export of an alert-driven incident with silences and runbook steps.
use chrono::{DateTime, Duration, TimeZone, Utc};
use opsdeck::derive::{AlertView, Priority};
use opsdeck::domain::AlertState;
use opsdeck::incident::action::{self, IncidentAction, apply};
use opsdeck::incident::export::export_markdown;
use opsdeck::incident::model::{EventKind, IncidentBook, IncidentError, Severity, SilenceRecord};
use opsdeck::incident::{Policy, Store};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 16, 50).unwrap()
}

fn at(s: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(s)
}

fn alert(fp: &str, name: &str, starts_at: DateTime<Utc>) -> AlertView {
    AlertView {
        fingerprint: fp.into(),
        alertname: name.into(),
        priority: Priority::P1,
        state: AlertState::Active,
        silenced: false,
        inhibited: false,
        starts_at,
        labels: [("alertname".to_string(), name.to_string())].into_iter().collect(),
        annotations: [("summary", "Disk /var on db-1 is 97% full")].into_iter().collect(),
        sources: vec!["am-a".into()],
        generator_url: None,
    }
}

#[test]
fn acknowledging_late_records_the_escalations_that_happened_first() {
    let p = Policy::default();
    let mut book = IncidentBook::default();
    apply(
        &mut book,
        &p,
        &IncidentAction::Declare { title: "DB".into(), severity: Severity::P1 },
        "alice",
        t0(),
    )
    .unwrap();
    let out = apply(&mut book, &p, &IncidentAction::Acknowledge { id: None }, "bob", at(1000)).unwrap();
    assert_eq!(out.message, "INC-1 acknowledged by bob; escalation stopped at Secondary on-call");
    let kinds: Vec<_> = book.incidents[0].timeline.iter().map(|e| (e.at, e.kind.clone())).collect();
    assert_eq!(kinds[1], (at(300), EventKind::Escalated { tier: 0, name: "Primary on-call".into() }));
    assert_eq!(kinds[2], (at(900), EventKind::Escalated { tier: 1, name: "Secondary on-call".into() }));
    assert_eq!(kinds[3], (at(1000), EventKind::Acknowledged { who: "bob".into() }));
    let early = {
        let mut b = IncidentBook::default();
        apply(&mut b, &p, &IncidentAction::Declare { title: "x".into(), severity: Severity::P2 }, "a", t0())
            .unwrap();
        apply(&mut b, &p, &IncidentAction::Acknowledge { id: Some(1) }, "a", at(10)).unwrap().message
    };
    assert_eq!(early, "INC-1 acknowledged by a; escalation stopped before Primary on-call");
    let err = apply(&mut book, &p, &IncidentAction::Resolve { id: Some(5) }, "bob", at(1001)).unwrap_err();
    assert_eq!(err, IncidentError::NotFound(5));
}

#[test]
fn screen_observe_and_actions_through_the_store_then_export() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let p = Policy::default();
    let disk = alert("58b5a90f31e111e0", "DiskFull", t0());
    // Another alert name: it joins only because its `incident` label names INC-1.
    let mut api = alert("cdd96d98a3e0451b", "ApiErrors", at(120));
    api.labels = [("alertname", "ApiErrors"), ("incident", "INC-1")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();

    // The screen's poll at +30s opens the incident; its clock tick at +31s writes nothing.
    let changes = action::observe(&store, &p, Some(std::slice::from_ref(&disk)), at(30)).unwrap();
    assert_eq!(changes.len(), 2);
    let stamp = store.stamp();
    assert!(action::observe(&store, &p, None, at(31)).unwrap().is_empty());
    assert_eq!(store.stamp(), stamp, "nothing changed, nothing written");
    action::observe(&store, &p, Some(&[disk.clone(), api.clone()]), at(130)).unwrap();
    // Escalation to the primary at +5:00 is recorded by the tick at +5:02.
    let changes = action::observe(&store, &p, None, at(302)).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].event.at, at(300));

    let silence = SilenceRecord {
        silence_id: "bb6e95c2-15f3-4656-b4db-d341a120c3d3".into(),
        matchers: "alertname=\"ApiErrors\"".into(),
        ends_at: at(330 + 7200),
        comment: "known, fix deploying".into(),
    };
    let run =
        |a: IncidentAction, who: &str, s: i64| action::run(&store, &p, &a, who, at(s)).unwrap().unwrap();
    run(IncidentAction::Acknowledge { id: None }, "alice (ssh 10.0.0.5)", 320);
    run(IncidentAction::RecordSilence { id: None, silence }, "alice (ssh 10.0.0.5)", 330);
    run(
        IncidentAction::RecordRunbookStep {
            id: None,
            runbook: "disk-full".into(),
            step: "Rotate logs".into(),
            outcome: "ok".into(),
        },
        "bob",
        600,
    );
    run(IncidentAction::Note { id: None, text: "disk back to 60%".into() }, "bob", 700);
    action::observe(&store, &p, Some(std::slice::from_ref(&api)), at(710)).unwrap();
    run(IncidentAction::Resolve { id: Some(1) }, "alice", 900);

    let book = store.load().unwrap();
    let md = export_markdown(&book.incidents[0], &p, at(5000));
    let timeline = &md[md.find("## Timeline").unwrap()..md.find("## Alerts").unwrap()];
    let rows: Vec<&str> = timeline.lines().filter(|l| l.starts_with("| 2026-")).collect();
    let expect = [
        ("01:16:50 | +00:00 | Incident opened automatically by alert **DiskFull** (P1)", "opsdeck"),
        ("01:16:50 | +00:00 | Alert **DiskFull** fired (P1, `58b5a90f31e111e0`): Disk /var", "Alertmanager"),
        ("01:18:50 | +02:00 | Alert **ApiErrors** fired (P1, `cdd96d98a3e0451b`)", "Alertmanager"),
        (
            "01:21:50 | +05:00 | Escalated to **Primary on-call** (tier 1), not yet acknowledged",
            "escalation policy",
        ),
        ("01:22:10 | +05:20 | Acknowledged; escalation stopped", "alice (ssh 10.0.0.5)"),
        (
            "01:22:20 | +05:30 | Silence `bb6e95c2-15f3-4656-b4db-d341a120c3d3` created for alertname=\"ApiErrors\"",
            "alice",
        ),
        ("01:26:50 | +10:00 | Runbook *disk-full*, step \"Rotate logs\": ok", "bob"),
        ("01:28:30 | +11:40 | Note: disk back to 60%", "bob"),
        ("01:28:40 | +11:50 | Alert **DiskFull** resolved (`58b5a90f31e111e0`)", "Alertmanager"),
        ("01:31:50 | +15:00 | Resolved; incident closed", "alice"),
    ];
    assert_eq!(rows.len(), expect.len(), "{md}");
    for (row, (what, who)) in rows.iter().zip(expect) {
        assert!(row.contains(what), "row {row:?} lacks {what:?}");
        assert!(row.contains(who), "row {row:?} lacks {who:?}");
    }
    assert!(md.contains("| Detected | 2026-11-23 01:16:50 UTC (start of alert DiskFull) |"), "{md}");
    assert!(md.contains(
        "| Acknowledged | 2026-11-23 01:22:10 UTC by alice (ssh 10.0.0.5), 5m20s after detection |"
    ));
    assert!(md.contains("| Highest escalation | Primary on-call |"));
    assert!(md.contains("15m00s after detection; target 4h met"), "{md}");
    assert!(md.contains("| Alerts | 2 (1 still firing) |"));
    assert!(md.contains("| DiskFull | `58b5a90f31e111e0` | 2026-11-23 01:16:50 | 2026-11-23 01:28:40 |"));
    assert!(md.contains("| ApiErrors | `cdd96d98a3e0451b` | 2026-11-23 01:18:50 | still firing |"));
    assert!(md.contains("| 2026-11-23 01:26:50 | disk-full | Rotate logs | ok | bob |"), "{md}");
    assert!(md.contains("- 2026-11-23 01:28:30 UTC, bob: disk back to 60%"));
}
