//! The silences view (`S`): every active and pending silence of every Alertmanager, with
//! its matchers, author, comment, time left and the alerts it silences; and, for the feed,
//! which silence mutes an alert (`SIL until 14:30 by alice: payments deploy`). The list is
//! fetched by the app (`Effect::ListSilences`) when the view opens and while silenced
//! alerts are shown, at most every `REFRESH`.
use chrono::{DateTime, Utc};

use crate::derive::AlertView;
use crate::domain::SilenceRow;

use super::state::Model;
use super::update::Effect;

/// The shortest time between two fetches of the list.
pub const REFRESH: chrono::Duration = chrono::Duration::seconds(30);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SilencesView {
    pub open: bool,
    pub rows: Vec<SilenceRow>,
    /// Alertmanagers that failed to answer the last fetch (`name: error`).
    pub errors: Vec<String>,
    pub fetched_at: Option<DateTime<Utc>>,
    pub requested_at: Option<DateTime<Utc>>,
    pub sel: usize,
}

/// `S`: opens (and fetches) or closes the view.
pub fn toggle(m: &mut Model) -> Vec<Effect> {
    m.silences.open = !m.silences.open;
    m.mark_dirty();
    if m.silences.open { request(m, true) } else { Vec::new() }
}

/// A fetch, when due (or `force`d) and an Alertmanager is configured.
pub fn request(m: &mut Model, force: bool) -> Vec<Effect> {
    if m.config.alertmanager.is_empty() {
        return Vec::new();
    }
    let due = m.silences.requested_at.is_none_or(|t| m.now - t >= REFRESH);
    if !(force || due) {
        return Vec::new();
    }
    m.silences.requested_at = Some(m.now);
    vec![Effect::ListSilences]
}

/// `S` toggles the view; while it is open, Up/Down select, `r` refreshes, Esc closes.
/// None: the key is not the view's.
pub fn on_key(m: &mut Model, k: super::keys::Key) -> Option<Vec<Effect>> {
    use super::keys::KeyCode;
    if k.ctrl || k.alt {
        return None;
    }
    if k.code == KeyCode::Char('S') {
        return Some(toggle(m));
    }
    if !m.silences.open {
        return None;
    }
    m.mark_dirty();
    match k.code {
        KeyCode::Esc => m.silences.open = false,
        KeyCode::Up => m.silences.sel = m.silences.sel.saturating_sub(1),
        KeyCode::Down => m.silences.sel = (m.silences.sel + 1).min(m.silences.rows.len().saturating_sub(1)),
        KeyCode::Char('r') => return Some(request(m, true)),
        KeyCode::Char('q') => return None,
        _ => {}
    }
    Some(Vec::new())
}

/// The list arrived.
pub fn arrived(m: &mut Model, rows: Vec<SilenceRow>, errors: Vec<String>) {
    m.silences.rows = rows;
    m.silences.errors = errors;
    m.silences.fetched_at = Some(m.now);
    m.silences.sel = m.silences.sel.min(m.silences.rows.len().saturating_sub(1));
    m.mark_dirty();
}

/// The silence muting this alert, if the list knows it.
pub fn silencing<'a>(m: &'a Model, a: &AlertView) -> Option<&'a SilenceRow> {
    m.silences
        .rows
        .iter()
        .find(|s| s.state == "active" && s.alerts.iter().any(|x| x.fingerprint == a.fingerprint))
}

/// `SIL until 14:30 by alice: payments deploy` (local time of the screen).
pub fn sil_text(m: &Model, s: &SilenceRow) -> String {
    let offset =
        chrono::FixedOffset::east_opt(m.utc_offset_secs).unwrap_or(chrono::FixedOffset::east_opt(0).unwrap());
    let until = s.ends_at.with_timezone(&offset).format("%H:%M");
    format!("SIL until {until} by {}: {}", s.created_by, s.comment)
}
