//! Rules for docker/podman, compose, git, systemctl, service, journalctl and ssh. Each knows
//! its read-only subcommands; known mutating ones are destructive; anything else is unknown.
use super::rules::{Cx, V, de, first_positional, has_flag, nested, positionals, ro, un, words};

/// Containers, git, systemd, ssh: `None` when `name` is not one of them.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    Some(match name {
        "docker" | "podman" | "nerdctl" => docker(name, args, cx),
        "docker-compose" | "podman-compose" => compose(name, args),
        "git" => git(args),
        "systemctl" => systemctl(args),
        "service" if args.first().is_some_and(|a| a == "--status-all") => ro("service --status-all"),
        "service" => match args.get(1).map(String::as_str) {
            Some("status") => ro("service status"),
            Some(v) => de(format!("service {v}")),
            None => un("service"),
        },
        "journalctl" => {
            if args.iter().any(|a| {
                a.starts_with("--vacuum")
                    || [
                        "--rotate",
                        "--flush",
                        "--sync",
                        "--relinquish-var",
                        "--setup-keys",
                        "--update-catalog",
                    ]
                    .contains(&a.as_str())
            }) {
                de("journalctl --vacuum/--rotate")
            } else {
                ro("journalctl")
            }
        }
        _ => return None,
    })
}

fn docker(name: &str, args: &[String], cx: &Cx) -> V {
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
            let stdin = if has_flag(rest, &["-i", "--interactive", "-it", "-ti"]) { cx.stdin } else { None };
            let (s, r) = words(inner, &cx.argdyn[off.min(cx.argdyn.len())..], stdin, cx.depth + 1);
            (s, format!("{name} exec {r}"))
        }
        _ => de(format!("{name} {sub}")),
    }
}

fn compose(name: &str, args: &[String]) -> V {
    let p = positionals(args, &["-f", "--file", "-p", "--project-name", "--env-file", "--profile"]);
    match p.first().copied() {
        Some(s @ ("ps" | "logs" | "config" | "images" | "top" | "ls" | "version" | "port")) => {
            ro(format!("{name} {s}"))
        }
        Some(s) => de(format!("{name} {s}")),
        None => ro(format!("{name} (help)")),
    }
}

fn git(args: &[String]) -> V {
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

fn systemctl(args: &[String]) -> V {
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

pub fn ssh(args: &[String], cx: &Cx) -> V {
    let (stdin, depth) = (cx.stdin, cx.depth);
    let opts = [
        "-p", "-i", "-l", "-o", "-J", "-F", "-L", "-R", "-D", "-b", "-c", "-E", "-e", "-m", "-O", "-Q", "-S",
        "-W", "-w", "-B", "-I",
    ];
    let Some(h) = first_positional(args, &opts) else { return un("ssh without a host") };
    let host = &args[h];
    let mut cmd = &args[h + 1..];
    if cmd.first().is_some_and(|a| a == "--") {
        cmd = &cmd[1..];
    }
    if cmd.is_empty() {
        return match stdin {
            Some(text) => {
                if super::shell::is_fed(Some(text)) {
                    return un(format!("ssh {host} runs the commands on its input"));
                }
                let (s, r) = nested(text, depth);
                (s, format!("ssh {host} {r}"))
            }
            None => ro(format!("ssh {host} (an interactive session: session only)")),
        };
    }
    let (s, r) = nested(&cmd.join(" "), depth);
    (s, format!("ssh {host} {r}"))
}
