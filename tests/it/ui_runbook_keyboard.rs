//! The runner at human speed, through the model's pure `update`: a block's output stays in
//! view until Enter acknowledges it, a placeholder's value is asked in a dialog showing the
//! command with the placeholder highlighted, keys that arrive before (or just after) a
//! dialog is on screen are discarded, incident keys do nothing while the run has the
//! keyboard, a text field's footer shows its keys, and the quit question names the run and
//! the resume command.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::ui_runbook_support::*;
use opsdeck::model::runbook::{Found, PromptKind, RunbookJob, RunbookMsg};
use opsdeck::model::{Effect, Key, KeyCode, Mode, Model, Msg, update};
use opsdeck::runbook::journal::EventKind;
use opsdeck::runbook::machine::{self, Input, Phase};
use opsdeck::runbook::types::{CommandLine, Placeholder, PlaceholderStyle};
use opsdeck::ui::Theme;

fn screen(m: &Model, w: u16, h: u16) -> (Vec<String>, ratatui::buffer::Buffer) {
    let buf = opsdeck::ui::render_to_buffer(m, &Theme::builtin("dark").unwrap(), w, h);
    let lines = (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>()).collect();
    (lines, buf)
}

fn phase(m: &Model) -> Phase {
    m.runbook.run.as_ref().unwrap().machine.phase().clone()
}

fn exit0(m: &mut Model) -> Vec<machine::Effect> {
    let fx = update(m, Msg::Runbook(RunbookMsg::Event(Input::CommandExited(exited(0)))));
    settle(m, fx)
}

#[test]
fn a_blocks_output_stays_until_enter_acknowledges_it() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    assert!(starts_command(&press(&mut m, KeyCode::Enter)));
    let line = opsdeck::runbook::exec::OutputLine {
        stream: opsdeck::runbook::exec::Stream::Stdout,
        text: "cache-3 answers".into(),
    };
    update(&mut m, Msg::Runbook(RunbookMsg::Output(line)));
    exit0(&mut m);
    assert!(m.runbook.run.as_ref().unwrap().hold);
    assert_eq!(phase(&m), Phase::Ready { step: 1 });
    // Fast Enters: the first only acknowledges; the output is still there.
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    let run = m.runbook.run.as_ref().unwrap();
    assert!(!run.hold);
    assert!(format!("{:?}", run.output).contains("cache-3 answers"), "the output stays in view");
    assert!(!m.runbook.dialog_open());
    // The next Enter moves on: step 2's dialog, unarmed until drawn.
    press(&mut m, KeyCode::Enter);
    assert!(m.runbook.dialog_open() && !m.runbook.armed);
    // A dialog that follows a block of the same step waits for the acknowledgement too.
    m.runbook.drawn();
    typed(&mut m, "eu-1");
    assert!(starts_command(&press(&mut m, KeyCode::Enter)));
    exit0(&mut m);
    // The run's end: Enter acknowledges, the next Enter closes.
    let done = matches!(phase(&m), Phase::Done(_));
    assert!(done, "{:?}", phase(&m));
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert!(m.runbook.run.is_some(), "the output of the last block stays after the first Enter");
    let fx = key(&mut m, KeyCode::Enter);
    assert!(fx.contains(&Effect::Runbook(RunbookJob::Close)), "{fx:?}");
}

#[test]
fn keys_that_arrive_before_or_just_after_the_dialog_was_drawn_are_discarded() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    to_dialog(&mut m);
    let t0 = Instant::now();
    assert!(m.runbook.discards_key(t0), "not drawn yet");
    m.runbook.drawn_at(Some(t0));
    assert!(m.runbook.discards_key(t0 - Duration::from_millis(5)), "arrived before the draw");
    assert!(m.runbook.discards_key(t0 + Duration::from_millis(100)), "within the guard");
    assert!(!m.runbook.discards_key(t0 + Duration::from_millis(200)));
    // Drawing again does not move the guard.
    m.runbook.drawn_at(Some(t0 + Duration::from_secs(5)));
    assert!(!m.runbook.discards_key(t0 + Duration::from_millis(200)));
    // Without a dialog nothing is discarded.
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    assert!(!m.runbook.discards_key(Instant::now()));
}

#[test]
fn incident_keys_do_nothing_while_the_run_has_the_keyboard() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    assert!(starts_command(&press(&mut m, KeyCode::Enter)));
    for c in ['i', 'a', 'x', 'n', 's'] {
        let fx = update(&mut m, Msg::Key(Key::ch(c)));
        assert!(fx.is_empty(), "{c}: {fx:?}");
        assert!(m.actions.prompt.is_none(), "{c} opened an incident dialog while a block runs");
    }
    assert!(m.runbook.status.as_deref().unwrap_or_default().contains("incident keys do nothing"));
    exit0(&mut m);
    press(&mut m, KeyCode::Enter);
    press(&mut m, KeyCode::Enter);
    assert!(m.runbook.dialog_open());
    m.runbook.drawn();
    for c in ['i', 'a', 'x', 'n', 's'] {
        update(&mut m, Msg::Key(Key::ch(c)));
    }
    assert!(m.actions.prompt.is_none());
    assert_eq!(m.runbook.confirm_text, "iaxns", "the dialog took them as text");
    // On another pane, with nothing of the run open, the incident keys work again.
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    update(&mut m, Msg::Key(Key::ch('4')));
    update(&mut m, Msg::Key(Key::ch('i')));
    assert!(m.actions.prompt.is_some(), "declare opens off the runbook pane");
}

