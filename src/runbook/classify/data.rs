//! Rules that look inside what a command sends: SQL given to `psql`/`mysql`/`sqlite3`,
//! Redis commands given to `redis-cli`, HTTP methods and bodies of `curl`/`wget`/httpie,
//! and the programs of `sed`/`awk`.
use super::rules::{V, de, harmless_target, has_flag, positionals, ro, short_has, un, worst};
use regex::Regex;
use std::sync::LazyLock;

// ---------------------------------------------------------------- SQL

/// Whether a text fed on stdin holds shell expansions (`$NAME`, `${...}`, `$(...)`): its
/// content is only known at run time.
fn expands(text: &str) -> bool {
    static VAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$[A-Za-z_{(]").expect("static regex"));
    VAR.is_match(text)
}

pub fn sql_client(name: &str, args: &[String], argdyn: &[bool], stdin: Option<&str>) -> V {
    let dynamic = |i: usize| argdyn.get(i).copied().unwrap_or(false);
    let run_time = || un(format!("{name} with SQL only known at run time (a shell variable in it)"));
    let mut sqls: Vec<String> = Vec::new();
    let mut i = 0;
    let (cmd_short, cmd_long) = if name == "psql" { ("-c", "--command") } else { ("-e", "--execute") };
    while i < args.len() {
        let a = args[i].as_str();
        if a == cmd_short || a == cmd_long {
            if dynamic(i + 1) {
                return run_time();
            }
            if let Some(s) = args.get(i + 1) {
                sqls.push(s.clone());
            }
            i += 2;
            continue;
        }
        if let Some(s) = a.strip_prefix(&format!("{cmd_long}=")) {
            if dynamic(i) {
                return run_time();
            }
            sqls.push(s.to_string());
        } else if a.len() > 2 && a.starts_with(cmd_short) && !a.starts_with("--") {
            if dynamic(i) {
                return run_time();
            }
            sqls.push(a[2..].to_string());
        }
        i += 1;
    }
    if name == "psql" && (has_flag(args, &["-f", "--file"]) || args.iter().any(|a| a.starts_with("--file=")))
    {
        return un("psql -f (runs a SQL file)");
    }
    if name == "psql"
        && (has_flag(args, &["-o", "--output"]) || args.iter().any(|a| a.starts_with("--output=")))
    {
        return de("psql --output (writes a file)");
    }
    if name == "sqlite3" {
        let p = positionals(args, &["-cmd", "-separator", "-newline", "-nullvalue"]);
        if let Some(s) = p.get(1) {
            if expands(s) || args.iter().zip(argdyn).any(|(a, d)| a == s && *d) {
                return run_time();
            }
            sqls.push(s.to_string());
        }
    }
    if sqls.is_empty() {
        if let Some(text) = stdin {
            if expands(text) {
                return run_time();
            }
            sqls.push(text.to_string());
        } else if name == "psql" && (has_flag(args, &["-l", "--list"])) {
            return ro("psql --list");
        } else {
            return un(format!("{name} (an interactive session)"));
        }
    }
    sqls.iter().map(|s| sql(s)).fold(ro("SQL (empty)"), worst)
}

static SQL_WRITE_FUNCS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(pg_terminate_backend|pg_cancel_backend|pg_promote|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_create_\w+|pg_drop_replication_slot|pg_replication_origin_\w+|setval|nextval|set_config|lo_unlink|lo_import|lo_export|pg_advisory_x?act_lock\w*|pg_advisory_lock\w*|pg_wal_replay_pause|pg_wal_replay_resume|dblink_exec|dblink|pg_file_write|pg_logical_emit_message|pg_stat_reset\w*|pg_stat_statements_reset|pg_read_file|pg_ls_dir|pg_sleep)\s*\(",
    )
    .expect("static regex")
});
static SQL_INTO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\binto\b").expect("static regex"));
static SQL_DML: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(insert|update|delete|merge)\b").expect("static regex"));

/// Statements split on `;` outside quotes and dollar quotes, comments removed.
fn statements(text: &str) -> Vec<String> {
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
    statements(text).iter().map(|s| statement(s)).fold(ro("SQL (empty)"), worst)
}

