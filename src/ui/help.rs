//! The help overlay: the live keymap, one line per action.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

use crate::model::{Action, Model};

use super::alerts::overlay_area;
use super::text::Row;
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, body: Rect, m: &Model, t: &Theme) {
    let area = overlay_area(body);
    if area.width < 4 || area.height < 3 {
        return;
    }
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let block = Block::bordered()
        .border_style(t.border(true))
        .title(ratatui::text::Line::styled(
            format!(" Keys (live keymap) · theme {} ", m.theme_name()),
            t.title(true),
        ))
        .title_bottom(ratatui::text::Line::styled(" any key closes ", t.muted()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut y = inner.y;
    let cols = if inner.width >= 56 { 2 } else { 1 };
    let col_w = inner.width / cols;
    let mut col = 0;
    for a in Action::all() {
        let keys: Vec<String> = match a {
            // The seven jumps read as one line: `1-7`.
            Action::Jump(1) => vec![format!(
                "{}-{}",
                m.keymap.keys(Action::Jump(1)).next().map(|k| k.to_string()).unwrap_or_default(),
                m.keymap.keys(Action::Jump(7)).next().map(|k| k.to_string()).unwrap_or_default()
            )],
            Action::Jump(_) => continue,
            _ => m.keymap.keys(a).map(|k| k.to_string()).collect(),
        };
        if keys.is_empty() {
            continue;
        }
        if y >= inner.bottom() {
            break;
        }
        let area = Rect { x: inner.x + col * col_w, y, width: col_w, height: 1 };
        let mut r = Row::new(buf, area, y);
        r.cell(&keys.join(", "), 12.min(col_w), false, t.accent()).gap(1);
        let label = match a {
            Action::Jump(_) => "jump to pane n".to_string(),
            _ => a.label().to_string(),
        };
        r.text(&label, t.text());
        col += 1;
        if col == cols {
            col = 0;
            y += 1;
        }
    }
}
