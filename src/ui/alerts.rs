//! The alert feed: priority then newest, silenced and inhibited dimmed and counted, new
//! alerts marked, grouped by alert name when long; the detail overlay of one alert.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Clear, Widget};

use crate::derive::{AlertView, Priority};
use crate::model::feed::is_suppressed;
use crate::model::{FeedRow, Model, Pane};

use super::frame::{pane, placeholder};
use super::text::{Row, clean, put};
use super::theme::Theme;

use super::alert_columns::{Columns, columns, label_cells, visible};

fn prio_style(p: Priority, t: &Theme) -> Style {
    match p {
        Priority::P0 | Priority::P1 => t.crit(),
        Priority::P2 => t.warn(),
        Priority::P3 => t.text(),
    }
}

fn title_extra(m: &Model, cols: &Columns) -> String {
    if !m.alerts_known() {
        return match m.waiting(Pane::Alerts) {
            Some(_) => " · waiting".into(),
            None if m.config.alertmanager.is_empty() => String::new(),
            None => " · no data".into(),
        };
    }
    let c = m.feed_counts;
    let mut s = format!(" · {} firing", c.active);
    if c.silenced > 0 {
        s.push_str(&format!(" · {} silenced", c.silenced));
    }
    if c.inhibited > 0 {
        s.push_str(&format!(" · {} inhibited", c.inhibited));
    }
    let f = m.active_filter();
    if !f.is_empty() {
        s.push_str(&format!(" · /{f} ({} shown)", c.shown));
    }
    if !cols.common.is_empty() {
        s.push_str(&format!(" · all {}", cols.common.join(" ")));
    }
    s
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let rows = area.height.saturating_sub(2 + u16::from(m.pane_age(Pane::Alerts).is_stale())) as usize;
    let cols = columns(m, rows, area.width.saturating_sub(2));
    let extra = title_extra(m, &cols);
    pane(buf, area, Pane::Alerts, m, t, &extra, |buf, inner| {
        if m.feed.is_empty() {
            let msg = if m.config.alertmanager.is_empty() {
                "no alertmanager configured"
            } else if !m.active_filter().is_empty() {
                let f = crate::model::feed::Filter::parse(m.active_filter());
                let msg = match f.error() {
                    Some(e) => format!("filter: {e}"),
                    None => format!("0 of {} match the filter", m.views.alerts.len()),
                };
                return placeholder(buf, inner, &msg, t);
            } else {
                "✓ no alerts firing"
            };
            return placeholder(buf, inner, msg, t);
        }
        let h = inner.height as usize;
        let focused = m.focus == Pane::Alerts && !m.wall;
        for (n, (i, row)) in visible(m, h).enumerate() {
            let y = inner.y + n as u16;
            match row {
                FeedRow::Alert(ix) => alert_row(buf, inner, y, &m.views.alerts[*ix], m, t, &cols),
                FeedRow::Group(g) => {
                    let newest = &m.views.alerts[g.newest];
                    let mut r = Row::new(buf, inner, y);
                    let all_quiet = g.suppressed == g.count;
                    let base = if all_quiet { t.muted() } else { t.text() };
                    r.cell(" ", 2, false, base);
                    r.cell(
                        g.priority.as_str(),
                        3,
                        false,
                        if all_quiet { t.muted() } else { prio_style(g.priority, t) },
                    );
                    r.cell(&m.alert_age(newest), 6, true, t.muted()).gap(1);
                    r.text("▸ ", t.accent()).text(&g.alertname, base.add_modifier(Modifier::BOLD));
                    r.text(&format!(" ×{}", g.count), t.accent());
                    if g.suppressed > 0 {
                        r.text(&format!("  ({} silenced/inhibited)", g.suppressed), t.muted());
                    }
                }
            }
            if focused && i == m.alert_sel {
                buf.set_style(Rect { x: inner.x, y, width: inner.width, height: 1 }, t.selection());
            }
        }
    });
}

