//! The incident model: pure data and pure transitions. Time is always an argument; nothing
//! here reads the clock, a file or the network.
//!
//! Contracts:
//! - An incident opens automatically when a P0 or P1 alert is firing (state `active`, not
//!   silenced, not inhibited); its detection time is the alert's `startsAt`.
//! - An alert joins an open incident only when it shares the incident's correlation key
//!   (`correlate`); a P0/P1 alert that joins none opens its own. A joining alert of higher
//!   priority raises the incident's severity and, when it was acknowledged, re-arms
//!   escalation.
//! - One firing of an alert is identified by (fingerprint, startsAt): a firing already
//!   recorded in any incident, open or resolved, never opens another one, so two processes
//!   observing the same Alertmanager never duplicate, and resolving an incident whose alert
//!   still fires does not reopen it. Re-fires of an alert an open incident holds coalesce
//!   into its one entry (a count and the last time): a flapping source cannot grow a book.
//! - An alert of an open incident that is no longer returned by Alertmanager is recorded as
//!   resolved. Callers pass only the alerts of a successful, fresh poll: an empty list from
//!   a failing source would resolve everything.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::derive::{AlertView, Priority};
use crate::domain::AlertState;

use super::policy::Policy;

/// All incidents, as stored in the state file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IncidentBook {
    /// Bumped by every write of the store; lets a reader tell it has the latest book.
    #[serde(default)]
    pub generation: u64,
    /// The id the next incident gets (ids start at 1 and are never reused).
    #[serde(default)]
    pub next_id: u64,
    #[serde(default)]
    pub incidents: Vec<Incident>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: u64,
    pub severity: Severity,
    pub title: String,
    /// Start of every clock: the first alert's `startsAt`, or the declaration time.
    pub detected_at: DateTime<Utc>,
    /// When the incident was entered into the book (declared or auto-opened).
    pub opened_at: DateTime<Utc>,
    #[serde(default)]
    pub acknowledged: Option<Actor>,
    #[serde(default)]
    pub resolved: Option<Actor>,
    /// Index into the policy's tiers of the last escalation recorded in the timeline.
    #[serde(default)]
    pub tier: Option<usize>,
    #[serde(default)]
    pub alerts: Vec<AlertRef>,
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    /// The correlation key alerts must share to join (see `correlate`); None for a declared
    /// incident (only alerts whose `incident` label names it join).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// When a higher-priority alert re-armed escalation after an acknowledgement:
    /// escalations are recorded from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rearmed_at: Option<DateTime<Utc>>,
    /// Alerts not listed because the incident already holds `correlate::MAX_ALERTS`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub alerts_dropped: u64,
    /// The opening alert's labels (they choose the phase preset; empty when declared).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
}

pub(crate) fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

fn one() -> u32 {
    1
}

/// Severity is the alert priority scale: P0 = SEV-1 ... P3 = SEV-4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    P0,
    P1,
    P2,
    P3,
}

impl Severity {
    /// Accepts `P0`..`P3` and `SEV-1`..`SEV-4` (also `SEV1`, `sev-1`).
    pub fn parse(text: &str) -> Option<Severity> {
        let t = text.trim().to_ascii_uppercase();
        if let Some(p) = Priority::parse(&t) {
            return Some(Severity::from(p));
        }
        let n = t.strip_prefix("SEV")?.trim_start_matches(['-', '_', ' ']);
        match n {
            "1" => Some(Severity::P0),
            "2" => Some(Severity::P1),
            "3" => Some(Severity::P2),
            "4" => Some(Severity::P3),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::P0 => "P0",
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
        }
    }
    pub fn sev(self) -> &'static str {
        match self {
            Severity::P0 => "SEV-1",
            Severity::P1 => "SEV-2",
            Severity::P2 => "SEV-3",
            Severity::P3 => "SEV-4",
        }
    }
}

impl From<Priority> for Severity {
    fn from(p: Priority) -> Self {
        match p {
            Priority::P0 => Severity::P0,
            Priority::P1 => Severity::P1,
            Priority::P2 => Severity::P2,
            Priority::P3 => Severity::P3,
        }
    }
}

/// Who did something and when. `who` is the Unix user, with the SSH client when remote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub who: String,
    pub at: DateTime<Utc>,
}

