//! The model: the one owner of the screen's state. Only `update` changes it; render reads it.
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use crate::config::Config;
use crate::derive::{AlertView, CommunityRow, HealthRow, ModerationView, StatusRow};
use crate::incident::{ClockView, IncidentBook, Policy, clock_views};

use super::feed::{self, FeedCounts, FeedRow, Filter};
use super::freshness::{PaneAge, SourceState, coarse_age, pane_age, pane_source_names, sources_of};
use super::keymap::Keymap;
use super::pane::Pane;

/// The badge in the header. `Wall` and read-only are flags beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Live,
    Demo,
    Drill,
}

/// The derived pane views, recomputed when data changes (never per frame).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Views {
    pub health: Vec<HealthRow>,
    pub community: Vec<CommunityRow>,
    pub moderation: Option<ModerationView>,
    pub alerts: Vec<AlertView>,
    pub status: Vec<StatusRow>,
}

/// What the model is created with (the app fills it from the command line).
#[derive(Debug, Clone)]
pub struct ModelOptions {
    pub mode: Mode,
    pub wall: bool,
    pub readonly: bool,
    /// Names of the themes `t` cycles through, and the one to start with.
    pub theme_names: Vec<String>,
    pub theme_index: usize,
    pub keymap: Keymap,
    /// Wall mode: rotate between pane sets at this interval.
    pub wall_rotation: Option<Duration>,
    pub now: DateTime<Utc>,
    /// Local time offset east of UTC, in seconds (the app reads it once at start).
    pub utc_offset_secs: i32,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            mode: Mode::Live,
            wall: false,
            readonly: false,
            theme_names: vec!["dark".into()],
            theme_index: 0,
            keymap: Keymap::default(),
            wall_rotation: None,
            now: DateTime::<Utc>::UNIX_EPOCH,
            utc_offset_secs: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Model {
    pub config: Config,
    pub mode: Mode,
    pub wall: bool,
    pub readonly: bool,
    pub now: DateTime<Utc>,
    pub utc_offset_secs: i32,
    /// When the screen started: `waiting for am-a (2 s)` counts from here.
    pub started_at: DateTime<Utc>,
    pub sources: Vec<SourceState>,
    /// For each pane (by `Pane::index`), indices into `sources`.
    pub pane_sources: [Vec<usize>; 7],
    pub views: Views,
    /// The alert feed rows for the current views and filter.
    pub feed: Vec<FeedRow>,
    pub feed_counts: FeedCounts,
    pub focus: Pane,
    pub zoom: bool,
    pub help: bool,
    pub theme_names: Vec<String>,
    pub theme_index: usize,
    pub keymap: Keymap,
    /// The applied alert filter text.
    pub filter: String,
    /// While `/` is being typed: the text so far (applied live).
    pub filter_edit: Option<String>,
    /// Some(true/false) once the user pressed `g`; None: group when long.
    pub group: Option<bool>,
    /// Selected row of the feed.
    pub alert_sel: usize,
    /// Fingerprint of the alert whose detail is open.
    pub detail: Option<String>,
    pub detail_scroll: usize,
    /// Scroll offset per pane (rows), by `Pane::index`.
    pub scroll: [usize; 7],
    /// When each alert was first seen, and when the user last looked at the feed: an alert
    /// first seen after the last look is marked new.
    pub first_seen: HashMap<String, DateTime<Utc>>,
    pub last_look: Option<DateTime<Utc>>,
    /// The shared incident book (reloaded off the loop when another process changes it)
    /// and the escalation policy from the config.
    pub incidents: IncidentBook,
    pub policy: Policy,
    pub wall_rotation: Option<Duration>,
    pub wall_page: usize,
    pub wall_page_since: DateTime<Utc>,
    /// Terminal size, from resize events.
    pub size: (u16, u16),
    /// The runbook picker, prompts, dialog and the active run.
    pub runbook: super::runbook::RunbookUi,
    /// The incident keys' open prompt and status line (`incident_actions`).
    pub actions: super::incident_actions::ActionState,
    /// The silences view and the list of silences (`silences`).
    pub silences: super::silences::SilencesView,
    /// The `:` command palette, when open.
    pub palette: Option<super::palette::Palette>,
    /// The open time-series chart.
    pub chart: Option<super::chart::Chart>,
    /// A one-line notice for the footer (`theme: light`) and until when it shows.
    pub notice: Option<(String, DateTime<Utc>)>,
    /// Why the incident book cannot be written now (shown in the footer until it can).
    pub incident_store_error: Option<String>,
    pub(super) dirty: bool,
    pub(super) time_sig: u64,
    /// Whether the next derivation must recompute the alert views (new Alertmanager data);
    /// false keeps the current ones (a metrics or status poll cannot change them, and with
    /// 10,000 alerts they are most of the derivation's cost).
    pub derive_alerts: bool,
}

impl Model {
    pub fn new(config: Config, opts: ModelOptions) -> Model {
        let sources = sources_of(&config);
        let policy = Policy::from_config(&config).unwrap_or_default();
        let pane_sources = Pane::ALL.map(|p| {
            let names = pane_source_names(&config, p);
            sources.iter().enumerate().filter(|(_, s)| names.contains(&s.name)).map(|(i, _)| i).collect()
        });
        let theme_index = opts.theme_index.min(opts.theme_names.len().saturating_sub(1));
        let mut m = Model {
            config,
            mode: opts.mode,
            wall: opts.wall,
            readonly: opts.readonly || opts.wall,
            now: opts.now,
            utc_offset_secs: opts.utc_offset_secs,
            started_at: opts.now,
            sources,
            pane_sources,
            views: Views::default(),
            feed: Vec::new(),
            feed_counts: FeedCounts::default(),
            focus: Pane::Health,
            zoom: false,
            help: false,
            theme_names: opts.theme_names,
            theme_index,
            keymap: opts.keymap,
            filter: String::new(),
            filter_edit: None,
            group: None,
            alert_sel: 0,
            detail: None,
            detail_scroll: 0,
            scroll: [0; 7],
            first_seen: HashMap::new(),
            last_look: None,
            incidents: IncidentBook::default(),
            policy,
            wall_rotation: opts.wall_rotation,
            wall_page: 0,
            wall_page_since: opts.now,
            size: (0, 0),
            runbook: Default::default(),
            actions: Default::default(),
            silences: Default::default(),
            palette: None,
            chart: None,
            notice: None,
            incident_store_error: None,
            dirty: true,
            time_sig: 0,
            derive_alerts: true,
        };
        m.time_sig = m.time_signature();
        m
    }

