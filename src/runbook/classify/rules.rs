//! The dispatcher: wrappers looked through (`sudo`, `env`, `VAR=x`, `time`, `nice`,
//! `timeout`, `xargs`, `bash -c`, `ssh`, `eval`, `watch`, `envdir`, `chpst`, ...),
//! redirections, and the hand-off to each tool family's rules (`generic` for plain Unix
//! commands, `k8s`, `cloud`, `infra`, `storage`, `sql`, `redis`, `http`, `tools`, and
//! `scripts` for programs run by path).
use super::shell::{self, SimpleCommand};
use super::{
    Finding, cloud, data_tools, generic, http, infra, k8s, rank, redis, scripts, session, sql, storage, tools,
};
use crate::runbook::types::Safety;

/// A verdict: safety and the rule that decided it.
pub type V = (Safety, String);

pub fn ro(rule: impl Into<String>) -> V {
    (Safety::ReadOnly, rule.into())
}
pub fn de(rule: impl Into<String>) -> V {
    (Safety::Destructive, rule.into())
}
pub fn un(rule: impl Into<String>) -> V {
    (Safety::Unknown, rule.into())
}

/// The worse of two verdicts (the first wins a tie).
pub fn worst(a: V, b: V) -> V {
    if rank(b.0) > rank(a.0) { b } else { a }
}

/// What a rule sees besides the words: which words hold run-time values, the command's
/// stdin (see [`shell::FED`]) and the nesting depth.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub argdyn: &'a [bool],
    pub stdin: Option<&'a str>,
    pub depth: usize,
}

impl Cx<'_> {
    pub fn dynamic(&self, i: usize) -> bool {
        self.argdyn.get(i).copied().unwrap_or(false)
    }
    /// Whether stdin comes from a pipe or a file whose content is unknown.
    pub fn fed(&self) -> bool {
        shell::is_fed(self.stdin)
    }
}

/// Nesting deeper than this (`bash -c "bash -c ..."`) is unknown.
const MAX_DEPTH: usize = 8;

/// Classifies every command of `text` into `out`; `line0` is the line `text` starts on.
pub fn script(text: &str, line0: usize, depth: usize, out: &mut Vec<Finding>) {
    script_as(text, line0, depth, true, out);
}

/// The verdict on `text` read as shell only (no client statement lines): how a statement
/// line reads if the shell runs it.
pub fn shell_reading(text: &str, depth: usize) -> V {
    let mut found = Vec::new();
    script_as(text, 1, depth + 1, false, &mut found);
    found.into_iter().map(|f| (f.safety, f.rule)).reduce(worst).unwrap_or_else(|| ro("empty script"))
}

fn script_as(text: &str, line0: usize, depth: usize, sessions: bool, out: &mut Vec<Finding>) {
    if depth > MAX_DEPTH {
        out.push(Finding { line: line0, safety: Safety::Unknown, rule: "nesting too deep".into() });
        return;
    }
    // Lines typed at a client's prompt (SQL, Redis, pprof) are read by that client's rules;
    // the rest is shell.
    let plan = if sessions {
        session::plan(text, depth)
    } else {
        session::Plan { shell: text.to_string(), statements: Vec::new() }
    };
    for (line, (safety, rule)) in plan.statements {
        out.push(Finding { line: line0 + line - 1, safety, rule });
    }
    let parsed = shell::parse(&plan.shell);
    if let Some((line, what)) = parsed.incomplete {
        out.push(Finding {
            line: line0 + line - 1,
            safety: Safety::Unknown,
            rule: format!("unterminated {what} (the script does not read cleanly)"),
        });
    }
    let aliases = session::aliases(&parsed.commands);
    for c in &parsed.commands {
        let (safety, rule) = match aliases.get(c.words.first().map(String::as_str).unwrap_or("")) {
            Some(body) => {
                let text = format!("{body} {}", c.words[1..].join(" "));
                let (s, r) = nested(&text, depth);
                (s, format!("alias {} = {r}", c.words[0]))
            }
            None => simple(c, depth),
        };
        out.push(Finding { line: line0 + c.line - 1, safety, rule });
    }
    for (line, inner) in &parsed.nested {
        script(inner, line0 + line - 1, depth + 1, out);
    }
}

/// The worst verdict of a nested script (`bash -c`, `ssh host cmd`, a SQL-free stdin...).
pub fn nested(text: &str, depth: usize) -> V {
    let mut found = Vec::new();
    script(text, 1, depth + 1, &mut found);
    found.into_iter().map(|f| (f.safety, f.rule)).reduce(worst).unwrap_or_else(|| ro("empty script"))
}