/// One alert firing that belongs to an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRef {
    pub fingerprint: String,
    pub alertname: String,
    pub starts_at: DateTime<Utc>,
    /// False once the alert was seen gone.
    pub firing: bool,
    /// How often it fired (a flapping alert re-fires with a new `startsAt`).
    #[serde(default = "one")]
    pub fires: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Severity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// Declared by hand.
    Declared {
        who: String,
        severity: Severity,
        title: String,
    },
    /// Opened by an alert.
    Opened {
        fingerprint: String,
        alertname: String,
        severity: Severity,
    },
    /// An alert fired (the opening one, or one that joined). `at` is its `startsAt`.
    /// Re-fires of the same alert (new `startsAt`) coalesce here: `refires` counts them,
    /// `last_at` is the latest `startsAt`.
    AlertFired {
        fingerprint: String,
        alertname: String,
        priority: Severity,
        #[serde(default)]
        summary: String,
        #[serde(default, skip_serializing_if = "is_zero")]
        refires: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_at: Option<DateTime<Utc>>,
    },
    /// An alert no longer returned by Alertmanager. `at` is when that was first observed;
    /// later resolutions of the same alert coalesce (`again`, `last_at`).
    AlertResolved {
        fingerprint: String,
        alertname: String,
        #[serde(default, skip_serializing_if = "is_zero")]
        again: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_at: Option<DateTime<Utc>>,
    },
    /// A higher-priority alert joined the acknowledged incident: escalation runs again.
    Rearmed {
        fingerprint: String,
        alertname: String,
        priority: Severity,
        acknowledged_by: String,
    },
    SeverityChanged {
        from: Severity,
        to: Severity,
        reason: String,
    },
    Acknowledged {
        who: String,
    },
    /// The incident reached a tier. `at` is the tier boundary (detection + delay).
    Escalated {
        tier: usize,
        name: String,
    },
    SilenceCreated {
        who: String,
        silence_id: String,
        matchers: String,
        ends_at: DateTime<Utc>,
        comment: String,
    },
    SilenceExpired {
        who: String,
        silence_id: String,
    },
    SilenceExtended {
        who: String,
        silence_id: String,
        ends_at: DateTime<Utc>,
    },
    Note {
        who: String,
        text: String,
    },
    /// An update sent on a communication channel (`incident update --channel`).
    CommsUpdate {
        who: String,
        channel: String,
        text: String,
    },
    RunbookStep {
        who: String,
        runbook: String,
        step: String,
        outcome: String,
    },
    Resolved {
        who: String,
    },
}

/// What a transition changed: one new timeline event of one incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub incident: u64,
    pub event: TimelineEvent,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IncidentError {
    #[error("no incident {0}")]
    NotFound(u64),
    #[error("no open incident")]
    NoneOpen,
    #[error("no incidents yet")]
    NoneAtAll,
    #[error("incident {id} is already resolved (by {who} at {at})")]
    AlreadyResolved { id: u64, who: String, at: String },
    #[error("incident {id} is already acknowledged (by {who} at {at})")]
    AlreadyAcknowledged { id: u64, who: String, at: String },
    #[error("{0}")]
    Invalid(String),
}

impl Incident {
    pub fn is_open(&self) -> bool {
        self.resolved.is_none()
    }

    /// The `INC-<id>` label used on screen and in exports.
    pub fn label(&self) -> String {
        format!("INC-{}", self.id)
    }

    pub(crate) fn push(&mut self, at: DateTime<Utc>, kind: EventKind) -> Change {
        let event = TimelineEvent { at, kind };
        self.timeline.push(event.clone());
        Change { incident: self.id, event }
    }

    /// The timeline in time order (events are appended as observed; escalations and alert
    /// firings carry earlier times than the moment they were recorded).
    pub fn timeline_sorted(&self) -> Vec<&TimelineEvent> {
        let mut v: Vec<&TimelineEvent> = self.timeline.iter().collect();
        v.sort_by_key(|e| e.at); // stable: equal times keep recording order
        v
    }
}

