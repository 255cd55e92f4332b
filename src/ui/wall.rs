//! The wall's headline band, for reading across a room: the worst state, how many P0 and
//! P1 alerts fire, the open incidents with the first one's elapsed time in big digits, its
//! tier and the countdown to the next (and who acknowledged it, when someone did); and the
//! page indicator of a rotating wall.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::derive::{HealthState, Priority};
use crate::model::feed::is_suppressed;
use crate::model::{Model, Pane};

use super::bigdigits::{BIG_ROWS, big_digits_scaled, big_width};
use super::text::Row;
use super::theme::Theme;

/// The worst of the health rows and the firing alerts (P0/P1 is CRIT, P2 WARN); None
/// until something answered.
pub fn worst(m: &Model) -> Option<HealthState> {
    let health = m.views.health.iter().map(|r| r.state).filter(|s| *s != HealthState::Unknown).min();
    let alerts = m
        .views
        .alerts
        .iter()
        .filter(|a| !is_suppressed(a))
        .map(|a| match a.priority {
            Priority::P0 | Priority::P1 => HealthState::Crit,
            Priority::P2 => HealthState::Warn,
            Priority::P3 => HealthState::Ok,
        })
        .min();
    match (health, alerts, m.alerts_known() || !m.views.health.is_empty()) {
        (_, _, false) => None,
        (h, a, true) => Some(h.into_iter().chain(a).min().unwrap_or(HealthState::Ok)),
    }
}

/// Firing (not silenced or inhibited) alerts of priority `p`.
pub fn firing(m: &Model, p: Priority) -> usize {
    m.views.alerts.iter().filter(|a| a.priority == p && !is_suppressed(a)).count()
}

fn state_style(s: Option<HealthState>, t: &Theme) -> Style {
    match s {
        Some(HealthState::Crit) => t.crit(),
        Some(HealthState::Warn) => t.warn(),
        Some(HealthState::Ok) => t.ok(),
        _ => t.muted(),
    }
    .add_modifier(Modifier::BOLD)
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let w = worst(m);
    let word = match w {
        Some(HealthState::Crit) => "✖ CRIT".to_string(),
        Some(HealthState::Warn) => "▲ WARN".to_string(),
        Some(HealthState::Ok) => "✓ ALL OK".to_string(),
        _ => m.waiting(Pane::Alerts).unwrap_or_else(|| "? no data".into()),
    };
    let counts = if m.alerts_known() {
        format!("P0 firing {}   P1 firing {}", firing(m, Priority::P0), firing(m, Priority::P1))
    } else {
        "P0 –   P1 –".to_string()
    };
    let views = m.clock_views();
    let (incident, holder) = match views.first() {
        Some(v) => {
            let more = if views.len() > 1 { format!("  ({} open)", views.len()) } else { String::new() };
            (format!("{} {}  {}{more}", v.label, v.severity.as_str(), v.title), super::strip::holder(v))
        }
        None => ("no active incident".to_string(), String::new()),
    };
    // The first incident's elapsed time; without one, the time of day (UTC).
    let elapsed = views.first().map(|v| v.elapsed.clone()).or_else(|| Some(format!("{}Z", m.clock_text().0)));
    let clock_style = views.first().map(|v| match v.deadline_state {
        crate::incident::DeadlineState::Red => t.crit(),
        crate::incident::DeadlineState::Amber => t.warn(),
        crate::incident::DeadlineState::Normal => t.text(),
    });
    // Big digits at the right when the band has the rows; scaled up on tall walls.
    let scale = if area.height >= (BIG_ROWS * 2) as u16 + 2 { 2 } else { 1 };
    let big = elapsed.as_ref().filter(|_| area.height >= BIG_ROWS as u16 + 2).map(|e| (e, scale));
    let big_w = big.map(|(e, s)| (big_width(e) * s) as u16 + 2).unwrap_or(0);
    let big_w = if big_w + 30 <= area.width { big_w } else { 0 };
    let text = Rect { width: area.width - big_w, ..area };
    let lines: Vec<(String, Style)> = vec![
        (word, state_style(w, t)),
        (counts, t.text().add_modifier(Modifier::BOLD)),
        (incident, if views.is_empty() { t.muted() } else { t.accent().add_modifier(Modifier::BOLD) }),
        (holder, t.text()),
    ];
    // Spread the lines over the band: one blank row between them when there is room.
    let gap = if text.height as usize > lines.len() * 2 { 1 } else { 0 };
    let mut y = text.y + u16::from(gap > 0 && text.height > lines.len() as u16 * 2);
    for (s, style) in &lines {
        if y >= text.bottom() || s.is_empty() {
            continue;
        }
        Row::new(buf, Rect { x: text.x + 1, width: text.width.saturating_sub(1), ..text }, y).text(s, *style);
        y += 1 + gap;
    }
    if let (Some((e, s)), true) = (big, big_w > 0) {
        let x = area.right() - big_w + 1;
        let rows = big_digits_scaled(e, s);
        let top = area.y + (area.height.saturating_sub(rows.len() as u16)) / 2;
        for (i, row) in rows.iter().enumerate() {
            let yy = top + i as u16;
            if yy < area.bottom() {
                buf.set_string(x, yy, row, clock_style.unwrap_or(t.muted()).add_modifier(Modifier::BOLD));
            }
        }
    }
}

/// `page 1/2 · Health Alerts`: which set a rotating wall shows.
pub fn page_text(page: (usize, usize), panes: &[Pane]) -> String {
    let names: Vec<&str> = panes.iter().map(|p| p.short()).collect();
    let dots: String = (0..page.1).map(|i| if i == page.0 { '●' } else { '○' }).collect();
    format!("{dots} page {}/{} · {}", page.0 + 1, page.1, names.join(" "))
}
