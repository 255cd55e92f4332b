//! `update`: the only function that changes the model. Pure: time and data come in as
//! messages, effects go out as data.
use chrono::{DateTime, Utc};

use crate::domain::PollOutcome;

use super::feed::FeedRow;
use super::keymap::Action;
use super::keys::{Key, KeyCode};
use super::pane::Pane;
use super::state::{Model, Views};

/// Everything that can happen to the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(Key),
    /// A mouse click on a pane (the app hit-tests the layout).
    Click(Pane),
    /// Wheel over a pane: negative up, positive down.
    Scroll {
        pane: Pane,
        delta: i32,
    },
    Resize(u16, u16),
    /// The 1 Hz clock.
    Tick(DateTime<Utc>),
    Polled(PollOutcome),
    /// The incident book changed on disk (read off the loop).
    Incidents(crate::incident::IncidentBook),
    /// The incident book could not be written (a read-only or full state dir), or can be
    /// again (`None`): the screen says so instead of silently opening no incident.
    IncidentStore(Option<String>),
    /// An incident action or silence performed by the app: the status line's text.
    ActionDone(Result<String, String>),
    /// SIGTERM, SIGHUP or SIGINT: leave cleanly (a running runbook block is stopped and
    /// its end journaled first, see `runbook::on_shutdown`).
    Shutdown,
    /// The runbook edge answered (see `model::runbook`).
    Runbook(super::runbook::RunbookMsg),
    /// The silences of every Alertmanager, and the ones that failed (see `silences`).
    Silences(Vec<crate::domain::SilenceRow>, Vec<String>),
    /// A chart's range query answered (`Effect::FetchRange`), by request id.
    ChartData {
        id: u64,
        result: Result<Vec<crate::domain::Series>, String>,
    },
    /// The local time offset east of UTC, in seconds (the app recomputes it every minute).
    Offset(i32),
}

impl From<PollOutcome> for Msg {
    fn from(o: PollOutcome) -> Msg {
        Msg::Polled(o)
    }
}

/// What the app must do after an update. Redraw is not an effect: see `Model::take_dirty`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// The alert views changed: let the incident book open and join incidents from them
    /// (store I/O, done off the loop).
    ObserveAlerts(Vec<crate::derive::AlertView>),
    /// Work for the runbook edge (discovery, journal, processes), performed off the loop.
    Runbook(super::runbook::RunbookJob),
    /// Apply an incident action to the shared store (declare, ack, resolve, note).
    Incident(crate::incident::IncidentAction),
    /// POST the silence to these Alertmanagers, then record it in the current incident.
    Silence {
        silence: crate::domain::NewSilence,
        sources: Vec<String>,
    },
    /// Fetch the silences of every Alertmanager (answered by `Msg::Silences`).
    ListSilences,
    /// Run a chart's range query against a Prometheus source; answer with `Msg::ChartData`.
    FetchRange(super::chart::RangeFetch),
}

/// Computes the derived views from the sources' latest data. Supplied by the app so the
/// model stays independent of how derivation is wired; tests pass their own.
pub type Deriver = fn(&Model) -> Views;

/// Applies one message. `derive` recomputes the views after new poll data.
pub fn update(m: &mut Model, msg: Msg) -> Vec<Effect> {
    update_with(m, msg, super::derived::compute)
}

