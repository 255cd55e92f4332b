//! Terminal and process faults for a runbook run (issue 8): SIGHUP (the SSH link drops)
//! and SIGTERM while a step runs. What is expected (DESIGN.md section 4 and 7: "SIGTERM
//! and SIGHUP restore the terminal and flush the journal"; "a run survives the terminal
//! going away: `runbook resume` continues it"):
//! - opsdeck ends promptly;
//! - the step's process group does not run on unattended (no orphan keeps acting);
//! - the journal is intact, verifies, and its last record is about that block;
//! - `runbook resume` continues the run, never re-running the interrupted destructive
//!   block without a new confirmation.
use crate::rbrun_support::*;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const RUNBOOK: &str = r#"# Hang

## Long destructive step

```sh {destructive confirm=yes}
echo $$ > leader.pid
echo started
sleep 30
touch finished
```

## After

```sh {readonly}
echo after
```
"#;

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map(|s| !s.contains(") Z ")).unwrap_or(false)
}

pub fn signal_mid_step(sig: Signal) {
    let ws = Ws::new("");
    ws.write_runbook("hang", RUNBOOK);
    let mut child = ws
        .cmd(&["runbook", "run", "hang", "--justification", "INC-1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\nyes\n").unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let pid_file = ws.rb().join("leader.pid");
    let deadline = Instant::now() + Duration::from_secs(20);
    let leader = loop {
        if let Some(p) = std::fs::read_to_string(&pid_file).ok().and_then(|s| s.trim().parse::<i32>().ok()) {
            break p;
        }
        assert!(Instant::now() < deadline, "the step never started");
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(200));
    kill(Pid::from_raw(child.id() as i32), sig).unwrap();
    drop(stdin);

    // opsdeck ends promptly.
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "opsdeck still running 10s after {sig}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let out: Vec<String> = rx.try_iter().collect();
    // The step's group does not run on unattended.
    let t = Instant::now();
    while alive(leader) && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let orphan = alive(leader);
    let _ = nix::sys::signal::killpg(Pid::from_raw(leader), Signal::SIGKILL);
    assert!(
        !orphan,
        "{sig}: the step's process group kept running after opsdeck ended ({status:?}): {out:#?}"
    );
    assert!(!ws.rb().join("finished").exists());

    // The journal is intact and says what happened to the block.
    let journal = &ws.journals()[0];
    let v = ws.cmd(&["audit", "verify", journal.to_str().unwrap()]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stdout));
    let recs = ws.records(journal);
    assert!(
        recs.iter().any(|r| r["event"] == "block_finished" && r["step"] == 0),
        "{sig}: the interruption of the running block is journaled: {recs:#?}"
    );

    // Resume continues; the interrupted destructive block needs a new confirmation.
    let run_id = out
        .iter()
        .find_map(|l| l.strip_prefix("run ").and_then(|r| r.split(':').next()).map(str::to_string))
        .expect("run id printed");
    let out = ws.run(&["runbook", "resume", &run_id], "\n\n");
    assert!(!ws.rb().join("finished").exists(), "not re-run without a confirmation: {out:?}");
    assert!(out.stdout.contains("type yes") || out.stdout.contains("r retry"), "{out:?}");
}

#[test]

fn sighup_mid_step_stops_the_group_journals_it_and_resume_continues() {
    signal_mid_step(Signal::SIGHUP);
}

#[test]

fn sigterm_mid_step_stops_the_group_journals_it_and_resume_continues() {
    signal_mid_step(Signal::SIGTERM);
}
