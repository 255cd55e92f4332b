//! The runbook pane through the pure `update`: picker, justification, parameters, the
//! typed confirmation (wrong text runs nothing, the right text runs), the default No,
//! discarded type-ahead, Ctrl-C, `q` during a run, SIGHUP/SIGTERM during a run (the
//! running block is interrupted and journaled before quitting), wall and read-only
//! refusals.

use crate::ui_runbook_support::*;
use opsdeck::model::runbook::{PromptKind, RunbookJob, RunbookMsg};
use opsdeck::model::{Effect, Key, KeyCode, Mode, Msg, Pane, update};
use opsdeck::runbook::journal::EventKind;
use opsdeck::runbook::machine::{self, Input, Phase, RunState};

fn declined(fx: &[machine::Effect]) -> bool {
    fx.iter().any(|f| matches!(f, machine::Effect::AppendJournal(e) if e.event == EventKind::BlockDeclined))
}

fn phase(m: &opsdeck::model::Model) -> Phase {
    m.runbook.run.as_ref().unwrap().machine.phase().clone()
}

#[test]
fn picker_lists_runbooks_and_enter_starts_the_chosen_one() {
    let mut m = model(Mode::Live, false, false);
    assert_eq!(ch(&mut m, 'r'), vec![Effect::Runbook(RunbookJob::Discover)]);
    assert!(m.runbook.picker.is_none(), "the picker opens when the edge answers");
    update(&mut m, Msg::Runbook(RunbookMsg::Found(Ok(vec![found(), other()]))));
    let p = m.runbook.picker.as_ref().expect("picker open");
    assert_eq!(p.items.len(), 2);
    key(&mut m, KeyCode::Down);
    assert_eq!(m.runbook.picker.as_ref().unwrap().sel, 1);
    key(&mut m, KeyCode::Up);
    // Enter on a runbook with a destructive step asks for a justification first.
    let fx = key(&mut m, KeyCode::Enter);
    assert!(fx.is_empty());
    assert!(m.runbook.picker.is_none());
    assert_eq!(m.runbook.prompt.as_ref().unwrap().kind, PromptKind::Justification);
    assert_eq!(m.focus, Pane::Runbook);
    // Esc cancels the whole setup.
    key(&mut m, KeyCode::Esc);
    assert!(m.runbook.prompt.is_none() && m.runbook.setup.is_none());
}

#[test]
fn a_runbook_without_destructive_steps_goes_straight_to_the_run() {
    let mut m = model(Mode::Live, false, false);
    ch(&mut m, 'r');
    update(&mut m, Msg::Runbook(RunbookMsg::Found(Ok(vec![found(), other()]))));
    key(&mut m, KeyCode::Down);
    let fx = key(&mut m, KeyCode::Enter);
    assert!(matches!(fx.as_slice(), [Effect::Runbook(RunbookJob::Prepare(rb))] if rb.title == "Look around"));
}

#[test]
fn justification_is_checked_against_the_pattern() {
    let mut m = model(Mode::Live, false, false);
    ch(&mut m, 'r');
    update(&mut m, Msg::Runbook(RunbookMsg::Found(Ok(vec![found()]))));
    key(&mut m, KeyCode::Enter);
    typed(&mut m, "because");
    let fx = key(&mut m, KeyCode::Enter);
    assert!(fx.is_empty());
    let p = m.runbook.prompt.as_ref().unwrap();
    assert_eq!(p.kind, PromptKind::Justification);
    assert!(p.error.as_ref().unwrap().contains("does not match"), "{p:?}");
    // Fix it: clear and type a ticket id.
    for _ in 0.."because".len() {
        key(&mut m, KeyCode::Backspace);
    }
    typed(&mut m, "INC-42");
    key(&mut m, KeyCode::Enter);
    let p = m.runbook.prompt.as_ref().unwrap();
    assert_eq!(p.kind, PromptKind::Param(0));
    assert_eq!(p.text, "eu-1", "defaults are prefilled");
    assert_eq!(m.runbook.setup.as_ref().unwrap().justification.as_deref(), Some("INC-42"));
}

