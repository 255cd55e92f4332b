//! Cloud CLIs by their grammar: aws (`SERVICE OPERATION`), gcloud / az (`GROUP ... VERB`),
//! gsutil (`COMMAND`), and terraform / tofu / terragrunt.
use super::rules::{Cx, V, de, forms, has_flag, help_only, positionals, ro, un};
use crate::runbook::types::Safety::Destructive;

/// Cloud CLIs: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], _cx: &Cx) -> Option<V> {
    if help_only(args)
        && matches!(name, "aws" | "gcloud" | "az" | "gsutil" | "terraform" | "tofu" | "terragrunt")
    {
        return Some(ro(format!("{name} --help")));
    }
    Some(match name {
        "aws" => aws(args),
        "gcloud" | "az" => verb_cli(name, args),
        "gsutil" => gsutil(args),
        "terraform" | "tofu" => terraform(name, args),
        "terragrunt" => {
            let rest: Vec<String> =
                args.iter().filter(|a| !matches!(a.as_str(), "run-all" | "run" | "--all")).cloned().collect();
            terraform("terragrunt", &rest)
        }
        _ => return None,
    })
}

fn aws(args: &[String]) -> V {
    let opts = [
        "--region",
        "--profile",
        "--output",
        "--query",
        "--endpoint-url",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--ca-bundle",
        "--color",
        "--cli-binary-format",
    ];
    let p = positionals(args, &opts);
    let (Some(&service), op) = (p.first(), p.get(1).copied().unwrap_or("")) else {
        return ro("aws (help)");
    };
    if has_flag(args, &["--version"]) || matches!(service, "help") || op == "help" {
        return ro("aws help");
    }
    let reads_op = (op.starts_with("describe-") || op.starts_with("list-") || op.starts_with("get-"))
        && !matches!(op, "get-object" | "get-session-token" | "get-federation-token" | "get-login")
        || matches!(
            op,
            "wait"
                | "ls"
                | "presign"
                | "tail"
                | "filter-log-events"
                | "lookup-events"
                | "head-object"
                | "head-bucket"
        );
    match (service, op) {
        ("sts", "get-caller-identity") => ro("aws sts get-caller-identity"),
        ("configure", "list" | "get" | "list-profiles") => ro(format!("aws configure {op}")),
        ("ssm", "start-session") => ro("aws ssm start-session (an interactive session)"),
        ("ec2", _) if has_flag(args, &["--dry-run"]) => ro(format!("aws ec2 {op} --dry-run")),
        _ if reads_op => ro(format!("aws {service} {op}")),
        _ if op.is_empty() => un(format!("aws {service}")),
        _ => de(format!("aws {service} {op}")),
    }
}

