//! Reading a config file. Every error names the file, line and column and what was expected.
use std::path::{Path, PathBuf};

use super::types::Config;
use super::validate::validate;
use super::walk::{Checks, Diag};

/// A config problem at a place in a file. Displayed as `file:line:col: message`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Where the config lives: `--config`, else `OPSDECK_CONFIG`, else the platform config dir.
pub fn resolve_path(flag: Option<&Path>) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("OPSDECK_CONFIG") {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "opsdeck")
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("opsdeck.toml"))
}

/// Reads and validates a config file. Relative token, password and CA file paths, and the
/// `[runbooks] dirs` given in the file, are taken relative to the config file's directory
/// (so the config works from any working directory).
pub fn load_file(path: &Path) -> Result<Config, Vec<ConfigError>> {
    load_file_with(path, Checks::default())
}

/// [`load_file`] with the extra `checks` of `opsdeck check`.
pub fn load_file_with(path: &Path, checks: Checks) -> Result<Config, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
        }]
    })?;
    let mut config = parse_str_with(&text, &path.display().to_string(), checks)?;
    if let Some(dir) = path.parent() {
        rebase_files(&mut config, dir);
        if runbook_dirs_given(&text) {
            rebase_runbook_dirs(&mut config, dir);
        }
    }
    super::secrets::register(&config);
    crate::runbook::trust::set_trusted_owners(&config.runbooks.trusted_owners);
    if let Some(key_file) = &config.audit.key_file {
        let key = crate::runbook::run_index::load_key(key_file).map_err(|message| {
            vec![ConfigError { file: path.display().to_string(), line: 1, column: 1, message }]
        })?;
        crate::runbook::run_index::set_key(Some(key));
    }
    tracing::debug!(config = %path.display(), "config loaded");
    Ok(config)
}

/// The file sets `[runbooks] dirs` (the default, `runbooks` from the working directory,
/// is not rebased).
fn runbook_dirs_given(text: &str) -> bool {
    toml_edit::Document::parse(text)
        .ok()
        .is_some_and(|d| d.get("runbooks").and_then(|t| t.get("dirs")).is_some())
}

/// Makes every relative `[runbooks] dirs` entry relative to `dir`.
pub fn rebase_runbook_dirs(config: &mut Config, dir: &Path) {
    for d in config.runbooks.dirs.iter_mut().filter(|d| d.is_relative()) {
        *d = dir.join(&*d);
    }
}

/// Makes every relative credential or CA file path relative to `dir`.
pub fn rebase_files(config: &mut Config, dir: &Path) {
    let rebase = |p: &mut Option<PathBuf>| {
        if let Some(path) = p.as_mut().filter(|p| p.is_relative()) {
            *path = dir.join(&*path);
        }
    };
    let sources = config.prometheus.iter_mut().chain(&mut config.scrape).chain(&mut config.alertmanager);
    for s in sources.chain(&mut config.statuspage) {
        rebase(&mut s.bearer_token_file);
        rebase(&mut s.ca_file);
        if let Some(b) = s.basic_auth.as_mut() {
            rebase(&mut b.password_file);
        }
    }
    rebase(&mut config.audit.key_file);
    rebase(&mut config.oncall.overrides_file);
}

/// Parses config text; `file` is only used in messages. Reports every problem it finds
/// (a TOML syntax error stops the walk: the rest of the document has no reliable shape).
pub fn parse_str(text: &str, file: &str) -> Result<Config, Vec<ConfigError>> {
    parse_str_with(text, file, Checks::default())
}

/// [`parse_str`] with extra `checks`.
pub fn parse_str_with(text: &str, file: &str, checks: Checks) -> Result<Config, Vec<ConfigError>> {
    let err_at = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = span.map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        ConfigError { file: file.to_string(), line, column, message }
    };
    let doc = toml_edit::Document::parse(text)
        .map_err(|e| vec![err_at(e.span(), format!("invalid TOML: {}", e.message().trim_end()))])?;
    let mut diag = Diag::new(text, file);
    diag.checks = checks;
    validate(&mut diag, doc.as_table());
    let errors = diag.finish();
    if !errors.is_empty() {
        return Err(errors);
    }
    // The walk has checked every shape serde relies on; this only fails on a gap in it.
    toml::from_str::<Config>(text).map_err(|e| vec![err_at(e.span(), e.message().to_string())])
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_has_defaults() {
        let c = parse_str("", "x.toml").unwrap();
        assert_eq!(c.defaults.poll.as_secs(), 5);
        assert_eq!(c.priority.map.get("critical").map(String::as_str), Some("P1"));
    }

    #[test]
    fn runbook_dirs_are_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opsdeck.toml");
        std::fs::write(&path, "[runbooks]\ndirs = [\"books\", \"/abs/rb\"]\n").unwrap();
        let c = load_file(&path).unwrap();
        assert_eq!(c.runbooks.dirs, vec![dir.path().join("books"), PathBuf::from("/abs/rb")]);
        // Without the key, the default (`runbooks` from the working directory) stays.
        std::fs::write(&path, "environment = \"x\"\n").unwrap();
        assert_eq!(load_file(&path).unwrap().runbooks.dirs, vec![PathBuf::from("runbooks")]);
    }

    #[test]
    fn relative_secret_files_are_relative_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opsdeck.toml");
        std::fs::write(
            &path,
            "[[prometheus]]\nname = \"p\"\nurl = \"https://h\"\nbearer_token_file = \"prom.token\"\n\
             ca_file = \"/etc/ca.pem\"\n[[alertmanager]]\nname = \"a\"\nurl = \"http://h\"\n\
             basic_auth = { username = \"u\", password_file = \"secrets/pw\" }\n",
        )
        .unwrap();
        let c = load_file(&path).unwrap();
        assert_eq!(
            c.prometheus[0].bearer_token_file.as_deref(),
            Some(dir.path().join("prom.token").as_path())
        );
        assert_eq!(c.prometheus[0].ca_file.as_deref(), Some(Path::new("/etc/ca.pem")));
        let pw = c.alertmanager[0].basic_auth.as_ref().unwrap().password_file.as_deref();
        assert_eq!(pw, Some(dir.path().join("secrets/pw").as_path()));
    }

    #[test]
    fn bad_duration_names_the_place() {
        let errs = parse_str("[defaults]\npoll = \"soon\"\n", "x.toml").unwrap_err();
        assert_eq!((errs[0].line, errs[0].file.as_str()), (2, "x.toml"));
        assert!(errs[0].message.contains("bad duration"), "{}", errs[0].message);
    }
}
