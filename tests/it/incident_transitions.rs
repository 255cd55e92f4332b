//! Every incident transition with an injected clock: auto-open, join, alert resolved,
//! escalation at each tier boundary (one second before and after) for both presets, ack,
//! resolve, phases, and the amber/red deadline thresholds.
use chrono::{DateTime, Duration, TimeZone, Utc};
use opsdeck::derive::{AlertView, Priority};
use opsdeck::domain::AlertState;
use opsdeck::incident::clock::{DeadlineState, clock_view, clock_views};
use opsdeck::incident::model::{
    self, EventKind, IncidentBook, IncidentError, Severity, observe_alerts, observe_time,
};
use opsdeck::incident::policy::{Policy, UNASSIGNED};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 16, 50).unwrap()
}

fn secs(s: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(s)
}

fn alert(fp: &str, name: &str, priority: Priority, starts_at: DateTime<Utc>) -> AlertView {
    AlertView {
        fingerprint: fp.into(),
        alertname: name.into(),
        priority,
        state: AlertState::Active,
        silenced: false,
        inhibited: false,
        starts_at,
        labels: [("alertname".to_string(), name.to_string())].into_iter().collect(),
        annotations: [("summary".to_string(), format!("{name} summary"))].into_iter().collect(),
        sources: vec!["am".into()],
        generator_url: None,
    }
}

fn tiers_policy() -> Policy {
    let cfg = opsdeck::config::parse_str("[escalation]\npreset = \"tiers\"\n", "t.toml").unwrap();
    Policy::from_spec(&cfg.escalation).unwrap()
}

fn kinds(book: &IncidentBook, id: u64) -> Vec<EventKind> {
    book.get(id).unwrap().timeline.iter().map(|e| e.kind.clone()).collect()
}

#[test]
fn p1_alert_opens_an_incident_detected_at_starts_at() {
    let mut book = IncidentBook::default();
    let starts = secs(-90);
    let changes = observe_alerts(&mut book, &[alert("fp1", "DiskFull", Priority::P1, starts)], t0());
    assert_eq!(book.incidents.len(), 1);
    let inc = &book.incidents[0];
    assert_eq!(inc.id, 1);
    assert_eq!(inc.detected_at, starts);
    assert_eq!(inc.opened_at, t0());
    assert_eq!(inc.severity, Severity::P1);
    assert_eq!(inc.title, "DiskFull: DiskFull summary");
    assert_eq!(changes.len(), 2, "opened + alert fired");
    assert!(matches!(&changes[0].event.kind, EventKind::Opened { alertname, .. } if alertname == "DiskFull"));
    assert_eq!(changes[1].event.at, starts);
    // The clock counts from the alert's start, not from when it was observed.
    assert_eq!(clock_view(inc, &Policy::default(), t0()).elapsed, "01:30");
}

#[test]
fn low_priority_silenced_inhibited_and_suppressed_alerts_do_not_open() {
    let mut book = IncidentBook::default();
    let mut silenced = alert("a", "A", Priority::P0, t0());
    silenced.silenced = true;
    let mut inhibited = alert("b", "B", Priority::P1, t0());
    inhibited.inhibited = true;
    let mut suppressed = alert("c", "C", Priority::P1, t0());
    suppressed.state = AlertState::Suppressed;
    let low = alert("d", "D", Priority::P2, t0());
    let changes = observe_alerts(&mut book, &[silenced, inhibited, suppressed, low], t0());
    assert!(changes.is_empty());
    assert!(book.incidents.is_empty());
}

#[test]
fn alerts_firing_while_open_join_and_raise_severity() {
    let mut book = IncidentBook::default();
    observe_alerts(&mut book, &[alert("fp1", "DiskFull", Priority::P1, t0())], t0());
    let a1 = alert("fp1", "DiskFull", Priority::P1, t0());
    // Same correlation key (alertname, no service or job), another instance.
    let a2 = alert("fp2", "DiskFull", Priority::P0, secs(60));
    let changes = observe_alerts(&mut book, &[a1.clone(), a2.clone()], secs(70));
    assert_eq!(book.incidents.len(), 1, "joined, not a second incident");
    let inc = &book.incidents[0];
    assert_eq!(inc.alerts.len(), 2);
    assert_eq!(inc.severity, Severity::P0);
    assert_eq!(inc.detected_at, t0(), "detection stays the first alert's start");
    assert!(
        matches!(&changes[0].event.kind, EventKind::AlertFired { fingerprint, .. } if fingerprint == "fp2")
    );
    assert!(matches!(
        &changes[1].event.kind,
        EventKind::SeverityChanged { from: Severity::P1, to: Severity::P0, .. }
    ));
    // Observing the same poll again (another process) changes nothing.
    assert!(observe_alerts(&mut book, &[a1, a2], secs(75)).is_empty());
}

