//! Issue 17, on the local machine (the real binary): runbook trust (symlinks, ancestors,
//! owners), the anchored journal (truncated, emptied, deleted, rewritten), durations out of
//! range, and output errors (a closed pipe, a full disk).
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::rbrun_support::*;

fn mode(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// A workspace whose commands also get a private HOME.
fn ws(extra: &str) -> Ws {
    let w = Ws::new(extra);
    mode(w.path(), 0o755);
    w
}

fn run(w: &Ws, args: &[&str], stdin: &str) -> Out {
    let mut c = w.cmd(args);
    c.env("HOME", w.path());
    w.run_cmd(c, stdin)
}

fn completed_run(w: &Ws) -> String {
    w.write_runbook("drain", &drain_runbook("confirm=yes"));
    let out = run(w, &["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-42\n\n\nyes\n");
    assert_eq!(out.code, Some(0), "{out:?}");
    out.run_id()
}

// ---- 3. runbook trust ----

#[test]
fn a_symlink_into_a_world_writable_folder_is_refused_and_named() {
    let w = ws("");
    let open = w.path().join("open");
    std::fs::create_dir(&open).unwrap();
    mode(&open, 0o777); // world-writable, not sticky
    let target = open.join("evil.md");
    std::fs::write(&target, drain_runbook("confirm=yes")).unwrap();
    mode(&target, 0o644);
    std::os::unix::fs::symlink(&target, w.rb().join("drain.md")).unwrap();
    let out = run(&w, &["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-42\n\n\nyes\n");
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.stderr.contains("refusing") && out.stderr.contains(&open.display().to_string()), "{out:?}");
    assert!(out.stderr.contains("writable by group or others"), "{out:?}");
    assert!(!w.rb().join("marker-eu-1").exists());
}

#[test]
fn a_world_writable_grandparent_is_refused() {
    let w = ws("");
    let gp = w.path().join("gp");
    let parent = gp.join("p");
    std::fs::create_dir_all(&parent).unwrap();
    mode(&gp, 0o777);
    mode(&parent, 0o755);
    let rb = parent.join("drain.md");
    std::fs::write(&rb, drain_runbook("confirm=yes")).unwrap();
    mode(&rb, 0o644);
    let out = run(&w, &["runbook", "show", rb.to_str().unwrap()], "");
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.stderr.contains(&format!("its folder {} is writable", gp.display())), "{out:?}");
    // Sticky and root's is fine above the file's own folder (like /tmp)...
    if is_root() {
        mode(&gp, 0o1777);
        let out = run(&w, &["runbook", "show", rb.to_str().unwrap()], "");
        assert_eq!(out.code, Some(0), "{out:?}");
    }
    // ...but not as the folder holding the file.
    mode(&gp, 0o755);
    mode(&parent, 0o1777);
    let out = run(&w, &["runbook", "show", rb.to_str().unwrap()], "");
    assert_ne!(out.code, Some(0), "{out:?}");
}

#[test]
fn a_runbook_or_folder_owned_by_another_user_is_refused_unless_trusted() {
    if !is_root() {
        eprintln!("skip: chown needs root");
        return;
    }
    let nobody = nix::unistd::User::from_name("nobody").unwrap().expect("user nobody");
    let w = ws("");
    let p = w.write_runbook("drain", &drain_runbook("confirm=yes"));
    mode(&p, 0o644);
    nix::unistd::chown(&p, Some(nobody.uid), None).unwrap();
    let out = run(&w, &["runbook", "run", "drain", "--param", "cluster=eu-1"], "SRE-42\n\n\nyes\n");
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.stderr.contains("is owned by nobody"), "{out:?}");
    assert!(!w.rb().join("marker-eu-1").exists(), "{out:?}");
    // The folder owned by another user: refused too.
    nix::unistd::chown(&p, Some(nix::unistd::Uid::from_raw(0)), None).unwrap();
    nix::unistd::chown(&w.rb(), Some(nobody.uid), None).unwrap();
    let out = run(&w, &["runbook", "show", p.to_str().unwrap()], "");
    assert!(out.stderr.contains(&format!("refusing {}", w.rb().display())), "{out:?}");
    assert!(out.stderr.contains("is owned by nobody"), "{out:?}");
    assert_ne!(out.code, Some(0), "{out:?}");
    // `[runbooks] trusted_owners` adds a user.
    let cfg = w.path().join("cfg.toml");
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("[runbooks]\n", "[runbooks]\ntrusted_owners = [\"nobody\"]\n");
    std::fs::write(&cfg, text).unwrap();
    let out = run(&w, &["runbook", "show", p.to_str().unwrap()], "");
    assert_eq!(out.code, Some(0), "{out:?}");
}

