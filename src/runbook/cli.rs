//! `opsdeck runbook list|show|run|resume|runs|report` and `opsdeck audit verify`.
//!
//! Exit status: 0 success (a run completed; a journal intact), 1 a run that did not
//! complete (aborted, failed, refused, rolled back) or a journal that does not verify,
//! 2 bad usage (unknown runbook, invalid parameters). `list` exits 1 when it finds no
//! runbook (after saying where it looked).
use anyhow::Context;
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::driver::Runtime;
use super::journal::{self, Journal, Who};
use super::load;
use super::machine::{Machine, Operator, Outcome, RunOptions, validate_params};
use super::types::{BlockKind, Runbook, Safety};
use super::verify::PromQuery;
use crate::cli::ScreenArgs;
use crate::config::types::Config;

#[derive(Debug, Subcommand)]
pub enum RunbookCmd {
    /// List runbooks: title, intent, steps, destructive count.
    List,
    /// Show a parsed runbook: steps, commands, classification with the reason, params.
    Show {
        /// A runbook file, or the file name without `.md`.
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Run a runbook step by step (plain mode: lines on stdout, answers on stdin).
    Run(RunArgs),
    /// List the runs in the journals of the state directory (and of `opsdeck demo`),
    /// newest first: id, runbook, who, state (finished, aborted, unfinished), started.
    Runs {
        #[arg(long)]
        json: bool,
    },
    /// Continue a run whose process died, from its journal (runs started by `opsdeck demo`
    /// are found too).
    Resume {
        run_id: String,
        /// Plain mode (the only mode for now).
        #[arg(long)]
        plain: bool,
    },
    /// Write the after-action report of a run in Markdown.
    Report {
        run_id: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A runbook file, or the file name without `.md`.
    pub name: String,
    /// A parameter, `name=value` (repeatable). It reaches commands only as the
    /// environment variable NAME (upper-cased, non-alphanumerics as `_`). A placeholder's
    /// value can be given too, by its variable (`OPSDECK_PH_POD_NAME=web-1`) or its inner
    /// name (`pod_name=web-1`): it is not asked then.
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// The justification (ticket id); asked for when missing and needed.
    #[arg(long)]
    pub justification: Option<String>,
    /// Drill: destructive commands are printed, not executed (unless OPSDECK_SIM_URL
    /// points at the demo simulator); steps are timed against their eta.
    #[arg(long)]
    pub drill: bool,
    /// Plain mode (the only mode for now; the TUI pane comes later).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check a journal's hash chain; names the first bad record. Without FILE: every
    /// journal in the state directory.
    Verify { file: Option<PathBuf> },
}

pub fn runbook(s: &ScreenArgs, c: RunbookCmd) -> anyhow::Result<i32> {
    match c {
        RunbookCmd::List => list(s),
        RunbookCmd::Show { name, json } => show(s, &name, json),
        RunbookCmd::Run(a) => run(s, a),
        RunbookCmd::Runs { json } => runs(json),
        RunbookCmd::Resume { run_id, .. } => resume(s, &run_id),
        RunbookCmd::Report { run_id, out } => report(&run_id, out.as_deref()),
    }
}

pub fn audit(s: &ScreenArgs, c: AuditCmd) -> anyhow::Result<i32> {
    let AuditCmd::Verify { file } = c;
    config(s)?; // sets the [audit] key, when there is one
    let report = match file {
        Some(f) => {
            let state = super::audit::state_dir_of(&f).unwrap_or_else(crate::util::paths::state_dir);
            super::audit::verify(&state, Some(vec![f]))
        }
        // The state dir, and the demo's beside it when a demo has run.
        None => {
            let mut all = super::audit::Report::default();
            for (dir, demo) in super::runs::state_dirs() {
                if demo && !dir.is_dir() {
                    continue;
                }
                let r = super::audit::verify(&dir, None);
                all.text.push_str(&r.text);
                all.findings += r.findings;
            }
            all
        }
    };
    crate::util::out::emit(&report.text)?;
    Ok(if report.findings == 0 { 0 } else { 1 })
}

/// The config if one exists (an explicit `--config` must load).
fn config(s: &ScreenArgs) -> anyhow::Result<Config> {
    let path = crate::config::load::resolve_path(s.config.as_deref());
    if s.config.is_none() && std::env::var_os("OPSDECK_CONFIG").is_none() && !path.exists() {
        return Ok(Config::default());
    }
    crate::config::load::load_file(&path)
        .map_err(|errs| anyhow::anyhow!(errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))
}

/// `writeln!` into a String (cannot fail).
macro_rules! outln {
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($t)*);
    }};
}

