//! The shipped runbooks (`runbooks/*.md`), embedded in the binary so `cargo install`ed
//! opsdeck finds them without the source tree. The demo writes them into a folder of its
//! own under the state directory (runbooks are files: discovery, journals and resume all
//! name a path) and points its config there.
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Every file of `runbooks/` (runbooks and the two documentation files), by name.
/// `tests::the_embedded_list_is_the_folder` keeps it equal to the folder.
pub const SHIPPED: &[(&str, &str)] = &[
    ("QUERIES.md", include_str!("../../runbooks/QUERIES.md")),
    ("README.md", include_str!("../../runbooks/README.md")),
    ("canary-rollback.md", include_str!("../../runbooks/canary-rollback.md")),
    ("compaction-storm.md", include_str!("../../runbooks/compaction-storm.md")),
    ("database-failover.md", include_str!("../../runbooks/database-failover.md")),
    ("gateway-overload.md", include_str!("../../runbooks/gateway-overload.md")),
    ("modqueue-surge.md", include_str!("../../runbooks/modqueue-surge.md")),
    ("traffic-drain.md", include_str!("../../runbooks/traffic-drain.md")),
    ("vote-brigade.md", include_str!("../../runbooks/vote-brigade.md")),
];

/// The folder under a state directory that holds the shipped runbooks.
pub const FOLDER: &str = "shipped-runbooks";

#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    #[error("writing the shipped runbooks to {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// The folder holding the shipped runbooks, written on first use in this process:
/// `<state dir>/shipped-runbooks`, else (a read-only state directory) a private folder in
/// the temporary directory.
pub fn dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let primary = crate::util::paths::state_dir().join(FOLDER);
        match unpack(&primary) {
            Ok(()) => primary,
            Err(e) => {
                tracing::warn!("{e}; trying the temporary directory");
                let uid = nix::unistd::getuid();
                let fallback = std::env::temp_dir().join(format!("opsdeck-{uid}")).join(FOLDER);
                if let Err(e) = unpack(&fallback) {
                    tracing::error!("{e}");
                }
                fallback
            }
        }
    })
    .clone()
}

/// Writes every shipped file into `dir` (mode 0755, files 0644: runbook discovery refuses
/// group- or world-writable ones), leaving files that already hold the same text alone and
/// removing `.md` files this version no longer ships. Each file is replaced atomically, so
/// two processes unpacking at once never show a half-written runbook.
pub fn unpack(dir: &Path) -> Result<(), UnpackError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| UnpackError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).map_err(io(dir))?;
    for (name, text) in SHIPPED {
        let path = dir.join(name);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            let meta = std::fs::metadata(&path).map_err(io(&path))?;
            if meta.permissions().mode() & 0o022 == 0 {
                continue;
            }
        }
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&tmp)
            .map_err(io(&tmp))?;
        f.set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(io(&tmp))?;
        f.write_all(text.as_bytes()).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        drop(f);
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
    }
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.ends_with(".md") && !SHIPPED.iter().any(|(n, _)| *n == name) {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_is_the_folder() {
        let mut on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
        assert_eq!(embedded, on_disk, "add the new runbook to demo::runbooks::SHIPPED");
    }

    #[test]
    fn unpack_writes_private_copies_and_prunes_stale_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("rb");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("gone.md"), "# old").unwrap();
        std::fs::write(dir.join("traffic-drain.md"), "# edited").unwrap();
        std::fs::set_permissions(dir.join("traffic-drain.md"), std::fs::Permissions::from_mode(0o666))
            .unwrap();
        unpack(&dir).unwrap();
        unpack(&dir).unwrap();
        assert!(!dir.join("gone.md").exists());
        for (name, text) in SHIPPED {
            let p = dir.join(name);
            assert_eq!(std::fs::read_to_string(&p).unwrap(), *text);
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o644, "{name}");
        }
        let found = crate::runbook::discover::find_runbooks(&[dir]).unwrap();
        assert_eq!(found.len(), SHIPPED.len() - 2, "README and QUERIES are documentation: {found:?}");
    }
}
