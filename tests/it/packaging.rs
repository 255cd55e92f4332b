//! What an installed opsdeck needs without its source tree: the demo's runbooks embedded,
//! shell completions, the man page, the log file, the snapshot's schema version. Through
//! the real binary, each test with a private HOME and state directory.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_opsdeck");

/// `opsdeck ARGS` run in `cwd`, with HOME, XDG dirs and the state directory inside `home`.
fn opsdeck(home: &Path, cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(cwd)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("OPSDECK_STATE_DIR", home.join("state"))
        .env_remove("OPSDECK_CONFIG")
        .env_remove("OPSDECK_KEYMAP")
        .env_remove("OPSDECK_LOG")
        .env_remove("RUST_LOG");
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("run opsdeck");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_demo_finds_the_shipped_runbooks_from_any_directory() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut child = opsdeck(home.path(), elsewhere.path(), &["demo", "--serve-only"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut config = None;
    while config.is_none() && Instant::now() < deadline {
        let line = lines.next().expect("serve-only prints its URLs").unwrap();
        config = line.strip_prefix("CONFIG=").map(str::to_string);
    }
    let config = config.expect("a CONFIG= line");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(!written.contains(env!("CARGO_MANIFEST_DIR")), "no path into the build tree:\n{written}");

    let other = tempfile::tempdir().unwrap();
    let (code, out, err) =
        run(&mut opsdeck(home.path(), other.path(), &["runbook", "list", "--config", &config]));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code, 0, "{out}{err}");
    for name in ["gateway-overload", "database-failover", "compaction-storm", "vote-brigade"] {
        assert!(out.contains(name), "{name} listed:\n{out}");
    }
    let unpacked = home.path().join("state/shipped-runbooks");
    for (name, text) in opsdeck::demo::runbooks::SHIPPED {
        assert_eq!(std::fs::read_to_string(unpacked.join(name)).unwrap(), *text, "{name}");
    }
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let home = tempfile::tempdir().unwrap();
    for (shell, marker) in
        [("bash", "complete -F"), ("zsh", "#compdef opsdeck"), ("fish", "complete -c opsdeck")]
    {
        let (code, out, err) = run(&mut opsdeck(home.path(), home.path(), &["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(marker), "{shell}: {marker} in\n{out}");
        for sub in ["demo", "check", "snapshot", "runbook", "completions"] {
            assert!(out.contains(sub), "{shell} completes `{sub}`");
        }
    }
    let (code, _, err) = run(&mut opsdeck(home.path(), home.path(), &["completions", "tcsh"]));
    assert_eq!(code, 2, "an unknown shell is a usage error: {err}");
}

#[test]
fn the_man_page_on_stdout_and_one_per_subcommand() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(&mut opsdeck(home.path(), home.path(), &["man"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(".ie \\n(.g .ds Aq") || out.contains(".TH opsdeck 1"), "roff:\n{out}");
    assert!(out.contains(".TH opsdeck 1"), "{out}");
    assert!(out.contains("terminal operations command center"), "{out}");
    assert!(out.contains("\\-\\-config"), "options are listed");

    let dir = home.path().join("man1");
    let (code, _, err) =
        run(&mut opsdeck(home.path(), home.path(), &["man", "--out-dir", dir.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    for page in
        ["opsdeck.1", "opsdeck-check.1", "opsdeck-demo.1", "opsdeck-runbook.1", "opsdeck-runbook-run.1"]
    {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn the_log_file_is_in_the_state_dir_scrubbed_and_never_on_screen() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[[prometheus]]\nname = \"p\"\nurl = \"http://127.0.0.1:1\"\nbearer_token_env = \"OPSDECK_TEST_TOKEN\"\n\
         headers = { \"X-Api-Key\" = \"hdr-secret-42\" }\n",
    )
    .unwrap();
    let log = home.path().join("state/opsdeck.log");

    // Off unless asked for.
    let (code, _, err) =
        run(&mut opsdeck(home.path(), home.path(), &["check", "--config", cfg.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(!log.exists(), "no log file without OPSDECK_LOG or RUST_LOG");

    for var in ["OPSDECK_LOG", "RUST_LOG"] {
        let _ = std::fs::remove_file(&log);
        let mut c =
            opsdeck(home.path(), home.path(), &["snapshot", "--json", "--config", cfg.to_str().unwrap()]);
        c.env(var, "debug").env("OPSDECK_TEST_TOKEN", "tok-secret-17");
        let (code, out, err) = run(&mut c);
        assert_eq!(code, 1, "the source is down: {err}");
        assert!(out.contains("\"schema_version\": 1"), "{out}");
        let text = std::fs::read_to_string(&log).unwrap_or_else(|e| panic!("{var}: no log: {e}"));
        assert!(text.contains("log opened") && text.contains("config loaded"), "{var}:\n{text}");
        assert!(text.contains("DEBUG"), "{var}: the debug level is on:\n{text}");
        for secret in ["tok-secret-17", "hdr-secret-42"] {
            assert!(!text.contains(secret), "{secret} in the log:\n{text}");
        }
        assert!(!err.contains("log opened") && !out.contains("log opened"), "never on the terminal: {err}");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // A bad filter is said once, and the command still runs.
    let mut c = opsdeck(home.path(), home.path(), &["check", "--config", cfg.to_str().unwrap()]);
    let (code, _, err) = run(c.env("OPSDECK_LOG", "opsdeck=loud"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("bad filter") && err.contains("logging off"), "{err}");
}

#[test]
fn a_user_theme_file_is_drawn_by_name() {
    let home = tempfile::tempdir().unwrap();
    let themes = home.path().join("xdg-config/opsdeck/themes");
    std::fs::create_dir_all(&themes).unwrap();
    let dark = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/dark.toml")).unwrap();
    std::fs::write(themes.join("neon.toml"), dark.replace("name = \"dark\"", "name = \"neon\"")).unwrap();
    let out = home.path().join("shot.txt");
    let args = ["screenshot", "--size", "80x24", "--theme", "neon", "--out", out.to_str().unwrap()];
    let (code, _, err) = run(&mut opsdeck(home.path(), home.path(), &args));
    assert_eq!(code, 0, "themes/NAME.toml in the config dir is a theme: {err}");
    assert!(std::fs::read_to_string(&out).unwrap().contains("opsdeck"));
    let args = ["screenshot", "--size", "80x24", "--theme", "nope", "--out", out.to_str().unwrap()];
    let (code, _, err) = run(&mut opsdeck(home.path(), home.path(), &args));
    assert_ne!(code, 0);
    assert!(err.contains("unknown theme `nope`") && err.contains("neon"), "{err}");
}
