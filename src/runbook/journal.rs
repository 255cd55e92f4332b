//! The run journal: one JSONL file per run in `state_dir()/runs/<run_id>.jsonl`.
//!
//! Contract:
//! - Every line is one [`Record`] (a JSON object) ending with `"hash":"<hex>"}`, where
//!   `hash` is the SHA-256 of the line with that last member removed (the "body"), and
//!   `prev` is the SHA-256 of the previous full line (64 zeros for the first record).
//!   `seq` counts from 1 without gaps.
//! - [`Journal::append`] writes one line and fsyncs before returning: a caller that gets
//!   `Ok` may act on what the record says, never before.
//! - An open [`Journal`] holds an exclusive `flock` on its file: a second process cannot
//!   resume a run that is still going (an SSH session that dropped while its process lives).
//! - [`verify_file`] names the first bad record: edited (own hash), removed or reordered
//!   (seq), or re-hashed after an edit (the next record's `prev`). Truncation of the
//!   last record cannot be seen from the file alone.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acted: the Unix user and, over SSH, `SSH_CLIENT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Who {
    pub user: String,
    #[serde(default)]
    pub ssh_client: Option<String>,
}

impl Who {
    /// The current process's Unix user (by uid; `$USER` as a fallback) and `SSH_CLIENT`.
    pub fn current() -> Who {
        let uid = nix::unistd::getuid();
        let user = nix::unistd::User::from_uid(uid)
            .ok()
            .flatten()
            .map(|u| u.name)
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| format!("uid{uid}"));
        Who { user, ssh_client: std::env::var("SSH_CLIENT").ok().filter(|s| !s.is_empty()) }
    }
}

/// What happened. The machine decides the kind; see `machine.rs` for when each is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    RunStarted,
    RunRefused,
    RunResumed,
    StepStarted,
    /// The values asked for a block's placeholders (`values`), before the block runs.
    ValuesGiven,
    BlockDeclined,
    BlockStarted,
    BlockFinished,
    StepSkipped,
    StepFailed,
    StepFinished,
    VerifyStarted,
    VerifyFinished,
    RollbackStarted,
    RunFinished,
}

/// The part of a record the run state machine decides (pure; time is its input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub time: DateTime<Utc>,
    pub event: EventKind,
    /// 0-based step index and the step's id.
    pub step: Option<usize>,
    pub step_id: Option<String>,
    /// 0-based block (or verify block) index within the step.
    pub block: Option<usize>,
    pub params: BTreeMap<String, String>,
    pub justification: Option<String>,
    /// The exact text the operator typed to confirm (or decline).
    pub confirmation: Option<String>,
    pub exit_code: Option<i32>,
    /// Bounded output tail of a block.
    pub output: Option<String>,
    /// Free text: skip reason, verify verdict, outcome, failure reason.
    pub detail: Option<String>,
    pub drill: bool,
    /// Placeholder values by environment variable (`OPSDECK_PH_POD_NAME`), `***` for a
    /// placeholder that looks secret. On `values_given` and `block_started`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    pub run_id: String,
    pub who: Who,
    pub runbook: PathBuf,
    pub file_hash: String,
    #[serde(flatten)]
    pub entry: Entry,
    pub prev: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("journal {path}: {0}", path = .1.display())]
    Bad(VerifyError, PathBuf),
    #[error("journal {0}: no records")]
    Empty(PathBuf),
    #[error("journal {0}: in use by another opsdeck process (the run is still going)")]
    Locked(PathBuf),
}

/// The first bad record of a journal: 1-based line and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct VerifyError {
    pub line: usize,
    pub reason: String,
}

/// An open journal being appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: nix::fcntl::Flock<File>,
    run_id: String,
    who: Who,
    runbook: PathBuf,
    file_hash: String,
    seq: u64,
    prev: String,
    /// SHA-256 of the first line, once there is one (anchored in the run index).
    first: Option<String>,
}

pub fn runs_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("runs")
}

