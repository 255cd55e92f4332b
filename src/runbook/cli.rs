//! `opsdeck runbook ...` and `opsdeck audit verify`. (Being built: the runbook runtime work.)
use clap::Subcommand;
use std::path::PathBuf;

use crate::cli::ScreenArgs;

#[derive(Debug, Subcommand)]
pub enum RunbookCmd {
    /// List runbooks: title, intent, steps, destructive count.
    List,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check a journal's hash chain; names the first bad record.
    Verify { file: Option<PathBuf> },
}

pub fn runbook(_s: &ScreenArgs, _c: RunbookCmd) -> anyhow::Result<i32> {
    anyhow::bail!("runbook is not built yet")
}
pub fn audit(_s: &ScreenArgs, _c: AuditCmd) -> anyhow::Result<i32> {
    anyhow::bail!("audit is not built yet")
}
