//! Starts one poller task per configured source; each sends its outcomes on the loop's
//! channel. The pollers themselves live in `crate::sources::poller`.
use tokio::sync::mpsc;

use crate::config::Config;
use crate::sources::poller::spawn;

use super::Input;

/// Spawns the pollers for every source in `config`.
pub fn start(config: &Config, tx: mpsc::Sender<Input>) {
    for p in crate::snapshot::plans(config) {
        spawn(p, tx.clone());
    }
}
