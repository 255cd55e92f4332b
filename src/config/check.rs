//! `opsdeck check`: the config's problems (all of them, as `file:line:col: message`) and
//! the runbooks' lint diagnostics.
use std::path::{Path, PathBuf};

use super::load::{ConfigError, load_file, load_file_with};
use super::types::Config;
use super::walk::Checks;

/// What `opsdeck check` adds for the config at `path`: PromQL, and the theme name against
/// the built-in themes and the `themes/` folders.
pub fn full_checks(path: &Path) -> Checks {
    Checks { promql: true, theme_dirs: Some(crate::ui::theme::dirs_for(path)) }
}

/// [`check_config`] with `checks`, each problem rendered with its line and a caret.
pub fn check_config_rendered(path: &Path, checks: Checks) -> Result<Config, Vec<String>> {
    let result = if path.exists() { load_file_with(path, checks) } else { check_config(path) };
    result.map_err(|errs| {
        let text = std::fs::read_to_string(path).ok();
        errs.iter().map(|e| super::snippet::render(e, text.as_deref())).collect()
    })
}

/// The keymap file's problems (`$OPSDECK_KEYMAP`, else `keymap.toml` beside the config;
/// none when there is no such file and none was asked for), rendered with carets.
pub fn check_keymap(config_path: &Path) -> Vec<String> {
    let Some(path) = super::keymap::keymap_path(config_path) else { return Vec::new() };
    if !path.exists() && std::env::var_os("OPSDECK_KEYMAP").is_none() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(&path).ok();
    let errs = super::keymap::check_file(&path);
    errs.iter().map(|e| super::snippet::render(e, text.as_deref())).collect()
}

/// The config at `path`, or every problem in it. A missing file says how to create one.
pub fn check_config(path: &Path) -> Result<Config, Vec<ConfigError>> {
    if !path.exists() {
        return Err(vec![ConfigError {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: "no such file (write a starter config with `opsdeck init`, or pass --config FILE)"
                .into(),
        }]);
    }
    load_file(path)
}

/// The credential files the config names (bearer tokens, passwords, CA files) under the
/// runbook trust rule (`runbook::trust`): (errors, warnings). A file others may write, or
/// in a folder they may write, is an error; one others may read is a warning.
pub fn check_secret_files(c: &Config) -> (Vec<String>, Vec<String>) {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let sources = c.prometheus.iter().chain(&c.scrape).chain(&c.alertmanager).chain(&c.statuspage);
    for s in sources {
        let files = [
            ("bearer_token_file", s.bearer_token_file.as_ref()),
            ("basic_auth.password_file", s.basic_auth.as_ref().and_then(|b| b.password_file.as_ref())),
            ("ca_file", s.ca_file.as_ref()),
        ];
        for (key, file) in files {
            let Some(f) = file else { continue };
            if !f.exists() {
                continue; // loading already says so
            }
            match crate::runbook::trust::check_secret_file(f) {
                Err(e) => errors.push(format!("source `{}`: {key}: {e}", s.name)),
                Ok(Some(w)) => warnings.push(format!("warning: source `{}`: {key}: {w}", s.name)),
                Ok(None) => {}
            }
        }
    }
    (errors, warnings)
}

/// One line saying what a valid config holds.
pub fn summary(path: &Path, c: &Config) -> String {
    fn n(count: usize, one: &str, many: &str) -> String {
        format!("{count} {}", if count == 1 { one } else { many })
    }
    format!(
        "{}: ok: {} prometheus, {} scrape, {} alertmanager, {} statuspage; {}, {}, moderation {}",
        path.display(),
        c.prometheus.len(),
        c.scrape.len(),
        c.alertmanager.len(),
        c.statuspage.len(),
        n(c.health.len(), "health row", "health rows"),
        n(c.community.len(), "community metric", "community metrics"),
        if c.moderation.is_some() { "on" } else { "off" },
    )
}

/// One runbook lint line. Errors make `opsdeck check` exit 2; warnings are printed only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookDiag {
    pub error: bool,
    /// `file:line:col: severity: message`, then the line and a caret when it has a place.
    pub text: String,
}

/// Lint diagnostics for runbook files or folders (`crate::runbook::lint`).
/// Each with the runbook's line and a caret when it has a place.
pub fn check_runbooks(paths: &[PathBuf]) -> Vec<RunbookDiag> {
    let mut texts: std::collections::BTreeMap<PathBuf, Option<String>> = Default::default();
    crate::runbook::lint::lint_paths(paths)
        .into_iter()
        .map(|d| {
            let text = texts.entry(d.file.clone()).or_insert_with(|| std::fs::read_to_string(&d.file).ok());
            let line = text.as_deref().and_then(|t| t.lines().nth(d.line.checked_sub(1)?));
            let head = d.to_string();
            RunbookDiag {
                error: d.severity == crate::runbook::lint::Severity::Error,
                text: match line {
                    Some(l) => super::snippet::render_line(&head, d.line, d.column.max(1), l, false),
                    None => head,
                },
            }
        })
        .collect()
}
