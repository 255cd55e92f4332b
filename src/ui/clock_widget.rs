//! The escalation clock pane body as a ratatui widget: pure rendering of `ClockView`s into
//! a `Rect` (the caller draws the pane's border and title). The first view is drawn large,
//! the other open incidents are listed below it. Every state is shown by a word as well as
//! a style (`ON TRACK`, `NEAR TARGET`, `OVERDUE`, `ACK`), so it reads without colour.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::bigdigits::{BIG_ROWS, big_digits_scaled, big_width};
use crate::incident::{ClockView, DeadlineState};

/// Styles by role; the screen maps its theme onto these.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClockStyles {
    /// Ordinary text and the clock while on track.
    pub normal: Style,
    /// Labels and secondary text.
    pub muted: Style,
    /// The incident heading.
    pub accent: Style,
    /// At 80% of the resolution target.
    pub amber: Style,
    /// Past the resolution target.
    pub red: Style,
    /// Acknowledged.
    pub ok: Style,
}

impl ClockStyles {
    pub fn deadline(&self, s: DeadlineState) -> Style {
        match s {
            DeadlineState::Normal => self.normal,
            DeadlineState::Amber => self.amber,
            DeadlineState::Red => self.red,
        }
    }
}

/// When to draw the elapsed time in big digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BigDigits {
    /// When the area leaves room for them and the details (normal screens).
    #[default]
    Auto,
    /// Whenever they fit at all, scaled up on large areas (the wall).
    Wall,
    /// Never (text only).
    Never,
}

#[derive(Debug, Clone)]
pub struct ClockPane<'a> {
    /// Open incidents, the one to show large first (`clock::clock_views` order).
    pub views: &'a [ClockView],
    pub styles: ClockStyles,
    pub big: BigDigits,
}

/// `text` cut to `width` columns, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

struct Writer<'b> {
    buf: &'b mut Buffer,
    area: Rect,
    y: u16,
}

impl Writer<'_> {
    fn room(&self) -> u16 {
        self.area.bottom().saturating_sub(self.y)
    }
    /// Writes spans on the next line, cut to the width; false when out of rows.
    fn line(&mut self, spans: &[(&str, Style)]) -> bool {
        if self.room() == 0 {
            return false;
        }
        let mut x = self.area.x;
        for (text, style) in spans {
            let left = self.area.right().saturating_sub(x) as usize;
            if left == 0 {
                break;
            }
            let t = fit(text, left);
            self.buf.set_string(x, self.y, &t, *style);
            x += t.width() as u16;
        }
        self.y += 1;
        true
    }
}

fn next_line(v: &ClockView) -> String {
    match (&v.next_tier, &v.acknowledged_by) {
        (_, Some(who)) => format!("stopped, acknowledged by {who}"),
        (Some(n), None) => match &n.holder {
            Some(h) => format!("{} ({h}) in {}", n.name, n.countdown),
            None => format!("{} in {}", n.name, n.countdown),
        },
        (None, None) => "none (last tier)".to_string(),
    }
}

/// The tier that holds the incident and, from the on-call rota, who holds it.
fn held_by(v: &ClockView) -> String {
    match &v.holder {
        Some(h) => format!("{} ({h})", v.tier_name),
        None => v.tier_name.clone(),
    }
}

fn target_line(v: &ClockView) -> String {
    match (&v.target, &v.resolution_left, v.resolution_left_s) {
        (Some(t), Some(left), Some(s)) if s < 0 => {
            format!("{} over target {t}  {}", left.trim_start_matches('-'), v.deadline_state.word())
        }
        (Some(t), Some(left), _) => format!("{left} left of {t}  {}", v.deadline_state.word()),
        _ => "no resolution target".to_string(),
    }
}

