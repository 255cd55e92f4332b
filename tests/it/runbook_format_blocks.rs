//! Blocks as real runbooks write them: untagged fences, transcripts with every prompt
//! style of docs/runbook-format.md, interactive clients, placeholders, and the unclosed
//! fence that swallows a step.
use opsdeck::runbook::lint::{Severity, lint_text};
use opsdeck::runbook::{Block, BlockKind, PlaceholderStyle, Safety, parse_str};
use std::path::Path;
use std::process::Command;

fn blocks(md: &str) -> Vec<Block> {
    let rb = parse_str(md, Path::new("t.md")).unwrap();
    rb.steps.into_iter().flat_map(|s| s.blocks).collect()
}

fn one(md: &str) -> Block {
    let b = blocks(md);
    assert_eq!(b.len(), 1, "{md}: {b:?}");
    b.into_iter().next().unwrap()
}

#[test]
fn untagged_fences_are_steps_only_when_they_hold_commands() {
    let md = "## A\n```\nkubectl get pods -n api\n```\n## B\n```\napiVersion: v1\nkind: Pod\n```\n## C\n```\n# Replication\nrole:master\n```\n";
    let b = blocks(md);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].lang, "");
    assert_eq!(b[0].safety, Safety::ReadOnly, "{}", b[0].reason);
}

#[test]
fn a_root_prompt_block_runs_its_command_and_is_flagged() {
    let b = one("## Restart\n```console\n# gitlab-ctl restart consul\nok: run: consul: (pid 1) 1s\n```\n");
    assert_eq!(b.kind, BlockKind::Transcript);
    assert_eq!(b.script, "gitlab-ctl restart consul\n");
    assert_eq!(b.commands[0].prompt.as_deref(), Some("# "));
    assert_eq!(b.commands[0].line, 3);
    assert!(b.safety.needs_confirmation(), "{}", b.reason);
    // The same line in a bash script is a comment: nothing runs.
    let b = one("## Restart\n```bash\n# gitlab-ctl restart consul\nls\n```\n");
    assert_eq!(b.script, "# gitlab-ctl restart consul\nls\n");
}

#[test]
fn every_prompt_style_gives_its_command() {
    for (prompt, cmd) in [
        ("$ ", "ls -la /var/log"),
        ("host$ ", "ls -la /var/log"),
        ("user@host:~$ ", "ls -la /var/log"),
        ("[root@db1 ~]# ", "ls -la /var/log"),
        ("sh-5.1# ", "ls -la /var/log"),
        ("mon-a# ", "ls -la /var/log"),
        ("chef-repo % ", "ls -la /var/log"),
        ("/prometheus $ ", "ls -la /var/log"),
        ("root@host:/tmp# ", "ls -la /var/log"),
    ] {
        let md = format!("## S\n```console\n{prompt}{cmd}\ntotal 0\ndrwxr-xr-x 2 root root 40 .\n```\n");
        let b = one(&md);
        assert_eq!(b.script, format!("{cmd}\n"), "{prompt:?}");
        assert_eq!(b.commands[0].prompt.as_deref(), Some(prompt), "{prompt:?}");
        assert_eq!(b.safety, Safety::ReadOnly, "{prompt:?}: {}", b.reason);
    }
}

#[test]
fn psql_and_redis_transcripts_are_classified_by_their_statements() {
    let b = one(
        "## S\n```\n$ sudo gitlab-psql\ngitlabhq_production=# select count(*) from users;\n count\n-------\n 4\n```\n",
    );
    assert_eq!(b.commands[1].context, "psql");
    assert!(b.script.contains("<<'OPSDECK_INPUT'\nselect count(*) from users;\nOPSDECK_INPUT"));
    let b = one("## S\n```\ngitlabhq_production=# select pg_terminate_backend(1234);\n```\n");
    assert_eq!(b.safety, Safety::Destructive, "{}", b.reason);
    assert!(b.reason.contains("pg_terminate_backend"), "{}", b.reason);
    let b = one("## S\n```\n127.0.0.1:6379> FLUSHALL\nOK\n```\n");
    assert_eq!(b.commands[0].context, "redis");
    assert!(b.safety.needs_confirmation(), "{}", b.reason);
}

#[test]
fn a_block_without_a_command_is_unknown_never_read_only() {
    let b = one("## S\n```console\nRGW deployments > CSI provisioners > OSD deployments\n```\n");
    assert_eq!(b.kind, BlockKind::NoCommandFound);
    assert_eq!(b.safety, Safety::Unknown);
    assert!(b.reason.starts_with("no command found"), "{}", b.reason);
    let d = lint_text("## S\n```console\nRGW deployments > CSI\n```\n", Path::new("x.md"));
    assert!(
        d.iter().any(|d| d.severity == Severity::Warning && d.message.contains("no command found")),
        "{d:?}"
    );
}

