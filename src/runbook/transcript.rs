//! From a block's text to the commands it holds and the script that runs them
//! (docs/runbook-format.md, "Blocks" and "Transcripts").
//!
//! Contract:
//! - A block with prompt lines is a transcript: the commands are the text after each
//!   prompt, joined with the lines that continue them (a trailing `\`, an open quote,
//!   here-document or substitution, a trailing `|`/`&&`/`||`, a `> ` continuation prompt);
//!   every other line is output and dropped.
//! - A `# ` line is a root prompt when a command follows it and the block is a
//!   `console`/untagged transcript, or when an earlier command opened a root shell
//!   (`oc debug node/x`, `sudo -i`, `chroot /host`); in `sh`/`bash` scripts it is a comment.
//! - Lines typed at an interactive client (`db=# `, `mysql> `, `host:6379> `, `(pprof) `)
//!   are fed to that client on stdin: to the command in the block that opened it, else to
//!   a client started from what the prompt shows (`psql -d db`, `redis-cli -h H -p P`).
//! - A `console`/untagged block without prompts runs as a script when its first command
//!   line reads as a command; otherwise no command can be told from output
//!   ([`BlockKind::NoCommandFound`]).
use super::placeholder::{self, Found};
use super::prompt::{self, Client};
use super::types::BlockKind;

/// How a block's text is read: as a script (`sh`, `bash`) or as a console transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Script,
    Console,
}

/// One command found, before line numbers are made absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    /// 0-based line in the block.
    pub line: usize,
    pub prompt: Option<String>,
    /// `None` for the shell.
    pub client: Option<Client>,
    pub text: String,
}

/// What a block holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub kind: BlockKind,
    pub commands: Vec<Cmd>,
    /// The script to run, placeholders replaced.
    pub script: String,
    /// Placeholders, `line` relative to the block.
    pub placeholders: Vec<Found>,
}

/// Whether a shell command's text continues on the next line.
fn open(text: &str) -> bool {
    let last = text.rsplit('\n').next().unwrap_or("");
    if last.ends_with('\\') {
        return true;
    }
    let t = last.trim_end();
    if t.ends_with('|') || t.ends_with("&&") || t.ends_with("||") {
        return true;
    }
    super::classify::shell::parse(text).incomplete.is_some()
}

/// Whether a shell command opens a root shell, after which `# ` lines are commands.
fn opens_root_shell(text: &str) -> bool {
    let w: Vec<&str> = text.split_whitespace().collect();
    let has = |a: &str, b: &str| w.windows(2).any(|p| p[0] == a && p[1].starts_with(b));
    has("oc", "debug")
        || has("kubectl", "debug")
        || has("sudo", "-i")
        || has("sudo", "-s")
        || has("sudo", "su")
        || w.first() == Some(&"su")
        || w.contains(&"chroot")
        || w.contains(&"nsenter")
        || w.contains(&"toolbox")
        || has("oc", "rsh")
        || (w.iter().any(|x| *x == "exec" || *x == "run")
            && w.iter().any(|x| x.starts_with("-it") || *x == "-ti")
            && w.last().is_some_and(|l| matches!(*l, "sh" | "bash" | "/bin/sh" | "/bin/bash")))
}

