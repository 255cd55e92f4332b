//! Where each pane goes. All panes at 200x60; tabs below 120x36; zoom gives the focused
//! pane the body; a wall uses the whole screen with a bigger clock and optional rotation.
use ratatui::layout::{Constraint, Layout, Rect};

use crate::model::{Model, Pane};

#[derive(Debug, Clone, PartialEq)]
pub struct ScreenLayout {
    pub header: Rect,
    /// The tab bar, when the screen is too small for every pane.
    pub tabs: Option<Rect>,
    pub body: Rect,
    pub footer: Rect,
    pub panes: Vec<(Pane, Rect)>,
}

/// Below this size the panes become tabs.
pub const MIN_FULL: (u16, u16) = (120, 36);

/// The pane sets a rotating wall alternates between.
const WALL_SETS: [[Pane; 4]; 2] = [
    [Pane::Health, Pane::Alerts, Pane::Clock, Pane::Community],
    [Pane::Status, Pane::Alerts, Pane::Clock, Pane::Moderation],
];

pub fn compact(area: Rect) -> bool {
    area.width < MIN_FULL.0 || area.height < MIN_FULL.1
}

pub fn compute(area: Rect, m: &Model) -> ScreenLayout {
    let compact = compact(area);
    let footer_h = u16::from(area.height >= 3);
    let tabs_h = u16::from(compact && area.height >= 4);
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(tabs_h),
        Constraint::Fill(1),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    let tabs = (tabs_h > 0).then_some(tabs);
    let panes = if compact || m.zoom {
        vec![(m.focus, body)]
    } else if m.wall && m.wall_rotation.is_some() {
        wall_set(body, WALL_SETS[m.wall_page % WALL_SETS.len()])
    } else {
        full(body, m.wall, super::clock::extra_rows(m))
    };
    ScreenLayout { header, tabs, body, footer, panes }
}

fn full(body: Rect, wall: bool, clock_extra: u16) -> Vec<(Pane, Rect)> {
    let [left, right] = Layout::horizontal([Constraint::Percentage(52), Constraint::Fill(1)]).areas(body);
    let [health, community, moderation, status] = Layout::vertical([
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Fill(2),
    ])
    .areas(left);
    let clock_h = if wall { 10 } else { 5 } + clock_extra;
    let [clock, alerts, runbook] =
        Layout::vertical([Constraint::Length(clock_h), Constraint::Fill(1), Constraint::Length(5)])
            .areas(right);
    vec![
        (Pane::Health, health),
        (Pane::Community, community),
        (Pane::Status, status),
        (Pane::Alerts, alerts),
        (Pane::Clock, clock),
        (Pane::Moderation, moderation),
        (Pane::Runbook, runbook),
    ]
}

fn wall_set(body: Rect, set: [Pane; 4]) -> Vec<(Pane, Rect)> {
    let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(body);
    let [a, b] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(top);
    let [c, d] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(bottom);
    vec![(set[0], a), (set[1], b), (set[2], c), (set[3], d)]
}

/// The pane under a screen position (for mouse clicks), or the tab clicked.
pub fn pane_at(m: &Model, width: u16, height: u16, x: u16, y: u16) -> Option<Pane> {
    let l = compute(Rect::new(0, 0, width, height), m);
    let pos = ratatui::layout::Position { x, y };
    if let Some(tabs) = l.tabs
        && tabs.contains(pos)
    {
        return super::tabs::tab_at(tabs, x, m);
    }
    l.panes.iter().find(|(_, r)| r.contains(pos)).map(|(p, _)| *p)
}
