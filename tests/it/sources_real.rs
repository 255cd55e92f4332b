//! Integration tests against the real Prometheus and Alertmanager started by `scripts/test`
//! (`OPSDECK_TEST_PROM_URL`, `OPSDECK_TEST_AM_URL`, `OPSDECK_TEST_METRICS_URL`); each is
//! `#[ignore = "needs scripts/test"]` under a plain `cargo test` (see `crate::backends`).
//!
//! The values are those of the built-in sample served by scripts/start-backends.sh:
//! `obs_test_requests_total{service="api",code="200"} 1027`, `{code="500"} 3`,
//! `obs_test_temperature_celsius{room="lab"} 21.5`, `{room="broken-sensor"} NaN`,
//! `obs_test_queue_limit +Inf`, and a latency histogram (90/98/100 in le 0.1/0.5/+Inf).
use std::time::Duration;

use chrono::{DateTime, Utc};
use opsdeck::config::types::{Defaults, SourceSpec};
use opsdeck::domain::{
    Alert, AlertState, InstantQuery, Matcher, MetricsPoll, NewSilence, PollData, QueryData, QueryPlan,
    QueryResponse, RangeQuery, SourceError, SourceKind,
};
use opsdeck::sources::alertmanager::{AmClient, PostableAlert};
use opsdeck::sources::prometheus::PromClient;
use opsdeck::sources::scrape::ScrapeClient;
use opsdeck::sources::{SourcePlan, poll_once};

/// The backend URL in `var` (see `crate::backends`).
fn env(var: &str) -> Option<String> {
    Some(crate::backends::url(var))
}

fn spec(name: &str, url: String) -> SourceSpec {
    SourceSpec { name: name.into(), url, timeout: Some(Duration::from_secs(5)), ..Default::default() }
}

fn prom() -> Option<PromClient> {
    Some(PromClient::new(&spec("prom", env("OPSDECK_TEST_PROM_URL")?), &Defaults::default()).unwrap())
}

fn am(name: &str) -> Option<AmClient> {
    Some(AmClient::new(&spec(name, env("OPSDECK_TEST_AM_URL")?), &Defaults::default()).unwrap())
}

