//! Polling: one source, one task. A Prometheus source runs its plan with up to
//! `max_in_flight` requests at once (`plan_runner`); the others send one request a poll.
//! `poll_once` is what `snapshot` uses; `spawn` runs a source on its interval until the
//! receiver goes away.
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::alertmanager::AmClient;
use super::prometheus::PromClient;
use super::scrape::ScrapeClient;
use super::statuspage::StatusClient;
use crate::config::types::{Defaults, SourceSpec};
use crate::domain::{PollData, PollOutcome, QueryPlan, SourceError, SourceKind};

/// Everything needed to poll one source. Its `Debug` hides header values and URL userinfo.
#[derive(Clone, PartialEq)]
pub struct SourcePlan {
    pub kind: SourceKind,
    pub spec: SourceSpec,
    pub defaults: Defaults,
    /// The queries of a metrics source (Prometheus or scrape); ignored by the others.
    pub plan: QueryPlan,
}

impl std::fmt::Debug for SourcePlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = match reqwest::Url::parse(&self.spec.url) {
            Ok(u) => super::http::redact_url(&u),
            Err(_) => "<unparsable url>".to_string(),
        };
        let headers: Vec<(&str, &str)> = self.spec.headers.keys().map(|k| (k.as_str(), "***")).collect();
        f.debug_struct("SourcePlan")
            .field("kind", &self.kind)
            .field("name", &self.spec.name)
            .field("url", &url)
            .field("poll", &self.spec.poll_or(&self.defaults))
            .field("timeout", &self.spec.timeout_or(&self.defaults))
            .field("bearer_token_file", &self.spec.bearer_token_file)
            .field("bearer_token_env", &self.spec.bearer_token_env)
            .field("basic_auth_user", &self.spec.basic_auth.as_ref().map(|b| &b.username))
            .field("headers", &headers)
            .field("ca_file", &self.spec.ca_file)
            .field("plan", &self.plan)
            .finish()
    }
}

impl SourcePlan {
    pub fn interval(&self) -> std::time::Duration {
        self.spec.poll_or(&self.defaults)
    }
}

/// A built client of any kind. Building reads token, password and CA files.
#[derive(Debug, Clone)]
pub enum SourceClient {
    Prometheus(PromClient),
    Scrape(ScrapeClient),
    Alertmanager(AmClient),
    Statuspage(StatusClient),
}

impl SourceClient {
    pub fn new(kind: SourceKind, spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        Ok(match kind {
            SourceKind::Prometheus => SourceClient::Prometheus(PromClient::new(spec, defaults)?),
            SourceKind::Scrape => SourceClient::Scrape(ScrapeClient::new(spec, defaults)?),
            SourceKind::Alertmanager => SourceClient::Alertmanager(AmClient::new(spec, defaults)?),
            SourceKind::Statuspage => SourceClient::Statuspage(StatusClient::new(spec, defaults)?),
        })
    }

    /// One poll: for metrics sources the whole plan (Prometheus: in parallel, bounded).
    pub async fn poll(&self, plan: &QueryPlan, now: DateTime<Utc>) -> Result<PollData, SourceError> {
        match self {
            SourceClient::Prometheus(c) => c.run_plan(plan, now).await.map(PollData::Metrics),
            SourceClient::Scrape(c) => c.run_plan(plan, now).await.map(PollData::Metrics),
            SourceClient::Alertmanager(c) => c.alerts().await.map(PollData::Alerts),
            SourceClient::Statuspage(c) => c.summary().await.map(PollData::Status),
        }
    }
}

/// Polls the source once at `now` (which becomes `taken_at` and the evaluation time of the
/// queries). Never panics; every failure is in `result`.
pub async fn poll_once(p: &SourcePlan, now: DateTime<Utc>) -> PollOutcome {
    let result = match SourceClient::new(p.kind, &p.spec, &p.defaults) {
        Ok(client) => client.poll(&p.plan, now).await,
        Err(e) => Err(e),
    };
    PollOutcome { source: p.spec.name.clone(), kind: p.kind, taken_at: now, result }
}

/// Names a file that every poll appends `<source> <milliseconds> ok|failed` to (bench/scale
/// reads the screen's poll durations from it).
pub const POLL_LOG: &str = "OPSDECK_POLL_LOG";

fn log_poll(path: &std::ffi::OsStr, source: &str, took: std::time::Duration, ok: bool) {
    use std::io::Write;
    let line = format!("{source} {} {}\n", took.as_millis(), if ok { "ok" } else { "failed" });
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// Polls `plan` on its interval on its own task (first poll at once), sending each outcome
/// on `tx`. Polls never overlap: the next starts at least one interval after the previous
/// started and never before it finished (a Prometheus round ends within an interval once
/// it has an answer; its stragglers join the next round, see `plan_runner`). Ends when the receiver is dropped. A client that
/// cannot be built (say, a missing token file) is retried on every tick.
pub fn spawn<M>(plan: SourcePlan, tx: mpsc::Sender<M>) -> tokio::task::JoinHandle<()>
where
    M: From<PollOutcome> + Send + 'static,
{
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(plan.interval().max(std::time::Duration::from_millis(10)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut client: Option<SourceClient> = None;
        // A Prometheus source keeps its runner between polls: answers still in flight,
        // the latest answer of every query, the sparklines' history.
        let mut runner: Option<super::plan_runner::PlanRunner> = None;
        let poll_log = std::env::var_os(POLL_LOG).filter(|v| !v.is_empty());
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = tx.closed() => return,
            }
            let now = Utc::now();
            if client.is_none() {
                match SourceClient::new(plan.kind, &plan.spec, &plan.defaults) {
                    Ok(c) => {
                        if let SourceClient::Prometheus(p) = &c {
                            runner = Some(super::plan_runner::PlanRunner::new(p.clone(), p.max_in_flight()));
                        }
                        client = Some(c);
                    }
                    Err(e) => {
                        let o = PollOutcome {
                            source: plan.spec.name.clone(),
                            kind: plan.kind,
                            taken_at: now,
                            result: Err(e),
                        };
                        if tx.send(o.into()).await.is_err() {
                            return;
                        }
                        continue;
                    }
                }
            }
            let Some(c) = client.as_ref() else { continue };
            // A round of a Prometheus plan ends within one interval; what is still in flight
            // then joins the next round.
            let started = tokio::time::Instant::now();
            let deadline = started + plan.interval();
            let result = tokio::select! {
                r = async {
                    match runner.as_mut() {
                        Some(r) => r.round(&plan.plan, now, Some(deadline)).await.map(PollData::Metrics),
                        None => c.poll(&plan.plan, now).await,
                    }
                } => r,
                _ = tx.closed() => return,
            };
            if let Some(log) = &poll_log {
                log_poll(log, &plan.spec.name, started.elapsed(), result.is_ok());
            }
            let outcome =
                PollOutcome { source: plan.spec.name.clone(), kind: plan.kind, taken_at: now, result };
            if tx.send(outcome.into()).await.is_err() {
                return;
            }
        }
    })
}
