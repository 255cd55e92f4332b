//! The alert feed's columns, sized to the rows on screen: labels every shown alert has
//! with the same value move to the pane title; each label that differs gets a column as
//! wide as its widest value; the alert name column is as wide as the longest name; the
//! summary takes the rest. When even that leaves the summary too little room, the row
//! flows (name, labels, summary, one after the other) so that nothing is cut while blank
//! cells stand beside it.
use unicode_width::UnicodeWidthStr;

use crate::derive::AlertView;
use crate::model::{FeedRow, Model};

use super::text::clean;

/// Labels never repeated in a feed row (shown elsewhere in it).
pub const HIDDEN: [&str; 3] = ["alertname", "severity", "priority"];
/// Differing labels shown as columns, at most.
const MAX_LABEL_COLS: usize = 3;
/// The summary's least width before the row flows instead.
const MIN_SUMMARY: u16 = 24;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// `key=value` common to every shown alert (for the title).
    pub common: Vec<String>,
    /// Keys that differ, with the width of their widest `key=value`.
    pub labels: Vec<(String, u16)>,
    pub name_w: u16,
    /// Whether any shown alert is silenced or inhibited (the tag column).
    pub tags: bool,
    /// True: too narrow for columns, rows flow.
    pub flow: bool,
}

/// The rows of the feed the pane shows when `rows` rows are visible.
pub fn visible(m: &Model, rows: usize) -> impl Iterator<Item = (usize, &FeedRow)> {
    let offset = (m.alert_sel + 1).saturating_sub(rows);
    m.feed.iter().enumerate().skip(offset).take(rows)
}

fn shown_alerts(m: &Model, rows: usize) -> Vec<&AlertView> {
    visible(m, rows)
        .filter_map(|(_, r)| match r {
            FeedRow::Alert(i) => m.views.alerts.get(*i),
            FeedRow::Group(_) => None,
        })
        .collect()
}

fn w(s: &str) -> u16 {
    clean(s).width().min(200) as u16
}

/// The columns for the shown rows in a pane `width` columns wide.
pub fn columns(m: &Model, rows: usize, width: u16) -> Columns {
    let alerts = shown_alerts(m, rows);
    let grouped = visible(m, rows).any(|(_, r)| matches!(r, FeedRow::Group(_)));
    let mut c = Columns::default();
    if alerts.is_empty() {
        return c;
    }
    let first = alerts[0];
    let mut keys: Vec<&str> = Vec::new();
    for a in &alerts {
        for (k, _) in a.labels.iter() {
            if !HIDDEN.contains(&k) && !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    for k in keys {
        let v0 = first.labels.get(k);
        let same = alerts.iter().all(|a| a.labels.get(k) == v0);
        if same && alerts.len() > 1 && !grouped {
            if let Some(v) = v0 {
                c.common.push(format!("{k}={v}"));
            }
        } else if c.labels.len() < MAX_LABEL_COLS {
            let width =
                alerts.iter().filter_map(|a| a.labels.get(k).map(|v| w(k) + 1 + w(v))).max().unwrap_or(0);
            c.labels.push((k.to_string(), width));
        }
    }
    c.name_w = alerts.iter().map(|a| w(&a.alertname)).max().unwrap_or(0);
    c.tags = alerts.iter().any(|a| a.silenced || a.inhibited);
    // Fixed part: mark 2, priority 3, age 6, gap 1, tag 4, name + gap, labels + gaps.
    let labels_w: u16 = c.labels.iter().map(|(_, w)| w + 1).sum();
    let fixed = 12 + if c.tags { 4 } else { 0 } + c.name_w + 1 + labels_w;
    c.flow = fixed + MIN_SUMMARY > width;
    c
}

/// The label cells of `a` for `c`: one per differing key (empty when it lacks the key).
pub fn label_cells(a: &AlertView, c: &Columns) -> Vec<String> {
    c.labels.iter().map(|(k, _)| a.labels.get(k).map(|v| format!("{k}={v}")).unwrap_or_default()).collect()
}