impl IncidentBook {
    pub fn get(&self, id: u64) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.id == id)
    }

    pub fn get_mut(&mut self, id: u64) -> Result<&mut Incident, IncidentError> {
        self.incidents.iter_mut().find(|i| i.id == id).ok_or(IncidentError::NotFound(id))
    }

    pub fn open(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.iter().filter(|i| i.is_open())
    }

    /// The most recent open incident (latest detection; ties: highest id).
    pub fn latest_open(&self) -> Option<&Incident> {
        self.open().max_by_key(|i| (i.detected_at, i.id))
    }

    /// `id`, else the most recent open incident.
    pub fn resolve_id(&self, id: Option<u64>) -> Result<u64, IncidentError> {
        match id {
            Some(id) => self.get(id).map(|i| i.id).ok_or(IncidentError::NotFound(id)),
            None => self.latest_open().map(|i| i.id).ok_or(IncidentError::NoneOpen),
        }
    }

    /// `id`, else the most recent open incident, else the most recent incident at all.
    pub fn resolve_id_any(&self, id: Option<u64>) -> Result<u64, IncidentError> {
        match self.resolve_id(id) {
            Err(IncidentError::NoneOpen) => self
                .incidents
                .iter()
                .max_by_key(|i| (i.detected_at, i.id))
                .map(|i| i.id)
                .ok_or(IncidentError::NoneAtAll),
            other => other,
        }
    }

    fn new_id(&mut self) -> u64 {
        let max = self.incidents.iter().map(|i| i.id).max().unwrap_or(0);
        let id = self.next_id.max(max + 1).max(1);
        self.next_id = id + 1;
        id
    }

    pub(crate) fn insert(
        &mut self,
        severity: Severity,
        title: String,
        detected_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> &mut Incident {
        let id = self.new_id();
        self.incidents.push(Incident {
            id,
            severity,
            title,
            detected_at,
            opened_at: now,
            acknowledged: None,
            resolved: None,
            tier: None,
            alerts: Vec::new(),
            timeline: Vec::new(),
            key: None,
            rearmed_at: None,
            alerts_dropped: 0,
            labels: Default::default(),
        });
        self.incidents.last_mut().expect("just pushed")
    }

    pub(crate) fn knows_firing(&self, fingerprint: &str, starts_at: DateTime<Utc>) -> bool {
        self.incidents
            .iter()
            .flat_map(|i| &i.alerts)
            .any(|a| a.fingerprint == fingerprint && a.starts_at == starts_at)
    }
}

/// Whether an alert opens an incident: firing, P0 or P1, not muted.
pub fn opens_incident(a: &AlertView) -> bool {
    joins_incident(a) && a.priority <= Priority::P1
}

/// Whether an alert may join an incident of its correlation key: firing, not muted.
pub fn joins_incident(a: &AlertView) -> bool {
    a.state == AlertState::Active && !a.silenced && !a.inhibited
}

pub(crate) fn summary_of(a: &AlertView) -> String {
    a.annotations.get("summary").or_else(|| a.annotations.get("description")).unwrap_or_default().to_string()
}

/// Applies one fresh Alertmanager poll to the book with the default correlation key (see
/// `correlate::observe_alerts_with`).
pub fn observe_alerts(book: &mut IncidentBook, alerts: &[AlertView], now: DateTime<Utc>) -> Vec<Change> {
    super::correlate::observe_alerts_with(book, alerts, &super::correlate::default_key(), now)
}

/// Records in the timeline every escalation the policy says has happened by `now` for each
/// open, unacknowledged incident. Each event carries its boundary time (detection + the
/// tier's delay), so a late observer still records the true times.
pub fn observe_time(book: &mut IncidentBook, policy: &Policy, now: DateTime<Utc>) -> Vec<Change> {
    let mut changes = Vec::new();
    for inc in book.incidents.iter_mut().filter(|i| i.is_open() && i.acknowledged.is_none()) {
        let Some(reached) = policy.tier_at(policy.clock_time(elapsed(inc.detected_at, now))) else {
            continue;
        };
        let from = inc.tier.map(|t| t + 1).unwrap_or(0);
        for t in from..=reached {
            let tier = &policy.tiers[t];
            let at = inc.detected_at
                + chrono::Duration::from_std(policy.real_time(tier.after)).unwrap_or_default();
            let at = inc.rearmed_at.map_or(at, |r| at.max(r));
            changes.push(inc.push(at, EventKind::Escalated { tier: t, name: tier.name.clone() }));
        }
        if from <= reached {
            inc.tier = Some(reached);
        }
    }
    changes
}

/// Time from `from` to `to`, zero when `to` is earlier.
pub fn elapsed(from: DateTime<Utc>, to: DateTime<Utc>) -> std::time::Duration {
    (to - from).to_std().unwrap_or_default()
}