/// `update` with an explicit deriver (tests use it to inject views).
pub fn update_with(m: &mut Model, msg: Msg, derive: Deriver) -> Vec<Effect> {
    match msg {
        Msg::Key(k) => return on_key(m, k),
        Msg::Click(p) => {
            if m.help {
                m.help = false;
            }
            set_focus(m, p);
            m.dirty = true;
        }
        Msg::Scroll { pane, delta } => {
            if m.focus != pane && !m.zoom {
                set_focus(m, pane);
            }
            move_by(m, delta as isize);
        }
        Msg::Resize(w, h) => {
            m.size = (w, h);
            m.dirty = true;
        }
        Msg::Tick(now) => {
            m.now = now;
            // A small wall shows one pane at a time: it rotates even when not asked to.
            let small = super::pane::compact(m.size).then_some(super::pane::WALL_TAB_ROTATION);
            if let Some(every) = m.wall_rotation.or(small).filter(|_| m.wall)
                && (now - m.wall_page_since).to_std().is_ok_and(|d| d >= every)
            {
                m.wall_page += 1;
                m.wall_page_since = now;
            }
            refresh_time(m);
            return super::chart::tick(m).map(Effect::FetchRange).into_iter().collect();
        }
        Msg::ChartData { id, result } => super::chart::answered(m, id, result),
        Msg::Offset(secs) => {
            if secs != m.utc_offset_secs {
                m.utc_offset_secs = secs;
                refresh_time(m);
            }
        }
        Msg::Polled(o) => {
            let mut fx = on_poll(m, o, derive);
            // Silenced alerts say by whom and why: keep the silence list fresh for them.
            if m.views.alerts.iter().any(|a| a.silenced) {
                fx.extend(super::silences::request(m, false));
            }
            return fx;
        }
        Msg::IncidentStore(err) => {
            if m.incident_store_error != err {
                m.incident_store_error = err;
                m.dirty = true;
            }
        }
        Msg::Incidents(book) => {
            if book != m.incidents {
                m.incidents = book;
                m.dirty = true;
            }
            refresh_time(m);
        }
        Msg::ActionDone(r) => super::incident_actions::done(m, r),
        Msg::Shutdown => return super::runbook::on_shutdown(m),
        Msg::Runbook(r) => return super::runbook::on_msg(m, r),
        Msg::Silences(rows, errors) => super::silences::arrived(m, rows, errors),
    }
    Vec::new()
}

/// Marks dirty when a shown time-dependent string changed.
fn refresh_time(m: &mut Model) {
    let sig = m.time_signature();
    if sig != m.time_sig {
        m.time_sig = sig;
        m.dirty = true;
    }
}

fn on_poll(m: &mut Model, o: PollOutcome, derive: Deriver) -> Vec<Effect> {
    let Some(ix) = m.sources.iter().position(|s| s.name == o.source) else {
        return Vec::new();
    };
    m.sources[ix].freshness.record(o.taken_at, o.result.as_ref().err());
    let alerts = m.sources[ix].kind == crate::domain::SourceKind::Alertmanager;
    let mut effects = Vec::new();
    if let Ok(data) = o.result
        && m.sources[ix].data.as_ref() != Some(&data)
    {
        // An answer equal to the previous one changes no view: it is not derived (with
        // 10,000 alerts that is most of a poll's cost) and not redrawn. (An Alertmanager
        // answer that only moved alert times is the previous list itself: see
        // `sources::alertmanager::AlertCache`.)
        m.sources[ix].data = Some(data);
        m.derive_alerts = alerts;
        let views = derive(m);
        m.derive_alerts = true;
        if m.set_views(views, o.taken_at, alerts) && alerts {
            effects.push(Effect::ObserveAlerts(m.views.alerts.clone()));
        }
    }
    if o.taken_at > m.now {
        m.now = o.taken_at;
    }
    refresh_time(m);
    effects
}

fn set_focus(m: &mut Model, p: Pane) {
    if m.focus == Pane::Alerts && p != Pane::Alerts {
        m.last_look = Some(m.now);
        m.detail = None;
    }
    m.focus = p;
}

fn on_key(m: &mut Model, k: Key) -> Vec<Effect> {
    let ctrl_c = k.ctrl && k.code == KeyCode::Char('c');
    if ctrl_c && m.filter_edit.take().is_some() {
        // Ctrl-C leaves the filter edit and then means what it means everywhere: interrupt
        // a running step (not opsdeck), else quit.
        m.dirty = true;
    } else if let Some(text) = m.filter_edit.as_mut() {
        match k.code {
            KeyCode::Esc => m.filter_edit = None,
            KeyCode::Enter => m.filter = m.filter_edit.take().unwrap_or_default(),
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if !k.ctrl && !k.alt => text.push(c),
            _ => return Vec::new(),
        }
        m.alert_sel = 0;
        m.rebuild_feed();
        return Vec::new();
    }
    if m.actions.prompt.is_some() {
        return super::incident_actions::on_prompt_key(m, k);
    }
    if let Some(fx) = super::runbook::on_key(m, k) {
        return fx;
    }
    if let Some(fx) = super::silences::on_key(m, k) {
        return fx;
    }
    if let Some(fx) = super::screen_keys::on_key(m, k) {
        return fx;
    }
    let Some(action) = m.keymap.action(k) else {
        return Vec::new();
    };
    m.dirty = true;
    if m.help {
        m.help = false;
        if action != Action::Quit {
            return Vec::new();
        }
    }
    run_action(m, action)
}

