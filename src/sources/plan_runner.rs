//! A Prometheus source's plan, run in parallel and bounded: at most `max_in_flight`
//! requests of the source at once, each with the source's timeout, so one slow query does
//! not hold the others (its cell says `timed out after 4s` while the rest update).
//!
//! The runner lives as long as the source's poller and keeps the latest answer of every
//! query with the poll time it was asked for. A query still in flight when the next round
//! starts is not asked again (a slow backend is not piled on); its answer, when it comes,
//! joins the round it lands in, and never replaces an answer asked for later. Range
//! queries (sparklines) run on their own cadence: fetched whole once, then extended with
//! only the points of the steps that ended since, trimmed at the window.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::prometheus::{Failure, PromClient, data_kind, range_bounds};
use crate::domain::{
    InstantQuery, MetricsPoll, QueryData, QueryPlan, QueryResponse, RangeQuery, Series, SourceError,
};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Instant(InstantQuery),
    Range(RangeQuery),
}

/// A finished request: what it asked for and when.
struct Done {
    id: tokio::task::Id,
    key: Key,
    round: u64,
    stamp: DateTime<Utc>,
    answer: Answer,
}

enum Answer {
    Instant(Result<QueryResponse, Failure>),
    Range { end: DateTime<Utc>, whole: bool, result: Result<QueryResponse, Failure> },
}

/// One sparkline's history.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RangeState {
    pub series: Vec<Series>,
    /// The last step covered; `None` until a whole fetch succeeded.
    pub end: Option<DateTime<Utc>>,
    /// The latest failure, while there is no history to show.
    pub error: Option<String>,
}

impl RangeState {
    /// Merges an answer for the steps up to `end` (the whole window, or only the steps after
    /// `self.end`), then drops what fell out of the window. An answer for steps already
    /// covered changes nothing: a late answer never replaces a newer one.
    pub fn merge(&mut self, r: &RangeQuery, end: DateTime<Utc>, whole: bool, new: Vec<Series>) {
        if self.end.is_some_and(|e| e >= end) {
            return;
        }
        if whole || self.end.is_none() {
            self.series = new;
        } else {
            for s in new {
                match self.series.iter_mut().find(|o| o.labels == s.labels) {
                    Some(o) => {
                        let last = o.points.last().map_or(f64::NEG_INFINITY, |p| p.0);
                        o.points.extend(s.points.into_iter().filter(|p| p.0 > last));
                    }
                    None => self.series.push(s),
                }
            }
        }
        let start = (end.timestamp_millis() - r.window.as_millis() as i64) as f64 / 1000.0;
        for s in &mut self.series {
            let keep_from = s.points.partition_point(|p| p.0 < start);
            s.points.drain(..keep_from);
        }
        self.series.retain(|s| !s.points.is_empty());
        self.end = Some(end);
        self.error = None;
    }
}

/// The plan runner of one Prometheus source (see the module doc).
#[derive(Debug)]
pub struct PlanRunner {
    client: PromClient,
    permits: Arc<Semaphore>,
    tasks: JoinSet<Done>,
    in_flight: HashSet<Key>,
    /// The request tasks by id (to know a panicked one's query).
    ids: HashMap<tokio::task::Id, (Key, u64)>,
    round: u64,
    instant: BTreeMap<InstantQuery, (DateTime<Utc>, Result<QueryResponse, String>)>,
    ranges: BTreeMap<RangeQuery, RangeState>,
    /// Requests sent, and the most ever in flight at once (for tests and the bench).
    pub sent: u64,
}

impl PlanRunner {
    pub fn new(client: PromClient, max_in_flight: usize) -> Self {
        PlanRunner {
            client,
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
            tasks: JoinSet::new(),
            in_flight: HashSet::new(),
            ids: HashMap::new(),
            round: 0,
            instant: BTreeMap::new(),
            ranges: BTreeMap::new(),
            sent: 0,
        }
    }

