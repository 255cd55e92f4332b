//! The operational tables of the config: `[[kpi]]`, `[[deploy]]` with `[[deploy.trigger]]`,
//! `[oncall]`, `[comms]` and `[attention]` (issue #14). Durations are strings; every table
//! refuses unknown keys. Checked with file:line:col by `validate_ops`.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::util::duration::{serde_opt, serde_str};

/// `[[kpi]]`: one row of the KPI board. Either a PromQL `query` or a `builtin` source.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KpiSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// `mtta`, `mttr`, `incidents`, `incidents_p0`..`incidents_p3`, `sla_breaches` (from the
    /// incident book), `change_failure_rate`, `deploy_frequency` (from the deploys in flight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// A comparator and a number, optionally with a unit: `>= 99.95`, `< 200ms`, `<= 1h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(with = "serde_str", default = "default_window")]
    pub window: Duration,
}

pub fn default_window() -> Duration {
    Duration::from_secs(30 * 86_400)
}

/// `[[deploy]]`: a deploy in flight.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeploySpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A query answering the current canary weight in percent; wins over the schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_query: Option<String>,
    /// The canary schedule, `"5%:20m"` per phase, the last without a duration.
    #[serde(default = "default_phases")]
    pub phases: Vec<String>,
    /// A query answering the deploy's start time in unix seconds (e.g. a
    /// `deploy_started_timestamp_seconds{deploy="api"}` series).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_query: Option<String>,
    /// The runbook a firing trigger offers, unless the trigger names its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_runbook: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trigger: Vec<TriggerSpec>,
}

pub fn default_phases() -> Vec<String> {
    ["5%:20m", "25%:30m", "50%:45m", "100%"].iter().map(|s| s.to_string()).collect()
}

/// `[[deploy.trigger]]`: an auto-rollback condition.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    pub name: String,
    /// PromQL answering the watched value (e.g. the canary's error rate in percent).
    pub query: String,
    /// `> 0.5`, or with a baseline a factor: `> 2x` (twice the baseline value).
    pub threshold: String,
    /// Compare against the same query evaluated this long ago (`1h`: PromQL `offset 1h`).
    #[serde(with = "serde_opt", default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Duration>,
    #[serde(rename = "for", with = "serde_str", default = "default_for")]
    pub for_: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_runbook: Option<String>,
}

fn default_for() -> Duration {
    Duration::from_secs(300)
}

/// `[oncall]`: who holds each escalation tier.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct OncallSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rotation: Vec<RotationSpec>,
    /// A TOML file of `[[override]]` rows (`tier`, `name`, `from`, `until`), relative to
    /// the config file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides_file: Option<PathBuf>,
    /// Overrides written inline, same shape as the file's.
    #[serde(default, rename = "override", skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<OverrideSpec>,
}

impl OncallSpec {
    pub fn is_empty(&self) -> bool {
        self.rotation.is_empty() && self.overrides_file.is_none() && self.overrides.is_empty()
    }
}

/// One rotation: the members take turns of `length`, handing off at `handoff` (UTC) on
/// `weekday` (for lengths of a week or more).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RotationSpec {
    /// The escalation tier's name (`Primary on-call`, `L1`, ...).
    pub tier: String,
    pub members: Vec<String>,
    /// `HH:MM`, UTC.
    #[serde(default = "default_handoff")]
    pub handoff: String,
    /// `mon`..`sun`; default `mon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    #[serde(with = "serde_str", default = "default_length")]
    pub length: Duration,
    /// `YYYY-MM-DD`: the first member's first shift begins at the first handoff on or
    /// after this date; default 2024-01-01.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
}

fn default_handoff() -> String {
    "09:00".into()
}
fn default_length() -> Duration {
    Duration::from_secs(7 * 86_400)
}

/// An override: `name` holds `tier` from `from` until `until` (RFC 3339).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    pub tier: String,
    pub name: String,
    #[serde(with = "time")]
    pub from: chrono::DateTime<chrono::Utc>,
    #[serde(with = "time")]
    pub until: chrono::DateTime<chrono::Utc>,
}

/// A time written as a TOML datetime (`2026-11-23T09:00:00Z`) or an RFC 3339 string.
mod time {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Toml(toml::value::Datetime),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = match Either::deserialize(d)? {
            Either::Text(s) => s,
            Either::Toml(t) => t.to_string(),
        };
        DateTime::parse_from_rfc3339(text.trim()).map(|t| t.with_timezone(&Utc)).map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 time with an offset: {e}"))
        })
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

/// `[comms]`: communication deadlines per channel and severity.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CommsSpec {
    #[serde(default)]
    pub channel: Vec<ChannelSpec>,
}

/// A channel: the first update is due `within[severity]` after detection (default
/// `every`), then every `every` (none: once).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    pub name: String,
    /// Severities the channel applies to; default the keys of `within`, else every one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<String>,
    #[serde(with = "serde_opt", default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Duration>,
    /// First deadline per severity (`P0`..`P3` or `SEV-1`..), e.g. `{ P1 = "2h" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub within: BTreeMap<String, String>,
}

impl Default for CommsSpec {
    /// DESIGN.md section 3: status page every 30 min for P0/P1; executive notification at
    /// once for SEV-1, within 2 h for SEV-2, within 24 h for SEV-3.
    fn default() -> Self {
        let within =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        CommsSpec {
            channel: vec![
                ChannelSpec {
                    name: "status-page".into(),
                    severities: vec!["P0".into(), "P1".into()],
                    every: Some(Duration::from_secs(1800)),
                    within: BTreeMap::new(),
                },
                ChannelSpec {
                    name: "executive".into(),
                    severities: vec![],
                    every: None,
                    within: within(&[("P0", "0s"), ("P1", "2h"), ("P2", "24h")]),
                },
            ],
        }
    }
}

/// `[attention]`: the bell and the dead-man's switch.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AttentionSpec {
    /// Ring the terminal bell for a new unacknowledged P0/P1.
    #[serde(default)]
    pub bell: bool,
    /// Ring again this often while one stays unacknowledged.
    #[serde(with = "serde_str", default = "default_repeat")]
    pub repeat: Duration,
    /// Ring on a `--wall` screen too.
    #[serde(default)]
    pub wall_bell: bool,
    /// The always-firing alert whose absence means the alert pipeline is broken; `""`
    /// turns the dead-man's switch off.
    #[serde(default = "default_deadman")]
    pub deadman: String,
}

fn default_repeat() -> Duration {
    Duration::from_secs(30)
}
fn default_deadman() -> String {
    "Watchdog".into()
}

impl Default for AttentionSpec {
    fn default() -> Self {
        AttentionSpec { bell: false, repeat: default_repeat(), wall_bell: false, deadman: default_deadman() }
    }
}

/// Phase presets a `[[escalation.phase_rule]]` may name.
pub const PHASE_PRESETS: &[&str] = &["default", "content-crisis"];

/// `[[escalation.phase_rule]]`: incidents whose opening alert carries every label of
/// `labels` follow the phases of `preset` (`default`, `content-crisis`) or `phases`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhaseRuleSpec {
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<super::PhaseSpec>>,
}