/// What an action does (a key, or the command palette).
pub(super) fn run_action(m: &mut Model, action: Action) -> Vec<Effect> {
    m.dirty = true;
    if super::incident_actions::handles(action) {
        return super::incident_actions::start(m, action);
    }
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Help => m.help = true,
        Action::FocusNext => set_focus(m, m.focus.next()),
        Action::FocusPrev => set_focus(m, m.focus.prev()),
        Action::Jump(n) => {
            if let Some(p) = Pane::from_number(n) {
                set_focus(m, p);
            }
        }
        Action::Detail => return open_detail(m),
        Action::Palette => m.palette = Some(Default::default()),
        Action::Back => {
            if m.detail.take().is_some() {
                m.detail_scroll = 0;
            } else if m.zoom {
                m.zoom = false;
            } else if !m.filter.is_empty() && m.focus == Pane::Alerts {
                m.filter.clear();
                m.group = None;
                m.alert_sel = 0;
                m.rebuild_feed();
            } else {
                m.dirty = false;
            }
        }
        Action::Filter => {
            set_focus(m, Pane::Alerts);
            m.filter_edit = Some(m.filter.clone());
        }
        Action::Group => {
            let grouped = m.feed.iter().any(|r| matches!(r, FeedRow::Group(_)));
            m.group = Some(!grouped);
            m.alert_sel = 0;
            m.rebuild_feed();
        }
        Action::Zoom => m.zoom = !m.zoom,
        Action::NextTheme => {
            let next = (m.theme_index + 1) % m.theme_names.len().max(1);
            super::screen_keys::set_theme(m, next);
        }
        Action::Up => move_by(m, -1),
        Action::Down => move_by(m, 1),
        Action::PageUp => move_by(m, -10),
        Action::PageDown => move_by(m, 10),
        Action::Top => move_by(m, isize::MIN / 2),
        Action::Bottom => move_by(m, isize::MAX / 2),
        Action::Runbook => return super::runbook::open_picker(m),
        Action::AlertRunbook => return super::runbook::open_from_alert(m),
        _ => {}
    }
    Vec::new()
}

fn open_detail(m: &mut Model) -> Vec<Effect> {
    if m.focus != Pane::Alerts {
        // A figure opens as a chart; other panes zoom.
        if let Some(target) = super::chart::for_selection(m) {
            let range = m.chart.as_ref().map(|c| c.range).unwrap_or_default();
            return vec![Effect::FetchRange(super::chart::open(m, target, range))];
        }
        m.zoom = true;
        return Vec::new();
    }
    match m.feed.get(m.alert_sel) {
        Some(FeedRow::Alert(i)) => {
            m.detail = m.views.alerts.get(*i).map(|a| a.fingerprint.clone());
            m.detail_scroll = 0;
        }
        Some(FeedRow::Group(g)) => {
            m.filter = format!("alertname={}", g.alertname);
            m.group = Some(false);
            m.alert_sel = 0;
            m.rebuild_feed();
        }
        None => {}
    }
    Vec::new()
}

/// Moves the selection (alert feed), the detail view or the pane's scroll by `delta` rows.
fn move_by(m: &mut Model, delta: isize) {
    let clamp = |v: usize, len: usize| -> usize {
        let max = len.saturating_sub(1) as isize;
        (v as isize).saturating_add(delta).clamp(0, max.max(0)) as usize
    };
    if m.detail.is_some() {
        let len = m.detail_alert().map(|a| a.labels.len() + a.annotations.len() + 8).unwrap_or(0);
        m.detail_scroll = clamp(m.detail_scroll, len);
    } else if m.focus == Pane::Alerts {
        m.alert_sel = clamp(m.alert_sel, m.feed.len());
    } else {
        let len = match m.focus {
            Pane::Health => m.views.health.len(),
            Pane::Community => m.views.community.len(),
            Pane::Status => m
                .views
                .status
                .iter()
                .map(|s| 1 + s.components_not_operational.len() + s.incidents.len())
                .sum(),
            _ => 0,
        };
        let i = m.focus.index();
        m.scroll[i] = clamp(m.scroll[i], len);
    }
    m.dirty = true;
}