#[test]
fn parameters_are_validated_before_the_run_is_prepared() {
    let mut m = model(Mode::Live, false, false);
    ch(&mut m, 'r');
    update(&mut m, Msg::Runbook(RunbookMsg::Found(Ok(vec![found()]))));
    key(&mut m, KeyCode::Enter);
    typed(&mut m, "SRE-1");
    key(&mut m, KeyCode::Enter);
    // cluster: replace eu-1 with a value outside the choices.
    for _ in 0..4 {
        key(&mut m, KeyCode::Backspace);
    }
    typed(&mut m, "mars-9");
    key(&mut m, KeyCode::Enter);
    let fx = key(&mut m, KeyCode::Enter);
    assert!(fx.is_empty(), "invalid parameters prepare nothing");
    let p = m.runbook.prompt.as_ref().unwrap();
    assert_eq!(p.kind, PromptKind::Param(0), "back on the bad parameter");
    assert!(p.error.as_ref().unwrap().contains("not one of"), "{p:?}");
    for _ in 0.."mars-9".len() {
        key(&mut m, KeyCode::Backspace);
    }
    typed(&mut m, "us-1");
    key(&mut m, KeyCode::Enter);
    let fx = key(&mut m, KeyCode::Enter);
    assert!(matches!(fx.as_slice(), [Effect::Runbook(RunbookJob::Prepare(_))]));
    let params = m.runbook.setup.as_ref().unwrap().params.clone().unwrap();
    assert_eq!(params.get("cluster").map(String::as_str), Some("us-1"));
}

#[test]
fn wrong_typed_confirmation_runs_nothing_and_the_right_one_runs() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    to_dialog(&mut m);
    m.runbook.drawn();
    typed(&mut m, "us-1");
    let fx = press(&mut m, KeyCode::Enter);
    assert!(!starts_command(&fx), "wrong text: no run: {fx:?}");
    assert!(declined(&fx));
    assert!(!m.runbook.dialog_open());
    let st = &m.runbook.run.as_ref().unwrap().machine.steps()[1];
    assert_ne!(st.blocks[0], RunState::Running);

    // Ask again and type the parameter's value exactly.
    let fx = press(&mut m, KeyCode::Enter);
    assert!(!starts_command(&fx));
    assert!(m.runbook.dialog_open());
    m.runbook.drawn();
    typed(&mut m, "eu-1");
    let fx = press(&mut m, KeyCode::Enter);
    let Some(machine::Effect::StartCommand { step, spec, .. }) =
        fx.iter().find(|f| matches!(f, machine::Effect::StartCommand { .. }))
    else {
        panic!("the right text runs the block: {fx:?}")
    };
    assert_eq!(*step, 1);
    assert!(spec.script.contains("restarted-$NODE"), "the parameter stays out of the script text");
    assert!(spec.env.contains(&("NODE".into(), "cache-3".into())));
    // The journal record comes before the command, in the same ordered batch.
    let started = fx
        .iter()
        .position(|f| matches!(f, machine::Effect::AppendJournal(e) if e.event == EventKind::BlockStarted));
    let cmd = fx.iter().position(|f| matches!(f, machine::Effect::StartCommand { .. }));
    assert!(started < cmd);
    assert!(matches!(phase(&m), Phase::Running { step: 1, block: 0 }));
}

#[test]
fn the_default_answer_is_no() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    to_dialog(&mut m);
    m.runbook.drawn();
    let fx = press(&mut m, KeyCode::Enter);
    assert!(!starts_command(&fx) && declined(&fx), "Enter alone is No");
    // Esc is No too.
    press(&mut m, KeyCode::Enter);
    m.runbook.drawn();
    typed(&mut m, "eu-");
    let fx = press(&mut m, KeyCode::Esc);
    assert!(!starts_command(&fx) && declined(&fx), "Esc is No");
}

#[test]
fn keys_typed_before_the_dialog_was_drawn_are_discarded() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    to_dialog(&mut m);
    // Not drawn yet: the exact answer and Enter, typed ahead, do nothing.
    typed(&mut m, "eu-1");
    let fx = press(&mut m, KeyCode::Enter);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(m.runbook.dialog_open(), "still asking");
    assert_eq!(m.runbook.confirm_text, "");
    m.runbook.drawn();
    // A stray Enter after the draw is the default No, never a yes.
    let fx = press(&mut m, KeyCode::Enter);
    assert!(!starts_command(&fx) && declined(&fx));
    // A new dialog is disarmed again until drawn.
    press(&mut m, KeyCode::Enter);
    assert!(m.runbook.dialog_open());
    assert!(!m.runbook.armed);
}

#[test]
fn ctrl_c_while_editing_the_alert_filter_interrupts_the_running_step_not_opsdeck() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    let fx = press(&mut m, KeyCode::Enter);
    assert!(starts_command(&fx));
    update(&mut m, Msg::Key(Key::ch('4')));
    update(&mut m, Msg::Key(Key::ch('/')));
    update(&mut m, Msg::Key(Key::ch('d')));
    assert!(m.filter_edit.is_some(), "editing the filter");
    let fx = update(&mut m, Msg::Key(Key::ctrl('c')));
    assert!(!fx.contains(&Effect::Quit), "{fx:?}");
    assert!(machine_fx(&fx).contains(&machine::Effect::KillCommand), "{fx:?}");
    assert!(m.filter_edit.is_none(), "the edit is left");
}

