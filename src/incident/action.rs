//! Incident actions as data, so the screen's `update` can emit them as effects and the
//! command line runs the very same code. `apply` is pure; `run` is the I/O edge that applies
//! an action to the shared store (recording due escalations first).
use chrono::{DateTime, Utc};

use super::model::{self, Change, IncidentBook, IncidentError, Severity, SilenceRecord};
use super::policy::Policy;
use super::store::{Store, StoreError};
use crate::derive::AlertView;

/// One thing a person does to incidents. `id: None` means the most recent open incident.
#[derive(Debug, Clone, PartialEq)]
pub enum IncidentAction {
    Declare {
        title: String,
        severity: Severity,
    },
    Acknowledge {
        id: Option<u64>,
    },
    Resolve {
        id: Option<u64>,
    },
    Note {
        id: Option<u64>,
        text: String,
    },
    /// An update was sent on a communication channel (`[comms]`).
    CommsUpdate {
        id: Option<u64>,
        channel: String,
        text: String,
    },
    /// A silence was created in Alertmanager (after the POST succeeded).
    RecordSilence {
        id: Option<u64>,
        silence: SilenceRecord,
    },
    /// A runbook step ran during the incident.
    RecordRunbookStep {
        id: Option<u64>,
        runbook: String,
        step: String,
        outcome: String,
    },
}

/// What an applied action did: the incident it touched and a sentence for the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub id: u64,
    pub message: String,
}

/// Applies `action` by `who` at `now`. Escalations due by `now` are recorded first, so an
/// acknowledgement freezes the tier the incident really reached.
pub fn apply(
    book: &mut IncidentBook,
    policy: &Policy,
    action: &IncidentAction,
    who: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, IncidentError> {
    model::observe_time(book, policy, now);
    let out = |id: u64, message: String| Ok(Outcome { id, message });
    match action {
        IncidentAction::Declare { title, severity } => {
            let id = model::declare(book, title, *severity, who, now)?;
            model::observe_time(book, policy, now);
            out(id, format!("INC-{id} declared ({} {}): {}", severity.as_str(), severity.sev(), title.trim()))
        }
        IncidentAction::Acknowledge { id } => {
            let id = book.resolve_id(*id)?;
            model::acknowledge(book, id, who, now)?;
            let inc = book.get(id).expect("just acknowledged");
            let tier = super::clock::clock_view(inc, policy, now).tier;
            let held = match (tier, policy.next_tier(None)) {
                (None, Some(first)) => format!("before {}", first.name),
                _ => format!("at {}", policy.tier_name(tier)),
            };
            out(id, format!("INC-{id} acknowledged by {who}; escalation stopped {held}"))
        }
        IncidentAction::Resolve { id } => {
            let id = book.resolve_id(*id)?;
            model::resolve(book, id, who, now)?;
            let inc = book.get(id).expect("just resolved");
            let run = super::clock::format_clock(model::elapsed(inc.detected_at, now));
            out(id, format!("INC-{id} resolved by {who} after {run}"))
        }
        IncidentAction::Note { id, text } => {
            let id = book.resolve_id(*id)?;
            model::note(book, id, who, text, now)?;
            out(id, format!("note added to INC-{id}"))
        }
        IncidentAction::CommsUpdate { id, channel, text } => {
            let id = book.resolve_id(*id)?;
            model::comms_update(book, id, who, channel, text, now)?;
            out(id, format!("update on {channel} recorded in INC-{id}"))
        }
        IncidentAction::RecordSilence { id, silence } => {
            let id = book.resolve_id(*id)?;
            model::record_silence(book, id, who, silence.clone(), now)?;
            out(id, format!("silence {} recorded in INC-{id}", silence.silence_id))
        }
        IncidentAction::RecordRunbookStep { id, runbook, step, outcome } => {
            let id = book.resolve_id(*id)?;
            model::record_runbook_step(book, id, who, runbook, step, outcome, now)?;
            out(id, format!("runbook step recorded in INC-{id}"))
        }
    }
}

/// Applies an action to the shared store under its lock. The outer error is the store's
/// (I/O, corrupt file), the inner one the action's (no such incident, already resolved).
pub fn run(
    store: &Store,
    policy: &Policy,
    action: &IncidentAction,
    who: &str,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, IncidentError>, StoreError> {
    store.update(|book| apply(book, policy, action, who, now))
}

/// What the screen does with each fresh Alertmanager poll (and on its clock tick with
/// `alerts: None`): opens and joins incidents, records resolved alerts and due escalations,
/// and writes the store only when something changed.
pub fn observe(
    store: &Store,
    policy: &Policy,
    alerts: Option<&[AlertView]>,
    now: DateTime<Utc>,
) -> Result<Vec<Change>, StoreError> {
    let r = store.update(|book| {
        let mut changes = alerts
            .map(|a| super::correlate::observe_alerts_with(book, a, &policy.correlate, now))
            .unwrap_or_default();
        changes.extend(model::observe_time(book, policy, now));
        Ok::<_, std::convert::Infallible>(changes)
    })?;
    Ok(r.unwrap_or_else(|e| match e {}))
}
