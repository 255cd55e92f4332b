//! Parser tests on the fixtures in `tests/fixtures/runbooks/`.
use opsdeck::runbook::{Confirm, ParamKind, Safety, parse_file, parse_str};
use std::path::Path;
use std::time::Duration;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new("tests/fixtures/runbooks").join(name)
}

#[test]
fn front_matter_steps_attributes_and_callouts() {
    let rb = parse_file(&fixture("full.md")).unwrap();
    assert_eq!(rb.title, "Drain a node");
    assert_eq!(rb.intent.as_deref(), Some("Move workloads off a node before maintenance."));
    assert_eq!(rb.owner.as_deref(), Some("platform-oncall"));
    assert_eq!(rb.eta, Some(Duration::from_secs(600)));
    assert_eq!(rb.allowed_groups, vec!["sre", "oncall"]);
    let j = rb.justification.as_ref().unwrap();
    assert!(j.required);
    assert_eq!(j.pattern.as_deref(), Some("^(SRE|INC)-[0-9]+$"));
    assert_eq!(rb.params.len(), 3);
    assert_eq!(rb.params[0].kind, ParamKind::Enum);
    assert_eq!(rb.params[0].choices, vec!["prod-eu", "prod-us"]);
    assert_eq!(rb.params[2].kind, ParamKind::Int);
    assert_eq!(rb.params[2].default.as_deref(), Some("3"));
    assert_eq!(rb.params[1].description.as_deref(), Some("The node to drain"));
    let expected_hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(fixture("full.md")).unwrap()))
    };
    assert_eq!(rb.file_hash, expected_hash);

    let ids: Vec<&str> = rb.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["check", "drain", "undrain"], "the Notes section has no block");
    let check = &rb.steps[0];
    assert_eq!(check.title, "Check the node");
    assert_eq!(check.line, 27);
    assert_eq!(check.blocks[0].safety, Safety::ReadOnly);
    assert!(check.callouts.is_empty(), "the callout before `## Drain it` belongs to that step");

    let drain = &rb.steps[1];
    assert_eq!(drain.callouts.len(), 1);
    assert_eq!(drain.callouts[0].kind, "CAUTION");
    assert_eq!(drain.callouts[0].text, "Draining evicts every pod on the node.");
    assert!(drain.prose.contains("Prose for the drain."));
    assert!(drain.prose.contains("| 1 | 2 |"), "tables belong to the step: {}", drain.prose);
    let b = &drain.blocks[0];
    assert_eq!(b.line, 44);
    assert_eq!(b.lang, "sh");
    assert_eq!(b.script, "kubectl drain \"$NODE\" --ignore-daemonsets\n");
    assert!(b.attrs.destructive);
    assert_eq!(b.attrs.confirm, Some(Confirm::TypedParam("cluster".into())));
    assert_eq!(b.attrs.timeout, Some(Duration::from_secs(120)));
    assert_eq!(b.attrs.eta, Some(Duration::from_secs(30)));
    assert_eq!(b.attrs.rollback.as_deref(), Some("undrain"));
    assert_eq!(b.safety, Safety::Destructive);
    assert_eq!(drain.verify.len(), 1);
    assert_eq!(drain.verify[0].query, "kube_node_spec_unschedulable{node=\"node-1\"} == 1");
    assert_eq!(drain.verify[0].hold_for, Duration::from_secs(60));
    assert_eq!(drain.verify[0].timeout, Duration::from_secs(300));

    let undo = &rb.steps[2].blocks[0];
    assert_eq!(undo.attrs.confirm, Some(Confirm::TypedText("uncordon".into())));
    assert_eq!(undo.safety, Safety::Destructive);
    assert_eq!(undo.reason, "kubectl uncordon (destructive rule) in line 1");
}

