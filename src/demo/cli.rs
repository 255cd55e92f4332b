//! `opsdeck demo` and `opsdeck screenshot`.
use anyhow::{Context, bail};
use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::config::{self, Endpoints};
use super::server::{self, Clock, Endpoint, Listeners, SimServer};
use super::shot;
use super::sim::{Scenario, SimOptions, scenario};
use crate::app::RunOptions;
use crate::cli::ScreenArgs;
use crate::domain::PollOutcome;
use crate::model::{Mode, Msg, update};
use crate::sources::{SourcePlan, poll_once};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Scenario to play (see --list).
    #[arg(long, default_value = "calm")]
    pub scenario: String,
    /// List the scenarios and exit.
    #[arg(long)]
    pub list: bool,
    /// Wall-screen mode.
    #[arg(long)]
    pub wall: bool,
    /// Simulated seconds per real second (10 compresses a 10-minute scenario into one).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Seed of the model's noise; the same seed and time give the same numbers.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Only run the simulator: print its URLs and a config file path, serve until killed.
    #[arg(long)]
    pub serve_only: bool,
    /// Add N synthetic firing alerts (load tests).
    #[arg(long, default_value_t = 0)]
    pub alerts: usize,
    /// Theme of the screen.
    #[arg(long)]
    pub theme: Option<String>,
    /// Answer every Prometheus, Alertmanager and Statuspage request after this long (a
    /// slow, distributed backend; load tests).
    #[arg(long, default_value = "0s", value_parser = crate::util::duration::parse)]
    pub latency: Duration,
    /// Poll interval written into the demo config.
    #[arg(long, default_value = "5s", value_parser = crate::util::duration::parse)]
    pub poll: Duration,
    /// Keep the demo's incidents and journals from the last run (default: a fresh
    /// `demo/` state directory per run).
    #[arg(long)]
    pub keep_state: bool,
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    /// Scenario to render.
    #[arg(long, default_value = "gateway-overload")]
    pub scenario: String,
    /// Simulated time since the scenario started.
    #[arg(long, default_value = "5m", value_parser = crate::util::duration::parse)]
    pub at: Duration,
    /// Terminal size, COLSxROWS.
    #[arg(long, default_value = "160x48")]
    pub size: String,
    /// Theme name.
    #[arg(long)]
    pub theme: Option<String>,
    /// Wall-screen layout.
    #[arg(long)]
    pub wall: bool,
    /// Seed of the model.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Show one source stale: it answered 90 s before the frame, then its server stopped
    /// (`prometheus`, `alertmanager` or `statuspage`).
    #[arg(long)]
    pub stale: Option<String>,
    /// Output file: `.svg` or `.txt`.
    #[arg(long)]
    pub out: PathBuf,
    /// Show this runbook's first destructive-block confirmation dialog (a drill staged in
    /// the screen's model: nothing runs and no journal is written).
    #[arg(long)]
    pub runbook_dialog: Option<String>,
    /// Open a chart as `:chart` names it (`"gateway err"`), over the last hour the
    /// screen already polled.
    #[arg(long)]
    pub chart: Option<String>,
    /// Show the `:` command palette with this text typed.
    #[arg(long)]
    pub palette: Option<String>,
}