#[test]
fn ctrl_c_interrupts_the_running_step_not_opsdeck() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    let fx = press(&mut m, KeyCode::Enter);
    assert!(starts_command(&fx));
    let fx = update(&mut m, Msg::Key(Key::ctrl('c')));
    assert!(!fx.contains(&Effect::Quit));
    let mfx = machine_fx(&fx);
    assert!(mfx.contains(&machine::Effect::KillCommand), "{mfx:?}");
    // The block reports it was interrupted: the step failed, the run waits.
    let res = opsdeck::runbook::exec::ExecResult { interrupted: true, signal: Some(2), ..Default::default() };
    let fx = update(&mut m, Msg::Runbook(RunbookMsg::Event(Input::CommandExited(res))));
    settle(&mut m, fx);
    assert!(matches!(phase(&m), Phase::Failed { step: 0, .. }), "{:?}", phase(&m));
    // Failed offers retry: `r` runs the block again.
    let fx = press_ch(&mut m, 'r');
    assert!(starts_command(&fx));
}

#[test]
fn q_during_a_run_asks_first() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    let fx = ch(&mut m, 'q');
    assert!(fx.is_empty());
    assert!(m.runbook.quit_ask);
    assert!(ch(&mut m, 'n').is_empty(), "anything but y stays");
    assert!(!m.runbook.quit_ask);
    ch(&mut m, 'q');
    assert_eq!(ch(&mut m, 'y'), vec![Effect::Quit]);
}

/// Acknowledges journal records until the model quits; returns the journaled events.
fn ack_until_quit(m: &mut opsdeck::model::Model, mut fx: Vec<Effect>) -> Vec<EventKind> {
    let mut events = Vec::new();
    for _ in 0..20 {
        let appends: Vec<EventKind> = machine_fx(&fx)
            .iter()
            .filter_map(|f| match f {
                machine::Effect::AppendJournal(e) => Some(e.event),
                _ => None,
            })
            .collect();
        if fx.contains(&Effect::Quit) {
            assert!(appends.is_empty(), "quit only once every record is acknowledged: {fx:?}");
            return events;
        }
        assert_eq!(appends.len(), 1, "one record at a time, then wait: {fx:?}");
        events.extend(appends);
        fx = update(m, Msg::Runbook(RunbookMsg::Event(Input::Journaled(Ok(())))));
    }
    panic!("never quit; journaled {events:?}");
}

#[test]
fn a_signal_while_a_block_runs_interrupts_it_and_quits_once_its_end_is_journaled() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    let fx = press(&mut m, KeyCode::Enter);
    assert!(starts_command(&fx));
    let fx = update(&mut m, Msg::Shutdown);
    assert!(!fx.contains(&Effect::Quit), "not while the block runs: {fx:?}");
    assert_eq!(machine_fx(&fx), vec![machine::Effect::KillCommand], "the same interrupt as Ctrl-C");
    assert!(m.runbook.status.as_deref().unwrap_or_default().contains("runbook resume"));
    assert!(update(&mut m, Msg::Shutdown).is_empty(), "a second signal changes nothing");
    assert!(update(&mut m, Msg::Key(Key::ch('q'))).is_empty(), "keys wait for nothing now");
    assert!(update(&mut m, Msg::Key(Key::ctrl('c'))).is_empty());
    // The block ends (interrupted); its end and the step's failure are journaled, then quit.
    let res = opsdeck::runbook::exec::ExecResult { interrupted: true, signal: Some(2), ..Default::default() };
    let fx = update(&mut m, Msg::Runbook(RunbookMsg::Event(Input::CommandExited(res))));
    let events = ack_until_quit(&mut m, fx);
    assert_eq!(events, vec![EventKind::BlockFinished, EventKind::StepFailed]);
    assert!(m.runbook.active(), "the run is left unfinished, for `runbook resume`");
}

