//! The Prometheus HTTP API client (`/api/v1/query`, `/api/v1/query_range`). Speaks only the
//! plain API, so Thanos, Mimir and VictoriaMetrics work unchanged. Queries go as form POSTs
//! (long PromQL never hits a URL length limit).
use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::http::{Body, HttpClient};
use crate::config::types::{Defaults, SourceSpec};
use crate::domain::{
    InstantQuery, MetricsPoll, QueryData, QueryPlan, QueryResponse, RangeQuery, Sample, Series, SourceError,
};

/// Prometheus refuses range queries of more than 11,000 points per series.
pub const MAX_POINTS: u64 = 11_000;

#[derive(Debug, Clone)]
pub struct PromClient {
    http: HttpClient,
    max_in_flight: usize,
}

impl PromClient {
    pub fn new(spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        let http = HttpClient::new(spec, defaults)?;
        Ok(PromClient { http, max_in_flight: spec.max_in_flight_or_default() })
    }

    pub fn from_http(http: HttpClient) -> Self {
        PromClient { http, max_in_flight: crate::config::types::DEFAULT_MAX_IN_FLIGHT }
    }

    /// How many requests of one poll may be in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// An instant query evaluated at `now - q.ago` (the API's `time` parameter).
    pub async fn query(&self, q: &InstantQuery, now: DateTime<Utc>) -> Result<QueryResponse, SourceError> {
        self.query_raw(q, now).await.map_err(Failure::into_error)
    }

    /// A range query from `start` to `end` every `step`. The step is raised when needed to
    /// stay within Prometheus' 11,000 points per series.
    pub async fn query_range(
        &self,
        query: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<QueryResponse, SourceError> {
        self.query_range_raw(query, start, end, step).await.map_err(Failure::into_error)
    }

    /// The total timeout of one request.
    pub fn timeout(&self) -> Duration {
        self.http.timeout()
    }

    pub(super) async fn query_raw(
        &self,
        q: &InstantQuery,
        now: DateTime<Utc>,
    ) -> Result<QueryResponse, Failure> {
        let at = now - chrono::Duration::from_std(q.ago).unwrap_or(chrono::Duration::zero());
        let form = [("query", q.query.clone()), ("time", format_time(at))];
        let body = self.http.post_form("/api/v1/query", &form).await.map_err(Failure::Source)?;
        decode(&body)
    }

    pub(super) async fn query_range_raw(
        &self,
        query: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        step: Duration,
    ) -> Result<QueryResponse, Failure> {
        let step = clamp_step(start, end, step);
        let form = [
            ("query", query.to_string()),
            ("start", format_time(start)),
            ("end", format_time(end)),
            ("step", format_step(step)),
        ];
        let body = self.http.post_form("/api/v1/query_range", &form).await.map_err(Failure::Source)?;
        decode(&body)
    }

    /// `GET /api/v1/status/buildinfo`: the server's version (Prometheus; Thanos, Mimir and
    /// VictoriaMetrics answer it too).
    pub async fn buildinfo(&self) -> Result<BuildInfo, SourceError> {
        let body = self.http.get("/api/v1/status/buildinfo", &[]).await?;
        parse_buildinfo(&body)
    }

    /// Runs a whole plan once, up to `max_in_flight` requests at a time (see
    /// [`super::plan_runner::PlanRunner`], which the screen's pollers keep between polls). A
    /// query the server answers with an API error is a per-query error; an unreachable
    /// server or an answer that is not the Prometheus API fails the whole poll when no
    /// query succeeded. An empty plan still asks one trivial query.
    pub async fn run_plan(&self, plan: &QueryPlan, now: DateTime<Utc>) -> Result<MetricsPoll, SourceError> {
        super::plan_runner::PlanRunner::new(self.clone(), self.max_in_flight).round(plan, now, None).await
    }
}

/// Why a query failed: the API refused this query (the server is fine), or the server could
/// not be reached or did not answer with the API at all.
pub(super) enum Failure {
    Api(SourceError),
    Source(SourceError),
}

impl Failure {
    fn into_error(self) -> SourceError {
        match self {
            Failure::Api(e) | Failure::Source(e) => e,
        }
    }
}

pub(super) fn data_kind(d: &QueryData) -> &'static str {
    match d {
        QueryData::Vector(_) => "vector",
        QueryData::Matrix(_) => "matrix",
        QueryData::Scalar { .. } => "scalar",
        QueryData::String { .. } => "string",
    }
}

