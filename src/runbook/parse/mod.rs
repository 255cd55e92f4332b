//! The runbook parser: optional YAML front matter, then Markdown whose headings with
//! runnable blocks become steps (DESIGN.md section 4).
//!
//! Contract:
//! - Steps: when the file has `##` headings, headings of level 1 and 2 start sections and
//!   deeper headings stay inside their section; without `##` headings every heading starts
//!   a section. Blocks before any heading form a first section. A section that holds a
//!   shell block or a `promql {verify}` block is a step; the others are not shown.
//! - A `> [!CAUTION]` / `> [!WARNING]` callout belongs to its section, and one that ends a
//!   section (just before the next step's heading) belongs to that next step.
//! - Step blocks: fenced `sh`/`bash` scripts, `console`/`shell` transcripts, and untagged
//!   fences whose content reads as commands (`langs`); how commands are told from output
//!   is `transcript`'s contract (docs/runbook-format.md).
//! - Attributes `{readonly destructive confirm=... timeout=... eta=... rollback=... id=...}`;
//!   Runme's own keys are understood too: `name=` (the id when `id=` is absent), the
//!   presentation keys (`interactive`, `background`, ...) are ignored, and the JSON form
//!   `{"name":"x"}` is accepted. Anything else (e.g. Runme's `cwd`) is an error.
//!   Effective safety: `destructive` or `confirm=` make a block destructive; otherwise the classifier decides, and an explicit `readonly` never
//!   lowers a classifier verdict (destructive wins; `opsdeck check` warns about it).
//! - Every error carries file, line and column.
mod attrs;
mod block;
mod front_matter;
mod langs;
mod markdown;

use comrak::{Arena, Options, parse_document};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};

use super::types::*;
use block::{build_block, build_verify};
use front_matter::{Meta, front_matter};
use markdown::{Item, collect_items, sectionize};

pub use langs::{CONSOLE_LANGS, SCRIPT_LANGS};

/// A runbook that cannot be parsed: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookError {
    pub file: PathBuf,
    /// 1-based; 0 when the error is about the whole file (it cannot be read).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for RunbookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for RunbookError {}

/// Reads and parses a runbook file.
pub fn parse_file(path: &Path) -> Result<Runbook, RunbookError> {
    let bytes = std::fs::read(path).map_err(|e| RunbookError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
    })?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => parse_str(text, path),
        Err(e) => {
            let (line, column) = line_col(&bytes[..e.valid_up_to()]);
            Err(RunbookError { file: path.to_path_buf(), line, column, message: "not valid UTF-8".into() })
        }
    }
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
    let col = prefix.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, col)
}

/// Parses runbook text; `path` names it in errors and in the result.
pub fn parse_str(text: &str, path: &Path) -> Result<Runbook, RunbookError> {
    parse_str_all(text, path).map_err(|mut errs| errs.swap_remove(0))
}

/// [`parse_str`] with every error of the file, in file order: a front-matter error stops
/// the parse; a bad block, verify block or duplicate id is reported and the rest is read
/// on, so `opsdeck check` reports every problem in one pass.
pub fn parse_str_all(text: &str, path: &Path) -> Result<Runbook, Vec<RunbookError>> {
    let err = |line: usize, column: usize, message: String| RunbookError {
        file: path.to_path_buf(),
        line,
        column,
        message,
    };
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let (fm, body) = front_matter(text, &lines, &err).map_err(|e| vec![e])?;
    let has_front_matter = fm.is_some();
    let meta = Meta::from_front_matter(fm.as_ref(), &lines, &err).map_err(|e| vec![e])?;
    let mut errors: Vec<RunbookError> = Vec::new();

    let arena = Arena::new();
    let mut opts = Options::default();
    opts.extension.alerts = true;
    opts.extension.table = true;
    opts.extension.strikethrough = true;
    opts.extension.tasklist = true;
    opts.render.sourcepos = true;
    let root = parse_document(&arena, &body, &opts);
    let items = collect_items(root, &lines);

    let has_h2 = items.iter().any(|i| matches!(i, Item::Heading { level: 2, .. }));
    let mut fence_problems = Vec::new();
    let sections = sectionize(items, has_h2, &mut fence_problems);
    let first_h1 = sections.iter().find(|s| s.level == 1).map(|s| s.title.clone());
    let title = meta.title.clone().or(first_h1).unwrap_or_else(|| {
        path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "runbook".into())
    });

    let mut steps: Vec<Step> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for sec in sections {
        if sec.blocks.is_empty() && sec.verify.is_empty() {
            continue;
        }
        let mut blocks = Vec::new();
        for raw in &sec.blocks {
            match build_block(raw, &lines, &meta.params, has_front_matter, &err) {
                Ok(b) => blocks.push(b),
                Err(e) => errors.push(e),
            }
        }
        let mut verify = Vec::new();
        for raw in &sec.verify {
            match build_verify(raw, &lines, &err) {
                Ok(v) => verify.push(v),
                Err(e) => errors.push(e),
            }
        }
        let explicit = blocks.iter().find_map(|b: &Block| b.attrs.id.clone());
        let mut id = explicit.clone().unwrap_or_else(|| slug(&sec.title));
        if ids.contains(&id) {
            if explicit.is_some() {
                let b = blocks.iter().find(|b| b.attrs.id.is_some()).map(|b| b.line).unwrap_or(sec.line);
                errors.push(err(b, 1, format!("duplicate step id `{id}`")));
            }
            let base = id.clone();
            let mut n = 2;
            while ids.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
        }
        ids.push(id.clone());
        steps.push(Step {
            id,
            title: sec.title,
            line: sec.line,
            prose: sec.prose.join("\n\n"),
            callouts: sec.callouts,
            blocks,
            verify,
        });
    }

    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.column));
        return Err(errors);
    }
    Ok(Runbook {
        path: path.to_path_buf(),
        file_hash: hex::encode(Sha256::digest(text.as_bytes())),
        title,
        intent: meta.intent,
        owner: meta.owner,
        eta: meta.eta,
        params: meta.params,
        allowed_groups: meta.allowed_groups,
        justification: meta.justification,
        steps,
        fence_problems,
    })
}

/// A step id from a heading: lower case, words joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "step".into() } else { out }
}
