//! Charts' range queries, off the loop: one task per request, answered on the loop's
//! channel as `Msg::ChartData` (a stale answer is dropped by the model, by id).
use tokio::sync::mpsc;

use crate::config::Config;
use crate::domain::QueryData;
use crate::model::Msg;
use crate::model::chart::RangeFetch;
use crate::sources::prometheus::PromClient;

use super::Input;

/// Runs `f` against its Prometheus source and sends the answer.
pub fn spawn_fetch(config: &Config, f: RangeFetch, tx: mpsc::Sender<Input>) {
    let spec = config.prometheus.iter().find(|s| s.name == f.source).cloned();
    let defaults = config.defaults.clone();
    tokio::spawn(async move {
        let result = match spec {
            None => Err(format!("{} keeps no history (not a Prometheus source)", f.source)),
            Some(spec) => match PromClient::new(&spec, &defaults) {
                Err(e) => Err(e.to_string()),
                Ok(c) => match c.query_range(&f.query, f.start, f.end, f.step).await {
                    Ok(resp) => match resp.data {
                        QueryData::Matrix(series) => Ok(series),
                        _ => Err("the answer is not a range vector".to_string()),
                    },
                    Err(e) => Err(e.to_string()),
                },
            },
        };
        let _ = tx.send(Input::Msg(Msg::ChartData { id: f.id, result })).await;
    });
}
