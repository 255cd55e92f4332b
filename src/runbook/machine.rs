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
//!   `Input::Confirm(text)` with `text` equal to the expected answer (`yes`/`y` for
//!   `confirm=yes` or no confirm attribute, the parameter's value for `typed:<param>`, the
//!   text for `typed:"..."`). Anything else, the empty line included, declines. There is no
//!   way to confirm more than one block at once.
//! - When the runbook has a destructive step, no step runs before a justification that
//!   matches the runbook's pattern; `allowed_groups` is checked first of all.
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::time::Duration;

use super::exec::{ExecResult, ExecSpec, is_reserved_env, param_env_name};
use super::journal::{Entry, EventKind, Record, Who};
use super::types::{Confirm, ParamKind, ParamSpec, Runbook, Safety};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    pub run_id: String,
    /// Drill: destructive blocks are printed, not run (unless `simulator`).
    pub drill: bool,
    /// The environment points at the demo simulator (OPSDECK_SIM_URL): in a drill,
    /// destructive blocks run for real since the simulator is safe by construction.
    pub simulator: bool,
}

/// What the operator must type to confirm a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// `yes` or `y`.
    Yes,
    /// Exactly this text.
    Typed(String),
}

impl Expect {
    pub fn accepts(&self, answer: &str) -> bool {
        match self {
            Expect::Yes => answer == "yes" || answer == "y",
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
    /// `(NAME, value)` as the block's environment will hold them.
    pub env: Vec<(String, String)>,
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
}

/// Validates parameters against the runbook: unknown names, missing values (defaults
/// applied), type, pattern, choices, reserved environment names, `typed:` references.
pub fn validate_params(
    runbook: &Runbook,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    validate_params_with(runbook, given, |k| std::env::var(k).ok())
}

/// `validate_params` with the environment passed in: a parameter not given takes
/// `ParamSpec::effective_default` (`OPSDECK_<NAME>` when set, else the runbook's default).
pub fn validate_params_with(
    runbook: &Runbook,
    given: &BTreeMap<String, String>,
    read_env: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut errors = Vec::new();
    let mut out = BTreeMap::new();
    for name in given.keys() {
        if !runbook.params.iter().any(|p| &p.name == name) {
            errors.push(format!("unknown parameter `{name}`"));
        }
    }
    for spec in &runbook.params {
        let env = param_env_name(&spec.name);
        if is_reserved_env(&env) {
            errors
                .push(format!("parameter `{}` would set the reserved environment variable {env}", spec.name));
            continue;
        }
        let fallback = spec.effective_default(&read_env);
        match given.get(&spec.name).or(fallback.as_ref()) {
            None => errors.push(format!("parameter `{}` is required (no default)", spec.name)),
            Some(v) => match check_value(spec, v) {
                Ok(()) => {
                    out.insert(spec.name.clone(), v.clone());
                }
                Err(e) => errors.push(e),
            },
        }
    }
    for step in &runbook.steps {
        for b in &step.blocks {
            if let Some(Confirm::TypedParam(p)) = &b.attrs.confirm
                && !runbook.params.iter().any(|s| &s.name == p)
            {
                errors.push(format!(
                    "step `{}` line {}: confirm=typed:{p} names no parameter",
                    step.id, b.line
                ));
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn check_value(spec: &ParamSpec, v: &str) -> Result<(), String> {
    let n = &spec.name;
    match spec.kind {
        ParamKind::Int => {
            v.parse::<i64>().map_err(|_| format!("parameter `{n}`: `{v}` is not an integer"))?;
        }
        ParamKind::Duration => {
            crate::util::duration::parse(v).map_err(|e| format!("parameter `{n}`: {e}"))?;
        }
        ParamKind::Enum if spec.choices.is_empty() => {
            return Err(format!("parameter `{n}`: enum without choices"));
        }
        _ => {}
    }
    if !spec.choices.is_empty() && !spec.choices.iter().any(|c| c == v) {
        return Err(format!("parameter `{n}`: `{v}` is not one of {}", spec.choices.join(", ")));
    }
    if let Some(p) = &spec.pattern {
        let re = regex::Regex::new(p).map_err(|e| format!("parameter `{n}`: bad pattern: {e}"))?;
        if !re.is_match(v) {
            return Err(format!("parameter `{n}`: `{v}` does not match {p}"));
        }
    }
    Ok(())
}

/// The environment of a block: every parameter under [`param_env_name`], plus
/// `OPSDECK_RUN_ID`, `OPSDECK_STEP` and `OPSDECK_DRILL` (`1` or `0`).
pub fn block_env(
    params: &BTreeMap<String, String>,
    run_id: &str,
    step_id: &str,
    drill: bool,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = params.iter().map(|(k, v)| (param_env_name(k), v.clone())).collect();
    env.push(("OPSDECK_RUN_ID".into(), run_id.into()));
    env.push(("OPSDECK_STEP".into(), step_id.into()));
    env.push(("OPSDECK_DRILL".into(), if drill { "1" } else { "0" }.into()));
    env
}

fn needs_justification(rb: &Runbook) -> bool {
    rb.has_destructive() || rb.justification.as_ref().is_some_and(|j| j.required)
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
        Machine {
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
        }
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
    /// The environment the block would get.
    pub fn env_for(&self, step: usize) -> Vec<(String, String)> {
        block_env(&self.params, &self.opts.run_id, &self.runbook.steps[step].id, self.opts.drill)
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

    // ---- internals ----

    fn pattern(&self) -> Option<String> {
        self.runbook.justification.as_ref().and_then(|j| j.pattern.clone())
    }

    /// `allowed_groups` is enforced on real runs. A drill runs nothing destructive for
    /// real (or only against the simulator), so it is practice open to anyone: the
    /// mismatch becomes a notice instead of a refusal.
    fn group_refusal(&self) -> Option<String> {
        if self.opts.drill { None } else { self.group_mismatch() }
    }

    fn group_mismatch(&self) -> Option<String> {
        let allowed = &self.runbook.allowed_groups;
        if allowed.is_empty() || allowed.iter().any(|g| self.operator.groups.contains(g)) {
            return None;
        }
        Some(format!("{} is in none of the allowed groups ({})", self.operator.who.user, allowed.join(", ")))
    }

    fn check_justification(&self, j: &str) -> Result<(), String> {
        let j = j.trim();
        if j.is_empty() {
            return Err("a justification (e.g. a ticket id) is required".into());
        }
        if let Some(p) = self.pattern() {
            let re = regex::Regex::new(&p).map_err(|e| format!("bad justification pattern: {e}"))?;
            if !re.is_match(j) {
                return Err(format!("`{j}` does not match {p}"));
            }
        }
        Ok(())
    }

    fn begin_run(&mut self) {
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
    fn advance_from(&mut self, from: usize) {
        let next = (from..self.steps.len()).chain(0..from).find(|&i| {
            !matches!(self.steps[i].state, RunState::Ok | RunState::Skipped) && !self.is_rollback_target(i)
        });
        match next {
            Some(step) => self.phase = Phase::Ready { step },
            None => self.finish(Outcome::Completed),
        }
    }

    fn begin_step(&mut self, step: usize) {
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

    fn reset_step(&mut self, step: usize) {
        let s = &mut self.steps[step];
        s.state = RunState::Pending;
        s.blocks.iter_mut().for_each(|b| *b = RunState::Pending);
        s.verify.iter_mut().for_each(|b| *b = RunState::Pending);
    }

    fn next_block(&mut self, step: usize, block: usize) {
        let n = self.runbook.steps[step].blocks.len();
        if block >= n {
            return self.start_verify(step, 0);
        }
        if self.steps[step].blocks[block] == RunState::Ok {
            return self.next_block(step, block + 1);
        }
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

    fn start_block(&mut self, step: usize, block: usize, confirmation: Option<String>) {
        let destructive = self.runbook.steps[step].blocks[block].safety.needs_confirmation();
        let mut e = self.entry_at(EventKind::BlockStarted, step, Some(block));
        e.confirmation = confirmation;
        if !self.executes(step, block) {
            e.detail = Some("drill: printed, not executed".into());
        }
        self.push(e, After::StartBlock { step, block, destructive });
    }

    fn on_started_block(&mut self, step: usize, block: usize) -> Vec<Effect> {
        self.steps[step].blocks[block] = RunState::Running;
        self.phase = Phase::Running { step, block };
        let rb_step = &self.runbook.steps[step];
        let b = &rb_step.blocks[block];
        let env = self.env_for(step);
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

    fn finish_block(&mut self, step: usize, block: usize, r: ExecResult) {
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

    fn start_verify(&mut self, step: usize, verify: usize) {
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

    fn finish_verify(&mut self, step: usize, verify: usize, v: VerifyVerdict) {
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

    fn fail_step(&mut self, step: usize, reason: String) {
        self.steps[step].state = RunState::Failed;
        self.steps[step].note = Some(reason.clone());
        let e = self.entry_at(EventKind::StepFailed, step, None).detail(&reason);
        self.push(e, After::Nothing);
        let rollback = if self.rolling_back { None } else { self.rollback_for(step) };
        self.phase = Phase::Failed { step, reason, rollback };
    }

    fn finish_step(&mut self, step: usize) {
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

    fn skip_step(&mut self, step: usize, reason: &str) {
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

    fn finish(&mut self, outcome: Outcome) {
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

    fn replay(&mut self, records: &[Record]) {
        for r in records {
            let e = &r.entry;
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

    fn slug(&self) -> String {
        self.runbook
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.runbook.title.clone())
    }

    fn just_suffix(&self) -> String {
        self.justification.as_ref().map(|j| format!(", {j}")).unwrap_or_default()
    }

    fn announce(&mut self, text: String) {
        // Announcements ride the queue so they follow the record they describe.
        self.pending_announce.push_back(text);
    }

    fn entry(&self, event: EventKind) -> Entry {
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
        }
    }

    fn entry_at(&self, event: EventKind, step: usize, block: Option<usize>) -> Entry {
        let mut e = self.entry(event);
        e.step = Some(step);
        e.step_id = Some(self.runbook.steps[step].id.clone());
        e.block = block;
        e
    }

    fn push(&mut self, e: Entry, after: After) {
        self.queue.push_back((e, after));
    }

    /// Emits the next journal record if none is in flight.
    fn pump(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.in_flight.is_none()
            && let Some((e, after)) = self.queue.pop_front()
        {
            self.in_flight = Some(after);
            fx.push(Effect::AppendJournal(e));
        }
        fx
    }

    fn on_journaled(&mut self, r: Result<(), String>) -> Vec<Effect> {
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

trait EntryExt {
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

fn input_name(i: &Input) -> &'static str {
    match i {
        Input::Justification(_) => "justification",
        Input::RunStep => "run",
        Input::Skip(_) => "skip",
        Input::Confirm(_) => "confirm",
        Input::Abort(_) => "abort",
        Input::Retry => "retry",
        Input::SkipFailed(_) => "skip",
        Input::Rollback => "rollback",
        Input::Interrupt => "interrupt",
        Input::Journaled(_) => "journal ack",
        Input::CommandExited(_) => "command exit",
        Input::VerifyDone(_) => "verify result",
    }
}

fn phase_name(p: &Phase) -> &'static str {
    match p {
        Phase::NeedJustification { .. } => "waiting for a justification",
        Phase::Ready { .. } => "waiting for run/skip/abort",
        Phase::Confirm { .. } => "waiting for a confirmation",
        Phase::Running { .. } => "a command is running",
        Phase::Verifying { .. } => "verifying",
        Phase::Failed { .. } => "a step failed",
        Phase::Done(_) => "the run is over",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::types::*;

    fn t(s: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s as i64, 0).unwrap()
    }

    fn block(script: &str, safety: Safety, confirm: Option<Confirm>) -> Block {
        Block {
            line: 1,
            lang: "sh".into(),
            kind: BlockKind::Script,
            script: script.into(),
            commands: vec![],
            placeholders: vec![],
            attrs: BlockAttrs { confirm, ..Default::default() },
            safety,
            reason: "test".into(),
        }
    }

    fn step(id: &str, blocks: Vec<Block>) -> Step {
        Step {
            id: id.into(),
            title: id.into(),
            line: 1,
            prose: String::new(),
            callouts: vec![],
            blocks,
            verify: vec![],
        }
    }

    fn runbook() -> Runbook {
        Runbook {
            path: "/rb/drain.md".into(),
            file_hash: "h1".into(),
            title: "Drain".into(),
            intent: None,
            owner: None,
            eta: None,
            params: vec![ParamSpec {
                name: "cluster".into(),
                kind: ParamKind::String,
                default: None,
                pattern: Some("^[a-z0-9-]+$".into()),
                choices: vec![],
                description: None,
            }],
            allowed_groups: vec![],
            justification: Some(JustificationSpec { required: true, pattern: Some("^SRE-[0-9]+$".into()) }),
            steps: vec![
                step("check", vec![block("kubectl get nodes", Safety::ReadOnly, None)]),
                step(
                    "drain",
                    vec![block(
                        "kubectl drain x",
                        Safety::Destructive,
                        Some(Confirm::TypedParam("cluster".into())),
                    )],
                ),
            ],
            fence_problems: vec![],
        }
    }

    fn op(groups: &[&str]) -> Operator {
        Operator {
            who: Who { user: "alice".into(), ssh_client: None },
            groups: groups.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn opts() -> RunOptions {
        RunOptions { run_id: "r1".into(), drill: false, simulator: false }
    }

    fn params() -> BTreeMap<String, String> {
        BTreeMap::from([("cluster".to_string(), "eu-1".to_string())])
    }

    /// Acks every journal record; returns all effects and the journaled entries.
    fn settle(m: &mut Machine, mut fx: Vec<Effect>, now: DateTime<Utc>) -> (Vec<Effect>, Vec<Entry>) {
        let mut all = Vec::new();
        let mut entries = Vec::new();
        while let Some(pos) = fx.iter().position(|e| matches!(e, Effect::AppendJournal(_))) {
            let rest = fx.split_off(pos + 1);
            if let Some(Effect::AppendJournal(e)) = fx.last() {
                entries.push(e.clone());
            }
            all.append(&mut fx);
            fx = m.handle(Input::Journaled(Ok(())), now);
            fx.extend(rest);
        }
        all.append(&mut fx);
        (all, entries)
    }

    fn started() -> Machine {
        let (mut m, fx) = Machine::start(runbook(), opts(), op(&[]), params(), Some("SRE-7".into()), t(0));
        settle(&mut m, fx, t(0));
        m
    }

    #[test]
    fn justification_is_asked_and_checked() {
        let (mut m, fx) = Machine::start(runbook(), opts(), op(&[]), params(), None, t(0));
        assert!(fx.is_empty());
        assert!(matches!(m.phase(), Phase::NeedJustification { error: None, .. }));
        let fx = m.handle(Input::Justification("nope".into()), t(1));
        assert!(fx.is_empty(), "nothing journaled or run before a valid justification");
        assert!(matches!(m.phase(), Phase::NeedJustification { error: Some(_), .. }));
        let fx = m.handle(Input::RunStep, t(1));
        assert!(matches!(fx[0], Effect::Notice(_)));
        let fx = m.handle(Input::Justification("SRE-101".into()), t(2));
        let (_, entries) = settle(&mut m, fx, t(2));
        assert_eq!(entries[0].event, EventKind::RunStarted);
        assert_eq!(entries[0].justification.as_deref(), Some("SRE-101"));
        assert_eq!(m.phase(), &Phase::Ready { step: 0 });
    }

    #[test]
    fn allowed_groups_refuse_outsiders() {
        let mut rb = runbook();
        rb.allowed_groups = vec!["sre".into()];
        let (mut m, fx) =
            Machine::start(rb.clone(), opts(), op(&["dev"]), params(), Some("SRE-1".into()), t(0));
        let (all, entries) = settle(&mut m, fx, t(0));
        assert_eq!(entries[0].event, EventKind::RunRefused);
        assert!(all.iter().any(|e| matches!(e, Effect::Finished(Outcome::Refused(_)))));
        assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
        let (m, _) =
            Machine::start(rb.clone(), opts(), op(&["dev", "sre"]), params(), Some("SRE-1".into()), t(0));
        assert!(!matches!(m.phase(), Phase::Done(_)));
        // A drill is practice: an outsider may run it, and is told a real run would refuse.
        let drill = RunOptions { drill: true, ..opts() };
        let (m, fx) = Machine::start(rb, drill, op(&["dev"]), params(), Some("SRE-1".into()), t(0));
        assert!(!matches!(m.phase(), Phase::Done(_)));
        assert!(
            fx.iter().any(|e| matches!(e, Effect::Notice(n) if n.contains("would be refused"))),
            "{fx:?}"
        );
    }

    #[test]
    fn command_starts_only_after_its_record_is_acknowledged() {
        let mut m = started();
        let fx = m.handle(Input::RunStep, t(3));
        // step_started first; nothing runs yet.
        assert!(matches!(&fx[..], [Effect::AppendJournal(e)] if e.event == EventKind::StepStarted));
        let fx = m.handle(Input::Journaled(Ok(())), t(3));
        assert!(matches!(&fx[..], [Effect::AppendJournal(e)] if e.event == EventKind::BlockStarted));
        let fx = m.handle(Input::Journaled(Ok(())), t(3));
        assert!(matches!(&fx[..], [Effect::StartCommand { step: 0, block: 0, .. }]));
    }

    #[test]
    fn destructive_block_needs_the_typed_value_default_no() {
        let mut m = started();
        let fx = m.handle(Input::RunStep, t(3));
        let (_, _) = settle(&mut m, fx, t(3));
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(4));
        settle(&mut m, fx, t(4));
        assert_eq!(m.phase(), &Phase::Ready { step: 1 });
        let fx = m.handle(Input::RunStep, t(5));
        settle(&mut m, fx, t(5));
        assert!(
            matches!(m.phase(), Phase::Confirm { step: 1, block: 0, expect: Expect::Typed(v), .. } if v == "eu-1")
        );
        for wrong in ["", "yes", "y", "eu-1 ", "EU-1"] {
            let fx = m.handle(Input::Confirm(wrong.into()), t(6));
            let (all, entries) = settle(&mut m, fx, t(6));
            assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })), "{wrong:?} must not run");
            assert_eq!(entries[0].event, EventKind::BlockDeclined);
            assert_eq!(entries[0].confirmation.as_deref(), Some(wrong));
            assert_eq!(m.phase(), &Phase::Ready { step: 1 });
            let fx = m.handle(Input::RunStep, t(6));
            settle(&mut m, fx, t(6));
        }
        let fx = m.handle(Input::Confirm("eu-1".into()), t(7));
        let (all, entries) = settle(&mut m, fx, t(7));
        assert_eq!(entries[0].confirmation.as_deref(), Some("eu-1"));
        let cmd = all.iter().position(|e| matches!(e, Effect::StartCommand { .. })).unwrap();
        assert!(all.iter().any(|e| matches!(e, Effect::Announce(t) if t.contains("drain step 2 (destructive) by alice") && t.contains("SRE-7"))));
        if let Effect::StartCommand { spec, .. } = &all[cmd] {
            assert_eq!(spec.script, "kubectl drain x");
            assert!(spec.env.contains(&("CLUSTER".into(), "eu-1".into())));
            assert_eq!(spec.cwd, PathBuf::from("/rb"));
        }
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(9));
        let (all, entries) = settle(&mut m, fx, t(9));
        assert!(entries.iter().any(|e| e.event == EventKind::RunFinished));
        assert!(all.contains(&Effect::Finished(Outcome::Completed)));
        assert!(m.is_done());
    }

    #[test]
    fn journal_failure_refuses_destructive_but_not_readonly() {
        let mut m = started();
        let fx = m.handle(Input::RunStep, t(3));
        assert!(matches!(fx[0], Effect::AppendJournal(_)));
        let fx = m.handle(Input::Journaled(Err("disk full".into())), t(3));
        assert!(matches!(&fx[..], [Effect::Notice(_), Effect::AppendJournal(_)]));
        let fx = m.handle(Input::Journaled(Err("disk full".into())), t(3));
        assert!(fx.iter().any(|e| matches!(e, Effect::StartCommand { .. })), "read-only runs with a warning");
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(4));
        settle(&mut m, fx, t(4));
        let fx = m.handle(Input::RunStep, t(5));
        settle(&mut m, fx, t(5));
        let fx = m.handle(Input::Confirm("eu-1".into()), t(6));
        assert!(matches!(&fx[..], [Effect::AppendJournal(e)] if e.event == EventKind::BlockStarted));
        let fx = m.handle(Input::Journaled(Err("disk full".into())), t(6));
        assert!(!fx.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
        assert!(fx.iter().any(|e| matches!(e, Effect::Notice(n) if n.contains("NOT run"))));
        assert_eq!(m.phase(), &Phase::Ready { step: 1 });
    }

    #[test]
    fn failed_step_offers_retry_skip_rollback_abort() {
        let mut rb = runbook();
        rb.steps[1].blocks[0].attrs.rollback = Some("undo".into());
        rb.steps.push(step("undo", vec![block("kubectl uncordon x", Safety::ReadOnly, None)]));
        let (mut m, fx) = Machine::start(rb, opts(), op(&[]), params(), Some("SRE-7".into()), t(0));
        settle(&mut m, fx, t(0));
        let fx = m.handle(Input::Skip("".into()), t(1));
        assert!(matches!(fx[0], Effect::Notice(_)));
        let fx = m.handle(Input::Skip("already checked".into()), t(1));
        settle(&mut m, fx, t(1));
        assert_eq!(m.steps()[0].state, RunState::Skipped);
        let fx = m.handle(Input::RunStep, t(2));
        settle(&mut m, fx, t(2));
        let fx = m.handle(Input::Confirm("eu-1".into()), t(2));
        settle(&mut m, fx, t(2));
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(3), ..Default::default() }), t(3));
        settle(&mut m, fx, t(3));
        assert!(matches!(m.phase(), Phase::Failed { step: 1, rollback: Some(2), .. }));
        // Retry asks for the confirmation again.
        let fx = m.handle(Input::Retry, t(4));
        settle(&mut m, fx, t(4));
        assert!(matches!(m.phase(), Phase::Confirm { step: 1, .. }));
        let fx = m.handle(Input::Confirm("eu-1".into()), t(4));
        settle(&mut m, fx, t(4));
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(1), ..Default::default() }), t(5));
        settle(&mut m, fx, t(5));
        let fx = m.handle(Input::Rollback, t(6));
        let (all, entries) = settle(&mut m, fx, t(6));
        assert_eq!(entries[0].event, EventKind::RollbackStarted);
        assert!(all.iter().any(|e| matches!(e, Effect::StartCommand { step: 2, .. })));
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(7));
        let (all, _) = settle(&mut m, fx, t(7));
        assert!(all.contains(&Effect::Finished(Outcome::RolledBack)));
    }

    #[test]
    fn drill_prints_destructive_blocks() {
        let o = RunOptions { drill: true, ..opts() };
        let (mut m, fx) = Machine::start(runbook(), o, op(&[]), params(), Some("SRE-7".into()), t(0));
        settle(&mut m, fx, t(0));
        let fx = m.handle(Input::Skip("n/a".into()), t(1));
        settle(&mut m, fx, t(1));
        let fx = m.handle(Input::RunStep, t(2));
        settle(&mut m, fx, t(2));
        let fx = m.handle(Input::Confirm("eu-1".into()), t(3));
        let (all, entries) = settle(&mut m, fx, t(3));
        assert!(all.iter().any(|e| matches!(e, Effect::DrillPrint { .. })));
        assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
        assert!(entries.iter().all(|e| e.drill));
        assert!(all.contains(&Effect::Finished(Outcome::Completed)));
        let sim = RunOptions { drill: true, simulator: true, ..opts() };
        let (m, _) = Machine::start(runbook(), sim, op(&[]), params(), Some("SRE-7".into()), t(0));
        assert!(m.executes(1, 0));
    }

    fn record(seq: u64, e: Entry) -> Record {
        Record {
            seq,
            run_id: "r1".into(),
            who: Who::default(),
            runbook: "/rb/drain.md".into(),
            file_hash: "h1".into(),
            entry: e,
            prev: String::new(),
        }
    }

    #[test]
    fn resume_marks_an_unfinished_destructive_block_unknown() {
        let mut m = started();
        let mut log = Vec::new();
        let run = |m: &mut Machine, i: Input, s: u32, log: &mut Vec<Entry>| {
            let fx = m.handle(i, t(s));
            let (_, e) = settle(m, fx, t(s));
            log.extend(e);
        };
        run(&mut m, Input::RunStep, 1, &mut log);
        run(
            &mut m,
            Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }),
            2,
            &mut log,
        );
        run(&mut m, Input::RunStep, 3, &mut log);
        run(&mut m, Input::Confirm("eu-1".into()), 4, &mut log);
        // The process dies here: block_started is the last record of step 2.
        let mut records = vec![record(1, {
            let mut e = log[0].clone();
            e.event = EventKind::RunStarted;
            e.step = None;
            e
        })];
        records.extend(log.iter().enumerate().map(|(i, e)| record(i as u64 + 2, e.clone())));
        let (mut m2, fx) = Machine::resume(runbook(), opts(), op(&[]), &records, t(100)).unwrap();
        let (_, entries) = settle(&mut m2, fx, t(100));
        assert_eq!(entries[0].event, EventKind::RunResumed);
        assert_eq!(m2.steps()[0].state, RunState::Ok);
        assert_eq!(m2.steps()[1].state, RunState::Unknown);
        assert_eq!(m2.steps()[1].blocks[0], RunState::Unknown);
        assert_eq!(m2.justification(), Some("SRE-7"));
        assert_eq!(m2.phase(), &Phase::Ready { step: 1 });
        let fx = m2.handle(Input::RunStep, t(101));
        settle(&mut m2, fx, t(101));
        assert!(matches!(m2.phase(), Phase::Confirm { unknown: true, .. }));
        let fx = m2.handle(Input::Confirm("".into()), t(102));
        settle(&mut m2, fx, t(102));
        assert_eq!(m2.steps()[1].blocks[0], RunState::Unknown, "declining keeps it unknown");
        // A changed file refuses to resume.
        let mut rb = runbook();
        rb.file_hash = "h2".into();
        assert!(Machine::resume(rb, opts(), op(&[]), &records, t(100)).is_err());
    }

    #[test]
    fn verify_runs_after_the_commands_and_unknown_is_never_a_pass() {
        let mut rb = runbook();
        rb.steps[0].verify.push(VerifyBlock {
            line: 9,
            query: "up".into(),
            hold_for: Duration::from_secs(60),
            timeout: Duration::from_secs(300),
        });
        let (mut m, fx) = Machine::start(rb, opts(), op(&[]), params(), Some("SRE-7".into()), t(0));
        settle(&mut m, fx, t(0));
        let fx = m.handle(Input::RunStep, t(1));
        let (all, _) = settle(&mut m, fx, t(1));
        assert!(!all.iter().any(|e| matches!(e, Effect::StartVerify { .. })), "not before the commands");
        let fx =
            m.handle(Input::CommandExited(ExecResult { exit_code: Some(0), ..Default::default() }), t(2));
        let (all, entries) = settle(&mut m, fx, t(2));
        assert_eq!(entries.last().unwrap().event, EventKind::VerifyStarted);
        assert!(all.iter().any(|e| matches!(e, Effect::StartVerify { query, .. } if query == "up")));
        assert_eq!(m.phase(), &Phase::Verifying { step: 0, verify: 0 });
        let fx = m.handle(Input::VerifyDone(VerifyVerdict::Unknown("bad_data".into())), t(3));
        settle(&mut m, fx, t(3));
        assert_eq!(m.steps()[0].verify[0], RunState::Unknown);
        assert!(matches!(m.phase(), Phase::Failed { step: 0, .. }));
        // Retry re-runs the verify only (the block already succeeded).
        let fx = m.handle(Input::Retry, t(4));
        let (all, _) = settle(&mut m, fx, t(4));
        assert!(!all.iter().any(|e| matches!(e, Effect::StartCommand { .. })));
        assert!(all.iter().any(|e| matches!(e, Effect::StartVerify { .. })));
        let fx = m.handle(Input::Interrupt, t(5));
        settle(&mut m, fx, t(5));
        assert!(matches!(m.phase(), Phase::Failed { .. }), "interrupting a verify is not a pass");
        let fx = m.handle(Input::Retry, t(6));
        settle(&mut m, fx, t(6));
        let fx = m.handle(Input::VerifyDone(VerifyVerdict::Passed), t(7));
        settle(&mut m, fx, t(7));
        assert_eq!(m.steps()[0].state, RunState::Ok);
        assert_eq!(m.phase(), &Phase::Ready { step: 1 });
    }

    #[test]
    fn confirm_dialog_is_data() {
        let mut m = started();
        let fx = m.handle(Input::Skip("done already".into()), t(1));
        settle(&mut m, fx, t(1));
        let fx = m.handle(Input::RunStep, t(2));
        settle(&mut m, fx, t(2));
        let d = m.confirm_dialog().unwrap();
        assert_eq!(d.script, "kubectl drain x");
        assert_eq!(d.expect, Expect::Typed("eu-1".into()));
        assert!(d.env.contains(&("CLUSTER".into(), "eu-1".into())));
        assert!(!d.unknown && !d.drill_print);
    }

    #[test]
    fn params_are_validated() {
        let mut rb = runbook();
        rb.params.push(ParamSpec {
            name: "replicas".into(),
            kind: ParamKind::Int,
            default: Some("3".into()),
            pattern: None,
            choices: vec![],
            description: None,
        });
        rb.params.push(ParamSpec {
            name: "region".into(),
            kind: ParamKind::Enum,
            default: Some("eu".into()),
            pattern: None,
            choices: vec!["eu".into(), "us".into()],
            description: None,
        });
        let ok = validate_params(&rb, &params()).unwrap();
        assert_eq!(ok["replicas"], "3");
        let bad = BTreeMap::from([
            ("cluster".to_string(), "x; rm -rf /".to_string()),
            ("replicas".to_string(), "many".to_string()),
            ("region".to_string(), "mars".to_string()),
            ("nope".to_string(), "1".to_string()),
        ]);
        let errs = validate_params(&rb, &bad).unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(validate_params(&rb, &BTreeMap::new()).unwrap_err()[0].contains("required"));
        let mut rb2 = runbook();
        rb2.params[0].name = "path".into();
        assert!(validate_params(&rb2, &BTreeMap::new()).unwrap_err()[0].contains("reserved"));
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn an_empty_expected_value_is_never_confirmed() {
        assert!(!Expect::Typed(String::new()).accepts(""));
        assert!(!Expect::Yes.accepts(""));
        assert!(!Expect::Yes.accepts("YES please"));
        assert!(Expect::Typed("eu-1".into()).accepts("eu-1"));
    }
}

#[cfg(test)]
mod env_default_tests {
    use super::*;

    /// A shipped runbook: its `sim_url` default points at a fixed port.
    fn shipped() -> Runbook {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/gateway-overload.md");
        crate::runbook::parse_file(&path).expect("the shipped runbook parses")
    }

    #[test]
    fn opsdeck_sim_url_overrides_the_shipped_default_when_no_param_is_given() {
        let rb = shipped();
        let shipped_default = rb.params.iter().find(|p| p.name == "sim_url").and_then(|p| p.default.clone());
        let env = |k: &str| (k == "OPSDECK_SIM_URL").then(|| "http://10.0.0.9:7000".to_string());
        let none = BTreeMap::new();
        assert_eq!(validate_params_with(&rb, &none, env).unwrap()["sim_url"], "http://10.0.0.9:7000");
        // A given --param still wins; without the variable the runbook's default applies.
        let given = BTreeMap::from([("sim_url".to_string(), "http://given:1".to_string())]);
        assert_eq!(validate_params_with(&rb, &given, env).unwrap()["sim_url"], "http://given:1");
        assert_eq!(
            Some(validate_params_with(&rb, &none, |_| None).unwrap()["sim_url"].clone()),
            shipped_default
        );
    }
}
