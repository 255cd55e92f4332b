//! Which incident an alert belongs to (DESIGN.md section 3), and the bounded record of its
//! firings.
//!
//! Contracts:
//! - The correlation key of an alert is `name=value` of each key entry, joined by `, `;
//!   an entry may name alternatives (`service|job`: the first label present counts); an
//!   entry none of whose labels is present is left out. Default: `alertname`, then
//!   `service` or `job`.
//! - An `incident` label wins: naming an open incident (`3`, `INC-3`) the alert joins it;
//!   any other value is the key itself (`incident=checkout`), so alerts sharing it correlate.
//! - An alert (firing, not silenced, not inhibited) joins the most recently detected open
//!   incident of its key; a P0/P1 alert that joins none opens its own incident with that
//!   key. Declared incidents have no key: only an `incident` label joins them.
//! - A joining alert of higher priority than the incident raises its severity; when the
//!   incident was acknowledged, the acknowledgement is lifted and escalation re-armed,
//!   with a `Rearmed` entry in the timeline.
//! - An alert is held once per incident, by fingerprint. A re-fire (a new `startsAt`, or
//!   back after it was seen gone) updates that entry and the one `AlertFired` event
//!   (`refires`, `last_at`); a repeated disappearance updates the one `AlertResolved`
//!   event. An incident lists at most `MAX_ALERTS` alerts and counts the rest.
use chrono::{DateTime, Utc};

use super::model::{
    AlertRef, Change, EventKind, IncidentBook, Severity, TimelineEvent, joins_incident, opens_incident,
    summary_of,
};
use crate::derive::AlertView;
use crate::domain::LabelSet;

/// At most this many alerts are listed in one incident.
pub const MAX_ALERTS: usize = 200;

/// `alertname`, then `service` or `job`.
pub fn default_key() -> Vec<Vec<String>> {
    vec![vec!["alertname".into()], vec!["service".into(), "job".into()]]
}

