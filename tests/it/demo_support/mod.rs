//! Shared by the demo tests: a `demo --serve-only` child process. (Each test crate uses
//! part of it.)
#![allow(dead_code)]
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

/// A `demo --serve-only` process, killed on drop. It runs with a private state dir and
/// HOME of its own (removed on drop), never the user's.
pub struct Served {
    child: std::process::Child,
    pub vars: std::collections::BTreeMap<String, String>,
    _home: tempfile::TempDir,
}

impl Served {
    pub fn start(args: &[&str]) -> Served {
        let home = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args(["demo", "--serve-only"])
            .args(args)
            .env("HOME", home.path())
            .env("OPSDECK_STATE_DIR", home.path().join("state"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut vars = std::collections::BTreeMap::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !vars.contains_key("OPSDECK_CONFIG") && Instant::now() < deadline {
            let line = lines.next().expect("serve-only printed its URLs").unwrap();
            let (k, v) = line.split_once('=').expect("KEY=VALUE lines");
            vars.insert(k.to_string(), v.to_string());
        }
        Served { child, vars, _home: home }
    }

    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// The simulator's `/admin/state` document.
    pub fn admin_state(&self) -> serde_json::Value {
        let url = format!("{}/admin/state", self.vars["SIM_URL"]);
        let out = Command::new("curl").args(["-sf", &url]).output().unwrap();
        serde_json::from_slice(&out.stdout).expect("admin state JSON")
    }
}

/// The shipped runbook `name` written into `dir` with its `allowed_groups` gate adapted to
/// this machine (this process's Unix group); everything else as shipped. Returns its path.
pub fn shipped_runbook_for_this_machine(name: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let shipped =
        std::fs::read_to_string(format!("{}/runbooks/{name}.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(shipped.contains("allowed_groups:"), "{name} has a group gate to adapt");
    let out = Command::new("id").arg("-gn").output().unwrap();
    let group = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let runbook: Vec<String> = shipped
        .lines()
        .map(|l| {
            if l.starts_with("allowed_groups:") {
                format!("allowed_groups: [{group}]")
            } else {
                l.to_string()
            }
        })
        .collect();
    let path = dir.join(format!("{name}.md"));
    std::fs::write(&path, runbook.join("\n") + "\n").unwrap();
    path
}
