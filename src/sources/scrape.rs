//! A raw `/metrics` source: fetch, parse with our exposition parser, and answer a query plan
//! whose instant queries are selectors (the values of the matching samples are summed).
use chrono::{DateTime, Utc};

use super::exposition::{self, Format, ScrapedSample, Selector};
use super::http::HttpClient;
use crate::config::types::{Defaults, SourceSpec};
use crate::domain::{MetricsPoll, QueryData, QueryPlan, QueryResponse, Sample, SourceError};

/// What we ask for: OpenMetrics first, the text format as a fallback.
pub const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

#[derive(Debug, Clone)]
pub struct ScrapeClient {
    http: HttpClient,
}

impl ScrapeClient {
    pub fn new(spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        Ok(ScrapeClient { http: HttpClient::new(spec, defaults)? })
    }

    pub fn from_http(http: HttpClient) -> Self {
        ScrapeClient { http }
    }

    /// Fetches the endpoint (its URL is the full `/metrics` URL) and parses it by its
    /// `Content-Type`. A non-2xx answer or text that does not parse fails the source.
    pub async fn fetch(&self) -> Result<Vec<ScrapedSample>, SourceError> {
        let body = self.http.get_with_accept("", &[], Some(ACCEPT)).await?;
        if !body.is_success() {
            return Err(SourceError::Http { status: body.status, detail: body.excerpt() });
        }
        let text = std::str::from_utf8(&body.bytes).map_err(|e| {
            SourceError::Other(format!("metrics text is not UTF-8 (byte {})", e.valid_up_to()))
        })?;
        let format = match body.content_type.as_deref() {
            Some(ct) => Format::from_content_type(ct),
            None if text.lines().any(|l| l.trim_end() == "# EOF") => Format::OpenMetrics,
            None => Format::Text,
        };
        let families = exposition::parse_as(text, format)
            .map_err(|e| SourceError::Other(format!("invalid metrics text at {e}")))?;
        Ok(exposition::flatten(families))
    }

    /// Fetches once and evaluates the plan against the samples.
    pub async fn run_plan(&self, plan: &QueryPlan, now: DateTime<Utc>) -> Result<MetricsPoll, SourceError> {
        let samples = self.fetch().await?;
        Ok(evaluate(&samples, plan, now))
    }
}

/// Pure: each instant query is a selector; its answer is a one-sample vector holding the sum
/// of the matching samples (an empty vector when none match, like PromQL's `sum`). Range
/// queries and queries evaluated in the past need history, hence a Prometheus source.
pub fn evaluate(samples: &[ScrapedSample], plan: &QueryPlan, now: DateTime<Utc>) -> MetricsPoll {
    let mut out = MetricsPoll::default();
    let ts = now.timestamp_millis() as f64 / 1000.0;
    for q in &plan.instant {
        let answer = if !q.ago.is_zero() {
            Err(format!(
                "evaluating `{}` {} ago needs a Prometheus source (a scrape source has no history)",
                q.query,
                crate::util::duration::format_compact(q.ago)
            ))
        } else {
            Selector::parse(&q.query).map_err(|e| e.to_string()).map(|sel| {
                let data = match exposition::sum_matching(samples, &sel) {
                    Some(value) => vec![Sample { labels: Default::default(), ts, value }],
                    None => Vec::new(),
                };
                QueryResponse { data: QueryData::Vector(data), warnings: Vec::new() }
            })
        };
        out.instant.insert(q.clone(), answer);
    }
    for r in &plan.range {
        out.range.insert(
            r.query.clone(),
            Err("a range query needs a Prometheus source (a scrape source has no history)".to_string()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{InstantQuery, RangeQuery};
    use chrono::TimeZone;
    use std::time::Duration;

    #[test]
    fn evaluate_sums_selectors_and_refuses_history() {
        let samples = exposition::parse_samples(
            "job:req:rate5m{path=\"/a,b\",code=\"500\"} 1.5\njob:req:rate5m{path=\"/a,b\",code=\"200\"} 10\n",
        )
        .unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 1, 20, 0).unwrap();
        let q5 = InstantQuery::now("job:req:rate5m{path=\"/a,b\",code=~\"5..\"}");
        let all = InstantQuery::now("job:req:rate5m");
        let none = InstantQuery::now("job:req:rate5m{code=\"404\"}");
        let bad = InstantQuery::now("rate(x[5m])");
        let old = InstantQuery { query: "job:req:rate5m".into(), ago: Duration::from_secs(604_800) };
        let plan = QueryPlan {
            instant: vec![q5.clone(), all.clone(), none.clone(), bad.clone(), old.clone()],
            range: vec![RangeQuery {
                query: "job:req:rate5m".into(),
                window: Duration::from_secs(3600),
                step: Duration::from_secs(60),
            }],
        };
        let m = evaluate(&samples, &plan, now);
        let one = |q: &InstantQuery| match &m.instant[q].as_ref().unwrap().data {
            QueryData::Vector(v) => v.iter().map(|s| (s.ts, s.value)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let ts = now.timestamp() as f64;
        assert_eq!(one(&q5), vec![(ts, 1.5)]);
        assert_eq!(one(&all), vec![(ts, 11.5)]);
        assert_eq!(one(&none), vec![]);
        assert_eq!(
            m.instant[&bad].as_ref().unwrap_err(),
            "bad selector at column 5: unexpected text (a scrape source takes a selector, not a PromQL expression)"
        );
        assert_eq!(
            m.instant[&old].as_ref().unwrap_err(),
            "evaluating `job:req:rate5m` 168h ago needs a Prometheus source (a scrape source has no history)"
        );
        assert!(m.range["job:req:rate5m"].as_ref().unwrap_err().contains("needs a Prometheus source"));
    }
}
