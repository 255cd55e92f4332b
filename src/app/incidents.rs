//! The incident book off the event loop: one thread owns the store. Each second (and when
//! new alert views arrive) it lets the book observe alerts and time (auto-open, join,
//! escalations), then reloads the book if the file changed (another process's change shows
//! within a second) and sends it to the loop.
use std::sync::mpsc as std_mpsc;
use std::time::Duration;
use tokio::sync::mpsc;

use crate::derive::AlertView;
use crate::incident::{Policy, Store, Watch, action};
use crate::model::Msg;

use super::Input;

/// Starts the thread; returns where the loop sends alert views to observe.
pub fn start(policy: Policy, tx: mpsc::Sender<Input>) -> std_mpsc::Sender<Vec<AlertView>> {
    let (alerts_tx, alerts_rx) = std_mpsc::channel::<Vec<AlertView>>();
    std::thread::Builder::new()
        .name("incidents".into())
        .spawn(move || run(policy, alerts_rx, tx))
        .expect("spawning the incident thread");
    alerts_tx
}

fn run(policy: Policy, alerts_rx: std_mpsc::Receiver<Vec<AlertView>>, tx: mpsc::Sender<Input>) {
    let store = Store::from_env();
    let mut watch: Option<Watch> = None;
    let mut first = true;
    // Alert views whose observation could not be stored (unwritable or full state dir):
    // observed again every second until it succeeds, not only when the alerts next change.
    let mut unstored: Option<Vec<AlertView>> = None;
    let mut last_error: Option<String> = None;
    loop {
        let alerts = match alerts_rx.recv_timeout(Duration::from_secs(1)) {
            Ok(a) => {
                // Only the latest views matter.
                Some(alerts_rx.try_iter().last().unwrap_or(a))
            }
            Err(std_mpsc::RecvTimeoutError::Timeout) => unstored.take(),
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        };
        // A store error leaves the pane as it was and says so in the footer; the views are
        // kept for the next try.
        let error = match action::observe(&store, &policy, alerts.as_deref(), chrono::Utc::now()) {
            Err(e) => {
                unstored = alerts.or(unstored);
                Some(e.to_string())
            }
            Ok(_) => {
                unstored = None;
                None
            }
        };
        if error != last_error {
            last_error = error.clone();
            if tx.blocking_send(Input::Msg(Msg::IncidentStore(error))).is_err() {
                return;
            }
        }
        let changed = match watch.as_mut() {
            Some(w) => w.refresh().unwrap_or(false),
            None => {
                watch = Watch::new(store.clone()).ok();
                watch.is_some()
            }
        };
        if (changed || first)
            && let Some(w) = &watch
        {
            first = false;
            if tx.blocking_send(Input::Msg(Msg::Incidents(w.book.clone()))).is_err() {
                return;
            }
        }
    }
}
