//! The simulator: a deterministic model of a community platform, advanced by the caller to
//! a time it passes in (`advance_to`), keeping history for range and week-ago queries,
//! firing alerts from its own rules, holding Alertmanager silences, and taking the
//! operator's admin actions. No wall clock and no I/O in here: the servers own both.
//!
//! Time: `t` is the timestamp every answer carries (unix seconds; the wall clock in a live
//! demo, a fixed instant for screenshots). The scenario unfolds in simulated seconds `e`,
//! which run `speed` times faster than `t`.
pub mod alerts;
pub mod scenario;
pub mod shape;
pub mod silences;
pub mod state;
pub mod status;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

pub use scenario::Scenario;
pub use state::{Frame, SERVICES};

use crate::domain::{Labels, NewSilence};
use alerts::{Firing, RULES, fingerprint};
use silences::SilenceRec;
use state::{Dyn, compute, service_index};

/// Simulated seconds per model step.
pub const STEP: f64 = 5.0;
/// Wall seconds between two kept history frames.
const HISTORY_EVERY: f64 = 5.0;
/// How much history range queries can see; older times get the calm baseline.
const RETENTION: f64 = 3.0 * 3600.0;

#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    pub scenario: Scenario,
    pub seed: u64,
    /// Simulated seconds per second of `t` (`--speed`); at least 0.01.
    pub speed: f64,
    /// When the scenario starts (its `e = 0`).
    pub start: DateTime<Utc>,
    /// Extra always-firing synthetic alerts (`--alerts N`, for load tests).
    pub synthetic_alerts: usize,
}

/// An alert as Alertmanager would hold it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimAlert {
    pub fingerprint: String,
    pub labels: Labels,
    pub annotations: Labels,
    pub starts_at: f64,
    pub silenced_by: Vec<String>,
}

/// What the operator did, as the admin endpoint recorded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRecord {
    pub at: DateTime<Utc>,
    pub elapsed_s: f64,
    pub action: String,
}

/// An admin action the simulator refused; the text says why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct AdminError(pub String);

#[derive(Debug, Clone)]
struct Pending {
    since_e: f64,
    since_t: f64,
    firing: Firing,
}

pub struct Sim {
    opts: SimOptions,
    t0: f64,
    /// Simulated seconds since the scenario started.
    e: f64,
    /// Timestamp of the current state.
    t: f64,
    dy: Dyn,
    current: Frame,
    history: VecDeque<Frame>,
    /// Per fingerprint: condition true since; fires after the rule's `for`.
    pending: BTreeMap<String, (usize, Pending)>,
    silences: Vec<SilenceRec>,
    actions: Vec<ActionRecord>,
    /// `--alerts N`, built once.
    synthetic: Vec<SimAlert>,
}

