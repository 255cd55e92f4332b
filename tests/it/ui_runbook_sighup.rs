//! SIGHUP and SIGTERM while the screen's runbook pane runs a block, and the terminal itself
//! going away (every copy of the pty master closed, as when an SSH link drops): the real
//! binary in a pseudo-terminal starts a destructive step that sleeps 300 s, then must stop
//! the block's process group (its end journaled), give the terminal back (when there still
//! is one) and exit on its own within a few seconds, leaving the run unfinished so that
//! `opsdeck runbook resume` continues it (the interrupted destructive block runs again
//! only after a new confirmation). DESIGN.md sections 4 and 7.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::pty_support::{Pty, assert_restored, past_key_guard, wait_for};
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

const RUNBOOK: &str = r#"---
title: Hold the lock
---
# Hold the lock

## Take it

```sh {destructive confirm=yes}
if [ -e leader.pid ]; then
  echo "second attempt"
  touch finished
else
  echo $$ > leader.pid
  echo started
  sleep 300
  touch finished
fi
```

## After

```sh {readonly}
echo after
```
"#;

/// Whether `pid` is a live (not zombie) process.
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map(|s| !s.contains(") Z ")).unwrap_or(false)
}

/// Live processes whose process group is `pgid`.
fn group_members(pgid: i32) -> Vec<i32> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else { continue };
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.len() > 2 && f[0] != "Z" && f[2].parse::<i32>() == Ok(pgid) {
            v.push(pid);
        }
    }
    v
}

/// Kills the block's group if the test fails while it still runs.
struct GroupGuard(Option<i32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(g) = self.0 {
            let _ = killpg(Pid::from_raw(g), Signal::SIGKILL);
        }
    }
}

fn private_dir(p: &Path) {
    std::fs::create_dir_all(p).unwrap();
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[derive(Debug, Clone, Copy)]
pub enum Leave {
    /// This signal to opsdeck only, as a supervisor (or `kill`) sends it.
    Signal(Signal),
    /// The terminal hangs up: the kernel sends SIGHUP to opsdeck (the session's controlling
    /// process) and the screen can no longer be drawn or restored.
    HangUp,
}

impl std::fmt::Display for Leave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Leave::Signal(s) => write!(f, "{s}"),
            Leave::HangUp => write!(f, "hang-up"),
        }
    }
}

