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
