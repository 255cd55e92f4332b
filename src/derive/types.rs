//! What the panes show, derived from the latest poll data. Field names match
//! `opsdeck snapshot --json` (DESIGN.md section 5); fields marked `skip` are screen-only.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::domain::{AlertState, Indicator, LabelSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HealthState {
    /// Ordered worst first so that sorting ascending puts the worst on top.
    Crit,
    Warn,
    Unknown,
    Ok,
}

impl HealthState {
    pub fn word(self) -> &'static str {
        match self {
            HealthState::Ok => "OK",
            HealthState::Warn => "WARN",
            HealthState::Crit => "CRIT",
            HealthState::Unknown => "UNKNOWN",
        }
    }
}

/// The figures of a health row, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthMetric {
    Availability,
    Latency,
    ErrorRate,
    Saturation,
    Burn,
}

impl HealthMetric {
    pub const ALL: [HealthMetric; 5] = [
        HealthMetric::Availability,
        HealthMetric::Latency,
        HealthMetric::ErrorRate,
        HealthMetric::Saturation,
        HealthMetric::Burn,
    ];
    pub fn index(self) -> usize {
        self as usize
    }
    /// The name the TREND column, the palette and the config's `trend` use.
    pub fn short(self) -> &'static str {
        match self {
            HealthMetric::Availability => "avail",
            HealthMetric::Latency => "p99",
            HealthMetric::ErrorRate => "err",
            HealthMetric::Saturation => "sat",
            HealthMetric::Burn => "burn",
        }
    }
    /// The unit shown beside values and on a chart's value axis.
    pub fn unit(self) -> &'static str {
        match self {
            HealthMetric::Availability | HealthMetric::ErrorRate | HealthMetric::Saturation => "%",
            HealthMetric::Latency => "ms",
            HealthMetric::Burn => "x",
        }
    }
    pub fn parse(s: &str) -> Option<HealthMetric> {
        match s.trim().to_ascii_lowercase().as_str() {
            "avail" | "availability" => Some(HealthMetric::Availability),
            "p99" | "latency" | "latency_p99" => Some(HealthMetric::Latency),
            "err" | "errors" | "error_rate" => Some(HealthMetric::ErrorRate),
            "sat" | "saturation" => Some(HealthMetric::Saturation),
            "burn" => Some(HealthMetric::Burn),
            _ => None,
        }
    }
}

/// The thresholds a health row is judged by (DESIGN.md section 2; docs/health.md).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct HealthTargets {
    /// Availability SLO, percent: below it is CRIT.
    pub slo: f64,
    /// p99 latency: above the target is WARN, above `latency_crit_ms` CRIT.
    pub latency_ms: f64,
    pub latency_crit_ms: f64,
    pub error_warn: f64,
    pub error_crit: f64,
    pub saturation_warn: f64,
    /// Error-budget burn rate: fast burn (Google SRE workbook, 2% of a 30-day budget in an
    /// hour) 14.4 is CRIT, 6 (5% in six hours) WARN.
    pub burn_warn: f64,
    pub burn_crit: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthRow {
    pub service: String,
    pub state: HealthState,
    /// Percent, e.g. 99.97.
    pub availability: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    pub error_rate_pct: Option<f64>,
    pub saturation_pct: Option<f64>,
    /// Error-budget burn rate: (100 - availability) / (100 - slo); 1.0 spends it exactly.
    pub burn_rate: Option<f64>,
    /// Why the state is not OK, one short phrase per breached threshold.
    #[serde(skip)]
    pub reasons: Vec<String>,
    /// History of the `trend` metric (in its unit), oldest first.
    #[serde(skip)]
    pub sparkline: Vec<f64>,
    /// Each figure's own state by its own thresholds (None: not configured), by
    /// `HealthMetric::index`. The row's `state` is the worst of them.
    #[serde(skip)]
    pub cells: [Option<HealthState>; 5],
    #[serde(skip)]
    pub targets: HealthTargets,
    /// The metric the TREND column draws: the config's `trend`, else the row's worst.
    #[serde(skip)]
    pub trend: Option<HealthMetric>,
    /// The sparkline's scale: from zero (or below the SLO) to at least the critical
    /// threshold, so that noise far below it stays flat.
    #[serde(skip)]
    pub trend_scale: (f64, f64),
    /// The metrics source the row reads.
    #[serde(skip)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunityRow {
    pub name: String,
    pub value: Option<f64>,
    pub unit: String,
    pub week_ago: Option<f64>,
    pub delta_pct: Option<f64>,
    #[serde(skip)]
    pub sparkline: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModerationView {
    /// Depth by queue priority label (`high`, `low`, ...).
    pub depth: BTreeMap<String, f64>,
    pub inflow_per_min: Option<f64>,
    pub throughput_per_min: Option<f64>,
    /// Total depth / throughput, in seconds.
    pub est_wait_s: Option<f64>,
    pub oldest_age_s: Option<f64>,
    pub sla_s: f64,
    /// Seconds until the estimated wait exceeds the SLA at current inflow and throughput;
    /// 0 when already past it; None when it never will (throughput keeps up).
    pub breach_in_s: Option<f64>,
    /// Total depth over the last hour, oldest first.
    #[serde(skip)]
    pub depth_history: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
}

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        match s.trim().to_ascii_uppercase().as_str() {
            "P0" => Some(Priority::P0),
            "P1" => Some(Priority::P1),
            "P2" => Some(Priority::P2),
            "P3" => Some(Priority::P3),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P0 => "P0",
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }
}

/// One alert as the feed and the snapshot show it, de-duplicated across Alertmanagers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    pub fingerprint: String,
    pub alertname: String,
    pub priority: Priority,
    pub state: AlertState,
    pub silenced: bool,
    pub inhibited: bool,
    pub starts_at: DateTime<Utc>,
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub sources: Vec<String>,
    #[serde(skip)]
    pub generator_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentView {
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusIncidentView {
    pub name: String,
    pub impact: String,
    pub status: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub latest_update: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRow {
    pub name: String,
    pub indicator: Indicator,
    pub description: String,
    pub components_not_operational: Vec<ComponentView>,
    pub incidents: Vec<StatusIncidentView>,
    /// Maintenances in progress (status `in_progress` or `verifying`).
    pub maintenances: Vec<StatusIncidentView>,
}
