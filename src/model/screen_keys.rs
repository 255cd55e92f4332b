//! Keys while the command palette or a chart is open, and what palette commands do.
use chrono::Duration;

use super::chart::{self, ChartRange};
use super::keymap::Action;
use super::keys::{Key, KeyCode};
use super::palette::{self, Command};
use super::state::Model;
use super::update::Effect;

/// How long a footer notice (`theme: light`) shows.
const NOTICE: i64 = 5;

/// Switches to theme `index` and says so in the footer.
pub fn set_theme(m: &mut Model, index: usize) {
    m.theme_index = index.min(m.theme_names.len().saturating_sub(1));
    m.notice = Some((format!("theme: {}", m.theme_name()), m.now + Duration::seconds(NOTICE)));
    m.mark_dirty();
}

/// The notice to show now, if any.
pub fn notice(m: &Model) -> Option<&str> {
    m.notice.as_ref().filter(|(_, until)| *until > m.now).map(|(t, _)| t.as_str())
}

/// Handles `k` when the palette or a chart is open; None: not handled here.
pub fn on_key(m: &mut Model, k: Key) -> Option<Vec<Effect>> {
    if m.palette.is_some() {
        return Some(palette_key(m, k));
    }
    if m.chart.is_some() {
        return chart_key(m, k);
    }
    None
}

fn palette_key(m: &mut Model, k: Key) -> Vec<Effect> {
    m.mark_dirty();
    let Some(p) = m.palette.as_mut() else { return Vec::new() };
    match k.code {
        _ if k.ctrl && k.code == KeyCode::Char('c') => m.palette = None,
        KeyCode::Esc => m.palette = None,
        KeyCode::Backspace => {
            if p.input.pop().is_none() {
                m.palette = None;
            }
            if let Some(p) = m.palette.as_mut() {
                p.sel = 0;
            }
        }
        KeyCode::Up => p.sel = p.sel.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => p.sel += 1,
        KeyCode::Enter => {
            let (input, sel) = (p.input.clone(), p.sel);
            m.palette = None;
            return match palette::parse(m, &input, sel) {
                Some(cmd) => run(m, cmd),
                None => {
                    m.notice = Some((format!("no command `{input}`"), m.now + Duration::seconds(NOTICE)));
                    Vec::new()
                }
            };
        }
        KeyCode::Char(c) if !k.ctrl && !k.alt => {
            p.input.push(c);
            p.sel = 0;
        }
        _ => {}
    }
    let input = m.palette.as_ref().map(|p| p.input.clone());
    if let Some(input) = input {
        let n = palette::matches(m, &input).len();
        if let Some(p) = m.palette.as_mut() {
            p.sel = p.sel.min(n.saturating_sub(1));
        }
    }
    Vec::new()
}

/// Runs a palette command.
pub fn run(m: &mut Model, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::Action(a) => super::update::run_action(m, a),
        Command::Theme(name) => {
            if let Some(i) = m.theme_names.iter().position(|n| *n == name) {
                set_theme(m, i);
            }
            Vec::new()
        }
        Command::Runbook(name) => {
            if m.readonly {
                m.runbook.status = Some("read-only: runbooks cannot be run here".into());
                return Vec::new();
            }
            m.runbook.busy = Some(format!("loading {name}…"));
            vec![Effect::Runbook(super::runbook::RunbookJob::Load(name))]
        }
        Command::Chart(words, range) => match chart::find(m, &words) {
            Some(target) => {
                m.focus = target.pane;
                vec![Effect::FetchRange(chart::open(m, target, range.unwrap_or_default()))]
            }
            None => Vec::new(),
        },
    }
}

fn chart_key(m: &mut Model, k: Key) -> Option<Vec<Effect>> {
    let action = m.keymap.action(k)?;
    m.mark_dirty();
    let range = match action {
        Action::Jump(n @ 1..=4) => ChartRange::ALL.get(n as usize - 1).copied(),
        Action::Back | Action::Detail => {
            m.chart = None;
            return Some(Vec::new());
        }
        Action::Quit | Action::Palette | Action::Help | Action::NextTheme => return None,
        _ => return Some(Vec::new()),
    };
    let target = m.chart.as_ref()?.target.clone();
    Some(vec![Effect::FetchRange(chart::open(m, target, range?))])
}
