//! The run's progress: steps, blocks, verify blocks, finishing.
use std::path::PathBuf;

use super::*;

impl Machine {
    // ---- internals ----

    pub(super) fn pattern(&self) -> Option<String> {
        self.runbook.justification.as_ref().and_then(|j| j.pattern.clone())
    }

    /// `allowed_groups` is enforced on real runs. A drill runs nothing destructive for
    /// real (or only against the simulator), so it is practice open to anyone: the
    /// mismatch becomes a notice instead of a refusal.
    pub(super) fn group_refusal(&self) -> Option<String> {
        if self.opts.drill { None } else { self.group_mismatch() }
    }

    pub(super) fn group_mismatch(&self) -> Option<String> {
        let allowed = &self.runbook.allowed_groups;
        if allowed.is_empty() || allowed.iter().any(|g| self.operator.groups.contains(g)) {
            return None;
        }
        Some(format!("{} is in none of the allowed groups ({})", self.operator.who.user, allowed.join(", ")))
    }

    pub(super) fn check_justification(&self, j: &str) -> Result<(), String> {
        crate::runbook::types::check_justification(self.runbook.justification.as_ref(), j)
    }

    pub(super) fn begin_run(&mut self) {
        let e = self.entry(EventKind::RunStarted).detail(&self.runbook.title.clone());
        self.push(e, After::Nothing);
        self.announce(format!(
            "{} started by {} at {}{}",
            self.slug(),
            self.operator.who.user,
            self.now.format("%H:%MZ"),
            self.just_suffix()
        ));
        self.advance_from(0);
    }

    /// Goes to the first step at or after `from` that is not done; finishes if none.
    pub(super) fn advance_from(&mut self, from: usize) {
        let next = (from..self.steps.len()).chain(0..from).find(|&i| {
            !matches!(self.steps[i].state, RunState::Ok | RunState::Skipped) && !self.is_rollback_target(i)
        });
        match next {
            Some(step) => self.phase = Phase::Ready { step },
            None => self.finish(Outcome::Completed),
        }
    }

    pub(super) fn begin_step(&mut self, step: usize) {
        let s = &mut self.steps[step];
        s.state = RunState::Running;
        s.started.get_or_insert(self.now);
        s.note = None;
        for v in s.verify.iter_mut() {
            *v = RunState::Pending;
        }
        let e = self.entry_at(EventKind::StepStarted, step, None);
        self.push(e, After::Nothing);
        let first = self.steps[step].blocks.iter().position(|b| *b != RunState::Ok).unwrap_or(usize::MAX);
        self.next_block(step, first);
    }

    pub(super) fn reset_step(&mut self, step: usize) {
        let s = &mut self.steps[step];
        s.state = RunState::Pending;
        s.blocks.iter_mut().for_each(|b| *b = RunState::Pending);
        s.verify.iter_mut().for_each(|b| *b = RunState::Pending);
    }

    pub(super) fn next_block(&mut self, step: usize, block: usize) {
        let n = self.runbook.steps[step].blocks.len();
        if block >= n {
            return self.start_verify(step, 0);
        }
        if self.steps[step].blocks[block] == RunState::Ok {
            return self.next_block(step, block + 1);
        }
        if let Some(placeholder) = self.missing_value(step, block) {
            self.phase = Phase::NeedValue { step, block, placeholder, error: None };
            return;
        }
        self.journal_values(step, block);
        let b = &self.runbook.steps[step].blocks[block];
        if b.safety.needs_confirmation() {
            let expect = match &b.attrs.confirm {
                Some(Confirm::TypedParam(p)) => {
                    // validate_params guarantees the parameter exists; an unknown one can
                    // never be typed, which refuses the block: the safe side.
                    Expect::Typed(self.params.get(p).cloned().unwrap_or_else(|| format!("\u{0}{p}")))
                }
                Some(Confirm::TypedText(t)) => Expect::Typed(t.clone()),
                Some(Confirm::Yes) | None => Expect::Yes,
            };
            let unknown = self.steps[step].blocks[block] == RunState::Unknown;
            self.phase = Phase::Confirm { step, block, expect, unknown };
        } else {
            self.start_block(step, block, None);
        }
    }

    pub(super) fn start_block(&mut self, step: usize, block: usize, confirmation: Option<String>) {
        let destructive = self.runbook.steps[step].blocks[block].safety.needs_confirmation();
        let mut e = self.entry_at(EventKind::BlockStarted, step, Some(block));
        e.confirmation = confirmation;
        e.values = self.shown_values(step, block).into_iter().map(|(_, k, v)| (k, v)).collect();
        if !self.executes(step, block) {
            e.detail = Some("drill: printed, not executed".into());
        }
        self.push(e, After::StartBlock { step, block, destructive });
    }

