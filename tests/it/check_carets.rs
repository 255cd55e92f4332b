//! `opsdeck check` beyond the config's shape: PromQL parsed, the theme name known, the
//! keymap file sound; each problem as `file:line:col: error: message`, then the line and a
//! caret under the column. Through the real binary, with a private HOME and state.
use std::path::Path;
use std::process::{Command, Output};

fn check(dir: &Path, config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["check", "--config", config.to_str().unwrap()])
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("OPSDECK_STATE_DIR", dir.join("state"))
        .env_remove("OPSDECK_CONFIG")
        .env_remove("OPSDECK_KEYMAP")
        .env_remove("OPSDECK_LOG")
        .env_remove("RUST_LOG")
        .output()
        .expect("run opsdeck")
}

const GOOD: &str = "[[prometheus]]\nname = \"prod\"\nurl = \"http://127.0.0.1:9090\"\n";

/// The three lines of one diagnostic: head, quoted line, caret line.
fn diagnostic<'a>(err: &'a str, head: &str) -> [&'a str; 3] {
    let lines: Vec<&str> = err.lines().collect();
    let i = lines.iter().position(|l| l.starts_with(head)).unwrap_or_else(|| panic!("no {head} in:\n{err}"));
    assert!(i + 2 < lines.len(), "no source line and caret after {head}:\n{err}");
    [lines[i], lines[i + 1], lines[i + 2]]
}

/// The column the caret line points at, counted in the quoted line (1-based).
fn caret_column(quoted: &str, caret: &str) -> usize {
    let bar = quoted.find(" | ").unwrap() + 3;
    caret.find('^').unwrap() - bar + 1
}

#[test]
fn broken_promql_is_placed_inside_the_query_string() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let text = format!(
        "{GOOD}\n[[health]]\nservice = \"api\"\navailability = 'sum(rate(x[5m])'\n\
         error_rate = \"100 * sum(rate(http_requests_total{{code=~\\\"5..\\\"}}[5m])) / nosuch(1)\"\n\
         [[community]]\nname = \"Users\"\nquery = '''\nsum(active_users'''\n"
    );
    std::fs::write(&cfg, &text).unwrap();
    let out = check(dir.path(), &cfg);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    let file = cfg.display().to_string();
    // `sum(` at column 20: the paren that is never closed.
    let [head, quoted, caret] = diagnostic(&err, &format!("{file}:7:20: error: invalid PromQL: "));
    assert!(head.contains("unclosed left parenthesis"), "{head}");
    assert_eq!(quoted, " 7 | availability = 'sum(rate(x[5m])'");
    assert_eq!(caret_column(quoted, caret), 20, "{caret}");
    assert_eq!(&quoted[quoted.find(" | ").unwrap() + 3..][19..20], "(");
    // Through the escaped quotes of a basic string: the unknown function's name.
    let [head, quoted, caret] = diagnostic(&err, &format!("{file}:8:"));
    assert!(head.contains("nosuch"), "{head}");
    let col: usize = head.split(':').nth(2).unwrap().parse().unwrap();
    assert_eq!(caret_column(quoted, caret), col);
    assert!(quoted[quoted.find(" | ").unwrap() + 3..][col - 1..].starts_with("nosuch(1)"), "{quoted}");
    // A multi-line literal string: the line after the opening quotes.
    let [head, _, _] = diagnostic(&err, &format!("{file}:12:4: error: invalid PromQL"));
    assert!(head.contains("parenthesis"), "{head}");
    assert!(err.contains("3 problems found"), "{err}");
}

#[test]
fn valid_promql_and_the_demo_config_pass() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    let text = format!(
        "{GOOD}\n[[health]]\nservice = \"api\"\n\
         availability = 'avg_over_time(up{{job=\"api\"}}[5m]) * 100'\n\
         latency_p99 = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{job=\"api\"}}[5m])))'\n\
         [moderation]\ndepth = 'sum by (priority) (modqueue_depth)'\ninflow = '60 * sum(rate(modqueue_items_total[5m]))'\n\
         throughput = '60 * sum(rate(modqueue_reviewed_total[15m]))'\noldest_age = 'max(time() - modqueue_oldest_item_timestamp_seconds)'\n"
    );
    std::fs::write(&cfg, text).unwrap();
    let out = check(dir.path(), &cfg);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // Every query of the demo config parses as PromQL too.
    let demo = opsdeck::demo::config::build(
        &opsdeck::demo::config::Endpoints {
            prometheus: "http://127.0.0.1:1".into(),
            alertmanager: "http://127.0.0.1:2".into(),
            statuspages: vec![],
        },
        std::time::Duration::from_secs(5),
        "dark",
    );
    let mut queries: Vec<String> = demo
        .health
        .iter()
        .flat_map(|h| {
            [&h.availability, &h.latency_p99, &h.error_rate, &h.saturation].into_iter().flatten().cloned()
        })
        .collect();
    queries.extend(demo.community.iter().map(|c| c.query.clone()));
    assert!(queries.len() > 8);
    for q in queries {
        assert!(opsdeck::config::promql::check(&q).is_ok(), "{q}: {:?}", opsdeck::config::promql::check(&q));
    }
}

