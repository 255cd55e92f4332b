//! The dispatcher: wrappers looked through (`sudo`, `env`, `VAR=x`, `time`, `nice`,
//! `timeout`, `xargs`, `bash -c`, `ssh`, `eval`, `watch`, ...), redirections, and the
//! generic Unix commands. Tool-specific rules live in `tools` (kubectl, helm, ...) and
//! `data` (psql, redis-cli, curl, ...).
use super::shell::{self, SimpleCommand};
use super::{Finding, data, rank, tools};
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

/// Nesting deeper than this (`bash -c "bash -c ..."`) is unknown.
const MAX_DEPTH: usize = 8;

/// Classifies every command of `text` into `out`; `line0` is the line `text` starts on.
pub fn script(text: &str, line0: usize, depth: usize, out: &mut Vec<Finding>) {
    if depth > MAX_DEPTH {
        out.push(Finding { line: line0, safety: Safety::Unknown, rule: "nesting too deep".into() });
        return;
    }
    let parsed = shell::parse(text);
    if let Some((line, what)) = parsed.incomplete {
        out.push(Finding {
            line: line0 + line - 1,
            safety: Safety::Unknown,
            rule: format!("unterminated {what} (the script does not read cleanly)"),
        });
    }
    for c in &parsed.commands {
        let (safety, rule) = simple(c, depth);
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
    found.into_iter().map(|f| (f.safety, f.rule)).fold(ro("empty script"), worst)
}

fn simple(c: &SimpleCommand, depth: usize) -> V {
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

fn is_assignment(w: &str) -> bool {
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

pub fn has_flag(args: &[String], flags: &[&str]) -> bool {
    args.iter()
        .any(|a| flags.iter().any(|f| a == f || (f.starts_with("--") && a.starts_with(&format!("{f}=")))))
}

/// Whether a short-option cluster (`-xvf`) among `args` contains `ch`.
pub fn short_has(args: &[String], ch: char) -> bool {
    args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.len() > 1 && a[1..].contains(ch))
}

/// Look through to the wrapped command at `args[i..]`; nothing there is `empty`.
fn through(
    prefix: &str,
    args: &[String],
    dynamic: &[bool],
    i: Option<usize>,
    stdin: Option<&str>,
    depth: usize,
    empty: V,
) -> V {
    match i {
        Some(i) if i < args.len() => {
            let (s, r) = words(&args[i..], &dynamic[i.min(dynamic.len())..], stdin, depth);
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
    let dyn_at = |i: usize| dynamic.get(i).copied().unwrap_or(false);
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
    if dyn_at(start) {
        return un(format!("`{}` (the command is only known at run time)", w[0]));
    }
    let name = w[0].rsplit('/').next().unwrap_or(&w[0]).to_string();
    let args = &w[1..];
    let argdyn = if dynamic.len() > 1 { &dynamic[1..] } else { &[][..] };
    let thru =
        |prefix: &str, i: Option<usize>, empty: V| through(prefix, args, argdyn, i, stdin, depth, empty);
    match name.as_str() {
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
                return ro("sudo -l");
            }
            if has_flag(args, &["-e", "--edit"]) {
                return de("sudo -e (edits a file)");
            }
            thru("sudo", i, un("sudo without a command (an interactive shell)"))
        }
        "env" => {
            let mut i = 0;
            while i < args.len() {
                let a = args[i].as_str();
                if a == "-u" || a == "-C" || a == "--unset" || a == "--chdir" {
                    i += 2;
                } else if a == "-S" || a == "--split-string" {
                    return args.get(i + 1).map_or(un("env -S"), |s| nested(s, depth));
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
        "ionice" => thru(
            "ionice",
            first_positional(args, &["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"]),
            ro("ionice"),
        ),
        "nohup" | "command" | "builtin" | "exec" | "stdbuf" | "unbuffer" | "setsid" => {
            if name == "command" && has_flag(args, &["-v", "-V"]) {
                return ro("command -v");
            }
            let opts = ["-i", "-o", "-e"];
            thru(&name, first_positional(args, &opts), ro(name.clone()))
        }
        "timeout" => {
            let i = first_positional(args, &["-s", "-k", "--signal", "--kill-after"]);
            thru("timeout", i.map(|i| i + 1), un("timeout without a command"))
        }
        "watch" => {
            let opts = ["-n", "--interval", "-q", "--equexit"];
            let pos: Vec<&String> = match first_positional(args, &opts) {
                Some(i) => args[i..].iter().collect(),
                None => return un("watch without a command"),
            };
            let text = pos.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
            let (s, r) = nested(&text, depth);
            (s, format!("watch {r}"))
        }
        "xargs" => {
            let opts = [
                "-n",
                "-P",
                "-I",
                "-L",
                "-l",
                "-d",
                "-E",
                "-e",
                "-s",
                "-a",
                "--max-args",
                "--max-procs",
                "--replace",
                "--delimiter",
                "--arg-file",
                "--max-lines",
                "--eof",
            ];
            thru("xargs", first_positional(args, &opts), ro("xargs echo"))
        }
        "eval" => {
            let (s, r) = nested(&args.join(" "), depth);
            (s, format!("eval {r}"))
        }
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "ash" | "busybox"
            if name != "busybox" || !args.is_empty() =>
        {
            if name == "busybox" {
                return words(args, argdyn, stdin, depth + 1);
            }
            shell_c(&name, args, stdin, depth)
        }
        "su" | "runuser" => {
            if let Some(p) = args.iter().position(|a| a == "-c" || a == "--command") {
                return args.get(p + 1).map_or(un("su -c"), |s| {
                    let (s, r) = nested(s, depth);
                    (s, format!("{name} -c {r}"))
                });
            }
            if let Some(p) = args.iter().position(|a| a == "--") {
                return thru(&name, Some(p + 1), un(format!("{name} (an interactive shell)")));
            }
            un(format!("{name} (an interactive shell)"))
        }
        "ssh" => tools::ssh(args, stdin, depth),
        "kubectl" | "oc" => tools::kubectl(&name, args, argdyn, depth),
        "helm" => tools::helm(args),
        "docker" | "podman" | "nerdctl" => tools::docker(&name, args, argdyn, depth),
        "docker-compose" => tools::compose("docker-compose", args),
        "crictl" => tools::verb_rule(
            "crictl",
            args,
            &[
                "ps", "pods", "images", "img", "logs", "inspect", "inspectp", "inspecti", "stats", "statsp",
                "info", "version",
            ],
        ),
        "git" => tools::git(args),
        "terraform" | "tofu" => tools::terraform(&name, args),
        "aws" | "gcloud" | "az" => tools::cloud(&name, args),
        "systemctl" => tools::systemctl(args),
        "service" if args.first().is_some_and(|a| a == "--status-all") => ro("service --status-all"),
        "service" => match args.get(1).map(String::as_str) {
            Some("status") => ro("service status"),
            Some(v) => de(format!("service {v}")),
            None => un("service"),
        },
        "journalctl" => {
            if args.iter().any(|a| {
                a.starts_with("--vacuum")
                    || ["--rotate", "--flush", "--sync", "--relinquish-var", "--setup-keys"]
                        .contains(&a.as_str())
            }) {
                de("journalctl --vacuum/--rotate")
            } else {
                ro("journalctl")
            }
        }
        "psql" | "mysql" | "mariadb" | "sqlite3" => data::sql_client(&name, args, argdyn, stdin),
        "redis-cli" | "valkey-cli" => data::redis_cli(args, argdyn, stdin),
        "curl" => data::curl(args, argdyn),
        "wget" => data::wget(args),
        "http" | "https" | "xh" => data::httpie(&name, args),
        _ => generic(&name, args, argdyn, stdin, depth),
    }
}

fn shell_c(name: &str, args: &[String], stdin: Option<&str>, depth: usize) -> V {
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
                    let (s, r) = nested(s, depth);
                    (s, format!("{name} -c {r}"))
                }
                None => un(format!("{name} -c without a script")),
            };
        }
        if !a.starts_with('-') && !a.starts_with('+') {
            return un(format!("{name} runs the script {a}"));
        }
        i += 1;
    }
    match stdin {
        Some(text) => {
            let (s, r) = nested(text, depth);
            (s, format!("{name} <<stdin {r}"))
        }
        None if has_flag(args, &["-n"]) => ro(format!("{name} -n")),
        None => un(format!("{name} (an interactive shell)")),
    }
}

/// Commands that only read, whatever their arguments (redirections are judged apart).
const READ_ONLY: &[&str] = &[
    "echo",
    "printf",
    "cat",
    "head",
    "tail",
    "grep",
    "egrep",
    "fgrep",
    "zgrep",
    "zcat",
    "rg",
    "ag",
    "jq",
    "wc",
    "cut",
    "tr",
    "sleep",
    "dig",
    "nslookup",
    "host",
    "whois",
    "ping",
    "ping6",
    "traceroute",
    "tracepath",
    "mtr",
    "ps",
    "pgrep",
    "pidof",
    "df",
    "du",
    "free",
    "uptime",
    "vmstat",
    "iostat",
    "mpstat",
    "pidstat",
    "sar",
    "netstat",
    "ss",
    "lsof",
    "whoami",
    "id",
    "groups",
    "uname",
    "which",
    "type",
    "true",
    "false",
    "test",
    "[",
    "[[",
    "printenv",
    "pwd",
    "cd",
    "pushd",
    "popd",
    "export",
    "basename",
    "dirname",
    "readlink",
    "realpath",
    "stat",
    "file",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "base64",
    "diff",
    "cmp",
    "column",
    "less",
    "more",
    "tac",
    "rev",
    "nl",
    "paste",
    "join",
    "comm",
    "seq",
    "yes",
    "expr",
    "bc",
    "tree",
    "locate",
    "getent",
    "last",
    "w",
    "who",
    "lsblk",
    "blkid",
    "nproc",
    "lscpu",
    "lsmod",
    "lspci",
    "lsusb",
    "lsns",
    "tput",
    "clear",
    ":",
    "read",
    "local",
    "declare",
    "typeset",
    "readonly",
    "unset",
    "set",
    "shift",
    "exit",
    "return",
    "break",
    "continue",
    "wait",
    "trap",
    "alias",
    "umask",
    "ulimit",
    "history",
    "top",
    "htop",
    "iotop",
    "ls",
    "fold",
    "strings",
    "xxd",
    "od",
    "hexdump",
    "iconv",
    "envsubst",
    "numfmt",
    "pg_isready",
    "logger",
    "getconf",
    "locale",
    "tty",
    "arp",
    "route",
    "ip6tables-save",
    "iptables-save",
    "mapfile",
    "readarray",
    "let",
    "promtool",
    "nc",
    "ncat",
    "openssl",
    "tcpdump",
    "fuser",
    "kill",
    "date",
    "hostname",
    "hostnamectl",
    "timedatectl",
    "dmesg",
    "sysctl",
    "crontab",
    "mount",
    "uniq",
    "sort",
    "awk",
    "gawk",
    "mawk",
    "sed",
    "tar",
    "yq",
    "tee",
    "find",
    "ip",
    "iptables",
    "ip6tables",
    "nft",
    "amtool",
    "rsync",
    "python",
    "python3",
    "etcdctl",
    "vault",
    "consul",
    "pg_dump",
    "pg_ctl",
    "patronictl",
    "conntrack",
];

/// Commands that change something, whatever their arguments.
const DESTRUCTIVE: &[&str] = &[
    "rm",
    "rmdir",
    "mv",
    "cp",
    "dd",
    "truncate",
    "shred",
    "chmod",
    "chown",
    "chgrp",
    "chattr",
    "ln",
    "mkdir",
    "touch",
    "install",
    "scp",
    "pkill",
    "killall",
    "reboot",
    "shutdown",
    "halt",
    "poweroff",
    "fdisk",
    "parted",
    "wipefs",
    "umount",
    "useradd",
    "userdel",
    "usermod",
    "groupadd",
    "groupdel",
    "passwd",
    "chpasswd",
    "unlink",
    "patch",
    "gzip",
    "gunzip",
    "bzip2",
    "xz",
    "zip",
    "unzip",
    "pg_restore",
    "pg_basebackup",
    "pg_ctlcluster",
    "pg_dropcluster",
    "dropdb",
    "createdb",
    "dropuser",
    "createuser",
    "apt",
    "apt-get",
    "yum",
    "dnf",
    "rpm",
    "dpkg",
    "pip",
    "pip3",
    "npm",
    "snap",
    "swapoff",
    "swapon",
    "modprobe",
    "rmmod",
    "insmod",
    "setenforce",
    "visudo",
    "vi",
    "vim",
    "nano",
    "emacs",
    "mkswap",
    "losetup",
    "lvremove",
    "lvcreate",
    "lvextend",
    "vgremove",
    "pvremove",
    "resize2fs",
    "xfs_growfs",
    "mdadm",
    "ipvsadm",
    "tc",
    "ifdown",
    "ifup",
    "nmcli",
    "kubeadm",
    "etcdutl",
];

fn generic(name: &str, args: &[String], argdyn: &[bool], stdin: Option<&str>, depth: usize) -> V {
    if name.starts_with("mkfs") {
        return de(name);
    }
    if DESTRUCTIVE.contains(&name) {
        return de(name);
    }
    if !READ_ONLY.contains(&name) {
        return un(format!("`{name}` is not a known command"));
    }
    let flag = |f: &[&str]| has_flag(args, f);
    let pos = || positionals(args, &[]);
    match name {
        "kill" => {
            if flag(&["-0", "-l", "-L", "--list"]) {
                ro("kill -0")
            } else {
                de("kill")
            }
        }
        "date" if flag(&["-s", "--set"]) => de("date --set"),
        "hostname" if !pos().is_empty() => de("hostname NAME"),
        "hostnamectl" | "timedatectl" if !matches!(pos().first(), None | Some(&"status") | Some(&"show")) => {
            de(format!("{name} {}", pos()[0]))
        }
        "dmesg"
            if flag(&[
                "-c",
                "-C",
                "--clear",
                "--read-clear",
                "-D",
                "-E",
                "-n",
                "--console-off",
                "--console-on",
            ]) =>
        {
            de("dmesg --clear")
        }
        "sysctl"
            if flag(&["-w", "--write", "-p", "--load", "--system"])
                || args.iter().any(|a| a.contains('=')) =>
        {
            de("sysctl write")
        }
        "crontab" if !flag(&["-l"]) => de("crontab"),
        "mount" if !pos().is_empty() || flag(&["-a", "--all", "-o"]) => de("mount"),
        "uniq" if positionals(args, &["-f", "-s", "-w"]).len() >= 2 => de("uniq writes its output file"),
        "sort" if flag(&["-o", "--output"]) || args.iter().any(|a| a.starts_with("-o")) => de("sort -o"),
        "sed" => data::sed(args),
        "awk" | "gawk" | "mawk" => data::awk(args),
        "tar" => {
            let first = args.first().map(String::as_str).unwrap_or("");
            let mode = first.trim_start_matches('-');
            if flag(&["--list"])
                || (!first.starts_with("--")
                    && mode.contains('t')
                    && !mode.contains('x')
                    && !mode.contains('c'))
            {
                ro("tar --list")
            } else {
                de("tar (extracts or creates files)")
            }
        }
        "yq" if flag(&["-i", "--inplace"]) => de("yq --inplace"),
        "tee" => {
            let files: Vec<&str> =
                positionals(args, &[]).into_iter().filter(|f| !harmless_target(f)).collect();
            match files.first() {
                Some(f) => de(format!("tee into {f}")),
                None => ro("tee"),
            }
        }
        "find" => find(args, argdyn, stdin, depth),
        "ip" => {
            let p = positionals(args, &["-n", "-netns", "-f", "-family", "-b", "-batch", "-rc"]);
            match p.get(1).copied() {
                None | Some("show" | "list" | "lst" | "get" | "monitor" | "sh" | "ls" | "s" | "l") => {
                    ro("ip show")
                }
                Some(v) => de(format!("ip {} {v}", p[0])),
            }
        }
        "iptables" | "ip6tables" => {
            let writes = args.iter().any(|a| {
                (a.starts_with('-')
                    && !a.starts_with("--")
                    && a[1..].chars().any(|c| "ADIRFXPNZE".contains(c)))
                    || [
                        "--append",
                        "--delete",
                        "--insert",
                        "--replace",
                        "--flush",
                        "--delete-chain",
                        "--policy",
                        "--new-chain",
                        "--zero",
                        "--rename-chain",
                    ]
                    .contains(&a.as_str())
            });
            if writes {
                de(format!("{name} (changes rules)"))
            } else if short_has(args, 'L') || short_has(args, 'S') || flag(&["--list", "--list-rules"]) {
                ro(format!("{name} --list"))
            } else {
                un(name)
            }
        }
        "nft" => match pos().first() {
            Some(&"list") => ro("nft list"),
            _ => de("nft"),
        },
        "conntrack" if !flag(&["-L", "--dump", "-S", "--stats", "-C", "--count", "-E", "--event"]) => {
            de("conntrack")
        }
        "openssl" if flag(&["-out", "-keyout"]) => de("openssl -out (writes a file)"),
        "tcpdump" if args.iter().any(|a| a.starts_with("-w")) => de("tcpdump -w (writes a file)"),
        "fuser" if short_has(args, 'k') => de("fuser -k"),
        "rsync" if !(flag(&["--dry-run", "--list-only"]) || short_has(args, 'n')) => de("rsync"),
        "nc" | "ncat" if !(short_has(args, 'z')) => un(format!("{name} (sends data)")),
        "amtool" => {
            let p = pos();
            if p.iter().any(|v| matches!(*v, "add" | "expire" | "import" | "update")) {
                de(format!("amtool {}", p.join(" ")))
            } else {
                ro("amtool query")
            }
        }
        "python" | "python3" => {
            if args.len() >= 2 && args[0] == "-m" && args[1] == "json.tool" {
                ro("python -m json.tool")
            } else {
                un(format!("{name} (runs arbitrary code)"))
            }
        }
        "etcdctl" => {
            tools::verb_rule(name, args, &["get", "endpoint", "member", "version", "check", "alarm", "watch"])
        }
        "vault" => tools::verb_rule(
            name,
            args,
            &["read", "status", "list", "version", "token", "kv", "audit", "secrets", "auth", "policy"],
        ),
        "consul" => {
            tools::verb_rule(name, args, &["members", "info", "catalog", "version", "monitor", "operator"])
        }
        "pg_dump" if flag(&["-f", "--file"]) || args.iter().any(|a| a.starts_with("--file=")) => {
            de("pg_dump --file")
        }
        "pg_ctl" | "patronictl" => {
            let p = positionals(
                args,
                &[
                    "-D",
                    "--pgdata",
                    "-c",
                    "--config-file",
                    "-l",
                    "--log",
                    "-m",
                    "--mode",
                    "-o",
                    "-t",
                    "--timeout",
                ],
            );
            match p.first().copied() {
                Some("status" | "list" | "show-config" | "history" | "topology" | "version" | "dsn") => {
                    ro(format!("{name} {}", p[0]))
                }
                Some(v) => de(format!("{name} {v}")),
                None => un(name),
            }
        }
        _ => ro(name),
    }
}

fn find(args: &[String], argdyn: &[bool], stdin: Option<&str>, depth: usize) -> V {
    let mut v = ro("find");
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-delete" => v = worst(v, de("find -delete")),
            "-fprint" | "-fprint0" | "-fprintf" | "-fls" => v = worst(v, de(format!("find {}", args[i]))),
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let start = i + 1;
                let mut end = start;
                while end < args.len() && args[end] != ";" && args[end] != "+" {
                    end += 1;
                }
                if end > start {
                    let d = &argdyn[start.min(argdyn.len())..end.min(argdyn.len())];
                    let (s, r) = words(&args[start..end], d, stdin, depth + 1);
                    v = worst(v, (s, format!("find -exec {r}")));
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    v
}
