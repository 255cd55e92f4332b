//! Shared helpers for the runbook runtime tests: spawn the real binary in plain mode with a
//! private state dir, drive it through stdin.
#![allow(dead_code)]
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

/// A temp workspace: `rb/` for runbooks, `state/` for journals, `cfg.toml`.
pub struct Ws {
    pub dir: tempfile::TempDir,
}

impl Ws {
    pub fn new(config_extra: &str) -> Ws {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rb")).unwrap();
        let rb = dir.path().join("rb");
        std::fs::write(
            dir.path().join("cfg.toml"),
            format!("{config_extra}\n[runbooks]\ndirs = [{:?}]\n", rb.display().to_string()),
        )
        .unwrap();
        Ws { dir }
    }

    pub fn with_webhook(url: &str) -> Ws {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rb")).unwrap();
        let rb = dir.path().join("rb");
        std::fs::write(
            dir.path().join("cfg.toml"),
            format!("[runbooks]\ndirs = [{:?}]\nwebhook = {url:?}\n", rb.display().to_string()),
        )
        .unwrap();
        Ws { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn rb(&self) -> PathBuf {
        self.dir.path().join("rb")
    }
    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn write_runbook(&self, name: &str, text: &str) -> PathBuf {
        let p = self.rb().join(format!("{name}.md"));
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("OPSDECK_CONFIG", self.path().join("cfg.toml"))
            .env("OPSDECK_STATE_DIR", self.state())
            .env("HOME", self.path())
            .env_remove("OPSDECK_SIM_URL")
            .current_dir(self.path());
        c
    }

    /// Runs with `stdin` as the whole input (then EOF).
    pub fn run(&self, args: &[&str], stdin: &str) -> Out {
        self.run_cmd(self.cmd(args), stdin)
    }

    pub fn run_cmd(&self, mut c: Command, stdin: &str) -> Out {
        let mut child: Child =
            c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // A child that refuses early (an untrusted runbook) may exit before reading its
        // input: a broken pipe then is not the test's failure.
        match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r.unwrap(),
        }
        let o: Output = child.wait_with_output().unwrap();
        Out {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Every journal file.
    pub fn journals(&self) -> Vec<PathBuf> {
        let d = self.state().join("runs");
        let mut v: Vec<PathBuf> =
            std::fs::read_dir(d).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        v.sort();
        v
    }

    /// The journal's records as JSON values.
    pub fn records(&self, journal: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(journal).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The run id printed at start (`run <id>: ...`).
    pub fn run_id(&self) -> String {
        run_id_of(&self.stdout)
    }
}

pub fn run_id_of(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("run ").and_then(|r| r.split(':').next()))
        .expect("run id printed")
        .to_string()
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {:?}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// A runbook with one read-only step and one destructive step that touches `marker`
/// (relative to the runbook's directory) with the given confirm attribute.
pub fn drain_runbook(confirm: &str) -> String {
    format!(
        r#"---
title: Drain traffic
intent: Move traffic away from a cluster.
params:
  - name: cluster
    type: string
    pattern: "^[a-z0-9-]+$"
justification:
  required: true
  pattern: "^SRE-[0-9]+$"
---
# Drain traffic

## Check the cluster

```sh {{readonly eta=10s}}
echo "checking $CLUSTER"
```

## Drain it

> [!CAUTION]
> This moves real traffic.

```sh {{destructive {confirm} eta=1m}}
touch "marker-$CLUSTER"
echo drained
```
"#
    )
}