fn alert_row(buf: &mut Buffer, inner: Rect, y: u16, a: &AlertView, m: &Model, t: &Theme, c: &Columns) {
    let quiet = is_suppressed(a);
    let mut r = Row::new(buf, inner, y);
    if m.is_new(a) {
        r.cell("●", 2, false, t.new_mark());
    } else {
        r.cell(" ", 2, false, t.text());
    }
    let (base, prio) = if quiet { (t.muted(), t.muted()) } else { (t.text(), prio_style(a.priority, t)) };
    r.cell(a.priority.as_str(), 3, false, prio);
    r.cell(&m.alert_age(a), 6, true, t.muted()).gap(1);
    let tag = if a.silenced {
        "SIL"
    } else if a.inhibited {
        "INH"
    } else {
        ""
    };
    if c.tags {
        r.cell(tag, 4, false, t.muted());
    }
    let summary = a.annotations.get("summary").or_else(|| a.annotations.get("description"));
    let text_style = if quiet { t.muted() } else { t.text() };
    let cells = label_cells(a, c);
    if c.flow {
        // Too narrow for columns: one flowing line, cut only at the pane's edge.
        r.text(&a.alertname, base.add_modifier(Modifier::BOLD));
        for l in cells.iter().filter(|l| !l.is_empty()) {
            r.gap(1).text(l, t.muted());
        }
        if let Some(sil) = silence_text(m, a) {
            r.gap(1).text(&sil, t.muted());
        } else if let Some(s) = summary {
            r.gap(1).text(s, text_style);
        }
    } else {
        r.cell(&a.alertname, c.name_w, false, base.add_modifier(Modifier::BOLD)).gap(1);
        for (l, (_, w)) in cells.iter().zip(&c.labels) {
            r.cell(l, *w, false, t.muted()).gap(1);
        }
        if let Some(sil) = silence_text(m, a) {
            r.text(&sil, t.muted());
        } else if let Some(s) = summary {
            r.text(s, text_style);
        }
    }
    if quiet {
        buf.set_style(Rect { x: inner.x, y, width: inner.width, height: 1 }, t.muted());
    }
}

/// The detail of one alert over the body: every label and annotation, links, state.
pub fn detail(buf: &mut Buffer, body: Rect, a: &AlertView, m: &Model, t: &Theme) {
    let area = overlay_area(body);
    if area.width < 4 || area.height < 3 {
        return;
    }
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let block = Block::bordered()
        .border_style(t.border(true))
        .title(ratatui::text::Line::styled(
            format!(" {} · {} ", a.priority.as_str(), clean(&a.alertname)),
            t.title(true),
        ))
        .title_bottom(ratatui::text::Line::styled(" Esc back · ↑↓ scroll ", t.muted()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines: Vec<(String, String)> = Vec::with_capacity(a.labels.len() + a.annotations.len() + 8);
    let state = if a.silenced {
        "silenced"
    } else if a.inhibited {
        "inhibited"
    } else {
        "active"
    };
    lines.push(("state".into(), state.into()));
    lines.push((
        "since".into(),
        format!("{} ({} ago)", a.starts_at.format("%Y-%m-%d %H:%M:%SZ"), m.alert_age(a)),
    ));
    lines.push(("from".into(), a.sources.join(", ")));
    lines.push(("fingerprint".into(), a.fingerprint.clone()));
    lines.push(("".into(), "labels".into()));
    lines.extend(a.labels.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    lines.push(("".into(), "annotations".into()));
    lines.extend(a.annotations.iter().map(|(k, v)| (k.to_string(), v.replace('\n', " "))));
    if let Some(u) = &a.generator_url {
        lines.push(("source".into(), u.clone()));
    }
    let key_w = lines.iter().map(|(k, _)| k.chars().count() as u16).max().unwrap_or(0).min(inner.width / 3);
    for ((k, v), y) in lines.iter().skip(m.detail_scroll).zip(inner.y..inner.bottom()) {
        if k.is_empty() {
            put(buf, inner.x, y, inner.width, v, t.accent());
            continue;
        }
        let mut r = Row::new(buf, inner, y);
        r.cell(k, key_w, false, t.muted()).gap(1).text(v, t.text());
    }
}

/// The centred area of an overlay: most of the body.
pub fn overlay_area(body: Rect) -> Rect {
    let w = if body.width > 60 { body.width * 4 / 5 } else { body.width };
    let h = if body.height > 12 { body.height * 4 / 5 } else { body.height };
    Rect { x: body.x + (body.width - w) / 2, y: body.y + (body.height - h) / 2, width: w, height: h }
}

/// A silenced alert says until when, by whom and why, instead of its summary.
fn silence_text(m: &Model, a: &AlertView) -> Option<String> {
    a.silenced
        .then(|| crate::model::silences::silencing(m, a))
        .flatten()
        .map(|sil| crate::model::silences::sil_text(m, sil))
}
