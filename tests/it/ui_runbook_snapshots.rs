//! Snapshots of the runbook pane through a real `Terminal` + `TestBackend`, at 200x60 and
//! 80x24: the destructive-block confirmation dialog, and a run in progress with output.

use crate::ui_runbook_support::*;
use opsdeck::model::runbook::RunbookMsg;
use opsdeck::model::{KeyCode, Mode, Model, Msg, update};
use opsdeck::runbook::exec::{OutputLine, Stream};
use opsdeck::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn text(m: &Model, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| opsdeck::ui::render(m, &Theme::builtin("dark").unwrap(), f)).unwrap();
    let buf = term.backend().buffer().clone();
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
}

fn dialog() -> Model {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    to_dialog(&mut m);
    m.runbook.drawn();
    typed(&mut m, "eu");
    m
}

fn running() -> Model {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    press(&mut m, KeyCode::Enter);
    for i in 0..30 {
        let (stream, text) = if i % 7 == 6 {
            (Stream::Stderr, format!("warning: slow answer from cache-3 (try {i})"))
        } else {
            (Stream::Stdout, format!("cache-3 eu-1 objects={} hit_rate=0.{}", 1000 + i * 17, 90 - i))
        };
        update(&mut m, Msg::Runbook(RunbookMsg::Output(OutputLine { stream, text })));
    }
    m
}

#[test]
fn confirmation_dialog_200x60() {
    let t = text(&dialog(), 200, 60);
    for want in [
        "CONFIRM",
        "touch \"$MARKER_DIR/restarted-$NODE\"",
        "CLUSTER=\"eu-1\"",
        "NODE=\"cache-3\"",
        "target: CLUSTER=eu-1",
        "rollback: step 3 Undo",
        "[!CAUTION]",
        "Type `eu-1` to run it",
        "Default: No",
        "> eu",
    ] {
        assert!(t.contains(want), "{want} in:\n{t}");
    }
    insta::assert_snapshot!(t);
}

#[test]
fn confirmation_dialog_80x24() {
    let t = text(&dialog(), 80, 24);
    assert!(t.contains("CONFIRM") && t.contains("Default: No") && t.contains("> eu"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn run_in_progress_200x60() {
    let t = text(&running(), 200, 60);
    for want in [
        "▶ running",
        "· pending",
        "Look at the node",
        "Check the node answers before touching it.",
        "$ echo \"looking at $NODE in $CLUSTER\"",
        "| cache-3 eu-1 objects=1493",
        "! warning: slow answer from cache-3 (try 27)",
        "Ctrl-C interrupt",
    ] {
        assert!(t.contains(want), "{want} in:\n{t}");
    }
    insta::assert_snapshot!(t);
}

#[test]
fn run_in_progress_80x24() {
    let t = text(&running(), 80, 24);
    assert!(t.contains("running") && t.contains("| cache-3 eu-1 objects=1493"), "{t}");
    insta::assert_snapshot!(t);
}

#[test]
fn output_scrolls_and_small_sizes_never_panic() {
    let mut m = running();
    update(&mut m, Msg::Key(opsdeck::model::Key::new(KeyCode::PageUp)));
    let t = text(&m, 200, 60);
    assert!(t.contains("scrolled up 10"), "{t}");
    assert!(!t.contains("objects=1493"), "the newest lines scrolled out");
    // A dialog taller than the screen scrolls its details; the answer line stays.
    let mut d = dialog();
    let t = text(&d, 80, 16);
    assert!(t.contains("more lines below") && t.contains("Default: No") && t.contains("> eu"), "{t}");
    for _ in 0..20 {
        update(&mut d, Msg::Key(opsdeck::model::Key::new(KeyCode::Down)));
    }
    let t = text(&d, 80, 16);
    assert!(
        t.contains("rollback: step 3 Undo") && t.contains("more lines above") && t.contains("> eu"),
        "{t}"
    );
    for (w, h) in [(20, 5), (40, 10), (80, 24), (120, 36), (400, 120)] {
        text(&m, w, h);
        text(&dialog(), w, h);
    }
}
