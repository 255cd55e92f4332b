//! The dead-man's switch: an always-firing alert (default `Watchdog`) proves the whole
//! alert pipeline works; when it has been missing from the Alertmanager answers for more
//! than two polls, the pipeline is broken and the screen says so.
//!
//! Pure: `DeadMan::observe` records one Alertmanager answer, `banner` says what to show at
//! a time. Only successful answers count: a failing Alertmanager is already shown as
//! failing by its source status, and its empty answer proves nothing.
use chrono::{DateTime, Utc};
use std::time::Duration;

use super::AlertView;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeadMan {
    /// When the watched alert was last present in a successful answer.
    pub last_seen: Option<DateTime<Utc>>,
    /// The first successful answer (the clock starts there when never seen).
    pub first_answer: Option<DateTime<Utc>>,
}

/// Whether `name` is among the alerts (any state: a silenced Watchdog still proves the
/// pipeline).
pub fn present(alerts: &[AlertView], name: &str) -> bool {
    alerts.iter().any(|a| a.alertname == name)
}

impl DeadMan {
    /// Records one successful Alertmanager answer at `at`.
    pub fn observe(&mut self, alerts: &[AlertView], name: &str, at: DateTime<Utc>) {
        self.first_answer.get_or_insert(at);
        if present(alerts, name) {
            self.last_seen = Some(at);
        }
    }

    /// The banner at `now` for a source polled every `poll`: missing for more than two
    /// polls. None when the switch is off (`name` empty) or the alert was seen lately.
    pub fn banner(&self, name: &str, poll: Duration, now: DateTime<Utc>) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        let since = self.last_seen.or(self.first_answer)?;
        let missing = (now - since).to_std().unwrap_or_default();
        if missing <= poll * 2 {
            return None;
        }
        Some(banner_text(name, missing))
    }
}

/// `alert pipeline broken: Watchdog not seen for 3m`.
pub fn banner_text(name: &str, missing: Duration) -> String {
    let s = missing.as_secs();
    let age = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    };
    format!("alert pipeline broken: {name} not seen for {age}")
}

/// For a single poll (`snapshot --json`): the banner when an answer without the watched
/// alert came back; the duration is unknown, so the text says "in this poll".
pub fn single_poll(alerts: &[AlertView], name: &str, answered: bool) -> Option<String> {
    (!name.is_empty() && answered && !present(alerts, name))
        .then(|| format!("alert pipeline broken: {name} not seen in this poll"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    #[test]
    fn missing_for_more_than_two_polls_breaks_the_pipeline() {
        let poll = Duration::from_secs(5);
        let mut d = DeadMan::default();
        assert_eq!(d.banner("Watchdog", poll, at(0)), None, "no answer yet: nothing known");
        d.observe(&[], "Watchdog", at(0));
        assert_eq!(d.banner("Watchdog", poll, at(10)), None, "two polls");
        assert_eq!(
            d.banner("Watchdog", poll, at(180)).as_deref(),
            Some("alert pipeline broken: Watchdog not seen for 3m")
        );
        assert_eq!(d.banner("", poll, at(180)), None, "switched off");
        assert_eq!(
            banner_text("Watchdog", Duration::from_secs(12)),
            "alert pipeline broken: Watchdog not seen for 12s"
        );
        assert_eq!(
            single_poll(&[], "Watchdog", true).as_deref(),
            Some("alert pipeline broken: Watchdog not seen in this poll")
        );
        assert_eq!(single_poll(&[], "Watchdog", false), None);
    }
}
