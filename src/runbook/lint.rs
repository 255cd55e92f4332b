//! `opsdeck check` for runbooks: parse errors, `rollback=` to a missing step, parameters
//! used but not declared, explicit `readonly` on a block the classifier finds destructive,
//! destructive steps without a callout.
//!
//! Contract: a script variable `$NAME` / `${NAME}` counts as a parameter unless it is the
//! environment name of a declared parameter (`ParamSpec::env_name`), assigned
//! in one of the runbook's scripts, an `OPSDECK_*` variable, a special or positional
//! parameter, or a common environment variable (`HOME`, `PATH`, `KUBECONFIG`, ...). It is
//! an error in a runbook with front matter (the author declares parameters there) and a
//! warning in a plain Markdown runbook (its environment may provide it).
use regex::Regex;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use super::parse::parse_str_all;
use super::types::{Runbook, Safety};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; 0 when the diagnostic is about the whole file or folder.
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            write!(f, "{}: {sev}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}:{}: {sev}: {}", self.file.display(), self.line, self.column, self.message)
        }
    }
}

/// Lints files and folders (folders: every `*.md` below them, as discovery finds them).
pub fn lint_paths(paths: &[PathBuf]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in paths {
        let files = if p.is_dir() {
            match super::discover::find_runbooks(std::slice::from_ref(p)) {
                Ok(f) => f,
                Err(e) => {
                    out.push(diag(p, 0, 0, Severity::Error, e.to_string()));
                    continue;
                }
            }
        } else {
            // The runtime refuses a runbook others can write: say so here too.
            if let Err(e) = super::discover::check_permissions(p) {
                out.push(diag(p, 0, 0, Severity::Error, e.to_string()));
                continue;
            }
            vec![p.clone()]
        };
        for f in files {
            out.extend(lint_file(&f));
        }
    }
    out
}

fn diag(file: &Path, line: usize, column: usize, severity: Severity, message: String) -> Diagnostic {
    Diagnostic { file: file.to_path_buf(), line, column, severity, message }
}

/// Lints one file.
pub fn lint_file(path: &Path) -> Vec<Diagnostic> {
    let text = match std::fs::read(path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => return vec![diag(path, 0, 0, Severity::Error, "not valid UTF-8".into())],
        },
        Err(e) => return vec![diag(path, 0, 0, Severity::Error, format!("cannot read: {e}"))],
    };
    lint_text(&text, path)
}

/// Lints runbook text (`path` names it).
pub fn lint_text(text: &str, path: &Path) -> Vec<Diagnostic> {
    match parse_str_all(text, path) {
        Err(errs) => {
            errs.into_iter().map(|e| diag(path, e.line, e.column, Severity::Error, e.message)).collect()
        }
        Ok(rb) => lint_runbook(&rb, text),
    }
}

const COMMON_ENV: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "LOGNAME",
    "PWD",
    "OLDPWD",
    "SHELL",
    "HOSTNAME",
    "TMPDIR",
    "LANG",
    "LC_ALL",
    "TERM",
    "SSH_CLIENT",
    "SSH_CONNECTION",
    "SSH_AUTH_SOCK",
    "KUBECONFIG",
    "RANDOM",
    "SECONDS",
    "LINENO",
    "IFS",
    "EUID",
    "UID",
    "PPID",
    "BASHPID",
    "REPLY",
    "PIPESTATUS",
    "BASH_SOURCE",
    "BASH_VERSION",
    "FUNCNAME",
    "HOSTTYPE",
    "OSTYPE",
    "EDITOR",
    "PAGER",
    "XDG_CONFIG_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
];

static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[\s;&|(]|\b(?:export|local|declare|readonly|typeset)\s+(?:-\w+\s+)*)([A-Za-z_][A-Za-z0-9_]*)\+?=|\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b|\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_ ]*)")
        .expect("static regex")
});

