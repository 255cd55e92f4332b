//! `opsdeck init`, `check`, `snapshot`. (Being built: the config/data-layer work.)
use clap::Args;
use std::path::PathBuf;

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

pub fn init(_s: &ScreenArgs, _a: &InitArgs) -> anyhow::Result<i32> {
    anyhow::bail!("init is not built yet")
}
pub fn check(_s: &ScreenArgs, _a: &CheckArgs) -> anyhow::Result<i32> {
    anyhow::bail!("check is not built yet")
}
pub fn snapshot(_s: &ScreenArgs, _a: &SnapshotArgs) -> anyhow::Result<i32> {
    anyhow::bail!("snapshot is not built yet")
}
