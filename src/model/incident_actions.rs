//! The screen's incident keys (DESIGN.md section 3): declare, acknowledge, resolve, note,
//! and silencing the selected alert. Pure: a key opens a prompt held in the model, the
//! prompt's last answer becomes an `Effect` the app performs off the loop, and the result
//! comes back as `Msg::ActionDone` for the status line. Wall and read-only screens refuse
//! every one of them and say why.
use chrono::{DateTime, Utc};
use std::time::Duration;

use crate::derive::AlertView;
use crate::domain::NewSilence;
use crate::incident::{IncidentAction, Severity, silence};

use super::feed::FeedRow;
use super::keymap::Action;
use super::keys::{Key, KeyCode};
use super::pane::Pane;
use super::state::Model;
use super::update::Effect;

/// The silence duration offered first.
pub const DEFAULT_SILENCE: &str = "2h";
/// How long a status line stays on screen.
pub const STATUS_FOR: chrono::Duration = chrono::Duration::seconds(15);

/// The open prompt (if any) and the last outcome shown in the status line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionState {
    pub prompt: Option<Prompt>,
    pub status: Option<Status>,
    /// The actor recorded as a silence's author (`incident::who::current()`, set by the app).
    pub who: String,
}

/// One line in the footer saying what an action did or why it did not.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    pub at: DateTime<Utc>,
}

/// A dialog in progress. Text prompts take characters, Backspace, Enter and Esc; confirms
/// take y/n, Left/Right and Enter (the highlighted answer, No first) and Esc.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    DeclareTitle {
        text: String,
    },
    DeclareSeverity {
        title: String,
        text: String,
    },
    ConfirmResolve {
        id: u64,
        label: String,
        title: String,
        yes: bool,
    },
    Note {
        id: u64,
        label: String,
        text: String,
    },
    SilenceDuration {
        alert: Box<AlertView>,
        text: String,
    },
    SilenceComment {
        alert: Box<AlertView>,
        duration: String,
        text: String,
    },
    ConfirmSilence {
        alertname: String,
        duration: String,
        silence: Box<NewSilence>,
        sources: Vec<String>,
        yes: bool,
    },
}

impl Prompt {
    /// The dialog's title line.
    pub fn title(&self) -> String {
        match self {
            Prompt::DeclareTitle { .. } | Prompt::DeclareSeverity { .. } => "Declare incident".into(),
            Prompt::ConfirmResolve { label, .. } => format!("Resolve {label}?"),
            Prompt::Note { label, .. } => format!("Note on {label}"),
            Prompt::SilenceDuration { alert, .. } | Prompt::SilenceComment { alert, .. } => {
                format!("Silence {}", alert.alertname)
            }
            Prompt::ConfirmSilence { alertname, .. } => format!("Silence {alertname}?"),
        }
    }

