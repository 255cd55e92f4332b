//! The simulator's model, pure: determinism, each scenario's incident, and the closed loop
//! (the admin action brings the numbers back and the alert goes away). Time is an input.
use chrono::{DateTime, Duration, TimeZone, Utc};
use opsdeck::demo::promql;
use opsdeck::demo::sim::{Scenario, Sim, SimOptions};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap()
}

fn sim(scenario: Scenario, seed: u64, speed: f64) -> Sim {
    Sim::new(SimOptions { scenario, seed, speed, start: start(), synthetic_alerts: 0 })
}

fn at(s: &mut Sim, simulated_secs: i64) {
    let speed = s.options().speed;
    let wall = (simulated_secs as f64 / speed * 1000.0) as i64;
    s.advance_to(start() + Duration::milliseconds(wall));
}

fn firing(s: &Sim) -> Vec<String> {
    s.alerts().into_iter().map(|a| a.labels["alertname"].clone()).collect()
}

fn q(s: &Sim, query: &str) -> f64 {
    let v = promql::evaluate(query, s.current()).expect("known query");
    assert_eq!(v.len(), 1, "{query}: {v:?}");
    v[0].1
}

const GW_ERR: &str = "service:error_rate:pct5m{service=\"gateway\"}";

#[test]
fn same_seed_and_time_give_the_same_answers() {
    for scenario in opsdeck::demo::sim::scenario::ALL {
        let mut a = sim(scenario, 7, 1.0);
        let mut b = sim(scenario, 7, 1.0);
        // b is advanced in uneven hops; a in one go: the model steps the same way
        for s in [13, 170, 171, 299] {
            at(&mut b, s);
        }
        at(&mut a, 300);
        at(&mut b, 300);
        assert_eq!(a.current(), b.current(), "{scenario:?}");
        assert_eq!(a.alerts(), b.alerts());
        let t = a.current().t - 120.0;
        assert_eq!(a.frame_at(t), b.frame_at(t));
    }
    let mut c = sim(Scenario::Calm, 8, 1.0);
    let mut d = sim(Scenario::Calm, 7, 1.0);
    at(&mut c, 300);
    at(&mut d, 300);
    assert_ne!(c.current().active_users, d.current().active_users, "the seed matters");
}

#[test]
fn speed_compresses_the_scenario_not_the_model() {
    let mut slow = sim(Scenario::GatewayOverload, 1, 1.0);
    let mut fast = sim(Scenario::GatewayOverload, 1, 10.0);
    at(&mut slow, 360);
    at(&mut fast, 360);
    assert_eq!(slow.elapsed_s(), fast.elapsed_s());
    assert!(q(&slow, GW_ERR) > 5.0 && q(&fast, GW_ERR) > 5.0);
    assert_eq!(fast.current().t - start().timestamp() as f64, 36.0);
}

#[test]
fn calm_is_calm_with_history_and_week_ago() {
    let mut s = sim(Scenario::Calm, 42, 1.0);
    at(&mut s, 600);
    assert_eq!(firing(&s), vec!["CertificateExpiresSoon", "Watchdog"], "the Watchdog always fires");
    for svc in ["api", "gateway", "db", "search", "media"] {
        let e = q(&s, &format!("service:error_rate:pct5m{{service=\"{svc}\"}}"));
        assert!(e < 1.0, "{svc} {e}");
    }
    let db = q(&s, "service:latency_p99:seconds{service=\"db\"}");
    assert!((0.3..0.48).contains(&db), "db p99 {db}");
    // a week ago comes from the baseline and is a little lower (growth)
    let now = s.current().t;
    let week_ago = s.frame_at(now - 7.0 * 86_400.0);
    let r = s.current().active_users / week_ago.active_users;
    assert!(r > 0.95 && r < 1.08, "{r}");
    // history: ten minutes ago is a stored frame, not the current one
    let past = s.frame_at(now - 300.0);
    assert!((past.t - (now - 300.0)).abs() <= 5.0);
}