/// The alert's correlation key (see the module contracts).
pub fn key_of(labels: &LabelSet, key: &[Vec<String>]) -> String {
    if let Some(v) = labels.get("incident") {
        return format!("incident={v:?}");
    }
    key.iter()
        .filter_map(|alts| alts.iter().find_map(|l| labels.get(l).map(|v| format!("{l}={v:?}"))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The open incident an `incident` label names, if any.
fn named_incident(book: &IncidentBook, labels: &LabelSet) -> Option<u64> {
    let id = super::cli::parse_id(labels.get("incident")?)?;
    book.get(id).filter(|i| i.is_open()).map(|i| i.id)
}

/// Applies one fresh Alertmanager poll to the book. Callers pass only the alerts of a
/// successful, fresh poll: an empty list from a failing source would resolve everything.
pub fn observe_alerts_with(
    book: &mut IncidentBook,
    alerts: &[AlertView],
    key: &[Vec<String>],
    now: DateTime<Utc>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let present: std::collections::HashSet<&str> = alerts.iter().map(|a| a.fingerprint.as_str()).collect();

    // Alerts gone from Alertmanager: resolved in every open incident that holds them.
    for inc in book.incidents.iter_mut().filter(|i| i.is_open()) {
        let mut gone = Vec::new();
        for a in inc.alerts.iter_mut().filter(|a| a.firing && !present.contains(a.fingerprint.as_str())) {
            a.firing = false;
            gone.push((a.fingerprint.clone(), a.alertname.clone()));
        }
        for (fingerprint, alertname) in gone {
            let earlier = inc.timeline.iter_mut().find(
                |e| matches!(&e.kind, EventKind::AlertResolved { fingerprint: f, .. } if *f == fingerprint),
            );
            match earlier {
                Some(e) => {
                    if let EventKind::AlertResolved { again, last_at, .. } = &mut e.kind {
                        *again += 1;
                        *last_at = Some(now);
                    }
                    changes.push(Change { incident: inc.id, event: e.clone() });
                }
                None => {
                    changes.push(inc.push(
                        now,
                        EventKind::AlertResolved { fingerprint, alertname, again: 0, last_at: None },
                    ))
                }
            }
        }
    }

    // New firings and re-fires, oldest first so that the earliest alert opens the incident.
    let mut new: Vec<&AlertView> = alerts.iter().filter(|a| joins_incident(a)).collect();
    new.sort_by(|a, b| {
        (a.starts_at, a.priority, &a.fingerprint).cmp(&(b.starts_at, b.priority, &b.fingerprint))
    });
    for a in new {
        if let Some(change) = refire(book, a) {
            changes.extend(change);
            continue;
        }
        if book.knows_firing(&a.fingerprint, a.starts_at) {
            continue; // a firing of a resolved incident: never reopened
        }
        let sev = Severity::from(a.priority);
        let alert_key = key_of(&a.labels, key);
        let target = named_incident(book, &a.labels).or_else(|| {
            book.open()
                .filter(|i| i.key.as_deref() == Some(&alert_key))
                .max_by_key(|i| (i.detected_at, i.id))
                .map(|i| i.id)
        });
        let inc = match target {
            Some(id) => book.get_mut(id).expect("found above"),
            None if opens_incident(a) => {
                let title = match summary_of(a) {
                    s if s.is_empty() => a.alertname.clone(),
                    s => format!("{}: {s}", a.alertname),
                };
                let inc = book.insert(sev, title, a.starts_at, now);
                inc.key = Some(alert_key);
                inc.labels = a.labels.to_map();
                let opened = EventKind::Opened {
                    fingerprint: a.fingerprint.clone(),
                    alertname: a.alertname.clone(),
                    severity: sev,
                };
                changes.push(inc.push(a.starts_at, opened));
                inc
            }
            None => continue,
        };
        if inc.alerts.len() >= MAX_ALERTS {
            inc.alerts_dropped += 1;
            continue;
        }
        inc.alerts.push(AlertRef {
            fingerprint: a.fingerprint.clone(),
            alertname: a.alertname.clone(),
            starts_at: a.starts_at,
            firing: true,
            fires: 1,
            priority: Some(sev),
        });
        let fired = EventKind::AlertFired {
            fingerprint: a.fingerprint.clone(),
            alertname: a.alertname.clone(),
            priority: sev,
            summary: summary_of(a),
            refires: 0,
            last_at: None,
        };
        changes.push(inc.push(a.starts_at, fired));
        if sev < inc.severity {
            let from = inc.severity;
            inc.severity = sev;
            let reason = format!("alert {} is {}", a.alertname, sev.as_str());
            changes.push(inc.push(now, EventKind::SeverityChanged { from, to: sev, reason }));
            if let Some(ack) = inc.acknowledged.take() {
                inc.rearmed_at = Some(now);
                let rearmed = EventKind::Rearmed {
                    fingerprint: a.fingerprint.clone(),
                    alertname: a.alertname.clone(),
                    priority: sev,
                    acknowledged_by: ack.who,
                };
                changes.push(inc.push(now, rearmed));
            }
        }
    }
    changes
}

/// An alert an open incident already holds: None when it is not held there; Some(None)
/// when nothing changed; Some(change) for a re-fire (coalesced into its one entry).
fn refire(book: &mut IncidentBook, a: &AlertView) -> Option<Option<Change>> {
    let inc = book
        .incidents
        .iter_mut()
        .filter(|i| i.is_open())
        .find(|i| i.alerts.iter().any(|r| r.fingerprint == a.fingerprint))?;
    let r = inc.alerts.iter_mut().find(|r| r.fingerprint == a.fingerprint).expect("found above");
    if r.firing && r.starts_at == a.starts_at {
        return Some(None);
    }
    r.firing = true;
    r.starts_at = a.starts_at;
    r.fires = r.fires.saturating_add(1);
    let id = inc.id;
    let event = inc.timeline.iter_mut().find(
        |e| matches!(&e.kind, EventKind::AlertFired { fingerprint, .. } if *fingerprint == a.fingerprint),
    );
    Some(event.map(|event| {
        if let EventKind::AlertFired { refires, last_at, .. } = &mut event.kind {
            *refires = refires.saturating_add(1);
            *last_at = Some(a.starts_at);
        }
        Change { incident: id, event: TimelineEvent::clone(event) }
    }))
}

/// The open incidents holding any of these alerts (by fingerprint), most recent first.
pub fn incidents_of(book: &IncidentBook, fingerprints: &[String]) -> Vec<u64> {
    let mut ids: Vec<(DateTime<Utc>, u64)> = book
        .open()
        .filter(|i| i.alerts.iter().any(|a| fingerprints.contains(&a.fingerprint)))
        .map(|i| (i.detected_at, i.id))
        .collect();
    ids.sort_by(|a, b| b.cmp(a));
    ids.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::Priority;
    use crate::domain::AlertState;
    use crate::incident::model::{acknowledge, declare};
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    fn alert(fp: &str, labels: &[(&str, &str)], p: Priority, starts: DateTime<Utc>) -> AlertView {
        AlertView {
            fingerprint: fp.into(),
            alertname: labels
                .iter()
                .find(|(k, _)| *k == "alertname")
                .map(|(_, v)| v.to_string())
                .unwrap_or_default(),
            priority: p,
            state: AlertState::Active,
            silenced: false,
            inhibited: false,
            starts_at: starts,
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            annotations: Default::default(),
            sources: vec!["am".into()],
            generator_url: None,
        }
    }

    fn observe(book: &mut IncidentBook, alerts: &[AlertView], now: DateTime<Utc>) -> Vec<Change> {
        observe_alerts_with(book, alerts, &default_key(), now)
    }

    #[test]
    fn keys() {
        let l = |p: &[(&str, &str)]| -> LabelSet {
            p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let k = default_key();
        assert_eq!(key_of(&l(&[("alertname", "A"), ("job", "api")]), &k), r#"alertname="A", job="api""#);
        assert_eq!(
            key_of(&l(&[("alertname", "A"), ("job", "api"), ("service", "pay")]), &k),
            r#"alertname="A", service="pay""#
        );
        assert_eq!(key_of(&l(&[("alertname", "A"), ("incident", "x")]), &k), r#"incident="x""#);
    }

    #[test]
    fn a_p1_does_not_join_an_unrelated_acknowledged_incident() {
        let mut book = IncidentBook::default();
        declare(&mut book, "API latency creeping", Severity::P2, "alice", t(0)).unwrap();
        acknowledge(&mut book, 1, "alice", t(10)).unwrap();
        let gw = alert("g", &[("alertname", "GatewayDown"), ("job", "gw")], Priority::P1, t(20));
        observe(&mut book, &[gw], t(30));
        assert_eq!(book.incidents.len(), 2);
        let second = &book.incidents[1];
        assert!(second.acknowledged.is_none());
        assert_eq!(second.alerts[0].alertname, "GatewayDown");
        assert!(book.incidents[0].alerts.is_empty());
    }

    #[test]
    fn same_key_joins_and_a_higher_priority_rearms_escalation() {
        let mut book = IncidentBook::default();
        let a = alert("a", &[("alertname", "Errors"), ("service", "pay"), ("pod", "1")], Priority::P1, t(0));
        observe(&mut book, std::slice::from_ref(&a), t(1));
        acknowledge(&mut book, 1, "bob", t(60)).unwrap();
        let b = alert("b", &[("alertname", "Errors"), ("service", "pay"), ("pod", "2")], Priority::P2, t(70));
        observe(&mut book, &[a.clone(), b.clone()], t(71));
        assert_eq!(book.incidents.len(), 1);
        assert!(book.incidents[0].acknowledged.is_some(), "a lower priority does not re-arm");
        let c = alert("c", &[("alertname", "Errors"), ("service", "pay"), ("pod", "3")], Priority::P0, t(80));
        let changes = observe(&mut book, &[a, b, c], t(81));
        let inc = &book.incidents[0];
        assert_eq!((inc.alerts.len(), inc.severity), (3, Severity::P0));
        assert!(inc.acknowledged.is_none(), "re-armed");
        assert!(changes.iter().any(|c| matches!(&c.event.kind, EventKind::Rearmed { acknowledged_by, .. } if acknowledged_by == "bob")));
        // An `incident` label joins the named incident whatever its key.
        let d = alert("d", &[("alertname", "Other"), ("incident", "INC-1")], Priority::P1, t(90));
        observe(&mut book, &[d], t(91));
        assert_eq!(book.incidents.len(), 1);
        assert_eq!(book.incidents[0].alerts.len(), 4);
    }

    #[test]
    fn a_flapping_alert_coalesces() {
        let mut book = IncidentBook::default();
        let labels = [("alertname", "Flap"), ("job", "x")];
        // Ten minutes of 1 s polls; every poll a new startsAt, every other one gone.
        for s in 0..600 {
            let a = alert("f", &labels, Priority::P1, t(s));
            let alerts = if s % 2 == 0 { vec![a] } else { vec![] };
            observe(&mut book, &alerts, t(s));
        }
        assert_eq!(book.incidents.len(), 1);
        let inc = &book.incidents[0];
        assert_eq!(inc.alerts.len(), 1);
        assert_eq!(inc.alerts[0].fires, 300);
        assert_eq!(inc.timeline.len(), 3, "opened, fired, resolved: {:?}", inc.timeline);
        assert!(serde_json::to_string(&book).unwrap().len() < 4096);
    }
}
