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

/// One of the simulator's servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Prometheus,
    Alertmanager,
    Statuspage,
    Admin,
}

impl SimServer {
    /// Stops one server: its port refuses connections from now on (stale-source frames).
    pub async fn stop(&mut self, which: Endpoint) {
        let i = match which {
            Endpoint::Prometheus => 0,
            Endpoint::Alertmanager => 1,
            Endpoint::Statuspage => 2,
            Endpoint::Admin => 3,
        };
        self.tasks[i].abort();
        let _ = (&mut self.tasks[i]).await; // the listener is closed once the task is gone
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|t| t.abort());
    }
}

/// The four loopback listeners, bound before any runtime exists (so their URLs are known
/// early, e.g. to export `OPSDECK_SIM_URL` while the process is still single-threaded).
pub struct Listeners([std::net::TcpListener; 4]);

impl Listeners {
    pub fn bind() -> anyhow::Result<Listeners> {
        let one = || -> anyhow::Result<std::net::TcpListener> {
            let l = std::net::TcpListener::bind("127.0.0.1:0").context("binding a loopback port")?;
            l.set_nonblocking(true)?;
            Ok(l)
        };
        Ok(Listeners([one()?, one()?, one()?, one()?]))
    }

    fn url(&self, i: usize) -> String {
        self.0[i].local_addr().map(|a| format!("http://{a}")).unwrap_or_default()
    }

    /// Base URL of the admin endpoint.
    pub fn sim_url(&self) -> String {
        self.url(3)
    }
}

fn serve(
    listener: std::net::TcpListener,
    router: axum::Router,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::from_std(listener).context("registering a listener")?;
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    }))
}

/// Starts the model and its four servers on fresh loopback ports (on the current runtime).
pub async fn start(opts: SimOptions, clock: Clock) -> anyhow::Result<SimServer> {
    start_on(Listeners::bind()?, opts, clock)
}

/// Starts the model and its four servers on `listeners` (on the current tokio runtime).
pub fn start_on(listeners: Listeners, opts: SimOptions, clock: Clock) -> anyhow::Result<SimServer> {
    start_slow(listeners, opts, clock, std::time::Duration::ZERO)
}

/// `start_on`, with every Prometheus, Alertmanager and Statuspage request answered only
/// after `latency` (a slow, distributed backend: `opsdeck demo --serve-only --latency 1s`).
pub fn start_slow(
    listeners: Listeners,
    opts: SimOptions,
    clock: Clock,
    latency: std::time::Duration,
) -> anyhow::Result<SimServer> {
    let shared = Shared::new(Sim::new(opts), clock);
    let (prometheus_url, alertmanager_url, status_base, sim_url) =
        (listeners.url(0), listeners.url(1), listeners.url(2), listeners.url(3));
    let [l1, l2, l3, l4] = listeners.0;
    let slow = |r: axum::Router| {
        if latency.is_zero() {
            return r;
        }
        r.layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| async move {
                tokio::time::sleep(latency).await;
                next.run(req).await
            },
        ))
    };
    let t1 = serve(l1, slow(prom::router(shared.clone())))?;
    let t2 = serve(l2, slow(am::router(shared.clone())))?;
    let t3 = serve(l3, slow(statuspage::router(shared.clone())))?;
    let t4 = serve(l4, admin::router(shared.clone()))?;
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
