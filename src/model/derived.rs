//! Derived views from the sources' latest data, via `crate::derive` (pure).
use std::collections::BTreeMap;

use crate::derive;
use crate::domain::{MetricsPoll, PollData, StatusSummary};

use super::state::{Model, Views};

/// Recomputes every view from the latest good data of every source (the alert views only
/// when `m.derive_alerts`; otherwise they are left empty and the current ones are kept). Called on new data only,
/// never per frame.
pub fn compute(m: &Model) -> Views {
    let mut metrics: BTreeMap<String, MetricsPoll> = BTreeMap::new();
    let mut alerts: Vec<(String, &[crate::domain::Alert])> = Vec::new();
    let mut pages: BTreeMap<String, StatusSummary> = BTreeMap::new();
    for s in &m.sources {
        match &s.data {
            Some(PollData::Metrics(p)) => {
                metrics.insert(s.name.clone(), p.clone());
            }
            Some(PollData::Alerts(a)) if m.derive_alerts => alerts.push((s.name.clone(), a)),
            Some(PollData::Alerts(_)) => {}
            Some(PollData::Status(p)) => {
                pages.insert(s.name.clone(), p.clone());
            }
            None => {}
        }
    }
    let alert_views = if m.derive_alerts {
        match alerts.as_slice() {
            // One Alertmanager: nothing to merge (its alerts already name it as their
            // source), so no copy of 10,000 alerts just to de-duplicate them.
            [(_, one)] if crate::domain::fingerprints_unique(one) => {
                derive::alerts::views(&m.config.priority, one)
            }
            _ => derive::alerts::views(&m.config.priority, &crate::domain::dedup(&alerts)),
        }
    } else {
        // Not asked for: `Model::set_views` keeps the current alert views.
        Vec::new()
    };
    Views {
        health: derive::health::rows(&m.config, &metrics),
        community: derive::community::rows(&m.config, &metrics),
        moderation: derive::moderation::view_after(&m.config, &metrics, m.views.moderation.as_ref()),
        alerts: alert_views,
        status: derive::status::rows(&pages),
    }
}
