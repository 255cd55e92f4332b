//! The model behind the numbers: services with demand, capacity and replicas; a database
//! primary and replicas with compaction; a community; a moderation queue. `Dyn` holds what
//! integrates over time (replicas, queue depth, who is primary, what the operator did);
//! `compute` turns it and the scenario's forces into one `Frame` of observable values at a
//! time. Everything is pure: the caller passes time in.
use serde::Serialize;

use super::scenario::Scenario;
use super::shape::{daily, trend, wiggle};

/// Static description of one simulated service.
#[derive(Debug, Clone, Copy)]
pub struct ServiceDef {
    pub name: &'static str,
    pub team: &'static str,
    /// Requests (or, for the gateway, WebSocket connection attempts) per second at daily mean.
    pub base_rps: f64,
    /// What one replica serves at 100% saturation.
    pub per_replica: f64,
    pub replicas: f64,
    /// The autoscaler's ceiling (0: no autoscaler).
    pub hpa_max: f64,
    pub base_err_pct: f64,
    /// p99 latency in seconds with no load.
    pub base_p99: f64,
    /// The latency target the demo config gives it.
    pub latency_target_ms: u64,
}

pub const SERVICES: [ServiceDef; 5] = [
    ServiceDef {
        name: "api",
        team: "platform",
        base_rps: 4200.0,
        per_replica: 300.0,
        replicas: 28.0,
        hpa_max: 40.0,
        base_err_pct: 0.02,
        base_p99: 0.06,
        latency_target_ms: 300,
    },
    ServiceDef {
        name: "gateway",
        team: "realtime",
        base_rps: 400.0,
        per_replica: 100.0,
        replicas: 8.0,
        hpa_max: 12.0,
        base_err_pct: 0.03,
        base_p99: 0.07,
        latency_target_ms: 200,
    },
    ServiceDef {
        name: "db",
        team: "storage",
        base_rps: 9000.0,
        per_replica: 9000.0,
        replicas: 3.0,
        hpa_max: 0.0,
        base_err_pct: 0.005,
        base_p99: 0.3,
        latency_target_ms: 1000,
    },
    ServiceDef {
        name: "search",
        team: "discovery",
        base_rps: 800.0,
        per_replica: 250.0,
        replicas: 6.0,
        hpa_max: 0.0,
        base_err_pct: 0.025,
        base_p99: 0.12,
        latency_target_ms: 300,
    },
    ServiceDef {
        name: "media",
        team: "media",
        base_rps: 1200.0,
        per_replica: 220.0,
        replicas: 11.0,
        hpa_max: 0.0,
        base_err_pct: 0.015,
        base_p99: 0.16,
        latency_target_ms: 400,
    },
];

pub const API: usize = 0;
pub const GATEWAY: usize = 1;
pub const DB: usize = 2;

pub fn service_index(name: &str) -> Option<usize> {
    SERVICES.iter().position(|s| s.name == name)
}

/// Reviews one moderator completes per minute.
pub const REVIEWS_PER_REVIEWER: f64 = 6.0;
/// Typical time an item waits when reviewers keep up, seconds, by priority.
const TAU_HIGH: f64 = 60.0;
const TAU_LOW: f64 = 600.0;
/// Share of queue items that are high priority.
const HIGH_SHARE: f64 = 0.15;
/// How long a database promotion takes, simulated seconds.
pub const FAILOVER_SECS: f64 = 20.0;
/// An account the brigade uses; a ban pattern must match it to stop the brigade.
pub const BRIGADE_SAMPLE: &str = "tourney_fan_0417";
/// Ordinary accounts: a ban pattern matching any of these is refused as too broad.
pub const ORDINARY_ACCOUNTS: [&str; 4] = ["alice", "mod_jane", "throwaway_2019", "bob_the_builder"];

