//! Parameters reach commands only as environment variables: shell metacharacters in a
//! value stay inert text, through the real binary and through the executor directly.
use crate::rbrun_support::*;

use opsdeck::runbook::exec::{self, ExecSpec};

const RUNBOOK: &str = r#"---
title: Echo a target
params:
  - name: target
    type: string
---
# Echo

## Echo it

```sh {readonly}
printf 'SEEN<%s>\n' "$TARGET"
```
"#;

#[test]
fn hostile_parameter_values_stay_inert() {
    let ws = Ws::new("");
    ws.write_runbook("echo", RUNBOOK);
    let pwned = ws.path().join("pwned");
    let marker = ws.path().join("marker");
    let values = [
        format!("x\"; touch {}; \"", pwned.display()),
        format!("$(touch {})", marker.display()),
        format!("`touch {}`", marker.display()),
        format!("x'; touch {}; '", pwned.display()),
        format!("a\ntouch {}", pwned.display()),
        "${PATH:?boom}".to_string(),
    ];
    for v in &values {
        let arg = format!("target={v}");
        let out = ws.run(&["runbook", "run", "echo", "--param", &arg], "\n");
        assert_eq!(out.code, Some(0), "{out:?}");
        assert!(!pwned.exists(), "value {v:?} executed: {out:?}");
        assert!(!marker.exists(), "value {v:?} executed: {out:?}");
        // The script saw the value verbatim (the journal keeps the block's output).
        let j = ws.journals().into_iter().find(|p| p.to_string_lossy().contains(&out.run_id())).unwrap();
        let recs = ws.records(&j);
        let fin = recs.iter().find(|r| r["event"] == "block_finished").unwrap();
        assert_eq!(fin["output"].as_str().unwrap(), format!("SEEN<{v}>\n"));
        assert_eq!(recs[0]["params"]["target"].as_str().unwrap(), v);
    }
}

#[tokio::test]
async fn executor_passes_values_only_through_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let pwned = dir.path().join("pwned");
    let value = format!("x\"; touch {}; \"$(touch {})", pwned.display(), pwned.display());
    let spec = ExecSpec {
        script: "printf '%s' \"$TARGET\"\n".into(),
        env: vec![("TARGET".into(), value.clone())],
        cwd: dir.path().to_path_buf(),
        timeout: None,
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let (_h, task) = exec::spawn(spec, tx);
    let r = task.await.unwrap();
    assert!(r.success(), "{r:?}");
    assert_eq!(r.output, format!("{value}\n"));
    assert!(!pwned.exists());
}

#[tokio::test]
async fn bash_runs_strict_in_its_own_group_and_dir() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ExecSpec {
        // -u: an unset variable fails; pipefail: a failing pipe stage fails.
        script:
            "echo \"pgid=$(ps -o pgid= $$ | tr -d ' ') pid=$$ pwd=$PWD\"\nfalse | true\necho unreachable\n"
                .into(),
        env: vec![],
        cwd: dir.path().to_path_buf(),
        timeout: None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (_h, task) = exec::spawn(spec, tx);
    let r = task.await.unwrap();
    assert_eq!(r.exit_code, Some(1), "pipefail: {r:?}");
    assert!(!r.output.contains("unreachable"));
    let first = rx.recv().await.unwrap().text;
    let pgid = first.split_whitespace().next().unwrap().trim_start_matches("pgid=");
    let pid = first.split_whitespace().nth(1).unwrap().trim_start_matches("pid=");
    assert_eq!(pgid, pid, "the block leads its own process group: {first}");
    assert_ne!(pgid, std::process::id().to_string());
    let canon = std::fs::canonicalize(dir.path()).unwrap();
    assert!(
        first.ends_with(&format!("pwd={}", canon.display()))
            || first.ends_with(&format!("pwd={}", dir.path().display())),
        "{first}"
    );

    let spec = ExecSpec {
        script: "echo $UNSET_VARIABLE_XYZ\n".into(),
        env: vec![],
        cwd: dir.path().to_path_buf(),
        timeout: None,
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let r = exec::spawn(spec, tx).1.await.unwrap();
    assert_ne!(r.exit_code, Some(0), "-u: {r:?}");
}

#[tokio::test]
async fn timeout_and_interrupt_kill_the_whole_group() {
    let dir = tempfile::tempdir().unwrap();
    // A background child in the same group must die too.
    let spec = ExecSpec {
        script: "sleep 30 & echo $! > child.pid\nsleep 30\n".into(),
        env: vec![],
        cwd: dir.path().to_path_buf(),
        timeout: Some(std::time::Duration::from_millis(500)),
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let started = std::time::Instant::now();
    let r = exec::spawn(spec, tx).1.await.unwrap();
    assert!(r.timed_out, "{r:?}");
    assert!(!r.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let child: i32 = std::fs::read_to_string(dir.path().join("child.pid")).unwrap().trim().parse().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!alive(child), "background child {child} survived the timeout");

    let spec = ExecSpec {
        script: "echo started\nsleep 30\n".into(),
        env: vec![],
        cwd: dir.path().to_path_buf(),
        timeout: None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (h, task) = exec::spawn(spec, tx);
    assert_eq!(rx.recv().await.unwrap().text, "started");
    h.interrupt();
    let r = task.await.unwrap();
    assert!(r.interrupted && !r.success(), "{r:?}");
}

fn alive(pid: i32) -> bool {
    // A zombie is not alive for our purpose; read its state.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => !s.split(") ").nth(1).is_some_and(|rest| rest.starts_with('Z')),
        Err(_) => false,
    }
}