/// The window ending at `now`, both ends aligned down to a multiple of the step so that
/// successive sparklines share their timestamps.
pub fn range_bounds(r: &RangeQuery, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let step_ms = (r.step.as_millis() as i64).max(1);
    let end_ms = now.timestamp_millis().div_euclid(step_ms) * step_ms;
    let start_ms = end_ms - r.window.as_millis() as i64;
    let start_ms = start_ms.div_euclid(step_ms) * step_ms;
    let t = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or(now);
    (t(start_ms), t(end_ms))
}

/// The step, raised so that `(end - start) / step` stays within `MAX_POINTS`; never zero.
pub fn clamp_step(start: DateTime<Utc>, end: DateTime<Utc>, step: Duration) -> Duration {
    let span_ms = (end - start).num_milliseconds().max(0) as u64;
    let min_ms = span_ms.div_ceil(MAX_POINTS).max(1);
    step.max(Duration::from_millis(min_ms))
}

/// Unix seconds with millisecond precision, as the API accepts.
pub fn format_time(t: DateTime<Utc>) -> String {
    let ms = t.timestamp_millis();
    if ms.rem_euclid(1000) == 0 {
        format!("{}", ms.div_euclid(1000))
    } else {
        format!("{:.3}", ms as f64 / 1000.0)
    }
}

/// A step as float seconds (`15`, `0.5`), which every implementation accepts.
pub fn format_step(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) { format!("{}", ms / 1000) } else { format!("{:.3}", ms as f64 / 1000.0) }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub go_version: String,
}

/// Decodes a `status/buildinfo` answer (errors as in `parse_response`).
pub fn parse_buildinfo(body: &Body) -> Result<BuildInfo, SourceError> {
    #[derive(Deserialize)]
    struct Env {
        status: String,
        #[serde(default)]
        data: Option<BuildInfo>,
        #[serde(rename = "errorType", default)]
        error_type: Option<String>,
        #[serde(default)]
        error: Option<String>,
    }
    let env: Env = body.json().map_err(|e| {
        if body.is_success() { e } else { SourceError::Http { status: body.status, detail: body.excerpt() } }
    })?;
    match (env.status.as_str(), env.data) {
        ("success", Some(d)) => Ok(d),
        _ => Err(SourceError::Http {
            status: body.status,
            detail: format!(
                "{}: {}",
                env.error_type.unwrap_or_else(|| "error".into()),
                env.error.unwrap_or_default()
            ),
        }),
    }
}

// ---- wire types -------------------------------------------------------------------------

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<WireData>,
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum WireData {
    Vector(Vec<WireInstant>),
    Matrix(Vec<WireRange>),
    Scalar(WirePoint),
    String((f64, String)),
}

#[derive(Deserialize)]
struct WireInstant {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    value: Option<WirePoint>,
    /// Native histograms: carried but not shown (no scalar value).
    #[serde(default)]
    #[allow(dead_code)]
    histogram: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<WirePoint>,
}

#[derive(Deserialize)]
struct WirePoint(f64, #[serde(deserialize_with = "f64_from_str")] f64);

/// Sample values are strings: `"1027"`, `"NaN"`, `"+Inf"`, `"-Inf"`, `"3e+00"`.
fn f64_from_str<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let s = String::deserialize(d)?;
    parse_value(&s).ok_or_else(|| serde::de::Error::custom(format!("not a sample value: {s:?}")))
}

/// Parses a Prometheus sample value string.
pub fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

/// Decodes an API answer of any HTTP status. The `{status:"error", errorType, error}`
/// envelope becomes `Http { status, detail: "<errorType>: <error>" }`; a body that is not
/// the API's JSON becomes `Http { status, <first line of a plain-text body> }` for an HTTP
/// error and `BadJson` otherwise.
pub fn parse_response(body: &Body) -> Result<QueryResponse, SourceError> {
    decode(body).map_err(Failure::into_error)
}

