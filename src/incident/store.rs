//! The incident book on disk, shared by every opsdeck process of the host.
//!
//! Contracts:
//! - One JSON file, `incidents.json`, in the state directory. Writers serialise on an
//!   exclusive `flock` of `incidents.lock` beside it, read the current file under the lock,
//!   apply their change, write a temp file in the same directory, fsync it, rename it over
//!   the old one and fsync the directory. Readers need no lock: they see the old or the
//!   new file, never a half-written one.
//! - Nothing already written is lost: a failed write (read-only directory, full disk)
//!   leaves the previous file in place and returns the error; a file that does not parse
//!   is never overwritten.
//! - `stamp()` is a cheap change check (one `stat`): a screen calls it every tick and
//!   reloads when it differs from the stamp of the book it holds.
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::model::IncidentBook;

pub const FILE_NAME: &str = "incidents.json";
pub const LOCK_NAME: &str = "incidents.lock";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid incident file: {message} (left untouched)")]
    Corrupt { path: PathBuf, message: String },
}

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |source| StoreError::Io { op, path: path.to_path_buf(), source }
}

/// Identifies one version of the file: changes whenever a writer renames a new file in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    ino: u64,
    len: u64,
    mtime_ns: i128,
}

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `util::paths::state_dir()` (`OPSDECK_STATE_DIR` overrides).
    pub fn from_env() -> Store {
        Store::new(crate::util::paths::state_dir())
    }

    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The current file's stamp; None when there is no file yet.
    pub fn stamp(&self) -> Option<Stamp> {
        fs::metadata(self.path()).ok().as_ref().map(stamp_of)
    }

    /// Reads the book (empty when no file exists yet) without taking the lock.
    pub fn load(&self) -> Result<IncidentBook, StoreError> {
        Ok(self.load_stamped()?.0)
    }

    /// Reads the book together with the stamp of the file it came from.
    pub fn load_stamped(&self) -> Result<(IncidentBook, Option<Stamp>), StoreError> {
        let path = self.path();
        // The stamp is taken from the opened file, so it names the version actually read.
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((IncidentBook::default(), None)),
            Err(e) => return Err(io("cannot read", &path)(e)),
        };
        let stamp = Some(stamp_of(&file.metadata().map_err(io("cannot stat", &path))?));
        let book = parse(&path, std::io::read_to_string(file).map_err(io("cannot read", &path))?)?;
        Ok((book, stamp))
    }

    /// Read-modify-write under the lock. `f` changes the book and returns a result; when
    /// the book changed, it is written (generation + 1). An `Err` from `f` writes nothing.
    pub fn update<T, E>(
        &self,
        f: impl FnOnce(&mut IncidentBook) -> Result<T, E>,
    ) -> Result<Result<T, E>, StoreError> {
        fs::create_dir_all(&self.dir).map_err(io("cannot create", &self.dir))?;
        let lock_path = self.dir.join(LOCK_NAME);
        let lock_file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io("cannot open", &lock_path))?;
        let _lock = Flock::lock(lock_file, FlockArg::LockExclusive)
            .map_err(|(_, errno)| io("cannot lock", &lock_path)(std::io::Error::from(errno)))?;

        let before = self.load()?;
        let mut book = before.clone();
        let out = f(&mut book);
        if out.is_ok() && book != before {
            book.generation = before.generation + 1;
            self.write(&book)?;
        }
        Ok(out)
        // `_lock` drops here: unlocked after the rename is durable.
    }

    /// Removes the temp files of writers that died before their rename (`kill -9` during
    /// `incident note`): called under the lock, so no live writer's file is taken.
    fn sweep_stale_temps(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else { return };
        let prefix = format!(".{FILE_NAME}.");
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".tmp")) else { continue };
            let Ok(pid) = pid.parse::<i32>() else { continue };
            let alive = pid == std::process::id() as i32
                || nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
            if !alive {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    fn write(&self, book: &IncidentBook) -> Result<(), StoreError> {
        self.sweep_stale_temps();
        let path = self.path();
        let tmp = self.dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
        let result = (|| {
            let text = serde_json::to_string_pretty(book).expect("an incident book always serialises");
            let mut f = File::create(&tmp).map_err(io("cannot create", &tmp))?;
            f.write_all(text.as_bytes()).map_err(io("cannot write", &tmp))?;
            f.write_all(b"\n").map_err(io("cannot write", &tmp))?;
            f.sync_all().map_err(io("cannot fsync", &tmp))?;
            drop(f);
            fs::rename(&tmp, &path).map_err(io("cannot rename into", &path))?;
            File::open(&self.dir).and_then(|d| d.sync_all()).map_err(io("cannot fsync", &self.dir))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp); // best effort; the old file is untouched
        }
        result
    }
}

/// A reader's view of the store that reloads only when the file changed: a screen calls
/// `refresh` every tick (one `stat` when nothing changed), so another process's change
/// shows within a tick. Runs file I/O: call it off the event loop.
#[derive(Debug, Clone)]
pub struct Watch {
    store: Store,
    stamp: Option<Stamp>,
    pub book: IncidentBook,
}