pub fn journal_path(state_dir: &Path, run_id: &str) -> PathBuf {
    runs_dir(state_dir).join(format!("{run_id}.jsonl"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Journal {
    /// Creates a new, empty journal file (fails if it exists).
    pub fn create(
        state_dir: &Path,
        run_id: &str,
        who: Who,
        runbook: &Path,
        file_hash: &str,
    ) -> Result<Journal, JournalError> {
        let dir = runs_dir(state_dir);
        let path = journal_path(state_dir, run_id);
        let io = |source| JournalError::Io { path: path.clone(), source };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = OpenOptions::new().create_new(true).append(true).open(&path).map_err(io)?;
        let file = lock(file, &path)?;
        Ok(Journal {
            path,
            file,
            run_id: run_id.to_string(),
            who,
            runbook: runbook.to_path_buf(),
            file_hash: file_hash.to_string(),
            seq: 0,
            prev: GENESIS.to_string(),
            first: None,
        })
    }

    /// Opens an existing journal to continue it (resume). The chain must verify; returns
    /// the journal and its records. `who` is the operator who continues.
    pub fn reopen(path: &Path, who: Who) -> Result<(Journal, Vec<Record>), JournalError> {
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|source| JournalError::Io { path: path.to_path_buf(), source })?;
        let file = lock(file, path)?;
        let records = read_verified(path)?;
        let first = records.first().ok_or_else(|| JournalError::Empty(path.to_path_buf()))?;
        let text = std::fs::read_to_string(path)
            .map_err(|source| JournalError::Io { path: path.to_path_buf(), source })?;
        let last_line = text.lines().rfind(|l| !l.is_empty()).unwrap_or_default();
        let first_line = text.lines().next().unwrap_or_default();
        let j = Journal {
            path: path.to_path_buf(),
            file,
            run_id: first.run_id.clone(),
            who,
            runbook: first.runbook.clone(),
            file_hash: first.file_hash.clone(),
            seq: records.len() as u64,
            prev: sha256_hex(last_line.as_bytes()),
            first: Some(sha256_hex(first_line.as_bytes())),
        };
        Ok((j, records))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and fsyncs. On error nothing may be assumed written: the caller
    /// must not perform the action the entry announces.
    pub fn append(&mut self, entry: &Entry) -> Result<Record, JournalError> {
        let record = Record {
            seq: self.seq + 1,
            run_id: self.run_id.clone(),
            who: self.who.clone(),
            runbook: self.runbook.clone(),
            file_hash: self.file_hash.clone(),
            entry: entry.clone(),
            prev: self.prev.clone(),
        };
        let line = encode_line(&record);
        let io = |source| JournalError::Io { path: self.path.clone(), source };
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        let before = self.file.metadata().map(|m| m.len()).ok();
        if let Err(e) = self.file.write_all(&bytes).and_then(|()| self.file.sync_data()) {
            // A full disk may have taken part of the line: cut the torn tail off so that the
            // file keeps only whole records and still verifies (best effort).
            if let Some(len) = before {
                let _ = self.file.set_len(len);
                let _ = self.file.sync_data();
            }
            return Err(io(e));
        }
        // Anchor the new head in the run index before the caller may act on it; if that
        // fails, take the line back so that journal and index agree.
        let hash = sha256_hex(line.as_bytes());
        let first = self.first.clone().unwrap_or_else(|| hash.clone());
        if let Some(state_dir) = self.path.parent().and_then(Path::parent)
            && let Err(e) = super::run_index::record(state_dir, &self.run_id, self.seq + 1, &first, &hash)
        {
            if let Some(len) = before {
                let _ = self.file.set_len(len);
                let _ = self.file.sync_data();
            }
            return Err(JournalError::Io { path: super::run_index::index_path(state_dir), source: e });
        }
        self.first = Some(first);
        self.seq += 1;
        self.prev = hash;
        Ok(record)
    }
}

fn lock(file: File, path: &Path) -> Result<nix::fcntl::Flock<File>, JournalError> {
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock).map_err(|(_, e)| {
        if e == nix::errno::Errno::EWOULDBLOCK {
            JournalError::Locked(path.to_path_buf())
        } else {
            JournalError::Io { path: path.to_path_buf(), source: e.into() }
        }
    })
}

/// The line for a record: its JSON body with `"hash"` (SHA-256 of the body) appended.
/// The record as one JSON line with its hash. Every configured secret in the record
/// (command output, values, reasons) is masked before the hash is taken
/// (`util::scrub`), so the journal never holds one and still verifies.
pub fn encode_line(record: &Record) -> String {
    let body = serde_json::to_string(record).expect("a record always serializes");
    let body = crate::util::scrub::scrub(&body).into_owned();
    let hash = sha256_hex(body.as_bytes());
    format!("{},\"hash\":\"{hash}\"}}", &body[..body.len() - 1])
}

/// Splits a line into its body and claimed hash.
fn split_line(line: &str) -> Option<(String, &str)> {
    let idx = line.rfind(",\"hash\":\"")?;
    let tail = &line[idx..];
    let hash = tail.strip_prefix(",\"hash\":\"")?.strip_suffix("\"}")?;
    if hash.len() != 64 {
        return None;
    }
    Some((format!("{}}}", &line[..idx]), hash))
}

/// Checks the whole chain; returns the records in order.
pub fn read_verified(path: &Path) -> Result<Vec<Record>, JournalError> {
    let file = File::open(path).map_err(|source| JournalError::Io { path: path.into(), source })?;
    let mut records = Vec::new();
    let mut prev = GENESIS.to_string();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|source| JournalError::Io { path: path.into(), source })?;
        let bad = |reason: String| JournalError::Bad(VerifyError { line: n, reason }, path.into());
        let Some((body, hash)) = split_line(&line) else {
            return Err(bad("not a journal record (no trailing hash)".into()));
        };
        if sha256_hex(body.as_bytes()) != hash {
            return Err(bad("record was edited (its hash does not match its content)".into()));
        }
        let record: Record =
            serde_json::from_str(&body).map_err(|e| bad(format!("record is not valid: {e}")))?;
        if record.seq != n as u64 {
            return Err(bad(format!(
                "expected record #{n}, found #{}: a record was removed or reordered",
                record.seq
            )));
        }
        if record.prev != prev {
            return Err(bad(format!(
                "prev hash does not match line {}: an earlier record was changed or removed",
                n - 1
            )));
        }
        prev = sha256_hex(line.as_bytes());
        records.push(record);
    }
    Ok(records)
}

