//! The footer: the keys that work in the focused pane, generated from the live keymap.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::model::{Action, Model};

use super::text::Row;
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let mut row = Row::new(buf, area, area.y);
    if let Some(text) = &m.filter_edit {
        row.text(" filter: ", t.accent()).text(text, t.text()).text("▏", t.accent());
        row.text("  Enter apply · Esc cancel · label=value or text", t.muted());
        return;
    }
    if let Some(e) = &m.incident_store_error {
        let text = format!(" ✖ incidents not saved: {}", crate::util::text::sanitize(e));
        row.text(&text, t.crit()).text("  ", t.muted());
    }
    if let Some(n) = crate::model::screen_keys::notice(m) {
        row.text(" ", t.muted()).text(n, t.accent()).text("  ", t.muted());
    }
    if m.chart.is_some() {
        let f = m.keymap.keys(Action::Jump(1)).next();
        let l = m.keymap.keys(Action::Jump(4)).next();
        if let (Some(f), Some(l)) = (f, l) {
            pair(&mut row, &format!(" {f}-{l}"), " range 1h 6h 24h 7d ", t);
        }
        hint(&mut row, m, Action::Back, t);
        hint(&mut row, m, Action::Quit, t);
        return;
    }
    if let Some(s) = crate::model::incident_actions::current_status(m) {
        let style = if s.error { t.crit() } else { t.ok() };
        row.text(" ", t.muted()).text(&s.text, style).text("  ", t.muted());
    }
    if m.wall {
        hint(&mut row, m, Action::Quit, t);
        return;
    }
    let mut jump_shown = false;
    for a in Action::all() {
        if row.left() < 4 {
            break;
        }
        if !a.applies_to(m.focus)
            || matches!(
                a,
                Action::FocusPrev | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
            )
        {
            continue;
        }
        if a == Action::Up {
            let keys = (m.keymap.keys(Action::Up).next(), m.keymap.keys(Action::Down).next());
            if let (Some(u), Some(d)) = keys {
                pair(&mut row, &format!(" {u}{d}"), " move ", t);
            }
            continue;
        }
        if a == Action::Down {
            continue;
        }
        if let Action::Jump(_) = a {
            if !jump_shown {
                jump_shown = true;
                let first = m.keymap.keys(Action::Jump(1)).next();
                let last = m.keymap.keys(Action::Jump(7)).next();
                if let (Some(f), Some(l)) = (first, last) {
                    pair(&mut row, &format!(" {f}-{l}"), " pane ", t);
                }
            }
            continue;
        }
        hint(&mut row, m, a, t);
    }
    // The runbook pane takes no room without a run: the footer says so when it has room.
    if m.runbook.run.is_none() && m.runbook.busy.is_none() && row.left() > 16 {
        row.text("  no active run", t.muted());
    }
}

fn hint(row: &mut Row<'_>, m: &Model, a: Action, t: &Theme) {
    if let Some(k) = m.keymap.keys(a).next() {
        pair(row, &format!(" {k}"), &format!(" {} ", a.label()), t);
    }
}

/// A key and its label, only when both fit whole.
fn pair(row: &mut Row<'_>, key: &str, label: &str, t: &Theme) {
    use unicode_width::UnicodeWidthStr;
    if (key.width() + label.width()) as u16 <= row.left() {
        row.text(key, t.accent()).text(label, t.muted());
    }
}