impl Watch {
    pub fn new(store: Store) -> Result<Watch, StoreError> {
        let (book, stamp) = store.load_stamped()?;
        Ok(Watch { store, stamp, book })
    }

    /// Reloads when the file changed; true when the book is different. On error the last
    /// good book stays.
    pub fn refresh(&mut self) -> Result<bool, StoreError> {
        if self.store.stamp() == self.stamp {
            return Ok(false);
        }
        let (book, stamp) = self.store.load_stamped()?;
        self.stamp = stamp;
        let changed = book != self.book;
        self.book = book;
        Ok(changed)
    }
}

fn stamp_of(md: &fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    Stamp {
        ino: md.ino(),
        len: md.len(),
        mtime_ns: md.mtime() as i128 * 1_000_000_000 + md.mtime_nsec() as i128,
    }
}

fn parse(path: &Path, text: String) -> Result<IncidentBook, StoreError> {
    if text.trim().is_empty() {
        return Ok(IncidentBook::default());
    }
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt { path: path.to_path_buf(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::model::{Severity, declare, note};
    use chrono::{TimeZone, Utc};

    fn t0() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
    }

    #[test]
    fn a_dead_writers_temp_file_is_swept_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".{FILE_NAME}.{dead}.tmp"));
        std::fs::write(&stale, "{half a book").unwrap();
        let store = Store::new(dir.path());
        store.update(|b| declare(b, "DB down", Severity::P1, "alice", t0())).unwrap().unwrap();
        assert!(!stale.exists(), "the stale temp file is gone");
    }

    #[test]
    fn round_trip_generation_and_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert_eq!(store.load().unwrap(), IncidentBook::default());
        assert_eq!(store.stamp(), None);
        let id = store.update(|b| declare(b, "DB down", Severity::P1, "alice", t0())).unwrap().unwrap();
        let s1 = store.stamp().unwrap();
        let (book, stamp) = store.load_stamped().unwrap();
        assert_eq!(stamp, Some(s1));
        assert_eq!(book.generation, 1);
        assert_eq!(book.get(id).unwrap().title, "DB down");
        store.update(|b| note(b, id, "bob", "restarting", t0())).unwrap().unwrap();
        assert_ne!(store.stamp().unwrap(), s1);
        assert_eq!(store.load().unwrap().generation, 2);
    }

    #[test]
    fn unchanged_or_failed_updates_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.update(|b| declare(b, "x", Severity::P2, "a", t0())).unwrap().unwrap();
        let s = store.stamp();
        store.update(|_| Ok::<_, ()>(())).unwrap().unwrap();
        assert_eq!(store.stamp(), s);
        let r = store.update(|b| note(b, 99, "a", "nope", t0())).unwrap();
        assert!(r.is_err());
        assert_eq!(store.stamp(), s);
    }

    #[test]
    fn corrupt_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        fs::write(store.path(), "{ not json").unwrap();
        let err = store.load().unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        let err = store.update(|b| declare(b, "x", Severity::P2, "a", t0())).unwrap_err();
        assert!(err.to_string().contains("left untouched"), "{err}");
        assert_eq!(fs::read_to_string(store.path()).unwrap(), "{ not json");
    }

    #[test]
    fn a_failed_write_returns_the_error_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.update(|b| declare(b, "kept", Severity::P1, "a", t0())).unwrap().unwrap();
        let before = fs::read_to_string(store.path()).unwrap();
        // A directory where the temp file must go: creating it fails like a full disk would.
        let tmp = dir.path().join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
        fs::create_dir(&tmp).unwrap();
        let err = store.update(|b| note(b, 1, "a", "lost?", t0())).unwrap_err();
        assert!(err.to_string().starts_with("cannot create"), "{err}");
        assert_eq!(fs::read_to_string(store.path()).unwrap(), before);
        assert_eq!(store.load().unwrap().generation, 1);
        fs::remove_dir(&tmp).unwrap();
        store.update(|b| note(b, 1, "a", "now it works", t0())).unwrap().unwrap();
        assert_eq!(store.load().unwrap().generation, 2);
    }

    #[test]
    fn read_only_directory_is_an_error_and_loses_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.update(|b| declare(b, "kept", Severity::P1, "a", t0())).unwrap().unwrap();
        let before = fs::read_to_string(store.path()).unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        let probe = dir.path().join("probe");
        let writable = fs::write(&probe, "x").is_ok(); // root ignores permissions
        let result = store.update(|b| note(b, 1, "a", "lost?", t0()));
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        if writable {
            eprintln!("skip: running as root, a read-only directory is still writable");
            return;
        }
        let err = result.unwrap_err();
        assert!(err.to_string().contains("cannot"), "{err}");
        assert_eq!(fs::read_to_string(store.path()).unwrap(), before);
    }
}