/// Variables a script references outside single quotes: (name, line index, column).
fn referenced(script: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (li, line) in script.lines().enumerate() {
        let c: Vec<char> = line.chars().collect();
        let (mut single, mut double) = (false, false);
        let mut i = 0;
        while i < c.len() {
            match c[i] {
                '\\' if !single => i += 1,
                '\'' if !double => single = !single,
                '"' if !single => double = !double,
                '#' if !single && !double && (i == 0 || c[i - 1].is_whitespace()) => break,
                '$' if !single => {
                    let start = i;
                    let mut j = i + 1;
                    if c.get(j) == Some(&'{') {
                        j += 1;
                    }
                    let name_start = j;
                    while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                        j += 1;
                    }
                    let name: String = c[name_start..j].iter().collect();
                    if !name.is_empty() && !name.chars().next().is_some_and(|ch| ch.is_ascii_digit()) {
                        out.push((name, li, start + 1));
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

const FRONT_MATTER_KEYS: &[&str] =
    &["title", "intent", "owner", "eta", "params", "allowed_groups", "justification"];
const PARAM_KEYS: &[&str] = &["name", "type", "default", "pattern", "choices", "description"];
const JUSTIFICATION_KEYS: &[&str] = &["required", "pattern"];

/// Front-matter keys opsdeck does not know: warnings, since other tools' keys (`tags`,
/// `layout`) are fine, but a misspelt `justification` would silently drop a safeguard.
fn unknown_keys(path: &Path, lines: &[&str]) -> Vec<Diagnostic> {
    use serde_json::Value;
    let Some(close) = lines.iter().skip(1).position(|l| matches!(l.trim_end(), "---" | "...")).map(|p| p + 1)
    else {
        return vec![];
    };
    let yaml = lines[1..close].join("\n");
    let Ok(Value::Object(top)) = serde_saphyr::from_str::<Value>(&yaml) else { return vec![] };
    let locate = |key: &str| -> (usize, usize) {
        for (i, l) in lines.iter().enumerate().take(close).skip(1) {
            let t = l.trim_start().trim_start_matches("- ");
            if t.starts_with(&format!("{key}:")) {
                return (i + 1, l.len() - t.len() + 1);
            }
        }
        (1, 1)
    };
    let mut out = Vec::new();
    let mut check = |keys: Vec<&String>, known: &[&str], what: &str| {
        for k in keys {
            if !known.contains(&k.as_str()) {
                let (line, column) = locate(k);
                out.push(diag(
                    path,
                    line,
                    column,
                    Severity::Warning,
                    format!("unknown {what} key `{k}` is ignored (known: {})", known.join(", ")),
                ));
            }
        }
    };
    check(top.keys().collect(), FRONT_MATTER_KEYS, "front-matter");
    if let Some(Value::Array(params)) = top.get("params") {
        for p in params {
            if let Value::Object(m) = p {
                check(m.keys().collect(), PARAM_KEYS, "param");
            }
        }
    }
    if let Some(Value::Object(j)) = top.get("justification") {
        check(j.keys().collect(), JUSTIFICATION_KEYS, "justification");
    }
    out
}

/// Lints a parsed runbook; `text` is its source (for columns and front-matter detection).
pub fn lint_runbook(rb: &Runbook, text: &str) -> Vec<Diagnostic> {
    let path = &rb.path;
    let lines: Vec<&str> = text.lines().collect();
    let has_front_matter = lines.first().is_some_and(|l| l.trim_end() == "---");
    let mut out = if has_front_matter { unknown_keys(path, &lines) } else { Vec::new() };
    let col_of =
        |line: usize, needle: &str| lines.get(line - 1).and_then(|l| l.find(needle)).map_or(1, |c| c + 1);

    for p in &rb.fence_problems {
        out.push(diag(path, p.line, p.column, Severity::Error, p.message.clone()));
    }
    for b in rb.steps.iter().flat_map(|s| &s.blocks) {
        if b.kind == super::types::BlockKind::NoCommandFound {
            out.push(diag(
                path,
                b.line,
                1,
                Severity::Warning,
                "no command found in this block: prompts and output cannot be told apart, so it runs as written and is confirmed; mark commands with `$ ` or tag the fence `text` if it is output".into(),
            ));
        }
    }

    // `rollback=` names a step (the runtime resolves it among step ids).
    let ids: BTreeSet<&str> = rb.steps.iter().map(|s| s.id.as_str()).collect();
    let declared: BTreeSet<String> = rb.params.iter().map(|p| p.env_name()).collect();
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    for b in rb.steps.iter().flat_map(|s| &s.blocks) {
        for cap in ASSIGNED.captures_iter(&b.script) {
            for g in 1..=3 {
                if let Some(m) = cap.get(g) {
                    assigned.extend(m.as_str().split_whitespace().map(str::to_string));
                }
            }
        }
    }

    for step in &rb.steps {
        for b in &step.blocks {
            if let Some(target) = &b.attrs.rollback
                && !ids.contains(target.as_str())
            {
                out.push(diag(
                    path,
                    b.line,
                    col_of(b.line, "rollback="),
                    Severity::Error,
                    format!(
                        "rollback={target} names no step (step ids: {})",
                        ids.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            if b.attrs.readonly && b.safety != Safety::ReadOnly {
                out.push(diag(path, b.line, col_of(b.line, "readonly"), Severity::Warning, format!("block marked readonly, but the classifier finds it {}: {}; it will ask for confirmation", if b.safety == Safety::Destructive { "destructive" } else { "unknown" }, b.reason.trim_start_matches("marked readonly, but the classifier disagrees: "))));
            }
            let mut seen = BTreeSet::new();
            for (name, li, col) in referenced(&b.script) {
                if declared.contains(&name)
                    || assigned.contains(&name)
                    || name.starts_with("OPSDECK_")
                    || COMMON_ENV.contains(&name.as_str())
                    || !seen.insert(name.clone())
                {
                    continue;
                }
                let sev = if has_front_matter { Severity::Error } else { Severity::Warning };
                let hint = if has_front_matter {
                    "declare it under `params` in the front matter"
                } else {
                    "it must come from the environment"
                };
                let (line, column) = if b.lang == "console" { (b.line, 1) } else { (b.line + 1 + li, col) };
                out.push(diag(
                    path,
                    line,
                    column,
                    sev,
                    format!("${name} is used but not declared as a parameter ({hint})"),
                ));
            }
        }
        if step.is_destructive() && step.callouts.is_empty() {
            out.push(diag(
                path,
                step.line,
                1,
                Severity::Warning,
                format!("destructive step `{}` has no `> [!CAUTION]` or `> [!WARNING]` callout", step.id),
            ));
        }
    }
    out
}
