//! The operational parts of `snapshot --json` (issue #14): `kpis`, `deploys`, `oncall`,
//! `deadman`, and each open incident's `comms` deadlines. `metrics_parts` is pure (the
//! poll), `book_parts` reads the incident book (never writes it).
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::config::Config;
use crate::derive::deploy::{DeployView, TriggerState};
use crate::derive::kpi::{KpiRow, Measured};
use crate::derive::{self, AlertView};
use crate::domain::MetricsPoll;
use crate::incident::{IncidentBook, Policy};

/// Who holds a tier now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OncallRow {
    pub tier: String,
    pub name: String,
    pub until: Option<DateTime<Utc>>,
    pub next: Option<String>,
}

/// The deploy-based built-ins: the share of deploys in flight with a firing trigger, and
/// how many are in flight. (A figure over 30 days needs a query.)
fn deploy_builtin(name: &str, deploys: &[DeployView]) -> Option<Measured> {
    let n = deploys.len() as f64;
    let value = match name {
        "deploy_frequency" => Some(n),
        "change_failure_rate" if n > 0.0 => {
            let failing =
                deploys.iter().filter(|d| d.triggers.iter().any(|t| t.state == TriggerState::Firing)).count();
            Some(100.0 * failing as f64 / n)
        }
        "change_failure_rate" => None,
        _ => return None,
    };
    Some(Measured { value, previous: None })
}

pub fn kpis(
    cfg: &Config,
    metrics: &BTreeMap<String, MetricsPoll>,
    deploys: &[DeployView],
    book: &IncidentBook,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Vec<KpiRow> {
    derive::kpi::rows(cfg, metrics, &|name, window| {
        deploy_builtin(name, deploys)
            .or_else(|| crate::incident::kpi::measure(book, policy, name, window, now))
    })
}

/// The deadman banner of one round of polls: only when an Alertmanager answered.
pub fn deadman(cfg: &Config, alerts: &[AlertView], answered: bool) -> Option<String> {
    derive::deadman::single_poll(alerts, &cfg.attention.deadman, answered)
}

pub fn oncall(policy: &Policy, now: DateTime<Utc>) -> Vec<OncallRow> {
    policy
        .oncall
        .tiers()
        .into_iter()
        .filter_map(|t| policy.oncall.holder(&t, now))
        .map(|h| OncallRow { tier: h.tier, name: h.name, until: h.until, next: h.next })
        .collect()
}

/// Adds `comms` (the next due update per channel) to each open incident's JSON.
pub fn add_comms(
    cfg: &Config,
    book: &IncidentBook,
    policy: &Policy,
    list: &mut [serde_json::Value],
    now: DateTime<Utc>,
) {
    let spec = cfg.comms.clone().unwrap_or_default();
    for v in list {
        let Some(id) = v.get("id").and_then(|i| i.as_u64()) else { continue };
        let Some(inc) = book.get(id) else { continue };
        let due = crate::incident::comms::due(inc, &spec, policy, now);
        if let Some(obj) = v.as_object_mut() {
            obj.insert("comms".into(), serde_json::to_value(due).unwrap_or_default());
        }
    }
}