#[test]
fn file_without_h2_takes_any_heading_and_a_headless_first_step() {
    let rb = parse_file(&fixture("plain.md")).unwrap();
    assert_eq!(rb.title, "Restart the cache", "the first # heading is the title");
    let titles: Vec<&str> = rb.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, vec!["Preamble", "Look first", "Flush"]);
    assert_eq!(rb.steps[0].line, 1);
    assert_eq!(rb.steps[0].blocks[0].script, "uptime\n");
    assert_eq!(rb.steps[0].blocks[0].safety, Safety::ReadOnly);

    let console = &rb.steps[1].blocks[0];
    assert_eq!(console.lang, "console");
    assert_eq!(console.script, "redis-cli INFO replication\nkubectl get pods \\\n  -l app=redis\n");
    assert_eq!(console.safety, Safety::ReadOnly, "{}", console.reason);

    let flush = &rb.steps[2];
    assert_eq!(flush.callouts[0].kind, "WARNING");
    assert_eq!(flush.blocks[0].safety, Safety::Destructive);
    assert_eq!(flush.blocks[0].reason, "redis FLUSHALL (destructive rule) in line 1");
}

#[test]
fn title_falls_back_to_the_file_name() {
    let rb = parse_str("## A\n\n```sh\nls\n```\n", Path::new("dir/warm-caches.md")).unwrap();
    assert_eq!(rb.title, "warm-caches");
    assert_eq!(rb.steps[0].id, "a");
}

#[test]
fn explicit_readonly_never_lowers_a_destructive_verdict() {
    let rb = parse_str("## A\n\n```sh {readonly}\nrm -rf /tmp/x\n```\n", Path::new("x.md")).unwrap();
    let b = &rb.steps[0].blocks[0];
    assert!(b.attrs.readonly);
    assert_eq!(b.safety, Safety::Destructive);
    assert!(b.reason.starts_with("marked readonly, but the classifier disagrees: rm"), "{}", b.reason);
}

#[test]
fn several_blocks_in_one_step_and_duplicate_slugs() {
    let text = "## Go\n\n```sh\nls\n```\n\n```bash\nrm x\n```\n\n## Go\n\n```sh\nls\n```\n";
    let rb = parse_str(text, Path::new("x.md")).unwrap();
    assert_eq!(rb.steps[0].blocks.len(), 2);
    assert!(rb.steps[0].is_destructive());
    assert_eq!(rb.steps[1].id, "go-2");
}

fn error_of(name: &str) -> String {
    parse_file(&fixture(name)).unwrap_err().to_string()
}

#[test]
fn errors_carry_file_line_and_column() {
    assert_eq!(
        error_of("bad_attr.md"),
        "tests/fixtures/runbooks/bad_attr.md:5:20: unknown attribute `frobnicate` (expected readonly, destructive, confirm=, timeout=, eta=, rollback=, id=)"
    );
    let e = error_of("bad_duration.md");
    assert!(
        e.starts_with(
            "tests/fixtures/runbooks/bad_duration.md:3:8: attribute `timeout`: bad duration `soon`"
        ),
        "{e}"
    );
    let e = error_of("undeclared_typed.md");
    assert!(e.starts_with("tests/fixtures/runbooks/undeclared_typed.md:6:8: confirm=typed:cluster names an undeclared parameter `cluster`"), "{e}");
    assert_eq!(
        error_of("unterminated.md"),
        "tests/fixtures/runbooks/unterminated.md:1:1: unterminated front matter: the `---` on line 1 has no closing `---`"
    );
    let e = error_of("bad_yaml.md");
    assert!(
        e.starts_with("tests/fixtures/runbooks/bad_yaml.md:5:")
            || e.starts_with("tests/fixtures/runbooks/bad_yaml.md:6:"),
        "{e}"
    );
    assert!(e.contains("front matter:"), "{e}");
    let e = parse_file(&fixture("missing.md")).unwrap_err();
    assert!(e.to_string().starts_with("tests/fixtures/runbooks/missing.md: cannot read:"), "{e}");
}