#[test]
fn disappearing_alert_is_recorded_resolved_and_a_resolved_incident_is_not_reopened() {
    let mut book = IncidentBook::default();
    let a1 = alert("fp1", "DiskFull", Priority::P1, t0());
    let a2 = alert("fp2", "DiskFull", Priority::P1, secs(30));
    observe_alerts(&mut book, &[a1.clone(), a2.clone()], secs(40));
    let changes = observe_alerts(&mut book, std::slice::from_ref(&a2), secs(100));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].event.at, secs(100));
    assert!(
        matches!(&changes[0].event.kind, EventKind::AlertResolved { fingerprint, .. } if fingerprint == "fp1")
    );
    let inc = &book.incidents[0];
    assert!(!inc.alerts[0].firing && inc.alerts[1].firing);
    assert!(inc.is_open(), "alerts resolving does not close the incident; people do");

    model::resolve(&mut book, 1, "alice", secs(200)).unwrap();
    assert!(
        observe_alerts(&mut book, std::slice::from_ref(&a2), secs(210)).is_empty(),
        "same firing, no reopen"
    );
    assert_eq!(book.incidents.len(), 1);
    // The same alert firing anew (new startsAt) after resolution opens a new incident.
    let again = alert("fp1", "DiskFull", Priority::P1, secs(300));
    observe_alerts(&mut book, &[a2, again], secs(310));
    assert_eq!(book.incidents.len(), 2);
    assert_eq!(book.incidents[1].id, 2);
    assert_eq!(book.incidents[1].detected_at, secs(300));
}

/// The tier shown by the clock and the escalations recorded, one second either side of
/// every boundary.
fn check_boundaries(policy: &Policy, boundaries: &[(i64, &str)], before_first: &str) {
    for (i, (at, name)) in boundaries.iter().enumerate() {
        let prev = if i == 0 { before_first } else { boundaries[i - 1].1 };
        let mut book = IncidentBook::default();
        let id = model::declare(&mut book, "t", Severity::P1, "alice", t0()).unwrap();
        if *at > 0 {
            observe_time(&mut book, policy, secs(at - 1));
            let v = clock_view(book.get(id).unwrap(), policy, secs(at - 1));
            assert_eq!(v.tier_name, prev, "1s before {name}");
            let next = v.next_tier.expect("a next tier");
            assert_eq!((next.name.as_str(), next.countdown.as_str(), next.in_s), (*name, "00:01", 1));
            assert_eq!(next.state, DeadlineState::Amber, "1s before an escalation is past 80%");
            assert_eq!(book.get(id).unwrap().tier, i.checked_sub(1));
        }
        let changes = observe_time(&mut book, policy, secs(at + 1));
        let v = clock_view(book.get(id).unwrap(), policy, secs(at + 1));
        assert_eq!(v.tier_name, *name, "1s after {name}");
        assert_eq!(v.tier, Some(i));
        let last = changes.last().expect("an escalation recorded");
        assert_eq!(last.event.at, secs(*at), "recorded at the boundary, not when observed");
        assert_eq!(last.event.kind, EventKind::Escalated { tier: i, name: name.to_string() });
        assert_eq!(book.get(id).unwrap().tier, Some(i));
        assert!(observe_time(&mut book, policy, secs(at + 2)).is_empty(), "recorded once");
    }
}

#[test]
fn matrix_preset_escalates_at_each_boundary() {
    let p = Policy::default();
    check_boundaries(
        &p,
        &[
            (300, "Primary on-call"),
            (900, "Secondary on-call"),
            (1800, "Engineering manager"),
            (3600, "Director/VP"),
        ],
        UNASSIGNED,
    );
    let mut book = IncidentBook::default();
    model::declare(&mut book, "t", Severity::P1, "alice", t0()).unwrap();
    let v = clock_view(&book.incidents[0], &p, t0());
    assert_eq!(v.tier_name, UNASSIGNED);
    let next = v.next_tier.unwrap();
    assert_eq!((next.countdown.as_str(), next.state), ("05:00", DeadlineState::Normal));
    // 80% of the way from Primary (5:00) to Secondary (15:00) is 13:00.
    let next_at = |s: i64| clock_view(&book.incidents[0], &p, secs(s)).next_tier.unwrap().state;
    assert_eq!(next_at(779), DeadlineState::Normal);
    assert_eq!(next_at(780), DeadlineState::Amber);
    assert_eq!(next_at(900), DeadlineState::Normal, "a new interval starts at each tier");
    // Sub-second time does not show: half a second in, the countdown still reads 05:00.
    let v = clock_view(&book.incidents[0], &p, t0() + Duration::milliseconds(500));
    assert_eq!((v.elapsed.as_str(), v.next_tier.unwrap().countdown.as_str()), ("00:00", "05:00"));
    assert_eq!(v.resolution_left.as_deref(), Some("4:00:00"));
    // The last tier has no next one.
    assert!(clock_view(&book.incidents[0], &p, secs(4000)).next_tier.is_none());
    // A late observer records all tiers at once with their true times.
    let changes = observe_time(&mut book, &p, secs(4000));
    let ats: Vec<_> = changes.iter().map(|c| c.event.at).collect();
    assert_eq!(ats, vec![secs(300), secs(900), secs(1800), secs(3600)]);
}

