//! `opsdeck audit verify`: every journal's own hash chain, and every journal against the
//! run index (`run_index`) that anchors its head: a journal cut short, emptied, deleted,
//! extended outside opsdeck, or rewritten (hashes that differ from the anchored ones) is a
//! finding; with `[audit] key_file` every index line must carry a valid HMAC.
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::journal::{self, JournalError};
use super::run_index;

/// What `audit verify` prints and how many findings it made.
#[derive(Debug, Default)]
pub struct Report {
    pub text: String,
    pub findings: usize,
}

impl Report {
    fn ok(&mut self, line: String) {
        let _ = writeln!(self.text, "{line}");
    }
    fn bad(&mut self, line: String) {
        self.findings += 1;
        let _ = writeln!(self.text, "{line}");
    }
}

/// The state directory a journal file belongs to (`STATE/runs/ID.jsonl`).
pub fn state_dir_of(journal: &Path) -> Option<PathBuf> {
    let runs = journal.parent()?;
    (runs.file_name()? == "runs").then(|| runs.parent().map(Path::to_path_buf)).flatten()
}

/// Verifies `files` (or, when `None`, every journal of `state_dir` and every run the
/// index knows) against the index of `state_dir`.
pub fn verify(state_dir: &Path, files: Option<Vec<PathBuf>>) -> Report {
    let mut r = Report::default();
    let index_file = run_index::index_path(state_dir);
    let keyed = run_index::keyed();
    let index = match run_index::read(state_dir) {
        Ok(Some(idx)) => {
            r.ok(format!(
                "{}: ok, {} entries for {} runs, chain intact, {}",
                index_file.display(),
                idx.lines,
                idx.heads.len(),
                if keyed {
                    format!("every entry signed with the [audit] key ({} checked)", idx.signed)
                } else {
                    "unsigned (no [audit] key_file: a full rewrite with recomputed hashes is not detected)"
                        .into()
                }
            ));
            Some(idx)
        }
        Ok(None) => None,
        Err(e) => {
            r.bad(e);
            None
        }
    };
    let all = files.is_none();
    let files = match files {
        Some(f) => f,
        None => match journal::list_journals(state_dir) {
            Ok(f) => f,
            Err(e) => {
                r.bad(format!("{}: {e}", journal::runs_dir(state_dir).display()));
                Vec::new()
            }
        },
    };
    let mut seen = BTreeSet::new();
    for f in &files {
        let run_id = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        seen.insert(run_id.clone());
        let head = index.as_ref().and_then(|i| i.heads.get(&run_id));
        check_journal(&mut r, f, head, index.is_some());
    }
    if all {
        if let Some(idx) = &index {
            for (run_id, head) in &idx.heads {
                if !seen.contains(run_id) {
                    r.bad(format!(
                        "{}: BAD: missing: the run index holds {} records for run {run_id} but the journal is gone (deleted)",
                        journal::journal_path(state_dir, run_id).display(),
                        head.count
                    ));
                }
            }
        } else if files.is_empty() && !index_file.exists() {
            r.ok(format!("no journals in {} and no run index", journal::runs_dir(state_dir).display()));
        }
    }
    let _ = writeln!(
        r.text,
        "checked {} journal{} against {}: {} finding{}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if index.is_some() { "the run index" } else { "no run index" },
        r.findings,
        if r.findings == 1 { "" } else { "s" }
    );
    r
}

fn check_journal(r: &mut Report, f: &Path, head: Option<&run_index::IndexEntry>, have_index: bool) {
    let records = match journal::read_verified(f) {
        Ok(recs) => recs,
        Err(JournalError::Bad(e, _)) => {
            return r.bad(format!("{}:{}: BAD: {}", f.display(), e.line, e.reason));
        }
        Err(e) => return r.bad(format!("{}:0: BAD: {e}", f.display())),
    };
    let text = std::fs::read_to_string(f).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let n = records.len() as u64;
    let Some(head) = head else {
        if n == 0 {
            return r.ok(format!("{}: ok, 0 records (never started: not in the run index)", f.display()));
        }
        return r.bad(format!(
            "{}: BAD: {n} records but the run is not in the run index{}",
            f.display(),
            if have_index {
                " (written outside opsdeck, or the index was replaced)"
            } else {
                " (the index is missing)"
            }
        ));
    };
    let first = lines.first().map(|l| journal::sha256_hex(l.as_bytes()));
    let latest = lines.last().map(|l| journal::sha256_hex(l.as_bytes()));
    if n < head.count {
        let what = if n == 0 { "emptied" } else { "truncated" };
        return r.bad(format!(
            "{}: BAD: {what}: {n} records, the run index anchors {} (the last {} removed)",
            f.display(),
            head.count,
            head.count - n
        ));
    }
    if n > head.count {
        return r.bad(format!(
            "{}: BAD: {n} records, the run index anchors {}: records {}.. were added outside opsdeck",
            f.display(),
            head.count,
            head.count + 1
        ));
    }
    if first.as_deref() != Some(head.first.as_str()) || latest.as_deref() != Some(head.latest.as_str()) {
        return r.bad(format!(
            "{}: BAD: rewritten: the chain is whole but its {} record is not the one the run index anchors",
            f.display(),
            if first.as_deref() != Some(head.first.as_str()) { "first" } else { "latest" }
        ));
    }
    r.ok(format!("{}: ok, {n} records, chain intact, head matches the run index", f.display()));
}
