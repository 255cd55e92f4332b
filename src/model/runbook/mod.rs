//! The runbook pane's state and its part of `update` (DESIGN.md sections 2 and 4): the
//! picker, the justification and parameter prompts, the run (a [`Machine`] owned by the
//! model, fed pure inputs), the destructive-block dialog and the quit question.
//!
//! Contract: pure. Discovery, journal writes, processes and verify polls are
//! [`RunbookJob`]s performed by the app's runbook edge; their results come back as
//! [`RunbookMsg`]s. The machine enforces the safety rules; this file adds the screen's:
//! the dialog's default is No, and keys that arrive before the dialog (or a placeholder's
//! value prompt) was drawn, or within [`KEY_GUARD`] of it ([`RunbookUi::drawn_at`],
//! [`RunbookUi::discards_key`]), are discarded, so a key typed ahead never confirms. After
//! a block ends its output stays in view: the first Enter only acknowledges it
//! ([`Run::hold`]), and the next dialog opens after that. While a run holds the keyboard
//! (the runbook pane focused with a run, or one of its dialogs open) the incident keys do
//! nothing.
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::runbook::exec::{OutputLine, Stream};
use crate::runbook::machine::{self, Input, Machine, Operator, Phase, RunOptions};
use crate::runbook::types::Runbook;

use super::pane::Pane;
use super::state::{Mode, Model};
use super::update::Effect;

mod effects;
mod keys;
mod leave;

pub(super) use effects::sync_value_prompt;
use effects::{machine_effects, push_log, push_output};

pub use keys::{hints, on_key};
pub use leave::on_shutdown;
use leave::settle_leaving;

/// Lines of live output kept (older ones are dropped).
pub const OUTPUT_LINES: usize = 2000;
/// Lines of the run's log (block started/finished, notices) kept.
pub const LOG_LINES: usize = 200;
/// Keys that arrive this soon after a dialog or value prompt was drawn are discarded: they
/// were typed before the operator could read it.
pub const KEY_GUARD: Duration = Duration::from_millis(150);

/// A runbook the edge found: parsed, or why it could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: PathBuf,
    pub runbook: Result<Runbook, String>,
    /// Parameter defaults as the operator sees them (`OPSDECK_<NAME>` applied), in the
    /// runbook's parameter order.
    pub defaults: Vec<String>,
}

impl Found {
    pub fn name(&self) -> String {
        self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// What the edge reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum RunbookMsg {
    /// The answer to `Discover`: every runbook, or why discovery failed.
    Found(Result<Vec<Found>, String>),
    /// The answer to `Load` (boxed: a runbook is large beside the other messages).
    Loaded(Result<Box<Found>, String>),
    /// The answer to `Prepare`: the run's id and operator, and the journal (its path, or
    /// why it cannot be written: destructive blocks will then refuse to run).
    Ready {
        run_id: String,
        operator: Operator,
        journal: Result<PathBuf, String>,
        simulator: bool,
        /// The runbook's `$VAR` placeholders set in opsdeck's environment (not asked).
        inherited: BTreeSet<String>,
    },
    /// A result for the machine (`Journaled`, `CommandExited`, `VerifyDone`).
    Event(Input),
    Output(OutputLine),
    Warning(String),
}

/// What the edge must do.
#[derive(Debug, Clone, PartialEq)]
pub enum RunbookJob {
    /// List every runbook (answer: `Found`).
    Discover,
    /// Resolve a name or path (an alert's annotation) and load it (answer: `Loaded`).
    Load(String),
    /// Open a journal for a new run of this runbook (answer: `Ready`).
    Prepare(Box<Runbook>),
    /// Perform the machine's effects, in order (journal appends off the loop).
    Perform(Vec<machine::Effect>),
    /// The run is closed: flush the webhook and drop the runtime.
    Close,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub items: Vec<Found>,
    pub sel: usize,
}

/// A run being prepared (before the machine exists).
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub runbook: Runbook,
    pub justification: Option<String>,
    /// Values in parameter order.
    pub values: Vec<String>,
    /// Validated parameters, once the form was accepted.
    pub params: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Justification,
    /// Editing parameter `i` of the setup.
    Param(usize),
    /// Reason to skip the ready step.
    Skip,
    /// Reason to skip the failed step.
    SkipFailed,
    /// Reason to abort.
    Abort,
    /// A value for the placeholder the machine asks (`Phase::NeedValue`).
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Run {
    pub machine: Machine,
    pub journal: Result<PathBuf, String>,
    /// The current step's output lines and what happened meanwhile, in order.
    pub output: VecDeque<Shown>,
    /// Rows scrolled up from the newest output line.
    pub scroll: usize,
    pub log: VecDeque<String>,
    /// The step whose output is shown.
    pub shown_step: Option<usize>,
    /// The step the output belongs to.
    pub output_step: Option<usize>,
    /// A block ended: its output stays in view until the operator acknowledges it with
    /// Enter; the next dialog (confirmation, value) waits for that.
    pub hold: bool,
}

/// A line of the output area: the block's output, or a note (block exits, verify,
/// notices) in the order they happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Line(OutputLine),
    Note(String),
}

