//! Prompts of shell and interactive-client transcripts, and the test for "this line reads
//! as a command" (docs/runbook-format.md, "Blocks" and "Transcripts").
//!
//! Contract:
//! - [`shell_prompt`] recognises the prompt styles of the table in the docs (`$ `,
//!   `host$ `, `user@host:~$ `, `host:~$ `, `[root@db1 ~]# `, `sh-5.1# `, `mon-a# `,
//!   `chef-repo % `, busybox `/ $ `, zsh `~ `) and returns the prompt's length in bytes.
//!   The bare root prompt `# ` is not among them: whether `# ` starts a command or a
//!   comment depends on the block (see `transcript`).
//! - [`client_prompt`] recognises psql (`db=# `, `db=> `, `db-# `, `db(# `), mysql
//!   (`mysql> `, `MariaDB [db]> `, `    -> `), redis-cli (`127.0.0.1:6379> `) and
//!   `(pprof) ` prompts.
//! - [`reads_as_command`] is true when a line's first word is a known command, a path to a
//!   program, a `VAR=value` assignment or a shell keyword that starts a command.
use regex::Regex;
use std::sync::LazyLock;

use super::command_names::{ENGLISH_TOO, KNOWN};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// An interactive client a transcript line was typed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// psql (or a psql-speaking console such as pgbouncer's), with the database shown.
    Psql {
        db: String,
    },
    Mysql,
    Redis {
        host: String,
        port: String,
    },
    Pprof,
}

impl Client {
    /// The context name used in `CommandLine::context`.
    pub fn context(&self) -> &'static str {
        match self {
            Client::Psql { .. } => "psql",
            Client::Mysql => "mysql",
            Client::Redis { .. } => "redis",
            Client::Pprof => "pprof",
        }
    }
}

/// A client prompt on a line: which client, the prompt's byte length, and whether the
/// line continues a statement (`db-# `, `    -> `) rather than starting one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPrompt {
    pub client: Client,
    pub len: usize,
    pub continuation: bool,
}

static SHELL_PROMPTS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // `$ cmd`, `$` alone
        r"^\$(?:\s+|$)",
        // user@host:~$ , user@host ~ % , root@host:/x#
        r"^[\w.-]+@[\w.-]+(?::\S*|\s+\S+)?\s?[$#%](?:\s+|$)",
        // host:~$ , host:/var/log#
        r"^[A-Za-z][\w.-]*:[~/]\S*\s?[$#](?:\s+|$)",
        // [root@db1 ~]# , [user@host dir]$
        r"^\[[^\]\n]+\][$#](?:\s+|$)",
        // sh-5.1# , bash-4.4$
        r"^(?:sh|bash|zsh|ksh|dash|ash)-[\d.]+[$#](?:\s+|$)",
        // worker$ , host$
        r"^[A-Za-z][\w.-]*\$(?:\s+|$)",
        // chef-repo % , % cmd
        r"^(?:[A-Za-z][\w.-]*\s)?%\s+",
        // busybox `/ $ `, `/prometheus $ `, `~ $ `
        r"^[~/][\w./-]*\s[$#](?:\s+|$)",
        // zsh `~ cmd`, oh-my-zsh `➜  ~ cmd`
        r"^(?:➜\s+)?~\s+",
    ]
    .iter()
    .map(|p| re(p))
    .collect()
});

/// `host# ` (mon-a# , template1# ): a root shell prompt or psql's, told apart by the text.
static HASH_HOST_PROMPT: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z][\w.-]*#\s+"));
static PSQL_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^([A-Za-z_][\w.-]*)([=\-^!*'"(])([#>])(?:\s+|$)"#));
static MYSQL_PROMPT: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:mysql|MariaDB \[[^\]]*\])>(?:\s+|$)"));
static MYSQL_CONT: LazyLock<Regex> = LazyLock::new(|| re(r"^\s+->\s+"));
static REDIS_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:redis\s+)?([\w.-]+):(\d+)(?:\[\d+\])?>(?:\s+|$)"));
static PPROF_PROMPT: LazyLock<Regex> = LazyLock::new(|| re(r"^\(pprof\)(?:\s+|$)"));
static SQL_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:\\|select\b|with\b|show\b|explain\b|insert\b|update\b|delete\b|create\b|drop\b|alter\b|vacuum\b|analyze\b|reindex\b|set\b|reset\b|begin\b|commit\b|rollback\b|truncate\b|grant\b|revoke\b|copy\b|table\b|values\b|pause\b|resume\b|kill\b|reload\b|shutdown\b|disable\b|enable\b|reconnect\b|wait_close\b|suspend\b)",
    )
});

