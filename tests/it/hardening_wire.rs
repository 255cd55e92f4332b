//! Issue 17, over the wire (the real binary, loopback servers): secrets echoed back in a
//! 2xx answer never reach `snapshot --json`, error labels carry the real status, and
//! configured headers never follow a redirect to another origin.
use std::process::Command;
use std::sync::Arc;

use crate::reliability_support::*;

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");
const TOKEN: &str = "tok-17-a1b2c3d4e5";
const SCRAPE_TOKEN: &str = "scrapetok-17-9f8e7d";
const XSECRET: &str = "xsec-17-0a9b8c7d";
const PASSWORD: &str = "pw-17-55aa66bb";
const URLPASS: &str = "urlpw-17-c0ffee";

fn b64(s: &str) -> String {
    opsdeck::util::scrub::base64(s.as_bytes())
}

/// Every form a planted secret could leak in.
fn forms() -> Vec<String> {
    let mut v: Vec<String> = [TOKEN, SCRAPE_TOKEN, XSECRET, PASSWORD, URLPASS].map(String::from).into();
    v.push(b64(&format!("ops:{PASSWORD}")));
    v.push(b64(&format!("u:{URLPASS}")));
    v
}

/// The request's header values (authorization, x-secret), as an echoing server returns them.
fn creds(req: &str) -> String {
    req.lines()
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            l.starts_with("authorization:") || l.starts_with("x-secret:") || l.starts_with("x-scope-orgid:")
        })
        .map(|l| l.split_once(':').map(|(_, v)| v.trim()).unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A server that answers 200 and echoes the credentials it got: in a Prometheus error
/// envelope, in Alertmanager labels, and in an unparsable exposition line.
async fn echo_200() -> String {
    let (addr, _) = serve(Arc::new(|req: &str| {
        let c = creds(req).replace(['"', '\\'], "'");
        let path = req.split_whitespace().nth(1).unwrap_or("");
        if path.contains("/api/v1/") {
            http(
                200,
                "application/json",
                &format!(r#"{{"status":"error","errorType":"bad_data","error":"echo {c}"}}"#),
            )
        } else if path.contains("/api/v2/alerts") {
            let alert = serde_json::json!([{
                "annotations": {"summary": format!("headers were {c}")},
                "endsAt": "2030-11-23T01:21:50.507Z", "fingerprint": "58b5a90f31e111e0",
                "receivers": [{"name": "x"}], "startsAt": "2026-11-23T01:16:50.507Z",
                "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
                "updatedAt": "2026-11-23T01:16:50.507Z", "generatorURL": "",
                "labels": {"alertname": "Echo", "severity": "warning", "headers": c}
            }]);
            http(200, "application/json", &alert.to_string())
        } else if path.contains("/metrics") {
            http(200, "text/plain; version=0.0.4", &format!("up{{h=\"{c}\"}} not-a-number {c}\n"))
        } else {
            http(404, "text/plain", "no")
        }
    }))
    .await;
    format!("http://{addr}")
}

fn write_config(dir: &std::path::Path, body: &str) -> std::path::PathBuf {
    let p = dir.join("cfg.toml");
    std::fs::write(&p, body).unwrap();
    p
}

fn snapshot(dir: &std::path::Path, cfg: &std::path::Path) -> (Option<i32>, String, String) {
    let o = Command::new(BIN)
        .args(["snapshot", "--json", "--config"])
        .arg(cfg)
        .env("OPSDECK_STATE_DIR", dir.join("state"))
        .env("HOME", dir)
        .env("PROM_PW_17", PASSWORD)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_echoed_in_a_2xx_body_are_scrubbed_and_the_status_is_the_real_one() {
    let url = echo_200().await;
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("prom.token");
    std::fs::write(&tf, format!("{TOKEN}\n")).unwrap();
    let sf = dir.path().join("scrape.token");
    std::fs::write(&sf, SCRAPE_TOKEN).unwrap();
    let userinfo_url = url.replace("http://", &format!("http://u:{URLPASS}@"));
    let cfg = write_config(
        dir.path(),
        &format!(
            r#"
[[prometheus]]
name = "prom-bearer"
url = "{url}"
bearer_token_file = "{tf}"
headers = {{ "X-Secret" = "{XSECRET}", "X-Scope-OrgID" = "tenant-a" }}

[[prometheus]]
name = "prom-userinfo"
url = "{userinfo_url}"

[[scrape]]
name = "scrape-token"
url = "{url}/metrics"
bearer_token_file = "{sf}"

[[alertmanager]]
name = "am-basic"
url = "{url}"
basic_auth = {{ username = "ops", password_env = "PROM_PW_17" }}
headers = {{ "X-Secret" = "{XSECRET}" }}
"#,
            tf = tf.display(),
            sf = sf.display()
        ),
    );
    let (code, out, err) = snapshot(dir.path(), &cfg);
    for f in forms() {
        assert!(!out.contains(&f), "{f} leaked in snapshot stdout:\n{out}");
        assert!(!err.contains(&f), "{f} leaked in snapshot stderr:\n{err}");
    }
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let reason = |name: &str| {
        v["sources"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["reason"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    // The envelope came with a 200: the label says so, and the echo is masked.
    let r = reason("prom-bearer");
    assert!(r.starts_with("HTTP 200: bad_data: echo"), "{r}");
    assert!(r.contains("***"), "{r}");
    assert!(r.contains("tenant-a"), "a header not named like a secret is kept: {r}");
    assert!(reason("prom-userinfo").contains("***"), "{}", reason("prom-userinfo"));
    // The alert's labels held the headers: masked.
    let alerts = v["alerts"].to_string();
    assert!(alerts.contains("Echo") && alerts.contains("***"), "{alerts}");
    assert_eq!(code, Some(1), "failing sources: exit 1");
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_never_follow_a_redirect_to_another_origin() {
    let (other, seen_other) = serve(Arc::new(|_req: &str| {
        http(200, "application/json", r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
    }))
    .await;
    let target = format!("http://{other}/api/v1/query");
    let t2 = target.clone();
    let (addr, seen_here) = serve(Arc::new(move |req: &str| {
        let path = req.split_whitespace().nth(1).unwrap_or("");
        if path.starts_with("/same/") {
            http(200, "application/json", r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
        } else if req.contains("x-follow-same") || req.contains("X-Follow-Same") {
            Reply::Raw(
                format!("HTTP/1.1 302 Found\r\nLocation: /same{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .into_bytes(),
            )
        } else {
            Reply::Raw(
                format!("HTTP/1.1 302 Found\r\nLocation: {t2}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .into_bytes(),
            )
        }
    }))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &format!(
            r#"
[[prometheus]]
name = "redirects-away"
url = "http://{addr}"
headers = {{ "X-Secret" = "{XSECRET}", "X-Scope-OrgID" = "tenant-a" }}

[[prometheus]]
name = "redirects-home"
url = "http://{addr}"
headers = {{ "X-Follow-Same" = "1", "X-Secret" = "{XSECRET}" }}
"#
        ),
    );
    let (_, out, err) = snapshot(dir.path(), &cfg);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let src = |n: &str| v["sources"].as_array().unwrap().iter().find(|s| s["name"] == n).unwrap().clone();
    let away = src("redirects-away");
    assert_eq!(away["status"], "failing", "{away}");
    assert_eq!(
        away["reason"].as_str().unwrap(),
        format!("redirected to another origin ({target})"),
        "{away}"
    );
    assert!(seen_other.lock().unwrap().is_empty(), "nothing reaches the other origin");
    // A redirect within the origin is followed.
    assert_eq!(src("redirects-home")["status"], "fresh", "{}", src("redirects-home"));
    assert!(seen_here.lock().unwrap().iter().any(|r| r.contains("/same/")));
}

/// A CA and a server certificate with the given extensions, signed by it.
fn cert_with(
    dir: &std::path::Path,
    name: &str,
    ext: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let f = |s: &str| dir.join(format!("{name}-{s}"));
    std::fs::write(f("ext.cnf"), ext).unwrap();
    let sh = format!(
        "set -e; cd {d}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '/CN=ca {name}' -keyout {name}-ca.key -out {name}-ca.pem 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=srv' -keyout {name}-srv.key -out {name}-srv.csr 2>/dev/null
openssl x509 -req -in {name}-srv.csr -CA {name}-ca.pem -CAkey {name}-ca.key -CAcreateserial -days 2 -extfile {name}-ext.cnf -out {name}-srv.pem 2>/dev/null",
        d = dir.display()
    );
    let o = Command::new("sh").arg("-c").arg(sh).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (f("ca.pem"), f("srv.pem"), f("srv.key"))
}

#[test]
fn tls_failures_with_a_ca_file_name_their_real_cause() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("www");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(
        root.join("summary.json"),
        include_str!("../fixtures/statuspage/github-summary-2022-11-25-incident.json"),
    )
    .unwrap();
    let cases = [
        ("name", "subjectAltName=DNS:other.example\nbasicConstraints=CA:FALSE\n", "hostname mismatch"),
        (
            "purpose",
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
            "not valid for server use",
        ),
    ];
    for (name, ext, want) in cases {
        let (ca, cert, key) = cert_with(dir.path(), name, ext);
        let server = TlsServer::start(&root, &cert, &key);
        let cfg = write_config(
            dir.path(),
            &format!(
                "[[statuspage]]\nname = \"tls\"\nurl = \"https://127.0.0.1:{}/summary.json\"\nca_file = \"{}\"\n",
                server.port,
                ca.display()
            ),
        );
        let (_, out, err) = snapshot(dir.path(), &cfg);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
        let reason = v["sources"][0]["reason"].as_str().unwrap_or("").to_string();
        assert!(reason.contains(want), "{name}: {reason}");
        assert!(!reason.contains("not the CA in ca_file"), "{name}: the CA is right: {reason}");
    }
}
