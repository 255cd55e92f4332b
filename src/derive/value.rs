//! Reading one number (or one history) out of a metrics poll.
use std::collections::BTreeMap;

use crate::domain::{InstantQuery, MetricsPoll, QueryData};

/// The value of `q` in `poll`, or why there is none, worded for the screen. A vector's
/// samples are summed (as a scrape source does); NaN counts as no value; infinities are
/// kept (`histogram_quantile` answers `+Inf` when above the highest bucket).
pub fn instant(poll: Option<&MetricsPoll>, q: &InstantQuery) -> Result<f64, String> {
    let poll = poll.ok_or("no data from the source")?;
    let answer = poll.instant.get(q).ok_or("not queried")?;
    let resp = answer.as_ref().map_err(|e| e.clone())?;
    let v = match &resp.data {
        QueryData::Scalar { value, .. } => *value,
        QueryData::Vector(samples) if samples.is_empty() => return Err("no series".into()),
        QueryData::Vector(samples) => samples.iter().map(|s| s.value).sum(),
        QueryData::Matrix(_) => return Err("range vector where a number was expected".into()),
        QueryData::String { .. } => return Err("string where a number was expected".into()),
    };
    if v.is_nan() { Err("NaN".into()) } else { Ok(v) }
}

/// `instant` as an Option, for fields that only show the value.
pub fn instant_opt(poll: Option<&MetricsPoll>, q: &InstantQuery) -> Option<f64> {
    instant(poll, q).ok()
}

/// The history of `query`: all series summed per timestamp, oldest first; points that are
/// not finite are left out. Empty when there is none.
pub fn history(poll: Option<&MetricsPoll>, query: &str) -> Vec<f64> {
    let Some(Ok(series)) = poll.and_then(|p| p.range.get(query)) else { return Vec::new() };
    let mut by_ts: BTreeMap<i64, f64> = BTreeMap::new();
    for s in series {
        for (ts, v) in &s.points {
            *by_ts.entry((ts * 1000.0).round() as i64).or_insert(0.0) += v;
        }
    }
    by_ts.into_values().filter(|v| v.is_finite()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{QueryResponse, Sample, Series};

    fn poll_with(q: &str, data: Result<QueryData, String>) -> MetricsPoll {
        let mut p = MetricsPoll::default();
        p.instant.insert(InstantQuery::now(q), data.map(|data| QueryResponse { data, warnings: vec![] }));
        p
    }
    fn sample(v: f64) -> Sample {
        Sample { labels: Default::default(), ts: 0.0, value: v }
    }

    #[test]
    fn sums_vectors_and_reads_scalars() {
        let q = InstantQuery::now("q");
        let p = poll_with("q", Ok(QueryData::Vector(vec![sample(1.5), sample(2.0)])));
        assert_eq!(instant(Some(&p), &q), Ok(3.5));
        let p = poll_with("q", Ok(QueryData::Scalar { ts: 0.0, value: 7.0 }));
        assert_eq!(instant(Some(&p), &q), Ok(7.0));
    }

    #[test]
    fn missing_nan_and_errors_are_reasons() {
        let q = InstantQuery::now("q");
        assert!(instant(None, &q).is_err());
        assert_eq!(instant(Some(&MetricsPoll::default()), &q), Err("not queried".into()));
        let p = poll_with("q", Ok(QueryData::Vector(vec![])));
        assert_eq!(instant(Some(&p), &q), Err("no series".into()));
        let p = poll_with("q", Ok(QueryData::Vector(vec![sample(f64::NAN)])));
        assert_eq!(instant(Some(&p), &q), Err("NaN".into()));
        let p = poll_with("q", Err("bad_data: parse error".into()));
        assert_eq!(instant(Some(&p), &q), Err("bad_data: parse error".into()));
        let p = poll_with("q", Ok(QueryData::Vector(vec![sample(f64::INFINITY)])));
        assert_eq!(instant(Some(&p), &q), Ok(f64::INFINITY));
    }

    #[test]
    fn history_sums_series_by_timestamp_and_drops_non_finite() {
        let mut p = MetricsPoll::default();
        p.range.insert(
            "q".into(),
            Ok(vec![
                Series {
                    labels: Default::default(),
                    points: vec![(60.0, 1.0), (120.0, 2.0), (180.0, f64::NAN)],
                },
                Series { labels: Default::default(), points: vec![(0.0, 5.0), (120.0, 3.0)] },
            ]),
        );
        assert_eq!(history(Some(&p), "q"), [5.0, 1.0, 5.0]);
        assert!(history(Some(&p), "other").is_empty());
    }
}
