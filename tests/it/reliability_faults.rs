//! Fault battery (issue 8) through the real poller (`sources::poller::spawn`), against the
//! real Prometheus and Alertmanager. It extends `sources_faults.rs` (refused, silent,
//! 500/503, truncated, 50 MiB, HTML, byte-by-byte, DNS, against fake servers) with:
//! - a backend down at start, then up: failing, then fresh at the next poll;
//! - Prometheus killed (SIGKILL) and restarted mid-run: the same poller task recovers within
//!   one poll interval of Prometheus being ready, and Alertmanager's poller never misses a
//!   beat meanwhile;
//! - NaN, +Inf and -Inf in every result type from the real Prometheus;
//! - JSON with wrong types for every decoder, 500s for a while then recovery, a 100 MB body,
//!   TLS with an unknown CA (the error names `ca_file`), all at once next to the real
//!   Prometheus and Alertmanager, which stay fresh.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::reliability_support::*;
use chrono::Utc;
use opsdeck::config::types::{Defaults, SourceSpec};
use opsdeck::domain::{
    Freshness, InstantQuery, PollData, PollOutcome, QueryData, QueryPlan, RangeQuery, SourceKind,
    SourceStatus,
};
use opsdeck::sources::{SourcePlan, poll_once, spawn};
use tokio::sync::mpsc;
use tokio::time::Instant;

fn plan(kind: SourceKind, name: &str, url: &str, poll: Duration, timeout: Duration) -> SourcePlan {
    SourcePlan {
        kind,
        spec: SourceSpec {
            name: name.into(),
            url: url.into(),
            poll: Some(poll),
            timeout: Some(timeout),
            ..Default::default()
        },
        defaults: Defaults::default(),
        plan: QueryPlan { instant: vec![InstantQuery::now("obs_test_requests_total")], range: vec![] },
    }
}

/// An outcome and the instant it arrived.
type Received = (Instant, PollOutcome);

/// Collects every outcome from `rx` into a shared list, so a test can look at it while the
/// pollers keep running.
fn collect(mut rx: mpsc::Receiver<PollOutcome>) -> Arc<std::sync::Mutex<Vec<Received>>> {
    let log: Arc<std::sync::Mutex<Vec<Received>>> = Arc::default();
    let l = log.clone();
    tokio::spawn(async move {
        while let Some(o) = rx.recv().await {
            l.lock().unwrap().push((Instant::now(), o));
        }
    });
    log
}

fn of<'a>(log: &'a [Received], source: &str) -> Vec<&'a Received> {
    log.iter().filter(|(_, o)| o.source == source).collect()
}

