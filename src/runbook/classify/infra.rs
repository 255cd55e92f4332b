//! Infrastructure CLIs by their grammar: etcdctl/etcdutl (v3), consul, nomad, vault, knife,
//! ansible, aptly, crio/crictl. (Database and data-service tools are in `data_tools`.)
use super::rules::{Cx, V, de, forms, has_flag, help_only, nested, positionals, ro, un};
use crate::runbook::types::Safety::Destructive;

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
        _ => return None,
    })
}

#[rustfmt::skip]
const KNOWN: &[&str] = &[
    "etcdctl", "etcdutl", "consul", "nomad", "vault", "knife", "ansible", "ansible-playbook", "patronictl",
    "gitlab-patronictl", "pg_ctl", "gitlab-ctl", "gitlab-rails", "gitlab-rake", "thanos", "wal-g", "wal-e",
    "pgbackrest", "rabbitmqctl", "rabbitmq-plugins", "rabbitmq-queues", "rabbitmqadmin", "aptly", "crio",
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