/// Reads a block's text.
pub fn extract(text: &str, mode: Mode) -> Extracted {
    let lines: Vec<&str> = text.lines().collect();
    let prompted =
        lines.iter().any(|l| prompt::shell_prompt(l).is_some() || prompt::client_prompt(l).is_some());
    if prompted {
        return assemble(BlockKind::Transcript, transcript(&lines, mode, false));
    }
    if mode == Mode::Script {
        return script_block(text);
    }
    let root = |l: &&&str| l.trim_start().strip_prefix("# ").is_some_and(prompt::root_command);
    let roots = lines.iter().filter(root).count();
    let others: Vec<&&str> =
        lines.iter().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).collect();
    if roots > 0 && (others.is_empty() || others.iter().any(|l| !prompt::reads_as_command(l))) {
        return assemble(BlockKind::Transcript, transcript(&lines, mode, true));
    }
    // A script: its first command line reads as a command, or it explains itself with
    // comments and some line reads as a command (`# open a tunnel` / `glsh kube ...`).
    let commented = lines.iter().any(|l| l.trim_start().starts_with('#'));
    let first_reads = others.first().is_some_and(|l| prompt::reads_as_command(l));
    match first_reads || (commented && others.iter().any(|l| prompt::reads_as_command(l))) {
        true if first_reads => one_command_then_output(text).unwrap_or_else(|| script_block(text)),
        true => script_block(text),
        false => {
            let (script, placeholders) = placeholder::substitute_shell(text);
            Extracted { kind: BlockKind::NoCommandFound, commands: vec![], script, placeholders }
        }
    }
}

/// Whether an untagged fence holds commands (and so is a step), by the rule of the docs:
/// prompt lines, a root-prompt line, or a first command line that reads as a command.
pub fn holds_commands(text: &str) -> bool {
    extract(text, Mode::Console).kind != BlockKind::NoCommandFound
}

/// A block without prompts that shows one command and what it printed (`crontab -l` and
/// the crontab, `patronictl list` and its table): the first command, when every line after
/// it plainly reads as output. Otherwise `None`: the block runs as written.
fn one_command_then_output(text: &str) -> Option<Extracted> {
    let whole = script_block(text);
    let first = whole.commands.first()?;
    let end = first.line + first.text.lines().count();
    let rest: Vec<&str> = text.lines().skip(end).filter(|l| !l.trim().is_empty()).collect();
    if rest.is_empty() || !rest.iter().all(|l| prompt::looks_like_output(l)) {
        return None;
    }
    let cmd = Cmd { line: first.line, prompt: None, client: None, text: first.text.clone() };
    Some(assemble(BlockKind::Transcript, vec![cmd]))
}