impl Widget for ClockPane<'_> {
    /// Rows, top to bottom: the heading; big digits when chosen; the details, in full (one
    /// line each) when there is room, else compact (two lines); the other open incidents,
    /// one line each when there is room, else one summary line.
    fn render(self, area: Rect, buf: &mut Buffer) {
        let st = self.styles;
        let mut w = Writer { buf, area, y: area.y };
        let Some(main) = self.views.first() else {
            w.line(&[("no active incident", st.muted)]);
            return;
        };
        let clock_style = st.deadline(main.deadline_state);
        let heading =
            format!("{} {} {}  {}", main.label, main.severity.as_str(), main.severity.sev(), main.title);
        w.line(&[(&heading, st.accent)]);

        const FULL: u16 = 4;
        let others = &self.views[1..];
        let others_rows = if others.is_empty() { 0 } else { 1 + others.len() as u16 };
        let width_for = |s: u16| area.width as usize >= big_width(&main.elapsed) * s as usize;
        let fits = |s: u16, extra: u16| w.room() >= BIG_ROWS as u16 * s + extra && width_for(s);
        let scale = match self.big {
            BigDigits::Never => 0,
            BigDigits::Auto => u16::from(fits(1, FULL + others_rows)),
            // The largest scale that leaves room for the full details, else for the compact
            // ones, else the digits alone: on a wall the digits always win.
            BigDigits::Wall => (1..=4)
                .rev()
                .find(|s| fits(*s, FULL + others_rows.min(1)))
                .or_else(|| [1].into_iter().find(|s| fits(*s, 0)))
                .unwrap_or(0),
        };
        if scale > 0 {
            for row in big_digits_scaled(&main.elapsed, scale as usize) {
                w.line(&[(&row, clock_style)]);
            }
        }

        let ack = if main.acknowledged_by.is_some() { "  ACK" } else { "" };
        let next_style = match (&main.acknowledged_by, &main.next_tier) {
            (Some(_), _) => st.ok,
            (None, Some(n)) => st.deadline(n.state),
            (None, None) => st.normal,
        };
        let elapsed_rows = u16::from(scale == 0);
        if w.room() >= FULL + elapsed_rows + others_rows.min(1) {
            if scale == 0 {
                w.line(&[("Elapsed   ", st.muted), (&main.elapsed, clock_style)]);
            }
            w.line(&[("Held by   ", st.muted), (&held_by(main), st.normal), (ack, st.ok)]);
            w.line(&[("Next      ", st.muted), (&next_line(main), next_style)]);
            w.line(&[("Phase     ", st.muted), (&main.phase, st.normal)]);
            w.line(&[("Target    ", st.muted), (&target_line(main), clock_style)]);
        } else {
            let elapsed = if scale == 0 { format!("{}  ", main.elapsed) } else { String::new() };
            w.line(&[
                (&elapsed, clock_style),
                (&held_by(main), st.normal),
                (ack, st.ok),
                ("  next: ", st.muted),
                (&next_line(main), next_style),
            ]);
            // Short of rows, the other incidents' line wins over the phase and target.
            if others.is_empty() || w.room() > 1 {
                w.line(&[
                    (&main.phase, st.normal),
                    ("  target: ", st.muted),
                    (&target_line(main), clock_style),
                ]);
            }
        }
        if others.is_empty() {
            return;
        }
        if w.room() >= others_rows {
            w.line(&[(&format!("Other open incidents ({})", others.len()), st.muted)]);
            for v in others {
                let ack = if v.acknowledged_by.is_some() { " ACK" } else { "" };
                let head = format!("{} {} {} ", v.label, v.severity.as_str(), v.elapsed);
                let tail = format!(" {}{ack}  {}", v.tier_name, v.title);
                w.line(&[(&head, st.deadline(v.deadline_state)), (&tail, st.normal)]);
            }
        } else {
            let list: Vec<String> = others
                .iter()
                .map(|v| {
                    let ack = if v.acknowledged_by.is_some() { " ACK" } else { "" };
                    format!("{} {} {}{ack}", v.label, v.severity.as_str(), v.elapsed)
                })
                .collect();
            w.line(&[(&format!("+{} open: ", others.len()), st.muted), (&list.join(", "), st.normal)]);
        }
    }
}
