//! A time-series chart over the body (ratatui `Chart`): a time axis with the range's clock
//! times, a value axis with units, the target (and critical threshold) as lines, the start
//! of a firing alert marked, one line per series (the top 10 by last value, in a legend).
//! The title says the range, the step and the data's age; a stale or failing source says
//! so as everywhere.
use chrono::{DateTime, TimeZone, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart as RChart, Clear, Dataset, GraphType, LegendPosition, Widget};

use crate::domain::SourceStatus;
use crate::model::Model;
use crate::model::chart::{Chart, ChartRange};
use crate::model::freshness::coarse_age;
use crate::util::duration::format_age;

use super::frame::placeholder;
use super::text::clean;
use super::theme::Theme;

/// Series drawn at most (the largest by last value).
pub const TOP: usize = 10;

fn fmt_value(v: f64, unit: &str) -> String {
    let a = v.abs();
    let n = if a == 0.0 {
        "0".to_string()
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if unit.starts_with('/') || unit == "%" { format!("{n}{unit}") } else { format!("{n} {unit}") }
}

fn fmt_time(ts: f64, range: ChartRange, offset: i32) -> String {
    let off = chrono::FixedOffset::east_opt(offset).unwrap_or(chrono::FixedOffset::east_opt(0).unwrap());
    let t: DateTime<Utc> = Utc.timestamp_opt(ts as i64, 0).single().unwrap_or_default();
    let t = t.with_timezone(&off);
    if range == ChartRange::D7 { t.format("%a %H:%M").to_string() } else { t.format("%H:%M").to_string() }
}

/// A series' name for the legend: its labels, or the figure's title for one unlabelled.
fn series_name(labels: &crate::domain::Labels, fallback: &str) -> String {
    let parts: Vec<String> =
        labels.iter().filter(|(k, _)| k.as_str() != "__name__").map(|(k, v)| format!("{k}={v}")).collect();
    if parts.is_empty() { fallback.to_string() } else { clean(&parts.join(",")).into_owned() }
}

fn palette(t: &Theme, i: usize) -> Style {
    [t.accent(), t.ok(), t.warn(), t.text(), t.crit(), t.muted()][i % 6]
}

/// Where the chart goes: most of the body.
pub fn area(body: Rect) -> Rect {
    super::alerts::overlay_area(body)
}

pub fn draw(buf: &mut Buffer, body: Rect, c: &Chart, m: &Model, t: &Theme) {
    let area = area(body);
    if area.width < 20 || area.height < 6 {
        return;
    }
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let src = m.sources.iter().find(|s| s.name == c.target.source);
    let stale = match src.map(|s| s.status(m.now)) {
        Some(SourceStatus::Stale { since }) => {
            Some(format!("STALE {}", format_age((m.now - since).to_std().unwrap_or_default())))
        }
        Some(SourceStatus::Failing { reason, .. }) => Some(format!("STALE · {}: {reason}", c.target.source)),
        _ => None,
    };
    let age = match c.fetched_at {
        Some(f) => format!("fetched {} ago", coarse_age((m.now - f).to_std().unwrap_or_default())),
        None => "fetching…".into(),
    };
    let step = format_age(c.step);
    let title = format!(" {} · {} · step {step} ", clean(&c.target.title), c.range.label());
    let ranges: String = ChartRange::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if *r == c.range {
                format!("[{} {}]", i + 1, r.label())
            } else {
                format!(" {} {} ", i + 1, r.label())
            }
        })
        .collect();
    let mut block = Block::bordered()
        .border_style(t.border(true))
        .title(Line::styled(title, t.title(true)))
        .title_bottom(Line::styled(format!(" {ranges}  Esc close "), t.muted()));
    let age_style = if stale.is_some() { t.stale() } else { t.muted() };
    let age_text = match &stale {
        Some(s) => format!(" {s} · {age} "),
        None => format!(" {age} "),
    };
    block = block.title_top(Line::from(Span::styled(age_text, age_style)).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let series = match &c.data {
        None => {
            return placeholder(
                buf,
                inner,
                &format!("fetching {} of {}", c.range.label(), c.target.source),
                t,
            );
        }
        Some(Err(why)) => return placeholder(buf, inner, &format!("no history: {why}"), t),
        Some(Ok(s)) if s.iter().all(|s| s.points.is_empty()) => {
            return placeholder(buf, inner, "no points in this range", t);
        }
        Some(Ok(s)) => s,
    };
    // The top series by last value.
    let mut order: Vec<usize> = (0..series.len()).filter(|&i| !series[i].points.is_empty()).collect();
    let last = |i: usize| series[i].points.last().map(|p| p.1).filter(|v| v.is_finite()).unwrap_or(f64::MIN);
    order.sort_by(|a, b| last(*b).total_cmp(&last(*a)));
    let hidden = order.len().saturating_sub(TOP);
    order.truncate(TOP);
    let (x0, x1) = (c.start.timestamp() as f64, c.end.timestamp() as f64);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &i in &order {
        for p in series[i].points.iter().filter(|p| p.1.is_finite()) {
            lo = lo.min(p.1);
            hi = hi.max(p.1);
        }
    }
    for v in [c.target.target, c.target.crit].into_iter().flatten() {
        // The target is shown when it is near the data (within 3x of its range).
        if v <= hi.max(lo) * 3.0 {
            hi = hi.max(v);
            lo = lo.min(v);
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let lo = if lo >= 0.0 && c.target.from_zero { 0.0 } else { lo - (hi - lo) * 0.05 };
    let hi = if hi > lo { hi + (hi - lo) * 0.05 } else { lo + 1.0 };
    let lines: Vec<Vec<(f64, f64)>> = order
        .iter()
        .map(|&i| series[i].points.iter().copied().filter(|p| p.1.is_finite()).collect())
        .collect();
    let target_line = c.target.target.map(|v| vec![(x0, v), (x1, v)]);
    let crit_line = c.target.crit.map(|v| vec![(x0, v), (x1, v)]);
    let marker =
        c.alert_start.map(|s| s.timestamp() as f64).filter(|x| *x >= x0).map(|x| vec![(x, lo), (x, hi)]);
    let mut sets: Vec<Dataset<'_>> = Vec::new();
    let single = order.len() == 1;
    for (n, (&i, pts)) in order.iter().zip(&lines).enumerate() {
        let name = series_name(&series[i].labels, &c.target.title);
        let mut d = Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(palette(t, n))
            .data(pts);
        if !single || !series[i].labels.is_empty() {
            d = d.name(name);
        }
        sets.push(d);
    }
    let unit = c.target.unit.as_str();
    if let (Some(l), Some(v)) = (&target_line, c.target.target) {
        sets.push(
            Dataset::default()
                .name(format!("target {}", fmt_value(v, unit)))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.warn())
                .data(l),
        );
    }
    if let (Some(l), Some(v)) = (&crit_line, c.target.crit) {
        sets.push(
            Dataset::default()
                .name(format!("critical {}", fmt_value(v, unit)))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.crit())
                .data(l),
        );
    }
    if let (Some(l), Some(s)) = (&marker, c.alert_start) {
        let at = fmt_time(s.timestamp() as f64, c.range, m.utc_offset_secs);
        sets.push(
            Dataset::default()
                .name(format!("alert fired {at}"))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.crit())
                .data(l),
        );
    }
    let mid = (x0 + x1) / 2.0;
    let x_labels: Vec<Span<'_>> = [x0, mid, x1]
        .iter()
        .map(|x| Span::styled(fmt_time(*x, c.range, m.utc_offset_secs), t.muted()))
        .collect();
    let y_labels: Vec<Span<'_>> =
        [lo, (lo + hi) / 2.0, hi].iter().map(|v| Span::styled(fmt_value(*v, unit), t.muted())).collect();
    let x_title = if hidden > 0 { format!("time (+{hidden} series not shown)") } else { "time".into() };
    let chart = RChart::new(sets)
        .style(t.text())
        .x_axis(
            Axis::default()
                .title(Span::styled(x_title, t.muted()))
                .style(t.muted())
                .bounds([x0, x1])
                .labels(x_labels),
        )
        .y_axis(
            Axis::default()
                .title(Span::styled(unit.to_string(), t.muted()))
                .style(t.muted())
                .bounds([lo, hi])
                .labels(y_labels),
        )
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Ratio(2, 3), Constraint::Ratio(2, 3)));
    chart.render(inner, buf);
}
