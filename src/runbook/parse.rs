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
//! - Shell blocks are fenced `sh`, `bash`, `shell`, `console`; in `console` blocks only
//!   `$ ` lines (and their `\` continuations) are commands, the rest is output.
//! - Attributes `{readonly destructive confirm=... timeout=... eta=... rollback=... id=...}`;
//!   Runme's own keys are understood too: `name=` (the id when `id=` is absent), the
//!   presentation keys (`interactive`, `background`, ...) are ignored, and the JSON form
//!   `{"name":"x"}` is accepted. Anything else (e.g. Runme's `cwd`) is an error. Effective safety: `destructive` or `confirm=` make a block
//!   destructive; otherwise the classifier decides, and an explicit `readonly` never
//!   lowers a classifier verdict (destructive wins; `opsdeck check` warns about it).
//! - Every error carries file, line and column.
use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::classify;
use super::placeholder;
use super::transcript::{self, Mode};
use super::types::*;
use crate::util::duration;

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

/// Languages of shell scripts: every line is shell, `#` starts a comment.
pub const SCRIPT_LANGS: [&str; 4] = ["sh", "bash", "zsh", "ksh"];
/// Languages of shell transcripts: prompts mark the commands, and `# ` is a root prompt
/// when a command follows it (`shell` is used both ways in real runbooks, so it is read
/// as a transcript: a block of comments and commands still runs as a script).
pub const CONSOLE_LANGS: [&str; 7] =
    ["console", "shell", "shell-session", "sh-session", "shellsession", "terminal", "session"];
/// Languages that are never commands (shown as text whatever they hold).
const NOT_SHELL: &[&str] = &[
    "yaml",
    "yml",
    "json",
    "jsonc",
    "json5",
    "toml",
    "ini",
    "xml",
    "html",
    "css",
    "promql",
    "logql",
    "sql",
    "psql",
    "text",
    "txt",
    "plain",
    "plaintext",
    "output",
    "log",
    "logs",
    "mermaid",
    "go",
    "python",
    "py",
    "ruby",
    "rb",
    "js",
    "javascript",
    "ts",
    "typescript",
    "rust",
    "rs",
    "java",
    "c",
    "cpp",
    "diff",
    "patch",
    "dockerfile",
    "hcl",
    "tf",
    "terraform",
    "nginx",
    "conf",
    "cfg",
    "cron",
    "crontab",
    "csv",
    "tsv",
    "md",
    "markdown",
    "properties",
    "jsonnet",
    "graphql",
    "lua",
    "php",
    "perl",
    "powershell",
    "ps1",
    "pwsh",
    "bat",
    "cmd",
    "fish",
    "nushell",
    "nu",
    "http",
    "proto",
    "protobuf",
    "env",
    "dotenv",
    "gitignore",
    "makefile",
    "make",
    "vim",
    "kotlin",
    "swift",
    "scala",
    "csharp",
    "cs",
    "elixir",
    "erlang",
    "haskell",
    "groovy",
    "jinja",
    "j2",
    "helm",
    "tpl",
    "rego",
    "cue",
    "nix",
    "starlark",
    "bazel",
    "awk",
    "sed",
    "jq",
    "redis",
    "mongodb",
    "cql",
    "flux",
    "kql",
    "traceql",
    "pgsql",
    "mysql",
    "plsql",
    "tsql",
    "regex",
    "none",
    "verify",
    "promql-verify",
];

/// How a block of language `lang` is read, or `None` when it is not a shell block by its tag
/// (untagged and unknown tags, such as typos, are decided by their content).
fn mode_of(lang: &str) -> Option<Mode> {
    if SCRIPT_LANGS.contains(&lang) {
        Some(Mode::Script)
    } else if CONSOLE_LANGS.contains(&lang) {
        Some(Mode::Console)
    } else {
        None
    }
}

/// Whether a fenced block of language `lang` is a step's runnable block: a shell tag, or
/// an untagged (or unknown-tag) fence whose content reads as commands.
fn is_step_block(lang: &str, literal: &str) -> bool {
    mode_of(lang).is_some() || (!NOT_SHELL.contains(&lang) && transcript::holds_commands(literal))
}

