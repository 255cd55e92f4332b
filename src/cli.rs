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
    /// Read-only: no runbook runs (but drills), no silences, no incident changes, on the
    /// screen and on the command line (also `readonly = true` in the config).
    #[arg(long, global = true)]
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
    /// Silences in every Alertmanager: add, list, expire, extend.
    #[command(subcommand)]
    Silence(crate::silence::cli::SilenceCmd),
    /// The embedded simulator and the command center pointed at it.
    Demo(crate::demo::cli::DemoArgs),
    /// Render one frame headless to .svg or .txt.
    Screenshot(crate::demo::cli::ScreenshotArgs),
    /// Shell completions on stdout (e.g. `opsdeck completions bash > ~/.local/share/bash-completion/completions/opsdeck`).
    Completions(CompletionsArgs),
    /// The manual page (roff) on stdout, or one page per subcommand into --out-dir.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write opsdeck.1 and opsdeck-SUBCOMMAND.1 pages into this folder instead.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

/// `opsdeck completions SHELL`.
pub fn completions(a: &CompletionsArgs) -> anyhow::Result<i32> {
    use clap::CommandFactory;
    clap_complete::generate(a.shell, &mut Cli::command(), "opsdeck", &mut std::io::stdout().lock());
    Ok(0)
}

/// `opsdeck man`.
pub fn man(a: &ManArgs) -> anyhow::Result<i32> {
    use anyhow::Context;
    use clap::CommandFactory;
    let cmd = Cli::command();
    match &a.out_dir {
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?,
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir).with_context(|| format!("writing into {}", dir.display()))?;
        }
    }
    Ok(0)
}

/// Runs the command line; returns the process exit status.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    if let Some(why) = readonly_refusal(&cli) {
        eprintln!("opsdeck: {why}");
        return Ok(2);
    }
    match cli.command {
        None => crate::app::cli::run_screen(&cli.screen),
        Some(Command::Init(a)) => crate::config::cli::init(&cli.screen, &a),
        Some(Command::Check(a)) => crate::config::cli::check(&cli.screen, &a),
        Some(Command::Snapshot(a)) => crate::config::cli::snapshot(&cli.screen, &a),
        Some(Command::Runbook(c)) => crate::runbook::cli::runbook(&cli.screen, c),
        Some(Command::Audit(c)) => crate::runbook::cli::audit(&cli.screen, c),
        Some(Command::Incident(c)) => crate::incident::cli::incident(&cli.screen, c),
        Some(Command::Silence(c)) => crate::silence::cli::silence(&cli.screen, c),
        Some(Command::Demo(a)) => crate::demo::cli::demo(&cli.screen, &a),
        Some(Command::Screenshot(a)) => crate::demo::cli::screenshot(&cli.screen, &a),
        Some(Command::Completions(a)) => completions(&a),
        Some(Command::Man(a)) => man(&a),
    }
}

/// The name of a command that changes state (incidents, silences, a runbook run outside
/// `--drill`, resuming a run); None for reads.
pub fn mutating(c: &Command) -> Option<&'static str> {
    use crate::incident::cli::IncidentCmd as I;
    use crate::runbook::cli::RunbookCmd as R;
    match c {
        Command::Incident(I::Declare { .. }) => Some("incident declare"),
        Command::Incident(I::Ack { .. }) => Some("incident ack"),
        Command::Incident(I::Resolve { .. }) => Some("incident resolve"),
        Command::Incident(I::Note { .. }) => Some("incident note"),
        Command::Incident(I::Update { .. }) => Some("incident update"),
        Command::Silence(s) if s.mutates() => Some("silence"),
        Command::Runbook(R::Run(a)) if !a.drill => Some("runbook run (without --drill)"),
        Command::Runbook(R::Resume { .. }) => Some("runbook resume"),
        _ => None,
    }
}

/// Why the command is refused in read-only mode (`--readonly`, or `readonly = true` in the
/// config in effect); None when it may run.
pub fn readonly_refusal(cli: &Cli) -> Option<String> {
    let what = mutating(cli.command.as_ref()?)?;
    let why = if cli.screen.readonly {
        "--readonly".to_string()
    } else {
        let path = crate::config::resolve_path(cli.screen.config.as_deref());
        match crate::config::load_file(&path) {
            Ok(c) if c.readonly => format!("readonly = true in {}", path.display()),
            _ => return None,
        }
    };
    Some(format!("read-only mode ({why}): `{what}` changes state and is refused"))
}
