//! Starts one poller task per configured source; each sends its outcomes on the loop's
//! channel. The pollers themselves live in `crate::sources::poller`.
use tokio::sync::mpsc;

use crate::config::Config;
use crate::sources::poller::{SourcePlan, spawn};
use crate::sources::{QueryPlan, SourceKind};

use super::Input;

/// One plan per source in `config`, with the queries the panes need.
pub fn plans(config: &Config) -> Vec<SourcePlan> {
    let queries = crate::derive::plan::build(config);
    let kinds = [
        (&config.prometheus, SourceKind::Prometheus),
        (&config.scrape, SourceKind::Scrape),
        (&config.alertmanager, SourceKind::Alertmanager),
        (&config.statuspage, SourceKind::Statuspage),
    ];
    kinds
        .into_iter()
        .flat_map(|(specs, kind)| {
            let queries = &queries;
            specs.iter().map(move |spec| SourcePlan {
                kind,
                spec: spec.clone(),
                defaults: config.defaults.clone(),
                plan: queries.get(&spec.name).cloned().unwrap_or_else(QueryPlan::default),
            })
        })
        .collect()
}

/// Spawns the pollers for every source in `config`.
pub fn start(config: &Config, tx: mpsc::Sender<Input>) {
    for p in plans(config) {
        spawn(p, tx.clone());
    }
}
