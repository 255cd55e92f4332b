//! Rules for operations CLIs: kubectl, helm, docker, git, terraform, cloud CLIs,
//! systemctl, ssh. Each knows its read-only subcommands; known mutating ones are
//! destructive; anything else is unknown.
use super::rules::{V, de, first_positional, has_flag, nested, positionals, ro, un, words};

/// Verbs that change state in most CLIs (`etcdctl del`, `vault kv put`, ...).
const MUTATING_VERBS: &[&str] = &[
    "put",
    "del",
    "delete",
    "rm",
    "remove",
    "add",
    "create",
    "update",
    "set",
    "write",
    "patch",
    "apply",
    "destroy",
    "kill",
    "stop",
    "start",
    "restart",
    "move",
    "mv",
    "compact",
    "defrag",
    "disarm",
    "restore",
    "promote",
    "failover",
    "reset",
    "reinit",
    "switchover",
    "unseal",
    "seal",
    "enable",
    "disable",
    "revoke",
    "tidy",
    "rotate",
    "remove-peer",
    "transfer-leader",
    "pause",
    "unpause",
    "import",
    "deploy",
    "resize",
    "scale",
    "rollback",
    "upgrade",
    "install",
    "uninstall",
    "exec",
    "run",
    "ssh",
    "scp",
    "attach",
    "detach",
    "reboot",
    "terminate",
    "purge",
    "prune",
    "tag",
    "untag",
    "push",
    "login",
    "logout",
    "get-credentials",
    "cordon",
    "drain",
    "undo",
];

/// `NAME VERB ...`: read-only when the first positional is in `ro_verbs` and no mutating
/// verb follows; no verb is unknown; anything else destructive.
pub fn verb_rule(name: &str, args: &[String], ro_verbs: &[&str]) -> V {
    let p = positionals(args, &[]);
    match p.first() {
        None => un(format!("{name} without a subcommand")),
        Some(v) if ro_verbs.contains(v) && !p.iter().any(|x| MUTATING_VERBS.contains(x)) => {
            ro(format!("{name} {v}"))
        }
        Some(v) => {
            let m = p.iter().find(|x| MUTATING_VERBS.contains(x)).unwrap_or(v);
            de(format!("{name} {m}"))
        }
    }
}

/// kubectl options that take a value (only used to find the subcommand words).
const KUBECTL_OPTS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--cluster",
    "--kubeconfig",
    "--user",
    "-s",
    "--server",
    "--token",
    "--as",
    "--as-group",
    "--request-timeout",
    "--cache-dir",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "-l",
    "--selector",
    "-o",
    "--output",
    "-c",
    "--container",
    "-f",
    "--filename",
    "--field-selector",
    "--sort-by",
    "--since",
    "--tail",
    "--replicas",
    "--image",
    "--timeout",
    "-p",
    "--patch",
    "--type",
    "--to-revision",
    "--grace-period",
    "--for",
    "-k",
    "--kustomize",
    "--template",
    "--since-time",
    "--max-log-requests",
    "--chunk-size",
    "--pod-running-timeout",
    "-i",
    "--revision",
];

