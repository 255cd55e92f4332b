//! Alert priority (DESIGN.md section 2) and the feed order.
use super::types::{AlertView, Priority};
use crate::config::PrioritySpec;
use crate::domain::{Alert, LabelSet};

/// A `priority` label (the spec's `label`) holding P0..P3 wins; else the severity label
/// looked up in `map` (exact key first, then ignoring case); else `default` (P3 if that is
/// not a priority either).
pub fn priority(spec: &PrioritySpec, labels: &LabelSet) -> Priority {
    if let Some(p) = labels.get(&spec.label).and_then(Priority::parse) {
        return p;
    }
    if let Some(sev) = labels.get(&spec.severity_label) {
        let mapped = spec
            .map
            .get(sev)
            .or_else(|| spec.map.iter().find(|(k, _)| k.eq_ignore_ascii_case(sev)).map(|(_, v)| v));
        if let Some(p) = mapped.and_then(|v| Priority::parse(v)) {
            return p;
        }
    }
    Priority::parse(&spec.default).unwrap_or(Priority::P3)
}

/// The feed: every alert with its priority, sorted by priority, then newest first, then
/// by fingerprint so that the order is stable.
pub fn views(spec: &PrioritySpec, alerts: &[Alert]) -> Vec<AlertView> {
    let mut out: Vec<AlertView> = alerts
        .iter()
        .map(|a| AlertView {
            fingerprint: a.fingerprint.clone(),
            alertname: a.name().to_string(),
            priority: priority(spec, &a.labels),
            state: a.state,
            silenced: !a.silenced_by.is_empty(),
            inhibited: !a.inhibited_by.is_empty(),
            starts_at: a.starts_at,
            labels: a.labels.clone(),
            annotations: a.annotations.clone(),
            sources: a.sources.clone(),
            generator_url: a.generator_url.clone(),
        })
        .collect();
    out.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.starts_at.cmp(&a.starts_at))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AlertState;
    use chrono::{TimeZone, Utc};

    fn labels(pairs: &[(&str, &str)]) -> LabelSet {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn priority_label_wins() {
        let s = PrioritySpec::default();
        assert_eq!(priority(&s, &labels(&[("priority", "P0"), ("severity", "warning")])), Priority::P0);
        assert_eq!(priority(&s, &labels(&[("priority", "p2"), ("severity", "critical")])), Priority::P2);
    }

    #[test]
    fn a_bad_priority_label_falls_back_to_severity() {
        let s = PrioritySpec::default();
        assert_eq!(priority(&s, &labels(&[("priority", "urgent"), ("severity", "critical")])), Priority::P1);
    }

    #[test]
    fn severity_map_then_default() {
        let s = PrioritySpec::default();
        assert_eq!(priority(&s, &labels(&[("severity", "critical")])), Priority::P1);
        assert_eq!(priority(&s, &labels(&[("severity", "warning")])), Priority::P2);
        assert_eq!(priority(&s, &labels(&[("severity", "Critical")])), Priority::P1);
        assert_eq!(priority(&s, &labels(&[("severity", "info")])), Priority::P3);
        assert_eq!(priority(&s, &labels(&[])), Priority::P3);
    }

    #[test]
    fn custom_labels_and_default() {
        let s = PrioritySpec {
            label: "prio".into(),
            severity_label: "level".into(),
            map: [("page".to_string(), "P0".to_string())].into(),
            default: "P2".into(),
        };
        assert_eq!(priority(&s, &labels(&[("prio", "P1")])), Priority::P1);
        assert_eq!(priority(&s, &labels(&[("priority", "P1"), ("level", "page")])), Priority::P0);
        assert_eq!(priority(&s, &labels(&[("severity", "critical")])), Priority::P2);
        let broken = PrioritySpec { default: "soon".into(), ..PrioritySpec::default() };
        assert_eq!(priority(&broken, &labels(&[])), Priority::P3);
    }

    fn alert(fp: &str, sev: &str, minute: u32) -> Alert {
        Alert {
            fingerprint: fp.into(),
            labels: labels(&[("alertname", fp), ("severity", sev)]),
            annotations: Default::default(),
            starts_at: Utc.with_ymd_and_hms(2026, 11, 23, 1, minute, 0).unwrap(),
            ends_at: None,
            updated_at: None,
            generator_url: None,
            state: AlertState::Active,
            silenced_by: vec![],
            inhibited_by: if fp == "c" { vec!["x".into()] } else { vec![] },
            receivers: vec![],
            sources: vec!["am".into()],
        }
    }

    #[test]
    fn feed_is_by_priority_then_newest() {
        let alerts = [
            alert("a", "warning", 1),
            alert("b", "critical", 2),
            alert("c", "critical", 5),
            alert("d", "info", 9),
        ];
        let v = views(&PrioritySpec::default(), &alerts);
        let order: Vec<(&str, Priority)> = v.iter().map(|a| (a.fingerprint.as_str(), a.priority)).collect();
        assert_eq!(
            order,
            [("c", Priority::P1), ("b", Priority::P1), ("a", Priority::P2), ("d", Priority::P3)]
        );
        assert!(v[0].inhibited && !v[0].silenced);
        assert_eq!(v[0].alertname, "c");
    }
}
