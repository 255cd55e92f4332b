//! Property tests: the shell reader, the classifier and the runbook parser never panic,
//! whatever the text; and gluing a destructive command onto any script keeps it flagged.
use opsdeck::runbook::classify::classify;
use opsdeck::runbook::lint::lint_text;
use opsdeck::runbook::{Safety, parse_str};
use proptest::prelude::*;
use std::path::Path;

/// Text made of the characters that matter to a shell and to Markdown.
fn shellish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("kubectl ".to_string()),
            Just("get ".to_string()),
            Just("delete ".to_string()),
            Just("psql -c ".to_string()),
            Just("redis-cli ".to_string()),
            Just("curl -X ".to_string()),
            Just("<<EOF\n".to_string()),
            Just("EOF\n".to_string()),
            Just("$(".to_string()),
            Just("${".to_string()),
            Just("$((".to_string()),
            Just("<(".to_string()),
            "[ -~\n\t]{0,3}",
            "[\"'`\\\\$(){}|&;<>#=\n]",
            "\\PC{0,2}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("---\n".to_string()),
            Just("## Step\n".to_string()),
            Just("# Title\n".to_string()),
            Just("```sh {".to_string()),
            Just("```console\n$ ".to_string()),
            Just("```promql {verify for=".to_string()),
            Just("```\n".to_string()),
            Just("> [!CAUTION]\n> ".to_string()),
            Just("params:\n  - name: ".to_string()),
            Just("confirm=typed:".to_string()),
            Just("\"a\"=b ".to_string()),
            Just("timeout=".to_string()),
            "[ -~\n]{0,6}",
            "\\PC{0,3}",
        ],
        0..30,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn classifier_never_panics(s in shellish()) {
        let _ = classify(&s);
    }

    #[test]
    fn a_destructive_line_keeps_any_script_flagged(s in shellish()) {
        // Whatever precedes it, a complete `rm` on its own line is seen. (Unless the text
        // before it leaves a quote, heredoc or substitution open: then the verdict must
        // still not be read-only.)
        let script = format!("{s}\nrm -rf /tmp/x\n");
        prop_assert_ne!(classify(&script).0, Safety::ReadOnly, "{:?}", script);
    }

    #[test]
    fn parser_and_linter_never_panic(s in markdownish()) {
        let _ = parse_str(&s, Path::new("p.md"));
        let _ = lint_text(&s, Path::new("p.md"));
    }
}

/// Read-only commands of many families (client sessions, placeholders, wrappers included).
const READ_ONLY: &[&str] = &[
    "kubectl get pods -n prod",
    "kubectl logs <pod_name> -n <NAMESPACE>",
    "oc rsh <pod>",
    "kubectl exec -it pg-0 -- bash",
    "psql -d db",
    "psql -c 'SELECT 1'",
    "gitlab-psql -d template1\nselect * from pg_stat_activity;",
    "redis-cli -h 10.0.0.1\nINFO replication",
    "redis-cli\nGET k",
    "show pools;",
    "\\x",
    "ssh db-0",
    "ssh db-0 'tail -n 5 /var/log/syslog'",
    "sudo -u postgres envdir /etc/wal-g.d/env wal-g backup-list",
    "ceph osd tree",
    "etcdctl endpoint status -w table",
    "consul members",
    "vault status",
    "curl -s http://localhost:9090/-/ready",
    "grep -c error /var/log/app.log",
    "kill -0 1",
    "tar -tf x.tar",
    "route -n",
    "echo \"{{cluster}}\"",
    "X=$(kubectl get ns -o name)",
    "for n in a b; do kubectl describe ns $n; done",
    "perf report --stdio",
    "thanos tools bucket rewrite --id <block_id>",
    "./bin/get-server-state gstg",
    "gitlab-rails console",
    "sudo su - aptly",
    "top -b -n 1 | head",
];

const DESTRUCTIVE: &[&str] = &[
    "rm -rf /tmp/x",
    "kubectl delete pod x",
    "redis-cli FLUSHALL",
    "psql -c 'DROP TABLE t'",
    "systemctl restart nginx",
    "curl -X POST http://api/x",
    "ceph osd out 3",
    "etcdctl del k",
    "gsutil rm gs://b/x",
    "route del default",
    "tee /etc/hosts",
];

fn read_only_script() -> impl Strategy<Value = String> {
    let cmd = proptest::sample::select(READ_ONLY);
    let op = proptest::sample::select(&["\n", "; ", " && ", " || ", " | "][..]);
    (cmd.clone(), proptest::collection::vec((op, cmd), 0..3)).prop_map(|(first, rest)| {
        let mut s = first.to_string();
        for (op, c) in rest {
            s.push_str(op);
            s.push_str(c);
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn appending_a_destructive_command_never_leaves_a_script_read_only(
        s in read_only_script(),
        d in proptest::sample::select(DESTRUCTIVE),
        join in 0usize..6,
    ) {
        prop_assume!(classify(&s).0 == Safety::ReadOnly);
        let script = match join {
            0 => format!("{s}; {d}"),
            1 => format!("{s} && {d}"),
            2 => format!("{s} || {d}"),
            3 => format!("{s} | {d}"),
            4 => format!("{s}\n{d}"),
            _ => format!("{s} $({d})"),
        };
        prop_assert_ne!(classify(&script).0, Safety::ReadOnly, "{:?} -> {:?}", script, classify(&script));
    }

    #[test]
    fn every_listed_read_only_command_is_read_only(i in 0..READ_ONLY.len()) {
        prop_assert_eq!(classify(READ_ONLY[i]).0, Safety::ReadOnly, "{:?} -> {:?}", READ_ONLY[i], classify(READ_ONLY[i]));
    }
}
