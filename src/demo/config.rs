//! The built-in demo config: the ordinary `Config` type, its sources pointing at the
//! simulator's ephemeral ports and its pane queries taken from `queries` (the same table
//! the simulator answers), so the demo runs exactly the production code paths.
use std::path::PathBuf;
use std::time::Duration;

use super::queries::{self, COMMUNITY};
use super::server::SimServer;
use super::sim::SERVICES;
use crate::config::{CommunitySpec, Config, HealthSpec, ModerationSpec, SourceSpec};

pub const PROM_NAME: &str = "sim-prometheus";
pub const AM_NAME: &str = "sim-alertmanager";

/// URLs of a running simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoints {
    pub prometheus: String,
    pub alertmanager: String,
    /// (page name, summary.json URL)
    pub statuspages: Vec<(String, String)>,
}

impl From<&SimServer> for Endpoints {
    fn from(s: &SimServer) -> Self {
        Endpoints {
            prometheus: s.prometheus_url.clone(),
            alertmanager: s.alertmanager_url.clone(),
            statuspages: s.statuspage_urls.clone(),
        }
    }
}

/// Where the shipped runbooks are: `./runbooks` when it exists (a checkout: edits show at
/// once, and runbook discovery, which always looks in `./runbooks`, sees one copy of each),
/// else the copy of the ones embedded in the binary (`demo::runbooks`), so an installed
/// opsdeck needs no source tree.
pub fn runbooks_dir() -> PathBuf {
    let here = PathBuf::from("runbooks");
    if here.is_dir() {
        return std::fs::canonicalize(&here).unwrap_or(here);
    }
    super::runbooks::dir()
}

fn source(name: &str, url: &str) -> SourceSpec {
    SourceSpec { name: name.into(), url: url.into(), ..SourceSpec::default() }
}

/// The demo config for a simulator at `ep`, polling every `poll`.
pub fn build(ep: &Endpoints, poll: Duration, theme: &str) -> Config {
    let mut c = Config { environment: "demo".into(), theme: theme.into(), ..Config::default() };
    c.defaults.poll = poll;
    c.defaults.timeout = Duration::from_secs(4).min(poll.max(Duration::from_secs(1)));
    c.prometheus = vec![source(PROM_NAME, &ep.prometheus)];
    c.alertmanager = vec![source(AM_NAME, &ep.alertmanager)];
    c.statuspage = ep
        .statuspages
        .iter()
        .map(|(name, url)| SourceSpec { poll: Some(poll.max(Duration::from_secs(30))), ..source(name, url) })
        .collect();
    c.health = SERVICES
        .iter()
        .enumerate()
        .map(|(i, def)| {
            let [availability, latency, errors, saturation] = queries::health(i);
            HealthSpec {
                service: def.name.into(),
                source: Some(PROM_NAME.into()),
                availability: Some(availability),
                slo: 99.95,
                latency_p99: Some(latency),
                latency_target: Duration::from_millis(def.latency_target_ms),
                error_rate: Some(errors),
                error_warn: 1.0,
                error_crit: 5.0,
                saturation: Some(saturation),
                saturation_warn: 80.0,
                latency_crit: None,
                trend: None,
            }
        })
        .collect();
    c.community = COMMUNITY
        .iter()
        .map(|(name, query, unit, _)| CommunitySpec {
            name: name.to_string(),
            query: query.to_string(),
            unit: unit.to_string(),
            source: Some(PROM_NAME.into()),
            week_over_week: true,
        })
        .collect();
    c.moderation = Some(ModerationSpec {
        source: Some(PROM_NAME.into()),
        depth: queries::MOD_DEPTH.into(),
        inflow: queries::MOD_INFLOW.into(),
        throughput: queries::MOD_THROUGHPUT.into(),
        oldest_age: Some(queries::MOD_OLDEST.into()),
        sla: Duration::from_secs(2 * 3600),
    });
    c.runbooks.dirs = vec![runbooks_dir()];
    super::ops_config::add(&mut c);
    c
}

/// The config as TOML, for `opsdeck --config F` and `opsdeck snapshot --config F`.
/// Sections left at their defaults (priority, escalation) and empty lists are omitted.
pub fn to_toml(c: &Config) -> anyhow::Result<String> {
    let mut v = toml::Table::try_from(c)?;
    let d = Config::default();
    if c.priority == d.priority {
        v.remove("priority");
    }
    if c.escalation == d.escalation {
        v.remove("escalation");
    }
    v.retain(|_, x| !x.as_array().is_some_and(|a| a.is_empty()));
    Ok(format!(
        "# Written by `opsdeck demo --serve-only`: the demo config, pointed at the simulator.\n{}",
        toml::to_string(&v)?
    ))
}
