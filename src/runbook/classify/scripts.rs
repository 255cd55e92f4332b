//! Programs run by path or through an interpreter (`./bin/foo`, `sh x.sh`, `python3 x.py`):
//! run for effect, so unknown, unless the name's verb and the flags say otherwise
//! (`get-*`, `show-*`, `list-*`, `check-*`, `*-status` read; `set-*`, `delete-*`,
//! `apply-*`, `drain*` ... write; `--help` alone reads).
use super::rules::{Cx, V, de, ro, un};

#[rustfmt::skip]
const READ_VERBS: &[&str] = &[
    "get", "show", "list", "ls", "check", "describe", "status", "info", "inspect", "view", "print", "find",
    "search", "query", "verify", "validate", "diff", "cat", "watch", "monitor", "top", "stat", "stats",
    "health", "healthcheck", "lint", "dump", "report", "count", "lookup", "whoami", "display", "read",
];
#[rustfmt::skip]
const WRITE_VERBS: &[&str] = &[
    "set", "delete", "del", "remove", "rm", "apply", "drain", "undrain", "kill", "stop", "start", "restart",
    "reload", "create", "add", "update", "upgrade", "install", "uninstall", "push", "deploy", "rollback",
    "restore", "reset", "enable", "disable", "promote", "failover", "switchover", "purge", "clean", "cleanup",
    "flush", "truncate", "drop", "migrate", "sync", "rotate", "scale", "cordon", "uncordon", "patch", "put",
    "write", "move", "mv", "copy", "cp", "rename", "edit", "fix", "repair", "rebuild", "reindex", "vacuum",
    "backup", "archive", "ban", "unban", "block", "unblock", "mark", "force", "fence", "init", "bootstrap",
    "provision", "destroy", "terminate", "shutdown", "reboot", "resize", "grow", "expand", "shrink", "upload",
    "send", "notify", "trigger", "exec", "run", "replace", "import", "load", "generate", "register",
    "unregister", "revoke", "grant", "lock", "unlock", "pause", "resume", "suspend", "evict", "failback",
    "recover", "rewrite", "wipe", "erase", "zap", "prune", "compact", "defrag", "seed", "populate", "renew",
];
#[rustfmt::skip]
const WRITE_FLAGS: &[&str] = &[
    "-o", "--output", "--write", "--apply", "--force", "-f", "--fix", "--delete", "--yes", "-y", "--commit",
    "--execute", "--no-dry-run", "--confirm", "--save", "--out", "-w", "--in-place", "-i",
];

/// A program named by a path (`./bin/get-server-state gstg`), or any unknown command.
pub fn rule(word: &str, name: &str, args: &[String], _cx: &Cx) -> V {
    if word.contains('/') || has_script_ext(name) {
        return judge(name, name, args);
    }
    un(format!("`{name}` is not a known command"))
}

/// `sh x.sh ARGS`, `python3 x.py ARGS`: judged by the script's name and flags.
pub fn script_file(interp: &str, file: &str, args: &[String]) -> V {
    let name = file.rsplit('/').next().unwrap_or(file);
    let (s, r) = judge(name, &format!("{interp} {name}"), args);
    (s, r)
}

fn has_script_ext(name: &str) -> bool {
    [".sh", ".bash", ".py", ".rb", ".pl", ".js", ".ts", ".php"].iter().any(|e| name.ends_with(e))
}

fn judge(name: &str, shown: &str, args: &[String]) -> V {
    if name.contains('$') {
        return un(format!("{shown} (a script only known at run time)"));
    }
    if args.len() == 1 && matches!(args[0].as_str(), "--help" | "-h" | "-help" | "help" | "--version" | "-V")
    {
        return ro(format!("{shown} {} (script rule: help only)", args[0]));
    }
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    let tokens: Vec<&str> = stem.split(['-', '_']).filter(|t| !t.is_empty()).collect();
    let reads = |t: &&str| READ_VERBS.contains(t);
    if let Some(w) = tokens.iter().find(|t| WRITE_VERBS.contains(t)) {
        return de(format!("{shown} (script rule: its name says `{w}`)"));
    }
    let arg_words: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    if let Some(w) = arg_words.iter().find(|a| WRITE_VERBS.contains(&a.trim_start_matches('-'))) {
        return de(format!("{shown} {w} (script rule: its arguments say `{w}`)"));
    }
    let flag_writes = args
        .iter()
        .any(|a| WRITE_FLAGS.contains(&a.as_str()) || a.starts_with("--output=") || a.contains('$'));
    let name_reads = tokens.first().is_some_and(reads)
        || tokens.last().is_some_and(|t| *t == "status" || *t == "check" || *t == "info");
    let mode_reads = arg_words.iter().any(|a| {
        matches!(a.trim_start_matches('-'), "check" | "status" | "list" | "dry-run" | "dryrun" | "show")
    });
    match (name_reads || mode_reads, flag_writes) {
        (true, false) if name_reads => ro(format!("{shown} (script rule: its name reads)")),
        (true, false) => ro(format!("{shown} (script rule: run in a read mode)")),
        _ => un(format!("{shown} (script rule: a script run for effect)")),
    }
}
