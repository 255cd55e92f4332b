//! Performs the incident keys' effects off the event loop: store writes on a blocking
//! thread, silences as HTTP requests, each ending in one `Msg::ActionDone` for the status
//! line. The incident thread's watch shows the changed book within a second.
use tokio::sync::mpsc;

use crate::config::Config;
use crate::domain::NewSilence;
use crate::incident::model::IncidentError;
use crate::incident::{IncidentAction, Policy, Store, action, silence};
use crate::model::Msg;
use crate::sources::alertmanager::AmClient;

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

/// Applies one incident action as `who`; the status line's sentence or the error.
pub fn incident(store: &Store, policy: &Policy, act: &IncidentAction, who: &str) -> Result<String, String> {
    match action::run(store, policy, act, who, chrono::Utc::now()) {
        Ok(Ok(out)) => Ok(out.message),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("incident store: {e}")),
    }
}

/// `POST /api/v2/silences` to each named Alertmanager of `config` (those that reported the
/// alert), then records the silence in the most recent open incident's timeline (as the
/// silence's author). Succeeds when at least one Alertmanager accepted it; the text names
/// the ones that failed.
pub async fn silence_and_record(
    config: &Config,
    store: Store,
    policy: Policy,
    s: &NewSilence,
    sources: &[String],
) -> Result<String, String> {
    let mut created = Vec::new();
    let mut failed = Vec::new();
    for name in sources {
        let Some(spec) = config.alertmanager.iter().find(|a| &a.name == name) else {
            failed.push(format!("{name}: not a configured Alertmanager"));
            continue;
        };
        let result = match AmClient::new(spec, &config.defaults) {
            Ok(c) => c.create_silence(s).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(id) => created.push((name.clone(), id)),
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    if created.is_empty() {
        return Err(if failed.is_empty() {
            "no Alertmanager to silence at".to_string()
        } else {
            format!("silence failed: {}", failed.join("; "))
        });
    }
    let ids: Vec<String> = created.iter().map(|(n, id)| format!("{n} {id}")).collect();
    let mut text = format!("silenced until {} UTC ({})", s.ends_at.format("%H:%M"), ids.join(", "));
    let record = IncidentAction::RecordSilence { id: None, silence: silence::record(s, &created[0].1) };
    let who = s.created_by.clone();
    let recorded =
        tokio::task::spawn_blocking(move || action::run(&store, &policy, &record, &who, chrono::Utc::now()))
            .await;
    match recorded {
        Ok(Ok(Ok(out))) => text.push_str(&format!("; recorded in INC-{}", out.id)),
        Ok(Ok(Err(IncidentError::NoneOpen))) => text.push_str("; no open incident to record it in"),
        Ok(Ok(Err(e))) => text.push_str(&format!("; not recorded: {e}")),
        Ok(Err(e)) => text.push_str(&format!("; not recorded: {e}")),
        Err(e) => text.push_str(&format!("; not recorded: {e}")),
    }
    if !failed.is_empty() {
        text.push_str(&format!("; failed at {}", failed.join("; ")));
    }
    Ok(text)
}