#[test]
fn tiers_preset_escalates_at_each_boundary() {
    check_boundaries(&tiers_policy(), &[(0, "L1"), (1200, "L2"), (2700, "L3"), (5400, "L4")], UNASSIGNED);
    let mut book = IncidentBook::default();
    model::declare(&mut book, "t", Severity::P1, "alice", t0()).unwrap();
    let v = clock_view(&book.incidents[0], &tiers_policy(), t0());
    assert_eq!(v.tier_name, "L1", "L1 holds it at once");
    assert_eq!(v.next_tier.unwrap().countdown, "20:00");
}

#[test]
fn ack_stops_escalation_but_not_the_resolution_clock() {
    let p = Policy::default();
    let mut book = IncidentBook::default();
    let id = model::declare(&mut book, "DB down", Severity::P0, "alice", t0()).unwrap();
    observe_time(&mut book, &p, secs(400));
    model::acknowledge(&mut book, id, "bob (ssh 10.0.0.5)", secs(400)).unwrap();
    assert!(observe_time(&mut book, &p, secs(3000)).is_empty(), "no escalation after ack");
    let v = clock_view(book.get(id).unwrap(), &p, secs(3000));
    assert_eq!(v.tier_name, "Primary on-call", "frozen at the tier held when acknowledged");
    assert!(v.next_tier.is_none());
    assert_eq!(v.acknowledged_by.as_deref(), Some("bob (ssh 10.0.0.5)"));
    assert_eq!(v.elapsed, "50:00", "the clock keeps running");
    assert_eq!(v.resolution_left.as_deref(), Some("10:00"));
    assert_eq!(v.phase, "Resolution");
    let err = model::acknowledge(&mut book, id, "carol", secs(3001)).unwrap_err();
    assert!(matches!(err, IncidentError::AlreadyAcknowledged { .. }));
}

#[test]
fn ack_before_the_first_tier_holds_unassigned() {
    let p = Policy::default();
    let mut book = IncidentBook::default();
    let id = model::declare(&mut book, "x", Severity::P1, "alice", t0()).unwrap();
    model::acknowledge(&mut book, id, "alice", secs(60)).unwrap();
    let v = clock_view(book.get(id).unwrap(), &p, secs(1000));
    assert_eq!(v.tier, None);
    assert!(v.next_tier.is_none());
    assert!(observe_time(&mut book, &p, secs(1000)).is_empty());
}

#[test]
fn resolve_closes_and_stops_every_clock() {
    let p = Policy::default();
    let mut book = IncidentBook::default();
    let id = model::declare(&mut book, "x", Severity::P1, "alice", t0()).unwrap();
    model::resolve(&mut book, id, "bob", secs(754)).unwrap();
    let inc = book.get(id).unwrap();
    assert!(!inc.is_open());
    let v = clock_view(inc, &p, secs(99_999));
    assert_eq!(v.elapsed, "12:34");
    assert!(v.resolved);
    assert!(v.next_tier.is_none());
    assert_eq!(v.phase, "Post-incident");
    assert!(clock_views(&book, &p, secs(99_999)).is_empty(), "only open incidents get a clock");
    assert!(observe_time(&mut book, &p, secs(99_999)).is_empty());
    assert!(matches!(
        model::resolve(&mut book, id, "bob", secs(800)),
        Err(IncidentError::AlreadyResolved { .. })
    ));
    assert!(matches!(
        model::acknowledge(&mut book, id, "bob", secs(800)),
        Err(IncidentError::AlreadyResolved { .. })
    ));
    model::note(&mut book, id, "carol", "post-incident note", secs(900)).unwrap();
    assert_eq!(book.resolve_id(None), Err(IncidentError::NoneOpen));
    assert_eq!(book.resolve_id_any(None), Ok(id));
    assert!(matches!(kinds(&book, id).last(), Some(EventKind::Note { .. })));
}

