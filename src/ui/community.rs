//! Community metrics: value, unit, sparkline, change against a week ago.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

use super::frame::{pane, placeholder};
use super::text::{Row, compact, spark};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Community, m, t, "", |buf, inner| {
        let rows = &m.views.community;
        if rows.is_empty() {
            let msg = if m.config.community.is_empty() {
                "no metrics configured ([[community]])"
            } else {
                "no data in the answer yet"
            };
            return placeholder(buf, inner, msg, t);
        }
        let name_w = rows.iter().map(|r| r.name.chars().count() as u16).max().unwrap_or(8).clamp(8, 22);
        for (y, c) in (inner.y..inner.bottom()).zip(rows.iter().skip(m.scroll[Pane::Community.index()])) {
            let mut r = Row::new(buf, inner, y);
            r.cell(&c.name, name_w, false, t.text()).gap(1);
            r.cell(&compact(c.value), 8, true, t.text().add_modifier(ratatui::style::Modifier::BOLD)).gap(1);
            r.cell(&c.unit, 8, false, t.muted());
            let (delta, style) = match c.delta_pct {
                Some(d) if d.is_finite() && d >= 0.0 => (format!("▲{d:+.1}% wk"), t.text()),
                Some(d) if d.is_finite() => (format!("▼{d:+.1}% wk"), t.text()),
                _ => ("   – wk".to_string(), t.muted()),
            };
            r.cell(&delta, 12, true, style).gap(2);
            let sw = r.left().min(40) as usize;
            r.text(&spark(&c.sparkline, sw), t.accent());
        }
        if m.focus == Pane::Community && !m.wall && !inner.is_empty() {
            // The metric Enter opens as a chart.
            buf.set_style(Rect { height: 1, ..inner }, t.selection());
        }
    });
}
