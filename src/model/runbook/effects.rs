//! What the machine returned: the run's log and output, the held output, the value
//! prompt, and the jobs for the edge.
use super::*;

/// Records what the operator should see and sends the effects to the edge.
/// `before`: what the run asked (see [`RunbookUi::asking`]) before the machine handled
/// the input.
pub(super) fn machine_effects(m: &mut Model, fx: Vec<machine::Effect>, before: Option<Asked>) -> Vec<Effect> {
    use crate::runbook::journal::EventKind as K;
    use machine::Effect as F;
    let Some(run) = m.runbook.run.as_mut() else { return Vec::new() };
    if let Some(s) = run.current_step() {
        run.shown_step = Some(s);
    }
    for f in &fx {
        let line = match f {
            F::AppendJournal(e) => {
                let step = e.step.map(|s| format!("step {}", s + 1)).unwrap_or_default();
                let detail = e.detail.clone().unwrap_or_default();
                match e.event {
                    K::BlockStarted => {
                        Some(format!("{step} block {}: running", e.block.map_or(0, |b| b + 1)))
                    }
                    K::BlockFinished => {
                        Some(format!("{step} block {}: {detail}", e.block.map_or(0, |b| b + 1)))
                    }
                    K::BlockDeclined => Some(format!(
                        "{step}: declined{}",
                        e.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
                    )),
                    K::ValuesGiven => Some(format!(
                        "{step} block {}: values {}",
                        e.block.map_or(0, |b| b + 1),
                        e.values.iter().map(|(k, v)| format!("{k}={v:?}")).collect::<Vec<_>>().join(" ")
                    )),
                    K::StepSkipped => Some(format!("{step} skipped: {detail}")),
                    K::StepFinished => Some(format!("{step} ok")),
                    K::StepFailed => Some(format!("{step} failed: {detail}")),
                    K::VerifyStarted => Some(format!("{step} verifying: {detail}")),
                    K::VerifyFinished => Some(format!("{step} verify: {detail}")),
                    _ => None,
                }
            }
            F::DrillPrint { script, .. } => {
                Some(format!("DRILL: printed, not run: {}", script.lines().next().unwrap_or_default()))
            }
            F::Notice(n) => Some(n.clone()),
            F::Finished(o) => Some(format!("run finished: {}", o.describe())),
            _ => None,
        };
        if let Some(l) = line {
            push_log(run, l);
        }
        if let F::AppendJournal(e) = f
            && e.event == K::BlockFinished
        {
            run.hold = true;
        }
        if let F::DrillPrint { script, env, .. } = f {
            for l in script.lines() {
                push_output(
                    run,
                    Shown::Line(OutputLine { stream: Stream::Stdout, text: format!("(drill) {l}") }),
                );
            }
            for (k, v) in env.iter().filter(|(k, _)| !k.starts_with("OPSDECK_")) {
                let text = format!("(drill) {k}={v}");
                push_output(run, Shown::Line(OutputLine { stream: Stream::Stdout, text }));
            }
        }
    }
    if before.is_none() || m.runbook.asking() != before {
        // A new dialog: nothing typed before it was drawn counts.
        m.runbook.confirm_text.clear();
        m.runbook.armed = false;
        m.runbook.armed_at = None;
        m.runbook.dialog_scroll = 0;
    }
    sync_value_prompt(m);
    m.mark_dirty();
    if fx.is_empty() { Vec::new() } else { vec![Effect::Runbook(RunbookJob::Perform(fx))] }
}

/// Opens, refreshes or closes the value prompt to match the machine (`Phase::NeedValue`,
/// shown once the last block's output was acknowledged).
pub(crate) fn sync_value_prompt(m: &mut Model) {
    let asked = m.runbook.run.as_ref().filter(|r| !r.hold).and_then(|r| r.machine.value_prompt());
    let open = m.runbook.prompt.as_ref().is_some_and(|p| p.kind == PromptKind::Value);
    match asked {
        Some(v) => {
            let fresh = !open || m.runbook.prompt.as_ref().is_some_and(|p| p.error != v.error);
            if fresh {
                m.runbook.prompt =
                    Some(Prompt { kind: PromptKind::Value, text: String::new(), error: v.error });
            }
        }
        None if open => m.runbook.prompt = None,
        None => {}
    }
}

pub(super) fn push_output(run: &mut Run, line: Shown) {
    run.output.push_back(line);
    while run.output.len() > OUTPUT_LINES {
        run.output.pop_front();
    }
}

pub(super) fn push_log(run: &mut Run, line: String) {
    push_output(run, Shown::Note(line.clone()));
    run.log.push_back(line);
    while run.log.len() > LOG_LINES {
        run.log.pop_front();
    }
}