/// What a fence swallowed when its closing line is missing: the first ATX heading in its
/// content and, when it ran into the next block, that block's opening fence line (0-based
/// lines). `None` when the fence reads as intended.
fn swallowed(literal: &str, closed: bool) -> Option<(usize, String)> {
    let lines: Vec<&str> = literal.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let opener = lines.iter().position(|l| {
        let t = l.trim_start();
        let fence = t.starts_with("```") || t.starts_with("~~~");
        let info = t.trim_start_matches(['`', '~']);
        fence && indent(l) < 4 && info.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '{')
    });
    if closed && opener.is_none() {
        return None;
    }
    lines.iter().enumerate().find_map(|(i, l)| {
        let t = l.trim_start();
        let hashes = t.chars().take_while(|c| *c == '#').count();
        // `# cmd` in a shell block is a comment or a root prompt, not a heading.
        let heading = (1..=6).contains(&hashes)
            && t[hashes..].starts_with(' ')
            && indent(l) < 4
            && (hashes > 1 || !super::prompt::reads_as_command(&t[2..]));
        heading.then(|| (i, t.to_string()))
    })
}

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
    let err = |line: usize, column: usize, message: String| RunbookError {
        file: path.to_path_buf(),
        line,
        column,
        message,
    };
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let (fm, body) = front_matter(text, &lines, &err)?;
    let has_front_matter = fm.is_some();
    let meta = Meta::from_front_matter(fm.as_ref(), &lines, &err)?;

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
            blocks.push(build_block(raw, &lines, &meta.params, has_front_matter, &err)?);
        }
        let mut verify = Vec::new();
        for raw in &sec.verify {
            verify.push(build_verify(raw, &lines, &err)?);
        }
        let explicit = blocks.iter().find_map(|b: &Block| b.attrs.id.clone());
        let mut id = explicit.clone().unwrap_or_else(|| slug(&sec.title));
        if ids.contains(&id) {
            if explicit.is_some() {
                let b = blocks.iter().find(|b| b.attrs.id.is_some()).map(|b| b.line).unwrap_or(sec.line);
                return Err(err(b, 1, format!("duplicate step id `{id}`")));
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

// ------------------------------------------------------------------ front matter

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FrontMatter {
    title: Option<String>,
    intent: Option<String>,
    owner: Option<String>,
    eta: Option<Scalar>,
    params: Vec<RawParam>,
    allowed_groups: Vec<String>,
    justification: Option<RawJustification>,
}

#[derive(Debug, Deserialize)]
struct RawParam {
    name: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    default: Option<Scalar>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    choices: Vec<Scalar>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawJustification {
    #[serde(default)]
    required: Option<bool>,
    #[serde(default)]
    pattern: Option<String>,
}

/// A YAML scalar written as a string, number or boolean; kept as its text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

type ErrFn<'a> = dyn Fn(usize, usize, String) -> RunbookError + 'a;

/// Splits off the front matter. The body keeps the file's line numbers (the front matter
/// lines become blank lines).
fn front_matter(
    text: &str,
    lines: &[&str],
    err: &ErrFn,
) -> Result<(Option<(FrontMatter, usize)>, String), RunbookError> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Ok((None, text.to_string()));
    }
    let Some(close) = lines.iter().skip(1).position(|l| matches!(l.trim_end(), "---" | "...")).map(|p| p + 1)
    else {
        return Err(err(1, 1, "unterminated front matter: the `---` on line 1 has no closing `---`".into()));
    };
    let yaml = lines[1..close].join("\n");
    let fm: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        serde_saphyr::from_str(&yaml).map_err(|e| {
            let (line, col) =
                e.location().map(|l| (l.line() as usize, l.column() as usize)).unwrap_or((1, 1));
            let msg = e.without_snippet().to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).trim().to_string();
            err(line + 1, col.max(1), format!("front matter: {msg}"))
        })?
    };
    let mut body = "\n".repeat(close + 1);
    body.push_str(&lines[close + 1..].join("\n"));
    Ok((Some((fm, close)), body))
}

