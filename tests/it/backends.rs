//! The real Prometheus and Alertmanager that `scripts/test` starts (it exports their URLs as
//! `OPSDECK_TEST_*_URL`). A test that needs them is `#[ignore = "needs scripts/test"]`: a
//! plain `cargo test` lists it as ignored, `scripts/test` runs it (`--include-ignored`), and
//! it fails with the message below when a backend is missing, never passes quietly.
use std::process::{Command, Stdio};

/// The URL in `var` (no trailing `/`); panics with what to run when it is not set.
pub fn url(var: &str) -> String {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => u.trim_end_matches('/').to_string(),
        _ => panic!(
            "{var} is not set: this test needs the Prometheus and Alertmanager that scripts/test starts (run scripts/test)"
        ),
    }
}

/// Panics unless `prometheus` and `prometheus-alertmanager` are installed (scripts/test
/// installs them), for tests that start private instances.
pub fn require_installed() {
    for b in ["prometheus", "prometheus-alertmanager"] {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {b}"))
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(found, "{b} is not installed: this test starts its own; run scripts/test, which installs it");
    }
}
