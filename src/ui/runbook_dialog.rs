//! The runbook overlays: the picker, the prompts (justification, parameters, reasons, a
//! placeholder's value with the command it goes into, the placeholder highlighted), the
//! destructive-block confirmation dialog, the quit question (with the run id and the
//! resume command), and the status line over the footer (a text field's keys while it has
//! them). Drawn after the panes, from the model only.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Widget};

use crate::model::Model;
use crate::model::runbook::{Picker, Prompt, PromptKind, Setup};
use crate::runbook::machine::{ConfirmDialog, Expect};

use super::runbook::wrap;
use super::text::{Row, put};
use super::theme::Theme;

/// Draws whichever runbook overlay is open over `body`, and the status line over `footer`.
pub fn draw(buf: &mut Buffer, body: Rect, footer: Rect, m: &Model, t: &Theme) {
    let ui = &m.runbook;
    if let Some(p) = &ui.picker {
        picker(buf, body, p, t);
    }
    if let Some(p) = ui.prompt.as_ref().filter(|p| p.kind == PromptKind::Value) {
        value(buf, body, p, m, t);
    } else if let Some(p) = &ui.prompt {
        prompt(buf, body, p, ui.setup.as_ref(), m, t);
    }
    if let Some(d) = ui.run.as_ref().filter(|_| ui.dialog_open()).and_then(|r| r.machine.confirm_dialog()) {
        let drill = ui.run.as_ref().is_some_and(|r| r.drill());
        confirm(buf, body, &d, (&ui.confirm_text, ui.dialog_scroll), drill, t);
    }
    if ui.quit_ask {
        quit(buf, body, m, t);
    }
    status(buf, footer, m, t);
}

