//! The real binary in a pseudo-terminal runs a small runbook from a temp folder: the
//! destructive step touches a marker file. A wrong typed confirmation leaves the marker
//! absent; the right one creates it; the run's journal verifies with `opsdeck audit verify`.
//! Needs no backends (the config has no sources).
use crate::ui_runbook_support;

use std::io::Read;
use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Kills the binary if the test fails before it exits.
use crate::pty_support::{KillOnDrop, past_key_guard, wait_for};

#[test]
fn a_destructive_step_runs_only_with_the_typed_confirmation_and_the_journal_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let rb_dir = root.join("runbooks");
    std::fs::create_dir(&rb_dir).unwrap();
    std::fs::set_permissions(&rb_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let rb = rb_dir.join("edge-cache.md");
    std::fs::write(&rb, ui_runbook_support::RUNBOOK).unwrap();
    std::fs::set_permissions(&rb, std::fs::Permissions::from_mode(0o644)).unwrap();
    let markers = root.join("markers");
    std::fs::create_dir(&markers).unwrap();
    let marker = markers.join("restarted-cache-3");
    let state = root.join("state");
    let config = root.join("opsdeck.toml");
    std::fs::write(&config, "environment = \"e2e\"\n").unwrap();

    let ws = nix::pty::Winsize { ws_row: 60, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty(&ws, None).unwrap();
    nix::fcntl::fcntl(&pty.master, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC)).unwrap();
    let slave: OwnedFd = pty.slave;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.arg("--config")
        .arg(&config)
        .current_dir(root)
        .env("TERM", "xterm-256color")
        .env("OPSDECK_STATE_DIR", &state)
        .env("MARKER_DIR", &markers)
        .env_remove("OPSDECK_SIM_URL")
        .env_remove("NO_COLOR")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    drop(cmd);
    let mut child = KillOnDrop(child);
    let master = pty.master;
    let out = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let out = out.clone();
        let mut f = std::fs::File::from(master.try_clone().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = f.read(&mut buf) {
                if n == 0 {
                    break;
                }
                out.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let write = |s: &str| nix::unistd::write(&master, s.as_bytes()).unwrap();
    let has = |t: &'static str| move |lines: &[String], _: &str| lines.join("\n").contains(t);
    let secs = Duration::from_secs(60); // generous: a loaded 2-core machine is slow, a pass is fast

    wait_for(&out, "the runbook pane", secs, has("no active run"));
    write("r");
    wait_for(&out, "the picker", secs, has("Restart the edge cache"));
    write("\r");
    wait_for(&out, "the justification prompt", secs, has("justification:"));
    write("SRE-7\r");
    wait_for(&out, "the parameters", secs, has("CLUSTER=\"eu-1\""));
    write("\r");
    write("\r");
    wait_for(&out, "step 1 ready", secs, has("step 1/3 Look at the node: ready"));
    write("\r");
    wait_for(&out, "step 1's output held", secs, |l, _| {
        let all = l.join("\n");
        all.contains("block ended · Enter when you have read its output") && all.contains("✓ ok")
    });
    write("\r");
    wait_for(&out, "step 2 ready after step 1's output", secs, has("step 2/3 Restart it: ready"));
    write("\r");
    wait_for(&out, "the confirmation dialog", secs, has("Type `eu-1` to run it"));
    past_key_guard();
    write("us-1\r");
    wait_for(&out, "the wrong answer declines", secs, has("step 2: declined"));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!marker.exists(), "a wrong typed confirmation must not run the step");

    write("\r");
    wait_for(&out, "the dialog again", secs, has("> ▏"));
    past_key_guard();
    write("eu-1\r");
    wait_for(&out, "the run completes", secs, has("run completed"));
    assert!(marker.exists(), "the right typed confirmation runs the step");

    write("\r");
    std::thread::sleep(Duration::from_millis(200));
    write("\r");
    wait_for(&out, "the run closed", secs, has("no active run"));
    write("q");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "q did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    drop(master);
    let _ = reader.join();

    let verify = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["audit", "verify"])
        .env("OPSDECK_STATE_DIR", &state)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(0), "{text}");
    assert!(text.contains("chain intact"), "{text}");
    let journal = std::fs::read_dir(state.join("runs")).unwrap().next().unwrap().unwrap().path();
    let records = std::fs::read_to_string(&journal).unwrap();
    assert!(
        records.contains("\"block_declined\"") && records.contains("\"confirmation\":\"us-1\""),
        "{records}"
    );
    assert!(records.contains("\"confirmation\":\"eu-1\""), "{records}");
    assert!(records.contains("\"justification\":\"SRE-7\""), "{records}");
}