pub fn kubectl(name: &str, args: &[String], argdyn: &[bool], depth: usize) -> V {
    let p = positionals(args, KUBECTL_OPTS);
    let sub = match p.first() {
        Some(s) => *s,
        None => return ro(format!("{name} (help)")),
    };
    let sub2 = p.get(1).copied().unwrap_or("");
    let dry_run =
        args.iter().any(|a| a == "--dry-run" || (a.starts_with("--dry-run=") && a != "--dry-run=none"));
    match sub {
        "get" | "describe" | "logs" | "top" | "explain" | "version" | "api-resources" | "api-versions"
        | "cluster-info" | "events" | "diff" | "wait" | "completion" | "kustomize" | "port-forward"
        | "proxy" => ro(format!("{name} {sub}")),
        "rollout" => match sub2 {
            "status" | "history" => ro(format!("{name} rollout {sub2}")),
            _ if dry_run => ro(format!("{name} rollout {sub2} --dry-run")),
            _ => de(format!("{name} rollout {sub2}")),
        },
        "auth" => match sub2 {
            "can-i" | "whoami" => ro(format!("{name} auth {sub2}")),
            _ => de(format!("{name} auth {sub2}")),
        },
        "config" => match sub2 {
            "view" | "get-contexts" | "current-context" | "get-clusters" | "get-users" => {
                ro(format!("{name} config {sub2}"))
            }
            _ => de(format!("{name} config {sub2} (changes the kubeconfig)")),
        },
        "plugin" if sub2 == "list" => ro(format!("{name} plugin list")),
        "exec" => {
            let Some(dd) = args.iter().position(|a| a == "--") else {
                return un(format!("{name} exec without `--` (cannot tell the command)"));
            };
            let inner = &args[dd + 1..];
            if inner.is_empty() {
                return un(format!("{name} exec without a command"));
            }
            let d = &argdyn[(dd + 1).min(argdyn.len())..];
            let (s, r) = words(inner, d, None, depth + 1);
            (s, format!("{name} exec -- {r}"))
        }
        "delete" | "patch" | "scale" | "set" | "apply" | "replace" | "edit" | "drain" | "cordon"
        | "uncordon" | "taint" | "label" | "annotate" | "create" | "expose" | "run" | "autoscale" | "cp"
        | "certificate" | "debug" | "attach" => {
            if dry_run {
                ro(format!("{name} {sub} --dry-run"))
            } else {
                de(format!("{name} {sub}"))
            }
        }
        _ => un(format!("{name} {sub} (not a known subcommand)")),
    }
}

pub fn helm(args: &[String]) -> V {
    let opts = [
        "-n",
        "--namespace",
        "--kube-context",
        "--kubeconfig",
        "-f",
        "--values",
        "--set",
        "--set-string",
        "--set-file",
        "--version",
        "-o",
        "--output",
        "--repo",
        "--timeout",
        "--revision",
        "--max",
    ];
    let p = positionals(args, &opts);
    let sub = p.first().copied().unwrap_or("");
    let sub2 = p.get(1).copied().unwrap_or("");
    let dry = has_flag(args, &["--dry-run"]);
    match sub {
        "list" | "ls" | "status" | "history" | "hist" | "get" | "show" | "inspect" | "search"
        | "template" | "lint" | "version" | "env" | "verify" | "diff" => ro(format!("helm {sub}")),
        "repo" | "plugin" | "dependency" | "dep" if matches!(sub2, "list" | "ls") => {
            ro(format!("helm {sub} list"))
        }
        "upgrade" | "install" | "rollback" | "uninstall" | "delete" | "del" | "un" if dry => {
            ro(format!("helm {sub} --dry-run"))
        }
        "" => ro("helm (help)"),
        _ => de(format!("helm {sub}")),
    }
}

pub fn docker(name: &str, args: &[String], argdyn: &[bool], depth: usize) -> V {
    let top = ["-H", "--host", "--context", "--config", "-l", "--log-level"];
    let Some(i) = first_positional(args, &top) else { return ro(format!("{name} (help)")) };
    let sub = args[i].as_str();
    let rest = &args[i + 1..];
    let ro_subs = [
        "ps", "images", "logs", "inspect", "stats", "top", "version", "info", "events", "port", "diff",
        "history", "search",
    ];
    match sub {
        _ if ro_subs.contains(&sub) => ro(format!("{name} {sub}")),
        "container" | "image" | "network" | "volume" | "system" | "node" | "service" | "stack"
        | "context" | "buildx" => {
            let sub2 = positionals(rest, &["-f", "--filter", "--format"]).first().copied().unwrap_or("");
            if matches!(
                sub2,
                "ls" | "list"
                    | "ps"
                    | "inspect"
                    | "logs"
                    | "top"
                    | "stats"
                    | "port"
                    | "diff"
                    | "df"
                    | "info"
                    | "history"
                    | "show"
            ) {
                ro(format!("{name} {sub} {sub2}"))
            } else {
                de(format!("{name} {sub} {sub2}"))
            }
        }
        "compose" => compose(&format!("{name} compose"), rest),
        "exec" => {
            let opts = ["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys"];
            let Some(c) = first_positional(rest, &opts) else { return un(format!("{name} exec")) };
            let inner = &rest[c + 1..];
            if inner.is_empty() {
                return un(format!("{name} exec without a command"));
            }
            let off = i + 1 + c + 1;
            let (s, r) = words(inner, &argdyn[off.min(argdyn.len())..], None, depth + 1);
            (s, format!("{name} exec {r}"))
        }
        _ => de(format!("{name} {sub}")),
    }
}

