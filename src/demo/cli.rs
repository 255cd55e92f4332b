//! `opsdeck demo` and `opsdeck screenshot`. (Being built: the simulator work.)
use clap::Args;
use std::path::PathBuf;

use crate::cli::ScreenArgs;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "calm")]
    pub scenario: String,
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    #[arg(long)]
    pub out: PathBuf,
}

pub fn demo(_s: &ScreenArgs, _a: &DemoArgs) -> anyhow::Result<i32> {
    anyhow::bail!("demo is not built yet")
}
pub fn screenshot(_s: &ScreenArgs, _a: &ScreenshotArgs) -> anyhow::Result<i32> {
    anyhow::bail!("screenshot is not built yet")
}
