//! Communication deadlines: per open incident and channel, when the next update is due and
//! whether it is late. Pure: the incident (its timeline of `CommsUpdate` events) and the
//! time are inputs.
//!
//! Contracts:
//! - A channel applies to an incident whose severity it lists (`severities`, else the keys
//!   of `within`, else every severity).
//! - The first update is due `within[severity]` after detection (else `every`); each
//!   update recorded on the channel makes the next one due `every` later; a channel
//!   without `every` is done after its first update.
//! - State: `ok`, `amber` from 80% of the interval to the deadline, `red` once overdue.
//!   Clock time follows `[escalation] speed`, like the escalation clock.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

use super::model::{EventKind, Incident, Severity, elapsed};
use super::policy::Policy;
use crate::config::{ChannelSpec, CommsSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommsState {
    Ok,
    Amber,
    Red,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommsDue {
    pub channel: String,
    /// When the next update is due (real time).
    pub due_at: DateTime<Utc>,
    /// Clock seconds until then; negative when overdue.
    pub due_in_s: i64,
    pub state: CommsState,
    /// The last update recorded on the channel.
    pub last_update_at: Option<DateTime<Utc>>,
}

fn applies(c: &ChannelSpec, sev: Severity) -> bool {
    if !c.severities.is_empty() {
        return c.severities.iter().any(|s| Severity::parse(s) == Some(sev));
    }
    if !c.within.is_empty() {
        return c.within.keys().any(|s| Severity::parse(s) == Some(sev));
    }
    true
}

fn first_deadline(c: &ChannelSpec, sev: Severity) -> Option<Duration> {
    c.within
        .iter()
        .find(|(k, _)| Severity::parse(k) == Some(sev))
        .and_then(|(_, v)| crate::util::duration::parse(v).ok())
        .or(c.every)
}

/// The next due update of every channel that applies to the open incident at `now`.
pub fn due(inc: &Incident, spec: &CommsSpec, policy: &Policy, now: DateTime<Utc>) -> Vec<CommsDue> {
    if inc.resolved.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in spec.channel.iter().filter(|c| applies(c, inc.severity)) {
        let last = inc
            .timeline
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::CommsUpdate { channel, .. } if *channel == c.name))
            .map(|e| e.at)
            .max();
        // (interval start, interval length) in clock time since detection
        let (from, len) = match (last, c.every) {
            (Some(at), Some(every)) => (policy.clock_time(elapsed(inc.detected_at, at)), every),
            (Some(_), None) => continue,
            (None, _) => match first_deadline(c, inc.severity) {
                Some(d) => (Duration::ZERO, d),
                None => continue,
            },
        };
        let run = policy.clock_time(elapsed(inc.detected_at, now));
        let due_clock = from + len;
        let due_in_s = due_clock.as_secs() as i64 - run.as_secs() as i64;
        let gone = run.saturating_sub(from);
        let state = if due_in_s < 0 || (due_in_s == 0 && len.is_zero()) {
            CommsState::Red
        } else if gone.as_secs_f64() >= len.as_secs_f64() * 0.8 {
            CommsState::Amber
        } else {
            CommsState::Ok
        };
        let due_at =
            inc.detected_at + chrono::Duration::from_std(policy.real_time(due_clock)).unwrap_or_default();
        out.push(CommsDue { channel: c.name.clone(), due_at, due_in_s, state, last_update_at: last });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::model::{IncidentBook, declare};
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
    }
    fn min(m: i64) -> DateTime<Utc> {
        t0() + chrono::Duration::minutes(m)
    }

    #[test]
    fn status_page_every_30_min_and_executive_within_a_deadline() {
        let policy = Policy::default();
        let spec = CommsSpec::default();
        let mut book = IncidentBook::default();
        let id = declare(&mut book, "API down", Severity::P1, "alice", t0()).unwrap();
        let inc = book.get(id).unwrap().clone();
        let d = due(&inc, &spec, &policy, min(10));
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].channel.as_str(), d[0].due_in_s, d[0].state),
            ("status-page", 20 * 60, CommsState::Ok)
        );
        assert_eq!((d[1].channel.as_str(), d[1].due_at), ("executive", min(120)));
        assert_eq!(due(&inc, &spec, &policy, min(25))[0].state, CommsState::Amber);
        assert_eq!(due(&inc, &spec, &policy, min(31))[0].state, CommsState::Red);
        assert_eq!(due(&inc, &spec, &policy, min(31))[0].due_in_s, -60);

        // an update on the status page re-arms its cadence; the executive one is done after one
        let inc = book.get_mut(id).unwrap();
        inc.push(
            min(28),
            EventKind::CommsUpdate { who: "alice".into(), channel: "status-page".into(), text: "x".into() },
        );
        inc.push(
            min(40),
            EventKind::CommsUpdate { who: "alice".into(), channel: "executive".into(), text: "y".into() },
        );
        let inc = book.get(id).unwrap().clone();
        let d = due(&inc, &spec, &policy, min(45));
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].due_at, d[0].state, d[0].last_update_at), (min(58), CommsState::Ok, Some(min(28))));
    }

    #[test]
    fn a_sev1_needs_the_executive_at_once_and_a_p3_has_no_channel() {
        let policy = Policy::default();
        let spec = CommsSpec::default();
        let mut book = IncidentBook::default();
        let p0 = declare(&mut book, "down", Severity::P0, "a", t0()).unwrap();
        let p3 = declare(&mut book, "meh", Severity::P3, "a", t0()).unwrap();
        let d = due(book.get(p0).unwrap(), &spec, &policy, min(1));
        let exec = d.iter().find(|c| c.channel == "executive").unwrap();
        assert_eq!(exec.state, CommsState::Red);
        assert!(due(book.get(p3).unwrap(), &spec, &policy, min(1)).is_empty());
    }
}
