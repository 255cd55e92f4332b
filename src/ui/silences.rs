//! The silences view (`S`) over the body: one block per silence, active then pending, with
//! its matchers, author, comment, time left, cluster and the alerts it silences.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

use crate::model::Model;

use super::alerts::overlay_area;
use super::text::Row;
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, body: Rect, m: &Model, t: &Theme) {
    let area = overlay_area(body);
    if area.width < 10 || area.height < 4 {
        return;
    }
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let v = &m.silences;
    let title = format!(" Silences · {} active or pending ", v.rows.len());
    let block = Block::bordered()
        .border_style(t.border(true))
        .title(ratatui::text::Line::styled(title, t.title(true)))
        .title_bottom(ratatui::text::Line::styled(" ↑↓ select · r refresh · Esc close ", t.muted()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut y = inner.y;
    let line = |buf: &mut Buffer, y: &mut u16, parts: &[(&str, ratatui::style::Style)]| {
        if *y >= inner.bottom() {
            return;
        }
        let mut r = Row::new(buf, inner, *y);
        for (text, style) in parts {
            r.text(text, *style);
        }
        *y += 1;
    };
    for e in &v.errors {
        line(buf, &mut y, &[("! ", t.crit()), (e, t.warn())]);
    }
    if v.rows.is_empty() {
        let msg = match v.fetched_at {
            None if m.config.alertmanager.is_empty() => "no alertmanager configured",
            None => "loading…",
            Some(_) => "no active or pending silences",
        };
        line(buf, &mut y, &[(msg, t.muted())]);
        return;
    }
    for (i, s) in v.rows.iter().enumerate() {
        let sel = i == v.sel;
        let mark = if sel { "▸ " } else { "  " };
        let state = if s.state == "pending" { "PENDING" } else { "ACTIVE " };
        let short: String = s.id.chars().take(8).collect();
        let ends = if s.state == "pending" {
            format!("starts {}", s.starts_at.format("%H:%M"))
        } else {
            format!("ends in {}", ends_in(s.ends_at, m.now))
        };
        let head_style = if sel { t.selection() } else { t.text() };
        line(
            buf,
            &mut y,
            &[
                (mark, t.accent()),
                (state, if s.state == "pending" { t.warn() } else { t.ok() }),
                (" ", head_style),
                (&short, t.muted()),
                ("  ", head_style),
                (&s.matchers_text, head_style),
            ],
        );
        let who = format!("    by {} · {} · {}: ", s.created_by, ends, s.cluster);
        line(buf, &mut y, &[(&who, t.muted()), (&s.comment, t.text())]);
        let alerts = if s.alerts.is_empty() {
            "    silences no firing alert".to_string()
        } else {
            let names: Vec<&str> = s.alerts.iter().map(|a| a.alertname.as_str()).collect();
            format!("    silences {}: {}", s.alerts.len(), names.join(", "))
        };
        line(buf, &mut y, &[(&alerts, t.muted())]);
    }
}

/// Minutes and up (`1h12m`, `14m`); `<1m` in the last minute: no redraw every second.
fn ends_in(end: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    match (end - now).to_std() {
        Ok(d) if d.as_secs() >= 60 => {
            crate::util::duration::format_compact(std::time::Duration::from_secs(d.as_secs() / 60 * 60))
        }
        Ok(d) if !d.is_zero() => "<1m".into(),
        _ => "0m".into(),
    }
}
