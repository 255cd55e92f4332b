//! Kubernetes CLIs: kubectl / oc (with `oc adm`, `oc rsh`, `oc debug` and the kubectl
//! plugins `cnpg`, `rook-ceph`, ...), helm, argocd, flux, velero.
use super::rules::{Cx, V, de, first_positional, forms, has_flag, help_only, positionals, ro, un, words};
use super::{sql, storage};
use crate::runbook::types::Safety::{Destructive, Unknown};

/// Kubernetes CLIs: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    if help_only(args)
        && matches!(name, "kubectl" | "oc" | "helm" | "argocd" | "flux" | "velero" | "kubectl-cnpg")
    {
        return Some(ro(format!("{name} --help")));
    }
    Some(match name {
        "kubectl" | "oc" => kubectl(name, args, cx),
        "kubectl-cnpg" => cnpg("kubectl-cnpg", args, cx),
        "kubectl-rook-ceph" => rook_ceph("kubectl-rook-ceph", args, cx),
        "helm" => helm(args),
        "argocd" => argocd(args),
        "flux" => flux(args),
        "velero" => velero(args),
        _ => return None,
    })
}

/// kubectl options that take a value (only used to find the subcommand words).
#[rustfmt::skip]
const KUBECTL_OPTS: &[&str] = &[
    "-n", "--namespace", "--context", "--cluster", "--kubeconfig", "--user", "-s", "--server", "--token",
    "--as", "--as-group", "--request-timeout", "--cache-dir", "--certificate-authority",
    "--client-certificate", "--client-key", "-l", "--selector", "-o", "--output", "-c", "--container", "-f",
    "--filename", "--field-selector", "--sort-by", "--since", "--tail", "--replicas", "--image", "--timeout",
    "-p", "--patch", "--type", "--to-revision", "--grace-period", "--for", "-k", "--kustomize", "--template",
    "--since-time", "--max-log-requests", "--chunk-size", "--pod-running-timeout", "--revision", "-L",
    "--label-columns", "--keys", "--to", "--shell", "--dest-dir", "--image-stream", "--node-name",
];

fn dry_run(args: &[String]) -> bool {
    args.iter().any(|a| a == "--dry-run" || (a.starts_with("--dry-run=") && a != "--dry-run=none"))
}

pub fn kubectl(name: &str, args: &[String], cx: &Cx) -> V {
    let p = positionals(args, KUBECTL_OPTS);
    let Some(&sub) = p.first() else { return ro(format!("{name} (help)")) };
    let sub2 = p.get(1).copied().unwrap_or("");
    let dry = dry_run(args);
    let flag = |f: &[&str]| has_flag(args, f);
    match sub {
        "get" | "describe" | "logs" | "top" | "explain" | "version" | "api-resources" | "api-versions"
        | "events" | "diff" | "wait" | "completion" | "kustomize" | "port-forward" | "proxy" | "options"
        | "help" => ro(format!("{name} {sub}")),
        "cluster-info" if sub2 == "dump" && flag(&["--output-directory"]) => {
            de(format!("{name} cluster-info dump --output-directory (writes files, local artifact)"))
        }
        "cluster-info" => ro(format!("{name} cluster-info")),
        "rollout" => match sub2 {
            "status" | "history" => ro(format!("{name} rollout {sub2}")),
            _ if dry => ro(format!("{name} rollout {sub2} --dry-run")),
            _ => de(format!("{name} rollout {sub2}")),
        },
        "auth" => match sub2 {
            "can-i" | "whoami" => ro(format!("{name} auth {sub2}")),
            _ if dry => ro(format!("{name} auth {sub2} --dry-run")),
            _ => de(format!("{name} auth {sub2}")),
        },
        "config" => match sub2 {
            "view" | "get-contexts" | "current-context" | "get-clusters" | "get-users" => {
                ro(format!("{name} config {sub2}"))
            }
            _ => de(format!("{name} config {sub2} (changes the kubeconfig)")),
        },
        "plugin" if sub2 == "list" => ro(format!("{name} plugin list")),
        "apply" if matches!(sub2, "view-last-applied") => ro(format!("{name} apply view-last-applied")),
        "exec" => exec(name, args, cx),
        "rsh" if name == "oc" => rsh(args, cx),
        "delete" | "patch" | "scale" | "set" | "apply" | "replace" | "drain" | "cordon" | "uncordon"
        | "taint" | "label" | "annotate" | "create" | "expose" | "run" | "autoscale" | "certificate" => {
            if dry { ro(format!("{name} {sub} --dry-run")) } else { de(format!("{name} {sub}")) }
        }
        "edit" | "cp" | "debug" | "attach" | "rsync" | "login" | "logout" | "new-project" | "new-app"
        | "new-build" | "start-build" | "cancel-build" | "import-image" | "tag" | "idle" | "rollback"
        | "image" | "registry" | "secrets" | "serviceaccounts" | "policy" | "process" | "observe"
        | "extract" | "project" | "adm" | "cnpg" | "rook-ceph" | "dev_tool" | "status" | "whoami"
        | "projects" | "krew" => oc_and_plugins(name, sub, &p, args, cx),
        _ => un(format!("{name} {sub} (not a known subcommand)")),
    }
}

