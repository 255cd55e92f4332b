//! Under the escalation clock: the first open incident's notes and latest timeline
//! entries, newest first (`14:03 note alice: rolled back canary`).
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::incident::model::EventKind;
use crate::model::Model;

use super::text::Row;
use super::theme::Theme;

/// At most this many timeline lines under the clock.
pub const MAX_LINES: usize = 4;

/// One timeline entry as a line; None for entries the clock already shows (escalations).
fn describe(kind: &EventKind) -> Option<String> {
    Some(match kind {
        EventKind::Note { who, text } => format!("note {who}: {}", text.replace('\n', " ")),
        EventKind::Declared { who, title, .. } => format!("declared by {who}: {title}"),
        EventKind::Opened { alertname, .. } => format!("opened by {alertname}"),
        EventKind::AlertFired { alertname, .. } => format!("fired {alertname}"),
        EventKind::AlertResolved { alertname, .. } => format!("resolved {alertname}"),
        EventKind::SeverityChanged { from, to, .. } => {
            format!("severity {} -> {}", from.as_str(), to.as_str())
        }
        EventKind::Acknowledged { who } => format!("acknowledged by {who}"),
        EventKind::Escalated { .. } => return None,
        EventKind::SilenceCreated { who, matchers, .. } => format!("silence by {who}: {matchers}"),
        EventKind::RunbookStep { runbook, step, outcome, .. } => {
            format!("runbook {runbook}: {step} {outcome}")
        }
        EventKind::Resolved { who } => format!("resolved by {who}"),
        EventKind::Rearmed { alertname, priority, .. } => {
            format!("re-armed by {alertname} ({})", priority.as_str())
        }
        EventKind::SilenceExpired { who, silence_id } => format!("silence {silence_id} expired by {who}"),
        EventKind::SilenceExtended { who, silence_id, .. } => {
            format!("silence {silence_id} extended by {who}")
        }
        EventKind::CommsUpdate { who, channel, text } => {
            format!("update on {channel} by {who}: {}", text.replace('\n', " "))
        }
    })
}

/// The lines for the first open incident: its notes first (newest first), then the other
/// latest entries, `MAX_LINES` at most; `(time, text, is_note)`.
pub fn lines(m: &Model) -> Vec<(String, String, bool)> {
    let Some(first) = m.clock_views().into_iter().next() else { return Vec::new() };
    let Some(inc) = m.incidents.get(first.id) else { return Vec::new() };
    let offset =
        chrono::FixedOffset::east_opt(m.utc_offset_secs).unwrap_or(chrono::FixedOffset::east_opt(0).unwrap());
    let line = |e: &crate::incident::model::TimelineEvent| {
        describe(&e.kind).map(|text| {
            let note = matches!(e.kind, EventKind::Note { .. });
            (e.at.with_timezone(&offset).format("%H:%M").to_string(), text, note)
        })
    };
    let notes = inc.timeline.iter().rev().filter(|e| matches!(e.kind, EventKind::Note { .. }));
    let others = inc.timeline.iter().rev().filter(|e| !matches!(e.kind, EventKind::Note { .. }));
    notes.chain(others).filter_map(line).take(MAX_LINES).collect()
}

/// Draws `lines(m)` from the top of `area`; returns the rows used.
pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) -> u16 {
    let mut used = 0;
    for ((time, text, note), y) in lines(m).iter().zip(area.y..area.bottom()) {
        let mut r = Row::new(buf, area, y);
        r.text(time, t.muted()).gap(1).text(text, if *note { t.text() } else { t.muted() });
        used += 1;
    }
    used
}