#[test]
fn front_matter_values_are_checked() {
    let e = parse_str("---\neta: soon\n---\n", Path::new("x.md")).unwrap_err().to_string();
    assert!(e.starts_with("x.md:2:1: eta: bad duration `soon`"), "{e}");
    let e = parse_str("---\nparams:\n  - name: n\n    type: float\n---\n", Path::new("x.md"))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "x.md:3:5: param `n`: unknown type `float` (expected string, int, enum or duration)");
    let e =
        parse_str("---\nparams:\n  - name: n\n    type: int\n    default: many\n---\n", Path::new("x.md"))
            .unwrap_err()
            .to_string();
    assert_eq!(e, "x.md:3:5: param `n`: default `many` is not an integer");
    let e = parse_str("---\nparams:\n  - name: n\n    pattern: '('\n---\n", Path::new("x.md"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("x.md:3:5: param `n`: bad pattern"), "{e}");
}

#[test]
fn attribute_value_errors() {
    let e = parse_str("## A\n```sh {confirm=maybe}\nls\n```\n", Path::new("x.md")).unwrap_err().to_string();
    assert!(e.starts_with("x.md:2:8: bad confirm `maybe`"), "{e}");
    let e = parse_str("## A\n```sh {readonly destructive}\nls\n```\n", Path::new("x.md"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("x.md:2:8: a block cannot be both"), "{e}");
    let e = parse_str("## A\n```promql {verify for=forever}\nup\n```\n", Path::new("x.md"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("x.md:2:19: attribute `for`: bad duration"), "{e}");
}

#[test]
fn params_reach_scripts_under_their_env_name_and_opsdeck_env_overrides_defaults() {
    let rb = parse_file(Path::new("runbooks/gateway-overload.md")).unwrap();
    let sim = rb.params.iter().find(|p| p.name == "sim_url").unwrap();
    assert_eq!(sim.env_name(), "SIM_URL");
    let none = |_: &str| None;
    assert_eq!(sim.effective_default(none).as_deref(), Some("http://127.0.0.1:9999"));
    let env = |k: &str| (k == "OPSDECK_SIM_URL").then(|| "http://127.0.0.1:4242".to_string());
    assert_eq!(sim.effective_default(env).as_deref(), Some("http://127.0.0.1:4242"));
    let empty = |_: &str| Some(String::new());
    assert_eq!(sim.effective_default(empty).as_deref(), Some("http://127.0.0.1:9999"));
}

#[test]
fn code_blocks_nested_in_lists_are_commands_and_notes_are_prose() {
    let text = "## Fix\n\n> [!NOTE]\n> Just a note.\n\n1. Restart:\n\n   ```sh\n   systemctl restart nginx\n   ```\n";
    let rb = parse_str(text, Path::new("x.md")).unwrap();
    let s = &rb.steps[0];
    assert!(s.callouts.is_empty());
    assert!(s.prose.contains("Just a note."));
    assert_eq!(s.blocks[0].script, "systemctl restart nginx\n");
    assert_eq!(s.blocks[0].line, 8);
    assert_eq!(s.blocks[0].safety, Safety::Destructive);
}

#[test]
fn runme_attributes_are_understood() {
    let text = "## A\n\n```sh {name=drain interactive=false}\nls\n```\n\n## B\n\n```bash {\"name\":\"wipe\",\"destructive\":\"true\",\"timeout\":\"30s\"}\nls\n```\n";
    let rb = parse_str(text, Path::new("x.md")).unwrap();
    assert_eq!(rb.steps[0].id, "drain");
    let b = &rb.steps[1].blocks[0];
    assert_eq!(rb.steps[1].id, "wipe");
    assert!(b.attrs.destructive);
    assert_eq!(b.attrs.timeout, Some(Duration::from_secs(30)));
    let e = parse_str("## A\n```sh {\"name\": }\nls\n```\n", Path::new("x.md")).unwrap_err().to_string();
    assert!(e.starts_with("x.md:2:8: bad JSON attributes"), "{e}");
    let e = parse_str("## A\n```sh {cwd=/tmp}\nls\n```\n", Path::new("x.md")).unwrap_err().to_string();
    assert!(e.starts_with("x.md:2:8: unknown attribute `cwd`"), "{e}");
}