pub fn compose(name: &str, args: &[String]) -> V {
    let p = positionals(args, &["-f", "--file", "-p", "--project-name", "--env-file", "--profile"]);
    match p.first().copied() {
        Some(s @ ("ps" | "logs" | "config" | "images" | "top" | "ls" | "version" | "port")) => {
            ro(format!("{name} {s}"))
        }
        Some(s) => de(format!("{name} {s}")),
        None => ro(format!("{name} (help)")),
    }
}

pub fn git(args: &[String]) -> V {
    let p = positionals(
        args,
        &[
            "-C",
            "-c",
            "--git-dir",
            "--work-tree",
            "-n",
            "--max-count",
            "--format",
            "--pretty",
            "--author",
            "--since",
            "--until",
        ],
    );
    let sub = p.first().copied().unwrap_or("");
    let more = p.len() > 1;
    let flag = |f: &[&str]| has_flag(args, f);
    match sub {
        "status" | "log" | "diff" | "show" | "blame" | "grep" | "ls-files" | "ls-tree" | "ls-remote"
        | "rev-parse" | "describe" | "shortlog" | "fetch" | "cat-file" | "for-each-ref" | "name-rev"
        | "count-objects" | "version" | "help" | "whatchanged" | "rev-list" | "merge-base" | "show-ref" => {
            ro(format!("git {sub}"))
        }
        "remote" if !more || matches!(p[1], "show" | "get-url") => ro("git remote"),
        "branch"
            if !more
                && !flag(&[
                    "-d",
                    "-D",
                    "-m",
                    "-M",
                    "-c",
                    "-C",
                    "--delete",
                    "--move",
                    "--set-upstream-to",
                    "-u",
                ]) =>
        {
            ro("git branch")
        }
        "tag" if !more || flag(&["-l", "--list"]) => ro("git tag --list"),
        "config" if flag(&["--get", "--list", "-l", "--get-all", "--get-regexp"]) => ro("git config --get"),
        "stash" if matches!(p.get(1).copied(), Some("list" | "show")) => ro("git stash list"),
        "reflog" if matches!(p.get(1).copied(), None | Some("show")) => ro("git reflog"),
        "worktree" if p.get(1) == Some(&"list") => ro("git worktree list"),
        "" => ro("git (help)"),
        _ => de(format!("git {sub}")),
    }
}

pub fn terraform(name: &str, args: &[String]) -> V {
    let p = positionals(
        args,
        &["-var", "-var-file", "-target", "-out", "-state", "-lock-timeout", "-parallelism"],
    );
    let sub = p.first().copied().unwrap_or("");
    let sub2 = p.get(1).copied().unwrap_or("");
    match sub {
        "plan" | "show" | "output" | "validate" | "version" | "providers" | "graph" | "console" => {
            ro(format!("{name} {sub}"))
        }
        "state" if matches!(sub2, "list" | "show" | "pull") => ro(format!("{name} state {sub2}")),
        "workspace" if matches!(sub2, "list" | "show") => ro(format!("{name} workspace {sub2}")),
        "fmt" if has_flag(args, &["-check"]) => ro(format!("{name} fmt -check")),
        "" => ro(format!("{name} (help)")),
        "apply" | "destroy" | "import" | "taint" | "untaint" | "refresh" | "init" | "fmt" | "state"
        | "workspace" | "force-unlock" | "login" | "logout" | "get" | "test" => {
            de(format!("{name} {} {}", sub, sub2).trim_end().to_string())
        }
        _ => un(format!("{name} {sub}")),
    }
}