pub fn simple(c: &SimpleCommand, depth: usize) -> V {
    let mut v = if c.words.is_empty() {
        ro("redirection only")
    } else {
        words(&c.words, &c.dynamic, c.stdin.as_deref(), depth)
    };
    for r in &c.redirects {
        v = worst(v, redirect(&r.op, &r.target));
    }
    v
}

const HARMLESS_TARGETS: [&str; 7] =
    ["/dev/null", "/dev/stderr", "/dev/stdout", "/dev/tty", "/dev/fd/1", "/dev/fd/2", "-"];

/// Whether writing to `target` changes nothing (a null device or a terminal stream).
pub fn harmless_target(target: &str) -> bool {
    HARMLESS_TARGETS.contains(&target)
}

fn redirect(op: &str, target: &str) -> V {
    match op {
        ">" | ">>" | ">|" | "&>" | "&>>" if !harmless_target(target) => {
            de(format!("redirection into {target}"))
        }
        ">&" | "<&"
            if !(target.chars().all(|c| c.is_ascii_digit()) || target == "-" || harmless_target(target)) =>
        {
            de(format!("redirection into {target}"))
        }
        "<>" => de(format!("read-write redirection of {target}")),
        _ => ro("redirection"),
    }
}

pub fn is_assignment(w: &str) -> bool {
    let Some(eq) = w.find('=') else { return false };
    let name = w[..eq].trim_end_matches('+');
    let name = name.split('[').next().unwrap_or("");
    !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Positional arguments: words not starting with `-`, skipping the value of each option in
/// `with_arg`. Everything after `--` is positional.
pub fn positionals<'a>(args: &'a [String], with_arg: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            out.extend(args[i + 1..].iter().map(String::as_str));
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            if with_arg.contains(&a) {
                i += 1;
            }
        } else {
            out.push(a);
        }
        i += 1;
    }
    out
}