/// Prints `text`; a closed stdout (`| head`) exits quietly (status 0), any other write
/// error exits 1 with one line (`util::out`).
fn emit(text: &str) {
    // Runbook text (front matter, headings, prose) is outside text: inert on the terminal.
    if let Err(e) = crate::util::out::emit(&crate::util::text::sanitize_lines(text)) {
        crate::util::out::exit_on(&e)
    }
}

fn list(s: &ScreenArgs) -> anyhow::Result<i32> {
    let mut o = String::new();
    let cfg = config(s)?;
    let files = load::find_all(&cfg.runbooks)?;
    if files.is_empty() {
        let dirs = super::discover::runbook_dirs(&cfg.runbooks);
        let shown: Vec<String> = dirs
            .iter()
            .map(|d| {
                let abs = std::path::absolute(d).unwrap_or_else(|_| d.clone());
                format!("{}{}", abs.display(), if d.is_dir() { "" } else { " (missing)" })
            })
            .collect();
        eprintln!("opsdeck: no runbooks found; looked in {}", shown.join(", "));
        eprintln!(
            "add folders with `[runbooks] dirs = [...]` in the config (relative to the config's folder)"
        );
        return Ok(1);
    }
    outln!(o, "{:<28} {:>5} {:>11}  TITLE / INTENT", "NAME", "STEPS", "DESTRUCTIVE");
    for f in files {
        let name = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        match load::load_file(&f) {
            Ok(rb) => {
                let d = rb.steps.iter().filter(|s| s.is_destructive()).count();
                outln!(o, "{name:<28} {:>5} {d:>11}  {}", rb.steps.len(), rb.title);
                if let Some(i) = &rb.intent {
                    outln!(o, "{:<47}  {i}", "");
                }
            }
            Err(e) => outln!(o, "{name:<28} error: {e:#}"),
        }
    }
    emit(&o);
    Ok(0)
}

fn find(s: &ScreenArgs, name: &str) -> anyhow::Result<(Config, Runbook)> {
    let cfg = config(s)?;
    let path = load::resolve(name, &cfg.runbooks)?;
    let rb = load::load_file(&path)?;
    Ok((cfg, rb))
}

fn show(s: &ScreenArgs, name: &str, json: bool) -> anyhow::Result<i32> {
    let mut o = String::new();
    let (_, rb) = match find(s, name) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("opsdeck: {e:#}");
            return Ok(2);
        }
    };
    if json {
        outln!(o, "{}", serde_json::to_string_pretty(&rb)?);
        emit(&o);
        return Ok(0);
    }
    outln!(o, "{} ({})", rb.title, rb.path.display());
    if let Some(i) = &rb.intent {
        outln!(o, "intent: {i}");
    }
    for p in &rb.params {
        outln!(
            o,
            "param {} ({:?}){}{}",
            p.name,
            p.kind,
            p.default.as_ref().map(|d| format!(" default {d}")).unwrap_or_default(),
            p.pattern.as_ref().map(|d| format!(" pattern {d}")).unwrap_or_default()
        );
    }
    for (i, st) in rb.steps.iter().enumerate() {
        outln!(o, "\nstep {} [{}] {} (line {})", i + 1, st.id, st.title, st.line);
        for b in &st.blocks {
            let safety = match b.safety {
                Safety::ReadOnly if b.reason.starts_with("read-only") => String::new(),
                Safety::ReadOnly => "read-only: ".into(),
                Safety::Destructive => "DESTRUCTIVE: ".into(),
                Safety::Unknown => "UNKNOWN, confirmed: ".into(),
            };
            outln!(o, "  block line {}: {safety}{}", b.line, b.reason);
            // The commands as the runbook shows them (prompt kept), then what runs when
            // that differs (prompts stripped, client input on stdin, placeholders).
            let shown: Vec<String> = b
                .commands
                .iter()
                .map(|c| format!("{}{}", c.prompt.as_deref().unwrap_or(""), c.text))
                .collect();
            let as_written = shown.join("\n") == b.script.trim_end();
            if b.kind == BlockKind::Transcript && !as_written {
                for l in shown.iter().flat_map(|c| c.lines()) {
                    outln!(o, "    {l}");
                }
                outln!(o, "    runs as:");
                for l in b.script.lines() {
                    outln!(o, "      {l}");
                }
            } else {
                for l in b.script.lines() {
                    outln!(o, "    {l}");
                }
            }
            for p in &b.placeholders {
                outln!(o, "    asks for {} (line {}; reaches the command as ${})", p.text, p.line, p.env);
            }
        }
        for v in &st.verify {
            outln!(o, "  verify line {}: {}", v.line, v.query);
        }
    }
    emit(&o);
    Ok(0)
}