/// aws / gcloud / az: read-only verbs are `describe-*`, `list-*`, `get-*`, `ls`, `list`,
/// `describe`, `show`, ...; anything else changes the cloud.
pub fn cloud(name: &str, args: &[String]) -> V {
    let p = positionals(
        args,
        &[
            "--region",
            "--profile",
            "--output",
            "--query",
            "--filter",
            "--format",
            "--project",
            "--zone",
            "-g",
            "--resource-group",
            "--subscription",
            "--endpoint-url",
        ],
    );
    if p.is_empty() {
        return ro(format!("{name} (help)"));
    }
    let is_ro = |v: &str| {
        (v.starts_with("describe")
            || v.starts_with("list")
            || (v.starts_with("get-") && v != "get-credentials"))
            || matches!(
                v,
                "ls" | "show"
                    | "read"
                    | "tail"
                    | "info"
                    | "version"
                    | "get-value"
                    | "wait"
                    | "presign"
                    | "whoami"
                    | "get-caller-identity"
            )
    };
    if let Some(m) = p.iter().find(|v| {
        MUTATING_VERBS.contains(v)
            || v.starts_with("create-")
            || v.starts_with("delete-")
            || v.starts_with("update-")
            || v.starts_with("put-")
            || v.starts_with("modify-")
            || v.starts_with("terminate-")
            || v.starts_with("start-")
            || v.starts_with("stop-")
            || v.starts_with("set-")
            || v.starts_with("reboot-")
    }) {
        return de(format!("{name} {m}"));
    }
    let verb_at = if name == "aws" { 1 } else { p.len().saturating_sub(1) };
    let verb_ok = match name {
        "aws" => p.get(verb_at).is_some_and(|v| is_ro(v)),
        _ => p.iter().any(|v| is_ro(v)),
    };
    if verb_ok {
        ro(format!("{name} {}", p.iter().find(|v| is_ro(v)).unwrap_or(&"")))
    } else {
        un(format!("{name} {}", p.join(" ")))
    }
}

pub fn systemctl(args: &[String]) -> V {
    let p = positionals(
        args,
        &[
            "-H",
            "--host",
            "-M",
            "--machine",
            "-t",
            "--type",
            "-p",
            "--property",
            "--state",
            "-n",
            "--lines",
            "-o",
            "--output",
            "-s",
            "--signal",
        ],
    );
    match p.first().copied() {
        None => ro("systemctl list-units"),
        Some(
            v @ ("status" | "is-active" | "is-enabled" | "is-failed" | "is-system-running" | "list-units"
            | "list-unit-files" | "list-timers" | "list-sockets" | "list-jobs" | "list-dependencies"
            | "show" | "cat" | "get-default"),
        ) => ro(format!("systemctl {v}")),
        Some(
            v @ ("restart"
            | "stop"
            | "start"
            | "reload"
            | "disable"
            | "enable"
            | "mask"
            | "unmask"
            | "kill"
            | "daemon-reload"
            | "try-restart"
            | "reload-or-restart"
            | "try-reload-or-restart"
            | "isolate"
            | "reboot"
            | "poweroff"
            | "halt"
            | "reset-failed"
            | "set-property"
            | "edit"
            | "set-default"
            | "revert"
            | "freeze"
            | "thaw"
            | "clean"),
        ) => de(format!("systemctl {v}")),
        Some(v) => un(format!("systemctl {v}")),
    }
}

pub fn ssh(args: &[String], stdin: Option<&str>, depth: usize) -> V {
    let opts = [
        "-p", "-i", "-l", "-o", "-J", "-F", "-L", "-R", "-D", "-b", "-c", "-E", "-e", "-m", "-O", "-Q", "-S",
        "-W", "-w", "-B", "-I",
    ];
    let Some(h) = first_positional(args, &opts) else { return un("ssh without a host") };
    let host = &args[h];
    let cmd = &args[h + 1..];
    if cmd.is_empty() {
        return match stdin {
            Some(text) => {
                let (s, r) = nested(text, depth);
                (s, format!("ssh {host} {r}"))
            }
            None => un(format!("ssh {host} (an interactive session)")),
        };
    }
    let (s, r) = nested(&cmd.join(" "), depth);
    (s, format!("ssh {host} {r}"))
}
