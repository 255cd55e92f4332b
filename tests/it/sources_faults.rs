//! Fault tests: a small hand-written misbehaving HTTP server (tokio `TcpListener`) for the
//! failures a real Prometheus cannot be made to produce. Each fault gives a failing outcome
//! with a reason a person understands; nothing panics; a healthy source polled at the same
//! time stays fresh.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use opsdeck::config::types::{Defaults, SourceSpec};
use opsdeck::domain::{
    Freshness, InstantQuery, PollData, PollOutcome, QueryPlan, RangeQuery, SourceError, SourceKind,
    SourceStatus,
};
use opsdeck::sources::{SourcePlan, poll_once, spawn};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const VECTOR: &str = include_str!("../fixtures/prometheus/api/query-vector.json");

#[derive(Clone)]
enum Fault {
    /// A proper answer with this status, content type and body.
    Answer(u16, &'static str, String),
    /// Accept and never answer.
    Silent,
    /// Headers with a Content-Length, then fewer bytes, then close.
    CutShort(String),
    /// A close-delimited 200 body of this many bytes (no Content-Length).
    Huge(usize),
    /// A proper answer written one byte every `Duration`.
    Slow(Duration, String),
    /// 200 for /api/v1/query, 400 bad_data for /api/v1/query_range.
    PromRangeBroken,
}

/// Requests the server saw (request line and headers).
type Seen = Arc<Mutex<Vec<String>>>;

async fn serve(fault: Fault) -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let fault = fault.clone();
            let seen = seen2.clone();
            tokio::spawn(async move {
                let _ = handle(sock, fault, seen).await;
            });
        }
    });
    (addr, seen)
}

async fn read_request(sock: &mut TcpStream) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = sock.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(String::from_utf8_lossy(&buf).to_string());
        }
    }
    Ok(String::from_utf8_lossy(&buf).to_string())
}

fn response(status: u16, ct: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

async fn handle(mut sock: TcpStream, fault: Fault, seen: Seen) -> std::io::Result<()> {
    let req = read_request(&mut sock).await?;
    seen.lock().unwrap().push(req.clone());
    match fault {
        Fault::Answer(status, ct, body) => sock.write_all(response(status, ct, &body).as_bytes()).await?,
        Fault::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Fault::CutShort(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len() + 500
            );
            sock.write_all(head.as_bytes()).await?;
            sock.write_all(body.as_bytes()).await?;
        }
        Fault::Huge(n) => {
            sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                .await?;
            let block = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < n {
                let k = block.len().min(n - sent);
                if sock.write_all(&block[..k]).await.is_err() {
                    break; // the client hung up at its cap
                }
                sent += k;
            }
        }
        Fault::Slow(every, body) => {
            for b in response(200, "application/json", &body).bytes() {
                sock.write_all(&[b]).await?;
                tokio::time::sleep(every).await;
            }
        }
        Fault::PromRangeBroken => {
            let answer = if req.starts_with("POST /api/v1/query_range") {
                response(
                    400,
                    "application/json",
                    r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"step\": zero or negative query resolution step widths are not accepted"}"#,
                )
            } else {
                response(200, "application/json", VECTOR)
            };
            sock.write_all(answer.as_bytes()).await?;
        }
    }
    sock.shutdown().await.ok();
    Ok(())
}

fn plan(kind: SourceKind, name: &str, url: String, timeout: Duration) -> SourcePlan {
    SourcePlan {
        kind,
        spec: SourceSpec {
            name: name.into(),
            url,
            timeout: Some(timeout),
            poll: Some(Duration::from_millis(200)),
            ..Default::default()
        },
        defaults: Defaults::default(),
        plan: QueryPlan { instant: vec![InstantQuery::now("obs_test_requests_total")], range: vec![] },
    }
}

fn prom(name: &str, addr: SocketAddr) -> SourcePlan {
    plan(SourceKind::Prometheus, name, format!("http://{addr}"), Duration::from_secs(1))
}

async fn reason(p: &SourcePlan) -> SourceError {
    let o = poll_once(p, Utc::now()).await;
    assert_eq!(o.source, p.spec.name);
    o.result.expect_err("the poll should fail")
}

#[tokio::test]
async fn refused_connection() {
    let addr = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let e = reason(&prom("p", addr)).await;
    assert_eq!(e, SourceError::Refused);
    assert_eq!(e.to_string(), "connection refused");
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let (addr, _) = serve(Fault::Silent).await;
    let started = std::time::Instant::now();
    let e = reason(&prom("p", addr)).await;
    assert_eq!(e.to_string(), "timed out after 1s");
    assert!(started.elapsed() < Duration::from_secs(3), "the total timeout bounds the poll");
}

