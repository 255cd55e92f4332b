//! Infrastructure CLIs by their grammar: etcdctl/etcdutl (v3), consul, nomad, vault, knife,
//! ansible, patronictl, pg_ctl, gitlab-ctl/-rails/-rake, thanos, wal-g/wal-e/pgbackrest,
//! the Kafka scripts, rabbitmq, aptly, crio.
use super::rules::{Cx, V, de, forms, has_flag, help_only, nested, positionals, ro, un};
use crate::runbook::types::Safety::{Destructive, Unknown};

/// Infrastructure CLIs: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    let base = name.strip_suffix(".sh").unwrap_or(name);
    if help_only(args) && KNOWN.contains(&base) {
        return Some(ro(format!("{name} --help")));
    }
    Some(match base {
        "etcdctl" => etcdctl(args),
        "etcdutl" => {
            let p = positionals(args, &["--data-dir", "-w", "--write-out"]);
            forms("etcdutl", &p, &["snapshot status", "version", "hashkv", "help"], Destructive, 2)
        }
        "consul" => consul(args),
        "nomad" => nomad(args),
        "vault" => vault(args),
        "knife" => knife(args, cx),
        "ansible" => ansible(args, cx),
        "ansible-playbook" => {
            if has_flag(
                args,
                &["--check", "-C", "--list-tasks", "--list-hosts", "--list-tags", "--syntax-check"],
            ) {
                ro("ansible-playbook --check (a dry run)")
            } else {
                de("ansible-playbook (runs a playbook)")
            }
        }
        "ansible-inventory" | "ansible-doc" | "ansible-config" if !has_flag(args, &["--output"]) => ro(name),
        "ansible-vault" => forms("ansible-vault", &positionals(args, &[]), &["view"], Destructive, 1),
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
        "aptly" => forms(
            "aptly",
            &positionals(args, &["-config", "-architectures"]),
            &[
                "mirror list",
                "mirror show",
                "mirror search",
                "repo list",
                "repo show",
                "repo search",
                "snapshot list",
                "snapshot show",
                "snapshot search",
                "snapshot diff",
                "snapshot verify",
                "publish list",
                "publish show",
                "package search",
                "package show",
                "version",
                "help",
                "config show",
            ],
            Destructive,
            2,
        ),
        "crio" => forms(
            "crio",
            &positionals(args, &["--config", "-c"]),
            &["status", "config", "version", "help"],
            Destructive,
            2,
        ),
        "crictl" => forms(
            "crictl",
            &positionals(
                args,
                &["-r", "--runtime-endpoint", "-i", "--image-endpoint", "-c", "--config", "--timeout"],
            ),
            &[
                "ps",
                "pods",
                "images",
                "img",
                "logs",
                "inspect",
                "inspectp",
                "inspecti",
                "stats",
                "statsp",
                "info",
                "version",
                "imagefsinfo",
                "help",
                "config --get",
            ],
            Destructive,
            1,
        ),
        _ if base.starts_with("kafka-") => kafka(base, args),
        _ => return None,
    })
}

const KNOWN: &[&str] = &[
    "etcdctl",
    "etcdutl",
    "consul",
    "nomad",
    "vault",
    "knife",
    "ansible",
    "ansible-playbook",
    "patronictl",
    "gitlab-patronictl",
    "pg_ctl",
    "gitlab-ctl",
    "gitlab-rails",
    "gitlab-rake",
    "thanos",
    "wal-g",
    "wal-e",
    "pgbackrest",
    "rabbitmqctl",
    "rabbitmq-plugins",
    "rabbitmq-queues",
    "rabbitmqadmin",
    "aptly",
    "crio",
    "crictl",
];

fn etcdctl(args: &[String]) -> V {
    let opts = [
        "--endpoints",
        "--cacert",
        "--cert",
        "--key",
        "--user",
        "--password",
        "-w",
        "--write-out",
        "--command-timeout",
        "--dial-timeout",
        "--keepalive-time",
        "--keepalive-timeout",
        "--discovery-srv",
        "--discovery-srv-name",
        "--rev",
        "--limit",
        "--consistency",
        "--sort-by",
        "--order",
    ];
    let p = positionals(args, &opts);
    forms(
        "etcdctl",
        &p,
        &[
            "get",
            "endpoint status",
            "endpoint health",
            "endpoint hashkv",
            "member list",
            "alarm list",
            "version",
            "watch",
            "snapshot status",
            "auth status",
            "user list",
            "user get",
            "role list",
            "role get",
            "lease list",
            "lease timetolive",
            "help",
            "ls",
            "cluster-health",
            "completion",
        ],
        Destructive,
        2,
    )
}

fn consul(args: &[String]) -> V {
    let p = positionals(
        args,
        &["-http-addr", "-token", "-datacenter", "-ca-file", "-format", "-type", "-key", "-prefix"],
    );
    if p.first() == Some(&"watch") {
        let handler = positionals(
            args,
            &[
                "-http-addr",
                "-token",
                "-datacenter",
                "-type",
                "-key",
                "-prefix",
                "-service",
                "-tag",
                "-state",
                "-name",
            ],
        );
        return if handler.len() > 1 {
            un("consul watch with a handler (runs a command)")
        } else {
            ro("consul watch")
        };
    }
    if p.first() == Some(&"maint") && !has_flag(args, &["-enable", "-disable"]) {
        return ro("consul maint (shows maintenance status)");
    }
    if p.first() == Some(&"keyring") && has_flag(args, &["-list"]) {
        return ro("consul keyring -list");
    }
    forms(
        "consul",
        &p,
        &[
            "members",
            "info",
            "catalog",
            "kv get",
            "kv export",
            "operator raft list-peers",
            "operator autopilot get-config",
            "operator autopilot state",
            "operator usage",
            "version",
            "monitor",
            "acl token read",
            "acl token list",
            "acl policy read",
            "acl policy list",
            "acl role list",
            "acl role read",
            "intention list",
            "intention get",
            "intention check",
            "intention match",
            "config read",
            "config list",
            "rtt",
            "snapshot inspect",
            "validate",
            "troubleshoot",
            "help",
            "peering list",
            "peering read",
        ],
        Destructive,
        3,
    )
}

