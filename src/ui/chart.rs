//! A time-series chart over the body (ratatui `Chart`): a time axis with the range's clock
//! times, a value axis with units, the target (and critical threshold) as lines, the start
//! of a firing alert marked, one line per series (the top 10 by last value, in a legend).
//! The title says the range, the step and the data's age; a stale or failing source says
//! so as everywhere.
use chrono::{DateTime, TimeZone, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine, Points};
use ratatui::widgets::{Axis, Block, Chart as RChart, Clear, Dataset, Widget};
use unicode_width::UnicodeWidthStr;

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

/// Where the chart goes: the whole body (the panes under it are not drawn).
pub fn area(body: Rect) -> Rect {
    body
}

pub fn draw(buf: &mut Buffer, body: Rect, c: &Chart, m: &Model, t: &Theme) {
    let area = area(body);
    if area.width < 20 || area.height < 6 {
        return;
    }
    // The panes are not drawn under a chart: the body is blank already.
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
    // The lines are drawn on one canvas layer (one braille grid for every series and
    // threshold); the `Chart` draws the axes, labels and the legend over it (its datasets
    // carry only names and styles). One layer per dataset would cost a full grid each.
    let mut legend: Vec<(String, Style)> = Vec::new();
    let mut shapes: Vec<(&[(f64, f64)], Style)> = Vec::new();
    let single = order.len() == 1;
    for (n, (&i, pts)) in order.iter().zip(&lines).enumerate() {
        shapes.push((pts, palette(t, n)));
        if !single || !series[i].labels.is_empty() {
            legend.push((series_name(&series[i].labels, &c.target.title), palette(t, n)));
        }
    }
    let unit = c.target.unit.as_str();
    if let (Some(l), Some(v)) = (&target_line, c.target.target) {
        shapes.push((l, t.warn()));
        legend.push((format!("target {}", fmt_value(v, unit)), t.warn()));
    }
    if let (Some(l), Some(v)) = (&crit_line, c.target.crit) {
        shapes.push((l, t.crit()));
        legend.push((format!("critical {}", fmt_value(v, unit)), t.crit()));
    }
    if let (Some(l), Some(s)) = (&marker, c.alert_start) {
        let at = fmt_time(s.timestamp() as f64, c.range, m.utc_offset_secs);
        shapes.push((l, t.crit()));
        legend.push((format!("alert fired {at}"), t.crit()));
    }
    let mid = (x0 + x1) / 2.0;
    let x_text: Vec<String> =
        [x0, mid, x1].iter().map(|x| fmt_time(*x, c.range, m.utc_offset_secs)).collect();
    let y_text: Vec<String> = [lo, (lo + hi) / 2.0, hi].iter().map(|v| fmt_value(*v, unit)).collect();
    // Where `Chart` puts its graph (its layout with labels on both axes, left-aligned x
    // labels): right of the widest label and the axis line, above the labels and axis.
    let left = y_text.iter().map(|l| l.width()).max().unwrap_or(0).max(x_text[0].width().saturating_sub(1));
    let left = (left as u16).min(inner.width / 3) + 1;
    let graph = Rect {
        x: inner.x + left,
        y: inner.y,
        width: inner.width.saturating_sub(left),
        height: inner.height.saturating_sub(2),
    };
    if !graph.is_empty() {
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([x0, x1])
            .y_bounds([lo, hi])
            .paint(|ctx| {
                for (pts, style) in &shapes {
                    let color = style.fg.unwrap_or(ratatui::style::Color::Reset);
                    for w in pts.windows(2) {
                        ctx.draw(&CanvasLine { x1: w[0].0, y1: w[0].1, x2: w[1].0, y2: w[1].1, color });
                    }
                    if pts.len() == 1 {
                        ctx.draw(&Points { coords: pts, color });
                    }
                }
            })
            .render(graph, buf);
    }
    let x_labels: Vec<Span<'_>> = x_text.into_iter().map(|s| Span::styled(s, t.muted())).collect();
    let y_labels: Vec<Span<'_>> = y_text.into_iter().map(|s| Span::styled(s, t.muted())).collect();
    let x_title = if hidden > 0 { format!("time (+{hidden} series not shown)") } else { "time".into() };
    // No datasets: each would cost `Chart` a full braille grid; the lines are on the
    // canvas above and the legend is drawn below.
    let chart = RChart::new(Vec::<Dataset<'_>>::new())
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
        );
    chart.render(inner, buf);
    draw_legend(buf, graph, &legend, t);
}

/// The legend at the graph's top left (below the value axis' title), when it fits in two
/// thirds of the graph: a line of the series' style, then its name.
fn draw_legend(buf: &mut Buffer, graph: Rect, entries: &[(String, Style)], t: &Theme) {
    let w = entries.iter().map(|(n, _)| n.width()).max().unwrap_or(0) as u16 + 5;
    let h = entries.len() as u16 + 2;
    if entries.is_empty() || w > graph.width * 2 / 3 || h + 1 > graph.height * 2 / 3 {
        return;
    }
    let area = Rect { x: graph.x, y: graph.y + 1, width: w, height: h };
    Clear.render(area, buf);
    let block = Block::bordered().border_style(t.muted());
    let inner = block.inner(area);
    block.render(area, buf);
    for ((name, style), y) in entries.iter().zip(inner.y..inner.bottom()) {
        buf.set_string(inner.x, y, "━━", *style);
        super::text::put(buf, inner.x + 3, y, inner.width.saturating_sub(3), name, *style);
    }
}