#[test]
fn gateway_overload_unfolds_and_scaling_closes_the_loop() {
    let mut s = sim(Scenario::GatewayOverload, 42, 1.0);
    at(&mut s, 50);
    assert!(q(&s, GW_ERR) < 1.0);
    at(&mut s, 360);
    let err = q(&s, GW_ERR);
    assert!(err > 8.0 && err < 16.0, "failures climb towards 15%: {err}");
    assert!(firing(&s).contains(&"GatewayWebSocketFailures".to_string()));
    assert_eq!(
        q(&s, "kube_deployment_spec_replicas{deployment=\"gateway\"}"),
        12.0,
        "autoscaler at its ceiling"
    );
    let a = s.alerts().into_iter().find(|a| a.labels["alertname"] == "GatewayWebSocketFailures").unwrap();
    assert_eq!(a.annotations["runbook"], "runbooks/gateway-overload.md");
    assert_eq!(a.labels["severity"], "critical");

    assert!(s.scale("gateway", 0.5).is_err());
    assert!(s.scale("nope", 10.0).is_err());
    s.scale("gateway", 24.0).unwrap();
    at(&mut s, 480);
    assert!(q(&s, GW_ERR) < 1.0, "{}", q(&s, GW_ERR));
    assert!(
        !promql::evaluate(&format!("{GW_ERR} < 1"), s.current()).unwrap().is_empty(),
        "verify query passes"
    );
    assert!(!firing(&s).contains(&"GatewayWebSocketFailures".to_string()));
    assert_eq!(s.actions().len(), 1);
}

#[test]
fn compaction_storm_and_throttle() {
    let mut s = sim(Scenario::CompactionStorm, 42, 1.0);
    let p99 = "service:latency_p99:seconds{service=\"db\"}";
    at(&mut s, 30);
    assert!(q(&s, p99) < 0.65);
    at(&mut s, 400);
    let slow = q(&s, p99);
    assert!(slow > 1.7 && slow < 2.5, "{slow}");
    assert!(firing(&s).contains(&"DatabaseLatencyHigh".to_string()));
    assert!(s.throttle("vacuum", 10.0).is_err());
    s.throttle("compaction", 32.0).unwrap();
    at(&mut s, 420);
    assert!(q(&s, p99) < 1.0);
    assert!(!firing(&s).contains(&"DatabaseLatencyHigh".to_string()));
}

#[test]
fn primary_down_is_p0_and_failover_recovers() {
    let mut s = sim(Scenario::DbPrimaryDown, 42, 1.0);
    at(&mut s, 120);
    let a = s.alerts().into_iter().find(|a| a.labels["alertname"] == "DatabasePrimaryDown").expect("fires");
    assert_eq!(a.labels["priority"], "P0");
    assert_eq!(a.annotations["runbook"], "runbooks/database-failover.md");
    assert!(q(&s, "service:error_rate:pct5m{service=\"api\"}") > 20.0);
    assert_eq!(q(&s, "pg_up{instance=\"db-0:5432\"}"), 0.0);
    assert!(s.failover("replica-9").is_err());
    s.failover("replica-1").unwrap();
    assert!(s.failover("replica-2").is_err(), "one promotion at a time");
    at(&mut s, 150);
    assert_eq!(q(&s, "pg_up{role=\"primary\"}"), 1.0);
    assert_eq!(
        promql::evaluate("pg_up{role=\"primary\",instance=\"replica-1:5432\"} == 1", s.current())
            .unwrap()
            .len(),
        1
    );
    assert!(q(&s, "service:error_rate:pct5m{service=\"api\"}") < 1.0);
    assert!(!firing(&s).contains(&"DatabasePrimaryDown".to_string()));
}

#[test]
fn vote_brigade_and_ban() {
    let mut s = sim(Scenario::VoteBrigade, 42, 1.0);
    at(&mut s, 300);
    assert!(firing(&s).contains(&"VoteBrigadeSuspected".to_string()));
    assert!(q(&s, "community:votes_new_accounts:rate5m") > 4000.0);
    let err = s.ban(".*").unwrap_err();
    assert!(err.0.contains("too broad"), "{err}");
    assert!(s.ban("(").is_err());
    s.ban("tourney_fan_[0-9]+").unwrap();
    at(&mut s, 360);
    assert!(q(&s, "community:votes_new_accounts:rate5m") < 1.0);
    assert!(!firing(&s).contains(&"VoteBrigadeSuspected".to_string()));
}