/// Verifies a journal file: `Ok(count)` when intact, else the first bad record.
/// An unreadable file is reported as line 0.
pub fn verify_file(path: &Path) -> Result<usize, VerifyError> {
    match read_verified(path) {
        Ok(r) => Ok(r.len()),
        Err(JournalError::Bad(e, _)) => Err(e),
        Err(e) => Err(VerifyError { line: 0, reason: e.to_string() }),
    }
}

/// Every journal in `state_dir()/runs`, sorted by name.
pub fn list_journals(state_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let dir = runs_dir(state_dir);
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(event: EventKind) -> Entry {
        Entry {
            time: "2026-11-23T03:14:00Z".parse().unwrap(),
            event,
            step: Some(0),
            step_id: Some("check".into()),
            block: None,
            params: BTreeMap::from([("cluster".into(), "eu-1".into())]),
            justification: Some("SRE-1".into()),
            confirmation: None,
            exit_code: None,
            output: None,
            detail: None,
            drill: false,
            values: BTreeMap::new(),
        }
    }

    fn who() -> Who {
        Who { user: "alice".into(), ssh_client: None }
    }

    fn write3(dir: &Path) -> PathBuf {
        let mut j = Journal::create(dir, "r1", who(), Path::new("rb.md"), "abc").unwrap();
        for e in [EventKind::RunStarted, EventKind::StepStarted, EventKind::RunFinished] {
            j.append(&entry(e)).unwrap();
        }
        j.path().to_path_buf()
    }

    #[test]
    fn intact_chain_verifies_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = write3(dir.path());
        assert_eq!(verify_file(&p), Ok(3));
        let (mut j, recs) = Journal::reopen(&p, who()).unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].prev, GENESIS);
        assert!(matches!(Journal::reopen(&p, who()), Err(JournalError::Locked(_))), "one writer at a time");
        j.append(&entry(EventKind::RunResumed)).unwrap();
        assert_eq!(verify_file(&p), Ok(4));
        drop(j);
        assert!(Journal::reopen(&p, who()).is_ok());
    }

    #[test]
    fn split_line_round_trips() {
        let r = Record {
            seq: 1,
            run_id: "x".into(),
            who: who(),
            runbook: "a.md".into(),
            file_hash: "h".into(),
            entry: entry(EventKind::RunStarted),
            prev: GENESIS.into(),
        };
        let line = encode_line(&r);
        let (body, hash) = split_line(&line).unwrap();
        assert_eq!(sha256_hex(body.as_bytes()), hash);
        let back: Record =
            serde_json::from_str(&line).unwrap_or_else(|_| serde_json::from_str(&body).unwrap());
        assert_eq!(back, r);
    }

    #[test]
    fn create_refuses_an_unwritable_dir() {
        let dir = tempfile::tempdir().unwrap();
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        let mut perm = std::fs::metadata(&ro).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
        std::fs::set_permissions(&ro, perm).unwrap();
        let r = Journal::create(&ro, "r1", who(), Path::new("rb.md"), "abc");
        // root ignores permissions; the check only means something for other users.
        if !nix::unistd::getuid().is_root() {
            assert!(r.is_err());
        }
    }
}
