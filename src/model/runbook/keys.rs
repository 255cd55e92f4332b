//! Keys of the runbook UI: the dialog, the prompts, the picker and the run pane.
use super::super::keymap::Action;
use super::super::keys::{Key, KeyCode};
use super::*;

/// Keys, before the keymap: returns `Some` when the runbook UI took the key.
pub fn on_key(m: &mut Model, k: Key) -> Option<Vec<Effect>> {
    if m.runbook.leaving.is_some() {
        // Leaving on a signal: the step is being stopped; keys wait for nothing.
        return Some(Vec::new());
    }
    let ctrl_c = k.ctrl && k.code == KeyCode::Char('c');
    if m.runbook.status.take().is_some() {
        m.mark_dirty();
    }
    // Ctrl-C while a block runs interrupts the block, never opsdeck.
    if ctrl_c
        && let Some(run) = &m.runbook.run
        && matches!(run.machine.phase(), Phase::Running { .. } | Phase::Verifying { .. })
    {
        m.runbook.status = Some("interrupting the running step (its process group only)".into());
        return Some(feed(m, Input::Interrupt));
    }
    if m.runbook.quit_ask {
        m.runbook.quit_ask = false;
        m.mark_dirty();
        return Some(match k.code {
            KeyCode::Char('y') if !k.ctrl => vec![Effect::Quit],
            _ => Vec::new(),
        });
    }
    if m.runbook.dialog_open() {
        return Some(dialog_key(m, k));
    }
    if m.runbook.prompt.is_some() {
        return Some(prompt_key(m, k));
    }
    if m.runbook.picker.is_some() {
        return Some(picker_key(m, k));
    }
    if m.keymap.action(k) == Some(Action::Quit) && m.runbook.active() {
        m.runbook.quit_ask = true;
        m.mark_dirty();
        return Some(Vec::new());
    }
    if m.focus == Pane::Runbook
        && m.runbook.run.is_some()
        && !m.help
        && let Some(fx) = run_key(m, k)
    {
        return Some(fx);
    }
    if m.runbook.holds_keyboard(m.focus)
        && let Some(a) = m.keymap.action(k)
        && super::super::incident_actions::handles(a)
    {
        // An incident key typed at the run (a reason, an answer typed too early) must not
        // acknowledge, resolve or silence anything.
        m.runbook.status = Some(format!(
            "{}: incident keys do nothing while the run has the keyboard (Tab to another pane)",
            k
        ));
        m.mark_dirty();
        return Some(Vec::new());
    }
    None
}

/// Enter after a block ended: the output was seen; the next question may open.
fn acknowledge(m: &mut Model) -> Vec<Effect> {
    if let Some(run) = m.runbook.run.as_mut() {
        run.hold = false;
    }
    m.runbook.armed = false;
    m.runbook.armed_at = None;
    m.runbook.confirm_text.clear();
    m.runbook.dialog_scroll = 0;
    sync_value_prompt(m);
    m.mark_dirty();
    Vec::new()
}

