//! `opsdeck snapshot --json` against `opsdeck demo --serve-only` (two real processes): the
//! scenario's expectations at a simulated time, and the closed loop through the admin
//! endpoint.
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::demo_support::Served;

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

fn elapsed(s: &Served) -> f64 {
    let out =
        Command::new("curl").args(["-sf", &format!("{}/admin/state", s.vars["SIM_URL"])]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("admin state JSON");
    v["elapsed_s"].as_f64().unwrap()
}

fn snapshot(s: &Served) -> (i32, Value) {
    let out = Command::new(BIN).args(["snapshot", "--json", "--config", &s.vars["CONFIG"]]).output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), v)
}

fn wait_until_elapsed(s: &Served, secs: f64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while elapsed(s) < secs {
        assert!(Instant::now() < deadline, "the simulator did not reach {secs}s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn gateway(v: &Value) -> Value {
    v["health"].as_array().unwrap().iter().find(|h| h["service"] == "gateway").unwrap().clone()
}

fn alert_names(v: &Value) -> Vec<String> {
    v["alerts"].as_array().unwrap().iter().map(|a| a["alertname"].as_str().unwrap().to_string()).collect()
}

#[test]
fn gateway_overload_through_snapshot_and_back() {
    let s = Served::start(&["--scenario", "gateway-overload", "--speed", "30"]);

    // six simulated minutes in: the gateway is CRIT, its alert fires, the CDN is degraded
    wait_until_elapsed(&s, 360.0);
    let (code, v) = snapshot(&s);
    assert_eq!(code, 0, "every source fresh: {}", v["sources"]);
    assert!(v["sources"].as_array().unwrap().iter().all(|x| x["status"] == "fresh"));
    let gw = gateway(&v);
    assert_eq!(gw["state"], "CRIT", "{gw}");
    assert!(gw["error_rate_pct"].as_f64().unwrap() > 5.0);
    let alert = v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alertname"] == "GatewayWebSocketFailures")
        .unwrap();
    assert_eq!(alert["priority"], "P1");
    assert_eq!(alert["annotations"]["runbook"], "runbooks/gateway-overload.md");
    let cdn = v["statuspages"].as_array().unwrap().iter().find(|p| p["name"] == "EdgeFast CDN").unwrap();
    assert_eq!(cdn["indicator"], "minor");
    let users = v["community"].as_array().unwrap().iter().find(|c| c["name"] == "Active users").unwrap();
    assert!(users["delta_pct"].as_f64().unwrap() > 10.0, "tournament viewers against last week: {users}");
    for svc in ["api", "db", "search", "media"] {
        let row = v["health"].as_array().unwrap().iter().find(|h| h["service"] == svc).unwrap();
        assert_eq!(row["state"], "OK", "{row}");
    }

    // the drill's fix: scale the gateway; two simulated minutes later it is over
    let out = Command::new("curl")
        .args([
            "-sf",
            "-X",
            "POST",
            &format!("{}/admin/scale?service=gateway&replicas=24", s.vars["SIM_URL"]),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let fixed_at = elapsed(&s);
    wait_until_elapsed(&s, fixed_at + 150.0);
    let (code, v) = snapshot(&s);
    assert_eq!(code, 0);
    let gw = gateway(&v);
    assert!(gw["error_rate_pct"].as_f64().unwrap() < 1.0, "{gw}");
    assert_ne!(gw["state"], "CRIT");
    assert!(!alert_names(&v).contains(&"GatewayWebSocketFailures".to_string()), "{:?}", alert_names(&v));
}
