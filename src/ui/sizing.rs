//! What each pane asks for, in rows (its frame included), from what it holds: a minimum
//! that keeps it readable, the rows its content needs, and the most it can use. The
//! layout gives every pane its minimum, then the preferred rows in order of importance,
//! then the rest to the pane that can use it (the alert feed).
use crate::model::feed::FeedRow;
use crate::model::{Model, Pane};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Want {
    pub min: u16,
    pub pref: u16,
    pub max: u16,
}

impl Want {
    fn rows(lines: usize, keep: usize, extra_max: u16) -> Want {
        let lines = lines.max(1).min(u16::MAX as usize / 2) as u16;
        let pref = lines + 2;
        let min = lines.min(keep.max(1) as u16) + 2;
        Want { min, pref, max: pref.saturating_add(extra_max) }
    }

    /// The larger of two wants, field by field (two panes side by side in one band).
    pub fn max_with(self, o: Want) -> Want {
        Want { min: self.min.max(o.min), pref: self.pref.max(o.pref), max: self.max.max(o.max) }
    }
}

/// Lines of the escalation clock's body: heading, the five details, the other incidents,
/// the latest timeline entries (see `clock_notes::lines`).
pub fn clock_lines(m: &Model) -> usize {
    let views = m.clock_views();
    if views.is_empty() {
        return 1;
    }
    let others = if views.len() > 1 { views.len() } else { 0 };
    6 + others + super::clock_notes::lines(m).len()
}

/// Lines the status pages take in full.
pub fn status_lines(m: &Model) -> usize {
    m.views
        .status
        .iter()
        .map(|s| 1 + s.components_not_operational.len() + s.incidents.len() + s.maintenances.len())
        .sum()
}

/// The rows `p` asks for.
pub fn want(p: Pane, m: &Model) -> Want {
    let waiting = m.waiting(p).is_some();
    let banner = usize::from(m.pane_age(p).is_stale());
    let mut w = match p {
        _ if waiting => Want::rows(1, 1, 0),
        Pane::Health => {
            let n = m.views.health.len();
            Want::rows(if n == 0 { 1 } else { n + 1 }, 4, 0)
        }
        Pane::Community => Want::rows(m.views.community.len(), 2, 0),
        Pane::Moderation => Want::rows(if m.views.moderation.is_some() { 5 } else { 1 }, 4, 0),
        Pane::Status => Want::rows(status_lines(m), m.views.status.len().max(1), 0),
        Pane::Clock => {
            let lines = clock_lines(m);
            // With an incident, room for the big digits is welcome but not needed.
            Want::rows(lines, 3, if lines > 1 && m.wall { 5 } else { 0 })
        }
        Pane::Alerts => {
            let n = m.feed.len();
            let groups = m.feed.iter().filter(|r| matches!(r, FeedRow::Group(_))).count();
            let mut w = Want::rows(n, 3 + groups.min(2), 0);
            w.max = u16::MAX;
            w
        }
        Pane::Runbook => Want { min: 10, pref: 20, max: u16::MAX },
    };
    if banner > 0 {
        w.min = w.min.saturating_add(1);
        w.pref = w.pref.saturating_add(1);
        w.max = w.max.saturating_add(1);
    }
    w
}

/// Splits `total` rows between `wants`: every minimum first (cut from the last ones when
/// even those do not fit), then the preferred rows in `order`, then up to the maximum in
/// `order`, and whatever is left to `fill`.
pub fn allocate(total: u16, wants: &[Want], order: &[usize], fill: Option<usize>) -> Vec<u16> {
    let mut h: Vec<u16> = wants.iter().map(|w| w.min).collect();
    let mut sum: u32 = h.iter().map(|&v| v as u32).sum();
    // Too small for every minimum: take rows from the lowest-priority bands first.
    for &i in order.iter().rev() {
        while sum > total as u32 && h[i] > 3 {
            h[i] -= 1;
            sum -= 1;
        }
    }
    for &i in order.iter().rev() {
        while sum > total as u32 && h[i] > 0 {
            h[i] -= 1;
            sum -= 1;
        }
    }
    let mut left = (total as u32).saturating_sub(sum) as u16;
    for stage in [0, 1] {
        for &i in order {
            let cap = if stage == 0 { wants[i].pref } else { wants[i].max };
            let add = cap.saturating_sub(h[i]).min(left);
            h[i] += add;
            left -= add;
        }
    }
    if let Some(f) = fill {
        h[f] += left;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimums_then_preferences_then_the_rest_to_the_fill() {
        let w = [
            Want { min: 4, pref: 8, max: 8 },
            Want { min: 5, pref: 10, max: u16::MAX },
            Want { min: 3, pref: 6, max: 6 },
        ];
        assert_eq!(allocate(40, &w, &[0, 1, 2], Some(1)), [8, 26, 6]);
        assert_eq!(allocate(20, &w, &[0, 1, 2], Some(1)), [8, 9, 3]);
        assert_eq!(allocate(10, &w, &[0, 1, 2], Some(1)), [4, 3, 3]);
        assert_eq!(allocate(5, &w, &[0, 1, 2], Some(1)), [3, 2, 0]);
    }
}
