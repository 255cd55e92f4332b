//! `opsdeck demo` and `opsdeck screenshot`.
use anyhow::{Context, bail};
use chrono::{SubsecRound, Utc};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::config::{self, Endpoints};
use super::server::{self, Clock, SimServer};
use super::sim::{Scenario, SimOptions, scenario};
use crate::cli::ScreenArgs;

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
    /// Poll interval written into the demo config.
    #[arg(long, default_value = "5s", value_parser = crate::util::duration::parse)]
    pub poll: Duration,
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
    /// Output file: `.svg` or `.txt`.
    #[arg(long)]
    pub out: PathBuf,
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
fn write_config(server: &SimServer, poll: Duration, theme: &str) -> anyhow::Result<(tempdir::Dir, PathBuf)> {
    let cfg = config::build(&Endpoints::from(server), poll, theme);
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
    let theme = a.theme.clone().or_else(|| s.theme.clone()).unwrap_or_else(|| "dark".into());
    let rt = runtime()?;
    let server = rt.block_on(server::start(opts, Clock::Wall))?;
    let (dir, path) = write_config(&server, a.poll, &theme)?;
    if a.serve_only {
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
        rt.block_on(wait_for_signal())?;
        drop(server);
        drop(dir);
        return Ok(0);
    }
    // SAFETY-free: set before any thread of ours reads the environment for runbooks.
    unsafe { std::env::set_var("OPSDECK_SIM_URL", &server.sim_url) };
    let _ = (&dir, &path, s.wall || a.wall);
    bail!(
        "the command center screen is not merged yet; run `opsdeck demo --serve-only` and point opsdeck at the printed config"
    )
}

async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
    Ok(())
}

pub fn screenshot(_s: &ScreenArgs, _a: &ScreenshotArgs) -> anyhow::Result<i32> {
    bail!("screenshot needs the screen (engineer ui) and the poller (engineer wire); not merged yet")
}
