use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 20, 0).unwrap()
}

fn trig(threshold: &str, for_: u64) -> TriggerSpec {
    TriggerSpec {
        name: "error rate".into(),
        query: "q".into(),
        threshold: threshold.into(),
        baseline: None,
        for_: Duration::from_secs(for_),
        rollback_runbook: Some("canary-rollback".into()),
    }
}

/// Points every 15 s ending at `now`, `held` of the latest of them above 1.0.
fn points(n: usize, held: usize) -> Vec<(f64, f64)> {
    let end = now().timestamp() as f64;
    (0..n).map(|i| (end - 15.0 * (n - 1 - i) as f64, if i + held >= n { 1.0 } else { 0.1 })).collect()
}

#[test]
fn schedule_parses_and_places_a_time() {
    let s = parse_schedule(&crate::config::default_phases()).unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(s[1].weight_pct, Some(25.0));
    assert_eq!(s[3].length, None);
    let p = phase_at(&s, Duration::from_secs(25 * 60)).unwrap();
    assert_eq!((p.index, p.elapsed.as_secs(), p.next_in.map(|d| d.as_secs())), (1, 300, Some(1500)));
    let p = phase_at(&s, Duration::from_secs(0)).unwrap();
    assert_eq!((p.index, p.next_in.map(|d| d.as_secs())), (0, Some(1200)));
    let p = phase_at(&s, Duration::from_secs(200 * 60)).unwrap();
    assert_eq!((p.index, p.next_in), (3, None));
    assert_eq!(p.elapsed.as_secs(), (200 - 95) * 60);
    assert!(parse_schedule(&["5%".into(), "100%".into()]).is_err());
    assert!(parse_schedule(&["5%:soon".into()]).is_err());
    assert!(parse_schedule(&[]).is_err());
}

#[test]
fn trigger_is_ok_pending_then_firing() {
    let t = trig("> 0.5", 300);
    let target = Target::parse(&t.threshold).unwrap();
    let ok = trigger_state(&t, &target, Ok(0.1), None, &points(22, 0), now(), 1.0);
    assert_eq!((ok.state, ok.pending_s, ok.text.as_str()), (TriggerState::Ok, None, "ok"));
    // held for the last 9 points: 8 intervals of 15 s = 120 s
    let p = trigger_state(&t, &target, Ok(1.0), None, &points(22, 9), now(), 1.0);
    assert_eq!((p.state, p.pending_s), (TriggerState::Pending, Some(120)));
    assert_eq!(p.text, "pending 2m/5m");
    assert_eq!(p.threshold, Some(0.5));
    let f = trigger_state(&t, &target, Ok(1.0), None, &points(22, 22), now(), 1.0);
    assert_eq!((f.state, f.text.as_str()), (TriggerState::Firing, "FIRING"));
    assert_eq!(f.rollback_runbook.as_deref(), Some("canary-rollback"));
    // the clock speed scales real seconds: 120 real s at x3 is 6 min, past `for`
    let fast = trigger_state(&t, &target, Ok(1.0), None, &points(22, 9), now(), 3.0);
    assert_eq!(fast.state, TriggerState::Firing);
}

#[test]
fn trigger_against_a_baseline_and_without_data() {
    let t = TriggerSpec { baseline: Some(Duration::from_secs(3600)), ..trig("> 2x", 180) };
    let target = Target::parse(&t.threshold).unwrap();
    let v = trigger_state(&t, &target, Ok(0.9), Some(0.4), &points(15, 15), now(), 1.0);
    assert_eq!(v.threshold, Some(0.8));
    assert_eq!(v.state, TriggerState::Firing);
    let v = trigger_state(&t, &target, Ok(0.9), None, &points(15, 15), now(), 1.0);
    assert_eq!(v.state, TriggerState::Ok);
    assert!(v.error.is_some());
    let v = trigger_state(&t, &target, Err("no series".into()), Some(0.4), &[], now(), 1.0);
    assert_eq!((v.state, v.value, v.error.as_deref()), (TriggerState::Ok, None, Some("no series")));
}

#[test]
fn views_read_the_poll() {
    use crate::domain::{QueryData, QueryResponse, Series};
    let cfg = crate::config::parse_str(
        r#"
[[prometheus]]
name = "prod"
url = "http://127.0.0.1:9090"
[[deploy]]
name = "api canary"
start_query = "start"
rollback_runbook = "canary-rollback"
[[deploy.trigger]]
name = "errors"
query = "q"
threshold = "> 0.5"
for = "5m"
"#,
        "t",
    )
    .unwrap();
    let mut m = MetricsPoll::default();
    let start = now().timestamp() as f64 - 25.0 * 60.0;
    let scalar =
        |v: f64| Ok(QueryResponse { data: QueryData::Scalar { ts: 0.0, value: v }, warnings: vec![] });
    m.instant.insert(InstantQuery::now("start"), scalar(start));
    m.instant.insert(InstantQuery::now("q"), scalar(1.0));
    m.range.insert("q".into(), Ok(vec![Series { labels: Default::default(), points: points(30, 30) }]));
    let metrics = BTreeMap::from([("prod".to_string(), m)]);
    let v = views(&cfg, &metrics, now());
    assert_eq!(v[0].phase.as_deref(), Some("25%"));
    assert_eq!(v[0].phase_elapsed_s, Some(300));
    assert_eq!(v[0].next_phase_in_s, Some(1500));
    assert_eq!(v[0].triggers[0].state, TriggerState::Firing);
    assert_eq!(v[0].triggers[0].rollback_runbook.as_deref(), Some("canary-rollback"));
    let q = queries(&cfg);
    assert_eq!(q[0].2[0].window, Duration::from_secs(300 + 20));
}