    /// True when something visible changed since the last call; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    pub fn theme_name(&self) -> &str {
        self.theme_names.get(self.theme_index).map(String::as_str).unwrap_or("dark")
    }

    /// How fresh a pane's data is now.
    pub fn pane_age(&self, pane: Pane) -> PaneAge {
        pane_age(self.pane_sources[pane.index()].iter().map(|&i| &self.sources[i]), self.now)
    }

    /// The filter in effect (the one being typed, if any).
    pub fn active_filter(&self) -> &str {
        self.filter_edit.as_deref().unwrap_or(&self.filter)
    }

    /// Replaces the derived views (after new data); rebuilds the feed when the alert views
    /// changed. With `alerts_derived` false (a metrics or status poll) the alerts in `views`
    /// are ignored and the current ones stay: moved, not copied or compared. Marks dirty
    /// only when something differs; returns whether it did.
    pub fn set_views(&mut self, mut views: Views, seen_at: DateTime<Utc>, alerts_derived: bool) -> bool {
        if !alerts_derived {
            views.alerts = std::mem::take(&mut self.views.alerts);
        }
        if self.last_look.is_none() && self.pane_has_data(Pane::Alerts) {
            // The first answer is the baseline: nothing in it is "new".
            self.last_look = Some(seen_at);
        }
        let alerts_changed = alerts_derived && views.alerts != self.views.alerts;
        let others_changed = views.health != self.views.health
            || views.community != self.views.community
            || views.moderation != self.views.moderation
            || views.status != self.views.status;
        self.views = views;
        if alerts_changed {
            for a in &self.views.alerts {
                if !self.first_seen.contains_key(&a.fingerprint) {
                    self.first_seen.insert(a.fingerprint.clone(), seen_at);
                }
            }
            // A set, not a scan per entry: linear in the number of alerts.
            let live: std::collections::HashSet<&str> =
                self.views.alerts.iter().map(|a| a.fingerprint.as_str()).collect();
            self.first_seen.retain(|fp, _| live.contains(fp.as_str()));
            self.rebuild_feed();
        } else if others_changed {
            self.dirty = true;
        }
        alerts_changed || others_changed
    }