/// The byte length of the shell prompt that starts `line` (leading spaces included).
pub fn shell_prompt(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let t = &line[indent..];
    // A psql or redis prompt is not a shell prompt, even when it ends in `#` or `$`.
    if client_prompt(line).is_some() {
        return None;
    }
    for r in SHELL_PROMPTS.iter() {
        if let Some(m) = r.find(t) {
            return Some(indent + m.end());
        }
    }
    if let Some(m) = HASH_HOST_PROMPT.find(t) {
        return Some(indent + m.end());
    }
    None
}

/// The client prompt that starts `line`, if any.
pub fn client_prompt(line: &str) -> Option<ClientPrompt> {
    let indent = line.len() - line.trim_start().len();
    let t = &line[indent..];
    if let Some(c) = PSQL_PROMPT.captures(t) {
        let r = &c[2];
        let continuation = !matches!(r, "=" | "^" | "!");
        return Some(ClientPrompt {
            client: Client::Psql { db: c[1].to_string() },
            len: indent + c[0].len(),
            continuation,
        });
    }
    if let Some(m) = HASH_HOST_PROMPT.find(t) {
        // `template1# select ...`: psql without the `=`, told by the statement.
        let rest = &t[m.end()..];
        if SQL_START.is_match(rest) {
            let db = t[..m.end()].trim_end().trim_end_matches('#').to_string();
            return Some(ClientPrompt {
                client: Client::Psql { db },
                len: indent + m.end(),
                continuation: false,
            });
        }
    }
    if let Some(m) = MYSQL_PROMPT.find(t) {
        return Some(ClientPrompt { client: Client::Mysql, len: indent + m.end(), continuation: false });
    }
    if let Some(m) = MYSQL_CONT.find(line) {
        return Some(ClientPrompt { client: Client::Mysql, len: m.end(), continuation: true });
    }
    if let Some(c) = REDIS_PROMPT.captures(t) {
        return Some(ClientPrompt {
            client: Client::Redis { host: c[1].to_string(), port: c[2].to_string() },
            len: indent + c[0].len(),
            continuation: false,
        });
    }
    if let Some(m) = PPROF_PROMPT.find(t) {
        return Some(ClientPrompt { client: Client::Pprof, len: indent + m.end(), continuation: false });
    }
    None
}

