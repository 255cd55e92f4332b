//! Deploys in flight: the canary phase from a schedule (or a weight query) and the state of
//! each auto-rollback trigger. Pure: the poll and the time are inputs.
//!
//! Contracts:
//! - A schedule is `"5%:20m"` per phase, the last without a duration (`"100%"`). The phase
//!   at a time is the one whose window holds the time since the start; past the last timed
//!   phase, the final one holds for good (`next_phase_in_s` null).
//! - A trigger's condition is `value <comparator> threshold`, the threshold a number or a
//!   factor of the same query's value `baseline` ago. Its history (a range query over `for`
//!   plus a margin) gives how long the condition has held without a break: `pending` while
//!   that is under `for`, `firing` from `for` on, `ok` when the latest value does not meet
//!   the condition or there is no value (then `error` says why).
//! - Every duration is clock time: real time multiplied by `[escalation] speed` (the
//!   demo's `--speed`), like the escalation clock.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

use super::target::Target;
use super::value;
use crate::config::{Config, DeploySpec, TriggerSpec};
use crate::domain::{InstantQuery, MetricsPoll, RangeQuery};
use std::collections::BTreeMap;

/// One phase of a canary schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseStep {
    /// As written before the colon: `5%`.
    pub name: String,
    pub weight_pct: Option<f64>,
    /// None for the last phase.
    pub length: Option<Duration>,
}

pub fn parse_schedule(phases: &[String]) -> Result<Vec<PhaseStep>, String> {
    if phases.is_empty() {
        return Err("`phases` is empty; e.g. [\"5%:20m\", \"25%:30m\", \"100%\"]".into());
    }
    let mut out = Vec::new();
    for (i, p) in phases.iter().enumerate() {
        let (name, len) = match p.split_once(':') {
            Some((n, l)) => (n.trim(), Some(l.trim())),
            None => (p.trim(), None),
        };
        if name.is_empty() {
            return Err(format!("phase `{p}` has no name before the colon"));
        }
        let length = match len {
            Some(l) => Some(crate::util::duration::parse(l).map_err(|e| format!("phase `{p}`: {e}"))?),
            None if i + 1 < phases.len() => {
                return Err(format!(
                    "phase `{p}` needs a duration (`{name}:20m`); only the last may omit it"
                ));
            }
            None => None,
        };
        let weight_pct = name.strip_suffix('%').and_then(|n| n.trim().parse::<f64>().ok());
        out.push(PhaseStep { name: name.to_string(), weight_pct, length });
    }
    Ok(out)
}

/// Where a deploy stands `since` its start.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseAt {
    pub index: usize,
    pub elapsed: Duration,
    pub next_in: Option<Duration>,
}

