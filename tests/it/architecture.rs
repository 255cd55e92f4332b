//! The module graph, held: every `crate::<module>` a file names (in a `use` or a path) must
//! be an edge of the allowed map below, written once here. In particular `domain` imports
//! nothing of the crate; `model`, `ui` and `incident` never reach into `sources`; and the
//! pure cores (`domain`, `derive`, `model`, `incident`, `runbook`) never name ratatui or
//! crossterm.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// module -> the modules it may name. Top-level files are modules of their own
/// (`snapshot.rs` is `snapshot`); `lib.rs` and `main.rs` may name anything.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("util", &["domain"]),
    ("cli", &["config", "demo", "incident", "runbook", "snapshot", "app", "util", "domain", "silence"]),
    // Silences against Alertmanager clusters, and their records in the incident book.
    ("silence", &["domain", "config", "incident", "sources", "util", "cli"]),
    // `config::check` and `config::cli` are the `check`/`init` command handlers: they lint
    // runbooks and poll once; validation names `derive::Priority`; `check` also checks the
    // keymap file (`model::Keymap`) and the theme (`ui::Theme`) the screen will load.
    ("config", &["domain", "util", "cli", "sources", "derive", "runbook", "snapshot", "model", "ui"]),
    // `derive` only in the alertmanager tests (dedup keeps the derived views).
    ("sources", &["domain", "config", "util", "derive"]),
    ("derive", &["domain", "config", "util"]),
    ("incident", &["domain", "derive", "config", "util", "cli"]),
    ("runbook", &["domain", "config", "util", "cli"]),
    ("model", &["domain", "derive", "config", "incident", "runbook", "util"]),
    ("ui", &["domain", "model", "derive", "incident", "runbook", "util", "config"]),
    ("snapshot", &["domain", "config", "derive", "incident", "sources", "util"]),
    (
        "app",
        &[
            "domain", "model", "ui", "config", "derive", "incident", "runbook", "sources", "util", "cli",
            "snapshot", "silence",
        ],
    ),
    (
        "demo",
        &[
            "domain", "app", "cli", "config", "model", "sources", "ui", "runbook", "incident", "derive",
            "snapshot", "util",
        ],
    ),
];

/// Modules that must not name a terminal library.
const NO_TERMINAL: &[&str] = &["domain", "derive", "model", "incident", "runbook"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line without its `//` comment (string contents are kept: good enough,
/// no line of ours names a module inside a string).
fn code(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") {
        return "";
    }
    match line.find("//") {
        Some(i) if !line[..i].contains('"') => &line[..i],
        _ => line,
    }
}

#[test]
fn every_module_edge_is_allowed() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> =
        ALLOWED.iter().map(|(m, to)| (*m, to.iter().copied().collect())).collect();
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let rel = f.strip_prefix("src").unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(ok) = allowed.get(module.as_str()) else {
            bad.push(format!("{}: module `{module}` is not in the allowed map", f.display()));
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let c = code(line);
            let mut rest = c;
            while let Some(i) = rest.find("crate::") {
                let after = &rest[i + 7..];
                let name: String =
                    after.chars().take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_').collect();
                let before_ok =
                    i == 0 || !rest[..i].ends_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_');
                if before_ok && !name.is_empty() && name != module && !ok.contains(name.as_str()) {
                    bad.push(format!("{}:{}: `{module}` names `crate::{name}`", f.display(), n + 1));
                }
                rest = &after[name.len()..];
            }
            if NO_TERMINAL.contains(&module.as_str())
                && (c.contains("ratatui::")
                    || c.contains("crossterm::")
                    || c.contains("use ratatui")
                    || c.contains("use crossterm"))
            {
                bad.push(format!("{}:{}: `{module}` names a terminal library", f.display(), n + 1));
            }
        }
    }
    assert!(bad.is_empty(), "forbidden edges:\n{}", bad.join("\n"));
}

#[test]
fn the_map_forbids_what_the_design_forbids() {
    let get = |m: &str| ALLOWED.iter().find(|(n, _)| *n == m).unwrap().1;
    assert!(get("domain").is_empty());
    for m in ["model", "ui", "incident"] {
        assert!(!get(m).contains(&"sources"), "{m} may not reach into sources");
    }
}
