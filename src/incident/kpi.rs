//! The KPIs opsdeck measures from its own incident book: MTTA (detection to
//! acknowledgement), MTTR (detection to resolution), incidents per severity and SLA
//! breaches (resolution target missed) over a window, and the same over the window
//! before it (the trend). Pure: the book and the time are inputs.
use chrono::{DateTime, Utc};
use std::time::Duration;

use super::model::{Incident, IncidentBook, Severity, elapsed};
use super::policy::Policy;
use crate::derive::kpi::Measured;

fn in_window(i: &Incident, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    i.detected_at >= from && i.detected_at < to
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = v.fold((0u32, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then(|| sum / f64::from(n))
}

/// One built-in over the incidents detected in `[to - window, to)`; None for an unknown
/// name. Durations in clock seconds (`[escalation] speed`).
pub fn measure_once(
    book: &IncidentBook,
    policy: &Policy,
    name: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<Option<f64>> {
    let list = || book.incidents.iter().filter(move |i| in_window(i, from, to));
    let secs = |a: DateTime<Utc>, b: DateTime<Utc>| policy.clock_time(elapsed(a, b)).as_secs_f64();
    let count =
        |sev: Option<Severity>| Some(list().filter(|i| sev.is_none_or(|s| i.severity == s)).count() as f64);
    Some(match name {
        "mtta" => mean(list().filter_map(|i| i.acknowledged.as_ref().map(|a| secs(i.detected_at, a.at)))),
        "mttr" => mean(list().filter_map(|i| i.resolved.as_ref().map(|r| secs(i.detected_at, r.at)))),
        "incidents" => count(None),
        "incidents_p0" => count(Some(Severity::P0)),
        "incidents_p1" => count(Some(Severity::P1)),
        "incidents_p2" => count(Some(Severity::P2)),
        "incidents_p3" => count(Some(Severity::P3)),
        "sla_breaches" => Some(
            list()
                .filter(|i| {
                    let end = i.resolved.as_ref().map(|r| r.at).unwrap_or(to);
                    policy
                        .target(i.severity)
                        .is_some_and(|t| Duration::from_secs_f64(secs(i.detected_at, end)) > t)
                })
                .count() as f64,
        ),
        _ => return None,
    })
}

/// The built-in now and over the window before.
pub fn measure(
    book: &IncidentBook,
    policy: &Policy,
    name: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Option<Measured> {
    let w = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::days(30));
    let value = measure_once(book, policy, name, now - w, now)?;
    let previous = measure_once(book, policy, name, now - w - w, now - w)?;
    Some(Measured { value, previous })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::model::{acknowledge, declare, resolve};
    use chrono::TimeZone;

    fn day(d: i64, min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
            + chrono::Duration::days(d)
            + chrono::Duration::minutes(min)
    }

    #[test]
    fn mtta_mttr_counts_and_breaches_over_the_window() {
        let p = Policy::default();
        let mut b = IncidentBook::default();
        let a = declare(&mut b, "one", Severity::P1, "x", day(40, 0)).unwrap();
        acknowledge(&mut b, a, "x", day(40, 4)).unwrap();
        resolve(&mut b, a, "x", day(40, 30)).unwrap();
        let c = declare(&mut b, "two", Severity::P0, "x", day(45, 0)).unwrap();
        acknowledge(&mut b, c, "x", day(45, 6)).unwrap();
        resolve(&mut b, c, "x", day(45, 90)).unwrap(); // past the 1 h P0 target
        let old = declare(&mut b, "old", Severity::P1, "x", day(10, 0)).unwrap();
        resolve(&mut b, old, "x", day(10, 60)).unwrap();
        let now = day(50, 0);
        let w = Duration::from_secs(30 * 86_400);
        let m = |n: &str| measure(&b, &p, n, w, now).unwrap();
        assert_eq!(m("mtta").value, Some(300.0));
        assert_eq!(m("mttr").value, Some(3600.0));
        assert_eq!(m("mttr").previous, Some(3600.0));
        assert_eq!(m("incidents").value, Some(2.0));
        assert_eq!(m("incidents_p0").value, Some(1.0));
        assert_eq!(m("sla_breaches").value, Some(1.0));
        assert_eq!(m("mtta").previous, None);
        assert!(measure(&b, &p, "nope", w, now).is_none());
    }
}
