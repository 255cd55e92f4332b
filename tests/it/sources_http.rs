//! The HTTP edge: auth and extra headers reach the server, secrets never show in errors or
//! Debug output, and TLS with a private CA works through `ca_file` (and says so when not).
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use opsdeck::config::types::{BasicAuth, Defaults, SourceSpec};
use opsdeck::domain::{InstantQuery, PollData, QueryPlan, SourceError, SourceKind};
use opsdeck::sources::http::HttpClient;
use opsdeck::sources::{SourcePlan, poll_once};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const VECTOR: &str = include_str!("../fixtures/prometheus/api/query-vector.json");
const TOKEN: &str = "tok-3f9a7c1e-very-secret";
const PASSWORD: &str = "pw-8d2b44-hunter2";

/// Answers every request with `status` and `body` (`{SECRET}` replaced by the request's
/// Authorization header, like a careless proxy echoing it) and records the request heads.
async fn server(status: u16, body: &'static str) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let seen = seen2.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = sock.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                let head = String::from_utf8_lossy(&got).to_string();
                let auth =
                    head.lines().find_map(|l| l.strip_prefix("authorization: ")).unwrap_or("").to_string();
                seen.lock().unwrap().push(head);
                let body = body.replace("{SECRET}", &auth);
                let resp = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    (addr, seen)
}

fn secret_file(dir: &tempfile::TempDir, name: &str, content: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, format!("{content}\n")).unwrap();
    p
}

fn prom_plan(spec: SourceSpec) -> SourcePlan {
    SourcePlan {
        kind: SourceKind::Prometheus,
        spec,
        defaults: Defaults::default(),
        plan: QueryPlan { instant: vec![InstantQuery::now("up")], range: vec![] },
    }
}

#[tokio::test]
async fn bearer_token_file_and_extra_headers_are_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, seen) = server(200, VECTOR).await;
    let spec = SourceSpec {
        name: "mimir".into(),
        url: format!("http://{addr}/prometheus"),
        bearer_token_file: Some(secret_file(&dir, "token", TOKEN)),
        headers: [("X-Scope-OrgID".to_string(), "platform".to_string())].into(),
        ..Default::default()
    };
    let o = poll_once(&prom_plan(spec), Utc::now()).await;
    assert!(matches!(o.result, Ok(PollData::Metrics(_))), "{:?}", o.result);
    let head = seen.lock().unwrap()[0].clone();
    assert!(head.starts_with("POST /prometheus/api/v1/query HTTP/1.1"), "{head}");
    assert!(head.contains(&format!("authorization: Bearer {TOKEN}")), "{head}");
    assert!(head.contains("x-scope-orgid: platform"), "{head}");
}

#[tokio::test]
async fn basic_auth_password_file_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, seen) = server(200, VECTOR).await;
    let spec = SourceSpec {
        name: "p".into(),
        url: format!("http://{addr}"),
        basic_auth: Some(BasicAuth {
            username: "ops".into(),
            password_env: None,
            password_file: Some(secret_file(&dir, "pw", PASSWORD)),
        }),
        ..Default::default()
    };
    let o = poll_once(&prom_plan(spec), Utc::now()).await;
    assert!(o.result.is_ok(), "{:?}", o.result);
    // base64("ops:pw-8d2b44-hunter2")
    let head = seen.lock().unwrap()[0].clone();
    assert!(head.contains("authorization: Basic b3BzOnB3LThkMmI0NC1odW50ZXIy"), "{head}");
}

#[tokio::test]
async fn missing_secrets_name_the_option() {
    let spec = SourceSpec {
        name: "p".into(),
        url: "http://127.0.0.1:9".into(),
        bearer_token_file: Some("/nonexistent/opsdeck/token".into()),
        ..Default::default()
    };
    let e = poll_once(&prom_plan(spec), Utc::now()).await.result.unwrap_err();
    assert_eq!(e.to_string(), "bearer_token_file /nonexistent/opsdeck/token: no such file");
    let spec = SourceSpec {
        name: "p".into(),
        url: "http://127.0.0.1:9".into(),
        bearer_token_env: Some("OPSDECK_TEST_SURELY_UNSET_TOKEN".into()),
        ..Default::default()
    };
    let e = poll_once(&prom_plan(spec), Utc::now()).await.result.unwrap_err();
    assert_eq!(
        e.to_string(),
        "bearer_token_env: environment variable OPSDECK_TEST_SURELY_UNSET_TOKEN is not set"
    );
    let spec = SourceSpec {
        name: "p".into(),
        url: "http://127.0.0.1:9".into(),
        basic_auth: Some(BasicAuth {
            username: "u".into(),
            password_env: Some("OPSDECK_TEST_SURELY_UNSET_PW".into()),
            password_file: None,
        }),
        ..Default::default()
    };
    let e = poll_once(&prom_plan(spec), Utc::now()).await.result.unwrap_err();
    assert!(
        e.to_string()
            .starts_with("basic_auth.password_env: environment variable OPSDECK_TEST_SURELY_UNSET_PW")
    );
    let spec = SourceSpec { name: "p".into(), url: "ftp://x".into(), ..Default::default() };
    let e = poll_once(&prom_plan(spec), Utc::now()).await.result.unwrap_err();
    assert!(e.to_string().contains("scheme must be http or https"), "{e}");
}

