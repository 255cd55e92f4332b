//! The journal's hash chain catches an edited byte, a removed record, reordered records
//! and an edit whose own hash was recomputed; `opsdeck audit verify` names the line.
use crate::rbrun_support::*;

use opsdeck::runbook::journal::{self, Entry, EventKind, Journal, Who, verify_file};
use std::path::{Path, PathBuf};

fn write_journal(dir: &Path, n: usize) -> PathBuf {
    let mut j = Journal::create(
        dir,
        "run-1",
        Who { user: "alice".into(), ssh_client: Some("10.0.0.1 5000 22".into()) },
        Path::new("/rb/drain.md"),
        "abc123",
    )
    .unwrap();
    for i in 0..n {
        j.append(&Entry {
            time: chrono::DateTime::from_timestamp(1_800_000_000 + i as i64, 0).unwrap(),
            event: if i == 0 { EventKind::RunStarted } else { EventKind::BlockFinished },
            step: Some(i),
            step_id: Some(format!("s{i}")),
            block: Some(0),
            params: [("cluster".to_string(), "eu-1".to_string())].into(),
            justification: Some("SRE-1".into()),
            confirmation: Some("eu-1".into()),
            exit_code: Some(0),
            output: Some(format!("line {i}\n")),
            detail: None,
            drill: false,
            values: Default::default(),
        })
        .unwrap();
    }
    j.path().to_path_buf()
}

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p).unwrap().lines().map(String::from).collect()
}

fn write_lines(p: &Path, l: &[String]) {
    std::fs::write(p, l.join("\n") + "\n").unwrap();
}

#[test]
fn an_intact_journal_verifies() {
    let d = tempfile::tempdir().unwrap();
    let p = write_journal(d.path(), 5);
    assert_eq!(verify_file(&p), Ok(5));
    let recs = journal::read_verified(&p).unwrap();
    assert_eq!(recs[0].prev, journal::GENESIS);
    assert_eq!(recs[1].prev, journal::sha256_hex(lines(&p)[0].as_bytes()));
    assert_eq!(recs[2].who.ssh_client.as_deref(), Some("10.0.0.1 5000 22"));
}

#[test]
fn an_edited_byte_is_named() {
    let d = tempfile::tempdir().unwrap();
    let p = write_journal(d.path(), 5);
    let mut l = lines(&p);
    l[2] = l[2].replacen("\"exit_code\":0", "\"exit_code\":1", 1);
    write_lines(&p, &l);
    let e = verify_file(&p).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.reason.contains("edited"), "{e}");
}

#[test]
fn a_removed_record_is_named() {
    let d = tempfile::tempdir().unwrap();
    let p = write_journal(d.path(), 5);
    let mut l = lines(&p);
    l.remove(1);
    write_lines(&p, &l);
    let e = verify_file(&p).unwrap_err();
    assert_eq!(e.line, 2, "{e}");
    assert!(e.reason.contains("removed or reordered"), "{e}");
}

#[test]
fn reordered_records_are_named() {
    let d = tempfile::tempdir().unwrap();
    let p = write_journal(d.path(), 5);
    let mut l = lines(&p);
    l.swap(2, 3);
    write_lines(&p, &l);
    assert_eq!(verify_file(&p).unwrap_err().line, 3);
}

#[test]
fn a_rehashed_edit_breaks_the_next_link() {
    let d = tempfile::tempdir().unwrap();
    let p = write_journal(d.path(), 5);
    let recs = journal::read_verified(&p).unwrap();
    let mut forged = recs[1].clone();
    forged.entry.confirmation = Some("forged".into());
    let mut l = lines(&p);
    l[1] = journal::encode_line(&forged);
    write_lines(&p, &l);
    let e = verify_file(&p).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.reason.contains("prev hash"), "{e}");
}

#[test]
fn garbage_and_a_missing_file_are_reported() {
    let d = tempfile::tempdir().unwrap();
    let p = write_journal(d.path(), 3);
    let mut l = lines(&p);
    l.push("{\"not\": \"a record\"}".into());
    write_lines(&p, &l);
    assert_eq!(verify_file(&p).unwrap_err().line, 4);
    assert_eq!(verify_file(&d.path().join("nope.jsonl")).unwrap_err().line, 0);
}

#[test]
fn audit_verify_cli_exit_codes() {
    let ws = Ws::new("");
    let good = write_journal(&ws.state(), 4);
    let o = ws.cmd(&["audit", "verify", good.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok, 4 records"));
    // A second journal in the state dir, tampered: `audit verify` with no file checks all.
    let mut j = Journal::create(&ws.state(), "run-2", Who::default(), Path::new("x.md"), "h").unwrap();
    for _ in 0..3 {
        j.append(&journal::read_verified(&good).unwrap()[1].entry).unwrap();
    }
    let bad = j.path().to_path_buf();
    let mut l = lines(&bad);
    l[1] = l[1].replacen("eu-1", "eu-2", 1);
    write_lines(&bad, &l);
    let o = ws.cmd(&["audit", "verify"]).output().unwrap();
    let s = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains(&format!("{}:2: BAD", bad.display())), "{s}");
    assert!(s.contains("run-1.jsonl: ok"), "{s}");
    let o = ws.cmd(&["audit", "verify", bad.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}