/// The first front-matter line (1-based file line, column) where `needle` appears.
fn locate(lines: &[&str], end: usize, needle: &str) -> (usize, usize) {
    for (i, l) in lines.iter().enumerate().take(end).skip(1) {
        if let Some(c) = l.find(needle) {
            return (i + 1, c + 1);
        }
    }
    (1, 1)
}

struct Meta {
    title: Option<String>,
    intent: Option<String>,
    owner: Option<String>,
    eta: Option<Duration>,
    params: Vec<ParamSpec>,
    allowed_groups: Vec<String>,
    justification: Option<JustificationSpec>,
}

impl Meta {
    fn from_front_matter(
        fm: Option<&(FrontMatter, usize)>,
        lines: &[&str],
        err: &ErrFn,
    ) -> Result<Meta, RunbookError> {
        let Some((fm, end)) = fm else {
            return Ok(Meta {
                title: None,
                intent: None,
                owner: None,
                eta: None,
                params: vec![],
                allowed_groups: vec![],
                justification: None,
            });
        };
        let at = |needle: &str| locate(lines, *end, needle);
        let eta = match &fm.eta {
            None => None,
            Some(s) => Some(duration::parse(&s.to_string()).map_err(|e| {
                let (l, c) = at("eta:");
                err(l, c, format!("eta: {e}"))
            })?),
        };
        let mut params: Vec<ParamSpec> = Vec::new();
        for p in &fm.params {
            let (l, c) = {
                let (l, c) = at(&format!("name: {}", p.name));
                if l == 1 { at(&p.name) } else { (l, c) }
            };
            let fail = |m: String| err(l, c, format!("param `{}`: {m}", p.name));
            let valid_name = p.name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid_name {
                return Err(fail("a name is letters, digits, `_` and `-`, starting with a letter".into()));
            }
            if params.iter().any(|q| q.name == p.name) {
                return Err(fail("declared twice".into()));
            }
            let choices: Vec<String> = p.choices.iter().map(|s| s.to_string()).collect();
            let kind = match p.kind.as_deref() {
                None if !choices.is_empty() => ParamKind::Enum,
                None | Some("string") => ParamKind::String,
                Some("int") => ParamKind::Int,
                Some("enum") => ParamKind::Enum,
                Some("duration") => ParamKind::Duration,
                Some(other) => {
                    return Err(fail(format!(
                        "unknown type `{other}` (expected string, int, enum or duration)"
                    )));
                }
            };
            if kind == ParamKind::Enum && choices.is_empty() {
                return Err(fail("type enum needs `choices`".into()));
            }
            let re = match &p.pattern {
                Some(pat) => Some(regex::Regex::new(pat).map_err(|e| fail(format!("bad pattern: {e}")))?),
                None => None,
            };
            let default = p.default.as_ref().map(|d| d.to_string());
            if let Some(d) = &default {
                let bad = match kind {
                    ParamKind::Int => d.parse::<i64>().is_err().then(|| "is not an integer".to_string()),
                    ParamKind::Duration => duration::parse(d).err(),
                    _ => None,
                }
                .or_else(|| {
                    (!choices.is_empty() && !choices.contains(d))
                        .then(|| format!("is not one of {}", choices.join(", ")))
                })
                .or_else(|| {
                    re.as_ref().filter(|r| !r.is_match(d)).map(|r| format!("does not match {}", r.as_str()))
                });
                if let Some(why) = bad {
                    return Err(fail(format!("default `{d}` {why}")));
                }
            }
            params.push(ParamSpec {
                name: p.name.clone(),
                kind,
                default,
                pattern: p.pattern.clone(),
                choices,
                description: p.description.clone(),
            });
        }
        let justification = match &fm.justification {
            None => None,
            Some(j) => {
                if let Some(p) = &j.pattern {
                    regex::Regex::new(p).map_err(|e| {
                        let (l, c) = at("pattern:");
                        err(l, c, format!("justification: bad pattern: {e}"))
                    })?;
                }
                Some(JustificationSpec { required: j.required.unwrap_or(true), pattern: j.pattern.clone() })
            }
        };
        Ok(Meta {
            title: fm.title.clone(),
            intent: fm.intent.clone(),
            owner: fm.owner.clone(),
            eta,
            params,
            allowed_groups: fm.allowed_groups.clone(),
            justification,
        })
    }
}