fn decode(body: &Body) -> Result<QueryResponse, Failure> {
    let env: Envelope = match body.json() {
        Ok(e) => e,
        Err(e) => {
            return Err(Failure::Source(if body.is_success() {
                e
            } else {
                SourceError::Http { status: body.status, detail: body.excerpt() }
            }));
        }
    };
    if env.status != "success" {
        let et = env.error_type.unwrap_or_else(|| "error".into());
        let msg = env.error.unwrap_or_default();
        let status = body.status;
        return Err(Failure::Api(SourceError::Http { status, detail: format!("{et}: {msg}") }));
    }
    let Some(data) = env.data else {
        return Err(Failure::Source(SourceError::Other("Prometheus answered success without data".into())));
    };
    let data = match data {
        WireData::Vector(v) => QueryData::Vector(
            v.into_iter()
                .filter_map(|s| s.value.map(|WirePoint(ts, value)| Sample { labels: s.metric, ts, value }))
                .collect(),
        ),
        WireData::Matrix(m) => QueryData::Matrix(
            m.into_iter()
                .map(|s| Series {
                    labels: s.metric,
                    points: s.values.into_iter().map(|WirePoint(t, v)| (t, v)).collect(),
                })
                .collect(),
        ),
        WireData::Scalar(WirePoint(ts, value)) => QueryData::Scalar { ts, value },
        WireData::String((ts, value)) => QueryData::String { ts, value },
    };
    Ok(QueryResponse { data, warnings: env.warnings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_and_steps_are_formatted_for_the_api() {
        let t = Utc.timestamp_millis_opt(1_795_396_625_497).unwrap();
        assert_eq!(format_time(t), "1795396625.497");
        assert_eq!(format_time(Utc.timestamp_opt(1_795_396_625, 0).unwrap()), "1795396625");
        assert_eq!(format_step(Duration::from_secs(15)), "15");
        assert_eq!(format_step(Duration::from_millis(1500)), "1.500");
    }

    #[test]
    fn step_is_clamped_to_eleven_thousand_points() {
        let s = Utc.timestamp_opt(0, 0).unwrap();
        let e = Utc.timestamp_opt(110_000, 0).unwrap();
        assert_eq!(clamp_step(s, e, Duration::from_secs(1)), Duration::from_secs(10));
        assert_eq!(clamp_step(s, e, Duration::from_secs(60)), Duration::from_secs(60));
    }

    #[test]
    fn native_histograms_and_newer_fields_do_not_break_decoding() {
        let body = Body {
            status: 200,
            content_type: None,
            bytes: br#"{"status":"success","infos":["PromQL info: metric might not be a counter"],
              "data":{"resultType":"vector","result":[
                {"metric":{"a":"1"},"histogram":[1795396625.5,{"count":"3","sum":"1.5","buckets":[[0,"0","1","3"]]}]},
                {"metric":{"a":"2"},"value":[1795396625.5,"2"]}]}}"#
                .to_vec(),
        };
        let r = parse_response(&body).unwrap();
        match r.data {
            QueryData::Vector(v) => {
                assert_eq!(v.len(), 1, "a histogram sample has no scalar value and is skipped");
                assert_eq!((v[0].labels["a"].as_str(), v[0].value), ("2", 2.0));
            }
            other => panic!("{other:?}"),
        }
        let body = Body {
            status: 200,
            content_type: None,
            bytes: br#"{"status":"success","data":{"resultType":"matrix","result":[
                {"metric":{},"histograms":[[1,{"count":"1","sum":"1"}]]}]}}"#
                .to_vec(),
        };
        assert_eq!(
            parse_response(&body).unwrap().data,
            QueryData::Matrix(vec![Series { labels: Default::default(), points: vec![] }])
        );
    }

    #[test]
    fn range_bounds_align_to_the_step() {
        let now = Utc.timestamp_opt(1_000_007, 0).unwrap();
        let r = RangeQuery {
            query: "x".into(),
            window: Duration::from_secs(3600),
            step: Duration::from_secs(60),
        };
        let (s, e) = range_bounds(&r, now);
        assert_eq!(e.timestamp(), 999_960);
        assert_eq!(s.timestamp(), 999_960 - 3600);
    }
}
