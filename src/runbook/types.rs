//! The parsed form of a runbook. Produced by the format parser, consumed by the classifier,
//! the linter (`opsdeck check`), the run state machine and the UI.
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

use crate::util::duration::serde_opt;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Runbook {
    pub path: PathBuf,
    /// SHA-256 of the file bytes, hex; recorded in the journal.
    pub file_hash: String,
    pub title: String,
    pub intent: Option<String>,
    pub owner: Option<String>,
    #[serde(with = "serde_opt", default)]
    pub eta: Option<Duration>,
    pub params: Vec<ParamSpec>,
    pub allowed_groups: Vec<String>,
    pub justification: Option<JustificationSpec>,
    pub steps: Vec<Step>,
    /// Fences the Markdown left open in a way that hides part of the runbook (`opsdeck
    /// check` reports them as errors; the runbook still parses as CommonMark reads it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fence_problems: Vec<FenceProblem>,
}

/// A fence that swallows what follows it, e.g. an unclosed fence and the `##` step after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FenceProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Runbook {
    pub fn has_destructive(&self) -> bool {
        self.steps.iter().any(Step::is_destructive)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParamKind,
    pub default: Option<String>,
    pub pattern: Option<String>,
    pub choices: Vec<String>,
    pub description: Option<String>,
}

impl ParamSpec {
    /// The environment variable the parameter reaches scripts as: upper-cased, every
    /// character other than an ASCII letter or digit becomes `_` (`sim-url` -> `SIM_URL`).
    pub fn env_name(&self) -> String {
        self.name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
            .collect()
    }

    /// The value used when the operator gives none: the environment variable
    /// `OPSDECK_<env_name>` when set and not empty (so `OPSDECK_SIM_URL` points every
    /// runbook's `sim_url` at the simulator), else `default`. `env` reads the environment.
    pub fn effective_default(&self, env: impl Fn(&str) -> Option<String>) -> Option<String> {
        env(&format!("OPSDECK_{}", self.env_name()))
            .filter(|v| !v.is_empty())
            .or_else(|| self.default.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    String,
    Int,
    Enum,
    Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JustificationSpec {
    pub required: bool,
    /// A regex the justification must match, e.g. `^(SRE|INC)-[0-9]+$`.
    pub pattern: Option<String>,
}

/// The one justification check (the run machine's, and the screen's immediate answer):
/// non-empty after trimming, and matching `spec`'s pattern when it has one.
pub fn check_justification(spec: Option<&JustificationSpec>, j: &str) -> Result<(), String> {
    let j = j.trim();
    if j.is_empty() {
        return Err("a justification (e.g. a ticket id) is required".into());
    }
    if let Some(p) = spec.and_then(|s| s.pattern.as_deref()) {
        let re = regex::Regex::new(p).map_err(|e| format!("bad justification pattern: {e}"))?;
        if !re.is_match(j) {
            return Err(format!("`{j}` does not match {p}"));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// `id=` of its first block, else a slug of the heading.
    pub id: String,
    pub title: String,
    /// 1-based line of the heading (or of the first block for a headless first step).
    pub line: usize,
    /// The Markdown prose under the heading, as written.
    pub prose: String,
    /// `> [!CAUTION]` / `> [!WARNING]` callouts that belong to this step.
    pub callouts: Vec<Callout>,
    pub blocks: Vec<Block>,
    pub verify: Vec<VerifyBlock>,
}

impl Step {
    pub fn is_destructive(&self) -> bool {
        self.blocks.iter().any(|b| b.safety.needs_confirmation())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callout {
    /// `CAUTION` or `WARNING`.
    pub kind: String,
    pub text: String,
}

/// A runnable block: a fenced shell block (`sh`, `bash`, `shell`, `console`, ...) or an
/// untagged fence whose content reads as commands (docs/runbook-format.md, "Blocks").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string's first word, lower case; empty for an untagged fence.
    pub lang: String,
    /// How the commands were read from the block.
    #[serde(default)]
    pub kind: BlockKind,
    /// The script exactly as it will run: prompts stripped, output lines dropped, lines
    /// typed at an interactive prompt (`db=# `, `host:6379> `) fed to their client on
    /// stdin, and every placeholder replaced by a quoted reference to its variable.
    pub script: String,
    /// The commands as the runbook shows them (prompt stripped, placeholders as written).
    #[serde(default)]
    pub commands: Vec<CommandLine>,
    /// Values the operator gives before the block runs; each reaches the script only as
    /// the environment variable [`Placeholder::env`].
    #[serde(default)]
    pub placeholders: Vec<Placeholder>,
    pub attrs: BlockAttrs,
    /// The effective safety: the explicit attribute if any, else the classifier's verdict.
    pub safety: Safety,
    /// Why: the attribute, or the classifier's rule and the command that triggered it.
    pub reason: String,
}

/// How a block's commands were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A script: every line is shell (comments included).
    #[default]
    Script,
    /// A transcript: commands after prompts, output lines dropped.
    Transcript,
    /// A `console` or untagged block in which no command could be told from output: it
    /// runs as written and is confirmed (safety unknown).
    NoCommandFound,
}

/// One command of a block as the runbook shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandLine {
    /// 1-based line in the runbook file of the command's first line.
    pub line: usize,
    /// The prompt it was typed at (`$ `, `[root@db1 ~]# `, `db=# `), if any.
    pub prompt: Option<String>,
    /// Where it was typed: `shell`, `psql`, `mysql`, `redis`, `pprof`.
    pub context: String,
    /// The command text, continuation lines joined with newlines, placeholders as written.
    pub text: String,
}

/// A value the operator supplies before a block runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    /// As written: `<pod_name>`, `{{cluster}}`, `YOUR_TOKEN_HERE`, or `$PDB`.
    pub text: String,
    /// The environment variable the value reaches the script as: `OPSDECK_PH_POD_NAME`,
    /// or the variable's own name (`PDB`) for an undefined variable.
    pub env: String,
    pub style: PlaceholderStyle,
    /// 1-based runbook line of its first use in the block.
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderStyle {
    /// `<pod_name>`
    Angle,
    /// `{{cluster}}`
    Braces,
    /// `YOUR_TOKEN_HERE`, `CHANGEME`
    Marker,
    /// `$PDB` used but never assigned in the block: asked only when the environment
    /// opsdeck runs in does not set it.
    Variable,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BlockAttrs {
    pub id: Option<String>,
    pub readonly: bool,
    pub destructive: bool,
    pub confirm: Option<Confirm>,
    #[serde(with = "serde_opt", default)]
    pub timeout: Option<Duration>,
    #[serde(with = "serde_opt", default)]
    pub eta: Option<Duration>,
    pub rollback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirm {
    Yes,
    /// The operator must type the value of this parameter.
    TypedParam(String),
    /// The operator must type this literal text.
    TypedText(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    ReadOnly,
    Destructive,
    /// The classifier could not tell: treated as destructive.
    Unknown,
}

impl Safety {
    pub fn needs_confirmation(self) -> bool {
        !matches!(self, Safety::ReadOnly)
    }
}

/// A `promql {verify for=1m timeout=5m}` post-condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyBlock {
    pub line: usize,
    pub query: String,
    #[serde(with = "crate::util::duration::serde_str")]
    pub hold_for: Duration,
    #[serde(with = "crate::util::duration::serde_str")]
    pub timeout: Duration,
}