#[tokio::test]
async fn http_500_and_503_without_an_api_body() {
    for status in [500, 503] {
        let (addr, _) = serve(Fault::Answer(status, "text/plain", "upstream connect error".into())).await;
        let e = reason(&prom("p", addr)).await;
        assert_eq!(e.to_string(), format!("HTTP {status}: upstream connect error"));
    }
    // An HTML error page says nothing useful: just the status.
    let (addr, _) =
        serve(Fault::Answer(503, "text/html", "<html><body>503 Service Unavailable</body></html>".into()))
            .await;
    assert_eq!(reason(&prom("p", addr)).await.to_string(), "HTTP 503");
    // Mimir without a tenant header; Alertmanager and scrape sources keep the detail too.
    let (addr, _) = serve(Fault::Answer(401, "text/plain", "no org id\n".into())).await;
    assert_eq!(reason(&prom("p", addr)).await.to_string(), "HTTP 401: no org id");
    let (addr, _) = serve(Fault::Answer(503, "text/plain", "Service Unavailable".into())).await;
    let e =
        reason(&plan(SourceKind::Alertmanager, "am", format!("http://{addr}"), Duration::from_secs(1))).await;
    assert_eq!(e.to_string(), "HTTP 503: Service Unavailable");
    let (addr, _) = serve(Fault::Answer(500, "text/plain", "boom".into())).await;
    let e = reason(&plan(SourceKind::Scrape, "s", format!("http://{addr}/metrics"), Duration::from_secs(1)))
        .await;
    assert_eq!(e.to_string(), "HTTP 500: boom");
}

#[tokio::test]
async fn truncated_json() {
    let cut = &VECTOR[..80];
    let (addr, _) = serve(Fault::Answer(200, "application/json", cut.into())).await;
    let e = reason(&prom("p", addr)).await;
    assert_eq!(e, SourceError::BadJson { line: 1, column: 80, message: "EOF while parsing a string".into() });
    assert_eq!(e.to_string(), "invalid JSON at line 1 column 80: EOF while parsing a string");

    // The connection closes before the promised Content-Length.
    let (addr, _) = serve(Fault::CutShort(cut.into())).await;
    let e = reason(&prom("p", addr)).await;
    assert!(e.to_string().starts_with("connection closed before the answer was complete"), "{e}");
}

#[tokio::test]
async fn fifty_mib_body_hits_the_cap() {
    let (addr, _) = serve(Fault::Huge(50 * 1024 * 1024)).await;
    let p = plan(SourceKind::Prometheus, "p", format!("http://{addr}"), Duration::from_secs(20));
    let e = reason(&p).await;
    assert_eq!(e, SourceError::TooLarge { limit: 16 * 1024 * 1024 });
    assert_eq!(e.to_string(), "response larger than max_body (16 MiB)");
    // A declared Content-Length past the cap fails before reading.
    let big = " ".repeat(17 * 1024 * 1024);
    let (addr, _) = serve(Fault::Answer(200, "application/json", big)).await;
    let e = reason(&p_at(&p, addr)).await;
    assert_eq!(e, SourceError::TooLarge { limit: 16 * 1024 * 1024 });
}

fn p_at(p: &SourcePlan, addr: SocketAddr) -> SourcePlan {
    let mut p = p.clone();
    p.spec.url = format!("http://{addr}");
    p
}

#[tokio::test]
async fn html_instead_of_json() {
    let (addr, _) =
        serve(Fault::Answer(200, "text/html", "<!doctype html><html><body>Sign in</body></html>".into()))
            .await;
    let e = reason(&prom("p", addr)).await;
    assert_eq!(e.to_string(), "invalid JSON at line 1 column 1: expected value");
    let e = reason(&plan(
        SourceKind::Statuspage,
        "gh",
        format!("http://{addr}/api/v2/summary.json"),
        Duration::from_secs(1),
    ))
    .await;
    assert_eq!(e.to_string(), "invalid JSON at line 1 column 1: expected value");
    let e =
        reason(&plan(SourceKind::Alertmanager, "am", format!("http://{addr}"), Duration::from_secs(1))).await;
    assert_eq!(e.to_string(), "invalid JSON at line 1 column 1: expected value");
    // HTML at a scrape URL is not the exposition format.
    let e = reason(&plan(SourceKind::Scrape, "s", format!("http://{addr}/metrics"), Duration::from_secs(1)))
        .await;
    assert!(e.to_string().starts_with("invalid metrics text at line 1 column 1"), "{e}");
}

