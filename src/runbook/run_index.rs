//! The run index: what anchors every run journal's head, so that `audit verify` sees a
//! journal that was cut short, emptied, deleted, or (with a key) rewritten in full.
//!
//! One JSONL file per state directory, `state_dir/run-index.jsonl`, outside `runs/` (so
//! deleting the journals leaves it). Contract:
//! - Each line is an [`IndexEntry`]: the run id, its journal's record count and the SHA-256
//!   of its first and latest line, `seq` (from 1, no gaps) and `prev` (SHA-256 of the
//!   previous index line): the index is hash-chained itself, like a journal. A line ends
//!   with `"hash":"<sha256 of the line without it>"`.
//! - With a key (`[audit] key_file`) each line also carries `mac`, the HMAC-SHA256 of its
//!   content under the key: whoever lacks the key cannot write a line that verifies.
//! - [`record`] is called by `Journal::append` after the journal line is fsync'd and
//!   before the append returns; it appends one line under an exclusive `flock` and fsyncs.
//!   If it fails the journal line is taken back, so journal and index agree.
//! - What it cannot see: the newest lines of the index cut off together with the same
//!   records of their journals; the index and every journal deleted together; without a
//!   key, a full rewrite of a journal and the index with recomputed hashes.
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use super::journal::{GENESIS, sha256_hex};

static KEY: RwLock<Option<Vec<u8>>> = RwLock::new(None);

/// Sets the key that signs (and must sign) every index line; `None`: unsigned.
pub fn set_key(key: Option<Vec<u8>>) {
    *KEY.write().unwrap_or_else(|e| e.into_inner()) = key;
}

/// Reads the key from `[audit] key_file` (its bytes, surrounding whitespace trimmed).
pub fn load_key(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("[audit] key_file {}: {e}", path.display()))?;
    let key = String::from_utf8_lossy(&bytes).trim().as_bytes().to_vec();
    if key.len() < 16 {
        return Err(format!("[audit] key_file {}: the key must be at least 16 bytes", path.display()));
    }
    Ok(key)
}

fn key() -> Option<Vec<u8>> {
    KEY.read().unwrap_or_else(|e| e.into_inner()).clone()
}

pub fn index_path(state_dir: &Path) -> PathBuf {
    state_dir.join("run-index.jsonl")
}

/// One index line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub seq: u64,
    pub run_id: String,
    pub count: u64,
    pub first: String,
    pub latest: String,
    pub prev: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let ih = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(ih);
    outer.finalize().into()
}

/// What the MAC covers: the entry without its `mac`.
fn mac_of(key: &[u8], e: &IndexEntry) -> String {
    let mut bare = e.clone();
    bare.mac = None;
    let body = serde_json::to_string(&bare).expect("an index entry serializes");
    hex::encode(hmac_sha256(key, body.as_bytes()))
}

/// The line for an entry: its JSON with `"hash"` (SHA-256 of the rest) appended.
pub fn encode_entry(e: &IndexEntry) -> String {
    let body = serde_json::to_string(e).expect("an index entry serializes");
    let hash = sha256_hex(body.as_bytes());
    format!("{},\"hash\":\"{hash}\"}}", &body[..body.len() - 1])
}

fn split(line: &str) -> Option<(String, &str)> {
    let idx = line.rfind(",\"hash\":\"")?;
    let hash = line[idx..].strip_prefix(",\"hash\":\"")?.strip_suffix("\"}")?;
    (hash.len() == 64).then(|| (format!("{}}}", &line[..idx]), hash))
}