/// A centred box of at most `w` x `h` inside `body`, cleared, with a border and titles.
fn boxed(
    buf: &mut Buffer,
    body: Rect,
    (w, h): (u16, u16),
    (title, bottom): (&str, &str),
    style: Style,
    t: &Theme,
) -> Rect {
    let w = w.min(body.width);
    let h = h.min(body.height);
    let area =
        Rect { x: body.x + (body.width - w) / 2, y: body.y + (body.height - h) / 2, width: w, height: h };
    if area.width < 4 || area.height < 3 {
        return Rect::default();
    }
    Clear.render(area, buf);
    buf.set_style(area, t.base());
    let block = Block::bordered()
        .border_style(style)
        .title(Line::styled(super::text::clean(title).into_owned(), style))
        .title_bottom(Line::styled(bottom.to_string(), t.muted()));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Writes lines top-down; returns the next free row.
fn lines(buf: &mut Buffer, area: Rect, mut y: u16, items: &[(String, Style)]) -> u16 {
    for (l, s) in items {
        if y >= area.bottom() {
            break;
        }
        put(buf, area.x, y, area.width, l, *s);
        y += 1;
    }
    y
}

fn picker(buf: &mut Buffer, body: Rect, p: &Picker, t: &Theme) {
    let h = (p.items.len() as u16 * 2 + 4).max(6);
    let titles = (" Run a runbook ", " ↑↓ choose · Enter start · Esc close ");
    let inner = boxed(buf, body, (110, h), titles, t.border(true), t);
    if inner.is_empty() {
        return;
    }
    let mut row = Row::new(buf, inner, inner.y);
    row.cell("NAME", 22, false, t.muted()).gap(1).cell("STEPS", 5, true, t.muted()).gap(1);
    row.cell("DESTR", 5, true, t.muted()).gap(2).text("TITLE / INTENT", t.muted());
    let per = 2u16;
    let visible = ((inner.height.saturating_sub(1)) / per).max(1) as usize;
    let first = p.sel.saturating_sub(visible - 1);
    for (i, f) in p.items.iter().enumerate().skip(first).take(visible) {
        let y = inner.y + 1 + (i - first) as u16 * per;
        let sel = i == p.sel;
        let base = if sel { t.selection() } else { t.text() };
        if sel {
            buf.set_style(Rect { x: inner.x, y, width: inner.width, height: 1 }, t.selection());
        }
        let mut row = Row::new(buf, inner, y);
        row.text(if sel { "›" } else { " " }, t.accent()).cell(&f.name(), 21, false, base).gap(1);
        match &f.runbook {
            Ok(rb) => {
                let d = rb.steps.iter().filter(|s| s.is_destructive()).count();
                row.cell(&rb.steps.len().to_string(), 5, true, base).gap(1);
                let ds = if d > 0 { t.warn() } else { base };
                row.cell(&if d > 0 { format!("⚠{d}") } else { "0".into() }, 5, true, ds).gap(2);
                row.text(&rb.title, base);
                if let Some(intent) = &rb.intent {
                    put(buf, inner.x + 37, y + 1, inner.width.saturating_sub(37), intent, t.muted());
                }
            }
            Err(e) => {
                row.text(&format!("error: {e}"), t.crit());
            }
        }
    }
}

fn prompt(buf: &mut Buffer, body: Rect, p: &Prompt, setup: Option<&Setup>, m: &Model, t: &Theme) {
    let rb = setup.map(|s| &s.runbook).or_else(|| m.runbook.run.as_ref().map(|r| r.machine.runbook()));
    let title = rb.map(|r| r.title.as_str()).unwrap_or("runbook");
    let mut items: Vec<(String, Style)> = Vec::new();
    let (head, label) = match p.kind {
        PromptKind::Justification => {
            let pat = rb.and_then(|r| r.justification.as_ref()).and_then(|j| j.pattern.clone());
            items.push((
                "This runbook has destructive steps: give a justification (a ticket id).".into(),
                t.text(),
            ));
            if let Some(pat) = pat {
                items.push((format!("It must match {pat}"), t.muted()));
            }
            (format!(" Justification · {title} "), "justification")
        }
        PromptKind::Param(i) => {
            items.push((
                "Parameters (each reaches the commands as an environment variable):".into(),
                t.text(),
            ));
            if let Some(s) = setup {
                for (j, (spec, v)) in s.runbook.params.iter().zip(&s.values).enumerate() {
                    let cur = j == i;
                    let val = if cur { p.text.clone() } else { v.clone() };
                    let desc = spec.description.clone().unwrap_or_default();
                    items.push((
                        format!("{} {}={:?}  {desc}", if cur { "›" } else { " " }, spec.env_name(), val),
                        if cur { t.accent() } else { t.text() },
                    ));
                }
            }
            let name =
                setup.and_then(|s| s.runbook.params.get(i)).map(|s| s.name.as_str()).unwrap_or("value");
            (format!(" Parameters · {title} "), name)
        }
        PromptKind::Skip | PromptKind::SkipFailed => {
            items.push(("Why is this step skipped? (journaled)".into(), t.text()));
            (format!(" Skip step · {title} "), "reason")
        }
        PromptKind::Value => (" Value ".to_string(), "value"),
        PromptKind::Abort => {
            items.push((
                "Abort the run? Enter aborts (a reason is journaled), Esc keeps running.".into(),
                t.text(),
            ));
            (format!(" Abort · {title} "), "reason")
        }
    };
    if let Some(e) = &p.error {
        items.push((format!("✗ {e}"), t.crit()));
    }
    let h = items.len() as u16 + 5;
    let inner = boxed(buf, body, (100, h), (&head, " Enter accept · Esc cancel "), t.border(true), t);
    if inner.is_empty() {
        return;
    }
    let y = lines(buf, inner, inner.y, &items) + 1;
    if y < inner.bottom() {
        let mut row = Row::new(buf, inner, y);
        row.text(&format!("{label}: "), t.muted()).text(&p.text, t.text()).text("▏", t.accent());
    }
}

/// A placeholder's value: the block's commands with the placeholder highlighted, the
/// variable it reaches them as, and the input (dots for a secret).
fn value(buf: &mut Buffer, body: Rect, p: &Prompt, m: &Model, t: &Theme) {
    let Some(v) = m.runbook.run.as_ref().and_then(|r| r.machine.value_prompt()) else { return };
    let ph = &v.placeholder;
    let cmd_lines: Vec<&str> = v.commands.iter().flat_map(|c| c.lines()).collect();
    let mut head: Vec<(String, Style)> = vec![
        (
            format!("Block {} uses {}: give its value (it is asked once per run).", v.block + 1, ph.text),
            t.text(),
        ),
        (
            format!(
                "It reaches the command only as the environment variable {}{}.",
                ph.env,
                if v.secret { "; journaled as ***" } else { "" }
            ),
            t.muted(),
        ),
        ("command:".into(), t.muted()),
    ];
    if v.remaining > 0 {
        head.push((format!("({} more value(s) for this block after this one)", v.remaining), t.muted()));
    }
    let h = (head.len() + cmd_lines.len()) as u16 + 6 + u16::from(p.error.is_some());
    let title = format!(" Value · step {} {} · block {} ", v.step + 1, v.step_title, v.block + 1);
    let inner =
        boxed(buf, body, (110, h), (&title, " Enter accept · Esc do not run the block "), t.border(true), t);
    if inner.is_empty() {
        return;
    }
    let mut y = lines(buf, inner, inner.y, &head);
    let mark =
        t.selection().add_modifier(ratatui::style::Modifier::BOLD | ratatui::style::Modifier::REVERSED);
    for l in &cmd_lines {
        if y >= inner.bottom() {
            break;
        }
        let mut row = Row::new(buf, inner, y);
        row.text("    ", t.text());
        for (i, part) in l.split(ph.text.as_str()).enumerate() {
            if i > 0 {
                row.text(&ph.text, mark);
            }
            row.text(part, t.accent());
        }
        y += 1;
    }
    if let Some(e) = &p.error {
        y = lines(buf, inner, y, &[(format!("✗ {e}"), t.crit())]);
    }
    let y = y + 1;
    if y < inner.bottom() {
        let shown = if v.secret { "•".repeat(p.text.chars().count()) } else { p.text.clone() };
        let mut row = Row::new(buf, inner, y);
        row.text(&format!("{}: ", ph.text), t.muted()).text(&shown, t.text()).text("▏", t.accent());
    }
}

/// The parameters that name where a command acts, shown as the dialog's target.
const TARGET_PARAMS: [&str; 8] =
    ["TARGET", "CLUSTER", "NAMESPACE", "ENVIRONMENT", "ENV", "HOST", "SERVICE", "REGION"];

fn confirm(
    buf: &mut Buffer,
    body: Rect,
    d: &ConfirmDialog,
    (typed, scroll): (&str, usize),
    drill: bool,
    t: &Theme,
) {
    let mut items: Vec<(String, Style)> = Vec::new();
    if d.unknown {
        items.push((
            "!!! This block STARTED BEFORE WITH NO RECORDED OUTCOME: it may already have run.".into(),
            t.crit(),
        ));
    }
    let width = body.width.min(120).saturating_sub(4) as usize;
    for (kind, text) in &d.callouts {
        let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (i, l) in wrap(&format!("[!{kind}] {one}"), width).into_iter().enumerate() {
            items.push((if i == 0 { l } else { format!("  {l}") }, t.warn()));
        }
    }
    items.push((format!("classification: {:?} ({})", d.safety, d.reason), t.muted()));
    if d.drill_print {
        items.push(("DRILL: the command will be printed, not executed".into(), t.accent()));
    } else if drill {
        items.push((
            "DRILL against the simulator: this command runs for real, with SIM_URL set to the simulator \
             (a command that does not use $SIM_URL is not redirected)"
                .into(),
            t.accent(),
        ));
    }
    items.push(("command (exactly as it will run):".into(), t.muted()));
    // Every character of the command is shown: long lines continue after `↪`.
    let cols = width.saturating_sub(4).max(8);
    for l in d.script.lines() {
        let chars: Vec<char> = l.chars().collect();
        for (i, chunk) in chars.chunks(cols).enumerate() {
            let text: String = chunk.iter().collect();
            items.push((format!("{}{text}", if i == 0 { "    " } else { "  ↪ " }), t.accent()));
        }
        if chars.is_empty() {
            items.push(("    ".into(), t.accent()));
        }
    }
    let params: Vec<&(String, String)> = d.env.iter().filter(|(k, _)| !k.starts_with("OPSDECK_")).collect();
    if !params.is_empty() {
        items.push(("parameters (environment):".into(), t.muted()));
        for (k, v) in &params {
            items.push((format!("    {k}={v:?}"), t.text()));
        }
    }
    if !d.values.is_empty() {
        items.push(("values (environment):".into(), t.muted()));
        for (text, k, v) in &d.values {
            items.push((format!("    {k}={v:?}  ({text})"), t.text()));
        }
    }
    let target: Vec<String> = params
        .iter()
        .filter(|(k, _)| TARGET_PARAMS.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    items.push((
        format!(
            "target: {}",
            if target.is_empty() { "as the command says".into() } else { target.join(" · ") }
        ),
        t.text(),
    ));
    items.push((
        match &d.rollback {
            Some((r, title)) => format!("rollback: step {} {title}", r + 1),
            None => "rollback: none registered".into(),
        },
        t.text(),
    ));
    if let Some(to) = d.timeout {
        items.push((format!("timeout: {}", crate::util::duration::format_compact(to)), t.muted()));
    }
    let answer = match &d.expect {
        Expect::Yes => {
            "Type yes (the whole word, not y) to run it. Anything else cancels. Default: No".to_string()
        }
        Expect::Typed(v) => format!("Type `{v}` to run it. Anything else cancels. Default: No"),
    };
    let h = items.len() as u16 + 6;
    let title = format!(
        " ⚠ CONFIRM · step {} {} · block {} (line {}) ",
        d.step + 1,
        d.step_title,
        d.block + 1,
        d.line
    );
    let inner = boxed(buf, body, (120, h), (&title, " Enter submit · Esc No · ↑↓ scroll "), t.crit(), t);
    if inner.is_empty() {
        return;
    }
    // The answer lines stay at the bottom; the details scroll above them when the box is
    // too short, with a marker saying how much is hidden.
    let room = inner.height.saturating_sub(3) as usize;
    let (shown, above, below) = if items.len() <= room {
        (items.clone(), 0, 0)
    } else {
        let visible = room.saturating_sub(1).max(1);
        let first = scroll.min(items.len() - visible);
        let below = items.len() - first - visible;
        (items[first..first + visible].to_vec(), first, below)
    };
    let mut y = inner.y;
    if above > 0 {
        put(buf, inner.x, y, inner.width, &format!("↑ {above} more lines above"), t.muted());
        y += 1;
    }
    y = lines(buf, inner, y, &shown);
    if below > 0 {
        put(buf, inner.x, y, inner.width, &format!("↓ {below} more lines below (↓ to read them)"), t.warn());
    }
    let y = inner.bottom().saturating_sub(2);
    if y > inner.y {
        put(buf, inner.x, y, inner.width, &answer, t.warn().add_modifier(ratatui::style::Modifier::BOLD));
        let mut row = Row::new(buf, inner, y + 1);
        row.text("> ", t.warn()).text(typed, t.text()).text("▏", t.accent());
    }
}

fn quit(buf: &mut Buffer, body: Rect, m: &Model, t: &Theme) {
    let what = m.runbook.run.as_ref().map(|r| super::runbook::phase_line(r).0).unwrap_or_default();
    let inner = boxed(buf, body, (84, 9), (" Quit opsdeck? ", " y quit · any other key stays "), t.crit(), t);
    if inner.is_empty() {
        return;
    }
    let running = m
        .runbook
        .run
        .as_ref()
        .is_some_and(|r| matches!(r.machine.phase(), crate::runbook::machine::Phase::Running { .. }));
    let mut items = vec![("A runbook run is in progress:".to_string(), t.text()), (what, t.accent())];
    if running {
        items.push(("Its block keeps running after opsdeck exits (Ctrl-C first stops it).".into(), t.crit()));
    }
    let id = m.runbook.run.as_ref().map(|r| r.machine.options().run_id.clone()).unwrap_or_default();
    items.extend([
        (format!("Run {id} stays unfinished; continue it later with:"), t.warn()),
        (format!("  opsdeck runbook resume {id}"), t.accent()),
        ("Quit anyway? [y/N]".into(), t.warn()),
    ]);
    lines(buf, inner, inner.y, &items);
}

/// The status line (why a key did nothing, warnings), or the phase's keys, over the footer.
fn status(buf: &mut Buffer, footer: Rect, m: &Model, t: &Theme) {
    if footer.is_empty() {
        return;
    }
    let ui = &m.runbook;
    let text = if let Some(s) = &ui.status {
        Some((format!(" {s}"), t.warn()))
    } else if let Some(b) = &ui.busy {
        Some((format!(" {b}"), t.muted()))
    } else if ui.quit_ask {
        Some((" y quit (the run stays unfinished) · any other key stays".into(), t.muted()))
    } else if ui.dialog_open() {
        Some((" typing the answer · Enter submit · Backspace delete · Esc No · ↑↓ scroll".into(), t.muted()))
    } else if let Some(p) = &ui.prompt {
        let esc = if p.kind == PromptKind::Value { "Esc skip the block" } else { "Esc cancel" };
        Some((format!(" typing · Enter accept · Backspace delete · {esc}"), t.muted()))
    } else if ui.picker.is_some() {
        Some((" ↑↓ choose · Enter start · Esc close".into(), t.muted()))
    } else if ui.run.is_some() && m.focus == crate::model::Pane::Runbook && !ui.modal() && !m.help {
        Some((
            format!(" runbook: {} · Tab other panes · z zoom", crate::model::runbook::hints(ui)),
            t.muted(),
        ))
    } else {
        None
    };
    if let Some((s, style)) = text {
        buf.set_style(footer, t.base());
        for x in footer.x..footer.right() {
            buf[(x, footer.y)].set_symbol(" ");
        }
        put(buf, footer.x, footer.y, footer.width, &s, style);
    }
}
