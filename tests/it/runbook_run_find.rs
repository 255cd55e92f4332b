//! Runs you can find again: `runbook runs [--json]`, `resume` of a run `opsdeck demo`
//! started (its journals live in `<state dir>/demo`), `[runbooks] dirs` relative to the
//! config file, `runbook list` saying where it looked, and the drill banner.
use std::process::Command;

use crate::rbrun_support::*;

#[test]
fn runs_lists_the_journals_newest_first_and_as_json() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let first = ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-1\n\n\nyes\n");
    assert_eq!(first.code, Some(0), "{first:?}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-1\n");
    let out = ws.cmd(&["runbook", "runs"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert!(rows[0].starts_with(&second.run_id()) && rows[0].contains("aborted"), "{text}");
    assert!(rows[1].starts_with(&first.run_id()) && rows[1].contains("finished"), "{text}");
    let out = ws.cmd(&["runbook", "runs", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], second.run_id());
    assert_eq!(v[1]["state"], "finished");
    assert_eq!(v[1]["runbook"], "drain");
    assert!(v[1]["who"].as_str().is_some_and(|w| !w.is_empty()));
}

#[test]
fn resume_finds_a_run_started_by_the_demo() {
    // The demo keeps its journals in `<state dir>/demo` when OPSDECK_STATE_DIR is unset;
    // here the data directory comes from HOME/XDG_DATA_HOME.
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let data = ws.path().join("xdg");
    let base = |c: &mut Command| {
        c.env_remove("OPSDECK_STATE_DIR").env("XDG_DATA_HOME", &data).env("HOME", ws.path());
    };
    // Started as the demo starts it: OPSDECK_STATE_DIR = <state dir>/demo; left unfinished.
    let mut c = ws.cmd(&["runbook", "run", "drain", "--param", "cluster=eu-1", "--justification", "SRE-1"]);
    base(&mut c);
    let demo_state = data.join("opsdeck").join("demo");
    c.env("OPSDECK_STATE_DIR", &demo_state);
    let started = ws.run_cmd(c, "\nq\ny\n");
    assert!(started.stdout.contains("left unfinished"), "{started:?}");
    let id = started.run_id();
    // Found without OPSDECK_STATE_DIR: listed as a demo run, and resumed.
    let mut c = ws.cmd(&["runbook", "runs"]);
    base(&mut c);
    let listed = ws.run_cmd(c, "");
    assert!(listed.stdout.lines().any(|l| l.starts_with(&id) && l.contains("demo")), "{listed:?}");
    let mut c = ws.cmd(&["runbook", "resume", &id]);
    base(&mut c);
    let resumed = ws.run_cmd(c, "\nyes\n");
    assert_eq!(resumed.code, Some(0), "{resumed:?}");
    assert!(resumed.stdout.contains("run finished: completed"), "{resumed:?}");
    assert!(ws.rb().join("marker-eu-1").exists());
}

#[test]
fn runbook_dirs_are_relative_to_the_config_and_list_says_where_it_looked() {
    let ws = Ws::new("");
    let conf = ws.path().join("conf");
    std::fs::create_dir_all(conf.join("books")).unwrap();
    std::fs::write(conf.join("cfg.toml"), "[runbooks]\ndirs = [\"books\"]\n").unwrap();
    let elsewhere = ws.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let list = |dir: &std::path::Path| {
        let mut c = ws.cmd(&["runbook", "list"]);
        c.env("OPSDECK_CONFIG", conf.join("cfg.toml")).current_dir(dir);
        ws.run_cmd(c, "")
    };
    let none = list(&elsewhere);
    assert_eq!(none.code, Some(1), "{none:?}");
    assert!(none.stderr.contains(&conf.join("books").display().to_string()), "{none:?}");
    assert!(none.stderr.contains("no runbooks found"), "{none:?}");
    std::fs::write(conf.join("books/drain.md"), drain_runbook("confirm=yes")).unwrap();
    let some = list(&elsewhere);
    assert_eq!(some.code, Some(0), "{some:?}");
    assert!(some.stdout.contains("drain"), "{some:?}");
}

#[test]
fn the_drill_banner_says_what_runs_where() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let args = ["runbook", "run", "drain", "--param", "cluster=eu-1", "--justification", "SRE-1", "--drill"];
    let out = ws.run(&args, "\n\nyes\n");
    assert!(out.stdout.contains("destructive and unclassified blocks are printed, not executed"), "{out:?}");
    assert!(out.stdout.contains("read-only blocks run for real"), "{out:?}");
    assert!(!ws.rb().join("marker-eu-1").exists());
    let mut c = ws.cmd(&args);
    c.env("OPSDECK_SIM_URL", "http://127.0.0.1:9");
    let out = ws.run_cmd(c, "");
    assert!(out.stdout.contains("DRILL against the simulator at http://127.0.0.1:9"), "{out:?}");
    assert!(out.stdout.contains("every block runs for real"), "{out:?}");
}
