//! Plain-mode runs of the real binary driven through stdin: a destructive step never runs
//! without its exact confirmation; the default (empty line) and end of input are No.
use crate::rbrun_support::*;

fn marker(ws: &Ws) -> std::path::PathBuf {
    ws.rb().join("marker-eu-1")
}

#[test]
fn destructive_step_without_the_typed_value_does_not_run() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=typed:cluster"));
    // justification, run step 1, run step 2, wrong answers each time, then EOF.
    let out =
        ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-42\n\n\nyes\n\ny\n\nEU-1\n");
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(!marker(&ws).exists(), "the destructive block ran without confirmation: {out:?}");
    assert!(out.stdout.contains("? type `eu-1` to run, anything else cancels [default: No]:"), "{out:?}");
    assert_eq!(out.stdout.matches("not confirmed").count(), 3, "{out:?}");
    assert!(out.stdout.contains("run finished: aborted: end of input"), "{out:?}");
    let j = &ws.journals()[0];
    let recs = ws.records(j);
    let declined: Vec<&str> = recs
        .iter()
        .filter(|r| r["event"] == "block_declined")
        .map(|r| r["confirmation"].as_str().unwrap())
        .collect();
    assert_eq!(declined, ["yes", "y", "EU-1"]);
    assert!(!recs.iter().any(|r| r["event"] == "block_started" && r["step"] == 1));
}

#[test]
fn empty_line_is_no_and_eof_is_never_yes() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let out = ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-42\n\n\n\n");
    assert!(!marker(&ws).exists(), "{out:?}");
    assert!(out.stdout.contains("not confirmed (default No)"), "{out:?}");
    // EOF right at the confirmation prompt.
    let out = ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-42\n\n\n");
    assert!(!marker(&ws).exists(), "{out:?}");
    assert_eq!(out.code, Some(1));
    // EOF before the justification: nothing runs at all.
    let out = ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "");
    assert!(!out.stdout.contains("checking"), "{out:?}");
    assert_eq!(out.code, Some(1));
}

#[test]
fn typed_confirmation_runs_the_step_and_journals_it_first() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=typed:cluster"));
    let mut c = ws.cmd(&["runbook", "run", "drain", "--param", "cluster=eu-1"]);
    c.env("SSH_CLIENT", "192.0.2.7 51515 22");
    let out = ws.run_cmd(c, "bad-ticket\nSRE-42\n\n\neu-1\n");
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("justification refused"), "{out:?}");
    assert!(marker(&ws).exists(), "{out:?}");
    assert!(out.stdout.contains("run finished: completed"), "{out:?}");
    let recs = ws.records(&ws.journals()[0]);
    let started = recs.iter().position(|r| r["event"] == "block_started" && r["step"] == 1).unwrap();
    assert_eq!(recs[started]["confirmation"], "eu-1");
    assert_eq!(recs[started]["justification"], "SRE-42");
    assert_eq!(recs[started]["params"]["cluster"], "eu-1");
    assert!(recs[started]["who"]["user"].as_str().is_some_and(|u| !u.is_empty()));
    assert_eq!(recs[started]["who"]["ssh_client"], "192.0.2.7 51515 22");
    assert!(recs[started]["time"].as_str().unwrap().ends_with('Z'), "UTC");
    assert_eq!(recs[started]["file_hash"].as_str().unwrap().len(), 64);
    let fin = &recs[started + 1];
    assert_eq!(fin["event"], "block_finished");
    assert_eq!(fin["exit_code"], 0);
    assert_eq!(fin["output"], "drained\n");
    let v = ws.cmd(&["audit", "verify"]).output().unwrap();
    assert_eq!(v.status.code(), Some(0));
}

#[test]
fn typed_text_confirmation() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook(r#"confirm=typed:"drain eu-1""#));
    let out = ws.run(
        &["runbook", "run", "drain", "--param", "cluster=eu-1", "--justification", "SRE-1"],
        "\n\neu-1\n",
    );
    assert!(!marker(&ws).exists(), "{out:?}");
    let out = ws.run(
        &["runbook", "run", "drain", "--param", "cluster=eu-1", "--justification", "SRE-1"],
        "\n\ndrain eu-1\n",
    );
    assert!(marker(&ws).exists(), "{out:?}");
    assert_eq!(out.code, Some(0));
}

#[test]
fn failed_step_offers_retry_skip_and_the_registered_rollback() {
    let ws = Ws::new("");
    ws.write_runbook(
        "flaky",
        r#"# Flaky

## Change it

```sh {destructive confirm=yes rollback=undo-it}
echo trying
exit 3
```

## Undo it

```sh {readonly id=undo-it}
touch rolled-back
```
"#,
    );
    let out = ws.run(&["runbook", "run", "flaky", "--justification", "x"], "\nyes\nr\nyes\nb\nyes\n");
    assert!(out.stdout.contains("FAILED: block 1 exit 3"), "{out:?}");
    assert!(out.stdout.contains("b roll back (step 2 Undo it)"), "{out:?}");
    assert_eq!(out.stdout.matches("  | trying").count(), 2, "retry re-ran after a new confirmation: {out:?}");
    assert!(ws.rb().join("rolled-back").exists(), "{out:?}");
    assert!(out.stdout.contains("run finished: rolled back"), "{out:?}");
    assert_eq!(out.code, Some(1));
}