pub fn parse_scenario(name: &str) -> anyhow::Result<Scenario> {
    Scenario::parse(name).with_context(|| {
        format!(
            "unknown scenario {name:?}; known: {}",
            scenario::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// `--list`: one line per scenario.
pub fn list_text() -> String {
    scenario::ALL.iter().map(|s| format!("{:<18} {}\n", s.name(), s.describe())).collect()
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("opsdeck-sim")
        .enable_all()
        .build()
        .context("starting the simulator runtime")
}

fn options(a: &DemoArgs) -> anyhow::Result<SimOptions> {
    if !(a.speed.is_finite() && a.speed >= 0.01 && a.speed <= 1000.0) {
        bail!("--speed must be between 0.01 and 1000, got {}", a.speed);
    }
    Ok(SimOptions {
        scenario: parse_scenario(&a.scenario)?,
        seed: a.seed,
        speed: a.speed,
        start: Utc::now().trunc_subsecs(0),
        synthetic_alerts: a.alerts,
    })
}

/// Writes the demo config for `server` into a fresh temporary directory.
fn write_config(
    server: &SimServer,
    poll: Duration,
    theme: &str,
    speed: f64,
) -> anyhow::Result<(tempdir::Dir, PathBuf)> {
    let mut cfg = config::build(&Endpoints::from(server), poll, theme);
    cfg.escalation.speed = (speed != 1.0).then_some(speed);
    cfg.runbooks.time_scale = speed;
    let dir = tempdir::Dir::new()?;
    let path = dir.path().join("opsdeck-demo.toml");
    std::fs::write(&path, config::to_toml(&cfg)?).with_context(|| format!("writing {}", path.display()))?;
    Ok((dir, path))
}

/// A temporary directory removed on drop (std only; `tempfile` is a dev-dependency).
mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);
    impl Dir {
        pub fn new() -> anyhow::Result<Dir> {
            let p = std::env::temp_dir().join(format!("opsdeck-demo-{}", std::process::id()));
            std::fs::create_dir_all(&p)?;
            Ok(Dir(p))
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn demo(s: &ScreenArgs, a: &DemoArgs) -> anyhow::Result<i32> {
    if a.list {
        print!("{}", list_text());
        return Ok(0);
    }
    let opts = options(a)?;
    let theme = a.theme.clone().or_else(|| s.theme.clone());
    let listeners = Listeners::bind()?;
    if !a.serve_only {
        // Set while the process is still single-threaded (no runtime has started yet):
        // runbooks run from the screen reach the simulator through OPSDECK_SIM_URL, and
        // demo incidents and journals stay apart from real ones, in `<state dir>/demo`,
        // fresh per run unless --keep-state.
        let state = super::state::prepare(a.keep_state)?;
        eprintln!("{}", super::state::describe(&state, a.keep_state));
        unsafe {
            std::env::set_var("OPSDECK_SIM_URL", listeners.sim_url());
            std::env::set_var("OPSDECK_STATE_DIR", &state);
        }
    }
    let rt = runtime()?;
    let server = {
        let _enter = rt.enter();
        server::start_slow(listeners, opts, Clock::Wall, a.latency)?
    };
    let (dir, path) = write_config(&server, a.poll, theme.as_deref().unwrap_or("dark"), a.speed)?;
    if a.serve_only {
        // Handlers first, then the lines a caller waits for: a SIGTERM sent as soon as
        // CONFIG= appears must find them installed.
        let signals = {
            let _enter = rt.enter();
            Signals::install()?
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "PROMETHEUS_URL={}", server.prometheus_url)?;
        writeln!(out, "ALERTMANAGER_URL={}", server.alertmanager_url)?;
        let urls: Vec<&str> = server.statuspage_urls.iter().map(|(_, u)| u.as_str()).collect();
        writeln!(out, "STATUSPAGE_URLS={}", urls.join(","))?;
        writeln!(out, "SIM_URL={}", server.sim_url)?;
        writeln!(out, "CONFIG={}", path.display())?;
        writeln!(out, "OPSDECK_CONFIG={}", path.display())?;
        out.flush()?;
        drop(out);
        rt.block_on(signals.wait());
        drop(server);
        drop(dir);
        return Ok(0);
    }
    let mut cfg = config::build(&Endpoints::from(&server), a.poll, theme.as_deref().unwrap_or("dark"));
    // The escalation clock runs at the scenario's speed.
    cfg.escalation.speed = (a.speed != 1.0).then_some(a.speed);
    let run = RunOptions {
        mode: Mode::Demo,
        wall: a.wall || s.wall,
        readonly: s.readonly,
        theme,
        wall_rotation: s.rotate,
        keymap: None,
    };
    // The screen builds its own runtime; the simulator keeps serving on ours meanwhile.
    let code = crate::app::run(cfg, run);
    drop(server);
    rt.shutdown_background();
    drop(dir);
    code
}

/// SIGINT, SIGTERM and SIGHUP, installed at once (not on first poll).
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    /// Needs a runtime context (`Runtime::enter`).
    fn install() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
    }
}

/// A fixed instant screenshots start their scenario at, so frames are reproducible.
pub fn screenshot_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).single().unwrap_or_default()
}

fn parse_size(text: &str) -> anyhow::Result<(u16, u16)> {
    let (w, h) = text.split_once('x').with_context(|| format!("--size must be COLSxROWS, got {text:?}"))?;
    let (w, h): (u16, u16) = (w.trim().parse()?, h.trim().parse()?);
    if !(20..=1000).contains(&w) || !(5..=500).contains(&h) {
        bail!("--size must be between 20x5 and 1000x500, got {text}");
    }
    Ok((w, h))
}

pub fn screenshot(s: &ScreenArgs, a: &ScreenshotArgs) -> anyhow::Result<i32> {
    let scenario = parse_scenario(&a.scenario)?;
    let (w, h) = parse_size(&a.size)?;
    let ext = a.out.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != "svg" && ext != "txt" {
        bail!("--out must end in .svg or .txt, got {}", a.out.display());
    }
    let start = screenshot_epoch();
    let now = start + chrono::Duration::from_std(a.at).context("--at is too large")?;
    let opts = SimOptions { scenario, seed: a.seed, speed: 1.0, start, synthetic_alerts: 0 };
    let theme_name = a.theme.clone().or_else(|| s.theme.clone());
    let rt = runtime()?;
    let stale = match a.stale.as_deref() {
        None => None,
        Some("prometheus") => Some(Endpoint::Prometheus),
        Some("alertmanager") => Some(Endpoint::Alertmanager),
        Some("statuspage") => Some(Endpoint::Statuspage),
        Some(other) => bail!("--stale must be prometheus, alertmanager or statuspage, got {other:?}"),
    };
    let (cfg, outcomes) = rt.block_on(async {
        let mut server = server::start(opts, Clock::Fixed(std::sync::Mutex::new(now))).await?;
        let cfg = config::build(
            &Endpoints::from(&server),
            Duration::from_secs(5),
            theme_name.as_deref().unwrap_or("dark"),
        );
        let plans = source_plans(&cfg);
        let mut outcomes = Vec::new();
        if let Some(which) = stale {
            // one good round 90 s earlier, then the server goes away
            let before = now - chrono::Duration::seconds(90);
            server.shared.set_now(before);
            outcomes.extend(futures_util::future::join_all(plans.iter().map(|p| poll_once(p, before))).await);
            server.shared.set_now(now);
            server.stop(which).await;
        }
        outcomes.extend(futures_util::future::join_all(plans.iter().map(|p| poll_once(p, now))).await);
        anyhow::Ok((cfg, outcomes))
    })?;
    let staged = match &a.runbook_dialog {
        Some(name) => Some(crate::app::runbook::load_for_stage(name, &cfg.runbooks)?),
        None => None,
    };
    let (chart, palette) = (a.chart.clone(), a.palette.clone());
    let stage = |m: &mut crate::model::Model| {
        if let Some(words) = chart {
            stage_chart(m, &words)?;
        }
        if let Some(text) = palette {
            m.palette = Some(crate::model::palette::Palette { input: text, sel: 0 });
        }
        match staged {
            Some(f) => crate::app::runbook::stage_dialog(m, f),
            None => Ok(()),
        }
    };
    let buf = render_frame_staged(cfg, outcomes, now, (w, h), a.wall || s.wall, theme_name, stage)?;
    let text = if ext == "svg" { shot::to_svg(&buf) } else { shot::to_text(&buf) };
    std::fs::write(&a.out, text).with_context(|| format!("writing {}", a.out.display()))?;
    Ok(0)
}

/// Opens the chart `words` names and answers it with the hour of history the model holds.
fn stage_chart(m: &mut crate::model::Model, words: &str) -> anyhow::Result<()> {
    let words: Vec<String> = words.split_whitespace().map(str::to_string).collect();
    let target = crate::model::chart::find(m, &words).with_context(|| format!("no chart {words:?}"))?;
    let f = crate::model::chart::open(m, target, crate::model::chart::ChartRange::H1);
    let series = m
        .sources
        .iter()
        .find_map(|s| match &s.data {
            Some(crate::domain::PollData::Metrics(p)) => {
                p.range.get(&f.query).and_then(|r| r.as_ref().ok()).cloned()
            }
            _ => None,
        })
        .unwrap_or_default();
    update(m, Msg::ChartData { id: f.id, result: Ok(series) });
    Ok(())
}

/// One `SourcePlan` per configured source, with the queries the panes need: the same
/// plans the screen and `snapshot` poll (`snapshot::plans`).
pub fn source_plans(cfg: &crate::config::Config) -> Vec<SourcePlan> {
    crate::snapshot::plans(cfg)
}

/// Feeds poll outcomes into the screen's model at a fixed `now` and renders one frame.
/// The alerts are observed into an in-memory incident book (never the shared store), so a
/// frame shows the escalation clock a live screen would show at `now`.
pub fn render_frame(
    cfg: crate::config::Config,
    outcomes: Vec<PollOutcome>,
    now: DateTime<Utc>,
    (w, h): (u16, u16),
    wall: bool,
    theme: Option<String>,
) -> anyhow::Result<ratatui::buffer::Buffer> {
    render_frame_staged(cfg, outcomes, now, (w, h), wall, theme, |_| Ok(()))
}

/// `render_frame`, with `stage` applied to the model after the polls (a runbook dialog).
pub fn render_frame_staged(
    cfg: crate::config::Config,
    outcomes: Vec<PollOutcome>,
    now: DateTime<Utc>,
    (w, h): (u16, u16),
    wall: bool,
    theme: Option<String>,
    stage: impl FnOnce(&mut crate::model::Model) -> anyhow::Result<()>,
) -> anyhow::Result<ratatui::buffer::Buffer> {
    let themes = crate::app::themes();
    let m = model_at(cfg, outcomes, now, (w, h), wall, theme, stage)?;
    let theme = &themes[m.theme_index.min(themes.len() - 1)];
    Ok(crate::ui::render_to_buffer(&m, theme, w, h))
}

/// The screen's model after `outcomes` at a fixed `now` (what `render_frame_staged` draws).
pub fn model_at(
    cfg: crate::config::Config,
    outcomes: Vec<PollOutcome>,
    now: DateTime<Utc>,
    (w, h): (u16, u16),
    wall: bool,
    theme: Option<String>,
    stage: impl FnOnce(&mut crate::model::Model) -> anyhow::Result<()>,
) -> anyhow::Result<crate::model::Model> {
    let themes = crate::app::themes();
    let run = RunOptions { mode: Mode::Demo, wall, theme, ..RunOptions::default() };
    let mut m = crate::app::initial_model(cfg, &run, &themes)?;
    m.utc_offset_secs = 0; // local time = UTC, so a frame does not depend on the machine
    update(&mut m, Msg::Resize(w, h));
    update(&mut m, Msg::Tick(now));
    let mut book = crate::incident::IncidentBook::default();
    for o in outcomes {
        for effect in update(&mut m, Msg::Polled(o)) {
            if let crate::model::Effect::ObserveAlerts(alerts) = effect {
                crate::incident::observe_alerts(&mut book, &alerts, now);
            }
        }
    }
    crate::incident::observe_time(&mut book, &m.policy, now);
    update(&mut m, Msg::Incidents(book));
    update(&mut m, Msg::Tick(now));
    stage(&mut m)?;
    m.started_at = now - chrono::Duration::seconds(60);
    Ok(m)
}
