//! Silencing an alert from opsdeck (the feed's `s`): the silence to POST, built purely from
//! the alert, and the record of it for the incident timeline once Alertmanager accepted it.
//! The POST itself is `sources::alertmanager::AmClient::create_silence`, run as an effect.
use chrono::{DateTime, Utc};
use std::time::Duration;

use super::model::SilenceRecord;
use crate::derive::AlertView;
use crate::domain::{Matcher, NewSilence};

/// A silence for exactly this alert: one equality matcher per label, from `now` for
/// `duration`, created by `who` (the Unix user) with `comment`.
pub fn silence_for(
    alert: &AlertView,
    duration: Duration,
    comment: &str,
    who: &str,
    now: DateTime<Utc>,
) -> Result<NewSilence, String> {
    if duration.is_zero() {
        return Err("the silence duration must be longer than zero".into());
    }
    let comment = comment.trim();
    if comment.is_empty() {
        return Err("a silence needs a comment saying why".into());
    }
    if alert.labels.is_empty() {
        return Err("the alert has no labels to match".into());
    }
    let ends_at =
        now + chrono::Duration::from_std(duration).map_err(|_| "the duration is too long".to_string())?;
    Ok(NewSilence {
        matchers: alert
            .labels
            .iter()
            .map(|(k, v)| Matcher {
                name: k.to_string(),
                value: v.to_string(),
                is_regex: false,
                is_equal: true,
            })
            .collect(),
        starts_at: now,
        ends_at,
        created_by: who.to_string(),
        comment: comment.to_string(),
    })
}

/// `name="value", name!~"regex"`: matchers as a person reads them.
pub fn matchers_text(matchers: &[Matcher]) -> String {
    matchers
        .iter()
        .map(|m| {
            let op = match (m.is_equal, m.is_regex) {
                (true, false) => "=",
                (false, false) => "!=",
                (true, true) => "=~",
                (false, true) => "!~",
            };
            format!("{}{op}{:?}", m.name, m.value)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The timeline record of a silence Alertmanager accepted under `silence_id`.
pub fn record(silence: &NewSilence, silence_id: &str) -> SilenceRecord {
    SilenceRecord {
        silence_id: silence_id.to_string(),
        matchers: matchers_text(&silence.matchers),
        ends_at: silence.ends_at,
        comment: silence.comment.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn alert() -> AlertView {
        AlertView {
            fingerprint: "f".into(),
            alertname: "DiskFull".into(),
            priority: crate::derive::Priority::P1,
            state: crate::domain::AlertState::Active,
            silenced: false,
            inhibited: false,
            starts_at: Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap(),
            labels: [("alertname", "DiskFull"), ("instance", "db-1:9100")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<crate::domain::Labels>()
                .into(),
            annotations: Default::default(),
            sources: vec![],
            generator_url: None,
        }
    }

    #[test]
    fn builds_an_exact_silence_and_its_record() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let s = silence_for(&alert(), Duration::from_secs(7200), " deploying fix ", "alice", now).unwrap();
        assert_eq!(s.matchers.len(), 2);
        assert!(s.matchers.iter().all(|m| m.is_equal && !m.is_regex));
        assert_eq!(s.ends_at, Utc.with_ymd_and_hms(2026, 11, 23, 4, 0, 0).unwrap());
        assert_eq!((s.created_by.as_str(), s.comment.as_str()), ("alice", "deploying fix"));
        let r = record(&s, "abc");
        assert_eq!(r.matchers, r#"alertname="DiskFull", instance="db-1:9100""#);
        assert_eq!(r.silence_id, "abc");
        assert!(silence_for(&alert(), Duration::ZERO, "x", "a", now).is_err());
        assert!(silence_for(&alert(), Duration::from_secs(60), "  ", "a", now).is_err());
    }
}
