//! Terminal escape sequences from outside never reach the real terminal through the line
//! outputs (the screen draws through ratatui's buffer, which drops control characters; the
//! ui should still pass outside text through `util::text::sanitize` to show it cleanly):
//! - `runbook run` in plain mode: a command's output with OSC 52 (clipboard), a title set,
//!   CSI clear screen and an 8-bit CSI arrives on stdout without a single control byte;
//! - a runbook that tries to hide part of a destructive command from the confirmation
//!   dialog (carriage return, erase line) shows the whole command;
//! - `incident list` and `export` print hostile titles and notes inert.

use crate::rbrun_support::Ws;

/// Control characters allowed in a line-oriented output: newline only.
fn assert_no_control(what: &str, s: &str) {
    for (i, c) in s.char_indices() {
        assert!(
            c == '\n' || !(c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
            "{what}: control {c:?} at byte {i} in:\n{s:?}"
        );
    }
}

const HOSTILE_PRINTF: &str =
    r#"printf 'a\033]52;c;cm0gLXJmIH4=\007b\033]0;pwned\033\\c\033[2J\033[Hd\233?1049he\342\200\256f\n'"#;

#[test]
fn command_output_in_plain_mode_is_inert() {
    let ws = Ws::new("");
    ws.write_runbook(
        "esc",
        &format!("# Escapes\n\n## Print hostile output\n\n```sh {{readonly}}\n{HOSTILE_PRINTF}\nprintf 'to stderr\\033[31m red\\n' >&2\n```\n"),
    );
    let out = ws.run(&["runbook", "run", "esc"], "\n");
    // The 8-bit CSI byte and the RLO are not UTF-8 / are bidi: both show as U+FFFD.
    assert!(out.stdout.contains("  | abcd\u{FFFD}?1049he\u{FFFD}f"), "the printable text is kept: {out:?}");
    assert!(out.stdout.contains("  ! to stderr red"), "{out:?}");
    assert_no_control("stdout", &out.stdout);
    assert_no_control("stderr", &out.stderr);
}

#[test]
fn confirmation_dialog_shows_the_whole_command() {
    let ws = Ws::new("");
    // The carriage return and erase-line would make a terminal show only `echo safe`.
    ws.write_runbook(
        "hide",
        "# Hide\n\n## Innocent step\n\n```sh {destructive}\ntouch hidden-marker # \r\u{1b}[2Kecho safe\n```\n",
    );
    // Justification, run the step, then end of input at the confirmation (never a yes).
    let out = ws.run(&["runbook", "run", "hide"], "INC-1\n\n");
    assert!(out.stdout.contains("touch hidden-marker"), "{out:?}");
    assert_no_control("stdout", &out.stdout);
    assert!(!ws.path().join("hidden-marker").exists() && !ws.rb().join("hidden-marker").exists());
}

#[test]
fn incident_titles_and_notes_print_inert() {
    let ws = Ws::new("");
    let title = "DB down\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{9b}31m now";
    let o = ws.cmd(&["incident", "declare", "--title", title, "--severity", "P1"]).output().unwrap();
    assert!(o.status.success(), "{o:?}");
    let o = ws.cmd(&["incident", "note", "look\u{1b}[1A\rhere\u{202e}"]).output().unwrap();
    assert!(o.status.success(), "{o:?}");
    for args in [&["incident", "list"][..], &["incident", "export", "1"][..]] {
        let o = ws.cmd(args).output().unwrap();
        let s = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(s.contains("DB down"), "{args:?}: {s}");
        assert_no_control(&format!("{args:?}"), &s);
        assert_no_control(&format!("{args:?} stderr"), &String::from_utf8_lossy(&o.stderr));
    }
}
