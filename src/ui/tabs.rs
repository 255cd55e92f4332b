//! The tab bar on small screens: one tab per pane, number and short name, with a mark when
//! the pane's data is stale or needs attention.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

use super::text::Row;
use super::theme::Theme;

fn label(p: Pane, m: &Model) -> String {
    let mark = if m.pane_age(p).is_stale() { "!" } else { " " };
    format!(" {}{}{}", p.number(), p.short(), mark)
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
pub fn tab_at(area: Rect, x: u16) -> Option<Pane> {
    let mut left = area.x;
    for p in Pane::ALL {
        let w = format!(" {}{} ", p.number(), p.short()).chars().count() as u16;
        if x >= left && x < left + w {
            return Some(p);
        }
        left += w;
    }
    None
}
