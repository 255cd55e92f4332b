//! System health: one row per service, worst first. Every figure carries its own state
//! (symbol and colour: `✖87.53` reads without colour), the targets stand in the header
//! (`P99<200ms`) or, when the services' targets differ, beside each value (`664/1000`),
//! the TREND column names the figure it draws, and a row whose source is stale or failing
//! says so on the row.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use crate::derive::{HealthMetric, HealthRow, HealthState, HealthTargets};
use crate::domain::SourceStatus;
use crate::model::{Model, Pane};
use crate::util::duration::format_age;

use super::frame::{pane, placeholder};
use super::text::{Row, num, spark_in, state_text};
use super::theme::Theme;

/// A cell's mark: nothing when OK, so the breaching figures stand out.
fn mark(s: Option<HealthState>) -> &'static str {
    match s {
        Some(HealthState::Crit) => "✖",
        Some(HealthState::Warn) => "▲",
        Some(HealthState::Unknown) => "?",
        _ => " ",
    }
}

fn style_of(s: Option<HealthState>, t: &Theme) -> Style {
    match s {
        Some(HealthState::Crit) => t.crit(),
        Some(HealthState::Warn) => t.warn(),
        Some(HealthState::Unknown) => t.muted(),
        _ => t.text(),
    }
}

fn value(r: &HealthRow, m: HealthMetric) -> Option<f64> {
    match m {
        HealthMetric::Availability => r.availability,
        HealthMetric::Latency => r.latency_p99_ms,
        HealthMetric::ErrorRate => r.error_rate_pct,
        HealthMetric::Saturation => r.saturation_pct,
        HealthMetric::Burn => r.burn_rate,
    }
}

fn dp(m: HealthMetric) -> usize {
    match m {
        HealthMetric::Availability | HealthMetric::ErrorRate => 2,
        HealthMetric::Burn => 1,
        _ => 0,
    }
}