/// The integrating state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dyn {
    /// Ready replicas per service (index as `SERVICES`).
    pub replicas: Vec<f64>,
    /// Replicas asked for (by the autoscaler or the operator).
    pub desired: Vec<f64>,
    pub hpa_max: Vec<f64>,
    /// Compaction throttle, MB/s (None: unthrottled).
    pub compaction_cap: Option<f64>,
    /// Name of the primary database instance.
    pub primary: String,
    pub primary_up: bool,
    /// Simulated second at which a promotion in progress completes, and its target.
    pub promoting: Option<(f64, String)>,
    pub banned_patterns: Vec<String>,
    /// Simulated second at which the brigade's accounts were banned.
    pub brigade_banned_at: Option<f64>,
    pub reviewers: f64,
    pub depth_high: f64,
    pub depth_low: f64,
    /// Seconds since the autoscaler last acted.
    pub hpa_cooldown: f64,
    /// Unix seconds the api canary deploy started (the scenario's start).
    pub deploy_start_t: f64,
    /// Simulated second at which the canary was rolled back.
    pub canary_rolled_back_at: Option<f64>,
}

impl Dyn {
    /// The steady calm state at time `t` (queue depth where inflow meets review).
    pub fn initial(seed: u64, t: f64) -> Dyn {
        let mut d = Dyn {
            replicas: SERVICES.iter().map(|s| s.replicas).collect(),
            desired: SERVICES.iter().map(|s| s.replicas).collect(),
            hpa_max: SERVICES.iter().map(|s| s.hpa_max).collect(),
            compaction_cap: None,
            primary: "db-0".into(),
            primary_up: true,
            promoting: None,
            banned_patterns: Vec::new(),
            brigade_banned_at: None,
            reviewers: 10.0,
            depth_high: 0.0,
            depth_low: 0.0,
            hpa_cooldown: 0.0,
            deploy_start_t: t,
            canary_rolled_back_at: None,
        };
        let inflow = compute(seed, Scenario::Calm, 0.0, &d, t).mod_inflow_pm;
        d.depth_high = inflow * HIGH_SHARE * TAU_HIGH / 60.0;
        d.depth_low = inflow * (1.0 - HIGH_SHARE) * TAU_LOW / 60.0;
        d
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SvcFrame {
    pub rps: f64,
    pub err_pct: f64,
    pub p99_s: f64,
    pub sat_pct: f64,
    pub replicas: f64,
    pub desired: f64,
    /// Request-based availability over the window, percent.
    pub avail_pct: f64,
    /// Utilisation (demand / capacity), unclamped.
    #[serde(skip)]
    pub util: f64,
}

/// Every observable value at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frame {
    /// Unix seconds.
    pub t: f64,
    pub svc: Vec<SvcFrame>,
    pub active_users: f64,
    pub posts_pm: f64,
    pub comments_pm: f64,
    pub votes_ps: f64,
    pub brigade_votes_ps: f64,
    pub reports_pm: f64,
    pub ws_connections: f64,
    pub mod_depth_high: f64,
    pub mod_depth_low: f64,
    pub mod_inflow_pm: f64,
    /// The high-priority part of the inflow.
    pub mod_inflow_high_pm: f64,
    pub mod_throughput_pm: f64,
    pub mod_oldest_s: f64,
    pub reviewers: f64,
    pub db_primary: String,
    pub db_primary_up: bool,
    pub db_replication_lag_s: f64,
    pub compaction_mbps: f64,
    /// The api canary's error rate, percent (0 traffic once rolled back: baseline).
    pub canary_err_pct: f64,
    pub deploy_start_t: f64,
    pub canary_rolled_back: bool,
}

impl Frame {
    pub fn mod_depth(&self) -> f64 {
        self.mod_depth_high + self.mod_depth_low
    }
}

/// Brigade strength left after a ban at `banned_at` (decays over 30 s).
fn brigade_left(d: &Dyn, e: f64) -> f64 {
    match d.brigade_banned_at {
        Some(b) => (1.0 - (e - b) / 30.0).clamp(0.0, 1.0),
        None => 1.0,
    }
}

/// Errors (percent) of a service at utilisation `u`: flat, then climbing towards ~15%.
fn overload_err(u: f64) -> f64 {
    if u <= 0.95 { 0.0 } else { 15.0 * (1.0 - (-(u - 0.95) / 0.25).exp()) }
}

/// p99 latency grows with queueing as utilisation approaches 1.
fn queue_latency(base: f64, u: f64) -> f64 {
    let u = u.clamp(0.0, 0.97);
    base * (1.0 + 0.25 * u / (1.0 - u))
}

/// The observable values for state `d` under `scenario` at simulated second `e`, wall time `t`.
pub fn compute(seed: u64, scenario: Scenario, e: f64, d: &Dyn, t: f64) -> Frame {
    let shape = daily(t) * trend(t);
    let w = |key: &str, base: f64, amount: f64| wiggle(seed, key, t, base, amount);

    // Database: who serves writes, and how much compaction I/O steals.
    let primary_down = !d.primary_up || d.promoting.is_some();
    let compaction = match d.compaction_cap {
        Some(cap) => scenario.compaction_demand(e).min(cap),
        None => scenario.compaction_demand(e),
    };
    // disk contention grows faster than the compaction I/O: 50 MB/s costs ~18%, 256 MB/s ~5x
    let compaction_slowdown = 1.0 + 4.7 * (compaction / 256.0).powi(2);

    let mut svc = Vec::with_capacity(SERVICES.len());
    for (i, def) in SERVICES.iter().enumerate() {
        let traffic = match i {
            API => scenario.api_traffic(e),
            GATEWAY => scenario.gateway_traffic(e),
            DB => scenario.api_traffic(e),
            _ => 1.0,
        };
        // scenario traffic adds to the daily shape, so an incident looks the same at any hour
        let rps = w(&format!("{}.rps", def.name), def.base_rps * (shape + traffic - 1.0), 0.04);
        let replicas = d.replicas[i];
        let util = rps / (replicas.max(0.5) * def.per_replica);
        let mut err = w(&format!("{}.err", def.name), def.base_err_pct, 0.35) + overload_err(util);
        let mut p99 = w(&format!("{}.p99", def.name), queue_latency(def.base_p99, util), 0.06);
        if i == DB {
            p99 *= compaction_slowdown;
            if primary_down {
                err += 34.0; // every write fails
            }
        }
        if i == API {
            // every API request waits on the database once
            p99 += 0.2 * w("db.p99.api", def.base_p99 * 8.0 * compaction_slowdown, 0.06);
            if primary_down {
                err += 31.0;
            }
        }
        let err = err.clamp(0.0, 100.0);
        svc.push(SvcFrame {
            rps,
            err_pct: err,
            p99_s: p99,
            sat_pct: (100.0 * util).clamp(0.0, 100.0),
            replicas,
            desired: d.desired[i],
            avail_pct: 100.0 - err,
            util,
        });
    }

    let tournament = scenario.gateway_traffic(e) - 1.0; // 0..3
    let active_users = w("users", 52_000.0 * shape, 0.02) + 9_000.0 * tournament;
    let posts_pm = w("posts", 180.0 * shape, 0.08) * (1.0 + 0.15 * tournament);
    let comments_pm = w("comments", 1_400.0 * shape, 0.06) * (1.0 + 0.25 * tournament);
    let brigade = scenario.brigade_votes(e) * brigade_left(d, e);
    let votes_ps = w("votes", 1_150.0 * shape, 0.05) + brigade;
    let (spam_high, spam_low) = scenario.modqueue_extra(e);
    let spam = spam_high + spam_low;
    let reports_pm = w("reports", 22.0 * shape, 0.15) + 0.2 * spam + brigade / 5200.0 * 30.0;

    // Moderation: inflow from reports and automod; reviewers work the high queue first.
    let organic = (0.9 * (reports_pm - 0.2 * spam) + w("automod", 18.0 * shape, 0.1)).max(0.0);
    let mod_inflow_high = organic * HIGH_SHARE + spam_high;
    let mod_inflow_pm = organic + spam;
    let (thr_high, thr_low) = review(d);
    let mod_throughput_pm = thr_high + thr_low;
    let depth = d.depth_high + d.depth_low;
    let mod_oldest_s = 1.5 * depth * 60.0 / mod_throughput_pm.max(0.1);

    Frame {
        t,
        svc,
        active_users,
        posts_pm,
        comments_pm,
        votes_ps,
        brigade_votes_ps: brigade,
        reports_pm,
        ws_connections: active_users * 0.82,
        mod_depth_high: d.depth_high,
        mod_depth_low: d.depth_low,
        mod_inflow_pm,
        mod_inflow_high_pm: mod_inflow_high,
        mod_throughput_pm,
        mod_oldest_s,
        reviewers: d.reviewers,
        db_primary: d.primary.clone(),
        db_primary_up: !primary_down,
        db_replication_lag_s: if primary_down { 0.0 } else { w("lag", 0.4, 0.5) * compaction_slowdown },
        compaction_mbps: compaction,
        canary_err_pct: match d.canary_rolled_back_at {
            Some(_) => 0.0,
            None => w("canary", 0.08, 0.02).max(0.0) + scenario.canary_extra_err(e),
        },
        deploy_start_t: d.deploy_start_t,
        canary_rolled_back: d.canary_rolled_back_at.is_some(),
    }
}

/// Reviews per minute (high, low): high priority first, each queue worked down with its
/// typical wait, within the reviewers' capacity.
fn review(d: &Dyn) -> (f64, f64) {
    let capacity = d.reviewers * REVIEWS_PER_REVIEWER;
    let high = (d.depth_high * 60.0 / TAU_HIGH).min(capacity);
    let low = (d.depth_low * 60.0 / TAU_LOW).min(capacity - high);
    (high, low)
}

/// Advances `d` by `dt` simulated seconds given the frame observed at the step's start.
pub fn step(d: &mut Dyn, scenario: Scenario, e: f64, dt: f64, f: &Frame) {
    // the primary dies
    if let Some(at) = scenario.primary_dies_at()
        && e >= at
        && d.primary == "db-0"
        && d.primary_up
        && d.promoting.is_none()
    {
        d.primary_up = false;
    }
    // a promotion completes
    if let Some((done, to)) = d.promoting.clone()
        && e >= done
    {
        d.primary = to;
        d.primary_up = true;
        d.promoting = None;
        d.replicas[DB] = (d.replicas[DB] - 1.0).max(1.0);
        d.desired[DB] = d.replicas[DB];
    }

    // autoscaler: one replica per 30 s when hot, down when cold, within [min, max]
    d.hpa_cooldown += dt;
    if d.hpa_cooldown >= 30.0 {
        d.hpa_cooldown = 0.0;
        for (i, def) in SERVICES.iter().enumerate() {
            if d.hpa_max[i] <= 0.0 {
                continue;
            }
            let u = f.svc[i].util;
            if u > 0.8 && d.desired[i] < d.hpa_max[i] {
                d.desired[i] += 1.0;
            } else if u < 0.4 && d.desired[i] > def.replicas {
                d.desired[i] -= 1.0;
            }
        }
    }
    // pods become ready at two per 5 s
    for i in 0..SERVICES.len() {
        let gap = d.desired[i] - d.replicas[i];
        let moved = gap.clamp(-2.0 * dt / 5.0, 2.0 * dt / 5.0);
        d.replicas[i] += moved;
    }

    // the queue integrates inflow minus review
    let (thr_high, thr_low) = review(d);
    let inflow_low = f.mod_inflow_pm - f.mod_inflow_high_pm;
    d.depth_high = (d.depth_high + (f.mod_inflow_high_pm - thr_high) * dt / 60.0).max(0.0);
    d.depth_low = (d.depth_low + (inflow_low - thr_low) * dt / 60.0).max(0.0);
}
