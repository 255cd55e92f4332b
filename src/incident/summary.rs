//! The JSON shape of an incident in `opsdeck incident list --json` and in the `incidents`
//! array of `opsdeck snapshot --json`: the clock view plus status and the alerts.
//! Field names are stable.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::clock::{ClockView, clock_view};
use super::model::{AlertRef, Incident, IncidentBook};
use super::policy::Policy;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentSummary {
    /// `open`, `acknowledged` or `resolved`.
    pub status: &'static str,
    #[serde(flatten)]
    pub clock: ClockView,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub alerts: Vec<AlertRef>,
}

pub fn summary(inc: &Incident, policy: &Policy, now: DateTime<Utc>) -> IncidentSummary {
    let status = match (&inc.resolved, &inc.acknowledged) {
        (Some(_), _) => "resolved",
        (None, Some(_)) => "acknowledged",
        (None, None) => "open",
    };
    IncidentSummary {
        status,
        clock: clock_view(inc, policy, now),
        resolved_by: inc.resolved.as_ref().map(|r| r.who.clone()),
        resolved_at: inc.resolved.as_ref().map(|r| r.at),
        alerts: inc.alerts.clone(),
    }
}

/// Open incidents first (most severe, then longest running), then resolved ones when
/// asked for (most recently resolved first).
pub fn summaries(
    book: &IncidentBook,
    policy: &Policy,
    now: DateTime<Utc>,
    resolved: bool,
) -> Vec<IncidentSummary> {
    let mut open: Vec<&Incident> = book.open().collect();
    open.sort_by_key(|i| super::clock::urgency(i));
    let mut closed: Vec<&Incident> =
        if resolved { book.incidents.iter().filter(|i| !i.is_open()).collect() } else { vec![] };
    closed.sort_by_key(|i| std::cmp::Reverse((i.resolved.as_ref().map(|r| r.at), i.id)));
    open.into_iter().chain(closed).map(|i| summary(i, policy, now)).collect()
}

/// The `incidents` array of `opsdeck snapshot --json`: open incidents from the shared
/// store in the state directory (`OPSDECK_STATE_DIR`), with their clocks at `now`.
pub fn snapshot_incidents(
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<IncidentSummary>, super::store::StoreError> {
    let book = super::store::Store::from_env().load()?;
    Ok(summaries(&book, policy, now, false))
}
