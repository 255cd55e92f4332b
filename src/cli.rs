//! The command line (DESIGN.md section 5). Each subcommand's arguments live beside the code
//! that runs it; this file only routes.
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "opsdeck", version, about = "A terminal operations command center")]
pub struct Cli {
    #[command(flatten)]
    pub screen: ScreenArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the full-screen command center (the default command).
#[derive(Debug, Clone, Args, Default)]
pub struct ScreenArgs {
    /// Config file (default: $OPSDECK_CONFIG, else the platform config directory).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Wall-screen mode: read-only, big clock, no key hints but `q`.
    #[arg(long)]
    pub wall: bool,
    /// Read-only: no runbook runs, no silences, no incident changes.
    #[arg(long)]
    pub readonly: bool,
    /// Theme name (a file in themes/): dark, light, high-contrast, colorblind.
    #[arg(long)]
    pub theme: Option<String>,
    /// Wall mode: rotate between pane sets at this interval (e.g. 30s).
    #[arg(long, global = true, value_parser = crate::util::duration::parse)]
    pub rotate: Option<std::time::Duration>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter config.
    Init(crate::config::cli::InitArgs),
    /// Validate the config and runbooks; errors as file:line:col, exit status 2.
    Check(crate::config::cli::CheckArgs),
    /// Poll every source once and print one JSON document.
    Snapshot(crate::config::cli::SnapshotArgs),
    /// Runbooks: list, show, run, resume, report.
    #[command(subcommand)]
    Runbook(crate::runbook::cli::RunbookCmd),
    /// Audit trail: verify a journal's hash chain.
    #[command(subcommand)]
    Audit(crate::runbook::cli::AuditCmd),
    /// Incidents: declare, ack, resolve, note, list, export.
    #[command(subcommand)]
    Incident(crate::incident::cli::IncidentCmd),
    /// The embedded simulator and the command center pointed at it.
    Demo(crate::demo::cli::DemoArgs),
    /// Render one frame headless to .svg or .txt.
    Screenshot(crate::demo::cli::ScreenshotArgs),
}

/// Runs the command line; returns the process exit status.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        None => crate::app::cli::run_screen(&cli.screen),
        Some(Command::Init(a)) => crate::config::cli::init(&cli.screen, &a),
        Some(Command::Check(a)) => crate::config::cli::check(&cli.screen, &a),
        Some(Command::Snapshot(a)) => crate::config::cli::snapshot(&cli.screen, &a),
        Some(Command::Runbook(c)) => crate::runbook::cli::runbook(&cli.screen, c),
        Some(Command::Audit(c)) => crate::runbook::cli::audit(&cli.screen, c),
        Some(Command::Incident(c)) => crate::incident::cli::incident(&cli.screen, c),
        Some(Command::Demo(a)) => crate::demo::cli::demo(&cli.screen, &a),
        Some(Command::Screenshot(a)) => crate::demo::cli::screenshot(&cli.screen, &a),
    }
}