#[tokio::test]
async fn slow_byte_by_byte_answer_times_out() {
    let (addr, _) = serve(Fault::Slow(Duration::from_millis(20), VECTOR.into())).await;
    let started = std::time::Instant::now();
    let e = reason(&prom("p", addr)).await;
    assert_eq!(e.to_string(), "timed out after 1s");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn cannot_resolve_host() {
    let p = plan(
        SourceKind::Prometheus,
        "p",
        "http://opsdeck-test-host.invalid:9090".into(),
        Duration::from_secs(3),
    );
    let e = reason(&p).await;
    assert_eq!(e, SourceError::Dns("opsdeck-test-host.invalid".into()));
    assert_eq!(e.to_string(), "cannot resolve host opsdeck-test-host.invalid");
}

#[tokio::test]
async fn one_failing_query_is_a_per_query_error() {
    let (addr, _) = serve(Fault::PromRangeBroken).await;
    let mut p = prom("p", addr);
    p.plan.range.push(RangeQuery {
        query: "rate(x[5m])".into(),
        window: Duration::from_secs(3600),
        step: Duration::from_secs(60),
    });
    let o = poll_once(&p, Utc::now()).await;
    let PollData::Metrics(m) = o.result.expect("the source is up") else { panic!() };
    assert!(m.instant[&InstantQuery::now("obs_test_requests_total")].is_ok());
    assert_eq!(
        m.range["rate(x[5m])"],
        Err("HTTP 400: bad_data: invalid parameter \"step\": zero or negative query resolution step widths are not accepted".into())
    );
}

/// Every fault at once, next to a healthy source, through `spawn` and one channel: the
/// healthy source keeps answering every interval and stays `Fresh`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_source_stays_fresh_while_others_fail() {
    let (healthy, _) = serve(Fault::Answer(200, "application/json", VECTOR.into())).await;
    let refused = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let mut sources = vec![prom("healthy", healthy), prom("refused", refused)];
    for (name, fault) in [
        ("silent", Fault::Silent),
        ("http500", Fault::Answer(500, "text/html", "<html>Internal Server Error</html>".into())),
        ("http503", Fault::Answer(503, "text/html", "<html>Service Unavailable</html>".into())),
        ("truncated", Fault::Answer(200, "application/json", VECTOR[..80].into())),
        ("html", Fault::Answer(200, "text/html", "<html></html>".into())),
        ("slow", Fault::Slow(Duration::from_millis(20), VECTOR.into())),
        ("huge", Fault::Huge(50 * 1024 * 1024)),
    ] {
        let (addr, _) = serve(fault).await;
        sources.push(prom(name, addr));
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel::<PollOutcome>(64);
    let handles: Vec<_> = sources.iter().cloned().map(|p| spawn(p, tx.clone())).collect();
    drop(tx);

    let mut fresh = Freshness::default();
    let mut healthy_polls = 0;
    let mut failing = std::collections::BTreeMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
    while let Ok(Some(o)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        if o.source == "healthy" {
            fresh.record(o.taken_at, o.result.as_ref().err());
            assert!(matches!(o.result, Ok(PollData::Metrics(_))), "{:?}", o.result);
            healthy_polls += 1;
        } else if let Err(e) = &o.result {
            failing.insert(o.source.clone(), e.to_string());
        } else {
            panic!("{} should fail", o.source);
        }
    }
    assert!(healthy_polls >= 8, "the healthy source polled every 200ms: {healthy_polls}");
    assert_eq!(fresh.status(Utc::now(), Duration::from_millis(200)), SourceStatus::Fresh);
    assert_eq!(failing.get("refused").map(String::as_str), Some("connection refused"));
    assert_eq!(failing.get("silent").map(String::as_str), Some("timed out after 1s"));
    assert_eq!(failing.get("http500").map(String::as_str), Some("HTTP 500"));
    assert_eq!(failing.get("http503").map(String::as_str), Some("HTTP 503"));
    assert_eq!(
        failing.get("truncated").map(String::as_str),
        Some("invalid JSON at line 1 column 80: EOF while parsing a string")
    );
    assert_eq!(
        failing.get("html").map(String::as_str),
        Some("invalid JSON at line 1 column 1: expected value")
    );
    assert_eq!(failing.get("slow").map(String::as_str), Some("timed out after 1s"));
    assert_eq!(failing.get("huge").map(String::as_str), Some("response larger than max_body (16 MiB)"));

    // Dropping the receiver ends every poller.
    drop(rx);
    for h in handles {
        tokio::time::timeout(Duration::from_secs(3), h)
            .await
            .expect("poller ends when the receiver is dropped")
            .unwrap();
    }
}

#[tokio::test]
async fn polls_never_overlap() {
    // Each answer takes ~300ms while the interval is 50ms: the server must never see two
    // requests from this source at once.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let max_seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (f, m) = (in_flight.clone(), max_seen.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let (f, m) = (f.clone(), m.clone());
            tokio::spawn(async move {
                let _ = read_request(&mut sock).await;
                let now = f.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                m.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(300)).await;
                f.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                let _ = sock.write_all(response(200, "application/json", VECTOR).as_bytes()).await;
            });
        }
    });
    let mut p = prom("p", addr);
    p.spec.poll = Some(Duration::from_millis(50));
    let (tx, mut rx) = tokio::sync::mpsc::channel::<PollOutcome>(8);
    let h = spawn(p, tx);
    let mut times = Vec::new();
    for _ in 0..3 {
        let o = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
        assert!(o.result.is_ok(), "{:?}", o.result);
        times.push(o.taken_at);
    }
    assert_eq!(max_seen.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(times.windows(2).all(|w| w[1] > w[0]), "every outcome carries its own taken_at");
    drop(rx);
    tokio::time::timeout(Duration::from_secs(3), h).await.unwrap().unwrap();
}