// ---- 5. the anchored journal ----

fn verify(w: &Ws) -> Out {
    run(w, &["audit", "verify"], "")
}

#[test]
fn truncated_emptied_and_deleted_journals_are_findings() {
    let w = ws("");
    let id = completed_run(&w);
    let j = w.state().join("runs").join(format!("{id}.jsonl"));
    let intact = std::fs::read_to_string(&j).unwrap();
    let v = verify(&w);
    assert_eq!(v.code, Some(0), "{v:?}");
    assert!(v.stdout.contains("head matches the run index"), "{v:?}");
    assert!(v.stdout.contains("run-index.jsonl: ok"), "{v:?}");

    // Tail records removed: the chain alone is fine, the index is not.
    let lines: Vec<&str> = intact.lines().collect();
    std::fs::write(&j, lines[..lines.len() - 2].join("\n") + "\n").unwrap();
    assert_eq!(opsdeck::runbook::journal::verify_file(&j).ok(), Some(lines.len() - 2));
    let v = verify(&w);
    assert_eq!(v.code, Some(1), "{v:?}");
    assert!(v.stdout.contains("BAD: truncated"), "{v:?}");

    // Emptied.
    std::fs::write(&j, "").unwrap();
    let v = verify(&w);
    assert_eq!(v.code, Some(1), "{v:?}");
    assert!(v.stdout.contains("BAD: emptied"), "{v:?}");
    let v = run(&w, &["audit", "verify", j.to_str().unwrap()], "");
    assert_eq!(v.code, Some(1), "{v:?}");

    // Deleted (every journal).
    std::fs::remove_file(&j).unwrap();
    let v = verify(&w);
    assert_eq!(v.code, Some(1), "{v:?}");
    assert!(v.stdout.contains("BAD: missing"), "{v:?}");
    assert!(!v.stdout.contains("no journals"), "{v:?}");
}

/// Rewrites a journal with recomputed hashes (an output changed), and the index to match,
/// keeping each index line's old MAC (the forger has no key).
fn forge(w: &Ws, id: &str) {
    use opsdeck::runbook::journal::{GENESIS, Record, encode_line, sha256_hex};
    use opsdeck::runbook::run_index::{IndexEntry, encode_entry, index_path};
    let j = w.state().join("runs").join(format!("{id}.jsonl"));
    let mut prev = GENESIS.to_string();
    let mut out = Vec::new();
    for l in std::fs::read_to_string(&j).unwrap().lines() {
        let mut r: Record = serde_json::from_str(l).unwrap();
        r.prev = prev.clone();
        if let Some(o) = r.entry.output.as_mut() {
            *o = o.replace("drained", "nothing happened");
        }
        let line = encode_line(&r);
        prev = sha256_hex(line.as_bytes());
        out.push(line);
    }
    let first = sha256_hex(out[0].as_bytes());
    std::fs::write(&j, out.join("\n") + "\n").unwrap();
    let ip = index_path(&w.state());
    let mut prev = GENESIS.to_string();
    let mut lines = Vec::new();
    for l in std::fs::read_to_string(&ip).unwrap().lines() {
        let mut e: IndexEntry = serde_json::from_str(l).unwrap();
        e.prev = prev.clone();
        e.first = first.clone();
        if e.count as usize == out.len() {
            e.latest = prev_of(&out);
        }
        let line = encode_entry(&e);
        prev = sha256_hex(line.as_bytes());
        lines.push(line);
    }
    std::fs::write(&ip, lines.join("\n") + "\n").unwrap();
}