#[test]
fn a_text_fields_footer_shows_its_keys_not_quit() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    ch(&mut m, 's');
    assert_eq!(m.runbook.prompt.as_ref().unwrap().kind, PromptKind::Skip);
    for (w, h) in [(200, 60), (80, 24)] {
        update(&mut m, Msg::Resize(w, h));
        let (lines, _) = screen(&m, w, h);
        let footer = lines.last().unwrap();
        assert!(!footer.contains("q quit"), "{footer}");
        assert!(footer.contains("Enter accept") && footer.contains("Esc cancel"), "{footer}");
    }
}

#[test]
fn the_quit_question_names_the_run_and_the_resume_command() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    ch(&mut m, 'q');
    assert!(m.runbook.quit_ask);
    let (lines, _) = screen(&m, 200, 60);
    let all = lines.join("\n");
    assert!(all.contains("opsdeck runbook resume 20261123T031400Z-edge-cache-abcd"), "{all}");
}

/// The fixture with a `<pod_name>` placeholder in step 2 (as the parser will fill it).
fn with_placeholder() -> Found {
    let mut f = found();
    let rb = f.runbook.as_mut().unwrap();
    let b = &mut rb.steps[1].blocks[0];
    b.script = "kubectl delete pod \"${OPSDECK_PH_POD_NAME}\"".into();
    b.commands = vec![CommandLine {
        line: 40,
        prompt: None,
        context: "shell".into(),
        text: "kubectl delete pod <pod_name>".into(),
    }];
    b.placeholders = vec![Placeholder {
        text: "<pod_name>".into(),
        env: "OPSDECK_PH_POD_NAME".into(),
        style: PlaceholderStyle::Angle,
        line: 40,
    }];
    f
}

#[test]
fn a_placeholder_is_asked_in_the_screen_with_the_command_and_the_placeholder_highlighted() {
    let mut m = model(Mode::Live, false, false);
    update(&mut m, Msg::Runbook(RunbookMsg::Found(Ok(vec![with_placeholder()]))));
    key(&mut m, KeyCode::Enter);
    typed(&mut m, "SRE-7");
    for _ in 0..3 {
        key(&mut m, KeyCode::Enter);
    }
    let ready = RunbookMsg::Ready {
        run_id: "r-ph".into(),
        operator: operator(),
        journal: Ok(PathBuf::from("/state/runs/r-ph.jsonl")),
        simulator: false,
        inherited: Default::default(),
    };
    let fx = update(&mut m, Msg::Runbook(ready));
    settle(&mut m, fx);
    press(&mut m, KeyCode::Enter);
    exit0(&mut m);
    press(&mut m, KeyCode::Enter);
    press(&mut m, KeyCode::Enter);
    assert!(matches!(phase(&m), Phase::NeedValue { step: 1, .. }), "{:?}", phase(&m));
    assert_eq!(m.runbook.prompt.as_ref().map(|p| p.kind), Some(PromptKind::Value));
    assert!(!m.runbook.dialog_open(), "the value comes before the confirmation");
    // Typed before the prompt was drawn: discarded.
    typed(&mut m, "typed-ahead");
    assert_eq!(m.runbook.prompt.as_ref().unwrap().text, "");
    m.runbook.drawn();
    let (lines, buf) = screen(&m, 200, 60);
    let all = lines.join("\n");
    assert!(all.contains("kubectl delete pod <pod_name>"), "{all}");
    assert!(all.contains("OPSDECK_PH_POD_NAME"), "{all}");
    let (y, row) =
        lines.iter().enumerate().find(|(_, l)| l.contains("kubectl delete pod <pod_name>")).unwrap();
    let x = row.chars().take_while(|_| true).collect::<Vec<_>>();
    let col = x.iter().collect::<String>().find("<pod_name>").unwrap();
    let col = row[..col].chars().count() as u16;
    let cell = &buf[(col, y as u16)];
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED), "the placeholder is highlighted");
    let footer = lines.last().unwrap();
    assert!(!footer.contains("q quit"), "{footer}");
    // An empty value is refused with the reason; a value is journaled, then the dialog.
    let fx = press(&mut m, KeyCode::Enter);
    assert!(fx.is_empty());
    assert!(m.runbook.prompt.as_ref().unwrap().error.is_some());
    typed(&mut m, "web-1");
    let fx = press(&mut m, KeyCode::Enter);
    assert!(fx.iter().any(|f| matches!(f, machine::Effect::AppendJournal(e)
        if e.event == EventKind::ValuesGiven && e.values["OPSDECK_PH_POD_NAME"] == "web-1")));
    assert!(m.runbook.dialog_open());
    assert!(!m.runbook.armed, "the confirmation is a new question: armed only once drawn");
    m.runbook.drawn();
    typed(&mut m, "eu-1");
    let fx = press(&mut m, KeyCode::Enter);
    let Some(machine::Effect::StartCommand { spec, .. }) =
        fx.iter().find(|f| matches!(f, machine::Effect::StartCommand { .. }))
    else {
        panic!("{fx:?}")
    };
    assert!(spec.env.contains(&("OPSDECK_PH_POD_NAME".into(), "web-1".into())));
    assert!(!spec.script.contains("web-1"));
}