fn oc_and_plugins(name: &str, sub: &str, p: &[&str], args: &[String], cx: &Cx) -> V {
    let sub2 = p.get(1).copied().unwrap_or("");
    match sub {
        "status" | "whoami" | "projects" => ro(format!("{name} {sub}")),
        "project" if p.len() == 1 => ro(format!("{name} project (shows the current project)")),
        "project" => de(format!("{name} project NAME (switches the kubeconfig context)")),
        "process" => ro(format!("{name} process (renders a template)")),
        "extract" => {
            let to = args.iter().find_map(|a| a.strip_prefix("--to=")).or_else(|| {
                args.iter().position(|a| a == "--to").and_then(|i| args.get(i + 1)).map(String::as_str)
            });
            if to == Some("-") {
                ro(format!("{name} extract --to=- (to stdout)"))
            } else {
                de(format!("{name} extract (writes files, local artifact)"))
            }
        }
        "policy" if sub2 == "who-can" => ro(format!("{name} policy who-can")),
        "image" if sub2 == "info" => ro(format!("{name} image info")),
        "registry" if sub2 == "info" => ro(format!("{name} registry info")),
        "krew" if matches!(sub2, "list" | "info" | "search" | "version") => ro(format!("{name} krew {sub2}")),
        "adm" => oc_adm(name, &p[1..], args),
        "cnpg" => {
            let at = args.iter().position(|a| a == "cnpg").map_or(args.len(), |i| i + 1);
            cnpg(&format!("{name} cnpg"), &args[at..], &sub_cx(cx, at))
        }
        "rook-ceph" => {
            let at = args.iter().position(|a| a == "rook-ceph").map_or(args.len(), |i| i + 1);
            rook_ceph(&format!("{name} rook-ceph"), &args[at..], &sub_cx(cx, at))
        }
        // `oc dev_tool audit` (the openshift/cluster-debug-tools plugin) reads local audit logs.
        "dev_tool" if sub2 == "audit" => ro(format!("{name} dev_tool audit (reads local audit logs)")),
        "debug" => de(format!("{name} debug (creates a debug pod)")),
        "cp" | "rsync" => de(format!("{name} {sub} (copies files)")),
        _ => de(format!("{name} {sub}")),
    }
}

fn sub_cx<'a>(cx: &Cx<'a>, at: usize) -> Cx<'a> {
    Cx { argdyn: &cx.argdyn[at.min(cx.argdyn.len())..], stdin: cx.stdin, depth: cx.depth }
}

fn oc_adm(name: &str, p: &[&str], args: &[String]) -> V {
    let flag = |f: &[&str]| has_flag(args, f);
    match (p.first().copied().unwrap_or(""), p.get(1).copied().unwrap_or("")) {
        ("top" | "node-logs" | "build-chain", _) => ro(format!("{name} adm {}", p[0])),
        ("release", "info") => ro(format!("{name} adm release info")),
        ("policy", "who-can") => ro(format!("{name} adm policy who-can")),
        ("upgrade", "")
            if !flag(&["--to", "--to-image", "--to-latest", "--clear", "--allow-explicit-upgrade"]) =>
        {
            ro(format!("{name} adm upgrade (shows the upgrade status)"))
        }
        ("prune", _) if !flag(&["--confirm"]) => {
            ro(format!("{name} adm prune (a dry run without --confirm)"))
        }
        ("must-gather", _) => {
            de(format!("{name} adm must-gather (creates a namespace and a pod, writes a local directory)"))
        }
        ("inspect", _) => de(format!("{name} adm inspect (writes a local directory, local artifact)")),
        ("cordon" | "uncordon" | "drain" | "taint", _) if dry_run(args) => {
            ro(format!("{name} adm {} --dry-run", p[0]))
        }
        ("", _) => ro(format!("{name} adm (help)")),
        (a, b) => de(format!("{name} adm {a} {b}").trim_end().to_string()),
    }
}