/// Waits until `pred` holds for some outcome of `source` that arrived after `after`.
async fn wait_for(
    log: &Arc<std::sync::Mutex<Vec<Received>>>,
    source: &str,
    after: Instant,
    limit: Duration,
    pred: impl Fn(&PollOutcome) -> bool,
) -> Option<Instant> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some((t, _)) =
            log.lock().unwrap().iter().find(|(t, o)| *t >= after && o.source == source && pred(o))
        {
            return Some(*t);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

fn is_ok(o: &PollOutcome) -> bool {
    o.result.is_ok()
}

/// The longest gap between successive outcomes of `source` arriving in `[from, to]`.
fn longest_gap(log: &[Received], source: &str, from: Instant, to: Instant) -> Duration {
    let times: Vec<Instant> =
        of(log, source).iter().map(|(t, _)| *t).filter(|t| *t >= from && *t <= to).collect();
    times.windows(2).map(|w| w[1] - w[0]).max().unwrap_or_default()
}

#[ignore = "needs scripts/test"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_down_at_start_then_killed_and_restarted_recovers_without_restarting_the_poller() {
    if !can_start_backends() {
        return;
    }
    let mut pair = PrivatePair::reserve();
    let interval = Duration::from_millis(500);
    let timeout = Duration::from_secs(2);
    let prom = plan(SourceKind::Prometheus, "prom", &pair.prom_url(), interval, timeout);
    let am = plan(SourceKind::Alertmanager, "am", &pair.am_url(), interval, timeout);
    let (tx, rx) = mpsc::channel::<PollOutcome>(256);
    let prom_task = spawn(prom, tx.clone());
    let am_task = spawn(am, tx);
    let log = collect(rx);

    // 1. Both down at start: failing with a reason a person reads, polled every interval.
    let t0 = Instant::now();
    for source in ["prom", "am"] {
        let t = wait_for(&log, source, t0, Duration::from_secs(5), |o| o.result.is_err()).await;
        assert!(t.is_some(), "{source} reports its failure while down");
    }
    tokio::time::sleep(interval * 2).await;
    {
        let l = log.lock().unwrap();
        for (_, o) in of(&l, "prom") {
            assert_eq!(o.result.as_ref().unwrap_err().to_string(), "connection refused");
        }
        let mut f = Freshness::default();
        for (_, o) in of(&l, "prom") {
            f.record(o.taken_at, o.result.as_ref().err());
        }
        assert!(
            matches!(f.status(Utc::now(), interval), SourceStatus::Failing { ref reason, .. } if reason == "connection refused")
        );
        assert!(of(&l, "prom").len() >= 2, "retried every interval while down");
    }

    // 2. Up: the same pollers turn fresh at their next poll.
    pair.start();
    let up = Instant::now();
    for source in ["prom", "am"] {
        let t = wait_for(&log, source, up, interval * 4, is_ok).await;
        assert!(t.is_some(), "{source} fresh within a poll interval of coming up");
    }

    // 3. Prometheus killed mid-run: its poller fails, Alertmanager's keeps its rhythm.
    let argv = pair.kill_prometheus();
    let killed = Instant::now();
    let failed_at = wait_for(&log, "prom", killed, interval * 4, |o| o.result.is_err()).await;
    assert!(failed_at.is_some(), "prom reports failure after the kill");
    tokio::time::sleep(interval * 3).await;

    // 4. Restarted (same port, same data): ready, then fresh within one poll interval, on
    //    the same poller task.
    pair.restart_prometheus(&argv);
    assert!(
        wait_ready(&format!("{}/-/ready", pair.prom_url()), Duration::from_secs(60)).await,
        "prometheus restarted: {}",
        pair.log("prometheus")
    );
    let ready = Instant::now();
    let ready_utc = Utc::now();
    let recovered = wait_for(&log, "prom", ready, Duration::from_secs(10), is_ok).await.expect("recovers");
    // The first successful poll after the restart started within one interval of
    // Prometheus being ready (its `taken_at` is when the poll started, so the time the
    // query itself takes on a busy machine does not count); 200ms for scheduling.
    let first_ok = log
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, o)| *t > killed && o.source == "prom" && is_ok(o))
        .map(|(_, o)| o.taken_at)
        .next()
        .unwrap();
    let started_after_ready = (first_ok - ready_utc).to_std().unwrap_or_default();
    assert!(
        started_after_ready <= interval + Duration::from_millis(200),
        "the recovering poll started {started_after_ready:?} after ready (interval {interval:?})"
    );
    eprintln!(
        "prometheus ready -> recovering poll started {started_after_ready:?}, answered {:?}",
        recovered - ready
    );
    let slack = Duration::from_secs(1);
    assert!(!prom_task.is_finished() && !am_task.is_finished(), "no poller was restarted");

    let l = log.lock().unwrap().clone();
    // Alertmanager polled every interval throughout the Prometheus outage.
    let gap = longest_gap(&l, "am", killed, recovered);
    assert!(gap <= interval + slack, "alertmanager's longest gap during the outage: {gap:?}");
    assert!(of(&l, "am").iter().filter(|(t, _)| *t >= killed && *t <= recovered).all(|(_, o)| is_ok(o)));
    // The recovered poll carries real data again (the WAL survived the crash or a new scrape).
    let last = of(&l, "prom").into_iter().rev().find(|(_, o)| is_ok(o)).unwrap();
    let Ok(PollData::Metrics(m)) = &last.1.result else { panic!("{:?}", last.1.result) };
    assert!(m.instant[&InstantQuery::now("obs_test_requests_total")].is_ok());
    // Every failure in between was worded for a person.
    for (_, o) in of(&l, "prom") {
        if let Err(e) = &o.result {
            let r = e.to_string();
            assert!(
                r == "connection refused" || r.starts_with("HTTP 503") || r.starts_with("timed out after"),
                "unexpected reason {r:?}"
            );
        }
    }
    prom_task.abort();
    am_task.abort();
}