static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?="));
static FOR_LOOP: LazyLock<Regex> = LazyLock::new(|| re(r"^for\s+[A-Za-z_][A-Za-z0-9_]*\s+in\b"));
static WHILE_LOOP: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:while|until)\s+(?:read\b|\[|true\b|:|!|\()"));

/// The first word of a line (after leading spaces), without quotes.
fn first_word(line: &str) -> &str {
    line.trim_start().split(|c: char| c.is_whitespace() || c == ';').next().unwrap_or("")
}

/// Whether `line` starts like a command a person types (see the module contract).
pub fn reads_as_command(line: &str) -> bool {
    let t = line.trim_start();
    let w = first_word(t);
    if w.is_empty() {
        return false;
    }
    if ASSIGNMENT.is_match(t) {
        // `KEY=value` in an env file reads the same; a space after `=` does not.
        return !t.contains(" = ");
    }
    if FOR_LOOP.is_match(t) || WHILE_LOOP.is_match(t) {
        return true;
    }
    if matches!(w, "for" | "while" | "until" | "case" | "function") {
        return false;
    }
    if w.starts_with("./") || w.starts_with("../") || w.starts_with("~/") {
        return true;
    }
    if w.starts_with('/') && w.len() > 1 && !w.ends_with('/') && !w.contains(':') {
        return true;
    }
    let name = w.rsplit('/').next().unwrap_or(w);
    KNOWN.contains(&name) || name.starts_with("mkfs.") || name.starts_with("kubectl-")
}

/// Whether a line plainly reads as program output rather than a command someone types: a
/// table border or cell (`+----`, `| x`), a line starting with a digit or a symbol, a first
/// word ending in `:` (`role:master`, `Usage:`), a capitalised first word (`Deleted`,
/// `NAME`), or columns set apart by runs of spaces. A line that is neither this nor a
/// command is ambiguous: the caller then runs the block as written (and it is confirmed).
pub fn looks_like_output(line: &str) -> bool {
    let t = line.trim();
    let Some(c) = t.chars().next() else { return true };
    if reads_as_command(t) {
        return false;
    }
    let w = first_word(t);
    !(c.is_ascii_lowercase() || matches!(c, '.' | '/' | '~' | '$' | '_' | '"' | '\''))
        || w.ends_with(':')
        || t.contains("   ")
        || c.is_ascii_uppercase()
}

/// Whether the text after a bare `# ` reads as a root prompt's command rather than a comment.
pub fn root_command(rest: &str) -> bool {
    let w = first_word(rest);
    if FOR_LOOP.is_match(rest.trim_start()) {
        return true;
    }
    if ENGLISH_TOO.contains(&w) {
        // `# kill -TERM 1827` and `# export X=1` still read as commands.
        let second = rest.trim_start()[w.len()..].trim_start();
        return second.starts_with('-')
            || second.starts_with('/')
            || second.starts_with('$')
            || ASSIGNMENT.is_match(second);
    }
    reads_as_command(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_prompt_style_of_the_docs_is_recognised() {
        for (line, cmd) in [
            ("$ kubectl get pods", "kubectl get pods"),
            ("$", ""),
            ("worker$ redis-cli -h 10.0.0.1", "redis-cli -h 10.0.0.1"),
            ("user@aptly:~$ sudo su - aptly", "sudo su - aptly"),
            ("aptly@aptly:~$ aptly repo list", "aptly repo list"),
            ("msmiley@file-31-stor-gprd.c.gitlab-production.internal:~$ top", "top"),
            ("pgbouncer-01-db-gprd.c.gitlab-production.internal:~$ ping x", "ping x"),
            ("[root@db1 ~]# systemctl status patroni", "systemctl status patroni"),
            ("sh-5.1# chroot /host", "chroot /host"),
            ("sh-4.4$ ls", "ls"),
            ("mon-a# cat /etc/ceph/keyring", "cat /etc/ceph/keyring"),
            ("chef-repo % ./bin/get-server-state gstg", "./bin/get-server-state gstg"),
            ("/ $ ls -la", "ls -la"),
            ("/prometheus $ du -sh wal", "du -sh wal"),
            (" ~ kubectl -n monitoring get pods", "kubectl -n monitoring get pods"),
            ("root@host:/var/log# tail syslog", "tail syslog"),
        ] {
            let n = shell_prompt(line).unwrap_or_else(|| panic!("no prompt in {line:?}"));
            assert_eq!(&line[n..], cmd, "{line:?}");
        }
        for line in ["kubectl get pods", "# comment", "NAME READY STATUS", "~/bin/tool", "a = b"] {
            assert_eq!(shell_prompt(line), None, "{line:?}");
        }
    }

    #[test]
    fn client_prompts_name_their_client() {
        let p = client_prompt("gitlabhq_production=# select 1;").unwrap();
        assert_eq!(p.client, Client::Psql { db: "gitlabhq_production".into() });
        assert!(!p.continuation);
        assert!(client_prompt("gitlabhq_production-# from x;").unwrap().continuation);
        assert_eq!(
            client_prompt("template1# select 1;").unwrap().client,
            Client::Psql { db: "template1".into() }
        );
        assert_eq!(
            client_prompt("pgbouncer=# show pools;").unwrap().client,
            Client::Psql { db: "pgbouncer".into() }
        );
        assert_eq!(client_prompt("db=> \\dt").unwrap().client, Client::Psql { db: "db".into() });
        assert_eq!(client_prompt("mysql> SHOW PROCESSLIST;").unwrap().client, Client::Mysql);
        assert_eq!(client_prompt("MariaDB [app]> select 1;").unwrap().client, Client::Mysql);
        assert_eq!(
            client_prompt("127.0.0.1:6379> INFO replication").unwrap().client,
            Client::Redis { host: "127.0.0.1".into(), port: "6379".into() }
        );
        assert_eq!(client_prompt("(pprof) top").unwrap().client, Client::Pprof);
        assert_eq!(client_prompt("mon-a# cat /etc/x"), None);
        assert_eq!(client_prompt("$ psql"), None);
    }

    #[test]
    fn a_line_reads_as_a_command_by_its_first_word() {
        for l in [
            "kubectl get pods",
            "sudo gitlab-ctl restart",
            "/opt/gitlab/bin/x --y",
            "./run.sh",
            "NS=foo",
            "for p in a b; do",
            "gsutil ls gs://x/",
        ] {
            assert!(reads_as_command(l), "{l}");
        }
        for l in [
            "NAME READY STATUS",
            "apiVersion: v1",
            "sum(rate(x[5m]))",
            "restore_command = 'x'",
            "show databases;",
            "2023-01-01 ERROR x",
            "role:master",
            "/",
        ] {
            assert!(!reads_as_command(l), "{l}");
        }
        assert!(root_command("gitlab-ctl restart consul"));
        assert!(root_command("kill -TERM 1827"));
        assert!(root_command("for p in $(pgrep haproxy); do ps $p; done"));
        for c in [
            "set a very small 16 MiB quota",
            "test puts are allowed again",
            "Open an ssh tunnel",
            "in another window",
            "compact up to revision 3",
        ] {
            assert!(!root_command(c), "{c}");
        }
    }
}
