//! Small drawing helpers: text that fits with an ellipsis, sparklines, number formats.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

use crate::util::text::truncate_width;

use crate::derive::HealthState;

use super::theme::Theme;

/// Outside text made safe for a cell: escape sequences removed whole, other controls and
/// bidi overrides made visible (see `util::text::sanitize`). Every text a pane draws goes
/// through this (directly or via [`fit`]), so an alert or status page cannot reach the
/// terminal.
pub fn clean(text: &str) -> Cow<'_, str> {
    crate::util::text::sanitize(text)
}

/// `text` cleaned and cut to `width` columns; a cut ends in `…` so it never looks complete.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    match clean(text) {
        Cow::Borrowed(s) => truncate_width(s, width),
        Cow::Owned(s) => Cow::Owned(truncate_width(&s, width).into_owned()),
    }
}

/// Writes `text` at (x, y) within `max` columns (and the buffer), with an ellipsis when
/// cut. Returns the columns used.
pub fn put(buf: &mut Buffer, x: u16, y: u16, max: u16, text: &str, style: Style) -> u16 {
    let area = buf.area;
    if y < area.top() || y >= area.bottom() || x >= area.right() || max == 0 {
        return 0;
    }
    let max = max.min(area.right() - x) as usize;
    let s = fit(text, max);
    let (end, _) = buf.set_stringn(x, y, &s, max, style);
    end - x
}

/// A cursor writing spans left to right on one row of a rect.
pub struct Row<'b> {
    buf: &'b mut Buffer,
    x: u16,
    y: u16,
    right: u16,
}

impl<'b> Row<'b> {
    pub fn new(buf: &'b mut Buffer, area: Rect, y: u16) -> Row<'b> {
        Row { buf, x: area.x, y, right: area.right() }
    }
    pub fn left(&self) -> u16 {
        self.right.saturating_sub(self.x)
    }
    /// Writes text (cut with an ellipsis if the row ends).
    pub fn text(&mut self, text: &str, style: Style) -> &mut Self {
        let n = put(self.buf, self.x, self.y, self.left(), text, style);
        self.x += n;
        self
    }
    /// Writes text padded or cut to exactly `width` columns (right-aligned if `right`).
    pub fn cell(&mut self, text: &str, width: u16, right: bool, style: Style) -> &mut Self {
        let width = width.min(self.left());
        let s = fit(text, width as usize);
        let pad = width.saturating_sub(s.width() as u16);
        let x = if right { self.x + pad } else { self.x };
        put(self.buf, x, self.y, width, &s, style);
        self.x += width;
        self
    }
    pub fn gap(&mut self, n: u16) -> &mut Self {
        self.x = (self.x + n).min(self.right);
        self
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of the last `width` finite values, scaled between their min and max.
pub fn spark(values: &[f64], width: usize) -> String {
    let start = values.len().saturating_sub(width);
    let vals = &values[start..];
    let (lo, hi) = vals
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    vals.iter()
        .map(|v| {
            if !v.is_finite() {
                ' '
            } else if (hi - lo).abs() < f64::EPSILON {
                BARS[3]
            } else {
                BARS[(((v - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
        })
        .collect()
}

/// A sparkline of the last `width` values on a fixed scale `lo..hi` (values outside are
/// clamped), so that noise far below a threshold stays flat.
pub fn spark_in(values: &[f64], width: usize, lo: f64, hi: f64) -> String {
    let start = values.len().saturating_sub(width);
    let span = hi - lo;
    values[start..]
        .iter()
        .map(|v| {
            if !v.is_finite() {
                ' '
            } else if !(span.is_finite() && span > f64::EPSILON) {
                BARS[0]
            } else {
                BARS[(((v - lo) / span) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
        })
        .collect()
}

/// Symbol and word of a state, and its style: readable without colour.
pub fn state_text(s: HealthState, t: &Theme) -> (&'static str, Style) {
    match s {
        HealthState::Ok => ("✓ OK", t.ok()),
        HealthState::Warn => ("▲ WARN", t.warn()),
        HealthState::Crit => ("✖ CRIT", t.crit()),
        HealthState::Unknown => ("? UNKN", t.muted()),
    }
}

/// A number with at most `dp` decimals, `–` when missing or not finite.
pub fn num(v: Option<f64>, dp: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.dp$}"),
        Some(v) if v.is_nan() => "NaN".into(),
        Some(v) if v > 0.0 => "+Inf".into(),
        Some(_) => "-Inf".into(),
        None => "–".into(),
    }
}

/// Large values compactly: 51234 -> `51.2k`, 1.5e6 -> `1.50M`.
pub fn compact(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() && v.abs() >= 1e9 => format!("{:.2}G", v / 1e9),
        Some(v) if v.is_finite() && v.abs() >= 1e6 => format!("{:.2}M", v / 1e6),
        Some(v) if v.is_finite() && v.abs() >= 1e4 => format!("{:.1}k", v / 1e3),
        Some(v) if v.is_finite() && v.fract() == 0.0 => format!("{v:.0}"),
        other => num(other, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("connection refused", 40), "connection refused");
        assert_eq!(fit("connection refused", 8), "connect…");
        assert_eq!(fit("ab", 0), "");
        assert_eq!(fit("abc", 1), "…");
        assert_eq!(fit("a\u{1b}]52;c;cm0=\u{7}b\u{1b}[2J", 10), "ab");
        assert_eq!(fit(&format!("{}\u{1b}[H", "x".repeat(50)), 5), "xxxx…");
    }

    #[test]
    fn spark_scales_and_skips_nan() {
        assert_eq!(spark(&[0.0, 7.0], 10), "▁█");
        assert_eq!(spark(&[1.0, f64::NAN, 1.0], 10), "▄ ▄");
        assert_eq!(spark(&[0.0, 1.0, 2.0, 3.0], 2), "▁█");
        assert_eq!(compact(Some(51234.0)), "51.2k");
        assert_eq!(num(Some(f64::NAN), 1), "NaN");
    }
}