    pub(super) fn on_started_block(&mut self, step: usize, block: usize) -> Vec<Effect> {
        self.steps[step].blocks[block] = RunState::Running;
        self.phase = Phase::Running { step, block };
        let rb_step = &self.runbook.steps[step];
        let b = &rb_step.blocks[block];
        let env = self.block_env(step, block, false);
        let mut fx = Vec::new();
        if b.safety.needs_confirmation() {
            fx.push(Effect::Announce(format!(
                "{} step {} ({}) by {} at {}{}{}",
                self.slug(),
                step + 1,
                if b.safety == Safety::Unknown {
                    "unclassified, treated as destructive"
                } else {
                    "destructive"
                },
                self.operator.who.user,
                self.now.format("%H:%MZ"),
                self.just_suffix(),
                if self.opts.drill { " [drill]" } else { "" }
            )));
        }
        if self.executes(step, block) {
            let cwd = self
                .runbook
                .path
                .parent()
                .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() })
                .unwrap_or_else(|| PathBuf::from("."));
            fx.push(Effect::StartCommand {
                step,
                block,
                spec: ExecSpec { script: b.script.clone(), env, cwd, timeout: b.attrs.timeout },
            });
        } else {
            let env = self.block_env(step, block, true);
            fx.push(Effect::DrillPrint { step, block, script: b.script.clone(), env });
            let done = ExecResult {
                exit_code: Some(0),
                output: "(drill: not executed)\n".into(),
                ..Default::default()
            };
            self.finish_block(step, block, done);
        }
        fx
    }

    pub(super) fn finish_block(&mut self, step: usize, block: usize, r: ExecResult) {
        let mut e = self.entry_at(EventKind::BlockFinished, step, Some(block));
        e.exit_code = r.exit_code;
        e.output = Some(r.output.clone());
        e.detail = Some(if self.executes(step, block) {
            format!("{} in {:.1}s", r.describe(), r.duration.as_secs_f64())
        } else {
            "drill: printed, not executed".to_string()
        });
        self.push(e, After::Nothing);
        if r.success() {
            self.steps[step].blocks[block] = RunState::Ok;
            self.next_block(step, block + 1);
        } else {
            self.steps[step].blocks[block] = RunState::Failed;
            self.fail_step(step, format!("block {} {}", block + 1, r.describe()));
        }
    }

    pub(super) fn start_verify(&mut self, step: usize, verify: usize) {
        let vs = &self.runbook.steps[step].verify;
        if verify >= vs.len() {
            return self.finish_step(step);
        }
        let printed = (0..self.runbook.steps[step].blocks.len()).any(|b| !self.executes(step, b));
        if printed {
            // Commands were only printed: the post-condition says nothing about them.
            self.steps[step].verify[verify] = RunState::Skipped;
            let e = self
                .entry_at(EventKind::VerifyFinished, step, Some(verify))
                .detail("skipped: drill, the commands were printed, not executed");
            self.push(e, After::Nothing);
            return self.start_verify(step, verify + 1);
        }
        let e = self.entry_at(EventKind::VerifyStarted, step, Some(verify)).detail(&vs[verify].query.clone());
        self.push(e, After::StartVerify { step, verify });
    }

    pub(super) fn finish_verify(&mut self, step: usize, verify: usize, v: VerifyVerdict) {
        let (state, detail) = match &v {
            VerifyVerdict::Passed => (RunState::Ok, "passed".to_string()),
            VerifyVerdict::Failed(r) => (RunState::Failed, format!("failed: {r}")),
            VerifyVerdict::Unknown(r) => (RunState::Unknown, format!("unknown: {r}")),
        };
        let e = self.entry_at(EventKind::VerifyFinished, step, Some(verify)).detail(&detail);
        self.push(e, After::Nothing);
        self.steps[step].verify[verify] = state;
        if state == RunState::Ok {
            self.start_verify(step, verify + 1);
        } else {
            self.fail_step(step, format!("verify {} {detail}", verify + 1));
        }
    }

    pub(super) fn fail_step(&mut self, step: usize, reason: String) {
        self.steps[step].state = RunState::Failed;
        self.steps[step].note = Some(reason.clone());
        let e = self.entry_at(EventKind::StepFailed, step, None).detail(&reason);
        self.push(e, After::Nothing);
        let rollback = if self.rolling_back { None } else { self.rollback_for(step) };
        self.phase = Phase::Failed { step, reason, rollback };
    }

    pub(super) fn finish_step(&mut self, step: usize) {
        self.steps[step].state = RunState::Ok;
        self.steps[step].finished = Some(self.now);
        let e = self.entry_at(EventKind::StepFinished, step, None);
        self.push(e, After::Nothing);
        if self.rolling_back {
            self.finish(Outcome::RolledBack);
        } else {
            self.advance_from(step + 1);
        }
    }

    pub(super) fn skip_step(&mut self, step: usize, reason: &str) {
        self.steps[step].state = RunState::Skipped;
        self.steps[step].finished = Some(self.now);
        self.steps[step].note = Some(reason.to_string());
        let e = self.entry_at(EventKind::StepSkipped, step, None).detail(reason);
        self.push(e, After::Nothing);
        if self.rolling_back {
            self.finish(Outcome::Aborted(format!("rollback step skipped: {reason}")));
        } else {
            self.advance_from(step + 1);
        }
    }

    pub(super) fn finish(&mut self, outcome: Outcome) {
        let e = self.entry(EventKind::RunFinished).detail(&outcome.describe());
        self.push(e, After::Finish(outcome.clone()));
        if !matches!(outcome, Outcome::Refused(_)) {
            self.announce(format!(
                "{} finished ({}) by {} at {}{}",
                self.slug(),
                outcome.describe(),
                self.operator.who.user,
                self.now.format("%H:%MZ"),
                self.just_suffix()
            ));
        }
        self.phase = Phase::Done(outcome);
    }

    pub(super) fn slug(&self) -> String {
        self.runbook
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.runbook.title.clone())
    }

    pub(super) fn just_suffix(&self) -> String {
        self.justification.as_ref().map(|j| format!(", {j}")).unwrap_or_default()
    }

    pub(super) fn announce(&mut self, text: String) {
        // Announcements ride the queue so they follow the record they describe.
        self.pending_announce.push_back(text);
    }
}
