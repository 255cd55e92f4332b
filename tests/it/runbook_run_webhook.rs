//! The events webhook against a local receiver: start, each destructive step and the
//! finish are announced as Slack-compatible JSON; a dead or hanging webhook never blocks.
use crate::rbrun_support::*;

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Accepts HTTP requests and sends each JSON body on the channel.
async fn receiver() -> (String, tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (mut s, _) = l.accept().await.unwrap();
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = s.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(h) = text.find("\r\n\r\n") {
                        let len: usize = text[..h]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap())
                            })
                            .unwrap_or(0);
                        if buf.len() >= h + 4 + len {
                            assert!(text.starts_with("POST /hook"), "{text}");
                            let body: serde_json::Value =
                                serde_json::from_slice(&buf[h + 4..h + 4 + len]).unwrap();
                            let _ = tx.send(body);
                            let _ = s
                                .write_all(
                                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                                )
                                .await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, rx)
}

async fn run_blocking(ws: &Ws, args: &[&str], stdin: &str) -> Out {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let cmd = {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        ws.cmd(&a)
    };
    let stdin = stdin.to_string();
    let ws_path = ws.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let _ = ws_path;
        let mut c = cmd;
        let mut child = c
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        Out {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn start_destructive_steps_and_finish_are_announced() {
    let (url, mut rx) = receiver().await;
    let ws = Ws::with_webhook(&url);
    ws.write_runbook("traffic-drain", &drain_runbook("confirm=typed:cluster"));
    let out = run_blocking(
        &ws,
        &["runbook", "run", "traffic-drain", "--param", "cluster=eu-1"],
        "SRE-101\n\n\neu-1\n",
    )
    .await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let mut texts = Vec::new();
    while texts.len() < 3 {
        let v =
            tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("3 announcements").unwrap();
        texts.push(v["text"].as_str().unwrap().to_string());
    }
    let user =
        String::from_utf8(std::process::Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    let user = user.trim();
    assert!(texts[0].starts_with(&format!("traffic-drain started by {user} at ")), "{texts:?}");
    assert!(texts[0].ends_with("Z, SRE-101"), "{texts:?}");
    let step = &texts[1];
    assert!(step.starts_with(&format!("traffic-drain step 2 (destructive) by {user} at ")), "{texts:?}");
    assert!(step.contains("Z, SRE-101"), "{texts:?}");
    assert!(texts[2].starts_with("traffic-drain finished (completed)"), "{texts:?}");
    // Read-only steps are not announced.
    assert!(tokio::time::timeout(Duration::from_millis(300), rx.recv()).await.is_err());
}

#[tokio::test]
async fn a_failing_webhook_warns_and_never_blocks() {
    // Refused: nothing listens on this port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ws = Ws::with_webhook(&format!("http://127.0.0.1:{port}/hook"));
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let out =
        run_blocking(&ws, &["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-1\n\n\nyes\n").await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(ws.rb().join("marker-eu-1").exists());
    assert!(out.stdout.contains("warning: webhook"), "{out:?}");

    // Hanging: accepts and never answers. The run still goes at its own pace.
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (s, _) = l.accept().await.unwrap();
            held.push(s);
        }
    });
    let ws = Ws::with_webhook(&url);
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let t = Instant::now();
    let out =
        run_blocking(&ws, &["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-1\n\n\nyes\n").await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(ws.rb().join("marker-eu-1").exists());
    // Steps do not wait for the webhook; only the exit waits a bounded moment for it.
    assert!(t.elapsed() < Duration::from_secs(10), "took {:?}", t.elapsed());
    assert!(out.stdout.contains("timed out"), "{out:?}");
}
