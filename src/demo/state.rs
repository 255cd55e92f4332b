//! Where `opsdeck demo` keeps its incidents and journals: a fixed `demo/` folder under the
//! state directory (`OPSDECK_STATE_DIR`, else the platform data directory), so that
//! `opsdeck runbook resume` and `incident list` can find it with
//! `OPSDECK_STATE_DIR=<that folder>`. Recreated empty at every run unless `--keep-state`,
//! so a calm demo never opens on an old incident.
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The demo's state directory.
pub fn dir() -> PathBuf {
    crate::util::paths::state_dir().join("demo")
}

/// Makes the directory ready: emptied (unless `keep`) and created. Returns it.
pub fn prepare(keep: bool) -> anyhow::Result<PathBuf> {
    let d = dir();
    prepare_at(&d, keep)?;
    Ok(d)
}

pub fn prepare_at(d: &Path, keep: bool) -> anyhow::Result<()> {
    if !keep && d.exists() {
        std::fs::remove_dir_all(d).with_context(|| format!("cannot clear the demo state {}", d.display()))?;
    }
    std::fs::create_dir_all(d).with_context(|| format!("cannot create the demo state {}", d.display()))
}

/// The line printed before the screen starts.
pub fn describe(d: &Path, keep: bool) -> String {
    let how = if keep { "kept from the last run" } else { "fresh for this run; --keep-state keeps it" };
    format!(
        "opsdeck demo: state in {} ({how}); OPSDECK_STATE_DIR={} opsdeck incident list",
        d.display(),
        d.display()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fresh_unless_kept() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("demo");
        super::prepare_at(&d, false).unwrap();
        std::fs::write(d.join("incidents.json"), "{}").unwrap();
        super::prepare_at(&d, true).unwrap();
        assert!(d.join("incidents.json").exists());
        super::prepare_at(&d, false).unwrap();
        assert!(!d.join("incidents.json").exists() && d.is_dir());
    }
}