#[test]
fn a_signal_while_a_verify_polls_ends_it_unknown_and_quits_once_journaled() {
    let text = "---\ntitle: Check\n---\n# Check\n\n## Look\n\n```sh {readonly}\necho looking\n```\n\n\
                ```promql {verify for=0s timeout=5s}\nup\n```\n";
    let path = std::path::PathBuf::from("/runbooks/check.md");
    let f = opsdeck::model::runbook::Found {
        path: path.clone(),
        runbook: Ok(opsdeck::runbook::parse_str(text, &path).unwrap()),
        defaults: vec![],
    };
    let mut m = model(Mode::Live, false, false);
    ch(&mut m, 'r');
    update(&mut m, Msg::Runbook(RunbookMsg::Found(Ok(vec![f]))));
    let fx = key(&mut m, KeyCode::Enter);
    assert!(matches!(fx.as_slice(), [Effect::Runbook(RunbookJob::Prepare(_))]), "{fx:?}");
    let ready = RunbookMsg::Ready {
        run_id: "20261123T031400Z-check-abcd".into(),
        operator: operator(),
        journal: Ok(std::path::PathBuf::from("/state/runs/20261123T031400Z-check-abcd.jsonl")),
        simulator: false,
        inherited: Default::default(),
    };
    let fx = update(&mut m, Msg::Runbook(ready));
    settle(&mut m, fx);
    assert!(starts_command(&press(&mut m, KeyCode::Enter)));
    let fx = update(&mut m, Msg::Runbook(RunbookMsg::Event(Input::CommandExited(exited(0)))));
    let fx = settle(&mut m, fx);
    assert!(fx.iter().any(|f| matches!(f, machine::Effect::StartVerify { .. })), "{fx:?}");
    assert!(matches!(phase(&m), Phase::Verifying { .. }));
    let fx = update(&mut m, Msg::Shutdown);
    let events = ack_until_quit(&mut m, fx);
    assert_eq!(events.first(), Some(&EventKind::VerifyFinished), "{events:?}");
    assert!(!events.contains(&EventKind::RunFinished), "{events:?}");
    assert!(m.runbook.active());
}

#[test]
fn a_signal_while_waiting_for_the_operator_quits_at_once_and_leaves_the_run_open() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    assert_eq!(update(&mut m, Msg::Shutdown), vec![Effect::Quit]);
    assert!(m.runbook.active());
    // The confirmation dialog open: nothing ran, nothing to stop.
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    to_dialog(&mut m);
    assert_eq!(update(&mut m, Msg::Shutdown), vec![Effect::Quit]);
}

#[test]
fn skip_needs_a_reason_and_is_journaled() {
    let mut m = model(Mode::Live, false, false);
    ready_run(&mut m);
    ch(&mut m, 's');
    assert_eq!(m.runbook.prompt.as_ref().unwrap().kind, PromptKind::Skip);
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(m.runbook.prompt.as_ref().unwrap().error.is_some());
    typed(&mut m, "looked already");
    let fx = press(&mut m, KeyCode::Enter);
    assert!(fx.iter().any(|f| matches!(f, machine::Effect::AppendJournal(e)
        if e.event == EventKind::StepSkipped && e.detail.as_deref() == Some("looked already"))));
    assert_eq!(m.runbook.run.as_ref().unwrap().machine.steps()[0].state, RunState::Skipped);
}

#[test]
fn wall_and_read_only_refuse_runbooks_and_say_why() {
    for (readonly, wall, word) in [(true, false, "read-only"), (false, true, "wall")] {
        let mut m = model(Mode::Live, readonly, wall);
        let fx = ch(&mut m, 'r');
        assert!(fx.is_empty());
        assert!(m.runbook.status.as_ref().unwrap().contains(word), "{:?}", m.runbook.status);
    }
}

#[test]
fn demo_mode_runs_are_drills() {
    let mut m = model(Mode::Demo, false, false);
    ready_run(&mut m);
    assert!(m.runbook.run.as_ref().unwrap().drill());
    assert!(m.runbook.drilling());
    let text = screen_text(&m, 200, 60);
    assert!(text.lines().next().unwrap().contains("DRILL"), "header badge: {}", text.lines().next().unwrap());
}

#[test]
fn the_alert_key_opens_the_annotated_local_runbook() {
    use opsdeck::model::runbook::local_name;
    assert_eq!(local_name("runbooks/gateway-overload.md").as_deref(), Some("runbooks/gateway-overload.md"));
    assert_eq!(local_name("file:///srv/rb/x.md").as_deref(), Some("/srv/rb/x.md"));
    assert_eq!(local_name("https://wiki.example.com/rb/x"), None);
    // Without an alert open, the key says what to do.
    let mut m = model(Mode::Live, false, false);
    update(&mut m, Msg::Key(Key::ch('4')));
    let fx = ch(&mut m, 'R');
    assert!(fx.is_empty());
    assert!(m.runbook.status.is_some());
    // A loaded runbook continues like a picked one.
    update(&mut m, Msg::Runbook(RunbookMsg::Loaded(Ok(Box::new(found())))));
    assert_eq!(m.runbook.prompt.as_ref().unwrap().kind, PromptKind::Justification);
}

fn screen_text(m: &opsdeck::model::Model, w: u16, h: u16) -> String {
    let t = opsdeck::ui::Theme::builtin("dark").unwrap();
    let buf = opsdeck::ui::render_to_buffer(m, &t, w, h);
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n").collect()
}
