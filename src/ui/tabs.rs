//! The tab bar on small screens: one tab per pane, number and short name, with a mark when
//! the pane's data is stale, and counts where something needs attention: the alert tab the
//! firing P0/P1 alerts (`4Alerts 3!`), the clock tab the open incidents, `▲` while any is
//! unacknowledged (`5Clock 1▲`).
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

use super::text::Row;
use super::theme::Theme;

fn label(p: Pane, m: &Model) -> String {
    let mark = if m.pane_age(p).is_stale() { "!" } else { " " };
    format!(" {}{}{}{}", p.number(), p.short(), count(p, m), mark)
}

/// ` 3!` (urgent alerts), ` 2▲` / ` 2` (open incidents, unacknowledged or not); else empty.
fn count(p: Pane, m: &Model) -> String {
    match p {
        Pane::Alerts => {
            let urgent = m.views.alerts.iter().filter(|a| crate::incident::model::opens_incident(a)).count();
            if urgent > 0 { format!(" {urgent}!") } else { String::new() }
        }
        Pane::Clock => {
            let open: Vec<_> = m.incidents.open().collect();
            let unacked = open.iter().any(|i| i.acknowledged.is_none());
            match (open.len(), unacked) {
                (0, _) => String::new(),
                (n, true) => format!(" {n}▲"),
                (n, false) => format!(" {n}"),
            }
        }
        _ => String::new(),
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let mut row = Row::new(buf, area, area.y);
    for p in Pane::ALL {
        if row.left() == 0 {
            break;
        }
        let style = if p == m.focus {
            t.selection().patch(t.title(true))
        } else if m.pane_age(p).is_stale() {
            t.stale()
        } else {
            t.text()
        };
        row.text(&label(p, m), style);
    }
}

/// Which tab is at column `x` (tabs are laid out as `draw` does).
pub fn tab_at(area: Rect, x: u16, m: &Model) -> Option<Pane> {
    let mut left = area.x;
    for p in Pane::ALL {
        let w = unicode_width::UnicodeWidthStr::width(label(p, m).as_str()) as u16;
        if x >= left && x < left + w {
            return Some(p);
        }
        left += w;
    }
    None
}
