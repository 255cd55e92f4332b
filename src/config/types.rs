//! What a config file holds. Field names follow DESIGN.md section 5; names may grow, not
//! drift. Durations are strings (`5s`); every table refuses unknown keys.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::util::duration::{serde_opt, serde_str};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_environment")]
    pub environment: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub prometheus: Vec<SourceSpec>,
    #[serde(default)]
    pub scrape: Vec<SourceSpec>,
    #[serde(default)]
    pub alertmanager: Vec<SourceSpec>,
    #[serde(default)]
    pub statuspage: Vec<SourceSpec>,
    #[serde(default)]
    pub health: Vec<HealthSpec>,
    #[serde(default)]
    pub community: Vec<CommunitySpec>,
    #[serde(default)]
    pub moderation: Option<ModerationSpec>,
    #[serde(default)]
    pub priority: PrioritySpec,
    #[serde(default)]
    pub escalation: EscalationSpec,
    #[serde(default)]
    pub runbooks: RunbooksSpec,
    /// Refuse every mutating command (incident, silence, runbook run outside `--drill`),
    /// like `--readonly`.
    #[serde(default)]
    pub readonly: bool,
    #[serde(default)]
    pub audit: AuditSpec,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpi: Vec<super::ops::KpiSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deploy: Vec<super::ops::DeploySpec>,
    #[serde(default, skip_serializing_if = "super::ops::OncallSpec::is_empty")]
    pub oncall: super::ops::OncallSpec,
    /// None: the defaults of DESIGN.md section 3 (`CommsSpec::default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comms: Option<super::ops::CommsSpec>,
    #[serde(default)]
    pub attention: super::ops::AttentionSpec,
}

/// `[audit]`: an optional key that signs the run index (HMAC-SHA256), so that a journal
/// rewritten in full by someone without the key is detected.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct AuditSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
}

fn default_environment() -> String {
    "default".into()
}
fn default_theme() -> String {
    "dark".into()
}

impl Default for Config {
    fn default() -> Self {
        toml::from_str("").expect("the empty config is valid")
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    #[serde(with = "serde_str", default = "default_poll")]
    pub poll: Duration,
    #[serde(with = "serde_str", default = "default_timeout")]
    pub timeout: Duration,
}

fn default_poll() -> Duration {
    Duration::from_secs(5)
}
fn default_timeout() -> Duration {
    Duration::from_secs(4)
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults { poll: default_poll(), timeout: default_timeout() }
    }
}

/// Prometheus queries of one source in flight at once unless `max_in_flight` says otherwise.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 8;

/// One source of any kind: `[[prometheus]]`, `[[scrape]]`, `[[alertmanager]]`, `[[statuspage]]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub name: String,
    pub url: String,
    #[serde(with = "serde_opt", default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<Duration>,
    #[serde(with = "serde_opt", default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<BasicAuth>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Header names whose values are secrets besides those named like a secret
    /// (`authorization`, `cookie`, `*token*`, `*key*`, `*secret*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Alertmanagers of one HA cluster share a name here (else their `/api/v2/status`
    /// peers tell): a silence is posted once per cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The largest answer read (`"128MiB"` or bytes); default 128 MiB for Alertmanager
    /// (a storm of 100,000 alerts is about 60 MB), 16 MiB for the others.
    #[serde(with = "crate::util::bytes::serde_opt", default, skip_serializing_if = "Option::is_none")]
    pub max_body: Option<u64>,
    /// Prometheus: how many queries of one poll may be in flight at once (default 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_in_flight: Option<usize>,
}

impl SourceSpec {
    pub fn poll_or(&self, d: &Defaults) -> Duration {
        self.poll.unwrap_or(d.poll)
    }
    pub fn timeout_or(&self, d: &Defaults) -> Duration {
        self.timeout.unwrap_or(d.timeout)
    }
    /// `max_in_flight`, at least 1.
    pub fn max_in_flight_or_default(&self) -> usize {
        self.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT).max(1)
    }
}

/// Basic auth; the password comes from an environment variable or a file, never the config.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealthSpec {
    pub service: String,
    /// A `[[prometheus]]` or `[[scrape]]` name; default: the first prometheus.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub availability: Option<String>,
    #[serde(default = "default_slo")]
    pub slo: f64,
    #[serde(default)]
    pub latency_p99: Option<String>,
    #[serde(with = "serde_str", default = "default_latency_target")]
    pub latency_target: Duration,
    #[serde(default)]
    pub error_rate: Option<String>,
    #[serde(default = "default_error_warn")]
    pub error_warn: f64,
    #[serde(default = "default_error_crit")]
    pub error_crit: f64,
    #[serde(default)]
    pub saturation: Option<String>,
    #[serde(default = "default_saturation_warn")]
    pub saturation_warn: f64,
    /// p99 above this is CRIT; default twice `latency_target`.
    #[serde(with = "serde_opt", default, skip_serializing_if = "Option::is_none")]
    pub latency_crit: Option<Duration>,
    /// The figure the TREND column draws (`avail`, `p99`, `err`, `sat`); default the
    /// row's worst.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<String>,
}

