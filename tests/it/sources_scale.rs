//! Issue #16: a large Alertmanager and a slow, distributed Prometheus. A 30,000-alert
//! answer (over the old 16 MiB cap) is shown whole; a Prometheus plan runs with several
//! requests in flight through a slow loopback proxy and a poll takes about
//! latency x ceil(queries / max_in_flight); one slow query does not hold the others, a hung
//! one says `timed out`, and a late answer never replaces a newer one.
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Request, State};
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use opsdeck::demo::config::{self as demo_config, Endpoints};
use opsdeck::demo::server::{self, Clock};
use opsdeck::demo::sim::{Scenario, SimOptions};
use opsdeck::domain::{InstantQuery, PollData, PollOutcome, QueryData, QueryPlan, SourceKind};
use opsdeck::sources::{SourcePlan, poll_once};
use serde_json::Value;

use crate::demo_support::Served;

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

#[test]
fn thirty_thousand_alerts_are_shown_whole_and_the_source_is_fresh() {
    let s = Served::start(&["--scenario", "calm", "--alerts", "30000"]);
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["snapshot", "--json", "--config", &s.vars["CONFIG"]])
        .env("HOME", home.path())
        .env("OPSDECK_STATE_DIR", home.path().join("state"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let am = v["sources"].as_array().unwrap().iter().find(|x| x["kind"] == "alertmanager").unwrap();
    assert_eq!(am["status"], "fresh", "{am}");
    let alerts = v["alerts"].as_array().unwrap();
    let synthetic = alerts.iter().filter(|a| a["alertname"].as_str().unwrap().starts_with("SyntheticCheck"));
    assert_eq!(synthetic.count(), 30_000);
    let mut fps: Vec<&str> = alerts.iter().map(|a| a["fingerprint"].as_str().unwrap()).collect();
    fps.sort_unstable();
    fps.dedup();
    assert_eq!(fps.len(), alerts.len(), "every alert once");
}

/// A loopback proxy that forwards every request to `upstream` after `latency`, counting
/// the requests in flight.
#[derive(Clone)]
struct Proxy {
    upstream: String,
    latency: Duration,
    client: reqwest::Client,
    now: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

async fn forward(State(p): State<Proxy>, req: Request) -> Response {
    let n = p.now.fetch_add(1, Ordering::SeqCst) + 1;
    p.max.fetch_max(n, Ordering::SeqCst);
    p.total.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(p.latency).await;
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let url = format!("{}{}", p.upstream, parts.uri.path_and_query().map(|x| x.as_str()).unwrap_or("/"));
    let mut r = p.client.request(parts.method, url).body(body);
    if let Some(ct) = parts.headers.get("content-type") {
        r = r.header("content-type", ct);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status();
    let bytes = resp.bytes().await.unwrap();
    p.now.fetch_sub(1, Ordering::SeqCst);
    (status, [("content-type", "application/json")], bytes).into_response()
}

async fn listen(router: axum::Router) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(l, router).await;
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_backend_is_polled_with_requests_in_flight_together() {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap();
    let opts = SimOptions { scenario: Scenario::Calm, seed: 42, speed: 1.0, start: t0, synthetic_alerts: 0 };
    let sim = server::start(opts, Clock::Fixed(Mutex::new(t0))).await.unwrap();
    let latency = Duration::from_millis(300);
    let proxy = Proxy {
        upstream: sim.prometheus_url.clone(),
        latency,
        client: reqwest::Client::new(),
        now: Arc::default(),
        max: Arc::default(),
        total: Arc::default(),
    };
    let addr = listen(axum::Router::new().fallback(forward).with_state(proxy.clone())).await;
    let cfg = demo_config::build(&Endpoints::from(&sim), Duration::from_secs(5), "dark");
    let mut plan =
        opsdeck::snapshot::plans(&cfg).into_iter().find(|p| p.kind == SourceKind::Prometheus).unwrap();
    plan.spec.url = format!("http://{addr}");
    plan.spec.max_in_flight = Some(4);
    let queries = plan.plan.instant.len() + plan.plan.range.len();
    assert!(queries >= 20, "the demo plan has {queries} queries");

    let started = Instant::now();
    let o = poll_once(&plan, t0).await;
    let took = started.elapsed();
    let Ok(PollData::Metrics(m)) = &o.result else { panic!("{:?}", o.result) };
    assert_eq!(proxy.total.load(Ordering::SeqCst), queries);
    assert!(m.instant.values().all(|r| r.is_ok()), "{:?}", m.instant.values().find(|r| r.is_err()));
    assert_eq!(proxy.max.load(Ordering::SeqCst), 4, "max_in_flight requests at once, never more");
    // About latency x ceil(queries / 4) (2.4 s for 29 queries), far from the 8.7 s one at
    // a time would take; generous for a shared machine.
    let ideal = latency * queries.div_ceil(4) as u32;
    assert!(took >= ideal.mul_f64(0.9), "{took:?} < {ideal:?}");
    assert!(took < ideal + Duration::from_millis(1500), "{took:?}, ideal {ideal:?}");
}

/// A fake Prometheus: `/api/v1/query` answers a scalar, the number of times that query was
/// asked. `slow` is answered after 1.5 s the first time (then at once), `hang` after 10 s.
#[derive(Clone, Default)]
struct Fake {
    asked: Arc<Mutex<BTreeMap<String, usize>>>,
}

async fn fake_query(State(f): State<Fake>, Form(form): Form<Vec<(String, String)>>) -> Response {
    let q = form.iter().find(|(k, _)| k == "query").map(|(_, v)| v.clone()).unwrap_or_default();
    let n = {
        let mut a = f.asked.lock().unwrap();
        let n = a.entry(q.clone()).or_default();
        *n += 1;
        *n
    };
    match q.as_str() {
        "slow" if n == 1 => tokio::time::sleep(Duration::from_millis(1500)).await,
        "hang" => tokio::time::sleep(Duration::from_secs(10)).await,
        _ => {}
    }
    let body = serde_json::json!({"status": "success", "data": {"resultType": "scalar", "result": [1.0, n.to_string()]}});
    axum::Json(body).into_response()
}

fn value(o: &PollOutcome, q: &str) -> Option<Result<f64, String>> {
    let Ok(PollData::Metrics(m)) = &o.result else { return None };
    m.instant.get(&InstantQuery::now(q)).map(|r| match r {
        Ok(resp) => match resp.data {
            QueryData::Scalar { value, .. } => Ok(value),
            ref other => Err(format!("{other:?}")),
        },
        Err(e) => Err(e.clone()),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_query_holds_no_other_and_its_late_answer_never_replaces_a_newer_one() {
    let fake = Fake::default();
    let router =
        axum::Router::new().route("/api/v1/query", axum::routing::post(fake_query)).with_state(fake.clone());
    let addr = listen(router).await;
    let spec = opsdeck::config::SourceSpec {
        name: "p".into(),
        url: format!("http://{addr}"),
        poll: Some(Duration::from_millis(300)),
        timeout: Some(Duration::from_secs(2)),
        ..Default::default()
    };
    let qp = QueryPlan { instant: ["fast", "slow", "hang"].map(InstantQuery::now).to_vec(), range: vec![] };
    let plan = SourcePlan {
        kind: SourceKind::Prometheus,
        spec,
        defaults: opsdeck::config::Defaults::default(),
        plan: qp,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<PollOutcome>(64);
    let task = opsdeck::sources::spawn(plan, tx);
    let mut seen = Vec::new();
    let until = tokio::time::Instant::now() + Duration::from_millis(4500);
    while let Ok(Some(o)) = tokio::time::timeout_at(until, rx.recv()).await {
        seen.push(o);
    }
    task.abort();
    assert!(seen.len() >= 6, "an outcome every 300 ms: {}", seen.len());
    // `fast` moves on every round, also while `slow` is still out (about 1.5 s).
    let fast: Vec<f64> = seen.iter().filter_map(|o| value(o, "fast")?.ok()).collect();
    assert_eq!(fast.len(), seen.len());
    assert!(fast.windows(2).all(|w| w[1] > w[0]), "{fast:?}");
    let before_slow = seen.iter().take_while(|o| value(o, "slow").is_none()).count();
    assert!(before_slow >= 3, "rounds went on while `slow` was out: {before_slow}");
    // `slow`'s first answer comes late and is kept; answers asked later replace it, it
    // never replaces them: the values never go back.
    let slow: Vec<f64> = seen.iter().filter_map(|o| value(o, "slow")?.ok()).collect();
    assert_eq!(slow.first(), Some(&1.0), "{slow:?}");
    assert!(slow.windows(2).all(|w| w[1] >= w[0]), "{slow:?}");
    assert!(slow.last().unwrap() > &1.0, "{slow:?}");
    // `hang` says why in its own cell; the source stays up.
    assert!(
        seen.iter().any(|o| value(o, "hang") == Some(Err("timed out after 2s".into()))),
        "{:?}",
        seen.iter().map(|o| value(o, "hang")).collect::<Vec<_>>()
    );
    assert!(seen.iter().all(|o| o.result.is_ok()));
    // Never asked again while in flight: `hang` once per timeout at most.
    let asked = fake.asked.lock().unwrap().clone();
    assert!(asked["hang"] <= 3, "{asked:?}");
}
