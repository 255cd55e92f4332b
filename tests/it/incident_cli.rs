//! The incident command line as separate processes sharing one state directory: a second
//! process sees a declaration within a second, fifty concurrent notes all land, and the
//! export reads like a review.
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn opsdeck(state: &Path, user: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    c.args(args)
        .env("OPSDECK_STATE_DIR", state)
        .env("OPSDECK_CONFIG", state.join("no-config.toml"))
        .env("USER", user)
        .env_remove("SSH_CLIENT");
    c
}

fn run(state: &Path, user: &str, args: &[&str]) -> Output {
    let out = opsdeck(state, user, args).output().expect("run opsdeck");
    assert!(
        out.status.success(),
        "opsdeck {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn list_json(state: &Path) -> serde_json::Value {
    let out = run(state, "wall", &["incident", "list", "--json", "--all"]);
    serde_json::from_slice(&out.stdout).expect("list --json prints JSON")
}

#[test]
fn a_declaration_is_seen_by_another_process_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(list_json(dir.path()), serde_json::json!([]));
    // The declaring process runs concurrently with the watching one.
    let mut declarer = opsdeck(
        dir.path(),
        "alice",
        &["incident", "declare", "--title", "Checkout 500s", "--severity", "P1"],
    )
    .spawn()
    .unwrap();
    let started = Instant::now();
    let seen = loop {
        let list = list_json(dir.path());
        if let Some(first) = list.as_array().and_then(|a| a.first()).cloned() {
            break first;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "never seen");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(declarer.wait().unwrap().success());
    let declared_after = started.elapsed();
    assert!(declared_after < Duration::from_secs(1), "seen after {declared_after:?}");
    assert_eq!(seen["title"], "Checkout 500s");
    assert_eq!(seen["severity"], "P1");
    assert_eq!(seen["status"], "open");
    assert_eq!(seen["label"], "INC-1");
    assert_eq!(seen["tier_name"], "Unassigned");
    assert_eq!(seen["phase"], "Detection");
    assert_eq!(seen["deadline_state"], "normal");
    assert_eq!(seen["next_tier"]["name"], "Primary on-call");

    // The acknowledgement from a second "terminal" (an SSH session) shows up too.
    let out = opsdeck(dir.path(), "bob", &["incident", "ack"])
        .env("SSH_CLIENT", "10.0.0.5 51234 22")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = list_json(dir.path());
    assert_eq!(list[0]["status"], "acknowledged");
    assert_eq!(list[0]["acknowledged_by"], "bob (ssh 10.0.0.5)");
    assert!(list[0]["next_tier"].is_null(), "ack stops escalation");
}

#[test]
fn fifty_concurrent_notes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "alice", &["incident", "declare", "--title", "Storm", "--severity", "SEV-1"]);
    let children: Vec<_> = (0..50)
        .map(|n| {
            opsdeck(dir.path(), &format!("user{n}"), &["incident", "note", "1", &format!("note number {n}")])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let text = std::fs::read_to_string(dir.path().join("incidents.json")).unwrap();
    let book: serde_json::Value = serde_json::from_str(&text).unwrap();
    let timeline = book["incidents"][0]["timeline"].as_array().unwrap();
    let mut notes: Vec<String> = timeline
        .iter()
        .filter(|e| e["event"] == "note")
        .map(|e| format!("{}: {}", e["who"].as_str().unwrap(), e["text"].as_str().unwrap()))
        .collect();
    notes.sort();
    let mut expected: Vec<String> = (0..50).map(|n| format!("user{n}: note number {n}")).collect();
    expected.sort();
    assert_eq!(notes, expected);
    assert_eq!(book["generation"], 51, "one write per process");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn export_reads_like_a_review() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, "alice", &["incident", "declare", "--title", "Login failures | EU", "--severity", "P0"]);
    run(d, "alice", &["incident", "note", "INC-1", "rolled", "back", "deploy", "4512"]);
    run(d, "bob", &["incident", "note", "paging the auth team"]);
    run(d, "bob", &["incident", "ack", "1"]);
    run(d, "carol", &["incident", "resolve"]);
    let out_file = d.join("review.md");
    let out = run(d, "carol", &["incident", "export", "1", "--out", out_file.to_str().unwrap()]);
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(&out_file).unwrap();
    let stdout = String::from_utf8(run(d, "carol", &["incident", "export"]).stdout).unwrap();
    assert_eq!(stdout.lines().skip(3).collect::<Vec<_>>(), md.lines().skip(3).collect::<Vec<_>>());

    assert!(md.starts_with("# INC-1: Login failures | EU\n"), "{md}");
    assert!(md.contains("All times are UTC"));
    assert!(md.contains("| Severity | P0 (SEV-1) |"));
    assert!(md.contains("| Status | resolved |"));
    assert!(md.contains("(declared by alice) |"));
    assert!(
        md.contains(" by bob, 0s after detection |") || md.contains(" by bob, 1s after detection |"),
        "{md}"
    );
    assert!(md.contains("target 1h met"), "{md}");
    assert!(md.contains("## Timeline"));
    assert!(md.contains("| Time (UTC) | Since detection | Event | Who |"));
    assert!(md.contains("Incident declared, P0 (SEV-1): Login failures \\| EU | alice |"), "{md}");
    assert!(md.contains("| Note: rolled back deploy 4512 | alice |"));
    assert!(md.contains("| Note: paging the auth team | bob |"));
    assert!(md.contains("| Acknowledged; escalation stopped | bob |"));
    assert!(md.contains("| Resolved; incident closed | carol |"));
    assert!(md.contains("- ") && md.contains(" UTC, alice: rolled back deploy 4512"));
    assert!(md.contains("No runbook steps were recorded."));
    assert!(md.contains("## Review"));
    // Timeline rows are in order and carry UTC times.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| 20")).collect();
    assert_eq!(rows.len(), 5, "{rows:?}");
    let order = ["Incident declared", "rolled back", "paging", "Acknowledged", "Resolved"];
    for (row, word) in rows.iter().zip(order) {
        assert!(row.contains(word), "{row} should mention {word}");
    }
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = opsdeck(d, "a", &["incident", "ack"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no open incident"));
    let out = opsdeck(d, "a", &["incident", "declare", "--title", "x", "--severity", "P7"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "clap usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a severity"));
    run(d, "a", &["incident", "declare", "--title", "x", "--severity", "P2"]);
    run(d, "a", &["incident", "ack"]);
    let out = opsdeck(d, "b", &["incident", "ack", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already acknowledged (by a"));
    let out = opsdeck(d, "b", &["incident", "resolve", "9"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no incident 9"));

    // A bad escalation config is named with its file and exits 2.
    let cfg = d.join("bad.toml");
    std::fs::write(&cfg, "[escalation]\npreset = \"weekly\"\n").unwrap();
    let out = opsdeck(d, "a", &["incident", "list"]).env("OPSDECK_CONFIG", &cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:2:10") && err.contains("`weekly`"), "{err}");

    // A state file that is not ours is reported and left alone.
    std::fs::write(d.join("incidents.json"), "garbage").unwrap();
    let out = opsdeck(d, "a", &["incident", "note", "hi"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid incident file"));
    assert_eq!(std::fs::read_to_string(d.join("incidents.json")).unwrap(), "garbage");
}

#[test]
fn tiers_preset_from_the_config_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = d.join("c.toml");
    std::fs::write(&cfg, "[escalation]\npreset = \"tiers\"\n").unwrap();
    let out = opsdeck(d, "a", &["incident", "declare", "--title", "x", "--severity", "P1"])
        .env("OPSDECK_CONFIG", &cfg)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = opsdeck(d, "a", &["incident", "list", "--json"]).env("OPSDECK_CONFIG", &cfg).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["tier_name"], "L1");
    assert_eq!(list[0]["next_tier"]["name"], "L2");
    // L1 at once is recorded in the timeline on the first write.
    let book: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("incidents.json")).unwrap()).unwrap();
    let events: Vec<_> =
        book["incidents"][0]["timeline"].as_array().unwrap().iter().map(|e| e["event"].clone()).collect();
    assert_eq!(events, ["declared", "escalated"]);
}

#[test]
fn a_watching_screen_reloads_within_a_second_of_another_process_writing() {
    use opsdeck::incident::{Store, Watch};
    let dir = tempfile::tempdir().unwrap();
    let mut watch = Watch::new(Store::new(dir.path())).unwrap();
    assert!(!watch.refresh().unwrap(), "nothing to reload yet");
    let mut child =
        opsdeck(dir.path(), "alice", &["incident", "declare", "--title", "Wall test", "--severity", "P0"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
    let started = Instant::now();
    while !watch.refresh().unwrap() {
        assert!(started.elapsed() < Duration::from_secs(5), "never reloaded");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(started.elapsed() < Duration::from_secs(1), "reloaded after {:?}", started.elapsed());
    assert!(child.wait().unwrap().success());
    assert_eq!(watch.book.incidents[0].title, "Wall test");
    assert!(!watch.refresh().unwrap(), "no change, no reload");
    run(dir.path(), "bob", &["incident", "ack"]);
    assert!(watch.refresh().unwrap());
    assert_eq!(watch.book.incidents[0].acknowledged.as_ref().unwrap().who, "bob");
}