/// gcloud / az: the first verb word among the positionals decides.
fn verb_cli(name: &str, args: &[String]) -> V {
    let opts = [
        "--project",
        "--region",
        "--zone",
        "--format",
        "--filter",
        "--limit",
        "--sort-by",
        "--account",
        "--configuration",
        "--impersonate-service-account",
        "--verbosity",
        "-g",
        "--resource-group",
        "--subscription",
        "--query",
        "-o",
        "--output",
        "-n",
        "--name",
        "--location",
        "--cluster",
    ];
    let p = positionals(args, &opts);
    if p.is_empty() || has_flag(args, &["--version"]) {
        return ro(format!("{name} (help)"));
    }
    const READS: &[&str] = &[
        "list",
        "describe",
        "show",
        "get-iam-policy",
        "get-value",
        "info",
        "version",
        "help",
        "read",
        "tail",
        "print-access-token",
        "print-identity-token",
        "list-tags",
        "list-grantable-roles",
        "get-server-config",
        "wait",
        "exists",
        "ls",
        "cat",
        "du",
        "hash",
        "get-instance-view",
        "query",
        "list-usage",
        "show-tags",
    ];
    const WRITES: &[&str] = &[
        "create",
        "delete",
        "update",
        "patch",
        "set",
        "resize",
        "start",
        "stop",
        "reset",
        "ssh",
        "scp",
        "get-credentials",
        "deploy",
        "import",
        "export",
        "connect",
        "enable",
        "disable",
        "login",
        "logout",
        "activate-service-account",
        "set-iam-policy",
        "rollback",
        "restart",
        "promote-replica",
        "failover",
        "submit",
        "run",
        "cancel",
        "apply",
        "init",
        "unset",
        "move",
        "rename",
        "suspend",
        "resume",
        "upload",
        "cp",
        "mv",
        "rm",
        "rsync",
        "revoke",
        "purge",
        "restore",
        "upgrade",
        "scale",
        "execute",
        "invoke",
        "activate",
        "clone",
        "attach",
        "detach",
        "add",
        "remove",
        "rotate",
        "reboot",
        "swap",
        "sync",
    ];
    for v in &p[1..] {
        if WRITES.contains(v)
            || ["add-", "remove-", "set-", "create-", "delete-", "update-"].iter().any(|x| v.starts_with(x))
        {
            return de(format!("{name} {}", p[..p.iter().position(|x| x == v).unwrap_or(0) + 1].join(" ")));
        }
        if READS.contains(v) || v.starts_with("list-") || v.starts_with("describe-") || v.starts_with("show-")
        {
            return ro(format!("{name} {}", p[..p.iter().position(|x| x == v).unwrap_or(0) + 1].join(" ")));
        }
    }
    match p[0] {
        "version" | "help" | "info" | "find" => ro(format!("{name} {}", p[0])),
        "login" => de(format!("{name} login (writes credentials)")),
        _ => un(format!("{name} {}", p.join(" "))),
    }
}

fn gsutil(args: &[String]) -> V {
    let opts = ["-o", "-h", "-p", "-u"];
    let p = positionals(args, &opts);
    if p.first() == Some(&"rsync")
        && (has_flag(args, &["-n"])
            || args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a[1..].contains('n')))
    {
        return ro("gsutil rsync -n (a dry run)");
    }
    forms(
        "gsutil",
        &p,
        &[
            "ls",
            "cat",
            "stat",
            "du",
            "hash",
            "version",
            "help",
            "signurl",
            "acl get",
            "iam get",
            "defacl get",
            "cors get",
            "lifecycle get",
            "logging get",
            "versioning get",
            "web get",
            "label get",
            "retention get",
            "notification list",
            "ubla get",
            "autoclass get",
            "bucketpolicyonly get",
            "pap get",
            "requesterpays get",
            "rpo get",
            "defstorageclass get",
            "kms serviceaccount",
        ],
        Destructive,
        2,
    )
}

fn terraform(name: &str, args: &[String]) -> V {
    let p = positionals(
        args,
        &["-var", "-var-file", "-target", "-out", "-state", "-lock-timeout", "-parallelism"],
    );
    let sub = p.first().copied().unwrap_or("");
    let sub2 = p.get(1).copied().unwrap_or("");
    match sub {
        "plan" | "show" | "output" | "validate" | "version" | "graph" | "console" | "help" => {
            ro(format!("{name} {sub}"))
        }
        "providers" if matches!(sub2, "" | "schema") => ro(format!("{name} providers")),
        "state" if matches!(sub2, "list" | "show" | "pull") => ro(format!("{name} state {sub2}")),
        "workspace" if matches!(sub2, "list" | "show") => ro(format!("{name} workspace {sub2}")),
        "fmt" if has_flag(args, &["-check", "-write=false"]) => ro(format!("{name} fmt -check")),
        "" => ro(format!("{name} (help)")),
        "apply" | "destroy" | "import" | "taint" | "untaint" | "refresh" | "init" | "fmt" | "state"
        | "workspace" | "force-unlock" | "login" | "logout" | "get" | "test" | "providers" => {
            de(format!("{name} {sub} {sub2}").trim_end().to_string())
        }
        _ => un(format!("{name} {sub}")),
    }
}