/// The operator: Unix user, `SSH_CLIENT` and group names.
pub fn operator() -> Operator {
    let mut gids = nix::unistd::getgroups().unwrap_or_default();
    gids.push(nix::unistd::getgid());
    gids.push(nix::unistd::getegid());
    let mut groups: Vec<String> = gids
        .into_iter()
        .filter_map(|g| nix::unistd::Group::from_gid(g).ok().flatten().map(|g| g.name))
        .collect();
    groups.sort();
    groups.dedup();
    Operator { who: Who::current(), groups }
}

/// `20261123T031400Z-traffic-drain-1a2b`.
pub fn new_run_id(rb: &Runbook, now: chrono::DateTime<chrono::Utc>) -> String {
    let stem = rb.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let stem: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let salt = journal::sha256_hex(format!("{}{}{now:?}", std::process::id(), rb.file_hash).as_bytes());
    format!("{}-{stem}-{}", now.format("%Y%m%dT%H%M%SZ"), &salt[..4])
}

pub fn prom(cfg: &Config) -> Option<PromQuery> {
    let src = cfg.prometheus.first()?;
    match PromQuery::from_source(src) {
        Ok(p) => Some(p.with_time_scale(cfg.runbooks.time_scale)),
        Err(e) => {
            eprintln!("warning: prometheus `{}`: {e:#}; verify blocks will be unknown", src.name);
            None
        }
    }
}

fn run(s: &ScreenArgs, a: RunArgs) -> anyhow::Result<i32> {
    let (cfg, rb) = match find(s, &a.name) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("opsdeck: {e:#}");
            return Ok(2);
        }
    };
    let mut pairs = BTreeMap::new();
    for p in &a.params {
        let Some((k, v)) = p.split_once('=') else {
            eprintln!("opsdeck: --param `{p}`: expected name=value");
            return Ok(2);
        };
        pairs.insert(k.trim().to_string(), v.to_string());
    }
    let (given, prefill) = match super::machine::split_given(&rb, &pairs) {
        Ok(x) => x,
        Err(errs) => {
            for e in errs {
                eprintln!("opsdeck: {}: {e}", rb.path.display());
            }
            return Ok(2);
        }
    };
    let params = match validate_params(&rb, &given) {
        Ok(p) => p,
        Err(errs) => {
            for e in errs {
                eprintln!("opsdeck: {}: {e}", rb.path.display());
            }
            return Ok(2);
        }
    };
    let now = chrono::Utc::now();
    let run_id = new_run_id(&rb, now);
    let op = operator();
    let state = crate::util::paths::state_dir();
    let journal =
        Journal::create(&state, &run_id, op.who.clone(), &rb.path, &rb.file_hash).map_err(|e| e.to_string());
    println!("run {run_id}: {} ({})", crate::util::text::sanitize(&rb.title), rb.path.display());
    match &journal {
        Ok(j) => println!("journal {}", j.path().display()),
        Err(e) => println!("WARNING: journal cannot be written ({e}): destructive steps will refuse to run"),
    }
    if a.drill {
        println!("{}", drill_banner());
    }
    let inherited = super::machine::inherited_vars(&rb, |k| std::env::var(k).ok());
    let opts = RunOptions { run_id, drill: a.drill, simulator: simulator(), inherited, prefill };
    let (m, fx) = Machine::start(rb, opts, op, params, a.justification, now);
    drive(&cfg, m, fx, journal)
}

pub fn simulator() -> bool {
    std::env::var_os("OPSDECK_SIM_URL").is_some_and(|v| !v.is_empty())
}