#[test]
fn modqueue_surge_and_reviewers() {
    let mut s = sim(Scenario::ModqueueSurge, 42, 1.0);
    at(&mut s, 60);
    let calm_high = s.current().mod_depth_high;
    assert!(calm_high < 20.0, "{calm_high}");
    at(&mut s, 600);
    assert!(s.current().mod_depth_high > 150.0, "{:?}", s.current());
    assert!(firing(&s).contains(&"ModQueueSLAAtRisk".to_string()), "{:?}", s.current());
    assert!(s.add_reviewers(0.0).is_err());
    s.add_reviewers(6.0).unwrap();
    at(&mut s, 1800);
    assert!(!firing(&s).contains(&"ModQueueSLAAtRisk".to_string()), "{:?}", s.current());
}

#[test]
fn silences_suppress_matching_alerts() {
    use opsdeck::domain::{Matcher, NewSilence};
    let mut s = sim(Scenario::GatewayOverload, 42, 1.0);
    at(&mut s, 360);
    let now = s.now();
    let new = |matchers: Vec<Matcher>, mins: i64| NewSilence {
        matchers,
        starts_at: now - Duration::minutes(5),
        ends_at: now + Duration::minutes(mins),
        created_by: "tester".into(),
        comment: "drill".into(),
    };
    let m = |name: &str, value: &str, is_regex: bool| Matcher {
        name: name.into(),
        value: value.into(),
        is_regex,
        is_equal: true,
    };
    assert!(s.put_silence(new(vec![], 30), None).is_err());
    assert!(s.put_silence(new(vec![m("team", "x", false)], -10), None).is_err(), "end before start");
    let id = s.put_silence(new(vec![m("alertname", "Gateway.*Failures", true)], 30), None).unwrap();
    let alerts = s.alerts();
    let gw = alerts.iter().find(|a| a.labels["alertname"] == "GatewayWebSocketFailures").unwrap();
    assert_eq!(gw.silenced_by, vec![id.clone()]);
    let cert = alerts.iter().find(|a| a.labels["alertname"] == "CertificateExpiresSoon").unwrap();
    assert!(cert.silenced_by.is_empty());
    assert_eq!(s.silences()[0].status.state, "active");
    assert!(s.expire_silence(&id));
    assert!(s.alerts().iter().all(|a| a.silenced_by.is_empty()));
}

#[test]
fn synthetic_alerts_for_load_tests() {
    let s = Sim::new(SimOptions {
        scenario: Scenario::Calm,
        seed: 1,
        speed: 1.0,
        start: start(),
        synthetic_alerts: 10_000,
    });
    let alerts = s.alerts();
    assert_eq!(alerts.len(), 10_002, "with the Watchdog");
    let fps: std::collections::BTreeSet<_> = alerts.iter().map(|a| a.fingerprint.clone()).collect();
    assert_eq!(fps.len(), 10_002, "fingerprints are unique");
}

#[test]
fn unknown_queries_are_errors_not_panics() {
    let s = sim(Scenario::Calm, 1, 1.0);
    for bad in ["", "sum(", "nonsense_metric", "rate(x[5m])", "pg_up{instance=}", ")", "1 +"] {
        assert!(promql::evaluate(bad, s.current()).is_err(), "{bad:?}");
    }
    assert_eq!(promql::evaluate("pg_up{instance=\"nope\"}", s.current()).unwrap(), vec![]);
    assert_eq!(promql::evaluate("absent(pg_up{instance=\"nope\"})", s.current()).unwrap().len(), 1);
    assert_eq!(promql::evaluate("count(pg_up)", s.current()).unwrap()[0].1, 3.0);
    // every query of the demo config answers
    for k in opsdeck::demo::queries::table() {
        let v = promql::evaluate(&k.expr, s.current()).unwrap();
        assert!(!v.is_empty() && v.iter().all(|(_, x)| x.is_finite()), "{}", k.expr);
    }
}

