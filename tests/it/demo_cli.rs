//! The `opsdeck demo` and `opsdeck screenshot` commands as a user runs them.
use std::process::Command;

use crate::demo_support::Served;

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

#[test]
fn list_names_every_scenario() {
    let out = Command::new(BIN).args(["demo", "--list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in
        ["calm", "gateway-overload", "compaction-storm", "vote-brigade", "db-primary-down", "modqueue-surge"]
    {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} in {text}");
    }
    let out = Command::new(BIN).args(["demo", "--serve-only", "--scenario", "nope"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario \"nope\""));
}

#[test]
fn serve_only_prints_urls_and_a_config_then_stops_cleanly_on_sigterm() {
    let s = Served::start(&["--scenario", "gateway-overload", "--speed", "10"]);
    for k in ["PROMETHEUS_URL", "ALERTMANAGER_URL", "STATUSPAGE_URLS", "SIM_URL", "CONFIG"] {
        assert!(s.vars.contains_key(k), "{k}: {:?}", s.vars);
    }
    assert_eq!(s.vars["STATUSPAGE_URLS"].split(',').count(), 3);
    let path = std::path::PathBuf::from(&s.vars["OPSDECK_CONFIG"]);
    let cfg = opsdeck::config::load_file(&path).expect("the written config loads");
    assert_eq!(cfg.environment, "demo");
    assert_eq!(cfg.prometheus[0].url, s.vars["PROMETHEUS_URL"]);
    assert_eq!(cfg.health.len(), 5);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let state: serde_json::Value = rt
        .block_on(async { reqwest::get(format!("{}/admin/state", s.vars["SIM_URL"])).await?.json().await })
        .unwrap();
    assert_eq!(state["scenario"], "gateway-overload");
    assert_eq!(state["speed"], 10.0);
    let status = s.terminate();
    assert!(status.success(), "{status:?}");
    assert!(!path.exists(), "the temporary config is removed on exit");
}

#[test]
fn screenshots_are_written_as_svg_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("shot.svg");
    let txt = dir.path().join("shot.txt");
    for (out, size) in [(&svg, "160x48"), (&txt, "80x24")] {
        let st = Command::new(BIN)
            .args(["screenshot", "--scenario", "gateway-overload", "--at", "6m", "--size", size, "--out"])
            .arg(out)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(svg_text.starts_with("<svg") && svg_text.trim_end().ends_with("</svg>"));
    assert!(svg_text.matches("<text").count() > 50, "non-trivial");
    for title in [
        "System health",
        "Community",
        "Status pages",
        "Alerts",
        "Escalation clock",
        "Moderation queue",
        "DEMO",
    ] {
        assert!(svg_text.contains(title), "{title} in the SVG");
    }
    let text = std::fs::read_to_string(&txt).unwrap();
    assert_eq!(text.lines().count(), 24);
    assert!(text.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80));
    assert!(text.contains("DEMO"));

    // a fixed clock: the same frame twice
    let again = dir.path().join("again.svg");
    let st = Command::new(BIN)
        .args(["screenshot", "--scenario", "gateway-overload", "--at", "6m", "--size", "160x48", "--out"])
        .arg(&again)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap(), svg_text);

    // a stale source says so, with the reason
    let stale = dir.path().join("stale.txt");
    let st = Command::new(BIN)
        .args(["screenshot", "--scenario", "calm", "--size", "160x48", "--stale", "prometheus", "--out"])
        .arg(&stale)
        .status()
        .unwrap();
    assert!(st.success());
    let text = std::fs::read_to_string(&stale).unwrap();
    assert!(text.contains("STALE 1m30s") && text.contains("connection refused"), "{text}");

    for bad in [["--size", "10x2"], ["--size", "wide"]] {
        let out = Command::new(BIN).arg("screenshot").args(bad).arg("--out").arg(&svg).output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--size"));
    }
    let out = Command::new(BIN).args(["screenshot", "--out"]).arg(dir.path().join("x.png")).output().unwrap();
    assert!(!out.status.success());
}