impl Run {
    pub fn drill(&self) -> bool {
        self.machine.options().drill
    }
    /// The step the pane talks about: the one waiting, running or failed, else the last.
    pub fn current_step(&self) -> Option<usize> {
        match self.machine.phase() {
            Phase::Ready { step }
            | Phase::Confirm { step, .. }
            | Phase::NeedValue { step, .. }
            | Phase::Running { step, .. }
            | Phase::Verifying { step, .. }
            | Phase::Failed { step, .. } => Some(*step),
            Phase::NeedJustification { .. } | Phase::Done(_) => self.shown_step,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RunbookUi {
    pub picker: Option<Picker>,
    pub setup: Option<Setup>,
    pub prompt: Option<Prompt>,
    pub run: Option<Run>,
    /// `q` during an active run: asking whether to leave.
    pub quit_ask: bool,
    /// A one-line message for the footer (why a key did nothing, warnings).
    pub status: Option<String>,
    /// What is typed into the confirmation dialog.
    pub confirm_text: String,
    /// The confirmation dialog has been drawn: keys count from now on.
    pub armed: bool,
    /// When the dialog (or value prompt) was first drawn: keys count from [`KEY_GUARD`]
    /// after it.
    pub armed_at: Option<Instant>,
    /// Rows the dialog's details are scrolled (a small terminal cannot show them all).
    pub dialog_scroll: usize,
    /// Waiting for the edge (discovery, loading, journal).
    pub busy: Option<String>,
    /// A signal asked opsdeck to leave while a run was active: the running block (or
    /// verify) is being interrupted and its end journaled before `Effect::Quit`.
    pub leaving: Option<Leaving>,
}

/// Leaving on a signal (SIGHUP, SIGTERM) with a run in progress, as plain mode does: the
/// running block's process group is interrupted like Ctrl-C, its end is journaled, then
/// opsdeck quits and the run stays unfinished (`opsdeck runbook resume` continues it).
/// The app bounds the wait; the model only says when it is over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leaving {
    /// The `(step, block)` the interrupt was sent to (a block that ended just before the
    /// interrupt may start the next read-only one: that one is interrupted too).
    pub interrupted: Option<(usize, usize)>,
    /// A block or a verify was running and was interrupted.
    pub stopped: bool,
}

impl RunbookUi {
    /// Called after each draw (headless frames): the dialog on screen accepts keys.
    pub fn drawn(&mut self) {
        self.drawn_at(None);
    }

    /// Called by the app after each draw, with the time: the dialog or value prompt on
    /// screen accepts keys that arrive [`KEY_GUARD`] after it was first drawn.
    pub fn drawn_at(&mut self, at: Option<Instant>) {
        if self.run_asks() && !self.armed {
            self.armed = true;
            self.armed_at = at;
        }
    }

    /// A key that arrived at `at` must be discarded: a dialog or value prompt is open and
    /// was not on screen yet, or only for less than [`KEY_GUARD`].
    pub fn discards_key(&self, at: Instant) -> bool {
        if !self.run_asks() {
            return false;
        }
        !self.armed || self.armed_at.is_some_and(|t| at < t + KEY_GUARD)
    }

    /// What the run asks on screen: `(step, block, None)` a confirmation, `(step, block,
    /// Some(placeholder))` a value. A new question is armed anew.
    pub fn asking(&self) -> Option<Asked> {
        let r = self.run.as_ref().filter(|r| !r.hold)?;
        match r.machine.phase() {
            Phase::Confirm { step, block, .. } => Some((*step, *block, None)),
            Phase::NeedValue { step, block, placeholder, .. } => Some((*step, *block, Some(*placeholder))),
            _ => None,
        }
    }

    /// The run asks something the operator must answer in a dialog: a confirmation or a
    /// placeholder's value (not while a block's output waits to be acknowledged).
    pub fn run_asks(&self) -> bool {
        self.run.as_ref().is_some_and(|r| {
            !r.hold && matches!(r.machine.phase(), Phase::Confirm { .. } | Phase::NeedValue { .. })
        })
    }

    pub fn dialog_open(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.hold && matches!(r.machine.phase(), Phase::Confirm { .. }))
    }

    /// The run (its pane focused, or one of its dialogs) has the keyboard: incident keys
    /// do nothing.
    pub fn holds_keyboard(&self, focus: Pane) -> bool {
        self.modal() || (focus == Pane::Runbook && self.active())
    }

    /// A text field has the keys (the footer shows its keys, not the keymap's).
    pub fn text_field(&self) -> bool {
        self.prompt.is_some() || self.dialog_open()
    }

    /// A run exists and is not over.
    pub fn active(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.machine.is_done())
    }

