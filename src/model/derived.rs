//! Derived views from the sources' latest data, via `crate::derive` (pure).
use std::collections::BTreeMap;

use crate::derive;
use crate::sources::{MetricsPoll, PollData, StatusSummary, alertmanager};

use super::state::{Model, Views};

/// Recomputes every view from the latest good data of every source. Called on new data
/// only, never per frame.
pub fn compute(m: &Model) -> Views {
    let mut metrics: BTreeMap<String, MetricsPoll> = BTreeMap::new();
    let mut alerts: Vec<(String, Vec<crate::sources::Alert>)> = Vec::new();
    let mut pages: BTreeMap<String, StatusSummary> = BTreeMap::new();
    for s in &m.sources {
        match &s.data {
            Some(PollData::Metrics(p)) => {
                metrics.insert(s.name.clone(), p.clone());
            }
            Some(PollData::Alerts(a)) => alerts.push((s.name.clone(), a.clone())),
            Some(PollData::Status(p)) => {
                pages.insert(s.name.clone(), p.clone());
            }
            None => {}
        }
    }
    let merged = alertmanager::dedup(&alerts);
    Views {
        health: derive::health::rows(&m.config, &metrics),
        community: derive::community::rows(&m.config, &metrics),
        moderation: derive::moderation::view(&m.config, &metrics),
        alerts: derive::alerts::views(&m.config.priority, &merged),
        status: derive::status::rows(&pages),
    }
}
