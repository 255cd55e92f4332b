//! Finding runbooks: `runbooks/**/*.md` plus the config's `runbooks.dirs`, and resolving a
//! `NAME` (file stem or title) or a `PATH` to one file.
//!
//! Contract: a runbook file, or any folder above it up to `/`, that is writable by group
//! or others is refused (whoever can write it could run commands as the operator), and so
//! is one owned by another user; symlinks are resolved (`runbook::trust`). Files whose stem is all upper case (`README.md`, `QUERIES.md`) are
//! documentation, not runbooks. Missing folders are skipped.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::config::types::RunbooksSpec;

#[derive(Debug, Error)]
pub enum DiscoverError {
    #[error("no runbook named `{name}` in {}", searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NotFound { name: String, searched: Vec<PathBuf> },
    #[error("`{name}` matches several runbooks: {}; give the path", matches.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous { name: String, matches: Vec<PathBuf> },
    #[error(
        "refusing {}: it is writable by group or others (mode {mode:o}), so anyone who can write it could run commands as you; fix it with `chmod go-w {}`",
        path.display(),
        path.display()
    )]
    Unsafe { path: PathBuf, mode: u32 },
    /// A folder above it is writable by others, or it (or a folder above) belongs to
    /// another user (see `runbook::trust`).
    #[error("{0}")]
    Untrusted(super::trust::Untrusted),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// The folders to search: `runbooks` and the config's `runbooks.dirs`, without repeats.
pub fn runbook_dirs(spec: &RunbooksSpec) -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("runbooks")];
    for d in &spec.dirs {
        if !dirs.contains(d) {
            dirs.push(d.clone());
        }
    }
    dirs
}

/// Refuses `path` when group or others may write it, or a folder above it up to `/`, or
/// when it or one of those folders belongs to another user (symlinks resolved; the rule is
/// `runbook::trust::check`).
pub fn check_permissions(path: &Path) -> Result<(), DiscoverError> {
    let meta =
        std::fs::metadata(path).map_err(|source| DiscoverError::Io { path: path.to_path_buf(), source })?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(DiscoverError::Unsafe { path: path.to_path_buf(), mode });
    }
    super::trust::check(path).map_err(|e| match e {
        super::trust::Untrusted::Writable { path, mode } => DiscoverError::Unsafe { path, mode },
        other => DiscoverError::Untrusted(other),
    })
}

fn is_doc(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.chars().any(|c| c.is_alphabetic()) && !s.chars().any(|c| c.is_lowercase()))
}

/// Every runbook file under `dirs`, sorted; unsafe files or folders are an error.
pub fn find_runbooks(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut out = Vec::new();
    for dir in dirs {
        if dir.is_dir() {
            walk(dir, &mut out)?;
        }
    }
    // The same file reached through two spellings of one folder (the config's absolute
    // runbooks dir and `./runbooks`) is one runbook: compare canonical paths.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    check_permissions(dir)?;
    let io = |source| DiscoverError::Io { path: dir.to_path_buf(), source };
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "md") && !is_doc(&p) {
            check_permissions(&p)?;
            out.push(p);
        }
    }
    Ok(())
}

/// Resolves `name`: an existing path (checked, with its folder), else a runbook under
/// `dirs` whose file stem or title equals it (case-insensitive).
pub fn resolve(name: &str, dirs: &[PathBuf]) -> Result<PathBuf, DiscoverError> {
    let as_path = Path::new(name);
    if (name.contains('/') || name.ends_with(".md")) && as_path.is_file() {
        if let Some(parent) = as_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            check_permissions(parent)?;
        }
        check_permissions(as_path)?;
        return Ok(as_path.to_path_buf());
    }
    let all = find_runbooks(dirs)?;
    let want = name.to_lowercase();
    let by_stem: Vec<PathBuf> = all
        .iter()
        .filter(|p| p.file_stem().is_some_and(|s| s.to_string_lossy().to_lowercase() == want))
        .cloned()
        .collect();
    let matches = if by_stem.is_empty() {
        all.iter()
            .filter(|p| super::parse_file(p).is_ok_and(|rb| rb.title.to_lowercase() == want))
            .cloned()
            .collect()
    } else {
        by_stem
    };
    match matches.len() {
        0 => Err(DiscoverError::NotFound { name: name.to_string(), searched: dirs.to_vec() }),
        1 => Ok(matches.into_iter().next().expect("one match")),
        _ => Err(DiscoverError::Ambiguous { name: name.to_string(), matches }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn one_folder_reached_by_two_paths_is_not_ambiguous() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let rb = root.join("runbooks");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir(&rb).unwrap();
        let file = rb.join("drain.md");
        std::fs::write(&file, "# Drain\n").unwrap();
        for p in [&root, &root.join("sub"), &rb, &file] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // The config's absolute dir, and the same folder spelled another way (as `./runbooks`
        // is from the working directory).
        let other = root.join("sub").join("..").join("runbooks");
        let dirs = vec![rb.clone(), other];
        assert_eq!(find_runbooks(&dirs).unwrap().len(), 1);
        let found = resolve("drain", &dirs).expect("one runbook, not ambiguous");
        assert_eq!(found.canonicalize().unwrap(), file);
        // Two different files of one name are still ambiguous.
        let rb2 = root.join("more");
        std::fs::create_dir(&rb2).unwrap();
        std::fs::set_permissions(&rb2, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(rb2.join("drain.md"), "# Drain\n").unwrap();
        std::fs::set_permissions(rb2.join("drain.md"), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(resolve("drain", &[rb, rb2]), Err(DiscoverError::Ambiguous { .. })));
    }
}