    /// A drill run is on screen (the header shows DRILL).
    pub fn drilling(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.drill() && !r.machine.is_done())
    }

    /// Something modal is open: the picker, a prompt, the dialog or the quit question.
    pub fn modal(&self) -> bool {
        self.picker.is_some() || self.prompt.is_some() || self.quit_ask || self.dialog_open()
    }
}

/// A question the run asks on screen: step, block, and the placeholder (None: the
/// confirmation).
pub type Asked = (usize, usize, Option<usize>);

/// Why runbooks cannot run here, if they cannot.
fn refusal(m: &Model) -> Option<&'static str> {
    if m.wall {
        Some("runbooks do not run on a wall screen (read-only)")
    } else if m.readonly {
        Some("runbooks do not run in read-only mode (--readonly)")
    } else {
        None
    }
}

/// `r`: list the runbooks (the picker opens when the edge answers).
pub fn open_picker(m: &mut Model) -> Vec<Effect> {
    if let Some(why) = refusal(m) {
        m.runbook.status = Some(why.into());
        return Vec::new();
    }
    if m.runbook.active() {
        set_focus_runbook(m);
        m.runbook.status = Some("a run is in progress: finish or abort it first".into());
        return Vec::new();
    }
    m.runbook.busy = Some("looking for runbooks…".into());
    vec![Effect::Runbook(RunbookJob::Discover)]
}