// ------------------------------------------------------------------ Markdown structure

enum Item {
    Heading { level: u8, text: String, line: usize },
    Code { info: String, literal: String, line: usize, col: usize, closed: bool },
    Callout { kind: String, text: String },
    Prose { text: String },
}

fn source(lines: &[&str], start: usize, end: usize) -> String {
    let s = start.max(1) - 1;
    let e = end.min(lines.len());
    if s >= e {
        return String::new();
    }
    lines[s..e].join("\n")
}

fn inline_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Top-level items in document order; code blocks nested in lists or quotes are lifted
/// out after the item that holds them (their text stays in its prose).
fn collect_items<'a>(root: &'a AstNode<'a>, lines: &[&str]) -> Vec<Item> {
    let mut items = Vec::new();
    for node in root.children() {
        let data = node.data();
        let pos = data.sourcepos;
        match &data.value {
            NodeValue::Heading(h) => {
                items.push(Item::Heading { level: h.level, text: inline_text(node), line: pos.start.line })
            }
            NodeValue::CodeBlock(cb) if cb.fenced => items.push(Item::Code {
                info: cb.info.clone(),
                literal: cb.literal.clone(),
                line: pos.start.line,
                col: pos.start.column,
                closed: cb.closed,
            }),
            NodeValue::Alert(a)
                if matches!(
                    a.alert_type,
                    comrak::nodes::AlertType::Caution | comrak::nodes::AlertType::Warning
                ) =>
            {
                let kind = a.alert_type.default_title().to_ascii_uppercase();
                let raw = source(lines, pos.start.line, pos.end.line);
                let text: Vec<String> = raw
                    .lines()
                    .map(|l| {
                        let l = l.trim_start();
                        let l = l.strip_prefix('>').unwrap_or(l);
                        l.strip_prefix(' ').unwrap_or(l).to_string()
                    })
                    .filter(|l| !l.trim().to_ascii_uppercase().starts_with("[!"))
                    .collect();
                items.push(Item::Callout { kind, text: text.join("\n").trim().to_string() });
            }
            NodeValue::FrontMatter(_) => {}
            _ => {
                let text = source(lines, pos.start.line, pos.end.line);
                if !text.trim().is_empty() {
                    items.push(Item::Prose { text });
                }
                drop(data);
                for d in node.descendants().skip(1) {
                    let dd = d.data();
                    if let NodeValue::CodeBlock(cb) = &dd.value
                        && cb.fenced
                    {
                        items.push(Item::Code {
                            info: cb.info.clone(),
                            literal: cb.literal.clone(),
                            line: dd.sourcepos.start.line,
                            col: dd.sourcepos.start.column,
                            closed: cb.closed,
                        });
                    }
                }
            }
        }
    }
    items
}

struct RawCode {
    info: String,
    literal: String,
    line: usize,
    col: usize,
}

struct Section {
    title: String,
    level: u8,
    line: usize,
    prose: Vec<String>,
    callouts: Vec<Callout>,
    /// Whether the last item added was a callout (it may move to the next step).
    trailing_callouts: usize,
    blocks: Vec<RawCode>,
    verify: Vec<RawCode>,
}

