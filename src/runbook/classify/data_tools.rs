//! Database and data-service tools by their grammar: patronictl, pg_ctl, gitlab-ctl /
//! -rails / -rake (and the wrappers they start), thanos, wal-g / wal-e / pgbackrest, the
//! Kafka scripts, rabbitmq.
use super::rules::{Cx, V, de, forms, has_flag, help_only, positionals, ro, un};
use crate::runbook::types::Safety::{Destructive, Unknown};

/// Data-service tools: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    let base = name.strip_suffix(".sh").unwrap_or(name);
    if help_only(args) && KNOWN.contains(&base) {
        return Some(ro(format!("{name} --help")));
    }
    Some(match base {
        "patronictl" | "gitlab-patronictl" => {
            let p = positionals(args, &["-c", "--config-file", "-d", "--dcs-url", "--dcs"]);
            if p.first() == Some(&"query") {
                return Some(patroni_query(name, args, cx));
            }
            forms(
                name,
                &p,
                &["list", "topology", "show-config", "history", "version", "dsn", "help"],
                Destructive,
                1,
            )
        }
        "pg_ctl" => {
            let p = positionals(
                args,
                &["-D", "--pgdata", "-l", "--log", "-m", "--mode", "-o", "-t", "--timeout", "-s"],
            );
            forms("pg_ctl", &p, &["status"], Destructive, 1)
        }
        "gitlab-ctl" => gitlab_ctl(args),
        "gitlab-rails" => {
            let p = positionals(args, &["-e", "--environment"]);
            match p.first().copied() {
                Some("console" | "c") if cx.stdin.is_none() => {
                    ro("gitlab-rails console (an interactive session)")
                }
                Some("dbconsole" | "db") if cx.stdin.is_none() => {
                    ro(format!("gitlab-rails dbconsole ({})", super::sql::SESSION))
                }
                Some("runner" | "r") => un("gitlab-rails runner (runs Ruby code)"),
                Some(v) => un(format!("gitlab-rails {v}")),
                None => ro("gitlab-rails (help)"),
            }
        }
        "gitlab-rake" => {
            let tasks = positionals(args, &[]);
            let reads = |t: &str| {
                let last = t.rsplit(':').next().unwrap_or(t).split('[').next().unwrap_or("");
                matches!(last, "check" | "info" | "status" | "list" | "show" | "doctor")
                    || t.starts_with("gitlab:doctor:")
                    || t == "gitlab:env:info"
            };
            if !tasks.is_empty() && tasks.iter().all(|t| reads(t)) {
                ro(format!("gitlab-rake {}", tasks.join(" ")))
            } else {
                un(format!("gitlab-rake {}", tasks.join(" ")))
            }
        }
        "thanos" => thanos(args),
        "wal-g" => {
            let p = positionals(args, &["--config"]);
            forms(
                "wal-g",
                &p,
                &["backup-list", "st ls", "st cat", "wal-show", "wal-verify", "version", "help", "flags"],
                Destructive,
                2,
            )
        }
        "wal-e" => {
            let p = positionals(
                args,
                &[
                    "-k",
                    "--aws-access-key-id",
                    "--s3-prefix",
                    "--wabs-prefix",
                    "--gs-prefix",
                    "--swift-prefix",
                    "--file-prefix",
                    "--gpg-key-id",
                ],
            );
            forms("wal-e", &p, &["backup-list", "version", "help"], Destructive, 1)
        }
        "pgbackrest" => forms(
            "pgbackrest",
            &positionals(args, &[]),
            &["info", "verify", "version", "help"],
            Destructive,
            1,
        ),
        "rabbitmqctl" => {
            let p = positionals(args, &["-n", "--node", "-p", "--vhost", "-t", "--timeout"]);
            match p.first().copied() {
                Some(v) if v.starts_with("list_") => ro(format!("rabbitmqctl {v}")),
                _ => forms(
                    "rabbitmqctl",
                    &p,
                    &[
                        "status",
                        "cluster_status",
                        "environment",
                        "report",
                        "node_health_check",
                        "ping",
                        "version",
                        "help",
                        "await_startup",
                        "list_queues",
                    ],
                    Destructive,
                    1,
                ),
            }
        }
        "rabbitmq-diagnostics" => ro("rabbitmq-diagnostics (read-only by design)"),
        "rabbitmq-plugins" => forms(
            "rabbitmq-plugins",
            &positionals(args, &[]),
            &["list", "directories", "is_enabled", "help"],
            Destructive,
            1,
        ),
        "rabbitmq-queues" => {
            let p = positionals(args, &["-n", "--node", "-p", "--vhost"]);
            match p.first().copied() {
                Some(v) if v.starts_with("check_") || v == "quorum_status" || v == "help" => {
                    ro(format!("rabbitmq-queues {v}"))
                }
                _ => forms("rabbitmq-queues", &p, &[], Destructive, 1),
            }
        }
        "rabbitmqadmin" => {
            let p = positionals(
                args,
                &[
                    "-H",
                    "--host",
                    "-P",
                    "--port",
                    "-V",
                    "--vhost",
                    "-u",
                    "--username",
                    "-p",
                    "--password",
                    "-f",
                    "--format",
                    "-c",
                    "--config",
                    "-N",
                    "--node",
                    "-d",
                    "--depth",
                ],
            );
            forms("rabbitmqadmin", &p, &["list", "show", "help"], Destructive, 2)
        }
        _ if base.starts_with("kafka-") => kafka(base, args),
        _ => return None,
    })
}

