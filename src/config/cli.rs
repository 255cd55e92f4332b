//! `opsdeck init`, `check`, `snapshot`: the edges (files, stdout, exit status).
use clap::Args;
use std::path::PathBuf;

use super::check::{
    check_config, check_config_rendered, check_keymap, check_runbooks, check_secret_files, full_checks,
    summary,
};
use super::init::write_starter;
use super::load::resolve_path;
use crate::cli::ScreenArgs;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Runbook files or folders to lint as well.
    pub runbooks: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Print JSON (the only format).
    #[arg(long)]
    pub json: bool,
}

/// Writes the starter config to the resolved config path. Exit 0, or 1 when it exists.
pub fn init(s: &ScreenArgs, a: &InitArgs) -> anyhow::Result<i32> {
    let path = resolve_path(s.config.as_deref());
    match write_starter(&path, a.force) {
        Ok(()) => {
            crate::util::out::line(&format!("wrote {}", path.display()))?;
            crate::util::out::line("next: edit it, then `opsdeck check` and `opsdeck snapshot --json`")?;
            Ok(0)
        }
        Err(e) => {
            eprintln!("opsdeck init: {e}");
            Ok(1)
        }
    }
}

/// Prints every config problem and runbook diagnostic on stderr (exit 2), or a one-line
/// summary on stdout (exit 0).
pub fn check(s: &ScreenArgs, a: &CheckArgs) -> anyhow::Result<i32> {
    let path = resolve_path(s.config.as_deref());
    let mut problems: Vec<String> = Vec::new();
    // `opsdeck check RUNBOOK...` with no config anywhere checks just the runbooks; a config
    // that was asked for (--config, OPSDECK_CONFIG) or exists is always checked.
    let asked = s.config.is_some() || std::env::var_os("OPSDECK_CONFIG").is_some();
    let config = if a.runbooks.is_empty() || asked || path.exists() {
        let config =
            check_config_rendered(&path, full_checks(&path)).map_err(|errs| problems.extend(errs)).ok();
        problems.extend(check_keymap(&path));
        config
    } else {
        None
    };
    let mut warnings = 0;
    if let Some(c) = &config {
        let (errors, warns) = check_secret_files(c);
        problems.extend(errors);
        for w in warns {
            eprintln!("{w}");
            warnings += 1;
        }
    }
    for d in check_runbooks(&a.runbooks) {
        if d.error {
            problems.push(d.text);
        } else {
            eprintln!("{}", d.text);
            warnings += 1;
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{}", crate::util::scrub::scrub(p));
        }
        eprintln!("{} problem{} found", problems.len(), if problems.len() == 1 { "" } else { "s" });
        return Ok(2);
    }
    if let Some(c) = config {
        crate::util::out::line(&summary(&path, &c))?;
    }
    if !a.runbooks.is_empty() {
        let paths =
            format!("{} runbook path{}", a.runbooks.len(), if a.runbooks.len() == 1 { "" } else { "s" });
        match warnings {
            0 => crate::util::out::line(&format!("{paths}: ok"))?,
            n => {
                crate::util::out::line(&format!("{paths}: ok, {n} warning{}", if n == 1 { "" } else { "s" }))?
            }
        }
    }
    Ok(0)
}

/// Polls every source once and prints the snapshot. Exit 0; 1 when a source failed (the
/// JSON is printed all the same); 2 when the config is invalid.
pub fn snapshot(s: &ScreenArgs, a: &SnapshotArgs) -> anyhow::Result<i32> {
    if !a.json {
        eprintln!("opsdeck snapshot: JSON is the only output format; pass --json");
        return Ok(2);
    }
    let path = resolve_path(s.config.as_deref());
    let cfg = match check_config(&path) {
        Ok(c) => c,
        Err(errs) => {
            for e in errs {
                eprintln!("{e}");
            }
            return Ok(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let now = chrono::Utc::now();
    let outcomes = runtime.block_on(crate::snapshot::poll_all(&crate::snapshot::plans(&cfg), now));
    let mut snap = crate::snapshot::assemble(&cfg, &outcomes, now);
    crate::snapshot::fill_incidents(&cfg, &mut snap, now);
    crate::util::out::line(&serde_json::to_string_pretty(&snap)?)?;
    Ok(if crate::snapshot::any_failed(&snap) { 1 } else { 0 })
}