    /// The text being typed, for text prompts.
    pub fn text(&self) -> Option<&str> {
        match self {
            Prompt::DeclareTitle { text }
            | Prompt::DeclareSeverity { text, .. }
            | Prompt::Note { text, .. }
            | Prompt::SilenceDuration { text, .. }
            | Prompt::SilenceComment { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The highlighted answer, for confirmations.
    pub fn yes(&self) -> Option<bool> {
        match self {
            Prompt::ConfirmResolve { yes, .. } | Prompt::ConfirmSilence { yes, .. } => Some(*yes),
            _ => None,
        }
    }

    fn text_mut(&mut self) -> Option<&mut String> {
        match self {
            Prompt::DeclareTitle { text }
            | Prompt::DeclareSeverity { text, .. }
            | Prompt::Note { text, .. }
            | Prompt::SilenceDuration { text, .. }
            | Prompt::SilenceComment { text, .. } => Some(text),
            _ => None,
        }
    }

    fn yes_mut(&mut self) -> Option<&mut bool> {
        match self {
            Prompt::ConfirmResolve { yes, .. } | Prompt::ConfirmSilence { yes, .. } => Some(yes),
            _ => None,
        }
    }
}

/// Whether `action` is one of the incident actions handled here.
pub fn handles(action: Action) -> bool {
    matches!(action, Action::Declare | Action::Acknowledge | Action::Resolve | Action::Note | Action::Silence)
}

/// Sets the status line.
pub fn set_status(m: &mut Model, text: impl Into<String>, error: bool) {
    m.actions.status = Some(Status { text: text.into(), error, at: m.now });
    m.mark_dirty();
}

/// The status line to show at `m.now`, if it is still fresh.
pub fn current_status(m: &Model) -> Option<&Status> {
    m.actions.status.as_ref().filter(|s| m.now - s.at < STATUS_FOR)
}

/// An incident key pressed (no prompt open).
pub fn start(m: &mut Model, action: Action) -> Vec<Effect> {
    if m.wall || m.readonly {
        let why = if m.wall { "wall mode" } else { "read-only mode" };
        set_status(m, format!("{} is disabled in {why}", verb(action)), true);
        return Vec::new();
    }
    let current = m.clock_views().into_iter().next();
    match action {
        Action::Declare => m.actions.prompt = Some(Prompt::DeclareTitle { text: String::new() }),
        Action::Acknowledge => match current {
            Some(v) if v.acknowledged_by.is_some() => {
                set_status(m, format!("{} is already acknowledged", v.label), true)
            }
            Some(v) => return vec![Effect::Incident(IncidentAction::Acknowledge { id: Some(v.id) })],
            None => set_status(m, "no open incident to acknowledge", true),
        },
        Action::Resolve => match current {
            Some(v) => {
                m.actions.prompt =
                    Some(Prompt::ConfirmResolve { id: v.id, label: v.label, title: v.title, yes: false })
            }
            None => set_status(m, "no open incident to resolve", true),
        },
        Action::Note => match current {
            Some(v) => {
                m.actions.prompt = Some(Prompt::Note { id: v.id, label: v.label, text: String::new() })
            }
            None => set_status(m, "no open incident to add a note to", true),
        },
        Action::Silence => match selected_alert(m) {
            Some(a) if m.focus == Pane::Alerts => {
                m.actions.prompt =
                    Some(Prompt::SilenceDuration { alert: Box::new(a), text: DEFAULT_SILENCE.into() })
            }
            _ => set_status(m, "select an alert in the alert feed to silence it", true),
        },
        _ => {}
    }
    m.mark_dirty();
    Vec::new()
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Declare => "declaring an incident",
        Action::Acknowledge => "acknowledging",
        Action::Resolve => "resolving",
        Action::Note => "adding a note",
        Action::Silence => "silencing",
        _ => "this action",
    }
}

/// The alert under the feed's cursor (not a group row).
fn selected_alert(m: &Model) -> Option<AlertView> {
    if let Some(a) = m.detail_alert() {
        return Some(a.clone());
    }
    match m.feed.get(m.alert_sel) {
        Some(FeedRow::Alert(i)) => m.views.alerts.get(*i).cloned(),
        _ => None,
    }
}

/// A key while a prompt is open. Every key goes to the prompt (Ctrl-C still quits).
pub fn on_prompt_key(m: &mut Model, k: Key) -> Vec<Effect> {
    let Some(mut p) = m.actions.prompt.take() else {
        return Vec::new();
    };
    m.mark_dirty();
    if k.code == KeyCode::Char('c') && k.ctrl {
        return vec![Effect::Quit];
    }
    if k.code == KeyCode::Esc {
        set_status(m, "cancelled", false);
        return Vec::new();
    }
    if let Some(yes) = p.yes_mut() {
        match k.code {
            KeyCode::Char('y' | 'Y') => *yes = true,
            KeyCode::Char('n' | 'N') => {
                set_status(m, "cancelled", false);
                return Vec::new();
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Tab | KeyCode::BackTab => *yes = !*yes,
            KeyCode::Enter => {}
            _ => {
                m.actions.prompt = Some(p);
                return Vec::new();
            }
        }
        if k.code == KeyCode::Enter || matches!(k.code, KeyCode::Char('y' | 'Y')) {
            if p.yes() == Some(true) {
                return confirmed(m, p);
            }
            set_status(m, "cancelled", false);
            return Vec::new();
        }
        m.actions.prompt = Some(p);
        return Vec::new();
    }
    let text = p.text_mut().expect("a prompt is a text prompt or a confirmation");
    match k.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) if !k.ctrl && !k.alt => text.push(c),
        KeyCode::Enter => return submit(m, p),
        _ => {}
    }
    m.actions.prompt = Some(p);
    Vec::new()
}

/// Enter on a text prompt: the next prompt, or the effect.
fn submit(m: &mut Model, p: Prompt) -> Vec<Effect> {
    let again = |m: &mut Model, p: Prompt, why: String| {
        set_status(m, why, true);
        m.actions.prompt = Some(p);
        Vec::new()
    };
    match p {
        Prompt::DeclareTitle { text } => {
            if text.trim().is_empty() {
                return again(m, Prompt::DeclareTitle { text }, "an incident needs a title".into());
            }
            m.actions.prompt = Some(Prompt::DeclareSeverity { title: text, text: "P1".into() });
            Vec::new()
        }
        Prompt::DeclareSeverity { title, text } => match Severity::parse(&text) {
            Some(severity) => vec![Effect::Incident(IncidentAction::Declare { title, severity })],
            None => again(
                m,
                Prompt::DeclareSeverity { title, text: text.clone() },
                format!("unknown severity `{text}`: P0-P3 or SEV-1..SEV-4"),
            ),
        },
        Prompt::Note { id, label, text } => {
            if text.trim().is_empty() {
                return again(m, Prompt::Note { id, label, text }, "the note is empty".into());
            }
            vec![Effect::Incident(IncidentAction::Note { id: Some(id), text })]
        }
        Prompt::SilenceDuration { alert, text } => match crate::util::duration::parse(text.trim()) {
            Ok(d) if !d.is_zero() => {
                m.actions.prompt =
                    Some(Prompt::SilenceComment { alert, duration: text, text: String::new() });
                Vec::new()
            }
            _ => again(
                m,
                Prompt::SilenceDuration { alert, text: text.clone() },
                format!("`{text}` is not a duration (like 30m, 2h, 1d)"),
            ),
        },
        Prompt::SilenceComment { alert, duration, text } => {
            let d: Duration = crate::util::duration::parse(duration.trim()).unwrap_or_default();
            match silence::silence_for(&alert, d, &text, &m.actions.who, m.now) {
                Ok(s) => {
                    m.actions.prompt = Some(Prompt::ConfirmSilence {
                        alertname: alert.alertname.clone(),
                        duration,
                        silence: Box::new(s),
                        sources: alert.sources.clone(),
                        yes: false,
                    });
                    Vec::new()
                }
                Err(why) => again(m, Prompt::SilenceComment { alert, duration, text }, why),
            }
        }
        other => {
            m.actions.prompt = Some(other);
            Vec::new()
        }
    }
}

/// A confirmation answered yes.
fn confirmed(m: &mut Model, p: Prompt) -> Vec<Effect> {
    match p {
        Prompt::ConfirmResolve { id, .. } => vec![Effect::Incident(IncidentAction::Resolve { id: Some(id) })],
        Prompt::ConfirmSilence { silence, sources, .. } => {
            let sources = if sources.is_empty() { alertmanager_names(m) } else { sources };
            vec![Effect::Silence { silence: *silence, sources }]
        }
        other => {
            m.actions.prompt = Some(other);
            Vec::new()
        }
    }
}

/// Every configured Alertmanager (when the alert does not say which reported it).
fn alertmanager_names(m: &Model) -> Vec<String> {
    m.sources
        .iter()
        .filter(|s| s.kind == crate::domain::SourceKind::Alertmanager)
        .map(|s| s.name.clone())
        .collect()
}

/// The outcome of a performed effect.
pub fn done(m: &mut Model, result: Result<String, String>) {
    match result {
        Ok(text) => set_status(m, text, false),
        Err(text) => set_status(m, text, true),
    }
}
