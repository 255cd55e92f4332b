//! Which fenced blocks are step blocks, and how each is read (docs/runbook-format.md,
//! "Blocks"); fences that swallow a heading.
use crate::runbook::transcript::{self, Mode};

/// Languages of shell scripts: every line is shell, `#` starts a comment.
pub const SCRIPT_LANGS: [&str; 4] = ["sh", "bash", "zsh", "ksh"];
/// Languages of shell transcripts: prompts mark the commands, and `# ` is a root prompt
/// when a command follows it (`shell` is used both ways in real runbooks, so it is read
/// as a transcript: a block of comments and commands still runs as a script).
pub const CONSOLE_LANGS: [&str; 7] =
    ["console", "shell", "shell-session", "sh-session", "shellsession", "terminal", "session"];
/// Languages that are never commands (shown as text whatever they hold).
pub(super) const NOT_SHELL: &[&str] = &[
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
pub(super) fn mode_of(lang: &str) -> Option<Mode> {
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
pub(super) fn is_step_block(lang: &str, literal: &str) -> bool {
    mode_of(lang).is_some() || (!NOT_SHELL.contains(&lang) && transcript::holds_commands(literal))
}

/// What a fence swallowed when its closing line is missing: the first ATX heading in its
/// content and, when it ran into the next block, that block's opening fence line (0-based
/// lines). `None` when the fence reads as intended.
pub(super) fn swallowed(literal: &str, closed: bool) -> Option<(usize, String)> {
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
            && (hashes > 1 || !crate::runbook::prompt::reads_as_command(&t[2..]));
        heading.then(|| (i, t.to_string()))
    })
}
