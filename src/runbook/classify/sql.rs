//! SQL given to `psql`/`mysql`/`sqlite3` (and their wrappers `gitlab-psql`, `kubectl cnpg psql`, ...), pgbouncer admin console statements, psql meta-commands, and mongosh `--eval`.
use super::rules::{Cx, V, de, has_flag, positionals, ro, un, worst};
use regex::Regex;
use std::sync::LazyLock;

/// Whether a text holds shell expansions (`$NAME`, `${...}`, `$(...)`, backticks) other
/// than the placeholders opsdeck passes as `${OPSDECK_PH_NAME}` (values, not statements):
/// its content is only known at run time.
pub fn expands(text: &str) -> bool {
    static VAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$[A-Za-z_{(]|`").expect("static regex"));
    static PH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\$\{OPSDECK_PH_[A-Za-z0-9_]+\}|\$OPSDECK_PH_[A-Za-z0-9_]+").expect("static regex")
    });
    VAR.is_match(&PH.replace_all(text, "X"))
}

/// The rule text that marks an interactive SQL session: the lines after it are statements.
pub const SESSION: &str = "connects: an interactive session, session only";

/// SQL clients and their wrappers: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    Some(match name {
        "psql" | "gitlab-psql" | "pgcli" => client("psql", args, cx),
        "mysql" | "mariadb" => client("mysql", args, cx),
        "sqlite3" => client("sqlite3", args, cx),
        "mongosh" | "mongo" => mongo(name, args, cx),
        _ => return None,
    })
}

/// `psql`/`mysql`/`sqlite3` with the given arguments: the SQL they run decides; with none,
/// they only connect.
pub fn client(name: &str, args: &[String], cx: &Cx) -> V {
    let run_time = || un(format!("{name} with SQL only known at run time (a shell variable in it)"));
    let mut sqls: Vec<String> = Vec::new();
    let mut i = 0;
    let (cmd_short, cmd_long) = if name == "psql" { ("-c", "--command") } else { ("-e", "--execute") };
    while i < args.len() {
        let a = args[i].as_str();
        if a == cmd_short || a == cmd_long {
            if let Some(s) = args.get(i + 1) {
                if expands(s) {
                    return run_time();
                }
                sqls.push(s.clone());
            }
            i += 2;
            continue;
        }
        if let Some(s) = a.strip_prefix(&format!("{cmd_long}=")) {
            if expands(s) {
                return run_time();
            }
            sqls.push(s.to_string());
        } else if a.len() > 2 && a.starts_with(cmd_short) && !a.starts_with("--") {
            if expands(a) {
                return run_time();
            }
            sqls.push(a[2..].to_string());
        }
        i += 1;
    }
    if has_flag(args, &["--help"]) || (name == "psql" && has_flag(args, &["-?", "--version", "-V"])) {
        return ro(format!("{name} --help"));
    }
    if name == "psql" && has_flag(args, &["-f", "--file"]) {
        return un("psql -f (runs a SQL file)");
    }
    if name == "psql" && has_flag(args, &["-o", "--output", "-L", "--log-file"]) {
        return de("psql --output (writes a file)");
    }
    if name == "mysql" && has_flag(args, &["--tee"]) {
        return de("mysql --tee (writes a file)");
    }
    if name == "sqlite3" {
        let p = positionals(args, &["-cmd", "-separator", "-newline", "-nullvalue"]);
        if let Some(s) = p.get(1) {
            if expands(s) {
                return run_time();
            }
            sqls.push(s.to_string());
        }
    }
    if sqls.is_empty() {
        match cx.stdin {
            Some(_) if cx.fed() => return un(format!("{name} runs the SQL on its input")),
            Some(text) if expands(text) => return run_time(),
            Some(text) => sqls.push(text.to_string()),
            None if name == "psql" && has_flag(args, &["-l", "--list"]) => return ro("psql --list"),
            None => return ro(format!("{name} ({SESSION})")),
        }
    }
    sqls.iter().map(|s| sql(s)).reduce(worst).unwrap_or_else(|| ro("SQL (empty)"))
}

/// mongosh / mongo: `--eval` scripts by the methods they call.
fn mongo(name: &str, args: &[String], cx: &Cx) -> V {
    static CALL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"([A-Za-z_$][\w$]*)\s*\(").expect("static regex"));
    const READS: &[&str] = &[
        "find",
        "findOne",
        "count",
        "countDocuments",
        "estimatedDocumentCount",
        "distinct",
        "getCollectionNames",
        "getCollectionInfos",
        "stats",
        "serverStatus",
        "status",
        "conf",
        "config",
        "version",
        "getIndexes",
        "explain",
        "printjson",
        "print",
        "printShardingStatus",
        "isMaster",
        "hello",
        "hostInfo",
        "currentOp",
        "getSiblingDB",
        "getCollection",
        "getName",
        "getMongo",
        "getDBNames",
        "listDatabases",
        "toArray",
        "forEach",
        "limit",
        "sort",
        "skip",
        "pretty",
        "JSON",
        "stringify",
        "tojson",
        "getReplicationInfo",
        "printReplicationInfo",
        "printSecondaryReplicationInfo",
        "printSlaveReplicationInfo",
        "isWritablePrimary",
        "dataSize",
        "storageSize",
        "totalIndexSize",
        "totalSize",
        "getProfilingStatus",
        "getUsers",
        "getRoles",
        "ISODate",
        "ObjectId",
        "Date",
        "NumberLong",
        "map",
        "itcount",
        "size",
        "hasNext",
        "next",
        "getDB",
        "serverBuildInfo",
        "buildInfo",
        "serverCmdLineOpts",
        "getShardDistribution",
        "printCollectionStats",
    ];
    let script = args.iter().position(|a| a == "--eval").and_then(|i| args.get(i + 1));
    let Some(js) = script else {
        if positionals(
            args,
            &["--host", "--port", "-u", "--username", "-p", "--password", "--authenticationDatabase"],
        )
        .iter()
        .any(|p| p.ends_with(".js"))
        {
            return un(format!("{name} runs a script file"));
        }
        return match cx.stdin {
            Some(_) => un(format!("{name} runs the script on its input")),
            None => ro(format!("{name} ({SESSION})")),
        };
    };
    if expands(js) {
        return un(format!("{name} --eval with a script only known at run time"));
    }
    let lower = js.to_ascii_lowercase();
    if lower.contains("$out") || lower.contains("$merge") {
        return de(format!("{name} --eval aggregate with $out/$merge"));
    }
    for m in CALL.captures_iter(js) {
        let f = &m[1];
        if !READS.contains(&f) {
            return if f.starts_with("insert")
                || f.starts_with("update")
                || f.starts_with("delete")
                || f.starts_with("drop")
                || f.starts_with("create")
                || f.starts_with("remove")
                || [
                    "stepDown",
                    "reconfig",
                    "add",
                    "shutdownServer",
                    "killOp",
                    "setProfilingLevel",
                    "fsyncLock",
                    "replaceOne",
                    "bulkWrite",
                    "renameCollection",
                    "initiate",
                    "freeze",
                ]
                .contains(&f)
            {
                de(format!("{name} --eval {f}()"))
            } else {
                un(format!("{name} --eval {f}()"))
            };
        }
    }
    ro(format!("{name} --eval (reads)"))
}

static SQL_WRITE_FUNCS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(pg_terminate_backend|pg_cancel_backend|pg_promote|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_create_\w+|pg_drop_replication_slot|pg_replication_origin_\w+|setval|nextval|set_config|lo_unlink|lo_import|lo_export|pg_advisory_x?act_lock\w*|pg_advisory_lock\w*|pg_wal_replay_pause|pg_wal_replay_resume|dblink_exec|dblink|pg_file_write|pg_logical_emit_message|pg_stat_reset\w*|pg_stat_statements_reset|txid_current|pg_current_xact_id|pg_notify|pg_switch_xlog|pg_xlog_replay_pause|pg_xlog_replay_resume|pg_start_backup|pg_stop_backup|pg_backup_start|pg_backup_stop|pg_replication_slot_advance|pg_copy_\w+_replication_slot|pg_logical_slot_get_\w+|pg_prewarm|pg_try_advisory\w*|pg_import_system_collations|pg_file_unlink|pg_file_rename|pg_log_backend_memory_contexts|lo_create|lo_from_bytea|lo_put|lo_truncate|pg_wal_replay_\w+)\s*\(",
    )
    .expect("static regex")
});
static SQL_INTO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\binto\b").expect("static regex"));
static SQL_DML: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(insert|update|delete|merge)\b").expect("static regex"));

/// Statements split on `;` outside quotes and dollar quotes, comments removed.
pub fn statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let c: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    let mut dollar = false;
    while i < c.len() {
        let ch = c[i];
        if dollar {
            if ch == '$' && c.get(i + 1) == Some(&'$') {
                dollar = false;
                cur.push_str("$$");
                i += 2;
                continue;
            }
            cur.push(ch);
        } else if let Some(q) = quote {
            cur.push(ch);
            if ch == q {
                quote = None;
            }
        } else if ch == '-' && c.get(i + 1) == Some(&'-') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            continue;
        } else if ch == '$' && c.get(i + 1) == Some(&'$') {
            dollar = true;
            cur.push_str("$$");
            i += 2;
            continue;
        } else if ch == '\'' || ch == '"' || ch == '`' {
            quote = Some(ch);
            cur.push(ch);
        } else if ch == ';' || (ch == '\n' && cur.trim_start().starts_with('\\')) {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
        i += 1;
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// The verdict on a SQL text: the worst of its statements.
pub fn sql(text: &str) -> V {
    statements(text).iter().map(|s| statement(s)).reduce(worst).unwrap_or_else(|| ro("SQL (empty)"))
}

fn statement(s: &str) -> V {
    if let Some(meta) = s.strip_prefix('\\') {
        return meta_command(meta)
            .unwrap_or_else(|| un(format!("psql \\{}", meta.split_whitespace().next().unwrap_or(""))));
    }
    let upper = s.to_ascii_uppercase();
    let kw = upper.split(|c: char| !c.is_ascii_alphabetic()).find(|w| !w.is_empty()).unwrap_or("");
    match kw {
        "SELECT" | "TABLE" | "VALUES" | "WITH" | "DECLARE" => {
            if let Some(m) = SQL_WRITE_FUNCS.captures(s) {
                return de(format!("SQL {}()", m[1].to_ascii_lowercase()));
            }
            if kw == "WITH" && SQL_DML.is_match(s) {
                return de("SQL WITH ... (data-modifying)");
            }
            if kw == "SELECT" && SQL_INTO.is_match(s) {
                return de("SQL SELECT INTO (creates a table)");
            }
            ro(format!("SQL {kw}"))
        }
        "START" if find_word(&upper, "TRANSACTION").is_some() => ro("SQL START TRANSACTION"),
        "SHOW" | "BEGIN" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SAVEPOINT" | "RELEASE" | "DESCRIBE"
        | "DESC" | "LISTEN" | "UNLISTEN" | "FETCH" | "CLOSE" | "DISCARD" | "USE" | "CHECK" | "CHECKSUM"
        | "HELP" => ro(format!("SQL {kw}")),
        // A setting is state too (`SET GLOBAL`, `SET ROLE`, pgbouncer `SET`).
        "SET" | "RESET" => de(format!("SQL {kw} (changes a setting)")),
        // pgbouncer admin console.
        "PAUSE" | "RESUME" | "RELOAD" | "SHUTDOWN" | "DISABLE" | "ENABLE" | "RECONNECT" | "SUSPEND"
        | "WAIT" => de(format!("pgbouncer {kw}")),
        "START" | "STOP" | "CHANGE" | "INSTALL" | "UNINSTALL" | "HANDLER" | "XA" | "BINLOG" | "SOURCE" => {
            de(format!("SQL {kw}"))
        }
        "EXPLAIN" => {
            if upper.contains("ANALYZE") || upper.contains("ANALYSE") {
                let inner = [
                    "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "MERGE", "CREATE", "EXECUTE",
                    "TABLE",
                ]
                .iter()
                .filter_map(|k| find_word(&upper, k))
                .min();
                match inner {
                    Some(at) => {
                        let (sf, r) = statement(&s[at..]);
                        (sf, format!("EXPLAIN ANALYZE {r}"))
                    }
                    None => un("SQL EXPLAIN ANALYZE"),
                }
            } else {
                ro("SQL EXPLAIN")
            }
        }
        "COPY" => {
            if find_word(&upper, "FROM").is_some() && !upper.contains("TO STDOUT") {
                de("SQL COPY FROM")
            } else if upper.contains("TO STDOUT") {
                ro("SQL COPY TO STDOUT")
            } else {
                de("SQL COPY TO a file")
            }
        }
        "DROP" | "DELETE" | "UPDATE" | "INSERT" | "ALTER" | "TRUNCATE" | "CREATE" | "GRANT" | "REVOKE"
        | "VACUUM" | "ANALYZE" | "ANALYSE" | "REINDEX" | "CLUSTER" | "LOCK" | "CALL" | "DO" | "NOTIFY"
        | "REFRESH" | "CHECKPOINT" | "MERGE" | "REPLACE" | "RENAME" | "KILL" | "FLUSH" | "PURGE"
        | "COMMENT" | "SECURITY" | "IMPORT" | "LOAD" | "PREPARE" | "EXECUTE" | "UPSERT" | "OPTIMIZE"
        | "REASSIGN" | "ATTACH" | "DETACH" | "PRAGMA" | "REPAIR" => de(format!("SQL {kw}")),
        _ => un(format!("SQL {kw}")),
    }
}

fn find_word(upper: &str, word: &str) -> Option<usize> {
    let bytes = upper.as_bytes();
    let mut from = 0;
    while let Some(p) = upper[from..].find(word) {
        let at = from + p;
        let before = at == 0 || !bytes[at - 1].is_ascii_alphanumeric() && bytes[at - 1] != b'_';
        let end = at + word.len();
        let after = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric() && bytes[end] != b'_';
        if before && after {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// A psql meta-command (the text after the backslash): `None` when psql has no such
/// command (then the line is not psql's).
pub fn meta_command(meta: &str) -> Option<V> {
    let mut it = meta.split_whitespace();
    let cmd = it.next().unwrap_or("");
    let arg = it.next();
    let session_only = [
        "x",
        "set",
        "unset",
        "pset",
        "timing",
        "a",
        "t",
        "f",
        "H",
        "T",
        "C",
        "c",
        "connect",
        "conninfo",
        "encoding",
        "echo",
        "qecho",
        "warn",
        "q",
        "quit",
        "?",
        "h",
        "help",
        "sf",
        "sf+",
        "sv",
        "sv+",
        "z",
        "errverbose",
        "prompt",
        "setenv",
        "r",
        "reset",
        "p",
        "print",
        "l",
        "l+",
        "list",
        "list+",
        "cd",
        "if",
        "elif",
        "else",
        "endif",
        "bind",
        "gdesc",
        "gset",
        "watch",
        "crosstabview",
        "getenv",
    ];
    let describe = cmd.starts_with('d') && cmd.chars().all(|c| c.is_ascii_alphabetic() || c == '+');
    Some(match cmd {
        _ if session_only.contains(&cmd) || describe => ro(format!("psql \\{cmd} (session only)")),
        "g" | "gx" if arg.is_none() => ro(format!("psql \\{cmd} (runs the query buffer)")),
        "g" | "gx" | "o" | "out" | "w" | "write" => de(format!("psql \\{cmd} FILE (writes a file)")),
        "copy" if meta.to_ascii_lowercase().contains(" from ") => de("SQL \\copy FROM"),
        "copy" => de("SQL \\copy TO (writes a file)"),
        "!" => {
            let rest = meta[1..].trim();
            if rest.is_empty() {
                ro("psql \\! (a shell: session only)")
            } else {
                let (s, r) = super::rules::nested(rest, 1);
                (s, format!("psql \\! {r}"))
            }
        }
        "i" | "ir" | "include" | "include_relative" | "e" | "edit" | "ef" | "ev" | "gexec" | "lo_import"
        | "lo_unlink" | "lo_export" | "lo_list" => un(format!("psql \\{cmd}")),
        _ => return None,
    })
}