fn value(m: &opsdeck::domain::MetricsPoll, q: &str) -> QueryData {
    m.instant[&InstantQuery::now(q)].as_ref().unwrap_or_else(|e| panic!("{q}: {e}")).data.clone()
}

fn vector_values(d: &QueryData) -> Vec<f64> {
    match d {
        QueryData::Vector(v) => v.iter().map(|s| s.value).collect(),
        QueryData::Scalar { value, .. } => vec![*value],
        other => panic!("unexpected {other:?}"),
    }
}

#[ignore = "needs scripts/test"]
#[tokio::test]
async fn nan_and_inf_everywhere_from_the_real_prometheus() {
    let Some(url) = backend("OPSDECK_TEST_PROM_URL") else { return };
    let mut p = plan(SourceKind::Prometheus, "prom", &url, Duration::from_secs(1), Duration::from_secs(5));
    let queries = [
        "NaN",
        "+Inf",
        "-Inf",
        "vector(NaN)",
        "vector(+Inf) * -1",
        "0/0",
        "obs_test_temperature_celsius{room=\"broken-sensor\"}",
        "sum(obs_test_temperature_celsius)",
        "obs_test_queue_limit",
        "-obs_test_queue_limit",
        "histogram_quantile(0.99, obs_test_latency_seconds_bucket)",
        "obs_test_queue_limit - obs_test_queue_limit",
    ];
    p.plan.instant = queries.iter().map(|q| InstantQuery::now(*q)).collect();
    p.plan.range = vec![
        RangeQuery {
            query: "vector(NaN)".into(),
            window: Duration::from_secs(60),
            step: Duration::from_secs(10),
        },
        RangeQuery {
            query: "obs_test_queue_limit".into(),
            window: Duration::from_secs(60),
            step: Duration::from_secs(5),
        },
    ];
    let o = poll_once(&p, Utc::now()).await;
    let PollData::Metrics(m) = o.result.expect("NaN and Inf are values, not failures") else { panic!() };

    let nan = |q: &str| {
        vector_values(&value(&m, q)).iter().all(|v| v.is_nan()) && !vector_values(&value(&m, q)).is_empty()
    };
    assert!(nan("NaN") && nan("vector(NaN)") && nan("0/0"));
    assert!(nan("obs_test_temperature_celsius{room=\"broken-sensor\"}"));
    assert!(nan("sum(obs_test_temperature_celsius)"), "NaN propagates through sum");
    assert!(nan("obs_test_queue_limit - obs_test_queue_limit"), "Inf - Inf");
    assert_eq!(vector_values(&value(&m, "+Inf")), vec![f64::INFINITY]);
    assert_eq!(vector_values(&value(&m, "-Inf")), vec![f64::NEG_INFINITY]);
    assert_eq!(vector_values(&value(&m, "vector(+Inf) * -1")), vec![f64::NEG_INFINITY]);
    assert_eq!(vector_values(&value(&m, "obs_test_queue_limit")), vec![f64::INFINITY]);
    assert_eq!(vector_values(&value(&m, "-obs_test_queue_limit")), vec![f64::NEG_INFINITY]);
    // histogram_quantile over raw buckets is a real number (0.1 bucket holds 90 of 100).
    let hq = vector_values(&value(&m, "histogram_quantile(0.99, obs_test_latency_seconds_bucket)"));
    assert!(hq.iter().all(|v| v.is_finite()), "{hq:?}");

    let nan_series = m.range["vector(NaN)"].as_ref().expect("range of NaN");
    assert!(!nan_series.is_empty() && nan_series.iter().all(|s| s.points.iter().all(|p| p.1.is_nan())));
    let inf_series = m.range["obs_test_queue_limit"].as_ref().expect("range of +Inf");
    assert!(inf_series.iter().flat_map(|s| &s.points).all(|p| p.1 == f64::INFINITY));

    // Every answer still serialises (NaN and Inf become null in JSON), so nothing that prints
    // or stores them can fail on them.
    for r in m.instant.values() {
        let json = serde_json::to_string(r.as_ref().unwrap()).expect("serialises");
        assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    }
}

