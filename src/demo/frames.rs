//! Models of the screen at a moment of a scenario, for tests, screenshots and benches: the
//! simulator at a fixed clock, every source polled once, the answers fed to the model.
use chrono::{DateTime, Utc};
use std::time::Duration;

use super::cli::{model_at, screenshot_epoch, source_plans};
use super::config::{self, Endpoints};
use super::server::{self, Clock};
use super::sim::{Scenario, SimOptions};
use crate::model::Model;
use crate::sources::poll_once;

/// The model `at` into `scenario` (started at the screenshot epoch), sized `size`.
pub fn scenario_model(
    scenario: Scenario,
    at: Duration,
    size: (u16, u16),
    wall: bool,
) -> anyhow::Result<Model> {
    let start = screenshot_epoch();
    let now: DateTime<Utc> = start + chrono::Duration::from_std(at)?;
    let opts = SimOptions { scenario, seed: 42, speed: 1.0, start, synthetic_alerts: 0 };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let (cfg, outcomes) = rt.block_on(async {
        let server = server::start(opts, Clock::Fixed(std::sync::Mutex::new(now))).await?;
        let cfg = config::build(&Endpoints::from(&server), Duration::from_secs(5), "dark");
        let plans = source_plans(&cfg);
        let outcomes = futures_util::future::join_all(plans.iter().map(|p| poll_once(p, now))).await;
        drop(server);
        anyhow::Ok((cfg, outcomes))
    })?;
    model_at(cfg, outcomes, now, size, wall, None, |_| Ok(()))
}
