//! The simulator's answers parse with the production clients (the same code the screen
//! and `snapshot` run), through `poll_once` with the demo config's sources.
use chrono::{DateTime, Duration, TimeZone, Utc};
use opsdeck::demo::config::{self, Endpoints};
use opsdeck::demo::queries;
use opsdeck::demo::server::{self, Clock, SimServer};
use opsdeck::demo::sim::{Scenario, SimOptions};
use opsdeck::domain::{
    AlertState, Indicator, InstantQuery, Matcher, NewSilence, PollData, QueryData, QueryPlan, RangeQuery,
    SourceKind,
};
use opsdeck::sources::{SourcePlan, poll_once};
use std::sync::Mutex;
use std::time::Duration as Std;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap()
}

async fn start(scenario: Scenario) -> SimServer {
    let opts = SimOptions { scenario, seed: 42, speed: 1.0, start: t0(), synthetic_alerts: 3 };
    server::start(opts, Clock::Fixed(Mutex::new(t0()))).await.unwrap()
}

fn plan(
    kind: SourceKind,
    spec: &opsdeck::config::SourceSpec,
    c: &opsdeck::config::Config,
    q: QueryPlan,
) -> SourcePlan {
    SourcePlan { kind, spec: spec.clone(), defaults: c.defaults.clone(), plan: q }
}

#[tokio::test]
async fn every_demo_query_answers_through_the_prometheus_client() {
    let s = start(Scenario::GatewayOverload).await;
    let now = t0() + Duration::minutes(6);
    s.shared.set_now(now);
    let c = config::build(&Endpoints::from(&s), Std::from_secs(5), "dark");
    let table = queries::table();
    let mut q = QueryPlan::default();
    for k in &table {
        q.instant.push(InstantQuery::now(k.expr.clone()));
        q.instant.push(InstantQuery { query: k.expr.clone(), ago: Std::from_secs(7 * 86_400) });
        q.range.push(RangeQuery {
            query: k.expr.clone(),
            window: Std::from_secs(3600),
            step: Std::from_secs(60),
        });
    }
    let out = poll_once(&plan(SourceKind::Prometheus, &c.prometheus[0], &c, q), now).await;
    let Ok(PollData::Metrics(m)) = out.result else { panic!("{:?}", out.result) };
    assert_eq!(m.instant.len(), table.len() * 2);
    for (iq, r) in &m.instant {
        let r = r.as_ref().unwrap_or_else(|e| panic!("{}: {e}", iq.query));
        let QueryData::Vector(v) = &r.data else { panic!("{:?}", r.data) };
        assert!(!v.is_empty() && v.iter().all(|s| s.value.is_finite()), "{}", iq.query);
    }
    for (query, r) in &m.range {
        let series = r.as_ref().unwrap_or_else(|e| panic!("{query}: {e}"));
        assert!(series.iter().all(|s| s.points.len() >= 60), "{query}");
    }
    // the gateway's error rate, now and a week ago, through the client
    let gw = &queries::health(1)[2];
    let value = |ago: u64| {
        let r = m.instant[&InstantQuery { query: gw.clone(), ago: Std::from_secs(ago) }].as_ref().unwrap();
        let QueryData::Vector(v) = &r.data else { unreachable!() };
        v[0].value
    };
    assert!(value(0) > 5.0, "overloaded now");
    assert!(value(7 * 86_400) < 1.0, "calm a week ago");

    // an unknown query: a per-query error with Prometheus' message, the others unaffected
    let q = QueryPlan {
        instant: vec![InstantQuery::now("no_such_metric"), InstantQuery::now("sum(active_users)")],
        range: vec![],
    };
    let out = poll_once(&plan(SourceKind::Prometheus, &c.prometheus[0], &c, q), now).await;
    let Ok(PollData::Metrics(m)) = out.result else { panic!("{:?}", out.result) };
    let err = m.instant[&InstantQuery::now("no_such_metric")].as_ref().unwrap_err();
    assert!(err.contains("does not know"), "{err}");
    assert!(m.instant[&InstantQuery::now("sum(active_users)")].is_ok());
}

