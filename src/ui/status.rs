//! Status pages: one block per page: indicator by symbol and word, components not
//! operational, unresolved incidents with impact and latest update, maintenance.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::domain::Indicator;
use crate::model::freshness::coarse_age;
use crate::model::{Model, Pane};

use super::frame::{pane, placeholder};
use super::text::Row;
use super::theme::Theme;

fn indicator(i: Indicator, t: &Theme) -> (&'static str, Style) {
    match i {
        Indicator::None => ("✓ none", t.ok()),
        Indicator::Minor => ("▲ minor", t.warn()),
        Indicator::Major => ("✖ major", t.crit()),
        Indicator::Critical => ("✖ critical", t.crit()),
        Indicator::Maintenance => ("◆ maint", t.accent()),
        Indicator::Unknown => ("? unknown", t.muted()),
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Status, m, t, "", |buf, inner| {
        if m.views.status.is_empty() {
            let msg = if m.config.statuspage.is_empty() {
                "no status pages configured"
            } else {
                "no data in the answer yet"
            };
            return placeholder(buf, inner, msg, t);
        }
        let mut lines = 0usize;
        let skip = m.scroll[Pane::Status.index()];
        let mut y = inner.y;
        let mut emit = |buf: &mut Buffer, f: &dyn Fn(&mut Row<'_>)| {
            if lines >= skip && y < inner.bottom() {
                f(&mut Row::new(buf, inner, y));
                y += 1;
            }
            lines += 1;
        };
        for s in &m.views.status {
            let (word, style) = indicator(s.indicator, t);
            emit(buf, &|r| {
                r.cell(word, 11, false, style)
                    .gap(1)
                    .cell(&s.name, 16, false, t.text().add_modifier(ratatui::style::Modifier::BOLD))
                    .gap(1);
                r.text(&s.description, t.muted());
            });
            for c in &s.components_not_operational {
                emit(buf, &|r| {
                    r.gap(2)
                        .text("· ", t.muted())
                        .text(&c.name, t.text())
                        .text(&format!(" {}", c.status.replace('_', " ")), t.warn());
                });
            }
            for i in s.incidents.iter().chain(&s.maintenances) {
                let age = i
                    .updated_at
                    .map(|u| coarse_age((m.now - u).to_std().unwrap_or_default()))
                    .unwrap_or_default();
                emit(buf, &|r| {
                    r.gap(2)
                        .text("! ", t.warn())
                        .text(&format!("[{}] ", i.impact), t.warn())
                        .text(&i.name, t.text());
                    r.text(&format!(" · {} · {}", i.status, age), t.muted());
                    if let Some(u) = &i.latest_update {
                        r.text(&format!(" · {}", u.replace('\n', " ")), t.muted());
                    }
                });
            }
        }
    });
}