/// The key on the alert detail: open the runbook its `runbook`/`runbook_url` annotation
/// names, when that is a local file.
pub fn open_from_alert(m: &mut Model) -> Vec<Effect> {
    if let Some(why) = refusal(m) {
        m.runbook.status = Some(why.into());
        return Vec::new();
    }
    let alert = m.detail_alert().or_else(|| match m.feed.get(m.alert_sel) {
        Some(super::feed::FeedRow::Alert(i)) if m.focus == Pane::Alerts => m.views.alerts.get(*i),
        _ => None,
    });
    let Some(a) = alert else {
        m.runbook.status = Some("open an alert first (Enter on the alert feed)".into());
        return Vec::new();
    };
    let name = ["runbook", "runbook_url"].iter().find_map(|k| a.annotations.get(k).map(str::to_string));
    let Some(name) = name else {
        m.runbook.status = Some(format!("alert {} has no runbook annotation", a.alertname));
        return Vec::new();
    };
    match local_name(&name) {
        Some(local) => {
            if m.runbook.active() {
                m.runbook.status = Some("a run is in progress: finish or abort it first".into());
                return Vec::new();
            }
            m.runbook.busy = Some(format!("loading {local}…"));
            vec![Effect::Runbook(RunbookJob::Load(local))]
        }
        None => {
            m.runbook.status = Some(format!("runbook {name} is not a local file: open it in a browser"));
            Vec::new()
        }
    }
}

/// The local path or name an annotation gives: `file://` URLs and plain names/paths;
/// `http(s)://` and other URLs are not local.
pub fn local_name(annotation: &str) -> Option<String> {
    let a = annotation.trim();
    if a.is_empty() {
        return None;
    }
    if let Some(p) = a.strip_prefix("file://") {
        return Some(p.to_string());
    }
    if a.contains("://") {
        return None;
    }
    Some(a.to_string())
}

fn set_focus_runbook(m: &mut Model) {
    if m.focus == Pane::Alerts {
        m.last_look = Some(m.now);
    }
    m.detail = None;
    m.focus = Pane::Runbook;
}

/// Messages from the edge.
pub fn on_msg(m: &mut Model, msg: RunbookMsg) -> Vec<Effect> {
    let mut fx = edge_msg(m, msg);
    if m.runbook.leaving.is_some() {
        fx.extend(settle_leaving(m));
    }
    fx
}

fn edge_msg(m: &mut Model, msg: RunbookMsg) -> Vec<Effect> {
    m.mark_dirty();
    match msg {
        RunbookMsg::Found(r) => {
            m.runbook.busy = None;
            match r {
                Ok(items) if items.is_empty() => m.runbook.status = Some("no runbooks found".into()),
                Ok(items) => m.runbook.picker = Some(Picker { items, sel: 0 }),
                Err(e) => m.runbook.status = Some(e),
            }
        }
        RunbookMsg::Loaded(r) => {
            m.runbook.busy = None;
            match r {
                Ok(f) => return choose(m, *f),
                Err(e) => m.runbook.status = Some(e),
            }
        }
        RunbookMsg::Ready { run_id, operator, journal, simulator, inherited } => {
            m.runbook.busy = None;
            let Some(setup) = m.runbook.setup.take() else { return Vec::new() };
            let drill = m.mode != Mode::Live;
            let opts = RunOptions { run_id, drill, simulator, inherited, prefill: BTreeMap::new() };
            let params = setup.params.unwrap_or_default();
            let (machine, fx) =
                Machine::start(setup.runbook, opts, operator, params, setup.justification, m.now);
            let mut run = Run {
                machine,
                journal,
                output: VecDeque::new(),
                scroll: 0,
                log: VecDeque::new(),
                shown_step: None,
                output_step: None,
                hold: false,
            };
            if let Err(e) = run.journal.clone() {
                push_log(
                    &mut run,
                    format!("WARNING: journal cannot be written ({e}): destructive steps will refuse"),
                );
            }
            m.runbook.run = Some(run);
            set_focus_runbook(m);
            // The run gets the body; `z` gives the other panes back.
            m.zoom = true;
            return machine_effects(m, fx, None);
        }
        RunbookMsg::Event(input) => return feed(m, input),
        RunbookMsg::Output(line) => {
            if let Some(run) = m.runbook.run.as_mut() {
                push_output(run, Shown::Line(line));
                if run.scroll > 0 {
                    run.scroll = (run.scroll + 1).min(run.output.len());
                }
            }
        }
        RunbookMsg::Warning(w) => {
            if let Some(run) = m.runbook.run.as_mut() {
                push_log(run, w.clone());
            }
            m.runbook.status = Some(w);
        }
    }
    Vec::new()
}

