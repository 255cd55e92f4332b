//! The header line: environment, mode badges, UTC and local time, the incident strip
//! (`strip`), and one dot per source, or the count of sources not fresh when the dots do
//! not fit. What does not fit is dropped whole (local time, environment), never cut.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use unicode_width::UnicodeWidthStr;

use crate::domain::SourceStatus;
use crate::model::{Mode, Model};

use super::text::Row;
use super::theme::Theme;

fn badges(m: &Model, t: &Theme) -> Vec<(&'static str, Style)> {
    let mut v = vec![match m.mode {
        Mode::Live => (" LIVE ", t.badge(t.ok)),
        Mode::Demo => (" DEMO ", t.badge(t.warn)),
        Mode::Drill => (" DRILL ", t.badge(t.warn)),
    }];
    if m.runbook.drilling() && m.mode != Mode::Drill {
        v.push((" DRILL ", t.badge(t.warn)));
    }
    if m.wall {
        v.push((" WALL ", t.badge(t.accent)));
    } else if m.readonly {
        v.push((" READ-ONLY ", t.badge(t.accent)));
    }
    v
}

/// `✖ 1/5 sources failing`, `◐ 2/5 stale`, `● 5 sources`: the dots as a count.
fn source_count(m: &Model, t: &Theme) -> (String, Style) {
    let n = m.sources.len();
    let failing =
        m.sources.iter().filter(|s| matches!(s.status(m.now), SourceStatus::Failing { .. })).count();
    let stale = m.sources.iter().filter(|s| matches!(s.status(m.now), SourceStatus::Stale { .. })).count();
    let loading = m.sources.iter().filter(|s| matches!(s.status(m.now), SourceStatus::Loading)).count();
    if n == 0 {
        (String::new(), t.muted())
    } else if failing > 0 {
        (format!("✖ {failing}/{n} failing"), t.crit())
    } else if stale > 0 {
        (format!("◐ {stale}/{n} stale"), t.warn())
    } else if loading > 0 {
        (format!("○ {loading}/{n} waiting"), t.muted())
    } else {
        (format!("● {n} sources"), t.ok())
    }
}

fn dot(s: SourceStatus, t: &Theme) -> (&'static str, Style) {
    match s {
        SourceStatus::Fresh => ("●", t.ok()),
        SourceStatus::Loading => ("○", t.muted()),
        SourceStatus::Stale { .. } => ("◐", t.warn()),
        SourceStatus::Failing { .. } => ("✖", t.crit()),
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.is_empty() {
        return;
    }
    buf.set_style(area, t.header());
    let bold = t.header().add_modifier(Modifier::BOLD);
    let (utc, local) = m.clock_text();
    let utc = format!("{utc} UTC");
    let local = format!(" · {local} local");
    let env = m.config.environment.clone();
    let badges = badges(m, t);
    let badges_w: usize = badges.iter().map(|(b, _)| b.width() + 1).sum();
    let (strip_long, strip_short) = super::strip::texts(m);
    let dots_w: usize = m.sources.iter().map(|s| 3 + s.name.width()).sum();
    let (count, count_style) = source_count(m, t);
    let width = area.width as usize;
    // Choose the richest header that fits: sources as dots or a count, local time, the
    // environment's name, the long strip.
    let base = 9 + badges_w + utc.width() + 2;
    let mut show_env = true;
    let mut show_local = true;
    let mut long = true;
    let mut dots = true;
    let need = |env: bool, local_: bool, long: bool, dots: bool| {
        base + if env { m.config.environment.width() + 1 } else { 0 }
            + if local_ { local.width() } else { 0 }
            + if long { strip_long.width() } else { strip_short.width() }
            + 2
            + if dots { dots_w } else { count.width() + 1 }
    };
    for step in 0..4 {
        if need(show_env, show_local, long, dots) <= width {
            break;
        }
        match step {
            0 => dots = false,
            1 => show_local = false,
            2 => show_env = false,
            _ => long = false,
        }
    }
    let mut row = Row::new(buf, area, area.y);
    row.text(" opsdeck ", t.accent().patch(t.header()).add_modifier(Modifier::BOLD));
    if show_env {
        row.text(&env, bold).gap(1);
    }
    for (b, s) in badges {
        row.text(b, s).gap(1);
    }
    row.text(&utc, bold);
    if show_local {
        row.text(&local, t.header());
    }
    row.gap(2);
    let strip = if long { &strip_long } else { &strip_short };
    let strip_style = if m.clock_views().is_empty() {
        t.header()
    } else {
        t.crit().patch(bg(t)).add_modifier(Modifier::BOLD)
    };
    row.text(strip, strip_style).gap(2);
    if dots {
        for s in &m.sources {
            let (d, style) = dot(s.status(m.now), t);
            row.text(d, style.patch(bg(t))).text(&format!(" {}", s.name), t.header()).gap(1);
        }
    } else {
        let x = area.right().saturating_sub(count.width() as u16 + 1);
        let mut r = Row::new(buf, Rect { x, width: area.right() - x, ..area }, area.y);
        r.text(&count, count_style.patch(bg(t)));
    }
}

fn bg(t: &Theme) -> Style {
    if t.color { Style::new().bg(t.header) } else { Style::new() }
}
