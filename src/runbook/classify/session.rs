//! Lines typed at a client's prompt rather than the shell's. Transcripts lose their prompts
//! (`db=# `, `127.0.0.1:6379> `, `(pprof) `) before they reach the classifier, so a block
//! such as `gitlab-psql -d template1` + `select * from pg_stat_activity;` holds SQL after
//! the command that opened the session. Such lines are read by the client's rules:
//!
//! - SQL statements (a line whose first word is a SQL or pgbouncer statement keyword), and
//!   psql meta-commands (`\x`, `\set`, `\d+`), anywhere; keywords that are also shell words
//!   (`set`, `do`, `kill`, `reset`, `enable`, `declare`) only in a SQL session or written
//!   in capitals, and `select NAME in ...` stays a shell loop;
//! - Redis commands after an interactive `redis-cli`; pprof commands after `go tool pprof`;
//! - lines still carrying a client prompt (`db=# `, `host:6379> `, `(pprof) `).
//!
//! A statement line never hides a shell command: where the line is also a destructive
//! shell command (`kill 1`, `touch f`), or holds `&`, `|`, `$(`, backticks outside quotes,
//! its shell reading counts too. Here-document bodies and continuation lines stay shell.
use super::rules::{self, V, ro, un, worst};
use super::shell::SimpleCommand;
use super::{redis, shell, sql};
use crate::runbook::types::Safety;
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Sql,
    Redis,
    Pprof,
}

/// The script split into its shell text (statement lines blanked, so line numbers hold)
/// and the verdicts on its statement lines (1-based line, verdict).
pub struct Plan {
    pub shell: String,
    pub statements: Vec<(usize, V)>,
}

#[rustfmt::skip]
const SQL_KEYWORDS: &[&str] = &[
    "SELECT", "SHOW", "WITH", "TABLE", "VALUES", "EXPLAIN", "ANALYZE", "ANALYSE", "VACUUM", "REINDEX",
    "CLUSTER", "REFRESH", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE",
    "GRANT", "REVOKE", "COPY", "LOCK", "CALL", "DO", "NOTIFY", "LISTEN", "UNLISTEN", "CHECKPOINT", "DISCARD",
    "BEGIN", "COMMIT", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "START", "END", "SET", "RESET", "PREPARE",
    "EXECUTE", "DEALLOCATE", "DECLARE", "FETCH", "CLOSE", "MOVE", "COMMENT", "SECURITY", "REASSIGN", "IMPORT",
    "LOAD", "DESCRIBE", "DESC", "USE", "KILL", "FLUSH", "PURGE", "OPTIMIZE", "REPAIR", "RENAME", "REPLACE",
    "PAUSE", "RESUME", "RELOAD", "SHUTDOWN", "DISABLE", "ENABLE", "RECONNECT", "SUSPEND", "WAIT_CLOSE",
    "KILL_CLIENT", "STOP", "CHANGE", "HANDLER", "CHECK", "CHECKSUM",
];
/// SQL keywords that are shell words too: SQL only in a SQL session or in capitals.
const CLASH: &[&str] =
    &["set", "do", "kill", "reset", "enable", "declare", "end", "start", "stop", "close", "use", "check"];
/// Shell commands that may start a statement line: their shell reading counts too.
const SHELL_TOO: &[&str] = &[
    "kill", "truncate", "shutdown", "rename", "replace", "import", "touch", "sort", "set", "exec", "dump",
    "restore", "echo", "type", "time", "wait", "test", "info", "ping", "save", "sync", "move", "copy",
    "lock", "load", "reset",
];

pub fn plan(text: &str, depth: usize) -> Plan {
    let lines: Vec<&str> = text.split('\n').collect();
    let fixed = fixed_lines(&lines);
    let mut marks = mark(&lines, &fixed, &vec![None; lines.len()]);
    let sessions = sessions(&blank(&lines, &marks), &lines, depth);
    if sessions.iter().any(Option::is_some) {
        marks = mark(&lines, &fixed, &sessions);
    }
    let mut statements = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(kind) = marks[i] else {
            i += 1;
            continue;
        };
        // A SQL statement runs on to the line that ends it with `;`.
        let mut end = i;
        if kind == Kind::Sql && !lines[i].trim_start().starts_with('\\') {
            while end + 1 < lines.len()
                && !lines[end].trim_end().ends_with(';')
                && !lines[end + 1].trim().is_empty()
                && marks[end + 1].is_none()
                && !fixed[end + 1]
                && !known_command(lines[end + 1], depth)
                && end - i < 40
            {
                end += 1;
            }
            // Only a statement that a `;` closes takes the lines after it.
            if !lines[end].trim_end().ends_with(';') {
                end = i;
            }
            for m in marks.iter_mut().take(end + 1).skip(i + 1) {
                *m = Some(Kind::Sql);
            }
        }
        let body = lines[i..=end].iter().map(|l| strip_prompt(l).1).collect::<Vec<_>>().join("\n");
        statements.push((i + 1, judge(kind, &body, depth)));
        i = end + 1;
    }
    Plan { shell: blank(&lines, &marks), statements }
}

