//! The `bad-canary` scenario end to end (two real processes): `snapshot --json` past 9
//! simulated minutes carries the KPI board, the deploy with its firing rollback trigger
//! and the on-call names; then the shipped `canary-rollback` runbook, drilled in plain mode
//! against the simulator, clears the trigger (its verify window follows `--speed` through
//! `[runbooks] time_scale`).
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::demo_support::Served;

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

fn admin(s: &Served) -> Value {
    s.admin_state()
}

fn wait_until_elapsed(s: &Served, secs: f64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while admin(s)["elapsed_s"].as_f64().unwrap() < secs {
        assert!(Instant::now() < deadline, "the simulator did not reach {secs}s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn snapshot(s: &Served, state: &std::path::Path) -> Value {
    let out = Command::new(BIN)
        .args(["snapshot", "--json", "--config", &s.vars["CONFIG"]])
        .env("OPSDECK_STATE_DIR", state)
        .env("HOME", state)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn trigger(v: &Value) -> Value {
    let d = v["deploys"].as_array().unwrap().iter().find(|d| d["name"] == "api-canary").unwrap();
    d["triggers"][0].clone()
}

#[test]
fn bad_canary_fires_its_trigger_and_the_rollback_drill_clears_it() {
    let s = Served::start(&["--scenario", "bad-canary", "--speed", "60"]);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();

    // past 9 simulated minutes: the trigger fires, the board and the rota are there
    wait_until_elapsed(&s, 560.0);
    let v = snapshot(&s, &state);
    let t = trigger(&v);
    assert_eq!(t["state"], "firing", "{t}");
    assert!(t["value"].as_f64().unwrap() > 0.5 && t["threshold"] == 0.5 && t["for_s"] == 300, "{t}");
    let d = &v["deploys"][0];
    assert!(d["phase"].is_string() && d["phase_elapsed_s"].is_u64(), "{d}");
    let kpis = v["kpis"].as_array().unwrap();
    let kpi =
        |n: &str| kpis.iter().find(|k| k["name"] == n).unwrap_or_else(|| panic!("{n}: {kpis:?}")).clone();
    assert_eq!(kpi("MTTR")["window"], "30d");
    let cfr = kpi("Change failure rate");
    assert!(cfr["value"].is_number() && cfr["met"].is_boolean() && cfr["comparator"] == "<=", "{cfr}");
    assert!(kpi("Uptime")["trend"].is_string());
    let oncall = v["oncall"].as_array().unwrap();
    assert_eq!(oncall.len(), 4, "{oncall:?}");
    assert!(
        oncall.iter().all(|o| o["name"].as_str().is_some_and(|n| !n.is_empty()) && o["until"].is_string())
    );
    assert_eq!(v["deadman"], Value::Null, "the Watchdog fires: {}", v["deadman"]);

    // the drill: the shipped runbook, its group gate adapted to this machine
    let path = crate::demo_support::shipped_runbook_for_this_machine("canary-rollback", dir.path());
    let sim_url = &s.vars["SIM_URL"];
    let mut child = Command::new(BIN)
        .args(["--config", &s.vars["CONFIG"], "runbook", "run"])
        .arg(&path)
        .args(["--drill", "--plain", "--param", &format!("sim_url={sim_url}")])
        .env("OPSDECK_SIM_URL", sim_url)
        .env("OPSDECK_STATE_DIR", &state)
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // justification, Enter (inspect), Enter (roll back), the typed deploy name, Enter (watch)
    child.stdin.take().unwrap().write_all(b"SRE-101\n\n\napi-canary\n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("\"ok\":true"), "the rollback reached the simulator: {text}");
    assert_eq!(admin(&s)["actions"][0]["action"], "roll back api-canary");

    // the loop closed: the trigger is ok again
    let t = trigger(&snapshot(&s, &state));
    assert_eq!(t["state"], "ok", "{t}");
}
