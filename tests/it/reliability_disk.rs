//! Disk faults (issue 8): the state directory on a real full file system (a 64 KiB tmpfs)
//! and on a read-only one (the same tmpfs remounted read-only), through the real binary.
//! - `opsdeck incident note` fails with a clear message naming the cause, the incidents file
//!   is byte for byte what it was, no temp file is left behind, and the next write works
//!   once there is room again.
//! - `opsdeck runbook run`: with the journal's disk full from the start or filled by an
//!   earlier step of the same run, the destructive step refuses to run; what the journal
//!   already held still verifies (`opsdeck audit verify`).
//!
//! Mounting needs root (CAP_SYS_ADMIN). Without it, the read-only case uses a directory
//! without write permission and the full-disk cases print a skip line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::rbrun_support::{Ws, drain_runbook};

/// A tmpfs of `size` mounted on a fresh temp directory; unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::Builder::new().prefix("opsdeck-tmpfs-").tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_ro(&self) {
        let st = Command::new("mount").args(["-o", "remount,ro"]).arg(self.path()).status().unwrap();
        assert!(st.success(), "remount read-only");
    }

    fn remount_rw(&self) {
        let st = Command::new("mount").args(["-o", "remount,rw"]).arg(self.path()).status().unwrap();
        assert!(st.success(), "remount read-write");
    }

    /// Fills the file system with one file; returns its path.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = [0u8; 4096];
        use std::io::Write;
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
        // Small writes too, down to the last free byte.
        while f.write_all(&[0u8]).is_ok() && f.flush().is_ok() {}
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

fn skip(what: &str) {
    eprintln!("skip {what}: cannot mount a tmpfs here (needs root)");
}