/// Lines that must stay shell: continuations of the line before (`\`), and here-document
/// bodies.
fn fixed_lines(lines: &[&str]) -> Vec<bool> {
    let mut fixed = vec![false; lines.len()];
    let mut heredoc: Vec<String> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(d) = heredoc.first() {
            fixed[i] = true;
            if l.trim() == d {
                heredoc.remove(0);
            }
            continue;
        }
        if i > 0 && lines[i - 1].trim_end().ends_with('\\') {
            fixed[i] = true;
        }
        let mut rest = *l;
        while let Some(p) = rest.find("<<") {
            let after = &rest[p + 2..];
            if let Some(tail) = after.strip_prefix('<') {
                rest = tail;
                continue;
            }
            let after = after.trim_start_matches('-').trim_start();
            let word: String = after
                .chars()
                .skip_while(|c| *c == '\'' || *c == '"' || *c == '\\')
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                heredoc.push(word);
            }
            rest = after;
        }
    }
    fixed
}

fn blank(lines: &[&str], marks: &[Option<Kind>]) -> String {
    lines.iter().zip(marks).map(|(l, m)| if m.is_some() { "" } else { *l }).collect::<Vec<_>>().join("\n")
}

/// The session each line is in: after an interactive client's command, up to a line that
/// quits it.
fn sessions(shell_text: &str, lines: &[&str], depth: usize) -> Vec<Option<Kind>> {
    let mut out = vec![None; lines.len()];
    let parsed = shell::parse(shell_text);
    let mut starts: Vec<(usize, Kind)> = Vec::new();
    for c in &parsed.commands {
        if let Some(k) = entry(c, depth) {
            starts.push((c.end_line.max(c.line), k));
        }
    }
    for (from, kind) in starts {
        for (i, line) in lines.iter().enumerate().skip(from) {
            let t = line.trim().trim_end_matches(';').to_ascii_lowercase();
            if matches!(t.as_str(), "\\q" | "exit" | "quit" | "logout") {
                break;
            }
            out[i] = Some(kind);
        }
    }
    out
}

fn entry(c: &SimpleCommand, depth: usize) -> Option<Kind> {
    if c.words.is_empty() {
        return None;
    }
    let (_, rule) = rules::simple(c, depth);
    if rule.contains(sql::SESSION) {
        Some(Kind::Sql)
    } else if rule.contains(redis::SESSION) {
        Some(Kind::Redis)
    } else if rule.contains("go tool pprof")
        && !c.words.iter().any(|w| w.starts_with("-http") || w == "-top" || w == "-text")
    {
        Some(Kind::Pprof)
    } else {
        None
    }
}

/// A client prompt left at the start of a line: the kind and the rest of the line.
fn strip_prompt(line: &str) -> (Option<Kind>, &str) {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("(pprof) ") {
        return (Some(Kind::Pprof), rest);
    }
    if let Some(sp) = t.find(' ') {
        let (p, rest) = (&t[..sp], &t[sp + 1..]);
        let name_ok =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        for suffix in ["=#", "=>", "-#", "->", "(#", "^#"] {
            if let Some(n) = p.strip_suffix(suffix).filter(|n| name_ok(n)) {
                let _ = n;
                return (Some(Kind::Sql), rest);
            }
        }
        if let Some((host, port)) = p.strip_suffix('>').and_then(|h| h.rsplit_once(':'))
            && name_ok(host)
            && !port.is_empty()
            && port.chars().all(|c| c.is_ascii_digit())
        {
            return (Some(Kind::Redis), rest);
        }
    }
    (None, line)
}

fn mark(lines: &[&str], fixed: &[bool], sessions: &[Option<Kind>]) -> Vec<Option<Kind>> {
    let mut out = vec![None; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        if fixed[i] {
            continue;
        }
        let (prompt, body) = strip_prompt(line);
        if prompt.is_some() {
            out[i] = prompt;
            continue;
        }
        let t = body.trim();
        let first = t.split(|c: char| c.is_whitespace() || c == ';' || c == '(').next().unwrap_or("");
        if first.is_empty() {
            continue;
        }
        if let Some(meta) = t.strip_prefix('\\') {
            if sql::meta_command(meta).is_some() {
                out[i] = Some(Kind::Sql);
            }
            continue;
        }
        let session = sessions[i];
        let upper = first.to_ascii_uppercase();
        let is_sql = SQL_KEYWORDS.contains(&upper.as_str())
            && (session == Some(Kind::Sql) || first == upper || !CLASH.contains(&first))
            && !(first.eq_ignore_ascii_case("select") && shell_select_loop(t))
            && !(first == "do" || first == "end");
        let is_sql =
            is_sql || (session == Some(Kind::Sql) && (first == "do" || first == "end") && t.contains(' '));
        if is_sql && session != Some(Kind::Redis) {
            out[i] = Some(Kind::Sql);
        } else if session == Some(Kind::Redis) && redis::is_command(first) {
            out[i] = Some(Kind::Redis);
        } else if session == Some(Kind::Pprof) && pprof_command(first).is_some() {
            out[i] = Some(Kind::Pprof);
        }
    }
    out
}

