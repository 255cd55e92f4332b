//! `opsdeck incident ...`. (Being built: the incidents work.)
use clap::Subcommand;

use crate::cli::ScreenArgs;

#[derive(Debug, Subcommand)]
pub enum IncidentCmd {
    /// List incidents.
    List,
}

pub fn incident(_s: &ScreenArgs, _c: IncidentCmd) -> anyhow::Result<i32> {
    anyhow::bail!("incident is not built yet")
}
