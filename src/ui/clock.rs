//! The escalation clock pane: the open incidents from the shared book, drawn by the
//! incident module's clock widget (the most severe large, the others listed). With no
//! incident it says so; on a wall it then shows the time of day in big digits.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::Widget;

use super::clock_widget::{BigDigits, ClockPane, ClockStyles};
use crate::model::{Model, Pane};

use super::bigdigits;
use super::frame::{pane, placeholder};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let views = m.clock_views();
    let extra = if views.len() > 1 { format!(" · {} open", views.len()) } else { String::new() };
    pane(buf, area, Pane::Clock, m, t, &extra, |buf, inner| {
        if !views.is_empty() {
            let styles = ClockStyles {
                normal: t.text().add_modifier(Modifier::BOLD),
                muted: t.muted(),
                accent: t.accent(),
                amber: t.warn(),
                red: t.crit(),
                ok: t.ok(),
            };
            let big = if m.wall { BigDigits::Wall } else { BigDigits::Auto };
            // Notes and the latest timeline entries under the clock, when it keeps its details.
            let notes = super::clock_notes::lines(m).len() as u16;
            let keep = if inner.height >= 6 + notes { notes } else { 0 };
            let top = Rect { height: inner.height - keep, ..inner };
            ClockPane { views: &views, styles, big }.render(top, buf);
            super::clock_notes::draw(buf, Rect { y: top.bottom(), height: keep, ..inner }, m, t);
        } else if m.wall && inner.height > bigdigits::HEIGHT {
            let (utc, _) = m.clock_text();
            bigdigits::draw(buf, inner, &format!("{utc}Z"), t.text().add_modifier(Modifier::BOLD));
            let rest =
                Rect { y: inner.y + bigdigits::HEIGHT, height: inner.height - bigdigits::HEIGHT, ..inner };
            placeholder(buf, rest, "no active incident", t);
        } else {
            placeholder(buf, inner, "no active incident", t);
        }
    });
}

/// Rows the clock pane needs beyond its usual height: one line per other open incident and
/// their heading (at most 8), so that every open incident is listed.
pub fn extra_rows(m: &Model) -> u16 {
    match m.incidents.open().count() {
        0 | 1 => 0,
        n => (n as u16).min(8),
    }
}