/// Declares an incident by hand; its clock starts now. Returns its id.
pub fn declare(
    book: &mut IncidentBook,
    title: &str,
    severity: Severity,
    who: &str,
    now: DateTime<Utc>,
) -> Result<u64, IncidentError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(IncidentError::Invalid("the title is empty".into()));
    }
    let inc = book.insert(severity, title.to_string(), now, now);
    inc.push(now, EventKind::Declared { who: who.to_string(), severity, title: title.to_string() });
    Ok(inc.id)
}

fn open_mut(book: &mut IncidentBook, id: u64) -> Result<&mut Incident, IncidentError> {
    let inc = book.get_mut(id)?;
    if let Some(r) = &inc.resolved {
        return Err(IncidentError::AlreadyResolved { id, who: r.who.clone(), at: utc(r.at) });
    }
    Ok(inc)
}

/// Acknowledges: escalation stops at the tier held now; the resolution clock keeps running.
pub fn acknowledge(
    book: &mut IncidentBook,
    id: u64,
    who: &str,
    now: DateTime<Utc>,
) -> Result<(), IncidentError> {
    let inc = open_mut(book, id)?;
    if let Some(a) = &inc.acknowledged {
        return Err(IncidentError::AlreadyAcknowledged { id, who: a.who.clone(), at: utc(a.at) });
    }
    inc.acknowledged = Some(Actor { who: who.to_string(), at: now });
    inc.push(now, EventKind::Acknowledged { who: who.to_string() });
    Ok(())
}

/// Resolves (closes) the incident; every clock stops at `now`.
pub fn resolve(book: &mut IncidentBook, id: u64, who: &str, now: DateTime<Utc>) -> Result<(), IncidentError> {
    let inc = open_mut(book, id)?;
    inc.resolved = Some(Actor { who: who.to_string(), at: now });
    inc.push(now, EventKind::Resolved { who: who.to_string() });
    Ok(())
}

/// Adds a note; allowed on resolved incidents too (post-incident notes).
pub fn note(
    book: &mut IncidentBook,
    id: u64,
    who: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), IncidentError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IncidentError::Invalid("the note is empty".into()));
    }
    let inc = book.get_mut(id)?;
    inc.push(now, EventKind::Note { who: who.to_string(), text: text.to_string() });
    Ok(())
}

/// Records an update sent on a communication channel (status page, executives, ...).
pub fn comms_update(
    book: &mut IncidentBook,
    id: u64,
    who: &str,
    channel: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), IncidentError> {
    let (channel, text) = (channel.trim(), text.trim());
    if channel.is_empty() || text.is_empty() {
        return Err(IncidentError::Invalid("an update needs a channel and a text".into()));
    }
    let inc = book.get_mut(id)?;
    inc.push(now, EventKind::CommsUpdate { who: who.into(), channel: channel.into(), text: text.into() });
    Ok(())
}

/// A silence created in Alertmanager, as the timeline records it.
#[derive(Debug, Clone, PartialEq)]
pub struct SilenceRecord {
    pub silence_id: String,
    /// The matchers as text, e.g. `alertname="DiskFull", instance="db-1:9100"`.
    pub matchers: String,
    pub ends_at: DateTime<Utc>,
    pub comment: String,
}

/// Records a silence created in Alertmanager during the incident.
pub fn record_silence(
    book: &mut IncidentBook,
    id: u64,
    who: &str,
    silence: SilenceRecord,
    now: DateTime<Utc>,
) -> Result<(), IncidentError> {
    let inc = book.get_mut(id)?;
    let SilenceRecord { silence_id, matchers, ends_at, comment } = silence;
    inc.push(now, EventKind::SilenceCreated { who: who.to_string(), silence_id, matchers, ends_at, comment });
    Ok(())
}

/// Records a runbook step run during the incident (outcome: `ok`, `failed`, `skipped`, ...).
pub fn record_runbook_step(
    book: &mut IncidentBook,
    id: u64,
    who: &str,
    runbook: &str,
    step: &str,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<(), IncidentError> {
    let inc = book.get_mut(id)?;
    inc.push(
        now,
        EventKind::RunbookStep {
            who: who.to_string(),
            runbook: runbook.to_string(),
            step: step.to_string(),
            outcome: outcome.to_string(),
        },
    );
    Ok(())
}

/// `2026-11-23 01:16:50 UTC`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}
