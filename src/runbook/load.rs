//! The seam between the runtime and the runbook format: finding (`runbook::discover`)
//! and reading (`runbook::parse`) runbooks, with errors for people.
use std::path::{Path, PathBuf};

use super::discover;
use super::types::Runbook;
use crate::config::types::RunbooksSpec;

/// Reads and parses one runbook file (refused when group/others may write it); errors
/// name file:line:col. The path in the result is absolute, so a run can be resumed and
/// reported from any directory.
pub fn load_file(path: &Path) -> anyhow::Result<Runbook> {
    discover::check_permissions(path)?;
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    super::parse::parse_file(&path).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Every runbook under `runbooks/` and the config's folders.
pub fn find_all(spec: &RunbooksSpec) -> anyhow::Result<Vec<PathBuf>> {
    Ok(discover::find_runbooks(&discover::runbook_dirs(spec))?)
}

/// NAME: a path, a file stem or a title.
pub fn resolve(name: &str, spec: &RunbooksSpec) -> anyhow::Result<PathBuf> {
    Ok(discover::resolve(name, &discover::runbook_dirs(spec))?)
}