/// The target a figure is read against, as the header or a cell shows it.
fn target(m: HealthMetric, t: &HealthTargets) -> String {
    let n = |v: f64| {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    match m {
        HealthMetric::Availability => n(t.slo),
        HealthMetric::Latency => n(t.latency_ms),
        HealthMetric::ErrorRate => n(t.error_warn),
        HealthMetric::Saturation => n(t.saturation_warn),
        HealthMetric::Burn => n(t.burn_warn),
    }
}

fn header(m: HealthMetric, t: Option<&HealthTargets>) -> String {
    match (m, t) {
        (HealthMetric::Availability, Some(t)) => format!("AVAIL≥{}%", target(m, t)),
        (HealthMetric::Latency, Some(t)) => format!("P99<{}ms", target(m, t)),
        (HealthMetric::ErrorRate, Some(t)) => format!("ERR<{}%", target(m, t)),
        (HealthMetric::Saturation, Some(t)) => format!("SAT<{}%", target(m, t)),
        (HealthMetric::Burn, Some(t)) => format!("BURN<{}", target(m, t)),
        (HealthMetric::Availability, None) => "AVAIL%/SLO".into(),
        (HealthMetric::Latency, None) => "P99ms/tgt".into(),
        (HealthMetric::ErrorRate, None) => "ERR%/warn".into(),
        (HealthMetric::Saturation, None) => "SAT%/warn".into(),
        (HealthMetric::Burn, None) => "BURN".into(),
    }
}

/// A figure's cell: mark and value, and its own target when the rows' targets differ.
fn cell_text(r: &HealthRow, m: HealthMetric, shared: bool) -> String {
    let v = num(value(r, m), dp(m));
    if shared || r.cells[m.index()].is_none() {
        format!("{}{v}", mark(r.cells[m.index()]))
    } else {
        format!("{}{v}/{}", mark(r.cells[m.index()]), target(m, &r.targets))
    }
}

/// What a row says about its source when that is not fresh: `◐ STALE 2m10s` (stale),
/// `✖ STALE 2m10s` (failing).
fn source_note(r: &HealthRow, m: &Model) -> Option<String> {
    let name = r.source.as_deref()?;
    let s = m.sources.iter().find(|s| s.name == name)?;
    match s.status(m.now) {
        SourceStatus::Stale { since } => {
            Some(format!("◐ STALE {}", format_age((m.now - since).to_std().unwrap_or_default())))
        }
        // The reason stands in the pane's banner; the row says how old its figures are.
        SourceStatus::Failing { .. } => Some(match s.freshness.last_ok {
            Some(t) => format!("✖ STALE {}", format_age((m.now - t).to_std().unwrap_or_default())),
            None => "✖ NO DATA".to_string(),
        }),
        _ => None,
    }
}

/// Whether every row shares the target of `metric`.
fn shared(rows: &[HealthRow], metric: HealthMetric) -> bool {
    let first = rows.first().map(|r| target(metric, &r.targets));
    rows.iter().all(|r| Some(target(metric, &r.targets)) == first)
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    pane(buf, area, Pane::Health, m, t, "", |buf, inner| {
        let rows = &m.views.health;
        if rows.is_empty() {
            let msg = if m.config.health.is_empty() {
                "no services configured ([[health]])"
            } else {
                "no data in the answer yet"
            };
            return placeholder(buf, inner, msg, t);
        }
        let w = inner.width;
        let name_w = rows.iter().map(|r| r.service.width() as u16).max().unwrap_or(7).max(7).min(w / 4);
        // Columns in order; each as wide as its header or widest cell; dropped right to
        // left (saturation, burn, errors, latency) while the trend would get under 12.
        let mut metrics: Vec<(HealthMetric, bool, u16)> = HealthMetric::ALL
            .into_iter()
            .filter(|&mm| rows.iter().any(|r| r.cells[mm.index()].is_some()))
            .map(|mm| {
                let sh = shared(rows, mm);
                let head = header(mm, sh.then(|| &rows[0].targets));
                let cw = rows.iter().map(|r| cell_text(r, mm, sh).width()).max().unwrap_or(0);
                (mm, sh, head.width().max(cw) as u16)
            })
            .collect();
        let fixed =
            |ms: &[(HealthMetric, bool, u16)]| 7 + 1 + name_w + ms.iter().map(|c| c.2 + 1).sum::<u16>();
        for drop in
            [HealthMetric::Saturation, HealthMetric::Burn, HealthMetric::ErrorRate, HealthMetric::Latency]
        {
            if fixed(&metrics) + 14 <= w {
                break;
            }
            metrics.retain(|c| c.0 != drop);
        }
        let mut y = inner.y;
        {
            let mut r = Row::new(buf, inner, y);
            r.cell("STATE", 7, false, t.muted()).gap(1).cell("SERVICE", name_w, false, t.muted()).gap(1);
            for (mm, sh, cw) in &metrics {
                r.cell(&header(*mm, sh.then(|| &rows[0].targets)), *cw, true, t.muted()).gap(1);
            }
            r.text("TREND", t.muted());
        }
        y += 1;
        let selected = y;
        for h in rows.iter().skip(m.scroll[Pane::Health.index()]) {
            if y >= inner.bottom() {
                break;
            }
            let (word, style) = state_text(h.state, t);
            let note = source_note(h, m);
            let mut r = Row::new(buf, inner, y);
            r.cell(word, 7, false, style).gap(1).cell(&h.service, name_w, false, t.text()).gap(1);
            for (mm, sh, cw) in &metrics {
                r.cell(&cell_text(h, *mm, *sh), *cw, true, style_of(h.cells[mm.index()], t)).gap(1);
            }
            // A stale source's note keeps its room: the trend gives way to it.
            let note_w = note.as_ref().map_or(0, |n| n.width() as u16 + 1);
            if let Some(tm) = h.trend {
                let label = format!("{:<5}", tm.short());
                r.text(&label, t.muted());
                let sw = r.left().saturating_sub(note_w).min(30) as usize;
                let (lo, hi) = h.trend_scale;
                r.text(&spark_in(&h.sparkline, sw, lo, hi), style);
            }
            if let Some(n) = &note {
                r.gap(1).text(n, t.stale());
            }
            if !h.reasons.is_empty() && r.left() > 4 {
                r.gap(1).text(&h.reasons.join("; "), t.muted());
            }
            if note.is_some() {
                let row = Rect { x: inner.x, y, width: inner.width, height: 1 };
                buf.set_style(row, t.dimmed());
            }
            y += 1;
        }
        if m.focus == Pane::Health && !m.wall && selected < inner.bottom() {
            // The row Enter opens as a chart.
            buf.set_style(Rect { x: inner.x, y: selected, width: inner.width, height: 1 }, t.selection());
        }
    });
}