/// `kubectl exec POD -- cmd`: the command run in the container decides.
fn exec(name: &str, args: &[String], cx: &Cx) -> V {
    let inner_at = match args.iter().position(|a| a == "--") {
        Some(dd) => dd + 1,
        None => {
            // The deprecated form `kubectl exec -it POD cmd`: after `exec` and the pod.
            let Some(e) = args.iter().position(|a| a == "exec") else { return un(format!("{name} exec")) };
            let rest = &args[e + 1..];
            match first_positional(rest, KUBECTL_OPTS) {
                Some(pod) => e + 1 + pod + 1,
                None => return un(format!("{name} exec without a pod")),
            }
        }
    };
    if inner_at >= args.len() {
        return un(format!("{name} exec without a command"));
    }
    let stdin_open =
        args.iter().any(|a| matches!(a.as_str(), "-i" | "-it" | "-ti" | "--stdin") || a == "--stdin=true");
    let stdin = if stdin_open { cx.stdin } else { None };
    let d = &cx.argdyn[inner_at.min(cx.argdyn.len())..];
    let (s, r) = words(&args[inner_at..], d, stdin, cx.depth + 1);
    (s, format!("{name} exec -- {r}"))
}

/// `oc rsh POD [cmd]`: a shell in the container (session only) or the command given.
fn rsh(args: &[String], cx: &Cx) -> V {
    let opts =
        ["-c", "--container", "-n", "--namespace", "--shell", "--timeout", "--context", "--kubeconfig"];
    let at = args.iter().position(|a| a == "rsh").map_or(0, |i| i + 1);
    let rest = &args[at..];
    let Some(pod) = first_positional(rest, &opts) else { return un("oc rsh without a pod") };
    let cmd = at + pod + 1;
    if cmd >= args.len() {
        return match cx.stdin {
            Some(_) => un("oc rsh runs the commands on its input"),
            None => ro("oc rsh (an interactive shell: session only)"),
        };
    }
    let (s, r) = words(&args[cmd..], &cx.argdyn[cmd.min(cx.argdyn.len())..], cx.stdin, cx.depth + 1);
    (s, format!("oc rsh {r}"))
}

/// The CloudNativePG plugin (`kubectl cnpg ...`).
fn cnpg(name: &str, args: &[String], cx: &Cx) -> V {
    let opts = ["-n", "--namespace", "--context", "--kubeconfig", "-o", "--output", "-f", "--file"];
    let p = positionals(args, &opts);
    match p.first().copied() {
        Some("psql") => {
            let psql_args = match args.iter().position(|a| a == "--") {
                Some(i) => &args[i + 1..],
                None => &[][..],
            };
            let (s, r) =
                sql::client("psql", psql_args, &Cx { argdyn: &[], stdin: cx.stdin, depth: cx.depth });
            (s, format!("{name} psql: {r}"))
        }
        Some("logs") if !has_flag(args, &["-f", "--file", "-o", "--output"]) => ro(format!("{name} logs")),
        Some("install") if p.get(1) == Some(&"generate") => {
            ro(format!("{name} install generate (prints manifests)"))
        }
        _ => forms(name, &p, &["status", "version", "completion", "help"], Destructive, 2),
    }
}

/// The Rook plugin (`kubectl rook-ceph ...`): ceph/rbd/radosgw-admin pass-through, health.
fn rook_ceph(name: &str, args: &[String], cx: &Cx) -> V {
    let opts = [
        "-n",
        "--namespace",
        "-o",
        "--operator-namespace",
        "--context",
        "--kubeconfig",
        "--cluster-namespace",
    ];
    let Some(i) = first_positional(args, &opts) else { return ro(format!("{name} (help)")) };
    let tool = args[i].as_str();
    if let Some(v) = storage::rule(tool, &args[i + 1..], &sub_cx(cx, i + 1)) {
        return (v.0, format!("{name} {}", v.1));
    }
    let p = positionals(&args[i..], &opts);
    forms(
        name,
        &p,
        &[
            "health",
            "mons$",
            "rook version",
            "rook status",
            "subvolume ls",
            "dr health",
            "version",
            "help",
            "ceph status",
        ],
        Destructive,
        2,
    )
}

