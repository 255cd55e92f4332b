//! System health: one row per service, worst first, state by symbol, word and colour.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

use super::frame::{pane, placeholder};
use super::text::{Row, num, spark, state_text};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Health, m, t, "", |buf, inner| {
        let rows = &m.views.health;
        if rows.is_empty() {
            let msg = if m.config.health.is_empty() {
                "no services configured ([[health]])"
            } else {
                "waiting for data…"
            };
            return placeholder(buf, inner, msg, t);
        }
        let w = inner.width;
        // Columns, dropped right to left as the pane narrows.
        let show_sat = w >= 70;
        let show_burn = w >= 60;
        let show_err = w >= 50;
        let show_p99 = w >= 40;
        let name_w = rows.iter().map(|r| r.service.chars().count() as u16).max().unwrap_or(8).clamp(8, 24);
        let mut y = inner.y;
        {
            let mut r = Row::new(buf, inner, y);
            r.cell("STATE", 7, false, t.muted()).gap(1).cell("SERVICE", name_w, false, t.muted()).gap(1);
            r.cell("AVAIL%", 8, true, t.muted());
            if show_p99 {
                r.cell("P99ms", 7, true, t.muted());
            }
            if show_err {
                r.cell("ERR%", 6, true, t.muted());
            }
            if show_sat {
                r.cell("SAT%", 6, true, t.muted());
            }
            if show_burn {
                r.cell("BURN", 6, true, t.muted());
            }
            r.gap(1).text("TREND", t.muted());
        }
        y += 1;
        for h in rows.iter().skip(m.scroll[Pane::Health.index()]) {
            if y >= inner.bottom() {
                break;
            }
            let (word, style) = state_text(h.state, t);
            let mut r = Row::new(buf, inner, y);
            r.cell(word, 7, false, style).gap(1).cell(&h.service, name_w, false, t.text()).gap(1);
            r.cell(&num(h.availability, 2), 8, true, t.text());
            if show_p99 {
                r.cell(&num(h.latency_p99_ms, 0), 7, true, t.text());
            }
            if show_err {
                r.cell(&num(h.error_rate_pct, 2), 6, true, t.text());
            }
            if show_sat {
                r.cell(&num(h.saturation_pct, 0), 6, true, t.text());
            }
            if show_burn {
                r.cell(&num(h.burn_rate, 1), 6, true, t.text());
            }
            r.gap(1);
            let sw = r.left().min(30) as usize;
            r.text(&spark(&h.sparkline, sw), style);
            if !h.reasons.is_empty() && r.left() > 4 {
                r.gap(1).text(&h.reasons.join("; "), t.muted());
            }
            y += 1;
        }
    });
}
