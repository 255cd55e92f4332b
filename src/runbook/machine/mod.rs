//! The run state machine: pure, time is an argument, effects are returned as data.
//!
//! A front end (plain mode, the TUI pane) owns a [`Machine`], feeds it [`Input`]s with the
//! current time, and performs the [`Effect`]s it returns, in order, feeding back the
//! results (`Input::Journaled`, `Input::CommandExited`, `Input::VerifyDone`).
//!
//! Safety contract, enforced here and not left to the front end:
//! - Every action (a block started, a verify started) is announced by an
//!   `Effect::AppendJournal` and its effect (`StartCommand`, `StartVerify`, `DrillPrint`)
//!   is only returned after `Input::Journaled(Ok)` acknowledges that record. The machine
//!   emits at most one unacknowledged `AppendJournal` at a time.
//! - If the record before a destructive block cannot be written, the block is refused.
//!   A read-only block still runs, with a warning.
//! - A block that needs confirmation (destructive or unknown) only starts after
//!   `Input::Confirm(text)` with `text` equal to the expected answer (the whole word `yes`
//!   for `confirm=yes` or no confirm attribute, never `y`; the parameter's value for
//!   `typed:<param>`, the text for `typed:"..."`). Anything else, the empty line included,
//!   declines. There is no way to confirm more than one block at once.
//! - A block with placeholders (`<pod_name>`) first asks each value not yet given in this
//!   run (`Phase::NeedValue`), before its confirmation; the values are journaled
//!   (`values_given`, secrets as `***`) before the block runs, and reach the script only as
//!   environment variables.
//! - When the runbook has a destructive step, no step runs before a justification that
//!   matches the runbook's pattern; `allowed_groups` is checked first of all.
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use super::exec::{ExecResult, ExecSpec};
use super::journal::{Entry, EventKind, Record, Who};
use super::types::{Confirm, Runbook, Safety};

mod flow;
mod names;
mod params;
mod record;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_values;
mod values;

use names::{input_name, phase_name};
use params::needs_justification;
pub use params::{block_env, validate_params, validate_params_with};
use record::EntryExt;
pub use values::{ValuePrompt, check_value_text, inherited_vars, inner_name, is_secret, split_given};

/// State of a step, a block or a verify block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Pending,
    Running,
    Ok,
    Failed,
    Skipped,
    /// Started without a recorded outcome (the process died), or a verify that could not
    /// be evaluated. Never counts as done.
    Unknown,
}

/// Who runs the runbook, as far as the machine needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub who: Who,
    /// The operator's Unix group names.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunOptions {
    pub run_id: String,
    /// Drill: destructive blocks are printed, not run (unless `simulator`).
    pub drill: bool,
    /// The environment points at the demo simulator (OPSDECK_SIM_URL): in a drill,
    /// destructive blocks run for real since the simulator is safe by construction.
    pub simulator: bool,
    /// The runbook's `Variable` placeholders (`$PDB`) that opsdeck's own environment sets
    /// (see [`inherited_vars`]): they are not asked, the block inherits them.
    pub inherited: BTreeSet<String>,
    /// Placeholder values given up front (`--param`), by environment variable name;
    /// checked with [`check_value_text`].
    pub prefill: BTreeMap<String, String>,
}

/// What the operator must type to confirm a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The whole word `yes` (never `y`).
    Yes,
    /// Exactly this text.
    Typed(String),
}

