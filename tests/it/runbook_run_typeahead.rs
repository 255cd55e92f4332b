//! Typed ahead is never an answer: the real binary in a pseudo-terminal, in plain mode and
//! in the screen. Keys sent while a step runs (before the confirmation question exists),
//! or in the same instant as the question opens, do not confirm the destructive step: its
//! marker file stays absent until a `yes` typed after the question was on screen. `y` is
//! never enough.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::pty_support::{Pty, past_key_guard, wait_for};

const RUNBOOK: &str = r#"---
title: Slow then destructive
justification:
  required: true
---
# Slow then destructive

## Wait a little

```sh {readonly}
echo waiting
sleep 2
echo waited
```

## Touch the marker

```sh {destructive confirm=yes}
touch marker
echo touched
```
"#;

struct Setup {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    marker: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let rb = root.join("runbooks");
    std::fs::create_dir(&rb).unwrap();
    std::fs::set_permissions(&rb, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(rb.join("slow.md"), RUNBOOK).unwrap();
    std::fs::set_permissions(rb.join("slow.md"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(root.join("opsdeck.toml"), "environment = \"e2e\"\n").unwrap();
    Setup { marker: rb.join("marker"), root, _tmp: tmp }
}

fn cmd(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    c.arg("--config")
        .arg(root.join("opsdeck.toml"))
        .args(args)
        .current_dir(root)
        .env("OPSDECK_STATE_DIR", root.join("state"))
        .env("HOME", root)
        .env_remove("OPSDECK_SIM_URL")
        .env_remove("NO_COLOR");
    c
}

fn has(t: &'static str) -> impl Fn(&[String], &str) -> bool {
    move |_, raw| raw.contains(t)
}

#[test]
fn plain_mode_on_a_terminal_discards_what_was_typed_before_the_question() {
    let s = setup();
    let pty =
        Pty::spawn(cmd(&s.root, &["runbook", "run", "slow", "--plain", "--justification", "SRE-1"]), 120, 40);
    let secs = Duration::from_secs(20);
    wait_for(&pty.out, "step 1", secs, has("step 1/2 Wait a little"));
    pty.write("\n");
    wait_for(&pty.out, "step 1 running", secs, has("| waiting"));
    // While the step runs: Enter (would run step 2) and `yes` (would confirm it).
    pty.write("\n");
    pty.write("yes\n");
    wait_for(&pty.out, "step 2's question", secs, has("step 2/2 Touch the marker"));
    std::thread::sleep(Duration::from_millis(800));
    let raw = pty.raw();
    assert!(raw.contains("(ignored a line typed before this question appeared)"), "{raw}");
    assert!(!raw.contains("=== CONFIRM"), "typed-ahead Enter ran step 2: {raw}");
    assert!(!s.marker.exists(), "typed-ahead yes confirmed the destructive step");
    // Asked now: the step opens its confirmation; `y` is not enough.
    pty.write("\n");
    wait_for(&pty.out, "the confirmation", secs, has("y is not enough"));
    std::thread::sleep(Duration::from_millis(300));
    pty.write("y\n");
    wait_for(&pty.out, "declined", secs, has("not confirmed (typed `y`)"));
    assert!(!s.marker.exists(), "`y` confirmed a destructive block");
    // Then the whole word, typed after the question appeared, runs it.
    std::thread::sleep(Duration::from_millis(300));
    pty.write("\n");
    wait_for(&pty.out, "the confirmation again", secs, |_, raw| raw.matches("y is not enough").count() >= 2);
    std::thread::sleep(Duration::from_millis(300));
    pty.write("yes\n");
    wait_for(&pty.out, "the run completes", secs, has("run finished: completed"));
    assert!(s.marker.exists());
}

#[test]
fn plain_mode_quit_leaves_the_run_unfinished_and_says_how_to_resume() {
    let s = setup();
    let mut pty =
        Pty::spawn(cmd(&s.root, &["runbook", "run", "slow", "--plain", "--justification", "SRE-1"]), 120, 40);
    let secs = Duration::from_secs(20);
    wait_for(&pty.out, "step 1", secs, has("q quit (resume later)"));
    std::thread::sleep(Duration::from_millis(200));
    pty.write("q\n");
    wait_for(&pty.out, "the quit question", secs, has("unfinished? It can be continued"));
    std::thread::sleep(Duration::from_millis(200));
    pty.write("y\n");
    let status = pty.wait_exit(secs, "plain quit");
    assert_eq!(status.code(), Some(1));
    let raw = pty.finish();
    let id = raw.lines().find_map(|l| l.strip_prefix("run ").and_then(|r| r.split(':').next())).unwrap();
    assert!(raw.contains(&format!("continue it with `opsdeck runbook resume {id}`")), "{raw}");
    let runs = cmd(&s.root, &["runbook", "runs"]).output().unwrap();
    let text = String::from_utf8_lossy(&runs.stdout);
    assert!(text.lines().any(|l| l.starts_with(id) && l.contains("unfinished")), "{text}");
}

#[test]
fn the_screen_discards_keys_typed_before_its_confirmation_was_on_screen() {
    let s = setup();
    let pty = Pty::spawn(cmd(&s.root, &[]), 200, 60);
    let secs = Duration::from_secs(20);
    let screen = |t: &'static str| move |l: &[String], _: &str| l.join("\n").contains(t);
    wait_for(&pty.out, "the runbook pane", secs, screen("no active run"));
    pty.write("r");
    wait_for(&pty.out, "the picker", secs, screen("Slow then destructive"));
    pty.write("\r");
    wait_for(&pty.out, "the justification prompt", secs, screen("justification:"));
    pty.write("SRE-7\r");
    wait_for(&pty.out, "step 1 ready", secs, screen("step 1/2 Wait a little: ready"));
    pty.write("\r");
    wait_for(&pty.out, "step 1 running", secs, screen("block 1 running"));
    // While the block runs: Enters and `yes` typed ahead (and `s`, the silence key).
    pty.write("\r\ryes\r");
    wait_for(&pty.out, "the output held", secs, screen("Enter when you have read its output"));
    std::thread::sleep(Duration::from_millis(400));
    assert!(!s.marker.exists(), "typed-ahead keys confirmed the destructive step");
    let lines = wait_for(&pty.out, "still held", secs, screen("Enter when you have read its output"));
    assert!(!lines.join("\n").contains("CONFIRM"), "no dialog before the output was acknowledged");
    // Acknowledge, then Enter opens the dialog with `yes` and Enter in the same instant.
    pty.write("\r");
    wait_for(&pty.out, "step 2 ready", secs, screen("step 2/2 Touch the marker: ready"));
    pty.write("\ryes\r");
    wait_for(&pty.out, "the dialog", secs, screen("Type yes (the whole word"));
    std::thread::sleep(Duration::from_millis(600));
    assert!(!s.marker.exists(), "keys sent with the Enter that opened the dialog answered it");
    wait_for(&pty.out, "the dialog still asks, empty", secs, |l, _| {
        let all = l.join("\n");
        all.contains("Type yes (the whole word") && all.contains("> ▏")
    });
    past_key_guard();
    pty.write("yes\r");
    wait_for(&pty.out, "the run completes", secs, screen("run completed"));
    assert!(s.marker.exists(), "yes typed after the dialog was on screen runs it");
}