    /// One round at `now`: asks every query not in flight (ranges only when a step ended),
    /// waits for this round's answers, or until `deadline` once one came, and returns the
    /// latest of everything. The source fails (outer `Err`) only when nothing it was asked succeeded
    /// and something failed at the source level (unreachable, timed out, not the API); a
    /// query that failed alone is a per-query error.
    pub async fn round(
        &mut self,
        plan: &QueryPlan,
        now: DateTime<Utc>,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<MetricsPoll, SourceError> {
        if plan.instant.is_empty() && plan.range.is_empty() {
            // An empty plan still asks one trivial query, so the source's status is real.
            self.client.query(&InstantQuery::now("1"), now).await?;
            return Ok(MetricsPoll::default());
        }
        self.round += 1;
        let mut pending = 0usize;
        for q in &plan.instant {
            if self.in_flight.insert(Key::Instant(q.clone())) {
                self.spawn_instant(q.clone(), now);
                pending += 1;
            }
        }
        for r in &plan.range {
            let (start, end) = range_bounds(r, now);
            let st = self.ranges.entry(r.clone()).or_default();
            if st.end.is_some_and(|e| e >= end) {
                continue; // no step ended since the last answer
            }
            let from = match st.end {
                Some(e) if e >= start => e + chrono::Duration::from_std(r.step).unwrap_or_default(),
                _ => start,
            };
            let whole = from == start;
            if self.in_flight.insert(Key::Range(r.clone())) {
                self.spawn_range(r.clone(), now, from, end, whole);
                pending += 1;
            }
        }
        let mut ok = 0usize;
        let mut failed: Option<SourceError> = None;
        while pending > 0 {
            // The deadline ends a round only once something answered in it: a round with
            // no news waits for the first answer (each request is bounded by the timeout).
            let next = match deadline.filter(|_| ok > 0 || failed.is_some()) {
                Some(d) => tokio::select! {
                    j = self.tasks.join_next() => j,
                    _ = tokio::time::sleep_until(d) => break,
                },
                None => self.tasks.join_next().await,
            };
            let Some(joined) = next else { break };
            let done = match joined {
                Ok(done) => done,
                Err(e) => {
                    // A request task panicked: its query is asked again next round.
                    if let Some((key, round)) = self.ids.remove(&e.id()) {
                        self.in_flight.remove(&key);
                        if round == self.round {
                            pending -= 1;
                        }
                    }
                    continue;
                }
            };
            if done.round == self.round {
                pending -= 1;
            }
            match self.apply(done) {
                Ok(()) => ok += 1,
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        // Late answers that came in meanwhile.
        while let Some(Ok(done)) = self.tasks.try_join_next() {
            match self.apply(done) {
                Ok(()) => ok += 1,
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        if ok == 0 {
            return Err(failed.unwrap_or(SourceError::Timeout(self.client.timeout())));
        }
        Ok(self.latest())
    }

    fn spawn_instant(&mut self, q: InstantQuery, now: DateTime<Utc>) {
        let (client, permits, round) = (self.client.clone(), self.permits.clone(), self.round);
        self.sent += 1;
        let key = Key::Instant(q.clone());
        let h = self.tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let answer = Answer::Instant(client.query_raw(&q, now).await);
            Done { id: tokio::task::id(), key: Key::Instant(q), round, stamp: now, answer }
        });
        self.ids.insert(h.id(), (key, round));
    }

    fn spawn_range(
        &mut self,
        r: RangeQuery,
        now: DateTime<Utc>,
        from: DateTime<Utc>,
        end: DateTime<Utc>,
        whole: bool,
    ) {
        let (client, permits, round) = (self.client.clone(), self.permits.clone(), self.round);
        self.sent += 1;
        let key = Key::Range(r.clone());
        let h = self.tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let result = client.query_range_raw(&r.query, from, end, r.step).await;
            let answer = Answer::Range { end, whole, result };
            Done { id: tokio::task::id(), key: Key::Range(r), round, stamp: now, answer }
        });
        self.ids.insert(h.id(), (key, round));
    }

    /// Keeps an answer unless a newer one is already kept. `Err`: it failed at the source
    /// level (the query's cell shows why all the same).
    fn apply(&mut self, done: Done) -> Result<(), SourceError> {
        self.in_flight.remove(&done.key);
        self.ids.remove(&done.id);
        match (done.key, done.answer) {
            (Key::Instant(q), Answer::Instant(result)) => {
                let (kept, outcome) = match result {
                    Ok(resp) => (Ok(resp), Ok(())),
                    Err(Failure::Api(e)) => (Err(e.to_string()), Ok(())),
                    Err(Failure::Source(e)) => (Err(e.to_string()), Err(e)),
                };
                let newer = self.instant.get(&q).is_none_or(|(t, _)| *t <= done.stamp);
                if newer {
                    self.instant.insert(q, (done.stamp, kept));
                }
                outcome
            }
            (Key::Range(r), Answer::Range { end, whole, result }) => {
                let st = self.ranges.entry(r.clone()).or_default();
                match result {
                    Ok(resp) => match resp.data {
                        QueryData::Matrix(series) => st.merge(&r, end, whole, series),
                        other => st.error = Some(format!("expected a matrix, got {}", data_kind(&other))),
                    },
                    Err(Failure::Api(e)) => st.error = Some(e.to_string()),
                    Err(Failure::Source(e)) => {
                        st.error = Some(e.to_string());
                        return Err(e);
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Everything kept, as one poll's answer.
    fn latest(&self) -> MetricsPoll {
        let instant = self.instant.iter().map(|(q, (_, r))| (q.clone(), r.clone())).collect();
        let range = self
            .ranges
            .iter()
            .filter_map(|(r, st)| match (&st.end, &st.error) {
                (Some(_), _) => Some((r.query.clone(), Ok(st.series.clone()))),
                (None, Some(e)) => Some((r.query.clone(), Err(e.clone()))),
                (None, None) => None,
            })
            .collect();
        MetricsPoll { instant, range }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::Duration;

    fn series(points: &[(f64, f64)]) -> Series {
        Series { labels: Default::default(), points: points.to_vec() }
    }

    #[test]
    fn ranges_extend_with_new_points_and_trim_at_the_window() {
        let r =
            RangeQuery { query: "x".into(), window: Duration::from_secs(180), step: Duration::from_secs(60) };
        let t = |s: i64| Utc.timestamp_opt(s, 0).unwrap();
        let mut st = RangeState::default();
        st.merge(&r, t(600), true, vec![series(&[(420.0, 1.0), (480.0, 2.0), (540.0, 3.0), (600.0, 4.0)])]);
        assert_eq!(st.series[0].points.len(), 4);
        st.merge(&r, t(660), false, vec![series(&[(660.0, 5.0)])]);
        assert_eq!(st.series[0].points, [(480.0, 2.0), (540.0, 3.0), (600.0, 4.0), (660.0, 5.0)]);
        // A late answer for steps already covered changes nothing.
        st.merge(&r, t(600), false, vec![series(&[(600.0, 9.0)])]);
        assert_eq!(st.series[0].points.last(), Some(&(660.0, 5.0)));
        // A series that appears is added; one whose points all left the window goes.
        let mut other = series(&[(720.0, 1.0)]);
        other.labels.insert("a".into(), "b".into());
        st.merge(&r, t(720), false, vec![other]);
        assert_eq!(st.series.len(), 2);
        st.merge(&r, t(1200), false, vec![]);
        assert!(st.series.is_empty());
    }
}
