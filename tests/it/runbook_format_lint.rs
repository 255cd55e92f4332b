//! Lint (`opsdeck check` for runbooks) and discovery tests.
use opsdeck::runbook::discover::{DiscoverError, find_runbooks, resolve};
use opsdeck::runbook::lint::{Severity, lint_paths, lint_text};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn lines(paths: &[&str]) -> Vec<String> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    lint_paths(&paths).iter().map(|d| d.to_string()).collect()
}

#[test]
fn lint_reports_every_problem_with_position() {
    let got = lines(&["tests/fixtures/runbooks/lint_problems.md"]);
    let f = "tests/fixtures/runbooks/lint_problems.md";
    assert_eq!(
        got,
        vec![
            format!(
                "{f}:8:8: warning: block marked readonly, but the classifier finds it destructive: kubectl delete (destructive rule) in line 1; it will ask for confirmation"
            ),
            format!(
                "{f}:6:1: warning: destructive step `look` has no `> [!CAUTION]` or `> [!WARNING]` callout"
            ),
            format!("{f}:14:8: error: rollback=nowhere names no step (step ids: act, look)"),
            format!(
                "{f}:15:59: error: $REPLICAS is used but not declared as a parameter (declare it under `params` in the front matter)"
            ),
            format!(
                "{f}:12:1: warning: destructive step `act` has no `> [!CAUTION]` or `> [!WARNING]` callout"
            ),
        ]
    );
}

#[test]
fn undeclared_variables_in_plain_markdown_are_warnings() {
    let got = lines(&["tests/fixtures/runbooks/lint_plain.md"]);
    assert_eq!(
        got,
        vec![
            "tests/fixtures/runbooks/lint_plain.md:4:7: warning: $NAMESPACE is used but not declared as a parameter (it must come from the environment)"
        ]
    );
}

#[test]
fn parse_errors_become_error_diagnostics() {
    let d = lint_text("## A\n```sh {bogus}\nls\n```\n", Path::new("x.md"));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, Severity::Error);
    assert_eq!(
        d[0].to_string(),
        "x.md:2:8: error: unknown attribute `bogus` (expected readonly, destructive, confirm=, timeout=, eta=, rollback=, id=)"
    );
}

#[test]
fn discovery_skips_docs_and_refuses_writable_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("runbooks");
    std::fs::create_dir_all(root.join("db")).unwrap();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(root.join("db"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let write = |p: &Path, text: &str| {
        std::fs::write(p, text).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
    };
    write(&root.join("README.md"), "# docs\n");
    write(&root.join("db/failover.md"), "---\ntitle: Promote the replica\n---\n## A\n```sh\nls\n```\n");
    write(&root.join("cache.md"), "# Cache\n```sh\nls\n```\n");
    let dirs = vec![root.clone()];
    assert_eq!(find_runbooks(&dirs).unwrap(), vec![root.join("cache.md"), root.join("db/failover.md")]);
    assert_eq!(resolve("failover", &dirs).unwrap(), root.join("db/failover.md"));
    assert_eq!(resolve("promote the replica", &dirs).unwrap(), root.join("db/failover.md"));
    let by_path = root.join("cache.md");
    assert_eq!(resolve(by_path.to_str().unwrap(), &dirs).unwrap(), by_path);
    assert!(matches!(resolve("nothing", &dirs), Err(DiscoverError::NotFound { .. })));

    std::fs::set_permissions(root.join("cache.md"), std::fs::Permissions::from_mode(0o664)).unwrap();
    let e = find_runbooks(&dirs).unwrap_err();
    assert!(matches!(e, DiscoverError::Unsafe { mode: 0o664, .. }));
    assert!(e.to_string().contains("writable by group or others (mode 664)"), "{e}");
    assert!(matches!(resolve(by_path.to_str().unwrap(), &dirs), Err(DiscoverError::Unsafe { .. })));
    std::fs::set_permissions(root.join("cache.md"), std::fs::Permissions::from_mode(0o644)).unwrap();

    std::fs::set_permissions(root.join("db"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let e = find_runbooks(&dirs).unwrap_err().to_string();
    assert!(e.starts_with(&format!("refusing {}", root.join("db").display())), "{e}");
    let lint = lint_paths(&dirs);
    assert_eq!(lint.len(), 1);
    assert_eq!(lint[0].severity, Severity::Error);
    assert!(lint[0].to_string().starts_with(&format!("{}: error: refusing", root.display())), "{}", lint[0]);
    std::fs::set_permissions(root.join("db"), std::fs::Permissions::from_mode(0o755)).unwrap();

    // A file named on the command line is checked too.
    std::fs::set_permissions(root.join("cache.md"), std::fs::Permissions::from_mode(0o666)).unwrap();
    let lint = lint_paths(&[root.join("cache.md")]);
    assert_eq!(lint.len(), 1);
    assert!(lint[0].message.contains("mode 666"), "{}", lint[0]);
    let missing = lint_paths(&[root.join("missing.md")]);
    assert!(missing[0].to_string().contains("missing.md: error: "), "{}", missing[0]);
}

#[test]
fn unknown_front_matter_keys_are_warnings() {
    let text = "---\ntitle: t\ntags: [db]\njustfication:\n  required: true\nparams:\n  - name: a\n    choises: [x]\n---\n## A\n```sh\necho \"$A\"\n```\n";
    let got: Vec<String> = lint_text(text, Path::new("x.md")).iter().map(|d| d.to_string()).collect();
    assert_eq!(
        got,
        vec![
            "x.md:4:1: warning: unknown front-matter key `justfication` is ignored (known: title, intent, owner, eta, params, allowed_groups, justification)",
            "x.md:3:1: warning: unknown front-matter key `tags` is ignored (known: title, intent, owner, eta, params, allowed_groups, justification)",
            "x.md:8:5: warning: unknown param key `choises` is ignored (known: name, type, default, pattern, choices, description)",
        ]
    );
}
