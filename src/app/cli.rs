//! The default command: the full-screen command center. (Being built: the screen work.)
use crate::cli::ScreenArgs;

pub fn run_screen(_s: &ScreenArgs) -> anyhow::Result<i32> {
    anyhow::bail!("the screen is not built yet")
}