fn sectionize(items: Vec<Item>, has_h2: bool, problems: &mut Vec<FenceProblem>) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let new = |title: String, level: u8, line: usize| Section {
        title,
        level,
        line,
        prose: vec![],
        callouts: vec![],
        trailing_callouts: 0,
        blocks: vec![],
        verify: vec![],
    };
    for item in items {
        match item {
            Item::Heading { level, text, line } if !has_h2 || level <= 2 => {
                sections.push(new(text, level, line))
            }
            other => {
                if sections.is_empty() {
                    let line = match &other {
                        Item::Code { line, .. } => *line,
                        _ => 1,
                    };
                    sections.push(new("Preamble".into(), 0, line));
                }
                let sec = sections.last_mut().expect("a section exists");
                match other {
                    Item::Heading { text, line, level } => {
                        sec.prose.push(format!("{} {text}", "#".repeat(level as usize)));
                        let _ = line;
                        sec.trailing_callouts = 0;
                    }
                    Item::Prose { text } => {
                        sec.prose.push(text);
                        sec.trailing_callouts = 0;
                    }
                    Item::Callout { kind, text } => {
                        sec.callouts.push(Callout { kind, text });
                        sec.trailing_callouts += 1;
                    }
                    Item::Code { info, literal, line, col, closed } => {
                        let lang = lang_of(&info);
                        if let Some(h) = swallowed(&literal, closed) {
                            let why = if closed {
                                "its closing fence is missing (the next block's fence closes it)"
                            } else {
                                "it is never closed and runs to the end of the file"
                            };
                            problems.push(FenceProblem {
                                line,
                                column: col,
                                message: format!(
                                    "this fence swallows the heading `{}` (line {}): {why}",
                                    h.1,
                                    line + 1 + h.0
                                ),
                            });
                        }
                        let raw = RawCode { info, literal, line, col };
                        if is_step_block(&lang, &raw.literal) {
                            sec.blocks.push(raw);
                        } else if lang == "promql"
                            && attr_text(&raw.info).is_some_and(|a| tokens(a).iter().any(|t| t.0 == "verify"))
                        {
                            sec.verify.push(raw);
                        } else {
                            sec.prose.push(format!("```{}\n{}```", raw.info, raw.literal));
                        }
                        sec.trailing_callouts = 0;
                    }
                }
            }
        }
    }
    // A callout that ends a section belongs to the next step.
    for i in 0..sections.len().saturating_sub(1) {
        let n = sections[i].trailing_callouts;
        let next_is_step = !sections[i + 1].blocks.is_empty() || !sections[i + 1].verify.is_empty();
        if n > 0 && next_is_step {
            let at = sections[i].callouts.len() - n;
            let moved: Vec<Callout> = sections[i].callouts.drain(at..).collect();
            sections[i + 1].callouts.splice(0..0, moved);
        }
    }
    sections
}

fn lang_of(info: &str) -> String {
    info.split(|c: char| c.is_whitespace() || c == '{').next().unwrap_or("").to_ascii_lowercase()
}

/// The text between `{` and `}` of an info string.
fn attr_text(info: &str) -> Option<&str> {
    let open = info.find('{')?;
    let close = info.rfind('}').filter(|c| *c > open).unwrap_or(info.len());
    Some(&info[open + 1..close])
}

/// `key[=value]` tokens with their byte offset in `text`; quotes group and are removed.
fn tokens(text: &str) -> Vec<(String, Option<String>, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1.is_whitespace() || chars[i].1 == ',' {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut tok = String::new();
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let c = chars[i].1;
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => tok.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() || c == ',' => break,
                None => tok.push(c),
            }
            i += 1;
        }
        // Keep the quotes of a typed:"text" value visible to the parser.
        let raw = &text[start..chars.get(i).map(|c| c.0).unwrap_or(text.len())];
        match raw.split_once('=') {
            Some((k, v)) => {
                // `confirm` keeps its quotes (typed:"text" differs from typed:param).
                let v = if k == "confirm" { v.to_string() } else { v.replace(['"', '\''], "") };
                out.push((k.replace(['"', '\''], ""), Some(v), start));
            }
            None => out.push((tok, None, start)),
        }
    }
    out
}

/// Runme's JSON form, `{"name":"drain","interactive":"false"}`, as `key[=value]` tokens
/// (`true` is a bare flag, `false` drops the key).
fn json_tokens(text: &str) -> Result<Vec<(String, Option<String>, usize)>, String> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&format!("{{{text}}}")).map_err(|e| format!("bad JSON attributes: {e}"))?;
    let mut out = Vec::new();
    for (k, v) in map {
        let off = text.find(&format!("\"{k}\"")).unwrap_or(0);
        match v {
            serde_json::Value::Bool(true) => out.push((k, None, off)),
            serde_json::Value::Bool(false) | serde_json::Value::Null => {}
            serde_json::Value::String(s)
                if matches!(s.as_str(), "true") && matches!(k.as_str(), "readonly" | "destructive") =>
            {
                out.push((k, None, off))
            }
            serde_json::Value::String(s)
                if matches!(s.as_str(), "false") && matches!(k.as_str(), "readonly" | "destructive") => {}
            serde_json::Value::String(s) => out.push((k, Some(s), off)),
            other => out.push((k, Some(other.to_string()), off)),
        }
    }
    Ok(out)
}