#[test]
fn every_incident_fires_and_clears_at_any_hour() {
    type Fix = fn(&mut Sim);
    // (scenario, alert, fix, the verify query of docs/demo.md)
    let cases: [(Scenario, &str, Fix, &str); 5] = [
        (
            Scenario::GatewayOverload,
            "GatewayWebSocketFailures",
            |s| drop(s.scale("gateway", 24.0)),
            "service:error_rate:pct5m{service=\"gateway\"} < 1",
        ),
        (
            Scenario::CompactionStorm,
            "DatabaseLatencyHigh",
            |s| drop(s.throttle("compaction", 32.0)),
            "service:latency_p99:seconds{service=\"db\"} < 1",
        ),
        (
            Scenario::DbPrimaryDown,
            "DatabasePrimaryDown",
            |s| drop(s.failover("replica-1")),
            "pg_up{role=\"primary\"} == 1",
        ),
        (
            Scenario::VoteBrigade,
            "VoteBrigadeSuspected",
            |s| drop(s.ban("tourney_fan_.*")),
            "community:votes_new_accounts:rate5m < 100",
        ),
        (
            Scenario::ModqueueSurge,
            "ModQueueSLAAtRisk",
            |s| drop(s.add_reviewers(6.0)),
            "sum(modqueue_depth{priority=\"high\"}) < 150",
        ),
    ];
    for hour in [3, 9, 18, 22] {
        for (scenario, alert, fix, verify) in cases {
            let t0 = Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap();
            let mut s =
                Sim::new(SimOptions { scenario, seed: 3, speed: 1.0, start: t0, synthetic_alerts: 0 });
            s.advance_to(t0 + Duration::minutes(10));
            assert!(firing(&s).contains(&alert.to_string()), "{scenario:?} at {hour}h: {:?}", firing(&s));
            assert!(
                promql::evaluate(verify, s.current()).unwrap().is_empty(),
                "{verify} fails during the incident"
            );
            fix(&mut s);
            s.advance_to(t0 + Duration::minutes(if scenario == Scenario::ModqueueSurge { 30 } else { 13 }));
            assert!(!firing(&s).contains(&alert.to_string()), "{scenario:?} at {hour}h still firing");
            assert_eq!(
                promql::evaluate(verify, s.current()).unwrap().len(),
                1,
                "{verify} passes after the fix"
            );
            let others: Vec<String> =
                firing(&s).into_iter().filter(|a| a != "CertificateExpiresSoon" && a != "Watchdog").collect();
            assert!(others.is_empty(), "{scenario:?} at {hour}h leaves {others:?}");
        }
    }
}

#[test]
fn a_calm_day_is_green_at_every_hour_and_an_incident_is_red() {
    use opsdeck::demo::config::{self, Endpoints};
    use opsdeck::domain::{MetricsPoll, QueryData, QueryResponse, Sample};
    // The derivations the screen uses, fed with the simulator's answers to the plan.
    let ep =
        Endpoints { prometheus: "http://x".into(), alertmanager: "http://y".into(), statuspages: vec![] };
    let cfg = config::build(&ep, std::time::Duration::from_secs(5), "dark");
    let plan = opsdeck::derive::plan::build(&cfg).remove(config::PROM_NAME).unwrap();
    let poll_of = |s: &Sim| {
        let mut m = MetricsPoll::default();
        for q in &plan.instant {
            let f = s.frame_at(s.current().t - q.ago.as_secs_f64());
            let v = promql::evaluate(&q.query, &f).unwrap();
            let samples = v.into_iter().map(|(labels, value)| Sample { labels, ts: f.t, value }).collect();
            m.instant
                .insert(q.clone(), Ok(QueryResponse { data: QueryData::Vector(samples), warnings: vec![] }));
        }
        std::collections::BTreeMap::from([(config::PROM_NAME.to_string(), m)])
    };
    for hour in 0..24 {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap();
        let mut s = Sim::new(SimOptions {
            scenario: Scenario::Calm,
            seed: 42,
            speed: 1.0,
            start: t0,
            synthetic_alerts: 0,
        });
        s.advance_to(t0 + Duration::minutes(20));
        for row in opsdeck::derive::health::rows(&cfg, &poll_of(&s)) {
            assert_eq!(row.state, opsdeck::derive::HealthState::Ok, "{hour}h: {row:?}");
        }
    }
    let mut s = sim(Scenario::GatewayOverload, 42, 1.0);
    at(&mut s, 360);
    let rows = opsdeck::derive::health::rows(&cfg, &poll_of(&s));
    let gw = rows.iter().find(|r| r.service == "gateway").unwrap();
    assert_eq!(gw.state, opsdeck::derive::HealthState::Crit, "{gw:?}");
}

