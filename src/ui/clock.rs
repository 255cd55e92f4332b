//! The escalation clock pane. The incident logic comes with the incidents work; until then
//! it shows that no incident is active, and on a wall the time of day in big digits.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Model, Pane};

use super::bigdigits;
use super::frame::{pane, placeholder};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Clock, m, t, "", |buf, inner| {
        if m.wall && inner.height > bigdigits::HEIGHT {
            let (utc, _) = m.clock_text();
            let text = format!("{utc}Z");
            bigdigits::draw(buf, inner, &text, t.text().add_modifier(ratatui::style::Modifier::BOLD));
            let rest =
                Rect { y: inner.y + bigdigits::HEIGHT, height: inner.height - bigdigits::HEIGHT, ..inner };
            placeholder(buf, rest, "no active incident", t);
        } else {
            placeholder(buf, inner, "no active incident", t);
        }
    });
}
