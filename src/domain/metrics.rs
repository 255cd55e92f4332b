//! What a metrics source answers: instant and range query results, and the plan of
//! queries a source runs each poll.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

use super::Labels;

/// One sample of an instant vector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub labels: Labels,
    /// Unix seconds.
    pub ts: f64,
    /// May be NaN or infinite: Prometheus sends `"NaN"`, `"+Inf"`, `"-Inf"`.
    pub value: f64,
}

/// One series of a range vector (matrix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub labels: Labels,
    /// (unix seconds, value), oldest first.
    pub points: Vec<(f64, f64)>,
}

/// The result of a PromQL query, by `resultType`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum QueryData {
    Vector(Vec<Sample>),
    Matrix(Vec<Series>),
    Scalar { ts: f64, value: f64 },
    String { ts: f64, value: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryResponse {
    pub data: QueryData,
    /// `warnings` of a successful answer (e.g. a failed remote read).
    pub warnings: Vec<String>,
}

/// What one poll of a metrics source (Prometheus API or a raw /metrics scrape) yielded:
/// per query text, its answer or a per-query error a person can read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MetricsPoll {
    pub instant: BTreeMap<InstantQuery, Result<QueryResponse, String>>,
    pub range: BTreeMap<String, Result<Vec<Series>, String>>,
}

/// The queries one metrics source runs each poll. Built from the pane definitions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryPlan {
    pub instant: Vec<InstantQuery>,
    /// Range queries for sparklines: query, window and step.
    pub range: Vec<RangeQuery>,
}

/// An instant query evaluated `ago` before the poll time (zero: now). Week-over-week deltas
/// use `ago = 7d` through the API's `time` parameter, which works for any expression
/// (PromQL's `offset` only applies to selectors).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InstantQuery {
    pub query: String,
    pub ago: Duration,
}

impl InstantQuery {
    pub fn now(query: impl Into<String>) -> Self {
        InstantQuery { query: query.into(), ago: Duration::ZERO }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RangeQuery {
    pub query: String,
    pub window: Duration,
    pub step: Duration,
}
