//! Leaving on a signal with a run in progress.
use super::*;

/// SIGTERM, SIGHUP or SIGINT: quit at once, unless a run is in progress. Then a running
/// block is interrupted first (its process group only) and `Effect::Quit` comes once its
/// end is journaled; a run waiting for the operator (ready, confirmation, failed) is left
/// at once. Either way the run stays unfinished, for `opsdeck runbook resume`.
pub fn on_shutdown(m: &mut Model) -> Vec<Effect> {
    if m.runbook.leaving.is_some() {
        // Already leaving; the app bounds the wait.
        return Vec::new();
    }
    if !m.runbook.active() {
        return vec![Effect::Quit];
    }
    m.runbook.leaving = Some(Leaving::default());
    m.runbook.quit_ask = false;
    m.runbook.status = Some(
        "signal: stopping the running step (its process group only), then leaving; \
         `opsdeck runbook resume` continues the run"
            .into(),
    );
    m.mark_dirty();
    settle_leaving(m)
}

/// While leaving: interrupts what runs, waits for the journal, then quits.
pub(super) fn settle_leaving(m: &mut Model) -> Vec<Effect> {
    let Some(leaving) = m.runbook.leaving.as_mut() else { return Vec::new() };
    let Some(run) = m.runbook.run.as_ref() else { return vec![Effect::Quit] };
    if run.machine.awaiting_journal() {
        return Vec::new();
    }
    match run.machine.phase().clone() {
        Phase::Running { step, block } => {
            if leaving.interrupted == Some((step, block)) {
                // Interrupted; waiting for it to exit.
                return Vec::new();
            }
            leaving.interrupted = Some((step, block));
            leaving.stopped = true;
            feed(m, Input::Interrupt)
        }
        Phase::Verifying { .. } => {
            // Ends the verify at once (unknown) and journals it.
            leaving.stopped = true;
            let mut fx = feed(m, Input::Interrupt);
            fx.extend(settle_leaving(m));
            fx
        }
        _ => vec![Effect::Quit],
    }
}
