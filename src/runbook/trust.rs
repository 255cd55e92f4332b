//! Whether a file may be trusted to hold commands (a runbook) or credentials (a token or CA
//! file): nobody but the operator (or root, or a `[runbooks] trusted_owners` user) can have
//! written it or swapped it.
//!
//! Contract of [`check`]:
//! - Symlinks are resolved; the target and every folder from its parent up to `/` are
//!   checked (and, for a symlink, the folders holding the link too).
//! - The file and the folder directly holding it (or the folder asked about) are refused
//!   when group- or world-writable, sticky or not (`/tmp/x.md` is refused).
//! - A folder further up is refused when group- or world-writable, unless it is sticky and
//!   owned by root (`/tmp` above a private temp dir is fine).
//! - Every one of them must be owned by the invoking user, root, or a trusted owner.
//! - The refusal names the path at fault and the reason.
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

static TRUSTED: RwLock<Vec<u32>> = RwLock::new(Vec::new());

/// Adds the users of `[runbooks] trusted_owners` (names or numeric uids; unknown names are
/// ignored).
pub fn set_trusted_owners(names: &[String]) {
    let uids: Vec<u32> = names
        .iter()
        .filter_map(|n| {
            n.parse::<u32>()
                .ok()
                .or_else(|| nix::unistd::User::from_name(n).ok().flatten().map(|u| u.uid.as_raw()))
        })
        .collect();
    *TRUSTED.write().unwrap_or_else(|e| e.into_inner()) = uids;
}

/// Why a path is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Untrusted {
    /// The path itself may be written by others.
    #[error(
        "refusing {}: it is writable by group or others (mode {mode:o}), so anyone who can write it could run commands as you; fix it with `chmod go-w {}`",
        path.display(),
        path.display()
    )]
    Writable { path: PathBuf, mode: u32 },
    /// A folder above it may be written by others (who could replace the file).
    #[error(
        "refusing {}: its folder {} is writable by group or others (mode {mode:o}), so anyone who can write there could replace it; fix it with `chmod go-w {}`",
        path.display(),
        dir.display(),
        dir.display()
    )]
    Folder { path: PathBuf, dir: PathBuf, mode: u32 },
    /// The path or a folder above it belongs to another user.
    #[error(
        "refusing {}: {} is owned by {owner}, not by you ({me}) or root; chown it or add `{owner}` to [runbooks] trusted_owners",
        path.display(),
        if at == path { "it".to_string() } else { at.display().to_string() }
    )]
    Owner { path: PathBuf, at: PathBuf, owner: String, me: String },
    #[error("{}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
}

fn user_name(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
        .unwrap_or_else(|| format!("uid {uid}"))
}

fn owner_ok(uid: u32) -> bool {
    let me = nix::unistd::geteuid().as_raw();
    uid == 0 || uid == me || TRUSTED.read().unwrap_or_else(|e| e.into_inner()).contains(&uid)
}

/// Checks `path` (a file or a folder) and every folder above it; see the module contract.
pub fn check(path: &Path) -> Result<(), Untrusted> {
    let io = |p: &Path, e: std::io::Error| Untrusted::Io { path: p.to_path_buf(), reason: e.to_string() };
    let target = std::fs::canonicalize(path).map_err(|e| io(path, e))?;
    check_chain(path, &target)?;
    // A symlink: whoever can write the folder holding the link can point it elsewhere.
    let link = std::fs::symlink_metadata(path).map_err(|e| io(path, e))?;
    if link.file_type().is_symlink() {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let parent = std::fs::canonicalize(parent).map_err(|e| io(parent, e))?;
        check_chain_from(path, &parent, true)?;
    }
    Ok(())
}

fn check_chain(shown: &Path, target: &Path) -> Result<(), Untrusted> {
    let meta = std::fs::metadata(target)
        .map_err(|e| Untrusted::Io { path: shown.to_path_buf(), reason: e.to_string() })?;
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(Untrusted::Writable { path: shown.to_path_buf(), mode });
    }
    owner(shown, target, meta.uid())?;
    // The folder holding a file is held to the file's rule; above a folder, the usual one.
    match target.parent() {
        Some(p) => check_chain_from(shown, p, !meta.is_dir()),
        None => Ok(()),
    }
}

/// Checks folder `dir` and every folder above it; the first (`strict`) may not be
/// group/world-writable even when sticky.
fn check_chain_from(shown: &Path, dir: &Path, mut strict: bool) -> Result<(), Untrusted> {
    for d in dir.ancestors() {
        let meta = std::fs::metadata(d)
            .map_err(|e| Untrusted::Io { path: d.to_path_buf(), reason: e.to_string() })?;
        let mode = meta.mode() & 0o7777;
        let sticky_root = mode & 0o1000 != 0 && meta.uid() == 0;
        if mode & 0o022 != 0 && (strict || !sticky_root) {
            return Err(Untrusted::Folder { path: shown.to_path_buf(), dir: d.to_path_buf(), mode });
        }
        owner(shown, d, meta.uid())?;
        strict = false;
    }
    Ok(())
}

fn owner(shown: &Path, at: &Path, uid: u32) -> Result<(), Untrusted> {
    if owner_ok(uid) {
        return Ok(());
    }
    Err(Untrusted::Owner {
        path: shown.to_path_buf(),
        at: if at == shown { shown.to_path_buf() } else { at.to_path_buf() },
        owner: user_name(uid),
        me: user_name(nix::unistd::geteuid().as_raw()),
    })
}

/// For a credential (token, password or CA file): `Ok(Some(warning))` when others may read
/// it; the same refusals as [`check`] otherwise.
pub fn check_secret_file(path: &Path) -> Result<Option<String>, Untrusted> {
    check(path)?;
    let mode = std::fs::metadata(path).map(|m| m.mode() & 0o777).unwrap_or(0);
    Ok((mode & 0o044 != 0).then(|| {
        format!("{} is readable by group or others (mode {mode:o}); `chmod go-r` it", path.display())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path, m: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    }

    #[test]
    fn private_tree_under_tmp_is_trusted_and_every_hole_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let rb = root.join("rb");
        std::fs::create_dir(&rb).unwrap();
        let f = rb.join("a.md");
        std::fs::write(&f, "# A\n").unwrap();
        mode(&root, 0o755);
        mode(&rb, 0o755);
        mode(&f, 0o644);
        check(&f).unwrap();
        check(&rb).unwrap();

        // A world-writable grandparent.
        mode(&root, 0o777);
        let e = check(&f).unwrap_err();
        assert!(matches!(&e, Untrusted::Folder { dir, .. } if *dir == root), "{e}");
        // Sticky but not the file's own folder, and owned by root: still refused when the
        // folder is not root's sticky dir... we are root here, so sticky+root is fine above.
        mode(&root, 0o1777);
        if nix::unistd::geteuid().is_root() {
            check(&f).unwrap();
        }
        // Sticky is not enough for the file's own folder.
        mode(&rb, 0o1777);
        assert!(matches!(check(&f), Err(Untrusted::Folder { .. })));
        mode(&rb, 0o755);
        mode(&root, 0o755);

        // A symlink into a world-writable folder.
        let open = root.join("open");
        std::fs::create_dir(&open).unwrap();
        mode(&open, 0o777);
        let target = open.join("t.md");
        std::fs::write(&target, "# T\n").unwrap();
        mode(&target, 0o644);
        let link = rb.join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = check(&link).unwrap_err().to_string();
        assert!(e.contains("open") && e.contains("writable"), "{e}");
    }
}