    fn pane_has_data(&self, pane: Pane) -> bool {
        self.pane_sources[pane.index()].iter().any(|&i| self.sources[i].freshness.last_ok.is_some())
    }

    pub fn rebuild_feed(&mut self) {
        let filter = Filter::parse(self.active_filter());
        let (rows, counts) = feed::build(&self.views.alerts, &filter, self.group);
        self.feed = rows;
        self.feed_counts = counts;
        self.alert_sel = self.alert_sel.min(self.feed.len().saturating_sub(1));
        self.dirty = true;
    }

    /// Whether the alert is new since the user last looked at the feed.
    pub fn is_new(&self, a: &AlertView) -> bool {
        match (self.first_seen.get(&a.fingerprint), self.last_look) {
            (Some(t), Some(look)) => *t > look,
            _ => false,
        }
    }

    /// The alert whose detail is open, if it still exists.
    pub fn detail_alert(&self) -> Option<&AlertView> {
        let fp = self.detail.as_ref()?;
        self.views.alerts.iter().find(|a| &a.fingerprint == fp)
    }

    /// Age of an alert as the feed shows it (coarse steps).
    pub fn alert_age(&self, a: &AlertView) -> String {
        coarse_age((self.now - a.starts_at).to_std().unwrap_or_default())
    }

    /// The header clock text (minute resolution: the screen redraws for it once a minute).
    pub fn clock_text(&self) -> (String, String) {
        let utc = self.now.format("%H:%M").to_string();
        let offset = chrono::FixedOffset::east_opt(self.utc_offset_secs)
            .unwrap_or(chrono::FixedOffset::east_opt(0).unwrap());
        let local = self.now.with_timezone(&offset).format("%H:%M").to_string();
        (utc, local)
    }

    /// The clock pane's views of the open incidents at `now`, most severe first.
    pub fn clock_views(&self) -> Vec<ClockView> {
        clock_views(&self.incidents, &self.policy, self.now)
    }

    /// A hash of every time-dependent string on screen. A tick redraws only when it changes.
    pub(super) fn time_signature(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.clock_text().hash(&mut h);
        for p in Pane::ALL {
            let age = self.pane_age(p);
            age.label().hash(&mut h);
            age.reason().hash(&mut h);
        }
        for s in &self.sources {
            std::mem::discriminant(&s.status(self.now)).hash(&mut h);
        }
        for row in self.feed.iter().take(400) {
            let i = match row {
                FeedRow::Alert(i) => *i,
                FeedRow::Group(g) => g.newest,
            };
            if let Some(a) = self.views.alerts.get(i) {
                self.alert_age(a).hash(&mut h);
            }
        }
        for s in &self.views.status {
            for inc in &s.incidents {
                inc.updated_at.map(|t| coarse_age((self.now - t).to_std().unwrap_or_default())).hash(&mut h);
            }
        }
        self.wall_page.hash(&mut h);
        for p in Pane::ALL {
            self.waiting(p).hash(&mut h);
        }
        super::incident_actions::current_status(self).is_some().hash(&mut h);
        self.notice.as_ref().is_some_and(|(_, until)| *until > self.now).hash(&mut h);
        if let Some(c) = &self.chart {
            c.fetched_at.map(|t| coarse_age((self.now - t).to_std().unwrap_or_default())).hash(&mut h);
        }
        // An open incident's clock counts seconds.
        if !self.clock_views().is_empty() {
            self.now.timestamp().hash(&mut h);
        }
        h.finish()
    }
}