pub fn leave_mid_step(sig: Leave) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    private_dir(root);
    let rb_dir = root.join("runbooks");
    private_dir(&rb_dir);
    let rb = rb_dir.join("hold-the-lock.md");
    std::fs::write(&rb, RUNBOOK).unwrap();
    std::fs::set_permissions(&rb, std::fs::Permissions::from_mode(0o644)).unwrap();
    let state = root.join("state");
    let config = root.join("opsdeck.toml");
    std::fs::write(&config, "environment = \"e2e\"\n").unwrap();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.arg("--config")
        .arg(&config)
        .current_dir(root)
        .env("OPSDECK_STATE_DIR", &state)
        .env_remove("OPSDECK_SIM_URL")
        .env_remove("NO_COLOR");
    let mut pty = Pty::spawn(cmd, 200, 60);
    let mut group = GroupGuard(None);
    let has = |t: &'static str| move |lines: &[String], _: &str| lines.join("\n").contains(t);
    let secs = Duration::from_secs(60); // generous: a loaded 2-core machine is slow, a pass is fast

    wait_for(&pty.out, "the runbook pane", secs, has("no active run"));
    pty.write("r");
    wait_for(&pty.out, "the picker", secs, has("Hold the lock"));
    pty.write("\r");
    wait_for(&pty.out, "the justification prompt", secs, has("justification:"));
    pty.write("SRE-7\r");
    wait_for(&pty.out, "step 1 ready", secs, has("step 1/2 Take it: ready"));
    pty.write("\r");
    wait_for(&pty.out, "the confirmation dialog", secs, has("Type yes (the whole word"));
    past_key_guard();
    pty.write("yes\r");
    wait_for(&pty.out, "the block running", secs, has("step 1/2 Take it: block 1 running"));
    let pid_file = rb_dir.join("leader.pid");
    let start = Instant::now();
    let leader = loop {
        if let Some(p) = std::fs::read_to_string(&pid_file).ok().and_then(|s| s.trim().parse::<i32>().ok()) {
            break p;
        }
        assert!(start.elapsed() < secs, "the block never wrote its PID");
        std::thread::sleep(Duration::from_millis(20));
    };
    group.0 = Some(leader);
    assert!(alive(leader));
    std::thread::sleep(Duration::from_millis(200));

    match sig {
        Leave::Signal(s) => kill(Pid::from_raw(pty.pid()), s).unwrap(),
        Leave::HangUp => pty.hang_up(),
    }
    let status = pty.wait_exit(Duration::from_secs(8), &format!("opsdeck after {sig}"));
    assert_eq!(status.code(), Some(0), "{sig}: opsdeck exits on its own, not killed nor aborted: {status:?}");
    assert!(
        !alive(leader) && group_members(leader).is_empty(),
        "{sig}: the block's process group outlived opsdeck: {:?}",
        group_members(leader)
    );
    group.0 = None;
    let raw = pty.finish();
    if let Leave::Signal(_) = sig {
        assert_restored(&raw);
        // After the screen is given back, opsdeck says how to continue.
        let after = &raw[raw.rfind("\x1b[?1049l").unwrap()..];
        assert!(after.contains("stopped and its end journaled"), "{sig}: {after:?}");
        assert!(after.contains("opsdeck runbook resume"), "{sig}: {after:?}");
    }
    assert!(!rb_dir.join("finished").exists());

    // The block's end was journaled before opsdeck left; the run is not finished.
    let journal = std::fs::read_dir(state.join("runs")).unwrap().next().unwrap().unwrap().path();
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ended = records
        .iter()
        .find(|r| r["event"] == "block_finished" && r["step"] == 0)
        .unwrap_or_else(|| panic!("{sig}: the block's end is journaled: {records:#?}"));
    let detail = ended["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("interrupted"), "{sig}: {detail}");
    assert!(!records.iter().any(|r| r["event"] == "run_finished"), "{sig}: the run stays open: {records:#?}");
    let opsdeck = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
        c.args(args)
            .env("OPSDECK_CONFIG", &config)
            .env("OPSDECK_STATE_DIR", &state)
            .env_remove("OPSDECK_SIM_URL")
            .current_dir(root);
        c
    };
    let v = opsdeck(&["audit", "verify", journal.to_str().unwrap()]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stdout));

    // Resume continues it: the interrupted destructive block is offered again, a No runs
    // nothing, `yes` runs it, and the run completes.
    let run_id = journal.file_stem().unwrap().to_string_lossy().into_owned();
    let mut child = opsdeck(&["runbook", "resume", &run_id])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"r\n\n\nyes\n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dump = format!("{stdout}\n--- stderr\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("resuming Hold the lock"), "{dump}");
    let declined =
        stdout.find("not confirmed (default No)").unwrap_or_else(|| panic!("declined first: {dump}"));
    let second = stdout.find("  | second attempt").unwrap_or_else(|| panic!("ran after `yes`: {dump}"));
    assert!(declined < second, "{dump}");
    assert!(stdout.contains("run finished: completed"), "{dump}");
    assert_eq!(out.status.code(), Some(0), "{dump}");
    assert!(rb_dir.join("finished").exists());
    let v = opsdeck(&["audit", "verify", journal.to_str().unwrap()]).output().unwrap();
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stdout));
}

#[test]
fn sighup_mid_step_in_the_screen_stops_the_group_journals_it_restores_the_terminal_and_resume_continues() {
    leave_mid_step(Leave::Signal(Signal::SIGHUP));
}

#[test]
fn sigterm_mid_step_in_the_screen_stops_the_group_journals_it_restores_the_terminal_and_resume_continues() {
    leave_mid_step(Leave::Signal(Signal::SIGTERM));
}

#[test]
fn terminal_hanging_up_mid_step_stops_the_group_journals_it_and_resume_continues() {
    leave_mid_step(Leave::HangUp);
}
