//! The edge that performs a [`Machine`]'s effects: journal writes, block processes, verify
//! polls, webhook posts. Front-end agnostic: plain mode uses it, the TUI pane can too.
//!
//! Use: feed an input to the machine, pass the returned effects to [`Runtime::perform`],
//! show what it returns; asynchronous results arrive on the [`RuntimeEvent`] receiver and
//! are fed back the same way (`RuntimeEvent::Input`). Must be used inside a tokio runtime.
//!
//! Contract: `perform` appends journal records synchronously (fsync'd) and acknowledges
//! them to the machine immediately, so an action effect that follows an append is only
//! performed after the record is on disk. If the journal could not be opened, every
//! append fails, and the machine refuses destructive blocks.
use chrono::Utc;
use tokio::sync::mpsc;

use super::exec::{self, ExecHandle, ExecResult, OutputLine};
use super::journal::Journal;
use super::machine::{Effect, Input, Machine};
use super::verify::{self, PromQuery};
use super::webhook::Webhook;

/// Something that happened off the main path.
#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeEvent {
    /// A line of live output from the running block.
    Output(OutputLine),
    /// A result to feed to the machine (`CommandExited`, `VerifyDone`).
    Input(Input),
    /// A warning to show (webhook failures).
    Warning(String),
}

pub struct Runtime {
    journal: Result<Journal, String>,
    prom: Option<PromQuery>,
    webhook: Option<Webhook>,
    events: mpsc::UnboundedSender<RuntimeEvent>,
    running: Option<ExecHandle>,
    pending: Vec<tokio::task::JoinHandle<()>>,
}

impl Runtime {
    /// `journal`: the open journal, or why it could not be opened.
    pub fn new(
        journal: Result<Journal, String>,
        prom: Option<PromQuery>,
        webhook_url: Option<&str>,
    ) -> (Runtime, mpsc::UnboundedReceiver<RuntimeEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let webhook = webhook_url.map(|u| {
            let (wtx, mut wrx) = mpsc::unbounded_channel::<String>();
            let ev = tx.clone();
            tokio::spawn(async move {
                while let Some(w) = wrx.recv().await {
                    let _ = ev.send(RuntimeEvent::Warning(w));
                }
            });
            Webhook::new(u, wtx)
        });
        let rt = Runtime { journal, prom, webhook, events: tx, running: None, pending: Vec::new() };
        (rt, rx)
    }

    pub fn journal_path(&self) -> Option<&std::path::Path> {
        self.journal.as_ref().ok().map(|j| j.path())
    }

    /// Performs `effects` in order, feeding journal acknowledgements back to `machine`
    /// (and performing what those return). Returns every effect performed, in order, for
    /// the front end to show.
    pub fn perform(&mut self, machine: &mut Machine, effects: Vec<Effect>) -> Vec<Effect> {
        let mut done = Vec::new();
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(fx) = queue.pop_front() {
            if let Effect::AppendJournal(entry) = &fx {
                let r = match &mut self.journal {
                    Ok(j) => j.append(entry).map(|_| ()).map_err(|e| e.to_string()),
                    Err(e) => Err(e.clone()),
                };
                let more = machine.handle(Input::Journaled(r), Utc::now());
                done.push(fx);
                // The acknowledgement's effects come before anything queued after.
                for m in more.into_iter().rev() {
                    queue.push_front(m);
                }
                continue;
            }
            self.perform_one(&fx);
            done.push(fx);
        }
        done
    }

    /// Performs one effect other than `AppendJournal` (which it ignores): for front ends
    /// that write the journal themselves, off their event loop, and feed
    /// `Input::Journaled` back to their machine before any action it releases.
    pub fn perform_action(&mut self, fx: &Effect) {
        self.perform_one(fx);
    }

    fn perform_one(&mut self, fx: &Effect) {
        match fx {
            Effect::StartCommand { spec, .. } => {
                let (ltx, mut lrx) = mpsc::unbounded_channel();
                let (handle, mut task) = exec::spawn(spec.clone(), ltx);
                self.running = Some(handle);
                let ev = self.events.clone();
                tokio::spawn(async move {
                    let result = loop {
                        tokio::select! {
                            Some(l) = lrx.recv() => { let _ = ev.send(RuntimeEvent::Output(l)); }
                            r = &mut task => break r,
                        }
                    };
                    while let Ok(l) = lrx.try_recv() {
                        let _ = ev.send(RuntimeEvent::Output(l));
                    }
                    let result = result.unwrap_or_else(|e| ExecResult {
                        spawn_error: Some(e.to_string()),
                        ..Default::default()
                    });
                    let _ = ev.send(RuntimeEvent::Input(Input::CommandExited(result)));
                });
            }
            Effect::KillCommand => {
                if let Some(h) = &self.running {
                    h.interrupt();
                }
            }
            Effect::StartVerify { query, hold_for, timeout, .. } => {
                let (prom, q, h, t) = (self.prom.clone(), query.clone(), *hold_for, *timeout);
                let ev = self.events.clone();
                tokio::spawn(async move {
                    let v = verify::run(prom.as_ref(), &q, h, t).await;
                    let _ = ev.send(RuntimeEvent::Input(Input::VerifyDone(v)));
                });
            }
            Effect::Announce(text) => {
                if let Some(w) = &self.webhook {
                    self.pending.push(w.announce(text));
                }
            }
            Effect::AppendJournal(_)
            | Effect::DrillPrint { .. }
            | Effect::Notice(_)
            | Effect::Finished(_) => {}
        }
    }

    /// Waits (at most `limit`) for webhook posts still in flight, so a short run's last
    /// announcement is not lost when the process exits. Never fails.
    pub async fn flush(&mut self, limit: std::time::Duration) {
        let all = futures_util::future::join_all(self.pending.drain(..));
        let _ = tokio::time::timeout(limit, all).await;
    }
}