fn default_slo() -> f64 {
    99.95
}
fn default_latency_target() -> Duration {
    Duration::from_millis(200)
}
fn default_error_warn() -> f64 {
    1.0
}
fn default_error_crit() -> f64 {
    5.0
}
fn default_saturation_warn() -> f64 {
    80.0
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CommunitySpec {
    pub name: String,
    pub query: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub week_over_week: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModerationSpec {
    #[serde(default)]
    pub source: Option<String>,
    /// `sum by (priority) (...)`: one series per queue priority.
    pub depth: String,
    pub inflow: String,
    pub throughput: String,
    #[serde(default)]
    pub oldest_age: Option<String>,
    #[serde(with = "serde_str", default = "default_sla")]
    pub sla: Duration,
}

fn default_sla() -> Duration {
    Duration::from_secs(2 * 3600)
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PrioritySpec {
    #[serde(default = "default_priority_label")]
    pub label: String,
    #[serde(default = "default_severity_label")]
    pub severity_label: String,
    #[serde(default = "default_priority_map")]
    pub map: BTreeMap<String, String>,
    #[serde(default = "default_priority")]
    pub default: String,
}

fn default_priority_label() -> String {
    "priority".into()
}
fn default_severity_label() -> String {
    "severity".into()
}
fn default_priority_map() -> BTreeMap<String, String> {
    [("critical", "P1"), ("warning", "P2")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
fn default_priority() -> String {
    "P3".into()
}

impl Default for PrioritySpec {
    fn default() -> Self {
        PrioritySpec {
            label: default_priority_label(),
            severity_label: default_severity_label(),
            map: default_priority_map(),
            default: default_priority(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct EscalationSpec {
    /// `matrix` (default) or `tiers`; ignored when `tiers` is given.
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub tiers: Option<Vec<TierSpec>>,
    /// Response phases by time since detection; default detection 0, initial response 2m,
    /// mitigation 5m, resolution 15m, post-incident 60m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<PhaseSpec>>,
    /// Resolution targets per severity; default P0 1h, P1 4h, P2 24h, P3 none.
    #[serde(default)]
    pub targets: TargetsSpec,
    /// The correlation key: labels an alert must share with an incident to join it. Each
    /// entry is a label or alternatives (`service|job`: the first present); default
    /// `["alertname", "service|job"]`. An `incident` label always wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlate: Option<Vec<String>>,
    /// Clock seconds per real second (the demo sets its `--speed`); default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Phase presets chosen by the opening alert's labels (first match wins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phase_rule: Vec<super::ops::PhaseRuleSpec>,
}

/// A response phase that starts `after` the detection time.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PhaseSpec {
    #[serde(with = "serde_str")]
    pub after: Duration,
    pub name: String,
}

/// Time to resolve by severity (P0 = SEV-1, P1 = SEV-2, P2 = SEV-3, P3 = SEV-4).
/// A key left out keeps its default; `"0s"` means no target.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetsSpec {
    #[serde(rename = "P0", with = "serde_opt", default = "default_target_p0")]
    pub p0: Option<Duration>,
    #[serde(rename = "P1", with = "serde_opt", default = "default_target_p1")]
    pub p1: Option<Duration>,
    #[serde(rename = "P2", with = "serde_opt", default = "default_target_p2")]
    pub p2: Option<Duration>,
    #[serde(rename = "P3", with = "serde_opt", default)]
    pub p3: Option<Duration>,
}

fn default_target_p0() -> Option<Duration> {
    Some(Duration::from_secs(3600))
}
fn default_target_p1() -> Option<Duration> {
    Some(Duration::from_secs(4 * 3600))
}
fn default_target_p2() -> Option<Duration> {
    Some(Duration::from_secs(24 * 3600))
}

impl Default for TargetsSpec {
    fn default() -> Self {
        TargetsSpec { p0: default_target_p0(), p1: default_target_p1(), p2: default_target_p2(), p3: None }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    #[serde(with = "serde_str")]
    pub after: Duration,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunbooksSpec {
    #[serde(default = "default_runbook_dirs")]
    pub dirs: Vec<PathBuf>,
    #[serde(default)]
    pub webhook: Option<String>,
    /// How many times faster than real time verify windows and timeouts run: `opsdeck
    /// demo` writes its `--speed` here, so a drill follows the simulator's clock. 1 for
    /// real systems.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub time_scale: f64,
    /// Users besides the invoking user and root who may own runbooks and their folders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_owners: Vec<String>,
}

fn one() -> f64 {
    1.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

fn default_runbook_dirs() -> Vec<PathBuf> {
    vec![PathBuf::from("runbooks")]
}

impl Default for RunbooksSpec {
    fn default() -> Self {
        RunbooksSpec {
            dirs: default_runbook_dirs(),
            webhook: None,
            time_scale: 1.0,
            trusted_owners: Vec::new(),
        }
    }
}
