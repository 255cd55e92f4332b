//! The header line: environment, mode badges, UTC and local time, one dot per source.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::SourceStatus;
use crate::model::{Mode, Model};

use super::text::Row;
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.is_empty() {
        return;
    }
    buf.set_style(area, t.header());
    let mut row = Row::new(buf, area, area.y);
    row.text(" opsdeck ", t.accent().patch(t.header()).add_modifier(ratatui::style::Modifier::BOLD));
    row.text(&m.config.environment, t.header().add_modifier(ratatui::style::Modifier::BOLD)).gap(1);
    let badge = match m.mode {
        Mode::Live => (" LIVE ", t.ok),
        Mode::Demo => (" DEMO ", t.warn),
        Mode::Drill => (" DRILL ", t.warn),
    };
    row.text(badge.0, t.badge(badge.1)).gap(1);
    if m.runbook.drilling() && m.mode != Mode::Drill {
        row.text(" DRILL ", t.badge(t.warn)).gap(1);
    }
    if m.wall {
        row.text(" WALL ", t.badge(t.accent)).gap(1);
    } else if m.readonly {
        row.text(" READ-ONLY ", t.badge(t.accent)).gap(1);
    }
    let (utc, local) = m.clock_text();
    row.text(&format!("{utc} UTC"), t.header().add_modifier(ratatui::style::Modifier::BOLD));
    row.text(&format!(" · {local} local "), t.header());
    for s in &m.sources {
        if row.left() < 3 {
            break;
        }
        let (dot, style) = match s.status(m.now) {
            SourceStatus::Fresh => ("●", t.ok()),
            SourceStatus::Loading => ("○", t.muted()),
            SourceStatus::Stale { .. } => ("◐", t.warn()),
            SourceStatus::Failing { .. } => ("✖", t.crit()),
        };
        row.gap(1).text(dot, style.patch(bg(t))).text(&format!(" {}", s.name), t.header());
    }
}

fn bg(t: &Theme) -> ratatui::style::Style {
    if t.color { ratatui::style::Style::new().bg(t.header) } else { ratatui::style::Style::new() }
}
