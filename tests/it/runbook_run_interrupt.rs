//! Ctrl-C (SIGINT to opsdeck) interrupts the running step's process group only: opsdeck
//! survives, the step fails as interrupted and the operator chooses what next.
use crate::rbrun_support::*;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn sigint_stops_the_step_not_opsdeck() {
    let ws = Ws::new("");
    ws.write_runbook(
        "slow",
        r#"# Slow

## Wait a long time

```sh {readonly}
echo waiting
sleep 60
echo "not reached"
```

## After

```sh {readonly}
echo after
```
"#,
    );
    let mut child = ws
        .cmd(&["runbook", "run", "slow"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen.iter().any(|l: &String| l == "  | waiting") {
        assert!(Instant::now() < deadline, "{seen:?}");
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push(l);
        }
    }
    let t = Instant::now();
    // A fresh deadline: a slow start under load must not eat the time the stop may take.
    let deadline = Instant::now() + Duration::from_secs(30);
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::SIGINT).unwrap();
    // opsdeck is still there and offers the failure choices.
    while !seen.iter().any(|l| l.starts_with("? r retry")) {
        assert!(Instant::now() < deadline, "{seen:?}");
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push(l);
        }
    }
    assert!(t.elapsed() < Duration::from_secs(8), "the step stopped within the grace period");
    assert!(child.try_wait().unwrap().is_none(), "opsdeck itself must survive Ctrl-C");
    let text = seen.join("\n");
    assert!(text.contains("(interrupted)"), "{text}");
    assert!(!text.contains("not reached"), "{text}");
    stdin.write_all(b"s interrupted on purpose\n\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    let rest: Vec<String> = rx.iter().collect();
    let text = rest.join("\n");
    assert!(text.contains("skipped: interrupted on purpose"), "{text}");
    assert!(text.contains("  | after"), "{text}");
    assert_eq!(status.code(), Some(0), "{text}");
}
