//! Journal entries the machine writes.
use super::super::journal::{Entry, EventKind, Record};
use super::{After, Effect, Machine, Phase, RunState};

pub(super) trait EntryExt {
    fn detail(self, d: &str) -> Entry;
    fn confirmation(self, c: &str) -> Entry;
}

impl EntryExt for Entry {
    fn detail(mut self, d: &str) -> Entry {
        self.detail = Some(d.to_string());
        self
    }
    fn confirmation(mut self, c: &str) -> Entry {
        self.confirmation = Some(c.to_string());
        self
    }
}

impl Machine {
    pub(super) fn replay(&mut self, records: &[Record]) {
        for r in records {
            let e = &r.entry;
            self.restore_values(&e.values);
            let Some(step) = e.step.filter(|&s| s < self.steps.len()) else { continue };
            let st = &mut self.steps[step];
            let block = e.block;
            match e.event {
                EventKind::StepStarted => {
                    st.state = RunState::Running;
                    st.started.get_or_insert(e.time);
                }
                EventKind::BlockStarted => {
                    if let Some(b) = block.filter(|&b| b < st.blocks.len()) {
                        st.blocks[b] = RunState::Running;
                    }
                }
                EventKind::BlockFinished => {
                    if let Some(b) = block.filter(|&b| b < st.blocks.len()) {
                        st.blocks[b] = if e.exit_code == Some(0) { RunState::Ok } else { RunState::Failed };
                    }
                }
                EventKind::StepFinished => {
                    st.state = RunState::Ok;
                    st.finished = Some(e.time);
                }
                EventKind::StepSkipped => {
                    st.state = RunState::Skipped;
                    st.finished = Some(e.time);
                    st.note = e.detail.clone();
                }
                EventKind::StepFailed => {
                    st.state = RunState::Failed;
                    st.note = e.detail.clone();
                }
                _ => {}
            }
        }
        for (i, st) in self.steps.iter_mut().enumerate() {
            for (b, state) in st.blocks.iter_mut().enumerate() {
                if *state == RunState::Running {
                    let destructive = self.runbook.steps[i].blocks[b].safety.needs_confirmation();
                    *state = if destructive { RunState::Unknown } else { RunState::Pending };
                    if destructive {
                        st.state = RunState::Unknown;
                        st.note = Some(format!(
                            "block {} started with no recorded outcome: it may have run",
                            b + 1
                        ));
                    }
                }
            }
            if st.state == RunState::Running {
                st.state = RunState::Pending;
            }
        }
    }

    pub(super) fn entry(&self, event: EventKind) -> Entry {
        Entry {
            time: self.now,
            event,
            step: None,
            step_id: None,
            block: None,
            params: self.params.clone(),
            justification: self.justification.clone(),
            confirmation: None,
            exit_code: None,
            output: None,
            detail: None,
            drill: self.opts.drill,
            values: Default::default(),
        }
    }

    pub(super) fn entry_at(&self, event: EventKind, step: usize, block: Option<usize>) -> Entry {
        let mut e = self.entry(event);
        e.step = Some(step);
        e.step_id = Some(self.runbook.steps[step].id.clone());
        e.block = block;
        e
    }

    pub(super) fn push(&mut self, e: Entry, after: After) {
        self.queue.push_back((e, after));
    }

    /// Emits the next journal record if none is in flight.
    pub(super) fn pump(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.in_flight.is_none()
            && let Some((e, after)) = self.queue.pop_front()
        {
            self.in_flight = Some(after);
            fx.push(Effect::AppendJournal(e));
        }
        fx
    }

    pub(super) fn on_journaled(&mut self, r: Result<(), String>) -> Vec<Effect> {
        let Some(after) = self.in_flight.take() else {
            return vec![Effect::Notice("journal acknowledgement without a record".into())];
        };
        let mut fx = Vec::new();
        match (after, r) {
            (After::Nothing, Ok(())) => {}
            (After::Nothing, Err(e)) => fx.push(Effect::Notice(format!("warning: journal not written: {e}"))),
            (After::StartBlock { step, block, destructive: true }, Err(e)) => {
                fx.push(Effect::Notice(format!(
                    "refused: the journal cannot be written ({e}); step {} block {} was NOT run",
                    step + 1,
                    block + 1
                )));
                self.steps[step].blocks[block] = RunState::Pending;
                self.phase = Phase::Ready { step };
            }
            (After::StartBlock { step, block, destructive: false }, r) => {
                if let Err(e) = r {
                    fx.push(Effect::Notice(format!(
                        "warning: journal not written ({e}); running read-only block anyway"
                    )));
                }
                fx.extend(self.on_started_block(step, block));
            }
            (After::StartBlock { step, block, .. }, Ok(())) => fx.extend(self.on_started_block(step, block)),
            (After::StartVerify { step, verify }, r) => {
                if let Err(e) = r {
                    fx.push(Effect::Notice(format!("warning: journal not written: {e}")));
                }
                self.steps[step].verify[verify] = RunState::Running;
                self.phase = Phase::Verifying { step, verify };
                let v = &self.runbook.steps[step].verify[verify];
                fx.push(Effect::StartVerify {
                    step,
                    verify,
                    query: v.query.clone(),
                    hold_for: v.hold_for,
                    timeout: v.timeout,
                });
            }
            (After::Finish(o), r) => {
                if let Err(e) = r {
                    fx.push(Effect::Notice(format!("warning: journal not written: {e}")));
                }
                fx.extend(self.pending_announce.drain(..).map(Effect::Announce));
                fx.push(Effect::Finished(o));
            }
        }
        fx.extend(self.pending_announce.drain(..).map(Effect::Announce));
        fx.extend(self.pump());
        fx
    }
}