#[test]
fn phases_change_at_their_boundaries() {
    let p = Policy::default();
    let mut book = IncidentBook::default();
    model::declare(&mut book, "x", Severity::P2, "alice", t0()).unwrap();
    let inc = &book.incidents[0];
    let phase = |s: i64| clock_view(inc, &p, secs(s)).phase;
    for (at, before, after) in [
        (120, "Detection", "Initial response"),
        (300, "Initial response", "Mitigation"),
        (900, "Mitigation", "Resolution"),
        (3600, "Resolution", "Post-incident"),
    ] {
        assert_eq!(phase(at - 1), before, "1s before {after}");
        assert_eq!(phase(at), after);
        assert_eq!(phase(at + 1), after);
    }
    assert_eq!(phase(0), "Detection");
}

#[test]
fn deadline_turns_amber_at_80_percent_and_red_past_it() {
    let p = Policy::default();
    for (sev, target) in [(Severity::P0, 3600), (Severity::P1, 4 * 3600), (Severity::P2, 24 * 3600)] {
        let mut book = IncidentBook::default();
        model::declare(&mut book, "x", sev, "alice", t0()).unwrap();
        let inc = &book.incidents[0];
        let state = |s: i64| clock_view(inc, &p, secs(s)).deadline_state;
        let amber = target * 8 / 10;
        assert_eq!(state(amber - 1), DeadlineState::Normal, "{sev:?}");
        assert_eq!(state(amber), DeadlineState::Amber, "{sev:?}");
        assert_eq!(state(target - 1), DeadlineState::Amber, "{sev:?}");
        assert_eq!(state(target), DeadlineState::Red, "{sev:?}");
        assert_eq!(state(target + 1), DeadlineState::Red, "{sev:?}");
    }
    let mut book = IncidentBook::default();
    model::declare(&mut book, "x", Severity::P0, "alice", t0()).unwrap();
    let v = clock_view(&book.incidents[0], &p, secs(3600 + 300));
    assert_eq!(v.resolution_left.as_deref(), Some("-05:00"));
    assert_eq!(v.resolution_left_s, Some(-300));
    assert_eq!(v.target.as_deref(), Some("1:00:00"));
    // P3 has no target by default: never amber or red.
    let mut book = IncidentBook::default();
    model::declare(&mut book, "x", Severity::P3, "alice", t0()).unwrap();
    let v = clock_view(&book.incidents[0], &p, secs(1_000_000));
    assert_eq!((v.deadline_state, v.resolution_left), (DeadlineState::Normal, None));
}

#[test]
fn most_severe_open_incident_comes_first() {
    let p = Policy::default();
    let mut book = IncidentBook::default();
    model::declare(&mut book, "minor", Severity::P2, "a", t0()).unwrap();
    model::declare(&mut book, "big", Severity::P0, "a", secs(10)).unwrap();
    model::declare(&mut book, "older big", Severity::P0, "a", secs(5)).unwrap();
    let titles: Vec<_> = clock_views(&book, &p, secs(20)).into_iter().map(|v| v.title).collect();
    assert_eq!(titles, ["older big", "big", "minor"]);
    assert_eq!(book.latest_open().unwrap().title, "big", "default CLI target: the most recent");
}

#[test]
fn declare_validates_and_records_actor() {
    let mut book = IncidentBook::default();
    assert!(matches!(
        model::declare(&mut book, "  ", Severity::P1, "a", t0()),
        Err(IncidentError::Invalid(_))
    ));
    let id =
        model::declare(&mut book, "Checkout errors", Severity::P1, "alice (ssh 10.1.2.3)", t0()).unwrap();
    assert_eq!(
        kinds(&book, id),
        vec![EventKind::Declared {
            who: "alice (ssh 10.1.2.3)".into(),
            severity: Severity::P1,
            title: "Checkout errors".into()
        }]
    );
    assert!(matches!(model::note(&mut book, 7, "a", "x", t0()), Err(IncidentError::NotFound(7))));
    assert_eq!(Severity::parse("SEV-1"), Some(Severity::P0));
    assert_eq!(Severity::parse("sev2"), Some(Severity::P1));
    assert_eq!(Severity::parse("p3"), Some(Severity::P3));
    assert_eq!(Severity::parse("SEV-9"), None);
}