#[test]
fn drill_prints_destructive_commands_and_reports() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=typed:cluster"));
    let out = ws.run(&["runbook", "run", "drain", "--drill", "--param", "cluster=eu-1"], "SRE-7\n\n\neu-1\n");
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(!marker(&ws).exists(), "drill executed a destructive command: {out:?}");
    assert!(out.stdout.contains("DRILL: would run (not executed):"), "{out:?}");
    assert!(out.stdout.contains("  | checking eu-1"), "read-only steps run in a drill: {out:?}");
    let id = out.run_id();
    let report = ws.path().join("report.md");
    let r = ws.cmd(&["runbook", "report", &id, "--out", report.to_str().unwrap()]).output().unwrap();
    assert_eq!(r.status.code(), Some(0));
    let md = std::fs::read_to_string(report).unwrap();
    assert!(md.starts_with("# After-action report: Drain traffic (drill)"), "{md}");
    assert!(md.contains("| 1 | Check the cluster | ok |"), "{md}");
    assert!(md.contains("| 10s |"), "eta column: {md}");
    assert!(md.contains("| 1m |"), "eta column: {md}");
    assert!(md.contains("confirmed by"), "{md}");
    assert!(md.contains("typing `eu-1`"), "{md}");
    assert!(md.contains("| Justification | SRE-7 |"), "{md}");
    assert!(md.contains("| Outcome | completed"), "{md}");

    // Pointed at the demo simulator, a drill runs the commands.
    let mut c = ws.cmd(&["runbook", "run", "drain", "--drill", "--param", "cluster=eu-1"]);
    c.env("OPSDECK_SIM_URL", "http://127.0.0.1:9");
    let out = ws.run_cmd(c, "SRE-7\n\n\neu-1\n");
    assert!(marker(&ws).exists(), "{out:?}");
}

#[test]
fn allowed_groups_and_params_are_enforced() {
    let ws = Ws::new("");
    let rb = drain_runbook("confirm=yes").replacen(
        "justification:",
        "allowed_groups: [no-such-group-xyz]\njustification:",
        1,
    );
    ws.write_runbook("drain", &rb);
    let out = ws.run(&["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-1\n\n\nyes\n");
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("refused:"), "{out:?}");
    assert!(out.stdout.contains("no-such-group-xyz"), "{out:?}");
    assert!(!out.stdout.contains("checking"), "{out:?}");

    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let out = ws.run(&["runbook", "run", "drain", "--param", "cluster=EU 1"], "");
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("does not match"), "{out:?}");
    let out = ws.run(&["runbook", "run", "drain"], "");
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("`cluster` is required"), "{out:?}");
    assert!(ws.journals().is_empty(), "no run starts with bad parameters");
}

#[test]
fn unwritable_journal_refuses_destructive_steps() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let ro = ws.path().join("ro-state");
    std::fs::create_dir(&ro).unwrap();
    let mut perm = std::fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
    std::fs::set_permissions(&ro, perm).unwrap();
    // Root ignores directory permissions: then use a state dir below a regular file,
    // which no one can create.
    let state = if nix_is_root() {
        let f = ws.path().join("a-file");
        std::fs::write(&f, "").unwrap();
        f.join("state")
    } else {
        ro
    };
    let mut c = ws.cmd(&["runbook", "run", "drain", "--param", "cluster=eu-1"]);
    c.env("OPSDECK_STATE_DIR", &state);
    let out = ws.run_cmd(c, "SRE-1\n\n\nyes\n");
    assert!(out.stdout.contains("journal cannot be written"), "{out:?}");
    assert!(out.stdout.contains("  | checking eu-1"), "read-only steps still run: {out:?}");
    assert!(out.stdout.contains("was NOT run"), "{out:?}");
    assert!(!marker(&ws).exists(), "{out:?}");
}

fn nix_is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

#[test]
fn list_and_show() {
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=typed:cluster"));
    let o = ws.cmd(&["runbook", "list"]).output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("drain") && s.contains("Drain traffic") && s.contains("Move traffic away"), "{s}");
    let o = ws.cmd(&["runbook", "show", "drain", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["steps"][1]["blocks"][0]["safety"], "destructive");
    assert_eq!(v["steps"][1]["blocks"][0]["attrs"]["confirm"]["typed_param"], "cluster");
    assert_eq!(v["params"][0]["name"], "cluster");
    let o = ws.cmd(&["runbook", "show", "nope"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}