#[test]
fn placeholders_of_every_style_become_environment_references() {
    let b = one(
        "## S\n```sh\noc delete pod <pod_name> -n {{namespace}} --token YOUR_TOKEN_HERE\nkubectl get pdb $PDB\n```\n",
    );
    let got: Vec<(&str, &str, PlaceholderStyle)> =
        b.placeholders.iter().map(|p| (p.text.as_str(), p.env.as_str(), p.style)).collect();
    assert_eq!(
        got,
        [
            ("<pod_name>", "OPSDECK_PH_POD_NAME", PlaceholderStyle::Angle),
            ("{{namespace}}", "OPSDECK_PH_NAMESPACE", PlaceholderStyle::Braces),
            ("YOUR_TOKEN_HERE", "OPSDECK_PH_YOUR_TOKEN_HERE", PlaceholderStyle::Marker),
            ("$PDB", "PDB", PlaceholderStyle::Variable),
        ]
    );
    assert_eq!(
        b.script,
        "oc delete pod \"${OPSDECK_PH_POD_NAME}\" -n \"${OPSDECK_PH_NAMESPACE}\" --token \"${OPSDECK_PH_YOUR_TOKEN_HERE}\"\nkubectl get pdb $PDB\n"
    );
    assert_eq!(b.commands[0].text, "oc delete pod <pod_name> -n {{namespace}} --token YOUR_TOKEN_HERE");
    assert_eq!(b.placeholders[0].line, 3);
    // A placeholder is a word, never a redirection: `kubectl logs <pod>` stays read-only.
    let b = one("## S\n```sh\nkubectl logs -n api <pod>\n```\n");
    assert_eq!(b.safety, Safety::ReadOnly, "{}", b.reason);
}

#[test]
fn an_unclosed_fence_that_swallows_a_step_fails_check_with_its_line() {
    let d = lint_text(
        &std::fs::read_to_string("tests/fixtures/runbooks/unclosed_fence.md").unwrap(),
        Path::new("u.md"),
    );
    let e: Vec<String> = d.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect();
    assert_eq!(e.len(), 1, "{d:?}");
    assert!(e[0].starts_with("u.md:5:1: error: this fence swallows the heading `## Restart` (line 8): its closing fence is missing"), "{}", e[0]);

    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["check", "tests/fixtures/runbooks/unclosed_fence.md"])
        .env("HOME", home.path())
        .env("OPSDECK_STATE_DIR", home.path().join("state"))
        .env_remove("OPSDECK_CONFIG")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("unclosed_fence.md:5:1: error: this fence swallows the heading `## Restart`"),
        "{text}"
    );
}

#[test]
fn check_reports_every_error_of_a_file_in_one_pass() {
    let md = "## A\n```sh {bogus}\nls\n```\n## B\n```sh {timeout=soon}\nls\n```\n## C\n```promql {verify for=never}\nup\n```\n";
    let d = lint_text(md, Path::new("x.md"));
    let errs: Vec<String> =
        d.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect();
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(errs[0].starts_with("x.md:2:"), "{}", errs[0]);
    assert!(errs[1].starts_with("x.md:6:"), "{}", errs[1]);
    assert!(errs[2].starts_with("x.md:10:"), "{}", errs[2]);
}

#[test]
fn show_prints_the_commands_as_written_then_what_runs_and_what_it_asks_for() {
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let rb = dir.path().join("pod.md");
    std::fs::write(&rb, "# Pod\n\n## Mark\n\n```console\n$ touch /tmp/marker-<pod_name>\n```\n").unwrap();
    std::fs::set_permissions(&rb, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["runbook", "show"])
        .arg(&rb)
        .env("HOME", dir.path())
        .env("OPSDECK_STATE_DIR", dir.path().join("state"))
        .env_remove("OPSDECK_CONFIG")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains(
            "  block line 5: DESTRUCTIVE: touch (destructive rule) in line 1\n    $ touch /tmp/marker-<pod_name>\n    runs as:\n      touch /tmp/marker-\"${OPSDECK_PH_POD_NAME}\"\n    asks for <pod_name> (line 6; reaches the command as $OPSDECK_PH_POD_NAME)\n"
        ),
        "{text}"
    );
}
