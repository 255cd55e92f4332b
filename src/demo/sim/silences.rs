//! Alertmanager silences: validation as Alertmanager 0.25 does it, anchored regex matchers,
//! `isEqual` negation, and the active/pending/expired states. Time is an argument.
use serde::Serialize;

use super::to_time;
use crate::domain::{Labels, Matcher, NewSilence};

#[derive(Debug, Clone)]
pub struct SilenceRec {
    pub id: String,
    pub matchers: Vec<Matcher>,
    /// The anchored regex of each regex matcher (None for equality matchers).
    compiled: Vec<Option<regex::Regex>>,
    pub starts_at: f64,
    pub ends_at: f64,
    pub created_by: String,
    pub comment: String,
    pub updated_at: f64,
}

/// The two error body shapes Alertmanager uses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SilenceError {
    /// HTTP 400 with a bare JSON string body.
    #[error("{0}")]
    BadRequest(String),
    /// HTTP 422 with `{code, message}`.
    #[error("{message}")]
    Unprocessable { code: u32, message: String },
    /// HTTP 404 with an empty body (update of an unknown id).
    #[error("silence not found")]
    NotFound,
}

/// Checks a new silence and turns it into a record; `make_id` names a new one.
pub fn validate(
    s: NewSilence,
    id: Option<String>,
    now: f64,
    make_id: impl FnOnce() -> String,
) -> Result<SilenceRec, SilenceError> {
    if s.matchers.is_empty() {
        return Err(SilenceError::Unprocessable {
            code: 612,
            message: "matchers in body should have at least 1 items".into(),
        });
    }
    for m in &s.matchers {
        if m.name.is_empty() {
            return Err(SilenceError::BadRequest(
                "Failed to create silence: invalid label matcher: empty name".into(),
            ));
        }
        if m.is_regex && regex::Regex::new(&m.value).is_err() {
            return Err(SilenceError::BadRequest(format!(
                "Failed to create silence: invalid regular expression {:?}",
                m.value
            )));
        }
    }
    let starts = super::to_secs(s.starts_at).max(now);
    let ends = super::to_secs(s.ends_at);
    if ends <= starts {
        return Err(SilenceError::BadRequest(
            "Failed to create silence: start time must be before end time".into(),
        ));
    }
    let compiled = s
        .matchers
        .iter()
        .map(|m| if m.is_regex { regex::Regex::new(&format!("^(?:{})$", m.value)).ok() } else { None })
        .collect();
    Ok(SilenceRec {
        id: id.unwrap_or_else(make_id),
        matchers: s.matchers,
        compiled,
        starts_at: starts,
        ends_at: ends,
        created_by: s.created_by,
        comment: s.comment,
        updated_at: now,
    })
}

fn matches(m: &Matcher, re: &Option<regex::Regex>, labels: &Labels) -> bool {
    let value = labels.get(&m.name).map(String::as_str).unwrap_or("");
    let hit = match re {
        Some(re) => re.is_match(value),
        None => !m.is_regex && value == m.value,
    };
    hit == m.is_equal
}

pub fn state(s: &SilenceRec, now: f64) -> &'static str {
    if now < s.starts_at {
        "pending"
    } else if now < s.ends_at {
        "active"
    } else {
        "expired"
    }
}

/// Ids of the active silences whose matchers all match `labels`.
pub fn silencing(all: &[SilenceRec], labels: &Labels, now: f64) -> Vec<String> {
    all.iter()
        .filter(|s| {
            state(s, now) == "active"
                && s.matchers.iter().zip(&s.compiled).all(|(m, re)| matches(m, re, labels))
        })
        .map(|s| s.id.clone())
        .collect()
}

/// A silence in Alertmanager's `GettableSilence` JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SilenceView {
    pub id: String,
    pub status: SilenceStatus,
    #[serde(rename = "updatedAt")]
    pub updated_at: String,
    pub comment: String,
    #[serde(rename = "createdBy")]
    pub created_by: String,
    #[serde(rename = "startsAt")]
    pub starts_at: String,
    #[serde(rename = "endsAt")]
    pub ends_at: String,
    pub matchers: Vec<Matcher>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SilenceStatus {
    pub state: &'static str,
}

pub fn rfc3339(t: f64) -> String {
    to_time(t).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// All silences, active first, then pending, then expired (as Alertmanager sorts them).
pub fn list(all: &[SilenceRec], now: f64) -> Vec<SilenceView> {
    let mut v: Vec<SilenceView> = all
        .iter()
        .map(|s| SilenceView {
            id: s.id.clone(),
            status: SilenceStatus { state: state(s, now) },
            updated_at: rfc3339(s.updated_at),
            comment: s.comment.clone(),
            created_by: s.created_by.clone(),
            starts_at: rfc3339(s.starts_at),
            ends_at: rfc3339(s.ends_at),
            matchers: s.matchers.clone(),
        })
        .collect();
    let rank = |s: &SilenceView| match s.status.state {
        "active" => 0,
        "pending" => 1,
        _ => 2,
    };
    v.sort_by_key(rank);
    v
}
