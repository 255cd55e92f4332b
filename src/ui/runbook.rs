//! The runbook pane: the active run. The current step's prose, the steps with their state
//! (symbol and word), the current command, and its live output (newest at the bottom,
//! scrollable). Without a run it says so and how to start one.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::model::runbook::{Run, Shown};
use crate::model::{Model, Pane};
use crate::runbook::exec::{OutputLine, Stream};
use crate::runbook::machine::{Phase, RunState};

use super::frame::{pane, placeholder};
use super::text::{Row, put};
use super::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let Some(run) = &m.runbook.run else {
        let text = match &m.runbook.busy {
            Some(b) => b.as_str(),
            None if m.readonly => "no active run (read-only)",
            None => "no active run · r pick a runbook",
        };
        pane(buf, area, Pane::Runbook, m, t, "", |buf, inner| placeholder(buf, inner, text, t));
        return;
    };
    let rb = run.machine.runbook();
    let extra = format!(" · {}{}", rb.title, if run.drill() { " · DRILL" } else { "" });
    pane(buf, area, Pane::Runbook, m, t, &extra, |buf, inner| body(buf, inner, run, t));
}

/// Symbol, word and style of a state.
pub fn state_mark(s: RunState, t: &Theme) -> (&'static str, &'static str, Style) {
    match s {
        RunState::Pending => ("·", "pending", t.muted()),
        RunState::Running => ("▶", "running", t.accent()),
        RunState::Ok => ("✓", "ok", t.ok()),
        RunState::Failed => ("✗", "failed", t.crit()),
        RunState::Skipped => ("↷", "skipped", t.muted()),
        RunState::Unknown => ("?", "unknown", t.warn()),
    }
}

/// One line saying where the run is.
pub fn phase_line(run: &Run) -> (String, bool) {
    let rb = run.machine.runbook();
    let n = rb.steps.len();
    let title = |s: &usize| rb.steps.get(*s).map(|x| x.title.as_str()).unwrap_or("");
    let waiting = matches!(
        run.machine.phase(),
        Phase::Ready { .. } | Phase::Confirm { .. } | Phase::NeedValue { .. } | Phase::Done(_)
    );
    if run.hold && waiting {
        let next = match run.machine.phase() {
            Phase::Done(o) => format!("run {}", o.describe()),
            Phase::Ready { step } => format!("next: step {}/{n} {}", step + 1, title(step)),
            _ => "next: a question about the next block".into(),
        };
        return (format!("block ended · Enter when you have read its output · {next}"), true);
    }
    match run.machine.phase() {
        Phase::NeedValue { step, block, .. } => {
            let what = run.machine.value_prompt().map(|v| v.placeholder.text).unwrap_or_default();
            (
                format!(
                    "step {}/{n} {}: block {} needs a value for {what}",
                    step + 1,
                    title(step),
                    block + 1
                ),
                true,
            )
        }
        Phase::NeedJustification { error, .. } => (
            format!(
                "waiting for a justification{}",
                error.as_ref().map(|e| format!(": {e}")).unwrap_or_default()
            ),
            true,
        ),
        Phase::Ready { step } => {
            (format!("step {}/{n} {}: ready · Enter runs it", step + 1, title(step)), false)
        }
        Phase::Confirm { step, block, .. } => {
            (format!("step {}/{n} {}: block {} needs confirmation", step + 1, title(step), block + 1), true)
        }
        Phase::Running { step, block } => {
            (format!("step {}/{n} {}: block {} running", step + 1, title(step), block + 1), false)
        }
        Phase::Verifying { step, .. } => (format!("step {}/{n} {}: verifying", step + 1, title(step)), false),
        Phase::Failed { step, reason, .. } => {
            (format!("step {}/{n} {}: FAILED: {reason}", step + 1, title(step)), true)
        }
        Phase::Done(o) => (format!("run {}", o.describe()), false),
    }
}

fn body(buf: &mut Buffer, area: Rect, run: &Run, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let (line, alarm) = phase_line(run);
    put(buf, area.x, area.y, area.width, &line, if alarm { t.warn() } else { t.accent() });
    let rest = Rect { y: area.y + 1, height: area.height - 1, ..area };
    if rest.height == 0 {
        return;
    }
    if rest.height < 8 {
        // The small pane: the newest output line.
        output(buf, rest, run, t);
        return;
    }
    let wide = rest.width >= 100;
    let (left, right) = if wide {
        let lw = (rest.width / 3).clamp(30, 60);
        (Rect { width: lw, ..rest }, Rect { x: rest.x + lw + 1, width: rest.width - lw - 1, ..rest })
    } else {
        let steps_h = (run.machine.runbook().steps.len() as u16 + 1).min(rest.height / 3).max(2);
        (
            Rect { height: steps_h, ..rest },
            Rect { y: rest.y + steps_h, height: rest.height - steps_h, ..rest },
        )
    };
    steps(buf, left, run, t);
    if wide {
        // The prose of the current step under the step list.
        let used = (run.machine.runbook().steps.len() as u16 + 2).min(left.height);
        let prose_area = Rect { y: left.y + used, height: left.height - used, ..left };
        prose(buf, prose_area, run, t);
        current(buf, right, run, t);
    } else {
        let prose_h = (right.height / 4).min(4);
        prose(buf, Rect { height: prose_h, ..right }, run, t);
        current(buf, Rect { y: right.y + prose_h, height: right.height - prose_h, ..right }, run, t);
    }
}