/// What `--drill` changes, exactly (see `Machine::executes`).
pub fn drill_banner() -> String {
    match std::env::var("OPSDECK_SIM_URL").ok().filter(|v| !v.is_empty()) {
        Some(url) => format!(
            "DRILL against the simulator at {url} (OPSDECK_SIM_URL): every block runs for real on this \
             machine, with SIM_URL pointing at the simulator; a command that does not use $SIM_URL is not \
             redirected"
        ),
        None => "DRILL: destructive and unclassified blocks are printed, not executed (and their step's \
                 verify is skipped); read-only blocks run for real"
            .to_string(),
    }
}

fn drive(
    cfg: &Config,
    m: Machine,
    fx: Vec<super::machine::Effect>,
    journal: Result<Journal, String>,
) -> anyhow::Result<i32> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let outcome = rt.block_on(async {
        let (runtime, events) = Runtime::new(journal, prom(cfg), cfg.runbooks.webhook.as_deref());
        let mut out = crate::util::out::Sanitizing::new(std::io::stdout());
        let po = super::plain::PlainOptions::detect();
        super::plain::drive(m, fx, runtime, events, super::plain::stdin_lines(), &mut out, po).await
    });
    let _ = std::io::stdout().flush();
    // Do not wait for the stdin thread.
    rt.shutdown_background();
    Ok(if outcome == Outcome::Completed { 0 } else { 1 })
}

fn resume(s: &ScreenArgs, run_id: &str) -> anyhow::Result<i32> {
    let cfg = config(s)?;
    let path = match super::runs::find_journal(run_id) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("opsdeck: cannot resume: {e}");
            return Ok(1);
        }
    };
    let op = operator();
    let (j, records) = match Journal::reopen(&path, op.who.clone()) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("opsdeck: cannot resume: {e}");
            return Ok(1);
        }
    };
    let first = &records[0];
    let rb = load::load_file(&first.runbook)?;
    let inherited = super::machine::inherited_vars(&rb, |k| std::env::var(k).ok());
    let opts = RunOptions {
        run_id: run_id.to_string(),
        drill: first.entry.drill,
        simulator: simulator(),
        inherited,
        prefill: Default::default(),
    };
    let (m, fx) = match Machine::resume(rb, opts, op, &records, chrono::Utc::now()) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("opsdeck: cannot resume {run_id}: {e}");
            return Ok(1);
        }
    };
    println!(
        "run {run_id}: resuming {} ({})",
        crate::util::text::sanitize(&m.runbook().title),
        m.runbook().path.display()
    );
    println!("journal {}", path.display());
    if m.options().drill {
        println!("{}", drill_banner());
    }
    for (i, (st, step)) in m.steps().iter().zip(&m.runbook().steps).enumerate() {
        println!(
            "  step {} {}: {}{}",
            i + 1,
            step.title,
            serde_json::to_string(&st.state).unwrap_or_default().trim_matches('"'),
            st.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    drive(&cfg, m, fx, Ok(j))
}

fn runs(json: bool) -> anyhow::Result<i32> {
    let dirs = super::runs::state_dirs();
    let runs = super::runs::list_runs(&dirs);
    if json {
        emit(&format!("{}\n", serde_json::to_string_pretty(&runs)?));
    } else if runs.is_empty() {
        let shown: Vec<String> =
            dirs.iter().map(|(d, _)| journal::runs_dir(d).display().to_string()).collect();
        emit(&format!("no runs in {}\n", shown.join(" or ")));
    } else {
        emit(&super::runs::table(&runs));
    }
    Ok(0)
}

fn report(run_id: &str, out: Option<&Path>) -> anyhow::Result<i32> {
    let path = match super::runs::find_journal(run_id) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("opsdeck: {e}");
            return Ok(1);
        }
    };
    let records = match journal::read_verified(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("opsdeck: {e}");
            return Ok(1);
        }
    };
    let rb = records.first().and_then(|r| load::load_file(&r.runbook).ok());
    let md = super::report::render(&records, rb.as_ref());
    match out {
        Some(f) => {
            std::fs::write(f, md).with_context(|| f.display().to_string())?;
            println!("report written to {}", f.display());
        }
        None => emit(&md),
    }
    Ok(0)
}
