//! Secrets (issue 8): a bearer token from a file, a bearer token from an environment
//! variable, a basic-auth password (environment and file) and a secret header value are
//! planted in a config whose sources point at a local server that records every request.
//! Each secret reaches the server (auth works), and none appears in anything opsdeck prints
//! or stores: `snapshot --json` (stdout and stderr), `check`, a config error on the secret's
//! own line, `runbook run` output, its journal, the state directory, and every byte the
//! screen draws in a pseudo-terminal.
//!
//! Errors and Debug output of the data layer are covered by `sources_http.rs`
//! (`secrets_never_appear_in_errors_or_debug`); this file covers the binary's outputs.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use crate::reliability_support::*;

const TOKEN_FILE: &str = "tokfile-5f1c0a9e7d3b";
const TOKEN_ENV: &str = "tokenv-9b2e4c71aa0f";
const PASSWORD: &str = "passwd-c3d94e1f02ab";
const PASSWORD_FILE: &str = "pwfile-e8b17c40d95a";
const HEADER: &str = "hdrval-7a61b0c5e844";

fn b64(s: &str) -> String {
    // Standard base64 without a crate: what a Basic header carries.
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, x)| acc | (*x as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every form a secret could leak in: raw and inside a Basic header.
fn secrets() -> Vec<String> {
    let mut v: Vec<String> =
        [TOKEN_FILE, TOKEN_ENV, PASSWORD, PASSWORD_FILE, HEADER].map(String::from).into();
    v.push(b64(&format!("ops:{PASSWORD}")));
    v.push(b64(&format!("ops:{PASSWORD_FILE}")));
    v
}

fn assert_clean(what: &str, text: &str) {
    for s in secrets() {
        assert!(!text.contains(&s), "secret {s} leaked in {what}:\n{text}");
    }
}

/// A server answering each API with a real fixture.
async fn recording_server() -> (String, Seen) {
    let (addr, seen) = serve(Arc::new(|req: &str| {
        let path = req.split_whitespace().nth(1).unwrap_or("");
        if path.starts_with("/api/v1/query_range") {
            http(
                200,
                "application/json",
                include_str!("../fixtures/prometheus/api/query-matrix-range-selector.json"),
            )
        } else if path.starts_with("/api/v1/query") {
            http(200, "application/json", include_str!("../fixtures/prometheus/api/query-vector.json"))
        } else if path.starts_with("/api/v2/alerts") {
            http(200, "application/json", include_str!("../fixtures/alertmanager/alerts.json"))
        } else if path.starts_with("/api/v2/summary.json") {
            http(
                200,
                "application/json",
                include_str!("../fixtures/statuspage/github-summary-2022-11-25-incident.json"),
            )
        } else {
            http(404, "text/plain", "not found")
        }
    }))
    .await;
    (format!("http://{addr}"), seen)
}

/// A server that refuses everyone and echoes back the credentials it was sent, in the body
/// and in a JSON error: the worst case for error messages.
async fn echo_server() -> String {
    let (addr, _) = serve(Arc::new(|req: &str| {
        let creds: Vec<&str> = req
            .lines()
            .filter(|l| {
                let l = l.to_ascii_lowercase();
                l.starts_with("authorization:") || l.starts_with("x-api-key:")
            })
            .collect();
        let joined = creds.join(" ").replace('"', "'");
        if req.contains("/api/v1/") {
            http(
                401,
                "application/json",
                &format!(
                    r#"{{"status":"error","errorType":"unauthorized","error":"bad credentials {joined}"}}"#
                ),
            )
        } else {
            http(401, "text/plain", &format!("unauthorized: {joined}"))
        }
    }))
    .await;
    format!("http://{addr}")
}

fn config(rec: &str, echo: &str, token_file: &Path, pw_file: &Path, rb_dir: &Path) -> String {
    format!(
        r#"environment = "secrets-test"

[[prometheus]]
name = "prom-token-file"
url = "{rec}"
bearer_token_file = "{tf}"

[[prometheus]]
name = "prom-basic-env"
url = "{rec}"
basic_auth = {{ username = "ops", password_env = "RELIAB_PASSWORD" }}

[[alertmanager]]
name = "am-token-env"
url = "{rec}"
bearer_token_env = "RELIAB_TOKEN"

[[statuspage]]
name = "status-header"
url = "{rec}/api/v2/summary.json"
headers = {{ "X-Api-Key" = "{HEADER}" }}

[[prometheus]]
name = "echo-prom"
url = "{echo}"
bearer_token_env = "RELIAB_TOKEN"
headers = {{ "X-Api-Key" = "{HEADER}" }}

[[alertmanager]]
name = "echo-am"
url = "{echo}"
basic_auth = {{ username = "ops", password_file = "{pf}" }}

[[community]]
name = "Requests"
query = 'sum(obs_test_requests_total)'
source = "prom-token-file"

[runbooks]
dirs = ["{rb}"]
"#,
        tf = token_file.display(),
        pf = pw_file.display(),
        rb = rb_dir.display(),
    )
}

fn opsdeck(args: &[&str], cfg: &Path, state: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    c.args(args)
        .env("OPSDECK_CONFIG", cfg)
        .env("OPSDECK_STATE_DIR", state)
        .env("RELIAB_TOKEN", TOKEN_ENV)
        .env("RELIAB_PASSWORD", PASSWORD)
        .env_remove("OPSDECK_SIM_URL")
        .stdin(Stdio::null());
    c
}

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Every file under `dir`, as text.
fn all_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else if let Ok(b) = std::fs::read(&p) {
            out.push((p.display().to_string(), String::from_utf8_lossy(&b).to_string()));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_secrets_reach_the_server_and_nothing_else() {
    let (rec, seen) = recording_server().await;
    let echo = echo_server().await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN_FILE}\n")).unwrap();
    let pw_file = dir.path().join("password");
    std::fs::write(&pw_file, PASSWORD_FILE).unwrap();
    let rb = dir.path().join("rb");
    std::fs::create_dir(&rb).unwrap();
    std::fs::write(
        rb.join("check.md"),
        "# Check\n\n## Look\n\n```sh {readonly}\necho looking\n```\n\n```promql {verify for=0s timeout=5s}\nobs_test_requests_total\n```\n",
    )
    .unwrap();
    let cfg = dir.path().join("opsdeck.toml");
    std::fs::write(&cfg, config(&rec, &echo, &token_file, &pw_file, &rb)).unwrap();
    let state = dir.path().join("state");

    // snapshot --json: the good sources are fresh, the echoing ones fail without the secret.
    let out = tokio::task::spawn_blocking({
        let (cfg, state) = (cfg.clone(), state.clone());
        move || opsdeck(&["snapshot", "--json"], &cfg, &state).output().unwrap()
    })
    .await
    .unwrap();
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "echoing sources fail: {t}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {t}"));
    let status = |name: &str| {
        json["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {t}"))
            .clone()
    };
    for name in ["prom-token-file", "prom-basic-env", "am-token-env", "status-header"] {
        assert_eq!(status(name)["status"], "fresh", "{name}: {t}");
    }
    for name in ["echo-prom", "echo-am"] {
        assert_eq!(status(name)["status"], "failing", "{name}: {t}");
        assert!(status(name)["reason"].as_str().unwrap().contains("401"), "{t}");
    }
    assert_clean("snapshot --json", &t);

    // The secrets did reach the server: auth works.
    let reqs = seen.lock().unwrap().join("\n---\n").to_ascii_lowercase();
    assert!(reqs.contains(&format!("authorization: bearer {TOKEN_FILE}")), "{reqs}");
    assert!(reqs.contains(&format!("authorization: bearer {TOKEN_ENV}")), "{reqs}");
    assert!(
        reqs.contains(&format!(
            "authorization: basic {}",
            b64(&format!("ops:{PASSWORD}")).to_ascii_lowercase()
        ))
    );
    assert!(reqs.contains(&format!("x-api-key: {HEADER}")), "{reqs}");

    // check: valid config, nothing printed about secrets.
    let out = opsdeck(&["check"], &cfg, &state).output().unwrap();
    assert_clean("check", &text(&out));

    // runbook run: the verify block polls the token-protected Prometheus; neither the
    // output, the journal nor anything in the state directory holds a secret.
    let before = seen.lock().unwrap().len();
    let mut c = opsdeck(&["runbook", "run", "check"], &cfg, &state);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || {
        let mut child = c.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"\n\na\n").unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let t = text(&out);
    assert!(t.contains("verify: passed"), "the verify block ran against the recording server: {t}");
    assert!(seen.lock().unwrap().len() > before, "the verify query reached the server");
    assert_clean("runbook run", &t);
    let files = all_files(&state);
    assert!(files.iter().any(|(p, _)| p.contains("runs")), "a journal was written: {files:?}");
    for (path, content) in files {
        assert_clean(&path, &content);
    }

    // The screen, in a pseudo-terminal, for a few polls: every byte it drew is clean, and
    // it did draw the sources (the echoing ones with their 401).
    let mut screen = opsdeck(&[], &cfg, &state);
    screen.env_remove("NO_COLOR");
    let (bytes, status) =
        tokio::task::spawn_blocking(move || run_in_pty(screen, 200, 60, std::time::Duration::from_secs(4)))
            .await
            .unwrap();
    let drawn = String::from_utf8_lossy(&bytes).to_string();
    assert!(status.is_some_and(|s| s.success()), "q ends the screen cleanly: {status:?}");
    assert!(
        drawn.contains("echo-prom") && drawn.contains("401"),
        "the screen showed the failing sources and their reason"
    );
    assert_clean("the screen", &drawn);
}

