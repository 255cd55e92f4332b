//! The `:` command palette over the top of the body: what is typed, then the matching
//! commands with their keys from the live keymap.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};
use unicode_width::UnicodeWidthStr;

use crate::model::Model;
use crate::model::palette::{Palette, matches};

use super::text::Row;
use super::theme::Theme;

/// Rows of matches shown at most.
const ROWS: u16 = 12;

pub fn draw(buf: &mut Buffer, body: Rect, p: &Palette, m: &Model, t: &Theme) {
    let found = matches(m, &p.input);
    let w = body.width.min(72).max(body.width.min(30));
    let h = (found.len() as u16).clamp(1, ROWS) + 3;
    let h = h.min(body.height);
    if w < 20 || h < 4 {
        return;
    }
    let area =
        Rect { x: body.x + (body.width - w) / 2, y: body.y + 1.min(body.height - h), width: w, height: h };
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let block = Block::bordered()
        .border_style(t.border(true))
        .title(Line::styled(" Commands ", t.title(true)))
        .title_bottom(Line::styled(" ↑↓ choose · Enter run · Esc close ", t.muted()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut r = Row::new(buf, inner, inner.y);
    r.text(":", t.accent()).text(&p.input, t.text()).text("▏", t.accent());
    let list = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    if found.is_empty() {
        Row::new(buf, list, list.y).text("no matching command", t.muted());
        return;
    }
    let cmd_w =
        found.iter().map(|e| e.command.width()).max().unwrap_or(0).min(list.width as usize / 2) as u16;
    let sel = p.sel.min(found.len() - 1);
    let offset = (sel + 1).saturating_sub(list.height as usize);
    for ((i, e), y) in found.iter().enumerate().skip(offset).zip(list.y..list.bottom()) {
        let mut r = Row::new(buf, list, y);
        r.cell(&e.command, cmd_w, false, t.text()).gap(2);
        r.cell(e.key.as_deref().unwrap_or(""), 6, false, t.accent()).gap(1);
        r.text(&e.label, t.muted());
        if i == sel {
            buf.set_style(Rect { x: list.x, y, width: list.width, height: 1 }, t.selection());
        }
    }
}