impl Expect {
    pub fn accepts(&self, answer: &str) -> bool {
        match self {
            Expect::Yes => answer == "yes",
            // An empty expected value (an empty parameter) can never be confirmed: the
            // empty line is always No.
            Expect::Typed(t) => !answer.is_empty() && answer == t,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Aborted(String),
    RolledBack,
    Refused(String),
}

impl Outcome {
    pub fn describe(&self) -> String {
        match self {
            Outcome::Completed => "completed".into(),
            Outcome::Aborted(r) => format!("aborted: {r}"),
            Outcome::RolledBack => "rolled back".into(),
            Outcome::Refused(r) => format!("refused: {r}"),
        }
    }
}

/// What the machine waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// `Input::Justification`; `error` says why the last one was refused.
    NeedJustification {
        pattern: Option<String>,
        error: Option<String>,
    },
    /// Waiting for the operator: `RunStep` (Enter), `Skip(reason)`, `Abort`.
    Ready {
        step: usize,
    },
    /// A block's placeholder `placeholder` (index into `Block::placeholders`) needs a
    /// value: `Value(text)`, `CancelValue`, `Abort`. `error` says why the last one was
    /// refused.
    NeedValue {
        step: usize,
        block: usize,
        placeholder: usize,
        error: Option<String>,
    },
    /// A block needs confirmation: `Confirm(text)`. `unknown`: it started before without a
    /// recorded outcome and may already have run.
    Confirm {
        step: usize,
        block: usize,
        expect: Expect,
        unknown: bool,
    },
    /// A block is running: `CommandExited`, or `Interrupt`.
    Running {
        step: usize,
        block: usize,
    },
    /// A verify block is being polled: `VerifyDone`.
    Verifying {
        step: usize,
        verify: usize,
    },
    /// A step failed: `Retry`, `SkipFailed(reason)`, `Rollback` (when `rollback` is set),
    /// `Abort`.
    Failed {
        step: usize,
        reason: String,
        rollback: Option<usize>,
    },
    Done(Outcome),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyVerdict {
    Passed,
    Failed(String),
    /// The query could not be evaluated (error, no Prometheus): never a pass.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Justification(String),
    RunStep,
    Skip(String),
    Confirm(String),
    /// The value for the placeholder asked (`Phase::NeedValue`).
    Value(String),
    /// No value: the block is not run, the step waits again.
    CancelValue,
    Abort(String),
    Retry,
    SkipFailed(String),
    Rollback,
    Interrupt,
    /// The result of the last `AppendJournal`.
    Journaled(Result<(), String>),
    CommandExited(ExecResult),
    VerifyDone(VerifyVerdict),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write this record, then answer `Input::Journaled`.
    AppendJournal(Entry),
    /// Run this block, then answer `Input::CommandExited`.
    StartCommand { step: usize, block: usize, spec: ExecSpec },
    /// Drill: show what would have run. Nothing to answer.
    DrillPrint { step: usize, block: usize, script: String, env: Vec<(String, String)> },
    /// Interrupt the running block (its process group).
    KillCommand,
    /// Poll this query, then answer `Input::VerifyDone`.
    StartVerify { step: usize, verify: usize, query: String, hold_for: Duration, timeout: Duration },
    /// Post this text to the webhook, off the main path; never answered.
    Announce(String),
    /// Tell the operator something (warnings, refusals).
    Notice(String),
    /// The run is over.
    Finished(Outcome),
}

/// Everything a confirmation dialog shows, as data (plain mode prints it; the TUI draws
/// it): the command exactly as it will run, the parameters as the environment it gets,
/// the callouts, the registered rollback, and what must be typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmDialog {
    pub step: usize,
    pub block: usize,
    pub step_title: String,
    /// 1-based line of the block in the runbook.
    pub line: usize,
    pub script: String,
    /// `(NAME, value)` as the block's environment will hold them (the runbook's
    /// parameters and the run's variables).
    pub env: Vec<(String, String)>,
    /// The block's placeholders: `(as written, NAME, value)`, `***` for a secret one.
    pub values: Vec<(String, String, String)>,
    pub safety: Safety,
    pub reason: String,
    /// `(kind, text)`: `CAUTION` / `WARNING` callouts of the step.
    pub callouts: Vec<(String, String)>,
    /// The registered rollback step: index and title.
    pub rollback: Option<(usize, String)>,
    pub timeout: Option<Duration>,
    pub expect: Expect,
    /// The block started before without a recorded outcome: it may already have run.
    pub unknown: bool,
    /// Drill: the command will be printed, not executed.
    pub drill_print: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepStatus {
    pub state: RunState,
    pub blocks: Vec<RunState>,
    pub verify: Vec<RunState>,
    pub started: Option<DateTime<Utc>>,
    pub finished: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// What happens once a queued journal record is acknowledged.
#[derive(Debug, Clone, PartialEq)]
enum After {
    Nothing,
    StartBlock { step: usize, block: usize, destructive: bool },
    StartVerify { step: usize, verify: usize },
    Finish(Outcome),
}

#[derive(Debug, Clone)]
pub struct Machine {
    runbook: Runbook,
    opts: RunOptions,
    operator: Operator,
    params: BTreeMap<String, String>,
    justification: Option<String>,
    phase: Phase,
    steps: Vec<StepStatus>,
    queue: VecDeque<(Entry, After)>,
    /// The `After` of the record in flight (emitted, not yet acknowledged).
    in_flight: Option<After>,
    /// Running a rollback step: when it completes the run ends as rolled back.
    rolling_back: bool,
    /// Webhook texts released at the next journal acknowledgement.
    pending_announce: VecDeque<String>,
    now: DateTime<Utc>,
    /// Placeholder values given in this run, by environment variable.
    values: BTreeMap<String, String>,
    /// Those already in the journal (a `values_given` record).
    journaled_values: BTreeSet<String>,
}

impl Machine {
    /// Starts a run. `params` must come from [`validate_params`]; `justification` may be
    /// given up front (`--justification`), else it is asked for when needed.
    pub fn start(
        runbook: Runbook,
        opts: RunOptions,
        operator: Operator,
        params: BTreeMap<String, String>,
        justification: Option<String>,
        now: DateTime<Utc>,
    ) -> (Machine, Vec<Effect>) {
        let mut m = Machine::blank(runbook, opts, operator, params, now);
        if let Some(reason) = m.group_refusal() {
            m.push(m.entry(EventKind::RunRefused).detail(&reason), After::Nothing);
            m.finish(Outcome::Refused(reason));
            let fx = m.pump();
            return (m, fx);
        }
        let mut notices = Vec::new();
        if let Some(reason) = m.group_mismatch() {
            notices.push(Effect::Notice(format!("drill: {reason}; a real run would be refused")));
        }
        if needs_justification(&m.runbook) {
            m.phase = Phase::NeedJustification { pattern: m.pattern(), error: None };
            if let Some(j) = justification {
                notices.extend(m.handle(Input::Justification(j), now));
            }
            return (m, notices);
        }
        m.justification = justification.filter(|j| !j.trim().is_empty());
        m.begin_run();
        notices.extend(m.pump());
        (m, notices)
    }

    /// Rebuilds a run from its journal records (already verified) and continues it.
    /// Completed and skipped steps stay so; a block needing confirmation that started
    /// without a recorded outcome becomes `Unknown` and needs a new confirmation; a
    /// read-only one is simply pending again.
    pub fn resume(
        runbook: Runbook,
        opts: RunOptions,
        operator: Operator,
        records: &[Record],
        now: DateTime<Utc>,
    ) -> Result<(Machine, Vec<Effect>), String> {
        let first = records.first().ok_or("the journal has no records")?;
        if first.file_hash != runbook.file_hash {
            return Err(format!(
                "{} changed since the run started (hash {} then, {} now); refusing to resume",
                runbook.path.display(),
                first.file_hash,
                runbook.file_hash
            ));
        }
        if let Some(r) = records.iter().find(|r| r.entry.event == EventKind::RunFinished) {
            return Err(format!(
                "run {} is already finished ({})",
                r.run_id,
                r.entry.detail.clone().unwrap_or_default()
            ));
        }
        let mut m = Machine::blank(runbook, opts, operator, first.entry.params.clone(), now);
        m.justification = records.iter().find_map(|r| r.entry.justification.clone());
        m.opts.drill = first.entry.drill;
        m.replay(records);
        if let Some(reason) = m.group_refusal() {
            return Err(reason);
        }
        m.push(
            m.entry(EventKind::RunResumed).detail(&format!("resumed by {}", m.operator.who.user)),
            After::Nothing,
        );
        m.advance_from(0);
        let fx = m.pump();
        Ok((m, fx))
    }

    fn blank(
        runbook: Runbook,
        opts: RunOptions,
        operator: Operator,
        params: BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> Machine {
        let steps = runbook
            .steps
            .iter()
            .map(|s| StepStatus {
                state: RunState::Pending,
                blocks: vec![RunState::Pending; s.blocks.len()],
                verify: vec![RunState::Pending; s.verify.len()],
                started: None,
                finished: None,
                note: None,
            })
            .collect();
        let values = opts
            .prefill
            .iter()
            .filter(|(_, v)| check_value_text(v).is_ok())
            .map(|(k, v)| (k.clone(), v.clone()));
        let values = values.collect();
        let mut m = Machine {
            runbook,
            opts,
            operator,
            params,
            justification: None,
            phase: Phase::Ready { step: 0 },
            steps,
            queue: VecDeque::new(),
            in_flight: None,
            rolling_back: false,
            pending_announce: VecDeque::new(),
            now,
            values: BTreeMap::new(),
            journaled_values: BTreeSet::new(),
        };
        m.values = values;
        m
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }
    pub fn steps(&self) -> &[StepStatus] {
        &self.steps
    }
    pub fn runbook(&self) -> &Runbook {
        &self.runbook
    }
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.params
    }
    pub fn justification(&self) -> Option<&str> {
        self.justification.as_deref()
    }
    pub fn options(&self) -> &RunOptions {
        &self.opts
    }
    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done(_)) && self.queue.is_empty() && self.in_flight.is_none()
    }
    /// True while a journal record is awaiting its acknowledgement.
    pub fn awaiting_journal(&self) -> bool {
        self.in_flight.is_some()
    }
    /// Whether a block will really run in this mode (false: drill prints it).
    pub fn executes(&self, step: usize, block: usize) -> bool {
        let b = &self.runbook.steps[step].blocks[block];
        !(self.opts.drill && !self.opts.simulator && b.safety.needs_confirmation())
    }
    /// The environment a block of `step` gets from the runbook's parameters.
    pub fn env_for(&self, step: usize) -> Vec<(String, String)> {
        block_env(&self.params, &self.opts.run_id, &self.runbook.steps[step].id, self.opts.drill)
    }
    /// The placeholder values given so far in this run, by environment variable.
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }
    /// The dialog to show while the phase is `Confirm`.
    pub fn confirm_dialog(&self) -> Option<ConfirmDialog> {
        let Phase::Confirm { step, block, expect, unknown } = &self.phase else { return None };
        let s = &self.runbook.steps[*step];
        let b = &s.blocks[*block];
        Some(ConfirmDialog {
            step: *step,
            block: *block,
            step_title: s.title.clone(),
            line: b.line,
            script: b.script.clone(),
            env: self.env_for(*step),
            values: self.shown_values(*step, *block),
            safety: b.safety,
            reason: b.reason.clone(),
            callouts: s.callouts.iter().map(|c| (c.kind.clone(), c.text.clone())).collect(),
            rollback: self.rollback_for(*step).map(|r| (r, self.runbook.steps[r].title.clone())),
            timeout: b.attrs.timeout,
            expect: expect.clone(),
            unknown: *unknown,
            drill_print: !self.executes(*step, *block),
        })
    }