/// A config error on the very line that holds a secret header value: the message names
/// file, line and column, and does not quote the secret.
#[test]
fn config_error_on_a_secret_line_does_not_quote_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("opsdeck.toml");
    for bad in [
        // Unknown key next to the secret.
        format!(
            "[[prometheus]]\nname = \"p\"\nurl = \"http://127.0.0.1:1\"\nheaders = {{ \"X-Api-Key\" = \"{HEADER}\" }}\nbearer_token = \"{TOKEN_FILE}\"\n"
        ),
        // Broken TOML on the secret's line.
        format!(
            "[[prometheus]]\nname = \"p\"\nurl = \"http://127.0.0.1:1\"\nheaders = {{ \"X-Api-Key\" = \"{HEADER}\" \n"
        ),
        // A header value that is not a valid HTTP header value (a newline in it).
        format!(
            "[[prometheus]]\nname = \"p\"\nurl = \"http://127.0.0.1:1\"\nheaders = {{ \"X-Api-Key\" = \"{HEADER}\\nX-Evil: 1\" }}\n"
        ),
    ] {
        std::fs::write(&cfg, &bad).unwrap();
        for args in [&["check"][..], &["snapshot", "--json"][..]] {
            let out = opsdeck(args, &cfg, &dir.path().join("state")).output().unwrap();
            let t = text(&out);
            assert_ne!(out.status.code(), Some(0), "{args:?} {bad}: {t}");
            assert_clean(&format!("{args:?} on {bad}"), &t);
        }
    }
}