fn prev_of(lines: &[String]) -> String {
    opsdeck::runbook::journal::sha256_hex(lines.last().unwrap().as_bytes())
}

#[test]
fn a_full_rewrite_is_detected_with_the_audit_key_and_not_without() {
    // Without a key: documented as not detected (the forger recomputes every hash).
    let w = ws("");
    let id = completed_run(&w);
    forge(&w, &id);
    let v = verify(&w);
    assert_eq!(v.code, Some(0), "without a key a full rewrite is not detectable: {v:?}");
    assert!(v.stdout.contains("unsigned"), "{v:?}");

    // With `[audit] key_file`.
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("audit.key");
    std::fs::write(&key, "k-17-0123456789abcdef0123").unwrap();
    mode(&key, 0o600);
    let w = ws(&format!("[audit]\nkey_file = {:?}\n", key.display().to_string()));
    let id = completed_run(&w);
    let v = verify(&w);
    assert_eq!(v.code, Some(0), "{v:?}");
    assert!(v.stdout.contains("signed with the [audit] key"), "{v:?}");
    forge(&w, &id);
    let v = verify(&w);
    assert_eq!(v.code, Some(1), "{v:?}");
    assert!(v.stdout.contains("MAC does not match"), "{v:?}");
}

// ---- 7. durations out of range ----

#[test]
fn an_absurd_duration_fails_check_with_its_place_and_never_panics() {
    for (body, line) in [
        ("[defaults]\npoll = \"18446744073709551615s\"\n", 2),
        (
            "[[statuspage]]\nname = \"s\"\nurl = \"http://127.0.0.1:9/x\"\npoll = \"18446744073709551615s\"\n",
            4,
        ),
        ("[moderation]\ndepth = \"x\"\nsla = \"18446744073709551615s\"\n", 3),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("c.toml");
        std::fs::write(&cfg, body).unwrap();
        for args in [&["check"][..], &["snapshot", "--json"][..]] {
            let o = Command::new(BIN)
                .args(args)
                .arg("--config")
                .arg(&cfg)
                .env("OPSDECK_STATE_DIR", dir.path().join("state"))
                .env("HOME", dir.path())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?} {body}: {err}");
            assert!(err.contains(&format!("c.toml:{line}:")), "{err}");
            assert!(err.contains("at most 365d"), "{err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
}

// ---- 8. output errors ----

/// Runs with stdout a pipe whose reading end is already closed.
fn closed_pipe(mut c: Command) -> (Option<i32>, String) {
    let (r, wfd) = nix::unistd::pipe().unwrap();
    drop(r);
    c.stdout(Stdio::from(wfd)).stderr(Stdio::piped()).stdin(Stdio::null());
    let o = c.output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn dev_full(mut c: Command) -> (Option<i32>, String) {
    let f = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    c.stdout(Stdio::from(f)).stderr(Stdio::piped()).stdin(Stdio::null());
    let o = c.output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn a_closed_stdout_exits_quietly_and_a_full_one_fails_with_one_line() {
    let w = ws("");
    let id = completed_run(&w);
    let declare = {
        let mut c = w.cmd(&["incident", "declare", "--title", "x", "--severity", "P2"]);
        c.env("HOME", w.path());
        c.output().unwrap()
    };
    assert!(declare.status.success(), "{}", String::from_utf8_lossy(&declare.stderr));
    let cases: Vec<Vec<&str>> = vec![
        vec!["snapshot", "--json"],
        vec!["incident", "list"],
        vec!["incident", "export"],
        vec!["audit", "verify"],
        vec!["check"],
        vec!["runbook", "list"],
        vec!["runbook", "show", "drain", "--json"],
        vec!["runbook", "report", &id],
    ];
    for args in &cases {
        let mk = || {
            let mut c = w.cmd(args);
            c.env("HOME", w.path());
            c
        };
        let (code, err) = closed_pipe(mk());
        assert_eq!(code, Some(0), "{args:?} on a closed pipe: {err}");
        assert!(err.is_empty(), "{args:?} on a closed pipe says nothing: {err}");
        let (code, err) = dev_full(mk());
        assert_eq!(code, Some(1), "{args:?} on a full disk: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
}