/// The index of the first positional word (the wrapped command), skipping options.
pub fn first_positional(args: &[String], with_arg: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if a.starts_with('-') && a.len() > 1 {
            if with_arg.contains(&a) {
                i += 1;
            }
        } else {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether one of `flags` is given (`--long=value` counts for `--long`).
pub fn has_flag(args: &[String], flags: &[&str]) -> bool {
    args.iter().any(|a| {
        flags
            .iter()
            .any(|f| a == f || (f.starts_with("--") && a.starts_with(f) && a[f.len()..].starts_with('=')))
    })
}

/// Whether a short-option cluster (`-xvf`) among `args` contains `ch`.
pub fn short_has(args: &[String], ch: char) -> bool {
    args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.len() > 1 && a[1..].contains(ch))
}

/// Whether `args` only ask for help: `--help` last, after subcommand words only.
pub fn help_only(args: &[String]) -> bool {
    args.last().is_some_and(|a| a == "--help" || a == "-help")
        && args[..args.len() - 1].iter().all(|a| !a.starts_with('-') && !a.contains('$'))
}

/// Exact forms: the positionals `p` must start with one of the space-separated word
/// sequences of `ro_forms` (or equal it, when the form ends in `$`) to be read-only (the longest match names the rule); otherwise
/// `other` (destructive or unknown) names the first `depth` positionals.
pub fn forms(name: &str, p: &[&str], ro_forms: &[&str], other: Safety, depth: usize) -> V {
    let matched = ro_forms
        .iter()
        .filter(|f| {
            let exact = f.ends_with('$');
            let fw: Vec<&str> = f.trim_end_matches('$').split(' ').collect();
            (if exact { fw.len() == p.len() } else { fw.len() <= p.len() })
                && fw.iter().zip(p).all(|(a, b)| a == b)
        })
        .max_by_key(|f| f.len());
    if let Some(f) = matched {
        return ro(format!("{name} {}", f.trim_end_matches('$')));
    }
    let what = p.iter().take(depth).copied().collect::<Vec<_>>().join(" ");
    let rule =
        if what.is_empty() { format!("{name} without a subcommand") } else { format!("{name} {what}") };
    (other, rule)
}

/// Look through to the wrapped command at `args[i..]`; nothing there is `empty`.
fn through(prefix: &str, args: &[String], cx: &Cx, i: Option<usize>, empty: V) -> V {
    match i {
        Some(i) if i < args.len() => {
            let d = &cx.argdyn[i.min(cx.argdyn.len())..];
            let (s, r) = words(&args[i..], d, cx.stdin, cx.depth);
            (s, format!("{prefix} {r}"))
        }
        _ => empty,
    }
}

/// Classifies one command given as words (after wrappers and assignments are stripped).
pub fn words(w: &[String], dynamic: &[bool], stdin: Option<&str>, depth: usize) -> V {
    if depth > MAX_DEPTH {
        return un("nesting too deep");
    }
    // Shell keywords that only introduce the command after them.
    let mut start = 0;
    while start < w.len()
        && matches!(w[start].as_str(), "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{")
    {
        start += 1;
    }
    while start < w.len() && is_assignment(&w[start]) {
        start += 1;
    }
    if start >= w.len() {
        return ro(if w.iter().all(|x| is_assignment(x)) { "variable assignment" } else { "shell keyword" });
    }
    let (w, dynamic) = (&w[start..], &dynamic[start.min(dynamic.len())..]);
    if dynamic.first().copied().unwrap_or(false) {
        return un(format!("`{}` (the command is only known at run time)", w[0]));
    }
    let name = w[0].rsplit('/').next().unwrap_or(&w[0]).to_string();
    let args = &w[1..];
    let argdyn = if dynamic.len() > 1 { &dynamic[1..] } else { &[][..] };
    let cx = Cx { argdyn, stdin, depth };
    if let Some(v) = wrapper(&name, args, &cx) {
        return v;
    }
    let families = [
        k8s::rule,
        cloud::rule,
        infra::rule,
        data_tools::rule,
        storage::rule,
        sql::rule,
        redis::rule,
        http::rule,
        tools::rule,
    ];
    for family in families {
        if let Some(v) = family(&name, args, &cx) {
            return v;
        }
    }
    if let Some(v) = generic::rule(&name, args, &cx) {
        return v;
    }
    scripts::rule(&w[0], &name, args, &cx)
}

#[rustfmt::skip]
const XARGS_OPTS: &[&str] = &[
    "-n", "-P", "-I", "-L", "-l", "-d", "-E", "-e", "-s", "-a", "--max-args", "--max-procs", "--replace",
    "--delimiter", "--arg-file", "--max-lines", "--eof",
];

/// Commands that run another command given as their arguments.
fn wrapper(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    let depth = cx.depth;
    let thru = |prefix: &str, i: Option<usize>, empty: V| through(prefix, args, cx, i, empty);
    Some(match name {
        "fi" | "done" | "esac" | "}" | ";;" | "in" => ro("shell keyword"),
        "for" | "select" => ro("for loop header"),
        "case" => ro("case header"),
        "trap" => {
            // `trap 'cmd' EXIT` runs cmd later: classify it now.
            match positionals(args, &[]).first() {
                Some(action) if !has_flag(args, &["-l", "-p"]) => {
                    let (s, r) = nested(action, depth);
                    (s, format!("trap {r}"))
                }
                _ => ro("trap -p"),
            }
        }
        "sudo" | "doas" => {
            let opts = ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group"];
            let i = first_positional(args, &opts);
            if i.is_none() && (has_flag(args, &["-l", "-v", "-k", "-K", "--list", "--validate"])) {
                return Some(ro("sudo -l"));
            }
            if has_flag(args, &["-e", "--edit"]) {
                return Some(de("sudo -e (edits a file)"));
            }
            thru("sudo", i, interactive(cx, "sudo without a command"))
        }
        "env" => {
            let mut i = 0;
            while i < args.len() {
                let a = args[i].as_str();
                if a == "-u" || a == "-C" || a == "--unset" || a == "--chdir" {
                    i += 2;
                } else if a == "-S" || a == "--split-string" {
                    return Some(args.get(i + 1).map_or(un("env -S"), |s| nested(s, depth)));
                } else if a.starts_with('-') || is_assignment(a) {
                    i += 1;
                } else {
                    break;
                }
            }
            thru("env", Some(i), ro("env"))
        }
        "time" => thru("time", first_positional(args, &["-f", "-o", "--format", "--output"]), ro("time")),
        "nice" => thru("nice", first_positional(args, &["-n", "--adjustment"]), ro("nice")),
        "ionice" => {
            let i = first_positional(args, &["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"]);
            if has_flag(args, &["-p", "-P", "-u", "--pid", "--pgid", "--uid"]) {
                return Some(de("ionice -p (changes a running process's priority)"));
            }
            thru("ionice", i, ro("ionice"))
        }
        "nohup" | "command" | "builtin" | "exec" | "stdbuf" | "unbuffer" | "setsid" => {
            if name == "command" && has_flag(args, &["-v", "-V"]) {
                return Some(ro("command -v"));
            }
            thru(name, first_positional(args, &["-i", "-o", "-e"]), ro(name))
        }
        "timeout" => {
            let i = first_positional(args, &["-s", "-k", "--signal", "--kill-after"]);
            thru("timeout", i.map(|i| i + 1), un("timeout without a command"))
        }
        "watch" => {
            let opts = ["-n", "--interval", "-q", "--equexit"];
            let Some(i) = first_positional(args, &opts) else { return Some(un("watch without a command")) };
            let (s, r) = nested(&args[i..].join(" "), depth);
            (s, format!("watch {r}"))
        }
        "xargs" => thru("xargs", first_positional(args, XARGS_OPTS), ro("xargs echo")),
        "eval" => {
            let (s, r) = nested(&args.join(" "), depth);
            (s, format!("eval {r}"))
        }
        // daemontools / runit: `envdir DIR cmd`, `chpst -u user -e dir cmd`, ...
        "envdir" | "setuidgid" | "envuidgid" => thru(name, Some(1), un(format!("{name} without a command"))),
        "chpst" => {
            let opts =
                ["-u", "-U", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c", "-r", "-t"];
            thru("chpst", first_positional(args, &opts), un("chpst without a command"))
        }
        "softlimit" => {
            let opts = ["-m", "-a", "-d", "-o", "-p", "-f", "-c", "-r", "-t", "-s", "-l"];
            thru("softlimit", first_positional(args, &opts), un("softlimit without a command"))
        }
        "chroot" => {
            let i = first_positional(args, &["--userspec", "--groups"]);
            let cmd = i.map(|i| i + 1).filter(|i| *i < args.len());
            thru("chroot", cmd, interactive(cx, "chroot"))
        }
        "nsenter" => {
            let opts = ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "--wd", "-w"];
            let i = first_positional(args, &opts);
            thru("nsenter", i, interactive(cx, "nsenter"))
        }
        "strace" | "ltrace" => {
            if has_flag(args, &["-o", "--output"]) {
                return Some(de(format!("{name} -o (writes a trace file)")));
            }
            let opts = ["-p", "-e", "-s", "-u", "-a", "-E", "-P", "-I", "-b", "-X", "-S", "-O"];
            thru(name, first_positional(args, &opts), ro(format!("{name} -p (attaches and reads)")))
        }
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "ash" => shell_c(name, args, cx),
        "busybox" if !args.is_empty() => words(args, cx.argdyn, cx.stdin, depth + 1),
        "su" | "runuser" => {
            if let Some(p) = args.iter().position(|a| a == "-c" || a == "--command") {
                return Some(args.get(p + 1).map_or(un("su -c"), |s| {
                    let (s, r) = nested(s, depth);
                    (s, format!("{name} -c {r}"))
                }));
            }
            if let Some(p) = args.iter().position(|a| a == "--") {
                return Some(thru(
                    name,
                    Some(p + 1),
                    ro(format!("{name} (an interactive shell: session only)")),
                ));
            }
            if cx.fed() {
                return Some(un(format!("{name} reads commands from its input")));
            }
            ro(format!("{name} (an interactive shell: session only)"))
        }
        "ssh" => tools::ssh(args, cx),
        _ => return None,
    })
}

/// A shell opened without a command: session only, unless its input is fed (then it runs
/// whatever the input holds).
fn interactive(cx: &Cx, what: &str) -> V {
    if cx.stdin.is_some() {
        un(format!("{what} reads commands from its input"))
    } else {
        ro(format!("{what} (an interactive shell: session only)"))
    }
}

fn shell_c(name: &str, args: &[String], cx: &Cx) -> V {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "-o" || a == "+o" || a == "-O" || a == "+O" {
            i += 2;
            continue;
        }
        if a.starts_with('-') && !a.starts_with("--") && a.len() > 1 && a[1..].contains('c') {
            return match args.get(i + 1) {
                Some(s) => {
                    let (s, r) = nested(s, cx.depth);
                    (s, format!("{name} -c {r}"))
                }
                None => un(format!("{name} -c without a script")),
            };
        }
        if !a.starts_with('-') && !a.starts_with('+') {
            return scripts::script_file(name, a, &args[i + 1..]);
        }
        i += 1;
    }
    match cx.stdin {
        Some(_) if cx.fed() => un(format!("{name} runs the script on its input")),
        Some(text) => {
            let (s, r) = nested(text, cx.depth);
            (s, format!("{name} <<stdin {r}"))
        }
        None if has_flag(args, &["-n"]) => ro(format!("{name} -n")),
        None => ro(format!("{name} (an interactive shell: session only)")),
    }
}
