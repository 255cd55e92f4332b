//! A configured secret that a runbook step prints never reaches the terminal, the journal
//! or the after-action report, and the journal still verifies.
use crate::rbrun_support::*;

const TOKEN: &str = "tok-s3cr3t-5e1f2a";

#[test]
fn a_printed_secret_is_masked_on_screen_in_the_journal_and_in_the_report() {
    let ws = Ws::new(
        "[[prometheus]]\nname = \"p\"\nurl = \"http://127.0.0.1:9\"\nbearer_token_env = \"OPSDECK_TEST_SECRET_TOKEN\"\n",
    );
    ws.write_runbook(
        "leak",
        "# Leak\n\n## Print it\n\n```sh {readonly}\necho \"token is $OPSDECK_TEST_SECRET_TOKEN\"\n```\n",
    );
    let mut c = ws.cmd(&["runbook", "run", "leak", "--plain"]);
    c.env("OPSDECK_TEST_SECRET_TOKEN", TOKEN);
    let out = ws.run_cmd(c, "\n\n");
    let screen = format!("{}{}", out.stdout, out.stderr);
    assert!(screen.contains("token is ***"), "{screen}");
    assert!(!screen.contains(TOKEN), "{screen}");

    let runs = ws.state().join("runs");
    let journal = std::fs::read_dir(&runs).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains("token is ***"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");

    let verify = ws.cmd(&["audit", "verify"]).arg(&journal).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    let id = journal.file_stem().unwrap().to_string_lossy().into_owned();
    let mut r = ws.cmd(&["runbook", "report", &id]);
    r.env("OPSDECK_TEST_SECRET_TOKEN", TOKEN);
    let report = r.output().unwrap();
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(!report.contains(TOKEN), "{report}");
}

/// Escape sequences in a runbook's front matter, headings and prose (a clipboard write, a
/// title change, a screen clear, a bidi override) reach no subcommand's output raw.
#[test]
fn escape_sequences_in_a_runbook_are_inert_in_list_show_and_plain_runs() {
    let ws = Ws::new("");
    let evil = "x\u{1b}]52;c;ZXZpbA==\u{7}y\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}z";
    // The same in YAML's escapes (a double-quoted YAML string may not hold raw controls).
    let yaml = r"x\e]52;c;ZXZpbA==\ay\e]0;owned\a\e[2J\u202Ez";
    ws.write_runbook(
        "evil",
        &format!("---\ntitle: \"T {yaml}\"\nintent: \"I {yaml}\"\n---\n# H {evil}\n\n## Step {evil}\n\nProse {evil}\n\n```sh {{readonly}}\necho ok\n```\n"),
    );
    for args in [
        &["runbook", "list"][..],
        &["runbook", "show", "evil"][..],
        &["runbook", "show", "evil", "--json"][..],
    ] {
        let out = ws.cmd(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{args:?}: {text:?}"
        );
    }
    let out = ws.run(&["runbook", "run", "evil", "--plain"], "\n\n");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains('\u{1b}') && !all.contains('\u{7}') && !all.contains('\u{202e}'), "{all:?}");
}
