//! `opsdeck init`: writes the commented starter config.
use std::path::Path;

/// The starter config: every section of the file format, optional parts commented out.
/// It passes `opsdeck check` and works against a local Prometheus and Alertmanager.
pub const STARTER: &str = include_str!("starter.toml");

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} already exists; pass --force to overwrite it")]
    Exists(String),
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Writes `STARTER` to `path`, creating its directories; refuses to overwrite unless `force`.
pub fn write_starter(path: &Path, force: bool) -> Result<(), InitError> {
    let io = |source| InitError::Io { path: path.display().to_string(), source };
    if path.exists() && !force {
        return Err(InitError::Exists(path.display().to_string()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, STARTER).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_is_a_valid_config() {
        let c = crate::config::parse_str(STARTER, "starter.toml").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.prometheus.len(), 1);
        assert_eq!(c.alertmanager.len(), 1);
        assert!(!c.health.is_empty() && !c.community.is_empty());
    }

    #[test]
    fn refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/config.toml");
        write_starter(&path, false).unwrap();
        assert!(matches!(write_starter(&path, false), Err(InitError::Exists(_))));
        std::fs::write(&path, "x").unwrap();
        write_starter(&path, true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), STARTER);
    }
}
