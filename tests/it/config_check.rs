//! `opsdeck check` and `opsdeck init`, through the real binary.
use std::path::Path;
use std::process::{Command, Output};

fn opsdeck(args: &[&str], config_env: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.args(args).env_remove("OPSDECK_CONFIG");
    if let Some(p) = config_env {
        cmd.env("OPSDECK_CONFIG", p);
    }
    cmd.output().expect("run opsdeck")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn three_mistakes_are_all_named_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        concat!(
            "[defaults]\n",
            "poll = \"often\"\n", // 2:8 bad duration
            "\n",
            "[[prometheus]]\n",
            "name = \"prod\"\n",
            "url = \"http://127.0.0.1:9090\"\n",
            "tiemout = \"4s\"\n", // 7:1 unknown key
            "\n",
            "[[health]]\n",
            "service = \"api\"\n",
            "source = \"staging\"\n", // 11:10 unknown source
            "availability = 'up'\n",
        ),
    )
    .unwrap();
    let out = opsdeck(&["check", "--config", path.to_str().unwrap()], None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let file = path.display().to_string();
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with(&file)).collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with(&format!("{file}:2:8: error: `poll`: bad duration `often`")),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(&format!("{file}:7:1: error: unknown key `tiemout` in [[prometheus]] (did you mean `timeout`?); expected: name, url")), "{}", lines[1]);
    assert!(
        lines[2].starts_with(&format!(
            "{file}:11:10: error: `source = \"staging\"` names no configured source; metrics sources: prod"
        )),
        "{}",
        lines[2]
    );
    assert!(err.contains("3 problems found"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_urls_priorities_and_escalation_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        concat!(
            "[[alertmanager]]\n",
            "name = \"am\"\n",
            "url = \"http://\"\n", // 3:7
            "[[statuspage]]\n",
            "name = \"am\"\n", // 5:8 duplicate
            "url = \"https://www.githubstatus.com/api/v2/summary.json\"\n",
            "[priority]\n",
            "map = { critical = \"P5\" }\n", // 8:20
            "[escalation]\n",
            "preset = \"ladder\"\n", // 10:10
            "tiers = []\n",          // 11:9
        ),
    )
    .unwrap();
    let out = opsdeck(&["check", "--config", path.to_str().unwrap()], None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for place in [
        ":3:7: error: `url`",
        ":5:8: error: duplicate source name `am`",
        ":8:20: error: `map.critical`",
        ":10:10: error: unknown escalation preset",
        ":11:9: error: `tiers` is empty",
    ] {
        assert!(err.contains(place), "missing {place} in:\n{err}");
    }
}

#[test]
fn a_toml_syntax_error_has_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, "environment = \"prod\"\n[defaults\npoll = \"5s\"\n").unwrap();
    let out = opsdeck(&["check", "--config", path.to_str().unwrap()], None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.starts_with(&format!("{}:2:", path.display())), "{err}");
    assert!(err.contains("invalid TOML"), "{err}");
}

#[test]
fn a_missing_config_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.toml");
    let out = opsdeck(&["check"], Some(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("opsdeck init"), "{}", text(&out.stderr));
}

#[test]
fn init_writes_a_config_that_passes_check_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/config.toml");
    let out = opsdeck(&["init"], Some(&path));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&path).unwrap();
    for section in [
        "[defaults]",
        "[[prometheus]]",
        "# [[scrape]]",
        "[[alertmanager]]",
        "# [[statuspage]]",
        "[[health]]",
        "[[community]]",
        "# [moderation]",
        "[priority]",
        "[escalation]",
        "[runbooks]",
    ] {
        assert!(written.contains(section), "starter lacks {section}");
    }

    let out = opsdeck(&["check"], Some(&path));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains(": ok: 1 prometheus, 0 scrape, 1 alertmanager"), "{summary}");
    assert_eq!(summary.lines().count(), 1);

    std::fs::write(&path, "# mine\n").unwrap();
    let out = opsdeck(&["init"], Some(&path));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    let out = opsdeck(&["--config", path.to_str().unwrap(), "init", "--force"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
}

#[test]
fn check_lints_runbooks_with_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    assert_eq!(opsdeck(&["init"], Some(&path)).status.code(), Some(0));
    let rb = dir.path().join("bad.md");
    std::fs::write(&rb, "# Bad\n\n## Step one\n\n```sh {destructive colour=red}\nrm -f /tmp/x\n```\n")
        .unwrap();
    let out = opsdeck(&["check", rb.to_str().unwrap()], Some(&path));
    let err = text(&out.stderr) + &text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:5:", rb.display())), "names file and line: {err}");
    assert!(err.contains("colour"), "names the unknown attribute: {err}");

    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks");
    let out = opsdeck(&["check", shipped], Some(&path));
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
}
