//! The frame around every pane: number and title, the data's age, and when the data is
//! stale the `STALE 2m10s` banner with the reason, with the last values dimmed.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use crate::model::{Model, Pane, PaneAge};

use super::text::{clean, put};
use super::theme::Theme;

/// Draws the pane's frame and calls `content` with the inner area. Returns nothing: a pane
/// too small for its frame draws what fits.
pub fn pane(
    buf: &mut Buffer,
    area: Rect,
    p: Pane,
    m: &Model,
    t: &Theme,
    extra: &str,
    content: impl FnOnce(&mut Buffer, Rect),
) {
    if area.width < 2 || area.height < 2 {
        return;
    }
    let focused = m.focus == p && !m.wall;
    let age = m.pane_age(p);
    let title = format!(" {} {}{} ", p.number(), p.title(), clean(extra));
    let age_label = age.label();
    let age_style = if age.is_stale() { t.stale() } else { t.muted() };
    let mut block = Block::bordered()
        .border_style(t.border(focused))
        .title(Line::from(Span::styled(title, t.title(focused))));
    if !age_label.is_empty() && area.width > 24 {
        block =
            block.title_top(Line::from(Span::styled(format!(" {age_label} "), age_style)).right_aligned());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    if let Some(w) = m.waiting(p) {
        // Nothing is known yet: no count, no all-clear, only whom the pane waits for.
        return placeholder(buf, inner, &w, t);
    }
    if age.is_stale() {
        let banner = match (&age, age.reason()) {
            (PaneAge::NoData { .. }, Some(r)) => format!("⚠ NO DATA · {r}"),
            (_, Some(r)) => format!("⚠ {age_label} · {r}"),
            _ => format!("⚠ {age_label} · no answer for over twice the poll interval"),
        };
        put(buf, inner.x, inner.y, inner.width, &banner, t.stale());
        let rest = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
        if !rest.is_empty() {
            content(buf, rest);
            buf.set_style(rest, t.dimmed());
        }
    } else {
        content(buf, inner);
    }
}

/// A one-line message in the middle of an empty pane.
pub fn placeholder(buf: &mut Buffer, area: Rect, text: &str, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let w = (text.chars().count() as u16).min(area.width);
    let x = area.x + (area.width - w) / 2;
    put(buf, x, area.y + (area.height.saturating_sub(1)) / 2, area.width, text, t.muted());
}
