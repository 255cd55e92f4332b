//! Where each pane goes. Space follows content (`sizing`): at full size the panes stand in
//! bands (health beside the clock, community beside the moderation queue, the status
//! pages, then the alert feed across the whole width, which takes every row the others do
//! not need); tabs below 120x36; zoom gives the focused pane the body. A wall puts a
//! headline band on top, spaces the panes wider and rotates between pane sets.
use ratatui::layout::{Constraint, Layout, Rect};

use crate::model::{Model, Pane};

use super::sizing::{Want, allocate, want};

#[derive(Debug, Clone, PartialEq)]
pub struct ScreenLayout {
    pub header: Rect,
    /// The tab bar, when the screen is too small for every pane.
    pub tabs: Option<Rect>,
    /// The wall's headline band (worst state, firing counts, the first incident).
    pub headline: Option<Rect>,
    pub body: Rect,
    pub footer: Rect,
    pub panes: Vec<(Pane, Rect)>,
    /// On a wall: the page shown (0-based) and the number of pages.
    pub page: Option<(usize, usize)>,
}

/// Below this size the panes become tabs.
pub const MIN_FULL: (u16, u16) = crate::model::pane::MIN_FULL;

/// The pane sets a rotating wall alternates between at full size (the clock's headline is
/// on every page).
const WALL_SETS: [&[Pane]; 2] =
    [&[Pane::Health, Pane::Alerts], &[Pane::Status, Pane::Community, Pane::Moderation, Pane::Clock]];
/// On a small wall every page is one pane.
const WALL_TABS: [Pane; 6] =
    [Pane::Health, Pane::Alerts, Pane::Clock, Pane::Status, Pane::Community, Pane::Moderation];

pub fn compact(area: Rect) -> bool {
    area.width < MIN_FULL.0 || area.height < MIN_FULL.1
}

/// Rows of the wall's headline band for a screen `height` rows high.
pub fn headline_rows(height: u16) -> u16 {
    match height {
        0..12 => 0,
        12..20 => 3,
        20..48 => 7,
        _ => 12,
    }
}

pub fn compute(area: Rect, m: &Model) -> ScreenLayout {
    let compact = compact(area);
    let footer_h = u16::from(area.height >= 3);
    let tabs_h = u16::from(compact && !m.wall && area.height >= 4);
    let headline_h = if m.wall { headline_rows(area.height) } else { 0 };
    let [header, tabs, headline, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(tabs_h),
        Constraint::Length(headline_h),
        Constraint::Fill(1),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    let tabs = (tabs_h > 0).then_some(tabs);
    let headline = (headline_h > 0).then_some(headline);
    let mut page = None;
    let panes = if m.wall && !m.zoom {
        if compact {
            let i = m.wall_page % WALL_TABS.len();
            page = Some((i, WALL_TABS.len()));
            vec![(WALL_TABS[i], body)]
        } else if m.wall_rotation.is_some() {
            let i = m.wall_page % WALL_SETS.len();
            page = Some((i, WALL_SETS.len()));
            spaced(bands(body, m, WALL_SETS[i], 1))
        } else {
            let all = [Pane::Health, Pane::Community, Pane::Moderation, Pane::Status, Pane::Alerts];
            page = Some((0, 1));
            spaced(bands(body, m, &all, 1))
        }
    } else if compact || m.zoom {
        vec![(m.focus, body)]
    } else {
        let mut shown = vec![Pane::Health, Pane::Clock, Pane::Community, Pane::Moderation, Pane::Status];
        shown.push(Pane::Alerts);
        if m.runbook.run.is_some() || m.focus == Pane::Runbook {
            shown.push(Pane::Runbook);
        }
        bands(body, m, &shown, 0)
    };
    ScreenLayout { header, tabs, headline, body, footer, panes, page }
}

/// The band of each pane: 0 health and clock, 1 community and moderation, 2 status
/// pages, 3 the alert feed and the runbook.
fn band_of(p: Pane) -> usize {
    match p {
        Pane::Health | Pane::Clock => 0,
        Pane::Community | Pane::Moderation => 1,
        Pane::Status => 2,
        Pane::Alerts | Pane::Runbook => 3,
    }
}

/// Left-column share of a band of two panes, in percent.
fn left_share(band: usize, pair: (Pane, Pane)) -> u16 {
    match (band, pair) {
        (3, _) => 45,
        (0, _) => 58,
        _ => 55,
    }
}

/// `shown` panes laid out in bands; each band as tall as its panes ask (`sizing`), the
/// rest to the alert feed's band (or, without it, to the band that can use it). `spacing`
/// blank rows stand under each band (a wall's larger spacing).
fn bands(body: Rect, m: &Model, shown: &[Pane], spacing: u16) -> Vec<(Pane, Rect)> {
    let mut members: [Vec<Pane>; 4] = Default::default();
    for &p in shown {
        members[band_of(p)].push(p);
    }
    let used: Vec<usize> = (0..4).filter(|&b| !members[b].is_empty()).collect();
    if used.is_empty() {
        return Vec::new();
    }
    let wants: Vec<Want> = used
        .iter()
        .map(|&b| members[b].iter().map(|&p| want(p, m)).fold(Want::default(), Want::max_with))
        .map(|w| Want { min: w.min + spacing, pref: w.pref + spacing, max: w.max.saturating_add(spacing) })
        .collect();
    // Importance: health and the clock, then the alert feed, then the rest.
    let rank = |b: usize| [0, 2, 3, 1][b];
    let mut order: Vec<usize> = (0..used.len()).collect();
    order.sort_by_key(|&i| rank(used[i]));
    let fill = used.iter().position(|&b| b == 3).or_else(|| {
        // No feed: the band with the largest maximum takes the rest.
        (0..used.len()).max_by_key(|&i| wants[i].max)
    });
    let heights = allocate(body.height, &wants, &order, fill);
    let mut out = Vec::new();
    let mut y = body.y;
    for (i, &b) in used.iter().enumerate() {
        let r = Rect { x: body.x, y, width: body.width, height: heights[i] };
        y += heights[i];
        match members[b].as_slice() {
            [one] => out.push((*one, r)),
            [a, c, ..] => {
                let share = left_share(b, (*a, *c));
                let [l, rr] =
                    Layout::horizontal([Constraint::Percentage(share), Constraint::Fill(1)]).areas(r);
                out.push((*a, l));
                out.push((*c, rr));
            }
            [] => {}
        }
    }
    out
}

/// A wall's larger spacing: one blank column either side of each pane and a blank row
/// under it, where the pane keeps enough rows.
fn spaced(panes: Vec<(Pane, Rect)>) -> Vec<(Pane, Rect)> {
    panes
        .into_iter()
        .map(|(p, r)| {
            let dx = u16::from(r.width > 40);
            let dy = u16::from(r.height > 3);
            (p, Rect { x: r.x + dx, y: r.y, width: r.width - 2 * dx, height: r.height - dy })
        })
        .collect()
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