#[tokio::test]
async fn the_panes_query_plan_is_answered_in_full() {
    let s = start(Scenario::ModqueueSurge).await;
    let now = t0() + Duration::minutes(9);
    s.shared.set_now(now);
    let c = config::build(&Endpoints::from(&s), Std::from_secs(5), "dark");
    let plans = opsdeck::demo::cli::source_plans(&c);
    assert_eq!(plans.len(), 5, "prometheus, alertmanager, three status pages");
    let prom = plans.iter().find(|p| p.kind == SourceKind::Prometheus).unwrap();
    assert!(prom.plan.instant.len() >= 20 && !prom.plan.range.is_empty(), "{:?}", prom.plan);
    assert!(prom.plan.instant.iter().any(|q| !q.ago.is_zero()), "week-over-week queries");
    for p in &plans {
        let out = poll_once(p, now).await;
        match out.result {
            Ok(PollData::Metrics(m)) => {
                for (q, r) in &m.instant {
                    assert!(r.is_ok(), "{}: {r:?}", q.query);
                }
                for (q, r) in &m.range {
                    assert!(r.as_ref().is_ok_and(|s| !s.is_empty()), "{q}: {r:?}");
                }
            }
            Ok(_) => {}
            Err(e) => panic!("{}: {e}", p.spec.name),
        }
    }
    // the derivations make sense of it: the queue is deep and the SLA is at risk
    let out = poll_once(prom, now).await;
    let Ok(PollData::Metrics(m)) = out.result else { panic!() };
    let polls = std::collections::BTreeMap::from([(prom.spec.name.clone(), m)]);
    let view = opsdeck::derive::moderation::view(&c, &polls).expect("moderation view");
    assert!(view.depth["high"] > 150.0, "{view:?}");
    assert!(view.inflow_per_min.unwrap() > view.throughput_per_min.unwrap(), "{view:?}");
    assert!(view.breach_in_s.is_some(), "the wait heads for the SLA: {view:?}");
    assert_eq!(view.depth_history.len(), 61, "an hour of depth at one point a minute");
    let health = opsdeck::derive::health::rows(&c, &polls);
    assert_eq!(health.len(), 5);
    assert!(health.iter().all(|h| h.error_rate_pct.is_some() && h.latency_p99_ms.is_some()), "{health:?}");
}

#[tokio::test]
async fn alerts_silences_and_statuspages_through_the_clients() {
    let s = start(Scenario::GatewayOverload).await;
    let now = t0() + Duration::minutes(8);
    s.shared.set_now(now);
    let c = config::build(&Endpoints::from(&s), Std::from_secs(5), "dark");
    let am = plan(SourceKind::Alertmanager, &c.alertmanager[0], &c, QueryPlan::default());
    let out = poll_once(&am, now).await;
    let Ok(PollData::Alerts(alerts)) = out.result else { panic!("{:?}", out.result) };
    assert_eq!(alerts.iter().filter(|a| a.name().starts_with("SyntheticCheck")).count(), 3);
    let gw = alerts.iter().find(|a| a.name() == "GatewayWebSocketFailures").expect("firing");
    assert_eq!(gw.state, AlertState::Active);
    assert_eq!(&gw.annotations["runbook"], "runbooks/gateway-overload.md");
    assert!(gw.starts_at < now && gw.starts_at > t0());
    assert_eq!(gw.sources, vec![config::AM_NAME.to_string()]);

    // a silence made through the client suppresses it
    let client = opsdeck::sources::alertmanager::AmClient::new(&c.alertmanager[0], &c.defaults).unwrap();
    let id = client
        .create_silence(&NewSilence {
            matchers: vec![Matcher {
                name: "service".into(),
                value: "gateway".into(),
                is_regex: false,
                is_equal: true,
            }],
            starts_at: now,
            ends_at: now + Duration::hours(1),
            created_by: "drill".into(),
            comment: "game day".into(),
        })
        .await
        .unwrap();
    let alerts = client.alerts().await.unwrap();
    for a in alerts.iter().filter(|a| a.labels.get("service").is_some_and(|s| s == "gateway")) {
        assert_eq!(a.state, AlertState::Suppressed);
        assert_eq!(a.silenced_by, vec![id.clone()]);
    }
    let silences = client.silences().await.unwrap();
    assert_eq!(silences[0].id, id);
    assert_eq!(silences[0].state, "active");

    // status pages: the CDN has a partial outage, the others are fine
    let mut indicators = vec![];
    for spec in &c.statuspage {
        let out = poll_once(&plan(SourceKind::Statuspage, spec, &c, QueryPlan::default()), now).await;
        let Ok(PollData::Status(sum)) = out.result else { panic!("{:?}", out.result) };
        indicators.push((sum.page_name.clone(), sum.indicator));
        if sum.indicator == Indicator::Minor {
            assert_eq!(sum.incidents[0].impact, "minor");
            assert!(sum.components.iter().any(|c| c.status == "partial_outage"));
        }
    }
    assert_eq!(
        indicators,
        vec![
            ("EdgeFast CDN".to_string(), Indicator::Minor),
            ("Nimbus Cloud".to_string(), Indicator::None),
            ("CodeHub".to_string(), Indicator::None),
        ]
    );
}