pub fn to_time(t: f64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis((t * 1000.0).round() as i64).unwrap_or_default()
}
pub fn to_secs(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

impl Sim {
    pub fn new(mut opts: SimOptions) -> Sim {
        opts.speed = opts.speed.max(0.01);
        let t0 = to_secs(opts.start);
        let dy = Dyn::initial(opts.seed, t0);
        let current = compute(opts.seed, opts.scenario, 0.0, &dy, t0);
        let mut sim = Sim {
            opts,
            t0,
            e: 0.0,
            t: t0,
            dy,
            current: current.clone(),
            history: VecDeque::from([current]),
            pending: BTreeMap::new(),
            silences: Vec::new(),
            actions: Vec::new(),
            synthetic: Vec::new(),
        };
        sim.synthetic = (0..sim.opts.synthetic_alerts).map(|i| sim.synthetic(i)).collect();
        sim.eval_rules();
        sim
    }

    pub fn options(&self) -> &SimOptions {
        &self.opts
    }
    pub fn now(&self) -> DateTime<Utc> {
        to_time(self.t)
    }
    pub fn elapsed_s(&self) -> f64 {
        self.e
    }
    pub fn current(&self) -> &Frame {
        &self.current
    }

    /// Steps the model until its time reaches `t` (never backwards).
    pub fn advance_to(&mut self, t: DateTime<Utc>) {
        let target = to_secs(t);
        let dt_wall = STEP / self.opts.speed;
        while self.t + dt_wall <= target + 1e-9 {
            let frame = self.current.clone();
            state::step(&mut self.dy, self.opts.scenario, self.e, STEP, &frame);
            self.e += STEP;
            self.t += dt_wall;
            self.refresh();
        }
    }

    /// Recomputes the current frame after a step or an action, keeps history, runs rules.
    fn refresh(&mut self) {
        self.current = compute(self.opts.seed, self.opts.scenario, self.e, &self.dy, self.t);
        let last = self.history.back().map(|f| f.t).unwrap_or(f64::MIN);
        // faster than real time, frames are kept every 5 simulated seconds (so a trigger's
        // `for` window, scaled by the speed, still sees the scenario's steps) over 3
        // simulated hours: the same number of frames at any speed
        let every = HISTORY_EVERY / self.opts.speed.max(1.0);
        let retention = RETENTION / self.opts.speed.max(1.0);
        if self.t - last >= every - 1e-9 {
            self.history.push_back(self.current.clone());
            while self.history.front().is_some_and(|f| f.t < self.t - retention) {
                self.history.pop_front();
            }
        }
        self.eval_rules();
    }

    /// The observable values at `t`: from history, the current state for `t` at or after
    /// it, or the calm baseline for times before history (e.g. a week ago).
    pub fn frame_at(&self, t: f64) -> Frame {
        if t >= self.t {
            return self.current.clone();
        }
        let first = self.history.front().map(|f| f.t).unwrap_or(self.t);
        if t < first {
            let calm = Dyn::initial(self.opts.seed, t);
            return compute(self.opts.seed, Scenario::Calm, 0.0, &calm, t);
        }
        let i = self.history.partition_point(|f| f.t <= t);
        self.history[i.saturating_sub(1)].clone()
    }

    fn eval_rules(&mut self) {
        let mut seen = BTreeMap::new();
        for (ri, rule) in RULES.iter().enumerate() {
            for firing in (rule.eval)(&self.current) {
                let fp = fingerprint(&firing.labels);
                let entry = match self.pending.remove(&fp) {
                    Some((_, mut p)) => {
                        p.firing = firing;
                        p
                    }
                    None => Pending { since_e: self.e, since_t: self.t, firing },
                };
                seen.insert(fp, (ri, entry));
            }
        }
        self.pending = seen;
    }

    /// Firing alerts (rule `for` satisfied) plus synthetic ones, with silence status.
    pub fn alerts(&self) -> Vec<SimAlert> {
        let mut out: Vec<SimAlert> = self
            .pending
            .iter()
            .filter(|(_, (ri, p))| self.e - p.since_e >= RULES[*ri].for_secs)
            .map(|(fp, (_, p))| SimAlert {
                fingerprint: fp.clone(),
                labels: p.firing.labels.clone(),
                annotations: p.firing.annotations.clone(),
                starts_at: p.since_t,
                silenced_by: vec![],
            })
            .collect();
        out.extend(self.synthetic.iter().cloned());
        if self.silences.iter().any(|s| silences::state(s, self.t) == "active") {
            for a in &mut out {
                a.silenced_by = silences::silencing(&self.silences, &a.labels, self.t);
            }
        }
        out
    }

    fn synthetic(&self, i: usize) -> SimAlert {
        let teams = ["infra", "storage", "realtime", "platform", "discovery"];
        let severity = if i.is_multiple_of(4) { "warning" } else { "info" };
        let mut labels = Labels::new();
        labels.insert("alertname".into(), format!("SyntheticCheck{:02}", i % 40));
        labels.insert("severity".into(), severity.into());
        labels.insert("team".into(), teams[i % teams.len()].into());
        labels.insert("instance".into(), format!("node-{i:05}.demo.svc:9100"));
        labels.insert("env".into(), "demo".into());
        let mut annotations = Labels::new();
        annotations.insert("summary".into(), format!("Synthetic check {} failing on node-{i:05}", i % 40));
        let offset = (shape::hash(self.opts.seed, "synthetic", i as i64) % 86_400) as f64;
        SimAlert {
            fingerprint: fingerprint(&labels),
            labels,
            annotations,
            starts_at: self.t0 - offset,
            silenced_by: vec![],
        }
    }

    /// Statuspage v2 `summary.json` of one upstream page (`status::PAGES`).
    pub fn status_summary(&self, page: &str) -> Option<serde_json::Value> {
        status::summary(page, self.opts.scenario, self.e, self.t0, self.t, self.opts.speed)
    }

    // ---- Alertmanager silences ----

    /// Creates (or, with an id, replaces) a silence; returns its id.
    pub fn put_silence(
        &mut self,
        s: NewSilence,
        id: Option<String>,
    ) -> Result<String, silences::SilenceError> {
        if let Some(id) = &id
            && !self.silences.iter().any(|s| &s.id == id)
        {
            return Err(silences::SilenceError::NotFound);
        }
        let n = self.silences.len();
        let rec = silences::validate(s, id.clone(), self.t, || {
            let h = shape::hash(self.opts.seed, "silence", n as i64);
            let g = shape::hash(self.opts.seed, "silence2", n as i64);
            format!(
                "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                h >> 32,
                (h >> 16) & 0xffff,
                h & 0xfff,
                g >> 52,
                g & 0xffff_ffff_ffff
            )
        })?;
        let new_id = rec.id.clone();
        match id.and_then(|id| self.silences.iter().position(|s| s.id == id)) {
            Some(i) => self.silences[i] = rec,
            None => self.silences.push(rec),
        }
        self.record(format!("silence {new_id}"));
        Ok(new_id)
    }

    pub fn silences(&self) -> Vec<silences::SilenceView> {
        silences::list(&self.silences, self.t)
    }

    /// Expires a silence (`DELETE /api/v2/silence/{id}`); false when unknown.
    pub fn expire_silence(&mut self, id: &str) -> bool {
        let now = self.t;
        match self.silences.iter_mut().find(|s| s.id == id) {
            Some(s) => {
                s.ends_at = s.ends_at.min(now);
                s.updated_at = now;
                true
            }
            None => false,
        }
    }

    // ---- the admin endpoint: the operator's levers ----

    fn record(&mut self, action: String) {
        self.actions.push(ActionRecord { at: to_time(self.t), elapsed_s: self.e, action });
    }

    pub fn actions(&self) -> &[ActionRecord] {
        &self.actions
    }

    /// Sets a service's replicas (the operator outranks the autoscaler's ceiling).
    pub fn scale(&mut self, service: &str, replicas: f64) -> Result<String, AdminError> {
        let i = service_index(service).ok_or_else(|| {
            AdminError(format!(
                "unknown service {service:?}; known: {}",
                SERVICES.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
            ))
        })?;
        if !(1.0..=200.0).contains(&replicas) || replicas.fract() != 0.0 {
            return Err(AdminError(format!("replicas must be a whole number from 1 to 200, got {replicas}")));
        }
        if i == state::DB {
            return Err(AdminError("the database is not scaled this way; use /admin/failover".into()));
        }
        self.dy.desired[i] = replicas;
        self.dy.hpa_max[i] = self.dy.hpa_max[i].max(replicas);
        self.record(format!("scale {service} to {replicas} replicas"));
        self.refresh();
        Ok(format!("{service}: desired replicas {replicas} (ready {:.0})", self.dy.replicas[i]))
    }

    /// Caps compaction I/O (MB/s); 0 pauses it.
    pub fn throttle(&mut self, target: &str, rate: f64) -> Result<String, AdminError> {
        if target != "compaction" {
            return Err(AdminError(format!("unknown throttle target {target:?}; known: compaction")));
        }
        if !(0.0..=10_000.0).contains(&rate) {
            return Err(AdminError(format!("rate must be 0..10000 MB/s, got {rate}")));
        }
        self.dy.compaction_cap = Some(rate);
        self.record(format!("throttle compaction to {rate} MB/s"));
        self.refresh();
        Ok(format!("compaction throttled to {rate} MB/s"))
    }

    /// Promotes a replica to primary; takes `FAILOVER_SECS` simulated seconds.
    pub fn failover(&mut self, to: &str) -> Result<String, AdminError> {
        if !["replica-1", "replica-2"].contains(&to) {
            return Err(AdminError(format!("unknown replica {to:?}; known: replica-1, replica-2")));
        }
        if to == self.dy.primary {
            return Err(AdminError(format!("{to} is already the primary")));
        }
        if self.dy.promoting.is_some() {
            return Err(AdminError("a promotion is already in progress".into()));
        }
        self.dy.promoting = Some((self.e + state::FAILOVER_SECS, to.to_string()));
        self.record(format!("failover to {to}"));
        self.refresh();
        Ok(format!("promoting {to}; writes resume in about {}s (simulated)", state::FAILOVER_SECS))
    }

    /// Bans accounts matching a regex; refused when it would ban ordinary accounts.
    pub fn ban(&mut self, pattern: &str) -> Result<String, AdminError> {
        let re = regex::Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| AdminError(format!("bad pattern: {e}")))?;
        if let Some(ok) = state::ORDINARY_ACCOUNTS.iter().find(|a| re.is_match(a)) {
            return Err(AdminError(format!(
                "pattern {pattern:?} is too broad: it matches the ordinary account {ok:?}"
            )));
        }
        let hits = re.is_match(state::BRIGADE_SAMPLE);
        self.dy.banned_patterns.push(pattern.to_string());
        if hits && self.dy.brigade_banned_at.is_none() && self.opts.scenario == Scenario::VoteBrigade {
            self.dy.brigade_banned_at = Some(self.e);
        }
        self.record(format!("ban {pattern}"));
        self.refresh();
        let n = if hits && self.opts.scenario == Scenario::VoteBrigade { 1_840 } else { 0 };
        Ok(format!("banned {n} accounts matching {pattern}"))
    }

    /// Rolls a canary deploy back: its traffic returns to the stable build.
    pub fn rollback(&mut self, deploy: &str) -> Result<String, AdminError> {
        if deploy != "api-canary" {
            return Err(AdminError(format!("unknown deploy {deploy:?}; known: api-canary")));
        }
        if self.dy.canary_rolled_back_at.is_some() {
            return Err(AdminError("api-canary is already rolled back".into()));
        }
        self.dy.canary_rolled_back_at = Some(self.e);
        self.record(format!("roll back {deploy}"));
        self.refresh();
        Ok(format!("{deploy} rolled back: all traffic on the stable build"))
    }

    pub fn add_reviewers(&mut self, n: f64) -> Result<String, AdminError> {
        if !(1.0..=100.0).contains(&n) || n.fract() != 0.0 {
            return Err(AdminError(format!("add must be a whole number from 1 to 100, got {n}")));
        }
        self.dy.reviewers += n;
        self.record(format!("add {n} reviewers"));
        self.refresh();
        Ok(format!("{:.0} reviewers on shift", self.dy.reviewers))
    }

    /// `GET /admin/state`.
    pub fn state_json(&self) -> serde_json::Value {
        let firing: Vec<String> = self
            .alerts()
            .into_iter()
            .filter(|a| {
                !a.labels.get("alertname").is_some_and(|n| n.starts_with("SyntheticCheck") || n == "Watchdog")
            })
            .map(|a| a.labels.get("alertname").cloned().unwrap_or_default())
            .collect();
        let f = &self.current;
        serde_json::json!({
            "scenario": self.opts.scenario.name(),
            "seed": self.opts.seed,
            "speed": self.opts.speed,
            "started_at": to_time(self.t0),
            "now": to_time(self.t),
            "elapsed_s": self.e,
            "state": self.dy,
            "frame": self.current,
            "services": SERVICES.iter().zip(&self.current.svc).map(|(d, s)| serde_json::json!({
                "service": d.name, "name": d.name, "replicas": s.replicas.floor(), "desired": s.desired,
                "autoscaler_max": self.dy.hpa_max[service_index(d.name).unwrap_or(0)],
                "requests_per_s": s.rps, "error_rate_pct": s.err_pct, "latency_p99_s": s.p99_s,
                "saturation_pct": s.sat_pct,
            })).collect::<Vec<_>>(),
            "database": {
                "primary": f.db_primary, "primary_up": f.db_primary_up,
                "promoting": self.dy.promoting.as_ref().map(|(_, to)| to.clone()),
                "instances": ["db-0", "replica-1", "replica-2"],
                "replication_lag_s": f.db_replication_lag_s,
                "compaction_mb_per_s": f.compaction_mbps,
                "compaction_throttle_mb_per_s": self.dy.compaction_cap,
                "latency_p99_s": f.svc[state::DB].p99_s,
                "error_rate_pct": f.svc[state::DB].err_pct,
            },
            "community": {
                "active_users": f.active_users.round(), "votes_per_s": f.votes_ps,
                "votes_from_new_accounts_per_s": f.brigade_votes_ps,
                "reports_per_min": f.reports_pm,
                "posts_and_comments_per_min": f.posts_pm + f.comments_pm,
                "suspicious_accounts": if f.brigade_votes_ps > 1.0 {
                    serde_json::json!({"sample": [state::BRIGADE_SAMPLE, "tourney_fan_0031", "tourney_fan_1288"],
                                       "created_within": "1h", "count": 1840})
                } else { serde_json::Value::Null },
                "banned_patterns": self.dy.banned_patterns,
            },
            "moderation": {
                "depth": {"high": f.mod_depth_high.round(), "low": f.mod_depth_low.round()},
                "inflow_per_min": f.mod_inflow_pm, "inflow_high_per_min": f.mod_inflow_high_pm,
                "throughput_per_min": f.mod_throughput_pm, "reviewers": f.reviewers,
                "reviews_per_reviewer_per_min": state::REVIEWS_PER_REVIEWER,
                "est_wait_s": f.mod_depth() * 60.0 / f.mod_throughput_pm.max(0.1),
                "oldest_age_s": f.mod_oldest_s,
            },
            "firing": firing,
            "synthetic_alerts": self.opts.synthetic_alerts,
            "actions": self.actions,
        })
    }
}