fn helm(args: &[String]) -> V {
    let opts = [
        "-n",
        "--namespace",
        "--kube-context",
        "--kubeconfig",
        "-f",
        "--values",
        "--set",
        "--set-string",
        "--set-file",
        "--version",
        "-o",
        "--output",
        "--repo",
        "--timeout",
        "--revision",
        "--max",
    ];
    let p = positionals(args, &opts);
    let sub = p.first().copied().unwrap_or("");
    let sub2 = p.get(1).copied().unwrap_or("");
    let dry = has_flag(args, &["--dry-run"]);
    match sub {
        "list" | "ls" | "status" | "history" | "hist" | "get" | "show" | "inspect" | "search"
        | "template" | "lint" | "version" | "env" | "verify" | "diff" | "help" | "completion" => {
            ro(format!("helm {sub}"))
        }
        "repo" | "plugin" | "dependency" | "dep" if matches!(sub2, "list" | "ls") => {
            ro(format!("helm {sub} list"))
        }
        "upgrade" | "install" | "rollback" | "uninstall" | "delete" | "del" | "un" if dry => {
            ro(format!("helm {sub} --dry-run"))
        }
        "" => ro("helm (help)"),
        _ => de(format!("helm {sub}")),
    }
}

fn argocd(args: &[String]) -> V {
    let opts = [
        "--server",
        "--auth-token",
        "--grpc-web-root-path",
        "--config",
        "--context",
        "-o",
        "--output",
        "--port-forward-namespace",
        "--revision",
        "--resource",
        "-l",
        "--selector",
        "--project",
        "--header",
        "--kube-context",
        "--loglevel",
    ];
    let p = positionals(args, &opts);
    if p.first() == Some(&"app") && p.get(1) == Some(&"sync") && has_flag(args, &["--dry-run"]) {
        return ro("argocd app sync --dry-run");
    }
    if p.first() == Some(&"context") && p.len() == 1 {
        return ro("argocd context (lists contexts)");
    }
    forms(
        "argocd",
        &p,
        &[
            "app get",
            "app list",
            "app diff",
            "app history",
            "app manifests",
            "app resources",
            "app logs",
            "app wait",
            "app actions list",
            "appset get",
            "appset list",
            "cluster list",
            "cluster get",
            "proj list",
            "proj get",
            "proj windows list",
            "repo list",
            "repo get",
            "repocreds list",
            "account list",
            "account get",
            "account get-user-info",
            "account can-i",
            "cert list",
            "gpg list",
            "gpg get",
            "version",
            "help",
            "completion",
            "proj role list",
            "proj role get",
        ],
        Destructive,
        2,
    )
}

fn flux(args: &[String]) -> V {
    let opts = [
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "--timeout",
        "--kind",
        "--name",
        "--since",
        "--tail",
        "--level",
        "--path",
        "--source",
    ];
    let p = positionals(args, &opts);
    if p.first() == Some(&"create") && has_flag(args, &["--export"]) {
        return ro("flux create --export (prints the manifest)");
    }
    forms(
        "flux",
        &p,
        &[
            "get",
            "logs",
            "tree",
            "check",
            "version",
            "stats",
            "events",
            "diff",
            "export",
            "trace",
            "debug",
            "build",
            "envsubst",
            "completion",
            "help",
            "list artifacts",
        ],
        Destructive,
        2,
    )
}

fn velero(args: &[String]) -> V {
    let opts = [
        "-n",
        "--namespace",
        "--kubeconfig",
        "--kubecontext",
        "-o",
        "--output",
        "-l",
        "--selector",
        "--timeout",
    ];
    let p = positionals(args, &opts);
    let reads = [
        "get",
        "describe",
        "logs",
        "version",
        "backup get",
        "backup describe",
        "backup logs",
        "restore get",
        "restore describe",
        "restore logs",
        "schedule get",
        "schedule describe",
        "backup-location get",
        "snapshot-location get",
        "plugin get",
        "repo get",
        "help",
        "completion",
        "client config get",
    ];
    forms("velero", &p, &reads, if p.first() == Some(&"bug") { Unknown } else { Destructive }, 2)
}
