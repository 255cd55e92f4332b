//! A run killed with SIGKILL in the middle of a destructive step resumes honestly: the
//! completed step stays completed, the interrupted one is `unknown` and needs a new
//! confirmation before it runs again.
use crate::rbrun_support::*;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

const RUNBOOK: &str = r#"---
title: Promote replica
params:
  - name: cluster
    type: string
---
# Promote

## Check

```sh {readonly}
echo "check $CLUSTER"
```

## Promote the replica

```sh {destructive confirm=typed:cluster}
if [ -e started ]; then
  echo "second attempt"
  touch finished
else
  echo $$ > leader.pid
  touch started
  sleep 30
  touch finished
fi
```

## Announce

```sh {readonly}
echo announced
```
"#;

#[test]
fn kill_9_mid_destructive_step_then_resume() {
    let ws = Ws::new("");
    ws.write_runbook("promote", RUNBOOK);
    let mut child = ws
        .cmd(&["runbook", "run", "promote", "--param", "cluster=db-1", "--justification", "INC-9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n\ndb-1\n").unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let started = ws.rb().join("started");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !started.exists() {
        assert!(Instant::now() < deadline, "the destructive step never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The opsdeck process dies; its block keeps running in its own group, which we stop.
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::SIGKILL).unwrap();
    child.wait().unwrap();
    let leader: i32 = std::fs::read_to_string(ws.rb().join("leader.pid")).unwrap().trim().parse().unwrap();
    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(leader), nix::sys::signal::SIGKILL);
    let first: Vec<String> = rx.try_iter().collect();
    let run_id = run_id_of(&first.join("\n"));
    assert!(!ws.rb().join("finished").exists());

    // The journal says the block started (written before the action) with no outcome.
    let journal = &ws.journals()[0];
    let recs = ws.records(journal);
    let last = recs.last().unwrap();
    assert_eq!(last["event"], "block_started");
    assert_eq!(last["step"], 1);
    assert_eq!(last["confirmation"], "db-1");

    // Resume: decline first (nothing runs, the step stays unknown), then confirm with
    // the typed value: it runs and the run completes.
    let out = ws.run(&["runbook", "resume", &run_id], "\n\n\ndb-1\n\n");
    assert!(out.stdout.contains("step 1 Check: ok"), "{out:?}");
    assert!(out.stdout.contains("step 2 Promote the replica: unknown"), "{out:?}");
    assert!(out.stdout.contains("UNKNOWN"), "{out:?}");
    assert!(out.stdout.contains("STARTED BEFORE WITH NO RECORDED OUTCOME"), "{out:?}");
    assert!(!out.stdout.contains("check db-1"), "the completed step is not re-run: {out:?}");
    let declined = out.stdout.find("not confirmed (default No)").expect("declined first");
    let second = out.stdout.find("  | second attempt").expect("ran after confirmation");
    assert!(declined < second, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("  | announced"), "{out:?}");
    assert!(out.stdout.contains("run finished: completed"), "{out:?}");
    assert!(ws.rb().join("finished").exists());

    // The whole story is in one intact chain; a finished run cannot be resumed.
    let v = ws.cmd(&["audit", "verify", journal.to_str().unwrap()]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stdout));
    let recs = ws.records(journal);
    assert_eq!(recs.iter().filter(|r| r["event"] == "run_resumed").count(), 1);
    assert_eq!(recs.iter().filter(|r| r["event"] == "block_declined").count(), 1);
    let out = ws.run(&["runbook", "resume", &run_id], "");
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("already finished"), "{out:?}");

    let r = ws.cmd(&["runbook", "report", &run_id]).output().unwrap();
    let md = String::from_utf8_lossy(&r.stdout);
    assert!(md.contains("| Outcome | completed"), "{md}");
    assert!(md.contains("declined by"), "{md}");
}

#[test]
fn resume_refuses_a_changed_runbook() {
    let ws = Ws::new("");
    let p = ws.write_runbook("promote", RUNBOOK);
    // Stop at the first prompt after the check (EOF aborts... so we kill it instead by
    // giving no input to the confirmation and reading the run id).
    let out =
        ws.run(&["runbook", "run", "promote", "--param", "cluster=db-1", "--justification", "INC-9"], "\n");
    let id = out.run_id();
    // An aborted run is finished; craft an unfinished one by truncating after run_started.
    let journal = ws.journals()[0].clone();
    let text = std::fs::read_to_string(&journal).unwrap();
    let first_line: String = text.lines().next().unwrap().to_string() + "\n";
    std::fs::write(&journal, first_line).unwrap();
    std::fs::write(&p, RUNBOOK.replace("echo announced", "echo changed")).unwrap();
    let out = ws.run(&["runbook", "resume", &id], "");
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("changed since the run started"), "{out:?}");
}

#[test]
fn a_live_run_cannot_be_resumed_twice() {
    let ws = Ws::new("");
    ws.write_runbook("promote", RUNBOOK);
    let mut child = ws
        .cmd(&["runbook", "run", "promote", "--param", "cluster=db-1", "--justification", "INC-9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let first = lines.next().unwrap();
    let run_id = run_id_of(&first);
    // Wait for the first prompt: the run is alive and holds its journal.
    for l in lines.by_ref() {
        if l.starts_with("? ") {
            break;
        }
    }
    let out = ws.run(&["runbook", "resume", &run_id], "");
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("in use by another opsdeck process"), "{out:?}");
    drop(stdin);
    child.wait().unwrap();
}
