//! The bell: a new unacknowledged P0/P1 rings the terminal bell, again every `repeat`
//! while one stays unacknowledged; never on a wall screen unless `wall_bell`. Pure: the
//! open incidents and the time are inputs, `Bell` is the little state the screen keeps.
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

use super::model::{Incident, Severity};
use crate::config::AttentionSpec;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bell {
    /// Incidents that already rang once.
    pub rung_for: BTreeSet<u64>,
    pub last_ring: Option<DateTime<Utc>>,
}

/// Open, unacknowledged P0/P1 incidents: the ones that want attention.
pub fn wants_attention(i: &Incident) -> bool {
    i.is_open() && i.acknowledged.is_none() && i.severity <= Severity::P1
}

impl Bell {
    /// Whether to ring now; records the ring when it says yes.
    pub fn should_ring<'a>(
        &mut self,
        spec: &AttentionSpec,
        wall: bool,
        incidents: impl IntoIterator<Item = &'a Incident>,
        now: DateTime<Utc>,
    ) -> bool {
        if !spec.bell || (wall && !spec.wall_bell) {
            return false;
        }
        let waiting: Vec<u64> = incidents.into_iter().filter(|i| wants_attention(i)).map(|i| i.id).collect();
        self.rung_for.retain(|id| waiting.contains(id));
        if waiting.is_empty() {
            return false;
        }
        let new = waiting.iter().any(|id| !self.rung_for.contains(id));
        let repeat = chrono::Duration::from_std(spec.repeat).unwrap_or(chrono::Duration::MAX);
        let due = !spec.repeat.is_zero() && self.last_ring.is_some_and(|t| now - t >= repeat);
        if new || due {
            self.rung_for.extend(waiting);
            self.last_ring = Some(now);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::model::{IncidentBook, acknowledge, declare};
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    #[test]
    fn rings_for_a_new_p1_repeats_and_stops_at_the_ack() {
        let spec = AttentionSpec { bell: true, ..AttentionSpec::default() };
        let mut book = IncidentBook::default();
        let mut bell = Bell::default();
        assert!(!bell.should_ring(&spec, false, &book.incidents, at(0)), "nothing open");
        declare(&mut book, "P3 thing", Severity::P3, "a", at(0)).unwrap();
        assert!(!bell.should_ring(&spec, false, &book.incidents, at(1)), "P3 does not ring");
        let id = declare(&mut book, "API down", Severity::P1, "a", at(2)).unwrap();
        assert!(bell.should_ring(&spec, false, &book.incidents, at(2)));
        assert!(!bell.should_ring(&spec, false, &book.incidents, at(10)));
        assert!(bell.should_ring(&spec, false, &book.incidents, at(32)), "after `repeat`");
        let id2 = declare(&mut book, "DB down", Severity::P0, "a", at(40)).unwrap();
        assert!(bell.should_ring(&spec, false, &book.incidents, at(40)), "a new one rings at once");
        acknowledge(&mut book, id, "a", at(41)).unwrap();
        acknowledge(&mut book, id2, "a", at(41)).unwrap();
        assert!(!bell.should_ring(&spec, false, &book.incidents, at(100)), "acknowledged: quiet");
    }

    #[test]
    fn off_by_default_and_on_the_wall() {
        let mut book = IncidentBook::default();
        declare(&mut book, "API down", Severity::P1, "a", at(0)).unwrap();
        let mut bell = Bell::default();
        assert!(!bell.should_ring(&AttentionSpec::default(), false, &book.incidents, at(0)));
        let on = AttentionSpec { bell: true, ..AttentionSpec::default() };
        assert!(!bell.should_ring(&on, true, &book.incidents, at(0)), "wall: off");
        let wall = AttentionSpec { wall_bell: true, ..on };
        assert!(bell.should_ring(&wall, true, &book.incidents, at(0)));
    }
}
