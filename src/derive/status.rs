//! Status pages: one row per page, reduced to what needs attention.
use std::collections::BTreeMap;

use super::types::{ComponentView, StatusIncidentView, StatusRow};
use crate::domain::{StatusIncident, StatusSummary};

/// Incident statuses that mean it is over.
const RESOLVED: &[&str] = &["resolved", "postmortem", "completed"];
/// Maintenance statuses that mean it is happening now.
const IN_PROGRESS: &[&str] = &["in_progress", "verifying"];

/// One row per page, keyed (and ordered) by the configured source name: components that
/// are not operational (leaf components only: a group repeats its members), unresolved
/// incidents, maintenances in progress.
pub fn rows(pages: &BTreeMap<String, StatusSummary>) -> Vec<StatusRow> {
    pages
        .iter()
        .map(|(name, s)| StatusRow {
            name: name.clone(),
            indicator: s.indicator,
            description: s.description.clone(),
            components_not_operational: s
                .components
                .iter()
                .filter(|c| !c.group && c.status != "operational")
                .map(|c| ComponentView { name: c.name.clone(), status: c.status.clone() })
                .collect(),
            incidents: s
                .incidents
                .iter()
                .filter(|i| !RESOLVED.contains(&i.status.as_str()))
                .map(incident)
                .collect(),
            maintenances: s
                .scheduled_maintenances
                .iter()
                .filter(|i| IN_PROGRESS.contains(&i.status.as_str()))
                .map(incident)
                .collect(),
        })
        .collect()
}

fn incident(i: &StatusIncident) -> StatusIncidentView {
    StatusIncidentView {
        name: i.name.clone(),
        impact: i.impact.clone(),
        status: i.status.clone(),
        updated_at: i.updated_at,
        latest_update: i.latest_update.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Component, Indicator};

    fn comp(name: &str, status: &str, group: bool) -> Component {
        Component { id: name.into(), name: name.into(), status: status.into(), group, group_id: None }
    }
    fn inc(name: &str, status: &str) -> StatusIncident {
        StatusIncident {
            name: name.into(),
            impact: "major".into(),
            status: status.into(),
            updated_at: None,
            latest_update: Some("We are investigating".into()),
            scheduled_for: None,
            scheduled_until: None,
        }
    }

    #[test]
    fn keeps_what_needs_attention() {
        let s = StatusSummary {
            page_name: "GitHub".into(),
            page_url: "https://www.githubstatus.com".into(),
            updated_at: None,
            indicator: Indicator::Major,
            description: "Partial System Outage".into(),
            components: vec![
                comp("API", "operational", false),
                comp("Actions", "major_outage", false),
                comp("Group", "partial_outage", true),
            ],
            incidents: vec![inc("Actions down", "investigating"), inc("Old", "resolved")],
            scheduled_maintenances: vec![inc("DB upgrade", "in_progress"), inc("Later", "scheduled")],
        };
        let rows = rows(&BTreeMap::from([("gh".to_string(), s)]));
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.name.as_str(), r.indicator), ("gh", Indicator::Major));
        assert_eq!(
            r.components_not_operational,
            [ComponentView { name: "Actions".into(), status: "major_outage".into() }]
        );
        assert_eq!(r.incidents.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["Actions down"]);
        assert_eq!(r.maintenances.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["DB upgrade"]);
    }
}