/// Retries `f` until it returns `Some`, for up to `secs` seconds.
async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn vector(r: &QueryResponse) -> Vec<(String, f64)> {
    let QueryData::Vector(v) = &r.data else { panic!("expected a vector: {r:?}") };
    let mut out: Vec<(String, f64)> = v
        .iter()
        .map(|s| {
            let key = ["code", "room"].iter().find_map(|k| s.labels.get(*k)).cloned().unwrap_or_default();
            (key, s.value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn prometheus_instant_queries_return_the_sample_values() {
    let Some(p) = prom() else { return };
    let now = Utc::now();
    let r = p.query(&InstantQuery::now("obs_test_requests_total"), now).await.unwrap();
    assert_eq!(vector(&r), vec![("200".to_string(), 1027.0), ("500".to_string(), 3.0)]);
    let QueryData::Vector(v) = &r.data else { unreachable!() };
    assert!(v.iter().all(|s| s.labels["job"] == "metrics-file" && s.labels["service"] == "api"));
    assert!(
        v.iter().all(|s| (s.ts - now.timestamp_millis() as f64 / 1000.0).abs() < 0.002),
        "evaluated at `now`"
    );
    assert!(r.warnings.is_empty());

    let r = p.query(&InstantQuery::now("obs_test_temperature_celsius"), now).await.unwrap();
    let t = vector(&r);
    assert_eq!(t[0].0, "broken-sensor");
    assert!(t[0].1.is_nan());
    assert_eq!(t[1], ("lab".to_string(), 21.5));
    let r = p.query(&InstantQuery::now("obs_test_queue_limit"), now).await.unwrap();
    assert_eq!(vector(&r)[0].1, f64::INFINITY);
    let r = p.query(&InstantQuery::now("-obs_test_queue_limit"), now).await.unwrap();
    assert_eq!(vector(&r)[0].1, f64::NEG_INFINITY);
    let r = p.query(&InstantQuery::now("sum(obs_test_requests_total)"), now).await.unwrap();
    assert_eq!(vector(&r), vec![(String::new(), 1030.0)]);
    let r = p
        .query(&InstantQuery::now("histogram_quantile(0.5, obs_test_latency_seconds_bucket)"), now)
        .await
        .unwrap();
    assert!((vector(&r)[0].1 - 0.05555555555555555).abs() < 1e-12, "{r:?}");

    let r = p.query(&InstantQuery::now("scalar(sum(obs_test_requests_total))"), now).await.unwrap();
    assert!(matches!(r.data, QueryData::Scalar { value, .. } if value == 1030.0), "{r:?}");
    let r = p.query(&InstantQuery::now("scalar(obs_test_requests_total)"), now).await.unwrap();
    assert!(matches!(r.data, QueryData::Scalar { value, .. } if value.is_nan()), "{r:?}");
    let r = p.query(&InstantQuery::now("\"hello\""), now).await.unwrap();
    assert!(matches!(&r.data, QueryData::String { value, .. } if value == "hello"), "{r:?}");
    let r = p.query(&InstantQuery::now("obs_test_no_such_metric"), now).await.unwrap();
    assert_eq!(r.data, QueryData::Vector(vec![]));
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn prometheus_ago_becomes_the_evaluation_time() {
    let Some(p) = prom() else { return };
    let now = Utc::now();
    let q = InstantQuery { query: "time()".into(), ago: Duration::from_secs(7 * 86400) };
    let r = p.query(&q, now).await.unwrap();
    let want = (now - chrono::Duration::days(7)).timestamp_millis() as f64 / 1000.0;
    match r.data {
        QueryData::Scalar { ts, value } => {
            assert!((ts - want).abs() < 0.002, "{ts} vs {want}");
            assert!((value - want).abs() < 0.002);
        }
        other => panic!("{other:?}"),
    }
    // A week ago this server had no data yet.
    let q = InstantQuery { query: "obs_test_requests_total".into(), ago: Duration::from_secs(7 * 86400) };
    assert_eq!(p.query(&q, now).await.unwrap().data, QueryData::Vector(vec![]));
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn prometheus_errors_keep_status_and_type() {
    let Some(p) = prom() else { return };
    let e = p.query(&InstantQuery::now("sum("), Utc::now()).await.unwrap_err();
    match &e {
        SourceError::Http { status: 400, detail } => {
            assert!(detail.starts_with("bad_data: invalid parameter \"query\": 1:5: parse error"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    let e = p
        .query(&InstantQuery::now("obs_test_requests_total + on() obs_test_requests_total"), Utc::now())
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("HTTP 422: execution: found duplicate series"), "{e}");
    let now = Utc::now();
    let e = p
        .query_range("\"s\"", now - chrono::Duration::seconds(10), now, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        e.to_string().starts_with("HTTP 400: bad_data: invalid expression type \"string\" for range query"),
        "{e}"
    );
    let b = p.buildinfo().await.unwrap();
    assert!(b.version.starts_with("2."), "{b:?}");
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn prometheus_range_queries_return_the_sample_values() {
    let Some(p) = prom() else { return };
    let series = eventually(20, "two scrapes in the range", || async {
        let now = Utc::now();
        let r = p
            .query_range(
                "obs_test_requests_total{code=\"500\"}",
                now - chrono::Duration::seconds(30),
                now,
                Duration::from_secs(1),
            )
            .await
            .unwrap();
        let QueryData::Matrix(m) = r.data else { panic!("{r:?}") };
        (m.len() == 1 && m[0].points.len() >= 2).then_some(m)
    })
    .await;
    assert_eq!(series[0].labels["code"], "500");
    assert!(series[0].points.iter().all(|p| p.1 == 3.0), "{series:?}");
    assert!(series[0].points.windows(2).all(|w| w[1].0 - w[0].0 == 1.0), "step 1s, oldest first");

    // Through a plan, with an aligned window; NaN points come back as NaN.
    let plan = QueryPlan {
        instant: vec![InstantQuery::now("sum(obs_test_requests_total)")],
        range: vec![
            RangeQuery {
                query: "obs_test_temperature_celsius".into(),
                window: Duration::from_secs(60),
                step: Duration::from_secs(2),
            },
            RangeQuery {
                query: "sum(".into(),
                window: Duration::from_secs(60),
                step: Duration::from_secs(2),
            },
        ],
    };
    let m = p.run_plan(&plan, Utc::now()).await.unwrap();
    assert_eq!(
        vector(m.instant[&InstantQuery::now("sum(obs_test_requests_total)")].as_ref().unwrap()),
        vec![(String::new(), 1030.0)]
    );
    let temp = m.range["obs_test_temperature_celsius"].as_ref().unwrap();
    let lab = temp.iter().find(|s| s.labels["room"] == "lab").unwrap();
    let broken = temp.iter().find(|s| s.labels["room"] == "broken-sensor").unwrap();
    assert!(!lab.points.is_empty() && lab.points.iter().all(|p| p.1 == 21.5));
    assert!(broken.points.iter().all(|p| p.1.is_nan()));
    assert!(lab.points.iter().all(|p| p.0 % 2.0 == 0.0), "timestamps aligned to the step");
    assert!(m.range["sum("].as_ref().unwrap_err().starts_with("HTTP 400: bad_data:"));
}

fn sum_of(m: &MetricsPoll, q: &str) -> Result<Option<f64>, String> {
    match m.instant.get(&InstantQuery::now(q)).unwrap() {
        Ok(r) => match &r.data {
            QueryData::Vector(v) => Ok(v.first().map(|s| s.value)),
            other => panic!("{other:?}"),
        },
        Err(e) => Err(e.clone()),
    }
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn scrape_source_reads_the_same_values() {
    let Some(url) = env("OPSDECK_TEST_METRICS_URL") else { return };
    let qs = [
        "obs_test_requests_total",
        r#"obs_test_requests_total{code="200"}"#,
        r#"obs_test_requests_total{code=~"5.."}"#,
        r#"obs_test_requests_total{code!="200",service="api"}"#,
        r#"obs_test_temperature_celsius{room="lab"}"#,
        r#"obs_test_temperature_celsius{room="broken-sensor"}"#,
        "obs_test_queue_limit",
        r#"obs_test_latency_seconds_bucket{le="0.5"}"#,
        "obs_test_latency_seconds_count",
        "obs_test_no_such_metric",
        "sum(obs_test_requests_total)",
    ];
    let plan = SourcePlan {
        kind: SourceKind::Scrape,
        spec: spec("gateway", url.clone()),
        defaults: Defaults::default(),
        plan: QueryPlan {
            instant: qs
                .iter()
                .map(|q| InstantQuery::now(*q))
                .chain([InstantQuery {
                    query: "obs_test_requests_total".into(),
                    ago: Duration::from_secs(604800),
                }])
                .collect(),
            range: vec![RangeQuery {
                query: "obs_test_queue_limit".into(),
                window: Duration::from_secs(60),
                step: Duration::from_secs(5),
            }],
        },
    };
    let now = Utc::now();
    let o = poll_once(&plan, now).await;
    assert_eq!((o.source.as_str(), o.kind, o.taken_at), ("gateway", SourceKind::Scrape, now));
    let PollData::Metrics(m) = o.result.unwrap() else { panic!() };
    assert_eq!(sum_of(&m, qs[0]), Ok(Some(1030.0)));
    assert_eq!(sum_of(&m, qs[1]), Ok(Some(1027.0)));
    assert_eq!(sum_of(&m, qs[2]), Ok(Some(3.0)));
    assert_eq!(sum_of(&m, qs[3]), Ok(Some(3.0)));
    assert_eq!(sum_of(&m, qs[4]), Ok(Some(21.5)));
    assert!(sum_of(&m, qs[5]).unwrap().unwrap().is_nan());
    assert_eq!(sum_of(&m, qs[6]), Ok(Some(f64::INFINITY)));
    assert_eq!(sum_of(&m, qs[7]), Ok(Some(98.0)));
    assert_eq!(sum_of(&m, qs[8]), Ok(Some(100.0)));
    assert_eq!(sum_of(&m, qs[9]), Ok(None));
    assert!(sum_of(&m, qs[10]).unwrap_err().starts_with("bad selector at column 4"));
    let week = InstantQuery { query: "obs_test_requests_total".into(), ago: Duration::from_secs(604800) };
    assert!(m.instant[&week].as_ref().unwrap_err().contains("needs a Prometheus source"));
    assert!(m.range["obs_test_queue_limit"].as_ref().unwrap_err().contains("needs a Prometheus source"));

    // The scrape and the Prometheus API agree.
    let samples =
        ScrapeClient::new(&spec("gateway", url), &Defaults::default()).unwrap().fetch().await.unwrap();
    assert_eq!(samples.iter().filter(|s| s.name == "obs_test_latency_seconds_bucket").count(), 3);
    if let Some(p) = prom() {
        let r = p.query(&InstantQuery::now("obs_test_requests_total"), Utc::now()).await.unwrap();
        let from_prom: f64 = vector(&r).iter().map(|x| x.1).sum();
        assert_eq!(Ok(Some(from_prom)), sum_of(&m, qs[0]));
    }
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn prometheus_source_poll_once() {
    let Some(url) = env("OPSDECK_TEST_PROM_URL") else { return };
    let plan = SourcePlan {
        kind: SourceKind::Prometheus,
        spec: spec("prod", url),
        defaults: Defaults::default(),
        plan: QueryPlan {
            instant: vec![InstantQuery::now("sum(obs_test_requests_total)"), InstantQuery::now("sum(")],
            range: vec![],
        },
    };
    let now = Utc::now();
    let o = poll_once(&plan, now).await;
    assert_eq!(o.taken_at, now);
    let PollData::Metrics(m) = o.result.unwrap() else { panic!() };
    assert_eq!(sum_of(&m, "sum(obs_test_requests_total)"), Ok(Some(1030.0)));
    assert!(sum_of(&m, "sum(").unwrap_err().starts_with("HTTP 400: bad_data: invalid parameter \"query\""));
    // An empty plan still checks the server.
    let empty = SourcePlan { plan: QueryPlan::default(), ..plan };
    assert_eq!(poll_once(&empty, now).await.result, Ok(PollData::Metrics(MetricsPoll::default())));
}

fn unique() -> String {
    format!("{}-{}", std::process::id(), Utc::now().timestamp_nanos_opt().unwrap_or(0))
}

async fn find(c: &AmClient, id: &str) -> Option<Alert> {
    c.alerts().await.unwrap().iter().find(|a| a.labels.get("opsdeck_test") == Some(id)).cloned()
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn alertmanager_alert_round_trip_and_silence() {
    let Some(c) = am("am-a") else { return };
    let id = unique();
    let starts: DateTime<Utc> = Utc::now() - chrono::Duration::seconds(30);
    let starts = DateTime::from_timestamp_millis(starts.timestamp_millis()).unwrap();
    let alert = PostableAlert {
        labels: [
            ("alertname", "OpsdeckWireTest"),
            ("severity", "critical"),
            ("service", "api"),
            ("opsdeck_test", id.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        annotations: [("summary".to_string(), "wire test alert".to_string())].into(),
        generator_url: Some("http://prometheus.example.com/graph?g0.expr=up&g0.tab=1".into()),
        starts_at: Some(starts),
        ends_at: None,
    };
    c.post_alerts(std::slice::from_ref(&alert)).await.unwrap();
    let got = eventually(10, "the posted alert", || find(&c, &id)).await;
    assert_eq!(got.name(), "OpsdeckWireTest");
    assert_eq!(got.state, AlertState::Active);
    assert_eq!(got.starts_at, starts);
    assert_eq!(&got.labels["severity"], "critical");
    assert_eq!(&got.annotations["summary"], "wire test alert");
    assert_eq!(got.generator_url.as_deref(), Some("http://prometheus.example.com/graph?g0.expr=up&g0.tab=1"));
    assert_eq!(got.receivers, vec!["default"]);
    assert_eq!(got.sources, vec!["am-a"]);
    assert_eq!(got.fingerprint.len(), 16);
    assert!(got.ends_at.unwrap() > Utc::now(), "endsAt of an active alert lies ahead");

    // Through the poller, and de-duplicated across two names for the same server.
    let plan = SourcePlan {
        kind: SourceKind::Alertmanager,
        spec: spec("am-a", env("OPSDECK_TEST_AM_URL").unwrap()),
        defaults: Defaults::default(),
        plan: QueryPlan::default(),
    };
    let Ok(PollData::Alerts(from_a)) = poll_once(&plan, Utc::now()).await.result else { panic!() };
    let from_b = am("am-b").unwrap().alerts().await.unwrap();
    let merged =
        opsdeck::domain::dedup(&[("am-a".into(), from_a.to_vec()), ("am-b".into(), from_b.to_vec())]);
    assert_eq!(merged.len(), from_a.len());
    let m = merged.iter().find(|a| a.fingerprint == got.fingerprint).unwrap();
    assert_eq!(m.sources, vec!["am-a", "am-b"]);

    // A silence created through the client silences it.
    let now = Utc::now();
    let silence = NewSilence {
        matchers: vec![Matcher {
            name: "opsdeck_test".into(),
            value: id.clone(),
            is_regex: false,
            is_equal: true,
        }],
        starts_at: now,
        ends_at: now + chrono::Duration::minutes(30),
        created_by: "opsdeck-test".into(),
        comment: format!("wire test {id}"),
    };
    let sid = c.create_silence(&silence).await.unwrap();
    assert_eq!(sid.len(), 36, "a UUID: {sid}");
    let silenced = eventually(10, "the alert to be silenced", || async {
        find(&c, &id).await.filter(|a| a.state == AlertState::Suppressed && a.silenced_by.contains(&sid))
    })
    .await;
    assert_eq!(silenced.silenced_by, vec![sid.clone()]);
    assert!(silenced.inhibited_by.is_empty());

    let listed = c.silences().await.unwrap();
    let s = listed.iter().find(|s| s.id == sid).expect("silences() lists it");
    assert_eq!(s.state, "active");
    assert_eq!(s.comment, format!("wire test {id}"));
    assert_eq!(s.created_by, "opsdeck-test");
    assert_eq!(s.matchers, silence.matchers);
    assert_eq!(
        s.ends_at,
        DateTime::from_timestamp_millis((now + chrono::Duration::minutes(30)).timestamp_millis()).unwrap()
    );

    // Expire the silence and resolve the alert so that other tests see a clean server.
    c.expire_silence(&sid).await.unwrap();
    let expired = c.silences().await.unwrap().into_iter().find(|s| s.id == sid).unwrap();
    assert_eq!(expired.state, "expired");
    let resolved = PostableAlert { ends_at: Some(Utc::now() - chrono::Duration::seconds(1)), ..alert };
    c.post_alerts(&[resolved]).await.unwrap();
    eventually(10, "the alert to resolve", || async { find(&c, &id).await.is_none().then_some(()) }).await;
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn alertmanager_errors_are_readable() {
    let Some(c) = am("am-a") else { return };
    let now = Utc::now();
    let backwards = NewSilence {
        matchers: vec![Matcher {
            name: "opsdeck_test".into(),
            value: "x".into(),
            is_regex: false,
            is_equal: true,
        }],
        starts_at: now + chrono::Duration::hours(1),
        ends_at: now,
        created_by: "opsdeck-test".into(),
        comment: "backwards".into(),
    };
    let e = c.create_silence(&backwards).await.unwrap_err();
    assert_eq!(e.to_string(), "HTTP 400: Failed to create silence: start time must be before end time");
    let empty = NewSilence {
        matchers: vec![],
        starts_at: now,
        ends_at: now + chrono::Duration::hours(1),
        ..backwards
    };
    let e = c.create_silence(&empty).await.unwrap_err();
    assert_eq!(e.to_string(), "HTTP 422: matchers in body should have at least 1 items");
    let e = c.post_alerts(&[PostableAlert::default()]).await.unwrap_err();
    assert!(e.to_string().starts_with("HTTP 400") || e.to_string().starts_with("HTTP 422"), "{e}");
    let st = c.status().await.unwrap();
    assert_eq!(st.cluster, "disabled");
    assert!(st.version.starts_with("0."), "{st:?}");
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn prometheus_rule_alert_reaches_alertmanager_with_its_generator_url() {
    let Some(c) = am("am-a") else { return };
    let a = eventually(30, "ObsTestServerErrors from the rule", || async {
        c.alerts().await.unwrap().iter().find(|a| a.name() == "ObsTestServerErrors").cloned()
    })
    .await;
    assert_eq!(&a.labels["severity"], "warning");
    assert_eq!(&a.labels["code"], "500");
    assert_eq!(&a.annotations["summary"], "api returned 5xx responses");
    assert!(a.generator_url.as_deref().unwrap().contains("/graph?g0.expr="), "{a:?}");
}