/// The verify queries the shipped runbooks list in runbooks/QUERIES.md.
fn shipped_queries() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/QUERIES.md")).unwrap();
    let block = text.split("```text").nth(1).unwrap().split("```").next().unwrap();
    block.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn the_shipped_runbooks_verify_queries_are_understood() {
    let s = sim(Scenario::Calm, 1, 1.0);
    let queries = shipped_queries();
    assert!(queries.len() >= 10);
    for q in &queries {
        assert!(promql::parse(q).is_ok(), "{q}: {:?}", promql::parse(q).err());
        promql::evaluate(q, s.current()).unwrap();
    }
}

#[test]
fn the_shipped_runbooks_close_the_loop_with_their_defaults() {
    type Fix = fn(&mut Sim);
    // (scenario, alert, the runbook's action with its default parameter, its verify queries)
    let cases: [(Scenario, &str, Fix, &[&str]); 5] = [
        (
            Scenario::GatewayOverload,
            "GatewayWebSocketFailures",
            |s| drop(s.scale("gateway", 24.0)),
            &[
                "kube_deployment_status_replicas_ready{deployment=\"gateway\",namespace=\"demo\"} >= 12",
                "service:error_rate:pct5m{service=\"gateway\"} < 2",
            ],
        ),
        (
            Scenario::CompactionStorm,
            "DatabaseLatencyHigh",
            |s| drop(s.throttle("compaction", 50.0)),
            &[
                "db_compaction_bytes_per_second{cluster=\"main\"} < 60000000",
                "service:latency_p99:seconds{service=\"db\"} < 0.5",
            ],
        ),
        (
            Scenario::DbPrimaryDown,
            "DatabasePrimaryDown",
            |s| drop(s.failover("replica-1")),
            &[
                "pg_up{cluster=\"main\",role=\"primary\"} == 1",
                "service:error_rate:pct5m{service=\"db\"} < 1",
                "service:error_rate:pct5m{service=\"api\"} < 1",
            ],
        ),
        (
            Scenario::VoteBrigade,
            "VoteBrigadeSuspected",
            |s| drop(s.ban("tourney_fan_[0-9]+")),
            &["community:votes_new_accounts:rate5m < 5"],
        ),
        (
            Scenario::ModqueueSurge,
            "ModQueueSLAAtRisk",
            |s| drop(s.add_reviewers(6.0)),
            &["modqueue_reviewers_on_shift >= 12", "sum(modqueue_depth{priority=\"high\"}) < 200"],
        ),
    ];
    let shipped = shipped_queries();
    for hour in [3, 14, 18] {
        for (scenario, alert, fix, verifies) in cases {
            let t0 = Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap();
            let mut s =
                Sim::new(SimOptions { scenario, seed: 5, speed: 1.0, start: t0, synthetic_alerts: 0 });
            s.advance_to(t0 + Duration::minutes(10));
            assert!(firing(&s).contains(&alert.to_string()), "{scenario:?} {hour}h: {:?}", firing(&s));
            if scenario == Scenario::DbPrimaryDown {
                let q = "pg_up{cluster=\"main\",instance=\"db-0:5432\"} == 0";
                assert_eq!(promql::evaluate(q, s.current()).unwrap().len(), 1, "the runbook's first check");
            }
            fix(&mut s);
            // every verify passes within 20 simulated minutes and the alert is gone
            let mut ok_at = None;
            for minute in 1..=20 {
                s.advance_to(t0 + Duration::minutes(10 + minute));
                let pass = verifies.iter().all(|q| !promql::evaluate(q, s.current()).unwrap().is_empty());
                if pass && !firing(&s).contains(&alert.to_string()) {
                    ok_at = Some(minute);
                    break;
                }
            }
            assert!(ok_at.is_some(), "{scenario:?} {hour}h: {:?} {:?}", firing(&s), s.current());
            for q in verifies {
                assert!(shipped.iter().any(|x| x == q), "{q} is in runbooks/QUERIES.md");
            }
        }
    }
}

#[test]
fn every_runbook_annotation_names_a_shipped_runbook() {
    let mut named = std::collections::BTreeSet::new();
    for scenario in opsdeck::demo::sim::scenario::ALL {
        let mut s = sim(scenario, 1, 1.0);
        at(&mut s, 600);
        for a in s.alerts() {
            if let Some(r) = a.annotations.get("runbook") {
                named.insert(r.clone());
            }
        }
    }
    assert!(named.len() >= 5, "{named:?}");
    for r in named {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&r);
        assert!(path.is_file(), "{r} does not exist");
    }
}