    /// The step a failed block's `rollback=` names, if any.
    pub fn rollback_for(&self, step: usize) -> Option<usize> {
        let s = &self.runbook.steps[step];
        let id = s.blocks.iter().find_map(|b| b.attrs.rollback.clone())?;
        self.runbook.steps.iter().position(|x| x.id == id)
    }

    /// A step some block names in `rollback=`: it only runs as a rollback, never in the
    /// forward flow.
    pub fn is_rollback_target(&self, step: usize) -> bool {
        let id = &self.runbook.steps[step].id;
        self.runbook.steps.iter().flat_map(|s| &s.blocks).any(|b| b.attrs.rollback.as_ref() == Some(id))
    }

    /// Feeds one input. Inputs that do not fit the current phase are refused with a
    /// `Notice` and change nothing.
    pub fn handle(&mut self, input: Input, now: DateTime<Utc>) -> Vec<Effect> {
        self.now = now;
        if let Input::Journaled(r) = input {
            return self.on_journaled(r);
        }
        if self.in_flight.is_some() {
            return vec![Effect::Notice("waiting for the journal".into())];
        }
        let mut fx = Vec::new();
        match (self.phase.clone(), input) {
            (Phase::NeedJustification { pattern, .. }, Input::Justification(j)) => {
                match self.check_justification(&j) {
                    Ok(()) => {
                        self.justification = Some(j.trim().to_string());
                        self.begin_run();
                    }
                    Err(error) => self.phase = Phase::NeedJustification { pattern, error: Some(error) },
                }
            }
            (Phase::Ready { step }, Input::RunStep) => self.begin_step(step),
            (Phase::Ready { step }, Input::Skip(reason)) => {
                if reason.trim().is_empty() {
                    fx.push(Effect::Notice("a skip needs a reason".into()));
                } else {
                    self.skip_step(step, reason.trim());
                }
            }
            (Phase::Confirm { step, block, expect, unknown }, Input::Confirm(answer)) => {
                if expect.accepts(&answer) {
                    self.start_block(step, block, Some(answer));
                } else {
                    let e = self.entry_at(EventKind::BlockDeclined, step, Some(block)).confirmation(&answer);
                    self.push(e, After::Nothing);
                    if unknown {
                        self.steps[step].blocks[block] = RunState::Unknown;
                    }
                    self.steps[step].state = if unknown { RunState::Unknown } else { RunState::Pending };
                    fx.push(Effect::Notice(format!(
                        "not confirmed ({}): step {} block {} not run",
                        if answer.is_empty() { "default No".into() } else { format!("typed `{answer}`") },
                        step + 1,
                        block + 1
                    )));
                    self.phase = Phase::Ready { step };
                }
            }
            (Phase::NeedValue { step, block, placeholder, .. }, Input::Value(v)) => {
                self.give_value(step, block, placeholder, v)
            }
            (Phase::NeedValue { step, block, placeholder, .. }, Input::CancelValue) => {
                fx.extend(self.cancel_value(step, block, placeholder))
            }
            (Phase::Running { .. }, Input::Interrupt) => fx.push(Effect::KillCommand),
            (Phase::Verifying { step, verify }, Input::Interrupt) => {
                self.finish_verify(step, verify, VerifyVerdict::Unknown("interrupted by the operator".into()))
            }
            (Phase::Running { step, block }, Input::CommandExited(r)) => self.finish_block(step, block, r),
            (Phase::Verifying { step, verify }, Input::VerifyDone(v)) => self.finish_verify(step, verify, v),
            (Phase::Failed { step, .. }, Input::Retry) => self.begin_step(step),
            (Phase::Failed { step, .. }, Input::SkipFailed(reason)) => {
                if reason.trim().is_empty() {
                    fx.push(Effect::Notice("a skip needs a reason".into()));
                } else {
                    self.skip_step(step, reason.trim());
                }
            }
            (Phase::Failed { rollback: Some(rb), step, .. }, Input::Rollback) => {
                let e = self
                    .entry_at(EventKind::RollbackStarted, rb, None)
                    .detail(&format!("rollback of step {}", self.runbook.steps[step].id));
                self.push(e, After::Nothing);
                self.rolling_back = true;
                self.reset_step(rb);
                self.begin_step(rb);
            }
            (
                Phase::NeedJustification { .. }
                | Phase::Ready { .. }
                | Phase::Confirm { .. }
                | Phase::NeedValue { .. }
                | Phase::Failed { .. },
                Input::Abort(reason),
            ) => self.finish(Outcome::Aborted(reason)),
            (phase, input) => fx.push(Effect::Notice(format!(
                "{} is not possible now ({})",
                input_name(&input),
                phase_name(&phase)
            ))),
        }
        fx.extend(self.pump());
        fx
    }
}
