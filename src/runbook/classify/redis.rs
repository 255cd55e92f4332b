//! Redis commands given to `redis-cli` (and `gitlab-redis-cli`, `valkey-cli`), as arguments, on stdin, or typed at its prompt.
use super::rules::{Cx, V, de, has_flag, positionals, ro, un, worst};

#[rustfmt::skip]
const REDIS_RO: &[&str] = &[
    "GET", "MGET", "HGET", "HGETALL", "HMGET", "HKEYS", "HVALS", "HLEN", "HEXISTS", "HSTRLEN", "HSCAN",
    "HRANDFIELD", "INFO", "KEYS", "SCAN", "SSCAN", "ZSCAN", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME",
    "TYPE", "EXISTS", "STRLEN", "LLEN", "LRANGE", "LINDEX", "LPOS", "SMEMBERS", "SCARD", "SISMEMBER",
    "SMISMEMBER", "SRANDMEMBER", "SINTER", "SUNION", "SDIFF", "ZRANGE", "ZRANGEBYSCORE", "ZRANGEBYLEX",
    "ZREVRANGE", "ZREVRANGEBYSCORE", "ZCARD", "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK", "ZCOUNT", "ZLEXCOUNT",
    "PING", "ECHO", "DBSIZE", "TIME", "LASTSAVE", "XLEN", "XRANGE", "XREVRANGE", "XINFO", "XPENDING",
    "PFCOUNT", "GETRANGE", "BITCOUNT", "BITPOS", "GETBIT", "OBJECT", "ROLE", "COMMAND", "RANDOMKEY", "GEOPOS",
    "GEODIST", "GEOHASH", "GEOSEARCH", "DUMP", "TOUCH", "LOLWUT", "PUBSUB", "SUBSCRIBE", "PSUBSCRIBE",
    "MONITOR", "HELLO", "AUTH", "SELECT", "READONLY", "WAIT", "EVAL_RO", "EVALSHA_RO", "FCALL_RO", "SORT_RO",
    "LCS", "ZRANDMEMBER", "ZINTER", "ZUNION", "ZDIFF", "SINTERCARD", "ZINTERCARD", "HTTL", "QUIT", "RESET",
    "ASKING", "READWRITE", "XREAD", "SUNSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SSUBSCRIBE",
];
#[rustfmt::skip]
const REDIS_DE: &[&str] = &[
    "DEL", "UNLINK", "FLUSHALL", "FLUSHDB", "EVAL", "EVALSHA", "FCALL", "SET", "SETEX", "PSETEX", "SETNX",
    "MSET", "MSETNX", "GETSET", "GETDEL", "GETEX", "APPEND", "INCR", "INCRBY", "INCRBYFLOAT", "DECR",
    "DECRBY", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "RENAME", "RENAMENX", "MOVE", "COPY",
    "RESTORE", "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY", "HINCRBYFLOAT", "LPUSH", "RPUSH", "LPUSHX",
    "RPUSHX", "LPOP", "RPOP", "LSET", "LREM", "LTRIM", "LINSERT", "LMOVE", "RPOPLPUSH", "BLPOP", "BRPOP",
    "SADD", "SREM", "SPOP", "SMOVE", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZADD", "ZREM", "ZINCRBY",
    "ZPOPMIN", "ZPOPMAX", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "ZUNIONSTORE",
    "ZINTERSTORE", "XADD", "XDEL", "XTRIM", "XGROUP", "XACK", "XCLAIM", "XAUTOCLAIM", "PFADD", "PFMERGE",
    "SETRANGE", "SETBIT", "BITOP", "GEOADD", "PUBLISH", "SHUTDOWN", "SAVE", "BGSAVE", "BGREWRITEAOF",
    "REPLICAOF", "SLAVEOF", "FAILOVER", "SWAPDB", "MIGRATE", "DEBUG", "MULTI", "EXEC", "SORT",
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

/// The rule text that marks an interactive redis-cli session: the lines after it are
/// Redis commands.
pub const SESSION: &str = "connects: an interactive Redis session, session only";

/// redis-cli and its wrappers: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    match name {
        "redis-cli" | "valkey-cli" | "gitlab-redis-cli" | "keydb-cli" => Some(redis_cli(args, cx)),
        _ => None,
    }
}

/// Whether `word` is a Redis command name (any case).
pub fn is_command(word: &str) -> bool {
    let up = word.to_ascii_uppercase();
    REDIS_RO.contains(&up.as_str())
        || REDIS_DE.contains(&up.as_str())
        || [
            "CONFIG", "CLIENT", "CLUSTER", "SLOWLOG", "LATENCY", "MEMORY", "SCRIPT", "FUNCTION", "ACL",
            "MODULE", "SENTINEL",
        ]
        .contains(&up.as_str())
}

fn redis_cli(args: &[String], cx: &Cx) -> V {
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
        if super::sql::expands(first) {
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
    if has_flag(args, &["--help", "--version", "-v"]) {
        return ro("redis-cli --help");
    }
    match cx.stdin {
        Some(_) if cx.fed() => un("redis-cli runs the commands on its input"),
        Some(text) if super::sql::expands(text) => un("redis-cli with commands only known at run time"),
        Some(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| redis_cmd(&l.split_whitespace().collect::<Vec<_>>()))
            .reduce(worst)
            .unwrap_or_else(|| ro("redis (no command)")),
        None => ro(format!("redis-cli ({SESSION})")),
    }
}
