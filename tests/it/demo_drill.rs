//! The headless game-day drill: `gateway-overload` unfolds in `opsdeck demo --serve-only`,
//! the shipped gateway-overload runbook runs in plain mode with the confirmations piped in,
//! its verify steps pass against the simulator's Prometheus API, and the alert clears.
//! (Verify windows follow the simulator's clock, so at `--speed 30` they pass in seconds.)
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::demo_support::Served;

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

fn state(s: &Served) -> Value {
    s.admin_state()
}

fn firing(v: &Value, name: &str) -> bool {
    v["firing"].as_array().unwrap().iter().any(|n| n == name)
}

#[test]
fn gateway_overload_drill_in_plain_mode_clears_the_alert() {
    let s = Served::start(&["--scenario", "gateway-overload", "--speed", "30"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !firing(&state(&s), "GatewayWebSocketFailures") {
        assert!(Instant::now() < deadline, "the incident never started");
        std::thread::sleep(Duration::from_millis(250));
    }

    let dir = tempfile::tempdir().unwrap();
    let path = crate::demo_support::shipped_runbook_for_this_machine("gateway-overload", dir.path());
    let state_dir = dir.path().join("state");

    let sim_url = &s.vars["SIM_URL"];
    let mut child = Command::new(BIN)
        .args(["--config", &s.vars["CONFIG"], "runbook", "run"])
        .arg(&path)
        .args(["--drill", "--plain", "--param", &format!("sim_url={sim_url}")])
        .env("OPSDECK_SIM_URL", sim_url)
        .env("OPSDECK_STATE_DIR", &state_dir)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // justification, Enter (inspect), Enter (scale), the typed confirmation, Enter (watch)
    child.stdin.take().unwrap().write_all(b"SRE-101\n\n\n24\n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("\"ok\":true"), "the scale call reached the simulator: {text}");

    // the loop closed: replicas up, failures down, the alert gone, the action recorded
    let v = state(&s);
    let gw = v["services"].as_array().unwrap().iter().find(|x| x["service"] == "gateway").unwrap();
    assert_eq!(gw["desired"], 24.0);
    assert!(gw["error_rate_pct"].as_f64().unwrap() < 2.0, "{gw}");
    assert!(!firing(&v, "GatewayWebSocketFailures"), "{}", v["firing"]);
    assert_eq!(v["actions"][0]["action"], "scale gateway to 24 replicas");

    // and the journal of the drill verifies
    let journals: Vec<_> =
        std::fs::read_dir(state_dir.join("runs")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(journals.len(), 1);
    let verify = Command::new(BIN).args(["audit", "verify"]).arg(&journals[0]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}