fn opsdeck(state: &Path, cfg: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .env("OPSDECK_STATE_DIR", state)
        .env("OPSDECK_CONFIG", cfg)
        .env("USER", "reliab")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// Declares an incident and adds two notes in `state`; returns the incidents file's bytes.
fn seed_incident(state: &Path, cfg: &Path) -> Vec<u8> {
    let o = opsdeck(state, cfg, &["incident", "declare", "--title", "Disk test", "--severity", "P1"]);
    assert!(o.status.success(), "{}", text(&o));
    for n in ["first note", "second note"] {
        let o = opsdeck(state, cfg, &["incident", "note", n]);
        assert!(o.status.success(), "{}", text(&o));
    }
    std::fs::read(state.join("incidents.json")).unwrap()
}

fn assert_intact(state: &Path, cfg: &Path, before: &[u8]) {
    assert_eq!(std::fs::read(state.join("incidents.json")).unwrap(), before, "the incidents file changed");
    let o = opsdeck(state, cfg, &["incident", "list", "--json"]);
    assert!(o.status.success(), "list still works: {}", text(&o));
    let t = text(&o);
    assert!(t.contains("Disk test"), "{t}");
    let export = opsdeck(state, cfg, &["incident", "export", "1"]);
    let e = text(&export);
    assert!(e.contains("first note") && e.contains("second note"), "{e}");
    assert!(
        !entries(state).iter().any(|n| n.ends_with(".tmp")),
        "no temp file left behind: {:?}",
        entries(state)
    );
}

#[test]
fn incident_note_on_a_full_disk_fails_clearly_and_loses_nothing() {
    let Some(fs) = Tmpfs::mount("64k") else { return skip("full disk") };
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = cfg_dir.path().join("opsdeck.toml");
    std::fs::write(&cfg, "").unwrap();
    let state = fs.path().join("state");
    let before = seed_incident(&state, &cfg);

    let filler = fs.fill();
    let o = opsdeck(&state, &cfg, &["incident", "note", "a note that does not fit ".repeat(200).trim()]);
    let t = text(&o);
    assert!(!o.status.success(), "the note cannot be written: {t}");
    assert!(t.contains("No space left on device"), "the cause is named: {t}");
    assert!(t.contains(&state.display().to_string()), "the path is named: {t}");
    assert_intact(&state, &cfg, &before);

    // Room again: the next note is written.
    std::fs::remove_file(filler).unwrap();
    let o = opsdeck(&state, &cfg, &["incident", "note", "after the disk was freed"]);
    assert!(o.status.success(), "{}", text(&o));
    let now = String::from_utf8(std::fs::read(state.join("incidents.json")).unwrap()).unwrap();
    assert!(now.contains("after the disk was freed"));
}

#[test]
fn incident_note_on_a_read_only_disk_fails_clearly_and_loses_nothing() {
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = cfg_dir.path().join("opsdeck.toml");
    std::fs::write(&cfg, "").unwrap();
    let fs = Tmpfs::mount("1m");
    let fallback = tempfile::tempdir().unwrap();
    let state = match &fs {
        Some(fs) => fs.path().join("state"),
        None if !is_root() => fallback.path().join("state"),
        None => return skip("read-only disk"),
    };
    let before = seed_incident(&state, &cfg);
    match &fs {
        Some(fs) => fs.remount_ro(),
        None => set_mode(&state, 0o555),
    }
    for args in [
        &["incident", "note", "cannot be written"][..],
        &["incident", "declare", "--title", "Another", "--severity", "P2"][..],
        &["incident", "ack"][..],
    ] {
        let o = opsdeck(&state, &cfg, args);
        let t = text(&o);
        assert!(!o.status.success(), "{args:?}: {t}");
        assert!(
            t.contains("Read-only file system") || t.contains("Permission denied"),
            "{args:?}: the cause is named: {t}"
        );
    }
    assert_intact(&state, &cfg, &before);
    match &fs {
        Some(fs) => fs.remount_rw(),
        None => set_mode(&state, 0o755),
    }
    let o = opsdeck(&state, &cfg, &["incident", "note", "writable again"]);
    assert!(o.status.success(), "{}", text(&o));
}

fn is_root() -> bool {
    nix::unistd::Uid::effective().is_root()
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn marker_exists(ws: &Ws) -> bool {
    ws.rb().join("marker-eu-1").exists() || ws.path().join("marker-eu-1").exists()
}

/// Full from the start: the journal cannot be written, read-only steps may run, the
/// destructive one refuses.
#[test]
fn journal_on_a_full_disk_refuses_destructive_steps() {
    let Some(fs) = Tmpfs::mount("64k") else { return skip("full disk journal") };
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let state = fs.path().join("state");
    std::fs::create_dir(&state).unwrap();
    fs.fill();
    let mut c = ws.cmd(&["runbook", "run", "drain", "--param", "cluster=eu-1"]);
    c.env("OPSDECK_STATE_DIR", &state);
    let out = ws.run_cmd(c, "SRE-1\n\n\nyes\n");
    assert!(out.stdout.contains("journal cannot be written"), "{out:?}");
    assert!(out.stdout.contains("was NOT run"), "{out:?}");
    assert!(!marker_exists(&ws), "the destructive step ran without a journal: {out:?}");
    assert_ne!(out.code, Some(0), "{out:?}");
}

/// Read-only from the start: the same refusal.
#[test]
fn journal_on_a_read_only_disk_refuses_destructive_steps() {
    let Some(fs) = Tmpfs::mount("1m") else { return skip("read-only journal") };
    let ws = Ws::new("");
    ws.write_runbook("drain", &drain_runbook("confirm=yes"));
    let state = fs.path().join("state");
    std::fs::create_dir(&state).unwrap();
    fs.remount_ro();
    let mut c = ws.cmd(&["runbook", "run", "drain", "--param", "cluster=eu-1"]);
    c.env("OPSDECK_STATE_DIR", &state);
    let out = ws.run_cmd(c, "SRE-1\n\n\nyes\n");
    assert!(out.stdout.contains("journal cannot be written"), "{out:?}");
    assert!(out.stdout.contains("was NOT run"), "{out:?}");
    assert!(!marker_exists(&ws), "{out:?}");
}

/// The disk fills up in the middle of a run (an earlier step fills it): the journal keeps
/// only whole records and still verifies (a failed append used to leave a torn line that
/// `audit verify` rejected), and the next destructive step either refuses to run or runs
/// only after its own record was written.
#[test]
fn disk_filling_mid_run_refuses_the_next_destructive_step_and_keeps_the_journal() {
    let Some(fs) = Tmpfs::mount("256k") else { return skip("disk filling mid-run") };
    let ws = Ws::new("");
    let state = fs.path().join("state");
    let filler = fs.path().join("filler");
    let runbook = format!(
        r#"---
title: Fill then drain
justification:
  required: true
  pattern: "^SRE-[0-9]+$"
---
# Fill then drain

## Fill the disk

```sh {{destructive confirm=yes}}
head -c 1000000 /dev/zero > {filler} 2>/dev/null || true
echo filled
seq 100000 103000
```

## Drain it

```sh {{destructive confirm=yes}}
touch marker-eu-1
echo drained
```
"#,
        filler = filler.display()
    );
    ws.write_runbook("fill", &runbook);
    let mut c = ws.cmd(&["runbook", "run", "fill"]);
    c.env("OPSDECK_STATE_DIR", &state);
    // Justification; run step 1 and confirm it; run step 2 and confirm it.
    let out = ws.run_cmd(c, "SRE-1\n\nyes\n\nyes\n");
    assert!(filler.exists(), "step 1 filled the disk: {out:?}");
    assert!(out.stdout.contains("filled"), "{out:?}");
    let journals: Vec<PathBuf> =
        std::fs::read_dir(state.join("runs")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(journals.len(), 1, "{journals:?}");
    let j = std::fs::read_to_string(&journals[0]).unwrap();
    let records: Vec<serde_json::Value> = j
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a torn record ({e}): {l:?}")))
        .collect();
    let step2_started =
        records.iter().any(|r| r["event"] == "block_started" && r["step"] == 1 && r["confirmation"] == "yes");
    // Which of the two happens depends on how much of the journal's last page was still
    // free; both keep the rule "journaled before the action".
    if marker_exists(&ws) {
        assert!(step2_started, "the destructive step ran without its record: {out:?}\n{j}");
        assert!(out.stdout.contains("journal not written"), "the later failure is reported: {out:?}");
    } else {
        assert!(!step2_started, "{j}");
        assert!(out.stdout.contains("journal cannot be written"), "{out:?}");
        assert!(out.stdout.contains("was NOT run"), "{out:?}");
    }

    // What was journaled before the disk filled is intact and verifies.
    std::fs::remove_file(&filler).unwrap();
    let v = ws.cmd(&["audit", "verify"]).arg(&journals[0]).env("OPSDECK_STATE_DIR", &state).output().unwrap();
    assert!(v.status.success(), "the journal verifies: {}", text(&v));
    assert!(records.len() >= 3, "records before the fill are kept: {j}");
    assert!(records.iter().any(|r| r["event"] == "block_started" && r["step"] == 0), "{j}");
}