/// A plain script: its commands are its non-comment lines, continuation lines joined.
fn script_block(text: &str) -> Extracted {
    let mut commands: Vec<Cmd> = Vec::new();
    let mut cur: Option<Cmd> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = cur.as_mut() {
            c.text.push('\n');
            c.text.push_str(line);
            if !open(&c.text) {
                commands.extend(cur.take());
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let c = Cmd { line: i, prompt: None, client: None, text: line.trim_start().to_string() };
        if open(&c.text) {
            cur = Some(c);
        } else {
            commands.push(c);
        }
    }
    commands.extend(cur);
    let (script, placeholders) = placeholder::substitute_shell(text);
    Extracted { kind: BlockKind::Script, commands, script, placeholders }
}

/// The commands of a transcript. `roots_only`: a console block whose only prompt is `# `.
fn transcript(lines: &[&str], mode: Mode, roots_only: bool) -> Vec<Cmd> {
    let mut out: Vec<Cmd> = Vec::new();
    // Whether the last command still reads more lines, and whether `# ` lines are commands.
    let mut continuing = false;
    let mut root_shell = roots_only;
    for (i, line) in lines.iter().enumerate() {
        if continuing && let Some(last) = out.last_mut() {
            let t = line.trim_start();
            let t = t.strip_prefix("> ").or_else(|| (t == ">").then_some("")).unwrap_or(line);
            last.text.push('\n');
            last.text.push_str(t);
            continuing = open(&last.text);
            continue;
        }
        continuing = false;
        if let Some(cp) = prompt::client_prompt(line) {
            let text = line[cp.len..].to_string();
            match out.last_mut() {
                Some(last) if cp.continuation && last.client.as_ref() == Some(&cp.client) => {
                    last.text.push('\n');
                    last.text.push_str(&text);
                }
                _ => out.push(Cmd {
                    line: i,
                    prompt: Some(line[..cp.len].to_string()),
                    client: Some(cp.client),
                    text,
                }),
            }
            continue;
        }
        let shell = prompt::shell_prompt(line).map(|n| (line[..n].to_string(), line[n..].to_string()));
        let shell = shell.or_else(|| {
            let rest = line.trim_start().strip_prefix("# ")?;
            let allowed =
                root_shell || (mode == Mode::Console && out.is_empty() && prompt::root_command(rest));
            (allowed && prompt::root_command(rest)).then(|| ("# ".to_string(), rest.to_string()))
        });
        // A `> ` line right after a command whose text ended there continues it (PS2).
        if shell.is_none()
            && let Some(rest) = line.trim_start().strip_prefix("> ")
            && let Some(last) = out.last_mut()
            && last.client.is_none()
            && last.line + last.text.lines().count() == i
        {
            last.text.push('\n');
            last.text.push_str(rest);
            continuing = open(&last.text);
            continue;
        }
        let Some((p, text)) = shell else { continue };
        if text.trim().is_empty() {
            continue;
        }
        if opens_root_shell(&text) {
            root_shell = true;
        }
        continuing = open(&text);
        out.push(Cmd { line: i, prompt: Some(p), client: None, text });
    }
    out
}

/// Options of the clients that take a value (to tell `redis-cli -h x` from `redis-cli INFO`).
const CLIENT_OPTS: &[&str] = &[
    "-h",
    "-p",
    "-a",
    "-n",
    "-u",
    "-U",
    "-d",
    "-s",
    "--user",
    "--pass",
    "--host",
    "--port",
    "--dbname",
    "--username",
    "-P",
    "-D",
    "-S",
    "--socket",
    "--database",
    "--tls-cert",
    "--tls-key",
    "--cacert",
];

/// Whether a shell command starts `client` interactively (so the lines typed at it are its input).
fn opens(text: &str, client: &Client) -> bool {
    if text.contains('\n') || text.contains(" #") || text.contains("<<") || text.contains('|') {
        return false;
    }
    let names: &[&str] = match client {
        Client::Psql { .. } => &["psql", "gitlab-psql", "pgb-console", "gitlab-pgbouncer-console"],
        Client::Mysql => &["mysql", "mariadb"],
        Client::Redis { .. } => &["redis-cli", "gitlab-redis-cli", "valkey-cli"],
        Client::Pprof => &["pprof"],
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(at) = words.iter().rposition(|w| names.contains(&w.rsplit('/').next().unwrap_or(w))) else {
        return false;
    };
    if matches!(client, Client::Pprof) {
        return true;
    }
    let mut i = at + 1;
    while i < words.len() {
        let w = words[i];
        if matches!(w, "-c" | "--command" | "-e" | "--execute" | "-f" | "--file") {
            return false;
        }
        if CLIENT_OPTS.contains(&w) {
            i += 2;
            continue;
        }
        if !w.starts_with('-') && !matches!(client, Client::Psql { .. }) {
            return false;
        }
        i += 1;
    }
    true
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The command that starts a client when the transcript does not show it.
fn started_from_prompt(client: &Client) -> Option<String> {
    match client {
        Client::Psql { db } => Some(format!("psql -d {}", single_quoted(db))),
        Client::Mysql => Some("mysql".into()),
        Client::Redis { host, port } => {
            Some(format!("redis-cli -h {} -p {}", single_quoted(host), single_quoted(port)))
        }
        Client::Pprof => None,
    }
}

const DELIM: &str = "OPSDECK_INPUT";

/// The script of a transcript: shell commands one after the other, client lines fed on
/// stdin through a here-document.
fn assemble(kind: BlockKind, commands: Vec<Cmd>) -> Extracted {
    let mut parts: Vec<(usize, String)> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut unrunnable = false;
    let mut i = 0;
    while i < commands.len() {
        let c = &commands[i];
        let Some(client) = &c.client else {
            let (s, f) = placeholder::substitute_shell(&c.text);
            found.extend(f.into_iter().map(|mut f| {
                f.line += c.line;
                f
            }));
            parts.push((c.line, s));
            i += 1;
            continue;
        };
        let mut j = i;
        let mut input = String::new();
        let mut input_found = Vec::new();
        while j < commands.len() && commands[j].client.as_ref() == Some(client) {
            let (s, f) = placeholder::substitute_input(&format!("{}\n", commands[j].text));
            input.push_str(&s);
            input_found.extend(f.into_iter().map(|mut f| {
                f.line += commands[j].line;
                f
            }));
            j += 1;
        }
        let quoted = input_found.is_empty();
        let body = if quoted {
            commands[i..j].iter().map(|c| format!("{}\n", c.text)).collect::<String>()
        } else {
            input
        };
        let opener = if quoted { format!(" <<'{DELIM}'") } else { format!(" <<{DELIM}") };
        let heredoc = format!("{opener}\n{body}{DELIM}");
        let attach = i > 0 && commands[i - 1].client.is_none() && opens(&commands[i - 1].text, client);
        if attach && let Some(last) = parts.last_mut() {
            last.1.push_str(&heredoc);
        } else if let Some(start) = started_from_prompt(client) {
            parts.push((c.line, format!("{start}{heredoc}")));
        } else {
            unrunnable = true;
        }
        found.extend(input_found);
        i = j;
    }
    let script: String = parts.iter().map(|(_, s)| format!("{s}\n")).collect();
    let kind =
        if commands.is_empty() || unrunnable && parts.is_empty() { BlockKind::NoCommandFound } else { kind };
    Extracted { kind, commands, script, placeholders: found }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(e: &Extracted) -> Vec<&str> {
        e.commands.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn dollar_transcripts_keep_commands_and_drop_output() {
        let e = extract(
            "$ kubectl get pods\nNAME READY\napi-0 1/1\n$ kubectl logs api-0 \\\n  --tail 5\nlog line\n",
            Mode::Console,
        );
        assert_eq!(e.kind, BlockKind::Transcript);
        assert_eq!(cmds(&e), ["kubectl get pods", "kubectl logs api-0 \\\n  --tail 5"]);
        assert_eq!(e.script, "kubectl get pods\nkubectl logs api-0 \\\n  --tail 5\n");
        assert_eq!(e.commands[1].line, 3);
    }

    #[test]
    fn continuation_prompts_open_quotes_and_heredocs_join() {
        let e = extract("$ for i in a b; do\n> echo $i\n> done\na\nb\n$ echo 'x\ny'\nx\n", Mode::Console);
        assert_eq!(cmds(&e), ["for i in a b; do\necho $i\ndone", "echo 'x\ny'"]);
        let e = extract("$ cat <<EOF > /tmp/x\nhello\nEOF\n$ ls\n", Mode::Console);
        assert_eq!(cmds(&e), ["cat <<EOF > /tmp/x\nhello\nEOF", "ls"]);
        // `\` followed by a space is not a continuation.
        let e = extract("$ echo a \\ \nout\n", Mode::Console);
        assert_eq!(cmds(&e), ["echo a \\ "]);
    }

    #[test]
    fn root_prompts_in_console_blocks_and_comments_in_scripts() {
        let e = extract("# gitlab-ctl restart consul\nok: run: consul\n", Mode::Console);
        assert_eq!(e.kind, BlockKind::Transcript);
        assert_eq!(cmds(&e), ["gitlab-ctl restart consul"]);
        let e = extract("# gitlab-ctl restart consul\n", Mode::Script);
        assert_eq!(e.kind, BlockKind::Script);
        assert!(e.commands.is_empty());
        let e = extract("# Store the settings.\nkubectl get cephcluster -o yaml > c.yaml\n", Mode::Console);
        assert_eq!(e.kind, BlockKind::Script);
        assert_eq!(cmds(&e), ["kubectl get cephcluster -o yaml > c.yaml"]);
        // After `oc debug`, `# ` is the node's root prompt.
        let e = extract(
            "$ oc debug node/x\n# sysctl -a | grep fs.file\nfs.file-max = 1\n# lsof -n\n",
            Mode::Script,
        );
        assert_eq!(cmds(&e), ["oc debug node/x", "sysctl -a | grep fs.file", "lsof -n"]);
        // Next to `$ ` prompts, `# ` lines are comments.
        let e = extract(
            "# set a very small 16 MiB quota\n$ etcd --quota-backend-bytes=$((16*1024*1024))\n",
            Mode::Console,
        );
        assert_eq!(cmds(&e), ["etcd --quota-backend-bytes=$((16*1024*1024))"]);
    }

    #[test]
    fn client_lines_go_to_their_client_on_stdin() {
        let e = extract(
            "$ sudo gitlab-psql\ngitlabhq_production=# select 1;\n ?column?\n----------\ngitlabhq_production=# \\q\n",
            Mode::Console,
        );
        assert_eq!(e.script, "sudo gitlab-psql <<'OPSDECK_INPUT'\nselect 1;\n\\q\nOPSDECK_INPUT\n");
        assert_eq!(e.commands[1].client, Some(Client::Psql { db: "gitlabhq_production".into() }));
        let e = extract("pgbouncer=# show pools;\n database | user\n", Mode::Console);
        assert_eq!(e.script, "psql -d 'pgbouncer' <<'OPSDECK_INPUT'\nshow pools;\nOPSDECK_INPUT\n");
        let e = extract(
            "worker$ redis-cli -h 10.0.0.1\n10.0.0.1:6379> INFO replication\n# Replication\nrole:master\n",
            Mode::Console,
        );
        assert_eq!(e.script, "redis-cli -h 10.0.0.1 <<'OPSDECK_INPUT'\nINFO replication\nOPSDECK_INPUT\n");
        let e = extract("db=# select *\ndb-# from t where id = <id>;\n", Mode::Console);
        assert_eq!(cmds(&e), ["select *\nfrom t where id = <id>;"]);
        assert_eq!(
            e.script,
            "psql -d 'db' <<OPSDECK_INPUT\nselect *\nfrom t where id = ${OPSDECK_PH_ID};\nOPSDECK_INPUT\n"
        );
    }

    #[test]
    fn untagged_blocks_hold_commands_only_when_they_read_as_commands() {
        assert!(holds_commands("kubectl get pods\n"));
        assert!(holds_commands("$ ls\n"));
        assert!(holds_commands("NS=foo\nkubectl -n $NS get pods\n"));
        assert!(holds_commands("/opt/gitlab/embedded/bin/redis-cli --scan\n"));
        for text in [
            "# Replication\nrole:master\n",
            "apiVersion: v1\nkind: Pod\n",
            "2023-01-01 ERROR x\n",
            "show databases;\n",
            "sum(rate(x[5m]))\n",
            "restore_command = 'x'\n",
        ] {
            assert!(!holds_commands(text), "{text}");
        }
        let e = extract("RGW deployments > CSI provisioners > OSD\n", Mode::Console);
        assert_eq!(e.kind, BlockKind::NoCommandFound);
    }

    #[test]
    fn one_command_and_plain_output_without_prompts_runs_only_the_command() {
        let e = extract("crontab -l\n# Chef Name: backup\n0 */6 * * * /usr/bin/backup\n", Mode::Console);
        assert_eq!(e.kind, BlockKind::Transcript);
        assert_eq!(e.script, "crontab -l\n");
        let e = extract("gitlab-patronictl list\n+--------+------+\n| Member | Host |\n", Mode::Console);
        assert_eq!(e.script, "gitlab-patronictl list\n");
        let e = extract("cat change.log\nDeleted 01FGDQ\nDeleted 01FGDR\n", Mode::Console);
        assert_eq!(e.script, "cat change.log\n");
        // A second line that could be a command (an unknown tool) keeps the whole block.
        let e = extract("kubectl get pods\nmytool restart api\n", Mode::Console);
        assert_eq!(e.kind, BlockKind::Script);
        assert_eq!(e.script, "kubectl get pods\nmytool restart api\n");
        let e = extract("kubectl get pods\nkubectl delete pod x\n", Mode::Console);
        assert_eq!(e.script, "kubectl get pods\nkubectl delete pod x\n");
    }
}