/// Appends the head of run `run_id` (its `count` records, first and latest line hashes)
/// and fsyncs. On error nothing was added (a torn line is cut off).
pub fn record(state_dir: &Path, run_id: &str, count: u64, first: &str, latest: &str) -> std::io::Result<()> {
    let path = index_path(state_dir);
    let file = OpenOptions::new().read(true).append(true).create(true).open(&path)?;
    let mut file = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive).map_err(|(_, e)| e)?;
    let len = file.metadata()?.len();
    let (whole, last) = tail(&mut file, len)?;
    if whole < len {
        // A line torn by a crash or a full disk: drop it, it never counted.
        file.set_len(whole)?;
    }
    let (seq, prev) = match last {
        Some(l) => {
            let seq = split(&l)
                .and_then(|(b, _)| serde_json::from_str::<IndexEntry>(&b).ok())
                .map(|e| e.seq)
                .unwrap_or(0);
            (seq + 1, sha256_hex(l.as_bytes()))
        }
        None => (1, GENESIS.to_string()),
    };
    let mut e = IndexEntry {
        seq,
        run_id: run_id.to_string(),
        count,
        first: first.to_string(),
        latest: latest.to_string(),
        prev,
        mac: None,
    };
    if let Some(k) = key() {
        e.mac = Some(mac_of(&k, &e));
    }
    let mut bytes = encode_entry(&e).into_bytes();
    bytes.push(b'\n');
    if let Err(err) = file.write_all(&bytes).and_then(|()| file.sync_data()) {
        let _ = file.set_len(whole);
        let _ = file.sync_data();
        return Err(err);
    }
    Ok(())
}

/// The end of the last whole line and that line (reads at most the last 64 KiB).
fn tail(file: &mut File, len: u64) -> std::io::Result<(u64, Option<String>)> {
    let start = len.saturating_sub(64 * 1024);
    file.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    let Some(end) = buf.iter().rposition(|&b| b == b'\n') else {
        return Ok((start, None));
    };
    let before = &buf[..end];
    let from = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if from == 0 && start > 0 {
        // A line longer than the window: not one of ours.
        return Err(std::io::Error::other("run index: last line too long"));
    }
    Ok((start + end as u64 + 1, Some(String::from_utf8_lossy(&before[from..]).into_owned())))
}

/// The verified index: the latest head of each run, or the first bad line.
#[derive(Debug, Default)]
pub struct Index {
    pub heads: BTreeMap<String, IndexEntry>,
    pub lines: usize,
    pub signed: usize,
}

/// Reads and checks the index chain (and every MAC when a key is set). `Ok(None)` when
/// there is no index file.
pub fn read(state_dir: &Path) -> Result<Option<Index>, String> {
    let path = index_path(state_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let key = key();
    let mut idx = Index::default();
    let mut prev = GENESIS.to_string();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let bad = |why: &str| format!("{}:{n}: BAD: {why}", path.display());
        let Some((body, hash)) = split(line) else { return Err(bad("not an index line")) };
        if sha256_hex(body.as_bytes()) != hash {
            return Err(bad("line was edited (its hash does not match its content)"));
        }
        let e: IndexEntry = serde_json::from_str(&body).map_err(|err| bad(&format!("not valid: {err}")))?;
        if e.seq != n as u64 {
            return Err(bad(&format!(
                "expected entry #{n}, found #{}: an entry was removed or reordered",
                e.seq
            )));
        }
        if e.prev != prev {
            return Err(bad(
                "prev hash does not match the line before: an earlier entry was changed or removed",
            ));
        }
        if let Some(k) = &key {
            match &e.mac {
                Some(m) if *m == mac_of(k, &e) => idx.signed += 1,
                Some(_) => return Err(bad("MAC does not match: written without the key ([audit] key_file)")),
                None => return Err(bad("no MAC although [audit] key_file is set: written without the key")),
            }
        }
        prev = sha256_hex(line.as_bytes());
        idx.lines = n;
        idx.heads.insert(e.run_id.clone(), e);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(format!("{}: BAD: the last line is torn", path.display()));
    }
    Ok(Some(idx))
}

/// Whether a key is set (for `audit verify`'s summary).
pub fn keyed() -> bool {
    key().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn chain_of_heads_reads_back_and_a_torn_tail_is_dropped() {
        let d = tempfile::tempdir().unwrap();
        record(d.path(), "a", 1, "f", "l1").unwrap();
        record(d.path(), "b", 1, "g", "m1").unwrap();
        record(d.path(), "a", 2, "f", "l2").unwrap();
        let idx = read(d.path()).unwrap().unwrap();
        assert_eq!(idx.lines, 3);
        assert_eq!(idx.heads["a"].count, 2);
        let p = index_path(d.path());
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"seq\":4,\"ru").unwrap();
        assert!(read(d.path()).is_err());
        record(d.path(), "b", 2, "g", "m2").unwrap();
        assert_eq!(read(d.path()).unwrap().unwrap().lines, 4);
    }
}