#[tokio::test]
async fn secrets_never_appear_in_errors_or_debug() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = secret_file(&dir, "token", TOKEN);
    let pw_file = secret_file(&dir, "pw", PASSWORD);
    let with_token = |url: String| SourceSpec {
        name: "p".into(),
        url,
        bearer_token_file: Some(token_file.clone()),
        headers: [("X-Api-Key".to_string(), PASSWORD.to_string())].into(),
        timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let with_basic = |url: String| SourceSpec {
        name: "p".into(),
        url,
        basic_auth: Some(BasicAuth {
            username: "ops".into(),
            password_env: None,
            password_file: Some(pw_file.clone()),
        }),
        timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let refused = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    // Servers that echo the Authorization header back in their error body.
    let (echo_text, _) = server(401, "unauthorized: {SECRET}").await;
    let (echo_json, _) =
        server(400, r#"{"status":"error","errorType":"bad_data","error":"bad auth {SECRET}"}"#).await;
    let (echo_am, _) = server(422, r#"{"code":1,"message":"who is {SECRET}"}"#).await;
    let mut texts = Vec::new();
    for make in [&with_token as &dyn Fn(String) -> SourceSpec, &with_basic] {
        for (kind, url) in [
            (SourceKind::Prometheus, format!("http://{refused}")),
            (SourceKind::Prometheus, format!("http://{echo_text}")),
            (SourceKind::Prometheus, format!("http://{echo_json}")),
            (SourceKind::Scrape, format!("http://{echo_text}/metrics")),
            (SourceKind::Alertmanager, format!("http://{echo_am}")),
            (SourceKind::Statuspage, format!("http://{echo_text}/api/v2/summary.json")),
            (SourceKind::Prometheus, "http://ops:inline-url-secret@opsdeck-test-host.invalid:1".into()),
        ] {
            let spec = make(url);
            let plan = SourcePlan { kind, ..prom_plan(spec.clone()) };
            let o = poll_once(&plan, Utc::now()).await;
            texts.push(format!("{o:?}"));
            if let Err(e) = &o.result {
                texts.push(e.to_string());
            }
            texts.push(format!("{plan:?}"));
            texts.push(format!("{:?}", HttpClient::new(&spec, &Defaults::default())));
            let client = opsdeck::sources::SourceClient::new(kind, &spec, &Defaults::default());
            texts.push(format!("{client:?}"));
        }
    }
    assert!(texts.iter().any(|t| t.contains("HTTP 401")), "the echoing servers were reached");
    assert!(
        texts.iter().any(|t| t.contains("bad auth Bearer ***")),
        "an echoed secret is replaced: {texts:#?}"
    );
    for t in &texts {
        for secret in [TOKEN, PASSWORD, "inline-url-secret", "b3BzOnB3LThkMmI0NC1odW50ZXIy"] {
            assert!(!t.contains(secret), "secret {secret} leaked in: {t}");
        }
    }
}

// ---- TLS ---------------------------------------------------------------------------------

struct TlsServer {
    child: Child,
    port: u16,
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `openssl s_server` with a leaf certificate for 127.0.0.1 signed by a throwaway CA.
fn tls_server() -> Option<TlsServer> {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("skipping TLS test: openssl not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=opsdeck test CA",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            "leaf.pem",
            "-key",
            "leaf.key",
            "-www",
            "-quiet",
        ])
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = TlsServer { child, port, ca: d.join("ca.pem"), _dir: dir };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("openssl s_server did not start");
}

#[tokio::test]
async fn unknown_ca_names_the_ca_file_option_and_ca_file_fixes_it() {
    let Some(srv) = tls_server() else { return };
    let url = format!("https://127.0.0.1:{}/api/v2/summary.json", srv.port);
    let mut plan = SourcePlan {
        kind: SourceKind::Statuspage,
        spec: SourceSpec {
            name: "tls".into(),
            url,
            timeout: Some(Duration::from_secs(3)),
            ..Default::default()
        },
        defaults: Defaults::default(),
        plan: QueryPlan::default(),
    };
    let e = poll_once(&plan, Utc::now()).await.result.unwrap_err();
    assert!(matches!(e, SourceError::Tls(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "TLS: server certificate signed by an unknown authority; set ca_file to the PEM file of the CA that signed it"
    );

    // With the CA, the TLS handshake succeeds: what remains is that s_server answers HTML.
    plan.spec.ca_file = Some(srv.ca.clone());
    let e = poll_once(&plan, Utc::now()).await.result.unwrap_err();
    assert!(matches!(e, SourceError::BadJson { line: 1, column: 1, .. }), "{e:?}");

    // A ca_file that is not a certificate, or is missing, is named.
    plan.spec.ca_file = Some("/nonexistent/ca.pem".into());
    let e = poll_once(&plan, Utc::now()).await.result.unwrap_err();
    assert_eq!(e.to_string(), "ca_file /nonexistent/ca.pem: no such file");
}

/// Answers every request with `status`, extra header lines and `body`.
async fn raw_server(status: u16, headers: String, body: String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let (headers, body) = (headers.clone(), body.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let _ = sock.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn statuspage_follows_redirects() {
    let summary = include_str!("../fixtures/statuspage/synthetic-summary-all-states.json").to_string();
    let target = raw_server(200, "Content-Type: application/json\r\n".into(), summary).await;
    let moved =
        raw_server(301, format!("Location: http://{target}/api/v2/summary.json\r\n"), String::new()).await;
    let plan = SourcePlan {
        kind: SourceKind::Statuspage,
        spec: SourceSpec {
            name: "discord".into(),
            url: format!("http://{moved}/api/v2/summary.json"),
            ..Default::default()
        },
        defaults: Defaults::default(),
        plan: QueryPlan::default(),
    };
    let o = poll_once(&plan, Utc::now()).await;
    let Ok(PollData::Status(s)) = o.result else { panic!("{:?}", o.result) };
    assert_eq!((s.page_name.as_str(), s.indicator), ("Example Cloud", opsdeck::domain::Indicator::Major));
    // Rate limiting is an HTTP error like any other.
    let limited = raw_server(429, "Content-Type: text/plain\r\n".into(), "Too Many Requests".into()).await;
    let plan = SourcePlan {
        spec: SourceSpec { url: format!("http://{limited}/api/v2/summary.json"), ..plan.spec },
        ..plan
    };
    assert_eq!(
        poll_once(&plan, Utc::now()).await.result.unwrap_err().to_string(),
        "HTTP 429: Too Many Requests"
    );
}

#[tokio::test]
async fn scrape_chooses_the_parser_by_content_type() {
    // OpenMetrics: float-second timestamps and `_total` samples under a TYPE without suffix.
    let om = "# TYPE jobs counter\njobs_total{queue=\"a,b\"} 4 1795385782.5\njobs_created{queue=\"a,b\"} 1795385000\n# EOF\n";
    let addr = raw_server(
        200,
        "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n".into(),
        om.into(),
    )
    .await;
    let spec = SourceSpec { name: "om".into(), url: format!("http://{addr}/metrics"), ..Default::default() };
    let samples = opsdeck::sources::scrape::ScrapeClient::new(&spec, &Defaults::default())
        .unwrap()
        .fetch()
        .await
        .unwrap();
    assert_eq!(samples[0].name, "jobs_total");
    assert_eq!(samples[0].labels["queue"], "a,b");
    assert_eq!(samples[0].timestamp, Some(1795385782.5));
    // The text format: integer-millisecond timestamps.
    let text = "jobs_total{queue=\"a\"} 4 1795385782500\n";
    let addr = raw_server(200, "Content-Type: text/plain; version=0.0.4\r\n".into(), text.into()).await;
    let spec = SourceSpec { name: "txt".into(), url: format!("http://{addr}/metrics"), ..Default::default() };
    let samples = opsdeck::sources::scrape::ScrapeClient::new(&spec, &Defaults::default())
        .unwrap()
        .fetch()
        .await
        .unwrap();
    assert_eq!(samples[0].timestamp, Some(1795385782.5));
    // A broken line is reported with its position.
    let addr =
        raw_server(200, "Content-Type: text/plain; version=0.0.4\r\n".into(), "ok 1\nbad{x=\"1\" 2\n".into())
            .await;
    let spec = SourceSpec { name: "bad".into(), url: format!("http://{addr}/metrics"), ..Default::default() };
    let e = opsdeck::sources::scrape::ScrapeClient::new(&spec, &Defaults::default())
        .unwrap()
        .fetch()
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "invalid metrics text at line 2 column 11: expected `,` or `}` after a label");
}
