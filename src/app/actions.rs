//! Performs the incident keys' effects off the event loop: store writes on a blocking
//! thread, silences as HTTP requests, each ending in one `Msg::ActionDone` for the status
//! line. The incident thread's watch shows the changed book within a second.
use tokio::sync::mpsc;

use crate::config::Config;
use crate::domain::NewSilence;
use crate::incident::{IncidentAction, Policy, Store, action};
use crate::model::Msg;

use super::Input;

/// Runs `act` against the shared store on a blocking thread; reports the outcome.
pub fn spawn_incident(
    store: Store,
    policy: Policy,
    act: IncidentAction,
    who: String,
    tx: mpsc::Sender<Input>,
) {
    tokio::spawn(async move {
        let r = tokio::task::spawn_blocking(move || incident(&store, &policy, &act, &who))
            .await
            .unwrap_or_else(|e| Err(format!("incident action failed: {e}")));
        let _ = tx.send(Input::Msg(Msg::ActionDone(r))).await;
    });
}

/// Posts the silence and records it; reports the outcome.
pub fn spawn_silence(
    config: Config,
    store: Store,
    policy: Policy,
    s: NewSilence,
    sources: Vec<String>,
    tx: mpsc::Sender<Input>,
) {
    tokio::spawn(async move {
        let r = silence_and_record(&config, store, policy, &s, &sources).await;
        let _ = tx.send(Input::Msg(Msg::ActionDone(r))).await;
    });
}

/// Fetches the silences of every Alertmanager cluster; answers `Msg::Silences`.
pub fn spawn_list_silences(config: Config, tx: mpsc::Sender<Input>) {
    tokio::spawn(async move {
        let (rows, errors) = crate::silence::ops::list(&config, false).await;
        let _ = tx.send(Input::Msg(Msg::Silences(rows, errors))).await;
    });
}

/// Applies one incident action as `who`; the status line's sentence or the error.
pub fn incident(store: &Store, policy: &Policy, act: &IncidentAction, who: &str) -> Result<String, String> {
    match action::run(store, policy, act, who, chrono::Utc::now()) {
        Ok(Ok(out)) => Ok(out.message),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("incident store: {e}")),
    }
}

/// Creates the silence once per Alertmanager cluster (`silence::ops::create`: failing over
/// to the next member), and records it in the timeline of each open incident holding an
/// alert it silences. `sources` (the Alertmanagers that reported the alert) only matter
/// when none of the config is one of them: then nothing is posted.
pub async fn silence_and_record(
    config: &Config,
    store: Store,
    _policy: Policy,
    s: &NewSilence,
    sources: &[String],
) -> Result<String, String> {
    if !sources.is_empty() && !sources.iter().any(|n| config.alertmanager.iter().any(|a| &a.name == n)) {
        return Err(format!("silence failed: {}: not a configured Alertmanager", sources.join(", ")));
    }
    let done = crate::silence::ops::create(config, &store, s).await?;
    let ids: Vec<String> = done.ids.iter().map(|(n, id)| format!("{n} {id}")).collect();
    let mut text = format!("silenced until {} UTC ({})", s.ends_at.format("%H:%M"), ids.join(", "));
    if done.recorded.is_empty() {
        text.push_str("; no open incident holds its alerts");
    } else {
        text.push_str(&crate::silence::ops::recorded_text(&done.recorded));
    }
    if !done.failed.is_empty() {
        text.push_str(&format!("; failed at {}", done.failed.join("; ")));
    }
    Ok(text)
}