fn dialog_key(m: &mut Model, k: Key) -> Vec<Effect> {
    m.mark_dirty();
    if !m.runbook.armed {
        // Typed before the dialog was on screen: discarded.
        return Vec::new();
    }
    match k.code {
        KeyCode::Enter => {
            let text = std::mem::take(&mut m.runbook.confirm_text);
            feed(m, Input::Confirm(text))
        }
        KeyCode::Esc => {
            m.runbook.confirm_text.clear();
            feed(m, Input::Confirm(String::new()))
        }
        KeyCode::Backspace => {
            m.runbook.confirm_text.pop();
            Vec::new()
        }
        KeyCode::Up | KeyCode::PageUp => {
            let by = if k.code == KeyCode::Up { 1 } else { 5 };
            m.runbook.dialog_scroll = m.runbook.dialog_scroll.saturating_sub(by);
            Vec::new()
        }
        KeyCode::Down | KeyCode::PageDown => {
            // Clamped when drawn: the model does not know the dialog's height.
            let by = if k.code == KeyCode::Down { 1 } else { 5 };
            m.runbook.dialog_scroll = (m.runbook.dialog_scroll + by).min(200);
            Vec::new()
        }
        KeyCode::Char(c) if !k.ctrl && !k.alt => {
            m.runbook.confirm_text.push(c);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn prompt_key(m: &mut Model, k: Key) -> Vec<Effect> {
    m.mark_dirty();
    let value = m.runbook.prompt.as_ref().is_some_and(|p| p.kind == PromptKind::Value);
    if value && !m.runbook.armed {
        // Typed before the value prompt was on screen: discarded.
        return Vec::new();
    }
    let Some(p) = m.runbook.prompt.as_mut() else { return Vec::new() };
    match k.code {
        KeyCode::Esc if value => {
            m.runbook.prompt = None;
            feed(m, Input::CancelValue)
        }
        KeyCode::Esc => {
            let kind = p.kind;
            m.runbook.prompt = None;
            if matches!(kind, PromptKind::Justification | PromptKind::Param(_)) {
                m.runbook.setup = None;
                m.runbook.status = Some("run cancelled".into());
            }
            Vec::new()
        }
        KeyCode::Backspace => {
            p.text.pop();
            Vec::new()
        }
        KeyCode::Char(c) if !k.ctrl && !k.alt => {
            p.text.push(c);
            Vec::new()
        }
        KeyCode::Enter => submit_prompt(m),
        _ => Vec::new(),
    }
}

fn submit_prompt(m: &mut Model) -> Vec<Effect> {
    let Some(p) = m.runbook.prompt.clone() else { return Vec::new() };
    match p.kind {
        PromptKind::Justification => {
            let Some(setup) = m.runbook.setup.as_mut() else { return Vec::new() };
            match check_justification(&setup.runbook, &p.text) {
                Ok(()) => {
                    setup.justification = Some(p.text.trim().to_string());
                    next_param(m, 0)
                }
                Err(e) => {
                    if let Some(pr) = m.runbook.prompt.as_mut() {
                        pr.error = Some(e);
                    }
                    Vec::new()
                }
            }
        }
        PromptKind::Value => {
            if let Some(pr) = m.runbook.prompt.as_mut() {
                pr.text.clear();
            }
            feed(m, Input::Value(p.text))
        }
        PromptKind::Param(i) => {
            if let Some(v) = m.runbook.setup.as_mut().and_then(|s| s.values.get_mut(i)) {
                *v = p.text.clone();
            }
            next_param(m, i + 1)
        }
        PromptKind::Skip | PromptKind::SkipFailed | PromptKind::Abort => {
            let reason = p.text.trim().to_string();
            if reason.is_empty() && p.kind != PromptKind::Abort {
                if let Some(pr) = m.runbook.prompt.as_mut() {
                    pr.error = Some("a reason is required".into());
                }
                return Vec::new();
            }
            m.runbook.prompt = None;
            let input = match p.kind {
                PromptKind::Skip => Input::Skip(reason),
                PromptKind::SkipFailed => Input::SkipFailed(reason),
                _ => Input::Abort(if reason.is_empty() { "aborted by operator".into() } else { reason }),
            };
            feed(m, input)
        }
    }
}

fn picker_key(m: &mut Model, k: Key) -> Vec<Effect> {
    m.mark_dirty();
    let Some(p) = m.runbook.picker.as_mut() else { return Vec::new() };
    let len = p.items.len();
    match k.code {
        KeyCode::Esc | KeyCode::Char('q') => m.runbook.picker = None,
        KeyCode::Up | KeyCode::Char('k') => p.sel = p.sel.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => p.sel = (p.sel + 1).min(len.saturating_sub(1)),
        KeyCode::Home => p.sel = 0,
        KeyCode::End => p.sel = len.saturating_sub(1),
        KeyCode::Enter => {
            if let Some(f) = p.items.get(p.sel).cloned() {
                return choose(m, f);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Keys on the runbook pane while a run is shown.
fn run_key(m: &mut Model, k: Key) -> Option<Vec<Effect>> {
    m.mark_dirty();
    let run = m.runbook.run.as_mut()?;
    let prompt = |kind| Some(Prompt { kind, text: String::new(), error: None });
    let code = if k.ctrl || k.alt { None } else { Some(k.code) };
    let phase = run.machine.phase().clone();
    let hold = run.hold;
    match (phase, code) {
        (
            Phase::Ready { .. } | Phase::Confirm { .. } | Phase::NeedValue { .. } | Phase::Done(_),
            Some(KeyCode::Enter),
        ) if hold => {
            return Some(acknowledge(m));
        }
        (_, Some(KeyCode::Up)) => run.scroll = (run.scroll + 1).min(run.output.len().saturating_sub(1)),
        (_, Some(KeyCode::Down)) => run.scroll = run.scroll.saturating_sub(1),
        (_, Some(KeyCode::PageUp)) => run.scroll = (run.scroll + 10).min(run.output.len().saturating_sub(1)),
        (_, Some(KeyCode::PageDown)) => run.scroll = run.scroll.saturating_sub(10),
        (_, Some(KeyCode::End)) => run.scroll = 0,
        (Phase::Ready { .. }, Some(KeyCode::Enter)) => return Some(feed(m, Input::RunStep)),
        (Phase::Ready { .. }, Some(KeyCode::Char('s'))) => m.runbook.prompt = prompt(PromptKind::Skip),
        (Phase::Ready { .. } | Phase::Failed { .. }, Some(KeyCode::Char('a'))) => {
            m.runbook.prompt = prompt(PromptKind::Abort)
        }
        (Phase::Failed { .. }, Some(KeyCode::Char('r'))) => return Some(feed(m, Input::Retry)),
        (Phase::Failed { .. }, Some(KeyCode::Char('s'))) => m.runbook.prompt = prompt(PromptKind::SkipFailed),
        (Phase::Failed { rollback: Some(_), .. }, Some(KeyCode::Char('b'))) => {
            return Some(feed(m, Input::Rollback));
        }
        (Phase::NeedJustification { .. }, Some(KeyCode::Enter)) => {
            m.runbook.prompt = prompt(PromptKind::Justification)
        }
        (Phase::Done(_), Some(KeyCode::Enter | KeyCode::Esc)) => {
            m.runbook.run = None;
            m.zoom = false;
            return Some(vec![Effect::Runbook(RunbookJob::Close)]);
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Keys the footer shows for the runbook pane in the current phase.
pub fn hints(ui: &RunbookUi) -> &'static str {
    let Some(run) = &ui.run else { return "r pick a runbook" };
    let waiting = matches!(
        run.machine.phase(),
        Phase::Ready { .. } | Phase::Confirm { .. } | Phase::NeedValue { .. } | Phase::Done(_)
    );
    if run.hold && waiting {
        return "Enter: seen, continue · ↑↓ scroll output";
    }
    match run.machine.phase() {
        Phase::NeedValue { .. } => "type the value · Enter accept · Esc do not run the block",
        Phase::Ready { .. } => "Enter run step · s skip · a abort · ↑↓ scroll output",
        Phase::Failed { rollback: Some(_), .. } => "r retry · s skip · b roll back · a abort",
        Phase::Failed { .. } => "r retry · s skip · a abort",
        Phase::Running { .. } | Phase::Verifying { .. } => "Ctrl-C interrupt the step · ↑↓ scroll output",
        Phase::Confirm { .. } => "type the confirmation (yes: the whole word) · Enter submit · Esc No",
        Phase::NeedJustification { .. } => "Enter give a justification",
        Phase::Done(_) => "Enter close the run",
    }
}
