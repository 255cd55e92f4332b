//! Every shipped runbook in `runbooks/` parses, lints without errors or warnings, is found
//! by discovery, and uses only the PromQL listed in `runbooks/QUERIES.md`.
use opsdeck::runbook::classify::classify;
use opsdeck::runbook::discover::find_runbooks;
use opsdeck::runbook::lint::lint_paths;
use opsdeck::runbook::{Safety, parse_file};
use std::path::PathBuf;

fn shipped() -> Vec<PathBuf> {
    find_runbooks(&[PathBuf::from("runbooks")]).unwrap()
}

#[test]
fn the_shipped_runbooks_are_found_and_parse() {
    let files = shipped();
    let names: Vec<String> =
        files.iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        vec![
            "canary-rollback",
            "compaction-storm",
            "database-failover",
            "gateway-overload",
            "modqueue-surge",
            "traffic-drain",
            "vote-brigade"
        ]
    );
    for f in &files {
        let rb = parse_file(f).unwrap_or_else(|e| panic!("{e}"));
        assert!(rb.intent.is_some(), "{}: no intent", f.display());
        assert!(rb.has_destructive(), "{}: a response runbook changes something", f.display());
        assert!(rb.justification.as_ref().is_some_and(|j| j.required));
        for step in &rb.steps {
            for b in &step.blocks {
                // Blocks marked readonly really are read-only to the classifier.
                if b.attrs.readonly {
                    assert_eq!(
                        classify(&b.script).0,
                        Safety::ReadOnly,
                        "{}:{}: {}",
                        f.display(),
                        b.line,
                        b.reason
                    );
                }
            }
        }
    }
}

#[test]
fn database_failover_has_the_five_phases() {
    let rb = parse_file(&PathBuf::from("runbooks/database-failover.md")).unwrap();
    let ids: Vec<&str> = rb.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["verify-primary-down", "check-lag", "promote", "repoint", "readiness", "watch"]);
    let promote = &rb.steps[2];
    assert!(promote.is_destructive());
    assert_eq!(promote.callouts[0].kind, "CAUTION");
    assert_eq!(
        promote.blocks[0].attrs.confirm,
        Some(opsdeck::runbook::Confirm::TypedParam("replica".into()))
    );
    assert_eq!(rb.steps[5].verify.len(), 1);
}

#[test]
fn shipped_runbooks_lint_clean() {
    let diags = lint_paths(&[PathBuf::from("runbooks")]);
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "{}", text.join("\n"));
}

#[test]
fn verify_queries_are_listed_in_queries_md() {
    let listed = std::fs::read_to_string("runbooks/QUERIES.md").unwrap();
    let listed: Vec<&str> = listed.lines().map(str::trim).collect();
    let mut used = Vec::new();
    for f in shipped() {
        for step in parse_file(&f).unwrap().steps {
            for v in step.verify {
                assert!(
                    listed.contains(&v.query.as_str()),
                    "{}: `{}` is not in QUERIES.md",
                    f.display(),
                    v.query
                );
                used.push(v.query);
            }
        }
    }
    let block: Vec<&str> =
        listed.iter().copied().skip_while(|l| *l != "```text").skip(1).take_while(|l| *l != "```").collect();
    for q in block {
        assert!(used.iter().any(|u| u == q), "QUERIES.md lists `{q}`, which no runbook uses");
    }
}
