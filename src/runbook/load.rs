//! The seam between the runtime and the runbook format: finding and reading runbooks.
//!
//! Parsing is `runbook::parse` (engineer rbformat). Discovery here is a plain recursive
//! walk until `runbook::discover` is filled in; then `find_all` delegates to it.
use anyhow::bail;
use std::path::{Path, PathBuf};

use super::types::Runbook;

/// Reads and parses one runbook file; errors name file:line:col.
pub fn load_file(path: &Path) -> anyhow::Result<Runbook> {
    // Absolute, so a run can be resumed and reported from any directory.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    super::parse::parse_file(&path).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Every `*.md` under the directories (recursively), sorted; skips `README.md`.
pub fn find_all(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md")
                && !p.file_name().is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        walk(d, &mut out);
    }
    out.sort();
    out
}

/// Resolves NAME: an existing file path, else a runbook whose file stem is NAME.
pub fn resolve(name: &str, dirs: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let p = Path::new(name);
    if p.is_file() {
        return Ok(p.to_path_buf());
    }
    let all = find_all(dirs);
    let hits: Vec<&PathBuf> = all.iter().filter(|f| f.file_stem().is_some_and(|s| s == name)).collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "no runbook named `{name}` in {} (try `opsdeck runbook list`)",
            dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
        many => bail!(
            "`{name}` is ambiguous: {}",
            many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}
