//! The event loop (DESIGN.md section 7): one bounded channel; pollers, the input task, the
//! 1 Hz clock and signals send on it; the loop drains a batch, runs the pure `update`, and
//! draws at most once per batch, only when the model says something visible changed.
//! Nothing on the loop awaits the network, a file or a process.
pub mod actions;
pub mod charts;
pub mod cli;
pub mod drive;
pub mod incidents;
pub mod input;
pub mod pollers;
pub mod runbook;
pub mod terminal;

use anyhow::Context;
use chrono::Utc;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::domain::PollOutcome;
use crate::model::{Effect, Keymap, Mode, Model, ModelOptions, Msg, update};
use crate::ui::{self, Theme};

pub use input::Input;

impl From<PollOutcome> for Input {
    fn from(o: PollOutcome) -> Input {
        Input::Msg(Msg::Polled(o))
    }
}

/// How the screen runs.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The header badge: LIVE, DEMO or DRILL.
    pub mode: Mode,
    /// Wall screen: read-only, bigger clock, no key hints but `q`.
    pub wall: bool,
    pub readonly: bool,
    /// Theme name; overrides the config's `theme`.
    pub theme: Option<String>,
    /// Wall mode: rotate between pane sets at this interval.
    pub wall_rotation: Option<Duration>,
    /// The live keymap (defaults plus an optional keymap file).
    pub keymap: Option<Keymap>,
}

/// Channel capacity: input and pollers wait when the loop falls behind; ticks are dropped.
const CHANNEL: usize = 1024;
/// At most this many messages are applied before a draw.
const BATCH: usize = 512;
/// Leaving on a signal with a block running: how long the block may take to end and its
/// end to be journaled (it gets SIGINT, then SIGKILL after the executor's grace).
const LEAVE_LIMIT: Duration = Duration::from_secs(crate::runbook::exec::KILL_GRACE.as_secs() + 3);
/// At exit, how long the runbook edge may take to finish the jobs it was given (journal
/// records in flight) and flush a closed run's webhook posts.
const EDGE_FLUSH: Duration = Duration::from_secs(2);

/// Themes in cycle order (built-in and user files, `ui::theme::search_dirs`), colourless
/// when NO_COLOR is set (and not empty).
pub fn themes() -> Vec<Theme> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Theme::all_in(&ui::theme::search_dirs())
        .into_iter()
        .map(|t| if no_color { t.without_color() } else { t })
        .collect()
}

/// Builds the model for `config` and `opts` at `now` (also used by screenshots and tests).
pub fn initial_model(config: Config, opts: &RunOptions, themes: &[Theme]) -> anyhow::Result<Model> {
    let wanted = opts.theme.clone().unwrap_or_else(|| config.theme.clone());
    let theme_index = themes.iter().position(|t| t.name == wanted).with_context(|| {
        let known: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        format!("unknown theme `{wanted}` (known: {})", known.join(", "))
    })?;
    let offset = chrono::Local::now().offset().local_minus_utc();
    let mut model = Model::new(
        config,
        ModelOptions {
            mode: opts.mode,
            wall: opts.wall,
            readonly: opts.readonly,
            theme_names: themes.iter().map(|t| t.name.clone()).collect(),
            theme_index,
            keymap: opts.keymap.clone().unwrap_or_default(),
            wall_rotation: opts.wall_rotation,
            now: Utc::now(),
            utc_offset_secs: offset,
        },
    );
    model.actions.who = crate::incident::who::current();
    Ok(model)
}

/// Runs the full-screen command center until `q` or a signal; returns the exit status.
/// Call it from outside any tokio runtime: it builds its own.
pub fn run(config: Config, opts: RunOptions) -> anyhow::Result<i32> {
    let themes = themes();
    let model = initial_model(config, &opts, &themes)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let result = rt.block_on(event_loop(model, themes));
    rt.shutdown_timeout(Duration::from_millis(200));
    result
}

