//! The simulator's HTTP servers on loopback ephemeral ports, speaking the real formats:
//! Prometheus `/api/v1/query[_range]`, Alertmanager v2, Statuspage v2 `summary.json`, and
//! the admin endpoint that closes the loop. Each request first advances the model to the
//! clock's time, then answers from it.
mod admin;
mod am;
mod prom;
mod statuspage;

use anyhow::Context;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

use super::sim::{Sim, SimOptions, status::PAGES};

/// Where the model's time comes from.
#[derive(Debug)]
pub enum Clock {
    /// The wall clock (a live demo).
    Wall,
    /// A time the caller sets (screenshots, tests).
    Fixed(Mutex<DateTime<Utc>>),
}

/// The model and its clock, shared by every handler.
pub struct Shared {
    sim: Mutex<Sim>,
    clock: Clock,
}

impl Shared {
    pub fn new(sim: Sim, clock: Clock) -> Arc<Shared> {
        Arc::new(Shared { sim: Mutex::new(sim), clock })
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.clock {
            Clock::Wall => Utc::now(),
            Clock::Fixed(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Moves a fixed clock (no effect on the wall clock).
    pub fn set_now(&self, t: DateTime<Utc>) {
        if let Clock::Fixed(m) = &self.clock {
            *m.lock().unwrap_or_else(|p| p.into_inner()) = t;
        }
    }

    /// Runs `f` on the model advanced to now.
    pub fn with<R>(&self, f: impl FnOnce(&mut Sim) -> R) -> R {
        let now = self.now();
        let mut sim = self.sim.lock().unwrap_or_else(|p| p.into_inner());
        sim.advance_to(now);
        f(&mut sim)
    }
}

/// The running servers and their base URLs.
pub struct SimServer {
    pub shared: Arc<Shared>,
    pub prometheus_url: String,
    pub alertmanager_url: String,
    /// (page name, full `summary.json` URL).
    pub statuspage_urls: Vec<(String, String)>,
    /// Base URL of the admin endpoint (`$SIM_URL/admin/...`).
    pub sim_url: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|t| t.abort());
    }
}

async fn serve(router: axum::Router) -> anyhow::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding a loopback port")?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((format!("http://{addr}"), task))
}

/// Starts the model and its four servers on the current tokio runtime.
pub async fn start(opts: SimOptions, clock: Clock) -> anyhow::Result<SimServer> {
    let shared = Shared::new(Sim::new(opts), clock);
    let (prometheus_url, t1) = serve(prom::router(shared.clone())).await?;
    let (alertmanager_url, t2) = serve(am::router(shared.clone())).await?;
    let (status_base, t3) = serve(statuspage::router(shared.clone())).await?;
    let (sim_url, t4) = serve(admin::router(shared.clone())).await?;
    let statuspage_urls = PAGES
        .iter()
        .map(|(seg, name, _)| (name.to_string(), format!("{status_base}/{seg}/api/v2/summary.json")))
        .collect();
    Ok(SimServer {
        shared,
        prometheus_url,
        alertmanager_url,
        statuspage_urls,
        sim_url,
        tasks: vec![t1, t2, t3, t4],
    })
}
