//! Starts one poller task per configured source; each sends its outcomes on the loop's
//! channel. (The pollers themselves live in `crate::sources::poller`.)
use tokio::sync::mpsc;

use crate::config::Config;

use super::Input;

/// Spawns the pollers for every source in `config`.
pub fn start(_config: &Config, _tx: mpsc::Sender<Input>) {
    // Connected to crate::sources::poller::spawn when the data layer lands (wire branch).
}