#[rustfmt::skip]
const KNOWN: &[&str] = &[
    "patronictl", "gitlab-patronictl", "pg_ctl", "gitlab-ctl", "gitlab-rails", "gitlab-rake", "thanos", "wal-g",
    "wal-e", "pgbackrest", "rabbitmqctl", "rabbitmq-plugins", "rabbitmq-queues", "rabbitmqadmin",
];

fn patroni_query(name: &str, args: &[String], cx: &Cx) -> V {
    match args.iter().position(|a| a == "-c" || a == "--command") {
        Some(i) => {
            let sql = vec!["-c".to_string(), args.get(i + 1).cloned().unwrap_or_default()];
            let (s, r) = super::sql::client("psql", &sql, &Cx { argdyn: &[], stdin: None, depth: cx.depth });
            (s, format!("{name} query {r}"))
        }
        None => un(format!("{name} query (SQL from a file)")),
    }
}

fn gitlab_ctl(args: &[String]) -> V {
    let p = positionals(args, &[]);
    match p.first().copied() {
        Some("pgb-console") => ro(format!("gitlab-ctl pgb-console ({})", super::sql::SESSION)),
        Some("patroni") => forms(
            "gitlab-ctl",
            &p,
            &["patroni members", "patroni check-leader", "patroni check-replica"],
            Destructive,
            2,
        ),
        Some("deploy-page") => forms("gitlab-ctl", &p, &["deploy-page status"], Destructive, 2),
        _ => forms(
            "gitlab-ctl",
            &p,
            &[
                "status",
                "tail",
                "show-config",
                "service-list",
                "get-postgresql-primary",
                "get-redis-master",
                "help",
                "diff-config",
                "check-config",
            ],
            Destructive,
            2,
        ),
    }
}

fn thanos(args: &[String]) -> V {
    let p = positionals(
        args,
        &["--objstore.config-file", "--objstore.config", "--id", "--log.level", "--output"],
    );
    match p.as_slice() {
        ["tools", "bucket", "rewrite", ..] => {
            if has_flag(args, &["--no-dry-run"]) {
                de("thanos tools bucket rewrite --no-dry-run")
            } else {
                ro("thanos tools bucket rewrite (a dry run without --no-dry-run)")
            }
        }
        ["tools", "bucket", "verify", ..] if has_flag(args, &["--repair", "-r"]) => {
            de("thanos tools bucket verify --repair")
        }
        _ => forms(
            "thanos",
            &p,
            &[
                "tools bucket ls",
                "tools bucket inspect",
                "tools bucket verify",
                "tools bucket web",
                "tools rules-check",
                "help",
            ],
            if p.is_empty() { Unknown } else { Destructive },
            3,
        ),
    }
}

/// The Kafka scripts: `--describe`/`--list` read; `--create`/`--alter`/`--delete` write.
fn kafka(base: &str, args: &[String]) -> V {
    let writes = [
        "--create",
        "--alter",
        "--delete",
        "--delete-offsets",
        "--add",
        "--remove",
        "--execute",
        "--add-config",
        "--delete-config",
        "--verify",
        "format",
        "unregister",
        "upgrade",
        "downgrade",
        "disable",
    ];
    if let Some(f) = args.iter().find(|a| writes.iter().any(|w| a == w || a.starts_with(&format!("{w}=")))) {
        return de(format!("{base} {f}"));
    }
    if base == "kafka-console-producer"
        || base == "kafka-verifiable-producer"
        || base == "kafka-producer-perf-test"
    {
        return de(format!("{base} (produces messages)"));
    }
    if base == "kafka-console-consumer" {
        return if has_flag(args, &["--group"]) {
            de("kafka-console-consumer --group (commits offsets)")
        } else {
            ro("kafka-console-consumer")
        };
    }
    if has_flag(args, &["--reset-offsets"]) {
        return if has_flag(args, &["--dry-run"]) || !has_flag(args, &["--execute"]) {
            ro(format!("{base} --reset-offsets (a dry run without --execute)"))
        } else {
            de(format!("{base} --reset-offsets --execute"))
        };
    }
    let reads =
        ["--describe", "--list", "--generate", "--version", "--help", "describe", "info", "cluster-id"];
    match args.iter().find(|a| reads.contains(&a.as_str())) {
        Some(f) => ro(format!("{base} {f}")),
        None if matches!(
            base,
            "kafka-broker-api-versions" | "kafka-get-offsets" | "kafka-dump-log" | "kafka-log-dirs"
        ) =>
        {
            ro(base)
        }
        None => un(format!("{base} (no --describe/--list)")),
    }
}
