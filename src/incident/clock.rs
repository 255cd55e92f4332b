//! What the escalation clock shows, as pure data, and the big digits for the wall.
//!
//! Contracts:
//! - Every clock counts from the detection time; a resolved incident's clocks stop at its
//!   resolution.
//! - The tier comes from elapsed time; an acknowledgement freezes it at the tier held then
//!   (`next_tier` becomes None). The phase and the resolution clock keep running.
//! - `next_tier.state` turns `Amber` at 80% of the way to the next escalation (never red:
//!   past it, the next tier holds the incident).
//! - `deadline_state` is about the resolution target of the incident's severity: `Amber`
//!   from 80% of it, `Red` from the deadline on (nothing left). No target: `Normal`.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

use super::model::{Incident, IncidentBook, Severity, elapsed};
use super::policy::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeadlineState {
    Normal,
    Amber,
    Red,
}

impl DeadlineState {
    /// A word for screens without colour.
    pub fn word(self) -> &'static str {
        match self {
            DeadlineState::Normal => "ON TRACK",
            DeadlineState::Amber => "NEAR TARGET",
            DeadlineState::Red => "OVERDUE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextTier {
    pub name: String,
    /// `mm:ss` or `h:mm:ss` until it takes over.
    pub countdown: String,
    pub in_s: u64,
    /// `Amber` from 80% of the way from the current tier (or detection) to this one.
    pub state: DeadlineState,
    /// Who holds that tier when it takes over, from the on-call rota; None: not on the rota.
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockView {
    pub id: u64,
    /// `INC-<id>`.
    pub label: String,
    pub title: String,
    pub severity: Severity,
    pub detected_at: DateTime<Utc>,
    /// Since detection: `12:34`, or `1:02:03` from an hour on.
    pub elapsed: String,
    pub elapsed_s: u64,
    /// Tier index into the policy; None before the first tier (see `policy`).
    pub tier: Option<usize>,
    pub tier_name: String,
    /// Who holds the current tier now, from the on-call rota (None before the first tier,
    /// or when the tier is not on the rota): show it beside `tier_name`.
    pub holder: Option<String>,
    /// When that person's shift ends.
    pub holder_until: Option<DateTime<Utc>>,
    /// Who holds the current tier after the handoff.
    pub holder_next: Option<String>,
    pub next_tier: Option<NextTier>,
    pub phase: String,
    /// The resolution target of this severity, `1:00:00`; None: no target.
    pub target: Option<String>,
    /// Time left to the target, `47:12`; past it, the overrun with a minus: `-5:00`.
    pub resolution_left: Option<String>,
    /// Seconds left to the target, negative past it.
    pub resolution_left_s: Option<i64>,
    pub deadline_state: DeadlineState,
    /// Who acknowledged; None while unacknowledged.
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved: bool,
    /// Alerts of the incident still firing.
    pub alerts_firing: usize,
}

/// `mm:ss` under an hour, `h:mm:ss` from an hour on.
pub fn format_clock(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

fn secs(d: Duration) -> i64 {
    d.as_secs() as i64
}

pub fn clock_view(inc: &Incident, policy: &Policy, now: DateTime<Utc>) -> ClockView {
    let end = inc.resolved.as_ref().map(|r| r.at).unwrap_or(now);
    // Whole seconds: elapsed rounds down, countdowns then read as whole seconds left.
    let run = Duration::from_secs(policy.clock_time(elapsed(inc.detected_at, end)).as_secs());
    let (tier, next_tier) = match &inc.acknowledged {
        Some(a) => (policy.tier_at(policy.clock_time(elapsed(inc.detected_at, a.at.min(end)))), None),
        None => {
            let tier = policy.tier_at(run);
            let next = if inc.resolved.is_some() {
                None
            } else {
                policy.next_tier(tier).map(|t| {
                    let left = t.after.saturating_sub(run);
                    let from = tier.map(|c| policy.tiers[c].after).unwrap_or_default();
                    let span = t.after.saturating_sub(from).as_secs();
                    let gone = run.saturating_sub(from).as_secs();
                    let state =
                        if gone * 10 >= span * 8 { DeadlineState::Amber } else { DeadlineState::Normal };
                    let takes_over =
                        now + chrono::Duration::from_std(policy.real_time(left)).unwrap_or_default();
                    NextTier {
                        name: t.name.clone(),
                        countdown: format_clock(left),
                        in_s: left.as_secs(),
                        state,
                        holder: policy.oncall.holder(&t.name, takes_over).map(|h| h.name),
                    }
                })
            };
            (tier, next)
        }
    };
    let phases = policy.phases_for(&inc.labels);
    let phase = if inc.resolved.is_some() {
        phases.last().expect("phases are never empty")
    } else {
        super::presets::phase_in(phases, run)
    };
    let holder = tier.and_then(|t| policy.oncall.holder(&policy.tiers[t].name, now));
    let target = policy.target(inc.severity);
    let left_s = target.map(|t| secs(t) - secs(run));
    let deadline_state = match target {
        Some(t) if run >= t => DeadlineState::Red,
        Some(t) if run.as_secs() * 10 >= t.as_secs() * 8 => DeadlineState::Amber,
        _ => DeadlineState::Normal,
    };
    let resolution_left = left_s.map(|l| {
        let text = format_clock(Duration::from_secs(l.unsigned_abs()));
        if l < 0 { format!("-{text}") } else { text }
    });
    ClockView {
        id: inc.id,
        label: inc.label(),
        title: inc.title.clone(),
        severity: inc.severity,
        detected_at: inc.detected_at,
        elapsed: format_clock(run),
        elapsed_s: run.as_secs(),
        tier,
        // Acknowledged before the first tier: the one who acknowledged holds it.
        tier_name: match (tier, &inc.acknowledged) {
            (None, Some(a)) => a.who.clone(),
            _ => policy.tier_name(tier).to_string(),
        },
        holder_until: holder.as_ref().and_then(|h| h.until),
        holder_next: holder.as_ref().and_then(|h| h.next.clone()),
        holder: holder.map(|h| h.name),
        next_tier,
        phase: phase.name.clone(),
        target: target.map(format_clock),
        resolution_left,
        resolution_left_s: left_s,
        deadline_state,
        acknowledged_by: inc.acknowledged.as_ref().map(|a| a.who.clone()),
        acknowledged_at: inc.acknowledged.as_ref().map(|a| a.at),
        resolved: inc.resolved.is_some(),
        alerts_firing: inc.alerts.iter().filter(|a| a.firing).count(),
    }
}

/// The clocks of all open incidents, the one to show large first: unacknowledged (still
/// escalating) before acknowledged, then most severe, then the longest running, then the
/// lowest id.
pub fn clock_views(book: &IncidentBook, policy: &Policy, now: DateTime<Utc>) -> Vec<ClockView> {
    let mut open: Vec<&Incident> = book.open().collect();
    open.sort_by_key(|i| urgency(i));
    open.into_iter().map(|i| clock_view(i, policy, now)).collect()
}

/// The order of open incidents on the clock: unacknowledged first, then severity, then age.
pub fn urgency(i: &Incident) -> (bool, Severity, DateTime<Utc>, u64) {
    (i.acknowledged.is_some(), i.severity, i.detected_at, i.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_format() {
        assert_eq!(format_clock(Duration::from_secs(754)), "12:34");
        assert_eq!(format_clock(Duration::from_secs(5)), "00:05");
        assert_eq!(format_clock(Duration::from_secs(3723)), "1:02:03");
    }
}