/// A runbook was picked: ask the justification (when needed), then the parameters.
pub(super) fn choose(m: &mut Model, f: Found) -> Vec<Effect> {
    let name = f.name();
    let rb = match f.runbook {
        Ok(rb) => rb,
        Err(e) => {
            m.runbook.status = Some(format!("{name}: {e}"));
            return Vec::new();
        }
    };
    m.runbook.picker = None;
    let needs_j = rb.has_destructive() || rb.justification.as_ref().is_some_and(|j| j.required);
    let values = rb
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| f.defaults.get(i).cloned().or_else(|| p.default.clone()).unwrap_or_default())
        .collect();
    m.runbook.setup = Some(Setup { runbook: rb, justification: None, values, params: None });
    set_focus_runbook(m);
    if needs_j {
        m.runbook.prompt = Some(Prompt { kind: PromptKind::Justification, text: String::new(), error: None });
        Vec::new()
    } else {
        next_param(m, 0)
    }
}

/// Opens the prompt for parameter `i`, or validates all and prepares the run.
pub(super) fn next_param(m: &mut Model, i: usize) -> Vec<Effect> {
    let Some(setup) = m.runbook.setup.as_mut() else { return Vec::new() };
    if i < setup.runbook.params.len() {
        let text = setup.values[i].clone();
        m.runbook.prompt = Some(Prompt { kind: PromptKind::Param(i), text, error: None });
        return Vec::new();
    }
    let given: BTreeMap<String, String> =
        setup.runbook.params.iter().zip(&setup.values).map(|(p, v)| (p.name.clone(), v.clone())).collect();
    match machine::validate_params(&setup.runbook, &given) {
        Ok(params) => {
            setup.params = Some(params);
            m.runbook.prompt = None;
            m.runbook.busy = Some("opening the journal…".into());
            vec![Effect::Runbook(RunbookJob::Prepare(Box::new(setup.runbook.clone())))]
        }
        Err(errors) => {
            let first = setup
                .runbook
                .params
                .iter()
                .position(|p| errors.iter().any(|e| e.contains(&format!("`{}`", p.name))))
                .unwrap_or(0);
            let text = setup.values.get(first).cloned().unwrap_or_default();
            m.runbook.prompt =
                Some(Prompt { kind: PromptKind::Param(first), text, error: Some(errors.join("; ")) });
            Vec::new()
        }
    }
}

/// The justification check the machine will make, for an immediate answer.
pub fn check_justification(rb: &Runbook, j: &str) -> Result<(), String> {
    crate::runbook::types::check_justification(rb.justification.as_ref(), j)
}

/// Feeds the machine and forwards what it returns.
pub(super) fn feed(m: &mut Model, input: Input) -> Vec<Effect> {
    let now = m.now;
    let before = m.runbook.asking();
    let Some(run) = m.runbook.run.as_mut() else { return Vec::new() };
    if !matches!(input, Input::Journaled(_) | Input::CommandExited(_) | Input::VerifyDone(_)) {
        // The operator moved on: the last block's output is acknowledged.
        run.hold = false;
    }
    if matches!(input, Input::RunStep | Input::Retry | Input::Rollback) {
        run.output.clear();
        run.scroll = 0;
        run.output_step = match (&input, run.machine.phase()) {
            (Input::Rollback, Phase::Failed { rollback, .. }) => *rollback,
            _ => run.current_step(),
        };
    }
    let fx = run.machine.handle(input, now);
    machine_effects(m, fx, before)
}