fn nomad(args: &[String]) -> V {
    let p = positionals(
        args,
        &["-address", "-region", "-namespace", "-token", "-ca-cert", "-t", "-task", "-job"],
    );
    forms(
        "nomad",
        &p,
        &[
            "status",
            "job status",
            "job inspect",
            "job history",
            "job deployments",
            "job allocs",
            "job plan",
            "job validate",
            "plan",
            "validate",
            "node status",
            "alloc status",
            "alloc logs",
            "alloc fs",
            "eval status",
            "eval list",
            "deployment status",
            "deployment list",
            "server members",
            "operator raft list-peers",
            "agent-info",
            "version",
            "volume status",
            "namespace list",
            "namespace status",
            "var get",
            "var list",
            "logs",
            "monitor",
            "inspect",
            "help",
            "quota status",
            "quota list",
            "acl token self",
        ],
        Destructive,
        2,
    )
}

fn vault(args: &[String]) -> V {
    let p = positionals(args, &["-address", "-namespace", "-format", "-field", "-mount", "-method", "-path"]);
    let mints = p.iter().skip(1).any(|x| {
        x.contains("/creds/")
            || x.starts_with("creds/")
            || x.contains("/sts/")
            || x.contains("/issue/")
            || x.contains("/sign/")
    });
    if p.first() == Some(&"read") && mints {
        return de("vault read .../creds/... (mints a credential)");
    }
    if p.first() == Some(&"login") {
        return de("vault login (writes ~/.vault-token)");
    }
    forms(
        "vault",
        &p,
        &[
            "status",
            "version",
            "read",
            "kv get",
            "kv list",
            "kv metadata get",
            "list",
            "policy list",
            "policy read",
            "secrets list",
            "auth list",
            "audit list",
            "token lookup",
            "token capabilities",
            "operator raft list-peers",
            "operator members",
            "operator raft autopilot state",
            "operator key-status",
            "print token",
            "path-help",
            "lease lookup",
            "monitor",
            "help",
            "namespace list",
            "namespace lookup",
        ],
        Destructive,
        3,
    )
}

fn knife(args: &[String], cx: &Cx) -> V {
    let opts = [
        "-x",
        "--ssh-user",
        "-a",
        "--attribute",
        "-C",
        "--concurrency",
        "-p",
        "--ssh-port",
        "-i",
        "--ssh-identity-file",
        "-G",
        "--ssh-gateway",
        "-c",
        "--config",
        "-E",
        "--environment",
        "-F",
        "--format",
        "-s",
        "--server-url",
        "-u",
        "--user",
        "-k",
        "--key",
        "-P",
        "--ssh-password",
    ];
    let p = positionals(args, &opts);
    if p.first() == Some(&"ssh") {
        // `knife ssh QUERY COMMAND`: the command runs on every matching node.
        return match p.get(2) {
            Some(_) => {
                let (s, r) = nested(&p[2..].join(" "), cx.depth);
                (s, format!("knife ssh {r}"))
            }
            None => un("knife ssh without a command"),
        };
    }
    forms(
        "knife",
        &p,
        &[
            "node show",
            "node list",
            "status",
            "search",
            "role show",
            "role list",
            "environment show",
            "environment list",
            "cookbook list",
            "cookbook show",
            "data bag list",
            "data bag show",
            "client list",
            "client show",
            "user list",
            "user show",
            "version",
            "help",
            "vault show",
            "vault list",
            "tag list",
        ],
        Destructive,
        2,
    )
}

fn ansible(args: &[String], cx: &Cx) -> V {
    if has_flag(args, &["--check", "-C", "--list-hosts", "--syntax-check"]) {
        return ro("ansible --check (a dry run)");
    }
    let value = |f: &[&str]| {
        args.iter().position(|a| f.contains(&a.as_str())).and_then(|i| args.get(i + 1)).map(String::as_str)
    };
    let module = value(&["-m", "--module-name"]).unwrap_or("command");
    match module {
        "ping"
        | "setup"
        | "debug"
        | "stat"
        | "slurp"
        | "service_facts"
        | "package_facts"
        | "gather_facts"
        | "find"
        | "getent"
        | "ansible.builtin.ping"
        | "ansible.builtin.setup" => ro(format!("ansible -m {module}")),
        "command" | "shell" | "raw" | "ansible.builtin.command" | "ansible.builtin.shell" => {
            match value(&["-a", "--args"]) {
                Some(a) => {
                    let (s, r) = nested(a, cx.depth);
                    (s, format!("ansible -m {module} {r}"))
                }
                None => un(format!("ansible -m {module} without arguments")),
            }
        }
        m => de(format!("ansible -m {m}")),
    }
}

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