pub fn phase_at(schedule: &[PhaseStep], since_start: Duration) -> Option<PhaseAt> {
    let mut from = Duration::ZERO;
    for (index, p) in schedule.iter().enumerate() {
        match p.length {
            Some(len) if since_start < from + len => {
                return Some(PhaseAt {
                    index,
                    elapsed: since_start - from,
                    next_in: Some(from + len - since_start),
                });
            }
            Some(len) => from += len,
            None => return Some(PhaseAt { index, elapsed: since_start - from, next_in: None }),
        }
    }
    // every phase had a length: the last one holds
    let last = schedule.len().checked_sub(1)?;
    let start_last = from - schedule[last].length.unwrap_or_default();
    Some(PhaseAt { index: last, elapsed: since_start - start_last, next_in: None })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TriggerState {
    Ok,
    Pending,
    Firing,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerView {
    pub name: String,
    pub state: TriggerState,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    pub comparator: &'static str,
    pub for_s: u64,
    /// How long the condition has held (clock seconds); null when it does not hold.
    pub pending_s: Option<u64>,
    /// `ok`, `pending 2m/5m`, `FIRING`.
    pub text: String,
    pub rollback_runbook: Option<String>,
    /// Why there is no value (query error, no series).
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeployView {
    pub name: String,
    /// The phase name (`25%`); null when neither the schedule's start nor a weight query
    /// answered.
    pub phase: Option<String>,
    pub weight_pct: Option<f64>,
    pub phase_elapsed_s: Option<u64>,
    pub next_phase_in_s: Option<u64>,
    pub triggers: Vec<TriggerView>,
}

/// The clock speed of the operational clocks (`[escalation] speed`).
pub fn speed(cfg: &Config) -> f64 {
    cfg.escalation.speed.filter(|s| s.is_finite() && *s > 0.0).unwrap_or(1.0)
}

fn real(d: Duration, speed: f64) -> Duration {
    Duration::from_secs_f64(d.as_secs_f64() / speed)
}

/// The range query of a trigger's history: `for` and two steps of margin, in real time.
pub fn trigger_range(t: &TriggerSpec, speed: f64) -> RangeQuery {
    let window = real(t.for_, speed);
    let step =
        Duration::from_secs_f64((window.as_secs_f64() / 30.0).clamp(1.0, 60.0)).max(Duration::from_secs(1));
    RangeQuery { query: t.query.clone(), window: window + step * 2, step }
}

pub fn baseline_query(t: &TriggerSpec, speed: f64) -> Option<InstantQuery> {
    t.baseline.map(|b| InstantQuery { query: t.query.clone(), ago: real(b, speed) })
}

/// The queries deploys need: (source, instant queries, range queries).
pub fn queries(cfg: &Config) -> Vec<(Option<&str>, Vec<InstantQuery>, Vec<RangeQuery>)> {
    let sp = speed(cfg);
    cfg.deploy
        .iter()
        .map(|d| {
            let mut instant: Vec<InstantQuery> =
                [&d.phase_query, &d.start_query].into_iter().flatten().map(InstantQuery::now).collect();
            instant.extend(d.trigger.iter().map(|t| InstantQuery::now(&t.query)));
            instant.extend(d.trigger.iter().filter_map(|t| baseline_query(t, sp)));
            let range = d.trigger.iter().map(|t| trigger_range(t, sp)).collect();
            (d.source.as_deref(), instant, range)
        })
        .collect()
}

fn fmt_min(s: u64) -> String {
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// The state of one trigger from its history `points` (real unix seconds, oldest first),
/// its latest value and its baseline.
pub fn trigger_state(
    t: &TriggerSpec,
    target: &Target,
    latest: Result<f64, String>,
    baseline: Option<f64>,
    points: &[(f64, f64)],
    now: DateTime<Utc>,
    speed: f64,
) -> TriggerView {
    let threshold = target.threshold(baseline);
    let for_s = t.for_.as_secs();
    let (value, error) = match latest {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e)),
    };
    let holds = |v: f64| threshold.is_some_and(|th| v.is_finite() && target.comparator.holds(v, th));
    let mut pending_s = None;
    if let Some(v) = value
        && holds(v)
    {
        // the start of the trailing run of points meeting the condition
        let mut since = now.timestamp_millis() as f64 / 1000.0;
        for (ts, pv) in points.iter().rev() {
            if !holds(*pv) {
                break;
            }
            since = since.min(*ts);
        }
        let real_s = (now.timestamp_millis() as f64 / 1000.0 - since).max(0.0);
        pending_s = Some((real_s * speed).round() as u64);
    }
    let error = error.or_else(|| {
        (threshold.is_none() && value.is_some()).then(|| "no baseline value to compare with".to_string())
    });
    let state = match pending_s {
        Some(p) if p >= for_s => TriggerState::Firing,
        Some(_) => TriggerState::Pending,
        None => TriggerState::Ok,
    };
    let text = match (state, pending_s) {
        (TriggerState::Firing, _) => "FIRING".to_string(),
        (TriggerState::Pending, Some(p)) => {
            let shown = if p >= 60 { p - p % 60 } else { p };
            format!("pending {}/{}", fmt_min(shown), fmt_min(for_s))
        }
        _ => "ok".to_string(),
    };
    TriggerView {
        name: t.name.clone(),
        state,
        value,
        threshold,
        comparator: target.comparator.as_str(),
        for_s,
        pending_s,
        text,
        rollback_runbook: t.rollback_runbook.clone(),
        error,
    }
}

/// Every `[[deploy]]` at `now` from the polls of the metrics sources.
pub fn views(cfg: &Config, metrics: &BTreeMap<String, MetricsPoll>, now: DateTime<Utc>) -> Vec<DeployView> {
    let sp = speed(cfg);
    cfg.deploy.iter().map(|d| view(cfg, d, metrics, now, sp)).collect()
}

fn view(
    cfg: &Config,
    d: &DeploySpec,
    metrics: &BTreeMap<String, MetricsPoll>,
    now: DateTime<Utc>,
    sp: f64,
) -> DeployView {
    let poll = super::plan::pane_source(cfg, d.source.as_deref()).and_then(|s| metrics.get(s));
    let now_s = now.timestamp_millis() as f64 / 1000.0;
    let schedule = parse_schedule(&d.phases).unwrap_or_default();
    let mut v = DeployView {
        name: d.name.clone(),
        phase: None,
        weight_pct: None,
        phase_elapsed_s: None,
        next_phase_in_s: None,
        triggers: Vec::new(),
    };
    if let Some(start) = d.start_query.as_ref().and_then(|q| value::instant_opt(poll, &InstantQuery::now(q)))
        && start.is_finite()
        && start <= now_s
    {
        let since = Duration::from_secs_f64((now_s - start) * sp);
        if let Some(p) = phase_at(&schedule, since) {
            v.phase = Some(schedule[p.index].name.clone());
            v.weight_pct = schedule[p.index].weight_pct;
            v.phase_elapsed_s = Some(p.elapsed.as_secs());
            v.next_phase_in_s = p.next_in.map(|d| d.as_secs());
        }
    }
    if let Some(w) = d.phase_query.as_ref().and_then(|q| value::instant_opt(poll, &InstantQuery::now(q))) {
        if v.phase.is_none() || !schedule.iter().any(|s| s.weight_pct == Some(w)) {
            v.phase = Some(format!("{w}%"));
            v.phase_elapsed_s = v.phase_elapsed_s.filter(|_| v.weight_pct == Some(w));
            v.next_phase_in_s = v.next_phase_in_s.filter(|_| v.weight_pct == Some(w));
        }
        v.weight_pct = Some(w);
    }
    for t in &d.trigger {
        let Ok(target) = Target::parse(&t.threshold) else { continue };
        let latest = value::instant(poll, &InstantQuery::now(&t.query));
        let baseline = baseline_query(t, sp).and_then(|q| value::instant_opt(poll, &q));
        let points = history_points(poll, &t.query);
        let mut tv = trigger_state(t, &target, latest, baseline, &points, now, sp);
        tv.rollback_runbook = tv.rollback_runbook.or_else(|| d.rollback_runbook.clone());
        v.triggers.push(tv);
    }
    v
}

/// The query's history with timestamps, all series summed per timestamp.
fn history_points(poll: Option<&MetricsPoll>, query: &str) -> Vec<(f64, f64)> {
    let Some(Ok(series)) = poll.and_then(|p| p.range.get(query)) else { return Vec::new() };
    let mut by_ts: BTreeMap<i64, f64> = BTreeMap::new();
    for s in series {
        for (ts, v) in &s.points {
            *by_ts.entry((ts * 1000.0).round() as i64).or_insert(0.0) += v;
        }
    }
    by_ts.into_iter().map(|(ms, v)| (ms as f64 / 1000.0, v)).collect()
}

#[cfg(test)]
#[path = "deploy_tests.rs"]
mod tests;