fn steps(buf: &mut Buffer, area: Rect, run: &Run, t: &Theme) {
    let rb = run.machine.runbook();
    let current = run.current_step();
    put(buf, area.x, area.y, area.width, "STEPS", t.muted());
    for (i, (st, status)) in rb.steps.iter().zip(run.machine.steps()).enumerate() {
        let y = area.y + 1 + i as u16;
        if y >= area.bottom() {
            break;
        }
        let confirming = matches!(run.machine.phase(), Phase::Confirm { step, .. } if *step == i);
        let (sym, word, style) =
            if confirming { ("⚠", "confirm?", t.warn()) } else { state_mark(status.state, t) };
        let mut row = Row::new(buf, area, y);
        let pointer = if Some(i) == current { "›" } else { " " };
        row.text(pointer, t.accent()).text(&format!("{sym} "), style);
        row.cell(word, 8, false, style).gap(1);
        let kind = if st.is_destructive() { "⚠ " } else { "" };
        let rollback = if run.machine.is_rollback_target(i) { " (rollback)" } else { "" };
        row.text(&format!("{}. {kind}{}{rollback}", i + 1, st.title), t.text());
    }
}

fn prose(buf: &mut Buffer, area: Rect, run: &Run, t: &Theme) {
    let Some(step) = run.current_step().and_then(|s| run.machine.runbook().steps.get(s)) else { return };
    let mut y = area.y;
    for c in &step.callouts {
        let one = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
        for l in wrap(&format!("[!{}] {one}", c.kind), area.width as usize) {
            if y >= area.bottom() {
                return;
            }
            put(buf, area.x, y, area.width, &l, t.warn());
            y += 1;
        }
    }
    for l in wrap(&step.prose, area.width as usize) {
        if y >= area.bottom() {
            return;
        }
        put(buf, area.x, y, area.width, &l, t.text());
        y += 1;
    }
}

/// The current command and its output.
fn current(buf: &mut Buffer, area: Rect, run: &Run, t: &Theme) {
    if area.height < 2 {
        output(buf, area, run, t);
        return;
    }
    let rb = run.machine.runbook();
    let block = match run.machine.phase() {
        Phase::Running { step, block } | Phase::Confirm { step, block, .. } => Some((*step, *block)),
        _ => run.current_step().map(|s| (s, 0)),
    };
    let mut script = block
        .and_then(|(s, b)| rb.steps.get(s).and_then(|st| st.blocks.get(b)))
        .map(|b| b.script.clone())
        .unwrap_or_default();
    if let Some(step) = block.and_then(|(s, _)| rb.steps.get(s))
        && (script.is_empty() || matches!(run.machine.phase(), Phase::Verifying { .. }))
    {
        // A verify-only step (or the verify running): its queries are the command.
        let v: Vec<String> = step
            .verify
            .iter()
            .map(|v| {
                format!(
                    "promql (holds {}): {}",
                    crate::util::duration::format_compact(v.hold_for),
                    v.query.trim()
                )
            })
            .collect();
        if !v.is_empty() {
            script = v.join("\n");
        }
    }
    let mut y = area.y;
    put(buf, area.x, y, area.width, "COMMAND", t.muted());
    y += 1;
    let max_cmd = (area.height / 3).max(1);
    let lines: Vec<&str> = script.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if i as u16 >= max_cmd || y >= area.bottom() {
            break;
        }
        let text = if i as u16 + 1 == max_cmd && lines.len() > max_cmd as usize {
            format!("$ {l} … (+{} lines)", lines.len() - i - 1)
        } else {
            format!("$ {l}")
        };
        put(buf, area.x, y, area.width, &text, t.accent());
        y += 1;
    }
    if y >= area.bottom() {
        return;
    }
    let scrolled =
        if run.scroll > 0 { format!(" (scrolled up {}; End: newest)", run.scroll) } else { String::new() };
    let of = run.output_step.map(|s| format!(" of step {}", s + 1)).unwrap_or_default();
    put(buf, area.x, y, area.width, &format!("OUTPUT{of}{scrolled}"), t.muted());
    y += 1;
    output(buf, Rect { y, height: area.bottom() - y, ..area }, run, t);
}

/// Output lines, the newest at the bottom (minus the scroll), then the log when empty.
fn output(buf: &mut Buffer, area: Rect, run: &Run, t: &Theme) {
    if area.is_empty() {
        return;
    }
    let h = area.height as usize;
    let lines: Vec<(String, Style)> = run
        .output
        .iter()
        .map(|l| match l {
            Shown::Line(OutputLine { stream: Stream::Stdout, text }) => (format!("| {text}"), t.text()),
            Shown::Line(OutputLine { stream: Stream::Stderr, text }) => (format!("! {text}"), t.warn()),
            Shown::Note(n) => (format!("· {n}"), t.muted()),
        })
        .collect();
    let end = lines.len().saturating_sub(run.scroll.min(lines.len()));
    let start = end.saturating_sub(h);
    for (i, (l, s)) in lines[start..end].iter().enumerate() {
        put(buf, area.x, area.y + i as u16, area.width, l, *s);
    }
}

/// Word-wraps prose to `width` columns (Markdown kept as written, blank lines kept once).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    if width < 4 {
        return out;
    }
    for para in text.trim().lines() {
        let para = para.trim_end();
        if para.is_empty() {
            if out.last().is_some_and(|l: &String| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let mut line = String::new();
        for w in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(w);
        }
        if !line.is_empty() {
            out.push(line);
        }
    }
    out
}