#[test]
fn an_unknown_theme_is_placed_and_a_user_theme_file_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, format!("environment = \"prod\"\ntheme = \"neon\"\n{GOOD}")).unwrap();
    let out = check(dir.path(), &cfg);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    let [head, quoted, caret] =
        diagnostic(&err, &format!("{}:2:9: error: unknown theme `neon`", cfg.display()));
    assert!(head.contains("dark, light, high-contrast, colorblind"), "{head}");
    assert_eq!(quoted, " 2 | theme = \"neon\"");
    assert_eq!(caret_column(quoted, caret), 9);

    // themes/neon.toml beside the config: found (a copy of dark under another name).
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    let dark = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/dark.toml")).unwrap();
    let neon = dark.replace("name = \"dark\"", "name = \"neon\"");
    assert_ne!(neon, dark);
    std::fs::write(dir.path().join("themes/neon.toml"), &neon).unwrap();
    let out = check(dir.path(), &cfg);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // A broken one is named.
    std::fs::write(dir.path().join("themes/neon.toml"), neon.replacen("ok = ", "ok = \"notacolour\"\n#", 1))
        .unwrap();
    let out = check(dir.path(), &cfg);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("neon.toml: bad colour `notacolour`"), "{err}");
}

#[test]
fn a_keymap_without_a_quit_key_and_other_keymap_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, GOOD).unwrap();
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(&keymap, "[keys]\nzoom = [\"q\", \"ctrl-c\"]\n").unwrap();
    let out = check(dir.path(), &cfg);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    let [head, quoted, caret] =
        diagnostic(&err, &format!("{}:1:1: error: no key quits opsdeck", keymap.display()));
    assert!(head.contains("quit = [\"q\", \"ctrl-c\"]"), "{head}");
    assert_eq!(quoted, " 1 | [keys]");
    assert_eq!(caret_column(quoted, caret), 1);

    std::fs::write(&keymap, "[keys]\nquit = [\"x\"]\nzom = [\"z\"]\nup = [\"k\"]\ndown = [\"k\"]\n").unwrap();
    let out = check(dir.path(), &cfg);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    let k = keymap.display();
    diagnostic(&err, &format!("{k}:3:1: error: unknown action `zom` (did you mean `zoom`?)"));
    let [_, quoted, caret] = diagnostic(&err, &format!("{k}:5:9: error: `k` is bound twice"));
    assert_eq!(caret_column(quoted, caret), 9);
    assert!(err.contains("2 problems found"), "{err}");

    std::fs::write(&keymap, "[keys]\nquit = [\"x\"]\n").unwrap();
    assert_eq!(check(dir.path(), &cfg).status.code(), Some(0));
}

#[test]
fn the_quoted_line_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!("{GOOD}bearer_token = \"tok-1234567\"\nheaders = {{ \"X-Api-Key\" = \"key-7654321\", \"Bad Name\" = \"v\" }}\n"),
    )
    .unwrap();
    let out = check(dir.path(), &cfg);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(" | bearer_token = \"***********\""), "{err}");
    assert!(!err.contains("tok-1234567") && !err.contains("key-7654321"), "{err}");
}

#[test]
fn runbook_diagnostics_get_their_line_and_caret_too() {
    let dir = tempfile::tempdir().unwrap();
    let rb = dir.path().join("bad.md");
    std::fs::write(&rb, "# Bad\n\n## Step one\n\n```sh {destructive colour=red}\nrm -f /tmp/x\n```\n")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["check", rb.to_str().unwrap()])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("xdg-config"))
        .env("OPSDECK_STATE_DIR", dir.path().join("state"))
        .env_remove("OPSDECK_CONFIG")
        .env_remove("OPSDECK_KEYMAP")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    let [head, quoted, caret] = diagnostic(&err, &format!("{}:5:", rb.display()));
    assert!(head.contains("error:") && head.contains("colour"), "{head}");
    assert_eq!(quoted, " 5 | ```sh {destructive colour=red}");
    let col: usize = head.split(':').nth(2).unwrap().parse().unwrap();
    assert_eq!(caret_column(quoted, caret), col, "{err}");
}
