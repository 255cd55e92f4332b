//! The first-frame honesty rule: until a pane's sources first answer, the pane says whom it
//! waits for and for how long (`waiting for am-a (2 s)`), never a count or an all-clear.
use crate::domain::SourceStatus;

use super::pane::Pane;
use super::state::Model;

impl Model {
    /// `waiting for am-a (2 s)` while none of `pane`'s sources has answered yet and at
    /// least one is still waiting for its first answer; None once one answered, when
    /// every source failed before answering (the pane says `NO DATA` then), or for panes
    /// without sources.
    pub fn waiting(&self, pane: Pane) -> Option<String> {
        let srcs = &self.pane_sources[pane.index()];
        if srcs.iter().any(|&i| self.sources[i].freshness.last_ok.is_some()) {
            return None;
        }
        let mut loading = srcs
            .iter()
            .map(|&i| &self.sources[i])
            .filter(|s| matches!(s.status(self.now), SourceStatus::Loading))
            .map(|s| s.name.as_str());
        let first = loading.next()?;
        let more = loading.count();
        let more = if more > 0 { format!(" +{more}") } else { String::new() };
        let secs = (self.now - self.started_at).num_seconds().max(0);
        Some(format!("waiting for {first}{more} ({secs} s)"))
    }

    /// Whether the alert feed's counts are known (Alertmanager answered at least once).
    pub fn alerts_known(&self) -> bool {
        self.pane_sources[Pane::Alerts.index()].iter().any(|&i| self.sources[i].freshness.last_ok.is_some())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse_str;
    use crate::model::{Model, ModelOptions, Pane};
    use chrono::{TimeZone, Utc};

    #[test]
    fn waits_by_name_and_seconds_until_the_first_answer() {
        let cfg =
            parse_str("[[alertmanager]]\nname = \"am-a\"\nurl = \"http://127.0.0.1:1\"\n", "t.toml").unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap();
        let mut m = Model::new(cfg, ModelOptions { now: t0, ..Default::default() });
        m.now = t0 + chrono::Duration::seconds(2);
        assert_eq!(m.waiting(Pane::Alerts).as_deref(), Some("waiting for am-a (2 s)"));
        assert!(!m.alerts_known());
        assert_eq!(m.waiting(Pane::Clock), None);
        m.sources[0].freshness.record(m.now, None);
        assert_eq!(m.waiting(Pane::Alerts), None);
        assert!(m.alerts_known());
    }
}