/// `select NAME in WORDS; do ...` or `select NAME; do`: the shell's menu loop.
fn shell_select_loop(t: &str) -> bool {
    let w: Vec<&str> = t.split_whitespace().collect();
    w.len() >= 2
        && w[1].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ';')
        && (w.get(2) == Some(&"in") || w[1].ends_with(';') || w.len() == 2)
}

fn pprof_command(first: &str) -> Option<bool> {
    let base = first.trim_end_matches(|c: char| c.is_ascii_digit());
    match base {
        "top" | "list" | "peek" | "traces" | "tree" | "text" | "disasm" | "help" | "quit" | "exit" | "o"
        | "options" | "sample_index" | "focus" | "ignore" | "hide" | "show" | "granularity" | "nodecount"
        | "tags" | "comments" => Some(true),
        "web" | "weblist" | "png" | "svg" | "pdf" | "gif" | "dot" | "proto" | "raw" | "callgrind"
        | "kcachegrind" | "save" | "output" | "eog" | "evince" | "gv" => Some(false),
        _ => None,
    }
}

fn judge(kind: Kind, body: &str, depth: usize) -> V {
    let t = body.trim();
    let v = match kind {
        // A `;`-separated part that is not SQL is what the shell would run.
        Kind::Sql => sql::statements(t)
            .iter()
            .map(|part| {
                let v = sql::sql(part);
                let first = part.split(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
                if part.starts_with('\\') || SQL_KEYWORDS.contains(&first.to_ascii_uppercase().as_str()) {
                    v
                } else {
                    let sv = rules::shell_reading(part, depth);
                    worst(v, (sv.0, format!("{} (read as shell)", sv.1)))
                }
            })
            .reduce(worst)
            .unwrap_or_else(|| ro("SQL (empty)")),
        Kind::Redis => {
            let words: Vec<&str> = t.split_whitespace().collect();
            let (s, r) = redis::redis_cmd(&words);
            (s, format!("{r} (at the redis-cli prompt)"))
        }
        Kind::Pprof => match pprof_command(t.split_whitespace().next().unwrap_or("")) {
            Some(true) => ro("pprof listing"),
            Some(false) => (Safety::Destructive, "pprof output command (writes a file)".to_string()),
            None => un("pprof command"),
        },
    };
    // Where the line also reads as shell that writes, or chains further commands, the
    // shell reading counts too.
    let first = t.split_whitespace().next().unwrap_or("");
    let mut shell_v = ro("statement");
    if SHELL_TOO.contains(&first) {
        let w: Vec<String> = t.split_whitespace().map(str::to_string).collect();
        let dynamic = vec![false; w.len()];
        let sv = rules::words(&w, &dynamic, None, depth + 1);
        if sv.0 == Safety::Destructive {
            shell_v = (sv.0, format!("{} (read as a shell command)", sv.1));
        }
    }
    // Redis and pprof lines have no `;`: there it separates shell commands.
    if chains(t) || (kind != Kind::Sql && t.contains(';')) {
        let sv = rules::shell_reading(t, depth);
        shell_v = worst(shell_v, (sv.0, format!("{} (read as shell)", sv.1)));
    }
    worst(v, shell_v)
}

/// Whether the first word of `line` is a command the shell rules know (then the line is
/// not the continuation of a statement).
fn known_command(line: &str, depth: usize) -> bool {
    let Some(first) = line.split_whitespace().next() else { return false };
    let (_, rule) = rules::words(&[first.to_string()], &[false], None, depth + 1);
    !rule.contains("is not a known command") && !rule.contains("script rule")
}

/// Whether `t` holds `&`, `|`, `$(`, a backtick or a redirection into a path outside
/// quotes.
fn chains(t: &str) -> bool {
    let mut quote: Option<char> = None;
    let c: Vec<char> = t.chars().collect();
    for (i, ch) in c.iter().enumerate() {
        match quote {
            Some(q) if *ch == q => quote = None,
            Some(_) => {}
            None => match ch {
                '\'' | '"' => quote = Some(*ch),
                '|' | '`' => return true,
                '&' => return true,
                '$' if c.get(i + 1) == Some(&'(') => return true,
                '>' if i == 0 || !"-=<>#".contains(c[i - 1]) => {
                    let next = c[i + 1..].iter().find(|x| **x != ' ' && **x != '>');
                    if next.is_some_and(|x| "/~$.".contains(*x)) {
                        return true;
                    }
                }
                _ => {}
            },
        }
    }
    false
}

/// `alias NAME=VALUE` definitions in the script: a later command NAME runs VALUE.
pub fn aliases(commands: &[SimpleCommand]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for c in commands {
        if c.words.first().is_some_and(|w| w == "alias") {
            for w in &c.words[1..] {
                if let Some((name, value)) = w.split_once('=') {
                    out.insert(name.to_string(), value.to_string());
                }
            }
        }
    }
    out
}