/// A fake server answering `body` to every request with status 200 and a JSON content type.
async fn json_server(body: &'static str) -> String {
    let (addr, _) = serve(Arc::new(move |_req: &str| http(200, "application/json", body))).await;
    format!("http://{addr}")
}

/// JSON that parses but has the wrong types, for each decoder: a failing poll with a reason
/// naming line and column, never a panic, never a half-filled result.
#[tokio::test]
async fn json_with_wrong_types_fails_clearly_for_every_decoder() {
    let cases: Vec<(SourceKind, &'static str)> = vec![
        // Prometheus: sample value a number instead of a string.
        (
            SourceKind::Prometheus,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,2]}]}}"#,
        ),
        // Prometheus: sample value a string that is not a number.
        (
            SourceKind::Prometheus,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"many"]}]}}"#,
        ),
        // Prometheus: result an object, label value a number, timestamp a string.
        (SourceKind::Prometheus, r#"{"status":"success","data":{"resultType":"vector","result":{"a":1}}}"#),
        (
            SourceKind::Prometheus,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":7},"values":[]}]}}"#,
        ),
        (
            SourceKind::Prometheus,
            r#"{"status":"success","data":{"resultType":"scalar","result":["now","1"]}}"#,
        ),
        (SourceKind::Prometheus, r#"{"status":"success","data":{"resultType":"histogramz","result":[]}}"#),
        (SourceKind::Prometheus, r#"{"status":true}"#),
        (SourceKind::Prometheus, r#"[]"#),
        (SourceKind::Prometheus, r#"null"#),
        // Alertmanager: not a list; labels a string; startsAt a number; fingerprint a number.
        (SourceKind::Alertmanager, r#"{"alerts":[]}"#),
        (
            SourceKind::Alertmanager,
            r#"[{"labels":"alertname=X","annotations":{},"startsAt":"2026-11-23T01:00:00Z","fingerprint":"a","status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]"#,
        ),
        (
            SourceKind::Alertmanager,
            r#"[{"labels":{},"annotations":{},"startsAt":1700000000,"fingerprint":"a","status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]"#,
        ),
        (
            SourceKind::Alertmanager,
            r#"[{"labels":{},"annotations":{},"startsAt":"2026-11-23T01:00:00Z","fingerprint":12,"status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]"#,
        ),
        (
            SourceKind::Alertmanager,
            r#"[{"labels":{},"annotations":{},"startsAt":"yesterday","fingerprint":"a","status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]"#,
        ),
        // Statuspage: components an object; status a string; page missing.
        (
            SourceKind::Statuspage,
            r#"{"page":{"id":"x","name":"X","url":"https://x","updated_at":"2026-11-23T01:00:00Z"},"status":{"indicator":"none","description":"ok"},"components":{"a":1},"incidents":[],"scheduled_maintenances":[]}"#,
        ),
        (
            SourceKind::Statuspage,
            r#"{"page":{"id":"x","name":"X","url":"https://x"},"status":"fine","components":[],"incidents":[]}"#,
        ),
        (
            SourceKind::Statuspage,
            r#"{"page":{"id":"x","name":5,"url":"https://x"},"status":{"indicator":"none","description":"ok"}}"#,
        ),
        (SourceKind::Statuspage, r#"[1,2,3]"#),
    ];
    for (kind, body) in cases {
        let url = json_server(body).await;
        let p = plan(kind, "src", &url, Duration::from_secs(1), Duration::from_secs(2));
        let o = poll_once(&p, Utc::now()).await;
        let e = match &o.result {
            Err(e) => e.to_string(),
            // A per-query error is fine too for a metrics source: the poll then says why.
            Ok(PollData::Metrics(m)) => match m.instant.values().next() {
                Some(Err(e)) => e.clone(),
                other => panic!("{kind:?} {body}: accepted wrong types: {other:?}"),
            },
            Ok(other) => panic!("{kind:?} {body}: accepted wrong types: {other:?}"),
        };
        assert!(
            e.starts_with("invalid JSON at line 1 column ") || e.starts_with("Prometheus answered"),
            "{kind:?} {body}: {e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
        eprintln!("{kind:?}: {e}");
    }
}

/// Serves 500s until `switch` is set, then `ok`.
async fn flapping_server(ok: &'static str, failing: Arc<AtomicUsize>) -> String {
    let (addr, _) = serve(Arc::new(move |_req: &str| {
        if failing.load(Ordering::SeqCst) == 1 {
            http(500, "text/plain", "internal error")
        } else {
            http(200, "application/json", ok)
        }
    }))
    .await;
    format!("http://{addr}")
}

/// Every misbehaving source at once, each on its own poller on one channel, next to the
/// real Prometheus and Alertmanager: those two keep polling every interval and stay fresh.
/// The 500s source recovers at its first poll after the server does; `since` of its failure
/// stays the first failure.
#[ignore = "needs scripts/test"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_at_once_next_to_real_backends_that_stay_fresh() {
    let Some(prom_url) = backend("OPSDECK_TEST_PROM_URL") else { return };
    let Some(am_url) = backend("OPSDECK_TEST_AM_URL") else { return };
    let interval = Duration::from_millis(300);
    let timeout = Duration::from_secs(1);

    let tmp = tempfile::tempdir().unwrap();
    let (_ca, cert, key) = make_ca_and_server_cert(tmp.path(), "a");
    let (other_ca, _, _) = make_ca_and_server_cert(tmp.path(), "b");
    std::fs::create_dir_all(tmp.path().join("www/api/v2")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/statuspage/github-summary-2022-11-25-incident.json"),
        tmp.path().join("www/api/v2/summary.json"),
    )
    .unwrap();
    let tls = TlsServer::start(&tmp.path().join("www"), &cert, &key);
    let tls_url = format!("https://127.0.0.1:{}/api/v2/summary.json", tls.port);

    let failing = Arc::new(AtomicUsize::new(1));
    let flapping =
        flapping_server(include_str!("../fixtures/prometheus/api/query-vector.json"), failing.clone()).await;
    let (huge, _) = serve(Arc::new(|_req: &str| Reply::Huge(100 * 1000 * 1000))).await;
    let wrong = json_server(
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}"#,
    )
    .await;

    let mut sources = [
        plan(SourceKind::Prometheus, "prom", &prom_url, interval, timeout),
        plan(SourceKind::Alertmanager, "am", &am_url, interval, timeout),
        plan(SourceKind::Prometheus, "flapping", &flapping, interval, timeout),
        plan(SourceKind::Prometheus, "huge", &format!("http://{huge}"), interval, Duration::from_secs(20)),
        plan(SourceKind::Prometheus, "wrong-types", &wrong, interval, timeout),
        plan(SourceKind::Statuspage, "tls-no-ca", &tls_url, interval, timeout),
        plan(SourceKind::Statuspage, "tls-other-ca", &tls_url, interval, timeout),
        plan(SourceKind::Prometheus, "dns", "http://opsdeck-reliab.invalid:9090", interval, timeout),
    ];
    sources[6].spec.ca_file = Some(other_ca.clone());

    let (tx, rx) = mpsc::channel::<PollOutcome>(256);
    let handles: Vec<_> = sources.iter().cloned().map(|p| spawn(p, tx.clone())).collect();
    drop(tx);
    let log = collect(rx);
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    failing.store(0, Ordering::SeqCst);
    let switched = Instant::now();
    let recovered = wait_for(&log, "flapping", switched, interval * 2 + timeout, is_ok).await;
    let end = Instant::now();
    let l = log.lock().unwrap().clone();

    // The real backends: every poll fine, no gap longer than an interval plus slack.
    for source in ["prom", "am"] {
        let mine = of(&l, source);
        assert!(mine.iter().all(|(_, o)| is_ok(o)), "{source}: {:?}", mine.iter().find(|(_, o)| !is_ok(o)));
        let expected = ((end - start).as_millis() / interval.as_millis()) as usize;
        assert!(mine.len() + 3 >= expected, "{source}: {} polls, expected about {expected}", mine.len());
        let gap = longest_gap(&l, source, start, end);
        assert!(gap <= interval + Duration::from_millis(500), "{source}: gap {gap:?}");
    }

    let reasons: BTreeMap<&str, String> = l
        .iter()
        .filter_map(|(_, o)| o.result.as_ref().err().map(|e| (o.source.as_str(), e.to_string())))
        .collect();
    assert_eq!(reasons["flapping"], "HTTP 500: internal error");
    assert!(recovered.is_some(), "the 500s source recovers at its next poll");
    let mut f = Freshness::default();
    let flaps = of(&l, "flapping");
    let first_failure = flaps.iter().find(|(_, o)| o.result.is_err()).unwrap().1.taken_at;
    for (_, o) in flaps.iter().filter(|(t, _)| *t < switched) {
        f.record(o.taken_at, o.result.as_ref().err());
    }
    assert!(
        matches!(f.status(Utc::now(), interval), SourceStatus::Failing { since, .. } if since == first_failure)
    );
    assert!(flaps.iter().filter(|(t, _)| *t < switched).count() >= 5, "500s went on across many polls");

    assert_eq!(reasons["huge"], "response larger than max_body (16 MiB)");
    assert!(
        reasons["wrong-types"].starts_with("invalid JSON at line 1 column"),
        "{}",
        reasons["wrong-types"]
    );
    assert_eq!(
        reasons["tls-no-ca"],
        "TLS: server certificate signed by an unknown authority; set ca_file to the PEM file of the CA that signed it"
    );
    assert_eq!(
        reasons["tls-other-ca"],
        format!(
            "TLS: server certificate signed by an unknown authority (not the CA in ca_file {})",
            other_ca.display()
        )
    );
    assert_eq!(reasons["dns"], "cannot resolve host opsdeck-reliab.invalid");
    for h in handles {
        h.abort();
    }
}

/// Extends `sources_http.rs` (unknown CA without `ca_file`, a missing `ca_file`, and a TLS
/// handshake that passes with the CA): with the right `ca_file` a real summary is decoded end
/// to end over TLS, and a `ca_file` that is not PEM is named.
#[tokio::test]
async fn tls_with_the_right_ca_file_decodes_and_a_non_pem_ca_file_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = make_ca_and_server_cert(tmp.path(), "ok");
    std::fs::create_dir_all(tmp.path().join("www/api/v2")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/statuspage/github-summary-2022-11-25-incident.json"),
        tmp.path().join("www/api/v2/summary.json"),
    )
    .unwrap();
    let tls = TlsServer::start(&tmp.path().join("www"), &cert, &key);
    let url = format!("https://127.0.0.1:{}/api/v2/summary.json", tls.port);
    let mut p = plan(SourceKind::Statuspage, "gh", &url, Duration::from_secs(1), Duration::from_secs(3));
    p.spec.ca_file = Some(ca);
    let o = poll_once(&p, Utc::now()).await;
    let PollData::Status(s) = o.result.expect("trusted through ca_file") else { panic!() };
    assert!(!s.components.is_empty());

    let not_pem = tmp.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    p.spec.ca_file = Some(not_pem.clone());
    let e = poll_once(&p, Utc::now()).await.result.unwrap_err().to_string();
    assert!(e.starts_with(&format!("ca_file {}:", not_pem.display())), "{e}");
}
