//! The runbook pane's state and its part of `update` (DESIGN.md sections 2 and 4): the
//! picker, the justification and parameter prompts, the run (a [`Machine`] owned by the
//! model, fed pure inputs), the destructive-block dialog and the quit question.
//!
//! Contract: pure. Discovery, journal writes, processes and verify polls are
//! [`RunbookJob`]s performed by the app's runbook edge; their results come back as
//! [`RunbookMsg`]s. The machine enforces the safety rules; this file adds the screen's:
//! the dialog's default is No, and keys that arrive before the dialog was drawn
//! ([`RunbookUi::drawn`]) are discarded, so a key typed ahead never confirms.
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

use crate::runbook::exec::{OutputLine, Stream};
use crate::runbook::machine::{self, Input, Machine, Operator, Phase, RunOptions};
use crate::runbook::types::Runbook;

use super::keymap::Action;
use super::keys::{Key, KeyCode};
use super::pane::Pane;
use super::state::{Mode, Model};
use super::update::Effect;

/// Lines of live output kept (older ones are dropped).
pub const OUTPUT_LINES: usize = 2000;
/// Lines of the run's log (block started/finished, notices) kept.
pub const LOG_LINES: usize = 200;

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
    /// Called by the app after each draw: the dialog on screen now accepts keys.
    pub fn drawn(&mut self) {
        if self.dialog_open() {
            self.armed = true;
        }
    }

    pub fn dialog_open(&self) -> bool {
        self.run.as_ref().is_some_and(|r| matches!(r.machine.phase(), Phase::Confirm { .. }))
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
fn settle_leaving(m: &mut Model) -> Vec<Effect> {
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
        RunbookMsg::Ready { run_id, operator, journal, simulator } => {
            m.runbook.busy = None;
            let Some(setup) = m.runbook.setup.take() else { return Vec::new() };
            let drill = m.mode != Mode::Live;
            let opts = RunOptions { run_id, drill, simulator };
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
            return machine_effects(m, fx, false);
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
fn choose(m: &mut Model, f: Found) -> Vec<Effect> {
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
fn next_param(m: &mut Model, i: usize) -> Vec<Effect> {
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
    let j = j.trim();
    if j.is_empty() {
        return Err("a justification (e.g. a ticket id) is required".into());
    }
    if let Some(p) = rb.justification.as_ref().and_then(|s| s.pattern.as_ref()) {
        let re = regex::Regex::new(p).map_err(|e| format!("bad justification pattern: {e}"))?;
        if !re.is_match(j) {
            return Err(format!("`{j}` does not match {p}"));
        }
    }
    Ok(())
}

/// Feeds the machine and forwards what it returns.
fn feed(m: &mut Model, input: Input) -> Vec<Effect> {
    let now = m.now;
    let was_open = m.runbook.dialog_open();
    let Some(run) = m.runbook.run.as_mut() else { return Vec::new() };
    if matches!(input, Input::RunStep | Input::Retry | Input::Rollback) {
        run.output.clear();
        run.scroll = 0;
        run.output_step = match (&input, run.machine.phase()) {
            (Input::Rollback, Phase::Failed { rollback, .. }) => *rollback,
            _ => run.current_step(),
        };
    }
    let fx = run.machine.handle(input, now);
    machine_effects(m, fx, was_open)
}

/// Records what the operator should see and sends the effects to the edge.
/// `was_open`: the dialog was open before the machine handled the input.
fn machine_effects(m: &mut Model, fx: Vec<machine::Effect>, was_open: bool) -> Vec<Effect> {
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
                    K::BlockDeclined => Some(format!("{step}: declined")),
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
    if !was_open || !m.runbook.dialog_open() {
        // A new dialog: nothing typed before it was drawn counts.
        m.runbook.confirm_text.clear();
        m.runbook.armed = false;
        m.runbook.dialog_scroll = 0;
    }
    m.mark_dirty();
    if fx.is_empty() { Vec::new() } else { vec![Effect::Runbook(RunbookJob::Perform(fx))] }
}

fn push_output(run: &mut Run, line: Shown) {
    run.output.push_back(line);
    while run.output.len() > OUTPUT_LINES {
        run.output.pop_front();
    }
}

fn push_log(run: &mut Run, line: String) {
    push_output(run, Shown::Note(line.clone()));
    run.log.push_back(line);
    while run.log.len() > LOG_LINES {
        run.log.pop_front();
    }
}

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
    if m.focus == Pane::Runbook && m.runbook.run.is_some() && !m.help {
        return run_key(m, k);
    }
    None
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
    let Some(p) = m.runbook.prompt.as_mut() else { return Vec::new() };
    match k.code {
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
    match (phase, code) {
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
    match run.machine.phase() {
        Phase::Ready { .. } => "Enter run step · s skip · a abort · ↑↓ scroll output",
        Phase::Failed { rollback: Some(_), .. } => "r retry · s skip · b roll back · a abort",
        Phase::Failed { .. } => "r retry · s skip · a abort",
        Phase::Running { .. } | Phase::Verifying { .. } => "Ctrl-C interrupt the step · ↑↓ scroll output",
        Phase::Confirm { .. } => "type the confirmation · Enter submit · Esc No",
        Phase::NeedJustification { .. } => "Enter give a justification",
        Phase::Done(_) => "Enter close the run",
    }
}