async fn event_loop(mut model: Model, themes: Vec<Theme>) -> anyhow::Result<i32> {
    let guard = terminal::Guard::enter().context("setting up the terminal")?;
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let mut term = ratatui::Terminal::new(backend).context("setting up the terminal")?;
    let (tx, mut rx) = mpsc::channel::<Input>(CHANNEL);

    // The first frame (layout, "loading") is drawn before the pollers start, so it never
    // competes with parsing their first answers.
    let size = term.size().context("reading the terminal size")?;
    update(&mut model, Msg::Resize(size.width, size.height));
    if model.take_dirty() {
        let theme = &themes[model.theme_index.min(themes.len() - 1)];
        term.draw(|f| ui::render(&model, theme, f)).context("drawing")?;
    }

    spawn_input(tx.clone());
    spawn_tick(tx.clone());
    spawn_signals(tx.clone())?;
    pollers::start(&model.config, tx.clone());
    let observe = incidents::start(model.policy.clone(), tx.clone());
    let (runbooks, edge) = runbook::start(&model.config, tx.clone());
    let store = crate::incident::Store::from_env();
    let effects_tx = tx.clone();
    drop(tx);

    let mut edges = RealEdges { observe, runbooks, store, effects_tx };
    let ended = drive::drive(&mut model, &themes, &mut term, &mut rx, &mut edges).await?;
    let left_early = ended.left_early;
    let RealEdges { runbooks, .. } = edges;
    // The edge performs its jobs in order: a closed run's webhook posts are flushed and
    // any journal record still in flight is written before opsdeck exits (bounded).
    if model.runbook.run.is_some() {
        let _ = runbooks.send(crate::model::runbook::RunbookJob::Close);
    }
    drop(runbooks);
    let _ = tokio::time::timeout(EDGE_FLUSH, edge).await;
    // ratatui's drop shows the cursor and, when that fails (the terminal hung up), prints
    // to stderr, which panics on a dead terminal: show it here and skip that drop then.
    if term.show_cursor().is_ok() {
        drop(term);
    } else {
        std::mem::forget(term);
    }
    drop(guard);
    if model.runbook.leaving.is_none()
        && let Some(run) = model.runbook.run.as_ref().filter(|_| model.runbook.active())
    {
        // Quit with a run in progress (the quit question was answered yes).
        let id = &run.machine.options().run_id;
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "opsdeck: run {id} is unfinished: continue it with `opsdeck runbook resume {id}`"
        );
    }
    if let Some(leaving) = model.runbook.leaving.as_ref()
        && let Some(run) = model.runbook.run.as_ref().filter(|_| model.runbook.active())
    {
        let id = &run.machine.options().run_id;
        let what = if left_early {
            format!(
                "the running step did not end within {}s, its end may not be journaled; ",
                LEAVE_LIMIT.as_secs()
            )
        } else if leaving.stopped {
            "the running step was stopped and its end journaled; ".to_string()
        } else {
            String::new()
        };
        // The terminal may be gone: a failed write is not an error.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "opsdeck: signal: {what}run {id} is unfinished: continue it with `opsdeck runbook resume {id}`"
        );
    }
    Ok(0)
}

fn spawn_input(tx: mpsc::Sender<Input>) {
    tokio::spawn(async move {
        let mut events = crossterm::event::EventStream::new();
        while let Some(ev) = events.next().await {
            let Ok(ev) = ev else { break };
            if let Some(i) = input::convert(ev)
                && tx.send(i).await.is_err()
            {
                break;
            }
        }
    });
}

/// The 1 Hz clock, aligned to the start of each second; once a minute the local time
/// offset (daylight saving changes while a wall runs for days).
fn spawn_tick(tx: mpsc::Sender<Input>) {
    tokio::spawn(async move {
        let mut offset = chrono::Local::now().offset().local_minus_utc();
        let mut n: u32 = 0;
        loop {
            n = n.wrapping_add(1);
            if n.is_multiple_of(60) {
                let now = chrono::Local::now().offset().local_minus_utc();
                if now != offset {
                    offset = now;
                    let _ = tx.try_send(Input::Msg(Msg::Offset(now)));
                }
            }
            let now = Utc::now();
            let to_next = 1_000_000_000 - now.timestamp_subsec_nanos().min(999_999_999);
            tokio::time::sleep(Duration::from_nanos(to_next as u64)).await;
            match tx.try_send(Input::Msg(Msg::Tick(Utc::now()))) {
                Ok(()) | Err(mpsc::error::TrySendError::Full(_)) => {}
                Err(mpsc::error::TrySendError::Closed(_)) => break,
            }
        }
    });
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end the loop cleanly (the terminal is restored on the way out).
fn spawn_signals(tx: mpsc::Sender<Input>) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
    let mut hup = signal(SignalKind::hangup()).context("SIGHUP handler")?;
    let mut int = signal(SignalKind::interrupt()).context("SIGINT handler")?;
    let mut quit = signal(SignalKind::quit()).context("SIGQUIT handler")?;
    terminal::spawn_suspend(tx.clone())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = quit.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
        }
        let _ = tx.send(Input::Msg(Msg::Shutdown)).await;
    });
    Ok(())
}
/// The real edges: the incident thread, the runbook edge, the incident store and the
/// actions that talk to Alertmanager (each spawned, none awaited on the loop).
struct RealEdges {
    observe: std::sync::mpsc::Sender<Vec<crate::derive::AlertView>>,
    runbooks: mpsc::UnboundedSender<crate::model::runbook::RunbookJob>,
    store: crate::incident::Store,
    effects_tx: mpsc::Sender<Input>,
}

impl drive::Edges for RealEdges {
    fn perform(&mut self, model: &Model, effect: Effect) -> drive::Flow {
        let (store, effects_tx) = (&self.store, &self.effects_tx);
        match effect {
            Effect::Quit => return drive::Flow::Quit,
            // Never blocks: the incident thread takes the latest views.
            Effect::ObserveAlerts(alerts) => {
                let _ = self.observe.send(alerts);
            }
            Effect::Runbook(job) => {
                let _ = self.runbooks.send(job);
            }
            Effect::Incident(act) => actions::spawn_incident(
                store.clone(),
                model.policy.clone(),
                act,
                model.actions.who.clone(),
                effects_tx.clone(),
            ),
            Effect::ListSilences => actions::spawn_list_silences(model.config.clone(), effects_tx.clone()),
            Effect::FetchRange(f) => charts::spawn_fetch(&model.config, f, effects_tx.clone()),
            Effect::Silence { silence, sources } => actions::spawn_silence(
                model.config.clone(),
                store.clone(),
                model.policy.clone(),
                silence,
                sources,
                effects_tx.clone(),
            ),
        }
        drive::Flow::Continue
    }
}