/// (line, column) of byte `offset` of the attribute text of a block's info string.
fn attr_pos(raw: &RawCode, lines: &[&str], offset: usize) -> (usize, usize) {
    let line_text = lines.get(raw.line - 1).copied().unwrap_or("");
    let attrs = attr_text(&raw.info).unwrap_or("");
    match line_text.find(attrs) {
        Some(p) if !attrs.is_empty() => (raw.line, p + offset + 1),
        _ => (raw.line, raw.col),
    }
}

fn build_block(
    raw: &RawCode,
    lines: &[&str],
    params: &[ParamSpec],
    has_front_matter: bool,
    err: &ErrFn,
) -> Result<Block, RunbookError> {
    let lang = lang_of(&raw.info);
    let mut attrs = BlockAttrs::default();
    let mut runme_name: Option<String> = None;
    if let Some(text) = attr_text(&raw.info) {
        let toks = if text.trim_start().starts_with('"') {
            json_tokens(text).map_err(|m| {
                let (l, c) = attr_pos(raw, lines, 0);
                err(l, c, m)
            })?
        } else {
            tokens(text)
        };
        for (key, value, off) in toks {
            let (l, c) = attr_pos(raw, lines, off);
            let need = |v: &Option<String>| -> Result<String, RunbookError> {
                v.clone()
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| err(l, c, format!("attribute `{key}` needs a value")))
            };
            let dur = |v: &Option<String>| -> Result<Duration, RunbookError> {
                let v = need(v)?;
                duration::parse(&v).map_err(|e| err(l, c, format!("attribute `{key}`: {e}")))
            };
            match key.as_str() {
                "readonly" => attrs.readonly = true,
                "destructive" => attrs.destructive = true,
                "id" => attrs.id = Some(need(&value)?),
                "rollback" => attrs.rollback = Some(need(&value)?),
                "timeout" => attrs.timeout = Some(dur(&value)?),
                "eta" => attrs.eta = Some(dur(&value)?),
                "confirm" => {
                    let v = need(&value)?;
                    let confirm = if v == "yes" {
                        Confirm::Yes
                    } else if let Some(t) = v.strip_prefix("typed:") {
                        if t.len() >= 2
                            && (t.starts_with('"') && t.ends_with('"')
                                || t.starts_with('\'') && t.ends_with('\''))
                        {
                            Confirm::TypedText(t[1..t.len() - 1].to_string())
                        } else if t.is_empty() {
                            return Err(err(
                                l,
                                c,
                                "confirm=typed: needs a parameter name or a \"quoted text\"".into(),
                            ));
                        } else if params.iter().any(|p| p.name == t) {
                            Confirm::TypedParam(t.to_string())
                        } else {
                            return Err(err(
                                l,
                                c,
                                format!(
                                    "confirm=typed:{t} names an undeclared parameter `{t}` (declare it under `params`, or quote a literal: typed:\"{t}\")"
                                ),
                            ));
                        }
                    } else {
                        return Err(err(
                            l,
                            c,
                            format!("bad confirm `{v}` (expected yes, typed:<param> or typed:\"<text>\")"),
                        ));
                    };
                    attrs.confirm = Some(confirm);
                }
                // Runme's cell name: the id unless `id=` is given.
                "name" => runme_name = Some(need(&value)?),
                // Runme's presentation attributes: they do not change what runs.
                "interactive"
                | "background"
                | "closeTerminalOnSuccess"
                | "excludeFromRunAll"
                | "promptEnv"
                | "terminalRows"
                | "category"
                | "mimeType" => {}
                _ => {
                    return Err(err(
                        l,
                        c,
                        format!(
                            "unknown attribute `{key}` (expected readonly, destructive, confirm=, timeout=, eta=, rollback=, id=)"
                        ),
                    ));
                }
            }
        }
    }
    if attrs.id.is_none() {
        attrs.id = runme_name;
    }
    if attrs.readonly && attrs.destructive {
        let (l, c) = attr_pos(raw, lines, 0);
        return Err(err(l, c, "a block cannot be both readonly and destructive".into()));
    }
    let mode = mode_of(&lang).unwrap_or(Mode::Console);
    let extracted = transcript::extract(&raw.literal, mode);
    let script = extracted.script;
    let first = raw.line + 1;
    let commands: Vec<CommandLine> = extracted
        .commands
        .into_iter()
        .map(|c| CommandLine {
            line: first + c.line,
            prompt: c.prompt,
            context: c.client.as_ref().map_or("shell", |cl| cl.context()).to_string(),
            text: c.text,
        })
        .collect();
    let mut placeholders: Vec<Placeholder> = Vec::new();
    for f in extracted.placeholders {
        if !placeholders.iter().any(|p| p.env == f.env) {
            placeholders.push(Placeholder { text: f.text, env: f.env, style: f.style, line: first + f.line });
        }
    }
    // A runbook written for opsdeck declares its parameters: a variable it leaves
    // undeclared comes from the environment (and `opsdeck check` says so). Only plain
    // Markdown runbooks get their unassigned variables asked for.
    let known: Vec<String> = params.iter().map(|p| p.env_name()).collect();
    let undefined = if has_front_matter { vec![] } else { placeholder::undefined_variables(&script, &known) };
    for (name, l) in undefined {
        placeholders.push(Placeholder {
            text: format!("${name}"),
            env: name,
            style: PlaceholderStyle::Variable,
            line: first + l,
        });
    }
    let (verdict, why) = if extracted.kind == BlockKind::NoCommandFound {
        (
            Safety::Unknown,
            "no command found: the block's commands cannot be told from its output (runs as written; unknown, treated as destructive)".to_string(),
        )
    } else {
        classify::classify(&script)
    };
    let (safety, reason) = if attrs.destructive {
        (Safety::Destructive, "marked destructive".to_string())
    } else if attrs.confirm.is_some() && verdict == Safety::ReadOnly {
        (Safety::Destructive, "confirm= asks for a confirmation".to_string())
    } else if attrs.readonly && verdict != Safety::ReadOnly {
        (verdict, format!("marked readonly, but the classifier disagrees: {why}"))
    } else if attrs.readonly {
        (Safety::ReadOnly, format!("marked readonly ({why})"))
    } else {
        (verdict, why)
    };
    Ok(Block {
        line: raw.line,
        lang,
        kind: extracted.kind,
        script,
        commands,
        placeholders,
        attrs,
        safety,
        reason,
    })
}

fn build_verify(raw: &RawCode, lines: &[&str], err: &ErrFn) -> Result<VerifyBlock, RunbookError> {
    let mut hold_for = Duration::ZERO;
    let mut timeout = Duration::from_secs(300);
    for (key, value, off) in tokens(attr_text(&raw.info).unwrap_or("")) {
        let (l, c) = attr_pos(raw, lines, off);
        let dur = |v: &Option<String>| -> Result<Duration, RunbookError> {
            let v = v.clone().unwrap_or_default();
            duration::parse(&v).map_err(|e| err(l, c, format!("attribute `{key}`: {e}")))
        };
        match key.as_str() {
            "verify" => {}
            "for" => hold_for = dur(&value)?,
            "timeout" => timeout = dur(&value)?,
            _ => {
                return Err(err(
                    l,
                    c,
                    format!("unknown attribute `{key}` on a promql block (expected verify, for=, timeout=)"),
                ));
            }
        }
    }
    let query = raw.literal.trim().to_string();
    if query.is_empty() {
        return Err(err(raw.line, raw.col, "empty promql verify block".into()));
    }
    Ok(VerifyBlock { line: raw.line, query, hold_for, timeout })
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