fn statement(s: &str) -> V {
    if let Some(meta) = s.strip_prefix('\\') {
        let cmd = meta.split_whitespace().next().unwrap_or("");
        return match cmd {
            "copy" if s.to_ascii_lowercase().contains(" from ") => de("SQL \\copy FROM"),
            "copy" => de("SQL \\copy TO (writes a file)"),
            "i" | "ir" | "include" | "!" | "o" | "out" | "w" | "write" | "g" | "gexec" | "lo_import"
            | "lo_unlink" | "lo_export" => un(format!("psql \\{cmd}")),
            _ => ro(format!("psql \\{cmd}")),
        };
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
        "SHOW" | "BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SAVEPOINT" | "RELEASE"
        | "SET" | "RESET" | "DESCRIBE" | "DESC" | "LISTEN" | "UNLISTEN" | "FETCH" | "CLOSE" | "DISCARD"
        | "USE" => ro(format!("SQL {kw}")),
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

// ---------------------------------------------------------------- Redis

const REDIS_RO: &[&str] = &[
    "GET",
    "MGET",
    "HGET",
    "HGETALL",
    "HMGET",
    "HKEYS",
    "HVALS",
    "HLEN",
    "HEXISTS",
    "HSTRLEN",
    "HSCAN",
    "HRANDFIELD",
    "INFO",
    "KEYS",
    "SCAN",
    "SSCAN",
    "ZSCAN",
    "TTL",
    "PTTL",
    "EXPIRETIME",
    "PEXPIRETIME",
    "TYPE",
    "EXISTS",
    "STRLEN",
    "LLEN",
    "LRANGE",
    "LINDEX",
    "LPOS",
    "SMEMBERS",
    "SCARD",
    "SISMEMBER",
    "SMISMEMBER",
    "SRANDMEMBER",
    "SINTER",
    "SUNION",
    "SDIFF",
    "ZRANGE",
    "ZRANGEBYSCORE",
    "ZRANGEBYLEX",
    "ZREVRANGE",
    "ZREVRANGEBYSCORE",
    "ZCARD",
    "ZSCORE",
    "ZMSCORE",
    "ZRANK",
    "ZREVRANK",
    "ZCOUNT",
    "ZLEXCOUNT",
    "PING",
    "ECHO",
    "DBSIZE",
    "TIME",
    "LASTSAVE",
    "XLEN",
    "XRANGE",
    "XREVRANGE",
    "XINFO",
    "XPENDING",
    "PFCOUNT",
    "GETRANGE",
    "BITCOUNT",
    "BITPOS",
    "GETBIT",
    "OBJECT",
    "ROLE",
    "COMMAND",
    "RANDOMKEY",
    "GEOPOS",
    "GEODIST",
    "GEOHASH",
    "GEOSEARCH",
    "DUMP",
    "TOUCH",
    "LOLWUT",
    "PUBSUB",
    "SUBSCRIBE",
    "PSUBSCRIBE",
    "MONITOR",
    "HELLO",
    "AUTH",
    "SELECT",
    "READONLY",
    "WAIT",
];
const REDIS_DE: &[&str] = &[
    "DEL",
    "UNLINK",
    "FLUSHALL",
    "FLUSHDB",
    "EVAL",
    "EVALSHA",
    "EVAL_RO",
    "FCALL",
    "SET",
    "SETEX",
    "PSETEX",
    "SETNX",
    "MSET",
    "MSETNX",
    "GETSET",
    "GETDEL",
    "GETEX",
    "APPEND",
    "INCR",
    "INCRBY",
    "INCRBYFLOAT",
    "DECR",
    "DECRBY",
    "EXPIRE",
    "PEXPIRE",
    "EXPIREAT",
    "PEXPIREAT",
    "PERSIST",
    "RENAME",
    "RENAMENX",
    "MOVE",
    "COPY",
    "RESTORE",
    "HSET",
    "HSETNX",
    "HMSET",
    "HDEL",
    "HINCRBY",
    "HINCRBYFLOAT",
    "LPUSH",
    "RPUSH",
    "LPUSHX",
    "RPUSHX",
    "LPOP",
    "RPOP",
    "LSET",
    "LREM",
    "LTRIM",
    "LINSERT",
    "LMOVE",
    "RPOPLPUSH",
    "BLPOP",
    "BRPOP",
    "SADD",
    "SREM",
    "SPOP",
    "SMOVE",
    "SINTERSTORE",
    "SUNIONSTORE",
    "SDIFFSTORE",
    "ZADD",
    "ZREM",
    "ZINCRBY",
    "ZPOPMIN",
    "ZPOPMAX",
    "ZREMRANGEBYSCORE",
    "ZREMRANGEBYRANK",
    "ZREMRANGEBYLEX",
    "ZUNIONSTORE",
    "ZINTERSTORE",
    "XADD",
    "XDEL",
    "XTRIM",
    "XGROUP",
    "XACK",
    "XCLAIM",
    "XAUTOCLAIM",
    "PFADD",
    "PFMERGE",
    "SETRANGE",
    "SETBIT",
    "BITOP",
    "GEOADD",
    "PUBLISH",
    "SHUTDOWN",
    "SAVE",
    "BGSAVE",
    "BGREWRITEAOF",
    "REPLICAOF",
    "SLAVEOF",
    "FAILOVER",
    "SWAPDB",
    "MIGRATE",
    "DEBUG",
    "MULTI",
    "EXEC",
    "SORT",
];

/// One Redis command given as words.
pub fn redis_cmd(words: &[&str]) -> V {
    let Some(first) = words.first() else { return ro("redis (no command)") };
    let cmd = first.to_ascii_uppercase();
    let sub = words.get(1).map(|s| s.to_ascii_uppercase()).unwrap_or_default();
    let sub_ro = match cmd.as_str() {
        "CONFIG" => Some(sub == "GET"),
        "CLIENT" => Some(matches!(sub.as_str(), "LIST" | "INFO" | "GETNAME" | "ID" | "TRACKINGINFO")),
        "CLUSTER" => Some(matches!(
            sub.as_str(),
            "INFO"
                | "NODES"
                | "SLOTS"
                | "SHARDS"
                | "MYID"
                | "KEYSLOT"
                | "COUNTKEYSINSLOT"
                | "GETKEYSINSLOT"
                | "LINKS"
        )),
        "SLOWLOG" | "LATENCY" => Some(sub != "RESET"),
        "MEMORY" => Some(matches!(sub.as_str(), "USAGE" | "STATS" | "DOCTOR" | "MALLOC-STATS")),
        "SCRIPT" => Some(sub == "EXISTS"),
        "FUNCTION" => Some(matches!(sub.as_str(), "LIST" | "DUMP" | "STATS")),
        "ACL" => {
            Some(matches!(sub.as_str(), "LIST" | "WHOAMI" | "USERS" | "GETUSER" | "CAT" | "LOG" | "DRYRUN"))
        }
        "MODULE" => Some(sub == "LIST"),
        "SENTINEL" => Some(matches!(
            sub.as_str(),
            "MASTERS"
                | "MASTER"
                | "GET-MASTER-ADDR-BY-NAME"
                | "REPLICAS"
                | "SLAVES"
                | "SENTINELS"
                | "CKQUORUM"
                | "INFO-CACHE"
                | "MYID"
        )),
        _ => None,
    };
    match sub_ro {
        Some(true) => ro(format!("redis {cmd} {sub}")),
        Some(false) => de(format!("redis {cmd} {sub}")),
        None if REDIS_RO.contains(&cmd.as_str()) => ro(format!("redis {cmd}")),
        None if REDIS_DE.contains(&cmd.as_str()) => de(format!("redis {cmd}")),
        None => un(format!("redis {cmd}")),
    }
}

pub fn redis_cli(args: &[String], argdyn: &[bool], stdin: Option<&str>) -> V {
    let with_arg = [
        "-h",
        "-p",
        "-s",
        "-a",
        "--user",
        "--pass",
        "-u",
        "-r",
        "-i",
        "-n",
        "-d",
        "-D",
        "--cacert",
        "--cacertdir",
        "--cert",
        "--key",
        "--sni",
        "--pattern",
        "--count",
        "--quoted-pattern",
        "--tls-ciphers",
        "--tls-ciphersuites",
    ];
    if has_flag(args, &["--eval"]) {
        return de("redis-cli --eval");
    }
    if has_flag(args, &["--rdb", "--functions-rdb"]) {
        return de("redis-cli --rdb (writes a file)");
    }
    if has_flag(args, &["--cluster"]) {
        let p = positionals(args, &with_arg);
        return match p.first().copied() {
            Some("info" | "check") => ro("redis-cli --cluster check"),
            other => de(format!("redis-cli --cluster {}", other.unwrap_or(""))),
        };
    }
    let p = positionals(args, &with_arg);
    if let Some(first) = p.first() {
        let dynamic = args.iter().zip(argdyn).any(|(a, d)| a == first && *d);
        if dynamic {
            return un("redis-cli with a command only known at run time");
        }
        return redis_cmd(&p);
    }
    if has_flag(
        args,
        &[
            "--scan",
            "--bigkeys",
            "--memkeys",
            "--hotkeys",
            "--stat",
            "--latency",
            "--latency-history",
            "--latency-dist",
            "--intrinsic-latency",
            "--replica",
            "--slave",
            "--keystats",
        ],
    ) {
        return ro("redis-cli (read-only mode)");
    }
    match stdin {
        Some(text) if expands(text) => un("redis-cli with commands only known at run time"),
        Some(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| redis_cmd(&l.split_whitespace().collect::<Vec<_>>()))
            .fold(ro("redis (no command)"), worst),
        None => un("redis-cli (an interactive session)"),
    }
}

// ---------------------------------------------------------------- HTTP

const CURL_SHORT_ARG: &str = "XdFTo HuAebcKrmwxEUyYzCDPQt";
const CURL_LONG_ARG: &[&str] = &[
    "--request",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--data-ascii",
    "--json",
    "--form",
    "--form-string",
    "--upload-file",
    "--output",
    "--header",
    "--user",
    "--user-agent",
    "--referer",
    "--cookie",
    "--cookie-jar",
    "--config",
    "--range",
    "--max-time",
    "--connect-timeout",
    "--write-out",
    "--proxy",
    "--cert",
    "--key",
    "--cacert",
    "--resolve",
    "--connect-to",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--url",
    "--output-dir",
    "--dump-header",
    "--limit-rate",
    "--interface",
    "--unix-socket",
    "--aws-sigv4",
    "--oauth2-bearer",
    "--variable",
    "--capath",
    "--proxy-user",
    "--noproxy",
    "--trace",
    "--trace-ascii",
    "--stderr",
];

/// curl: the method (`-X`), bodies (`-d`, `--data*`, `--json`, `-F`, `-T`) and files it
/// writes (`-o`, `-O`, `-c`, `-D`) decide; a plain GET, `-I` or `-s` is read-only.
#[derive(Default)]
struct CurlOpts {
    method: Option<(String, bool)>,
    body: bool,
    upload: bool,
    get: bool,
    head: bool,
    writes: Option<String>,
    config: bool,
}

impl CurlOpts {
    fn take(&mut self, flag: &str, val: &str, dynamic: bool) {
        match flag {
            "X" | "--request" => self.method = Some((val.to_ascii_uppercase(), dynamic)),
            "d" | "--data" | "--data-raw" | "--data-binary" | "--data-urlencode" | "--data-ascii"
            | "--json" | "F" | "--form" | "--form-string" => self.body = true,
            "T" | "--upload-file" => self.upload = true,
            "o" | "--output" | "c" | "--cookie-jar" | "D" | "--dump-header" | "--trace" | "--trace-ascii"
            | "--stderr"
                if !harmless_target(val) =>
            {
                self.writes = Some(val.to_string())
            }
            "--output-dir" => self.writes = Some(val.to_string()),
            "K" | "--config" => self.config = true,
            "H" | "--header" if val.to_ascii_lowercase().contains("method-override") => {
                self.method = Some((String::from("(method override header)"), true))
            }
            _ => {}
        }
    }
}

pub fn curl(args: &[String], argdyn: &[bool]) -> V {
    let mut o = CurlOpts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let dyn_here = argdyn.get(i).copied().unwrap_or(false);
        let dyn_next = argdyn.get(i + 1).copied().unwrap_or(false);
        let next = args.get(i + 1).map(String::as_str).unwrap_or("");
        if a.starts_with("--") {
            if let Some((k, v)) = a.split_once('=') {
                o.take(k, v, dyn_here);
            } else if CURL_LONG_ARG.contains(&a) {
                o.take(a, next, dyn_next);
                i += 1;
            } else {
                match a {
                    "--get" => o.get = true,
                    "--head" => o.head = true,
                    "--remote-name" | "--remote-name-all" => o.writes = Some("(remote name)".into()),
                    _ => {}
                }
            }
        } else if a.starts_with('-') && a.len() > 1 {
            let chars: Vec<char> = a[1..].chars().collect();
            for (k, ch) in chars.iter().enumerate() {
                if *ch != ' ' && CURL_SHORT_ARG.contains(*ch) {
                    let rest: String = chars[k + 1..].iter().collect();
                    if rest.is_empty() {
                        o.take(&ch.to_string(), next, dyn_next);
                        i += 1;
                    } else {
                        o.take(&ch.to_string(), &rest, dyn_here);
                    }
                    break;
                }
                match ch {
                    'G' => o.get = true,
                    'I' => o.head = true,
                    'O' | 'J' => o.writes = Some("(remote name)".into()),
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if o.config {
        return un("curl --config (options from a file)");
    }
    let mut v = match o.method {
        Some((_, true)) => un("curl with a method only known at run time"),
        Some((m, false)) if matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE") => {
            ro(format!("curl {m}"))
        }
        Some((m, false)) if matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") => {
            de(format!("curl -X {m}"))
        }
        Some((m, false)) => un(format!("curl -X {m}")),
        None if o.upload => de("curl --upload-file (PUT)"),
        None if o.body && !o.get => de("curl with a request body (POST)"),
        None if o.head => ro("curl HEAD"),
        None => ro("curl GET"),
    };
    if let Some(f) = o.writes {
        v = worst(v, de(format!("curl writes the file {f}")));
    }
    v
}

pub fn wget(args: &[String]) -> V {
    let mut to_stdout = false;
    for (i, a) in args.iter().enumerate() {
        if a.starts_with("--post-data")
            || a.starts_with("--post-file")
            || a.starts_with("--body-data")
            || a.starts_with("--body-file")
        {
            return de("wget with a request body (POST)");
        }
        if let Some(m) = a.strip_prefix("--method=")
            && !matches!(m.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS")
        {
            return de(format!("wget --method={m}"));
        }
        if a == "--spider" {
            to_stdout = true;
        }
        let target = if a == "-O" || a == "--output-document" {
            args.get(i + 1).map(String::as_str)
        } else if let Some(v) = a.strip_prefix("--output-document=") {
            Some(v)
        } else if a.starts_with('-') && !a.starts_with("--") {
            a.find('O')
                .map(|p| &a[p + 1..])
                .map(|r| if r.is_empty() { args.get(i + 1).map(String::as_str).unwrap_or("") } else { r })
        } else {
            None
        };
        if let Some(t) = target {
            to_stdout = harmless_target(t);
        }
    }
    if to_stdout { ro("wget -O -") } else { de("wget (writes a file)") }
}

pub fn httpie(name: &str, args: &[String]) -> V {
    let p = positionals(
        args,
        &[
            "-a",
            "--auth",
            "-A",
            "--auth-type",
            "--session",
            "--verify",
            "--cert",
            "--cert-key",
            "-o",
            "--output",
        ],
    );
    if has_flag(args, &["-o", "--output", "-d", "--download"]) {
        return de(format!("{name} --download"));
    }
    let method = p.first().filter(|m| m.chars().all(|c| c.is_ascii_uppercase()) && !m.is_empty()).copied();
    let body = p.iter().skip(if method.is_some() { 2 } else { 1 }).any(|item| {
        !item.contains("==") && (item.contains('=') || item.contains(":=") || item.contains('@'))
    });
    match method {
        Some(m @ ("GET" | "HEAD" | "OPTIONS")) => ro(format!("{name} {m}")),
        Some(m) => de(format!("{name} {m}")),
        None if body || has_flag(args, &["-f", "--form"]) => de(format!("{name} with a body (POST)")),
        None => ro(format!("{name} GET")),
    }
}

// ---------------------------------------------------------------- sed, awk

pub fn sed(args: &[String]) -> V {
    if has_flag(args, &["--in-place"])
        || args.iter().any(|a| a.starts_with("--in-place="))
        || short_has(args, 'i')
    {
        return de("sed -i (edits files in place)");
    }
    static SED_W: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(^|[;}\n/])\s*[0-9$]*\s*[wWe](\s|$)|/[gpIi0-9]*w\s").expect("static regex")
    });
    if args.iter().any(|a| SED_W.is_match(a.strip_prefix("--expression=").unwrap_or(a))) {
        return un("sed program that writes files or runs commands");
    }
    ro("sed")
}

pub fn awk(args: &[String]) -> V {
    if has_flag(args, &["-f", "--file"]) {
        return un("awk -f (program from a file)");
    }
    if args.windows(2).any(|w| w[0] == "-i" && w[1] == "inplace") {
        return de("awk -i inplace");
    }
    static AWK_SIDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"system\s*\(|\|\s*getline|\bprintf?\b[^;}]*(>|\|)|\bfflush\b"#).expect("static regex")
    });
    let program =
        positionals(args, &["-F", "-v", "--field-separator", "--assign"]).first().copied().unwrap_or("");
    if AWK_SIDE.is_match(program) {
        return un("awk program that writes files or runs commands");
    }
    ro("awk")
}
