//! Upstream Statuspage v2 `summary.json` documents for the demo's three dependencies (a
//! CDN, a cloud, a code host). Some scenarios bring an upstream incident with them. Pure:
//! the scenario, its elapsed seconds and the timestamps are arguments.
use serde_json::{Value, json};

use super::scenario::Scenario;
use super::silences::rfc3339;

/// (path segment, page name, page id).
pub const PAGES: [(&str, &str, &str); 3] = [
    ("cdn", "EdgeFast CDN", "edgefastcdn1"),
    ("cloud", "Nimbus Cloud", "nimbuscloud1"),
    ("codehost", "CodeHub", "codehubstat1"),
];

fn components(page: &str) -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    // (id, name, group id); groups have id ending in "grp"
    match page {
        "cdn" => vec![
            ("cdnedgena001", "Edge Network - North America", None),
            ("cdnedgeeu001", "Edge Network - Europe", None),
            ("cdnedgeap001", "Edge Network - Asia Pacific", None),
            ("cdnimgopt001", "Image Optimizer", None),
            ("cdndns000001", "DNS", None),
        ],
        "cloud" => vec![
            ("cldgrpuse1grp", "us-east-1", None),
            ("cldcompute01", "Compute", Some("cldgrpuse1grp")),
            ("cldblockst01", "Block Storage", Some("cldgrpuse1grp")),
            ("cldpostgr01", "Managed Postgres", Some("cldgrpuse1grp")),
            ("cldobjects01", "Object Storage", None),
        ],
        _ => vec![
            ("chgitops0001", "Git Operations", None),
            ("chapireq0001", "API Requests", None),
            ("chactions001", "Actions", None),
            ("chpackages01", "Packages", None),
        ],
    }
}

struct Upstream {
    name: &'static str,
    impact: &'static str,
    component: &'static str,
    component_status: &'static str,
    updates: [(&'static str, f64, &'static str); 2],
}

fn upstream_incident(page: &str) -> Upstream {
    match page {
        "cdn" => Upstream {
            name: "Elevated error rates for WebSocket upgrades in North America",
            impact: "minor",
            component: "cdnedgena001",
            component_status: "partial_outage",
            updates: [
                (
                    "investigating",
                    0.0,
                    "We are investigating elevated 502 errors on WebSocket upgrade requests at several North American POPs.",
                ),
                (
                    "identified",
                    240.0,
                    "The issue has been identified as capacity exhaustion at the IAD and ORD POPs. Traffic is being rebalanced.",
                ),
            ],
        },
        _ => Upstream {
            name: "Degraded block storage volumes in us-east-1a",
            impact: "major",
            component: "cldblockst01",
            component_status: "major_outage",
            updates: [
                (
                    "investigating",
                    0.0,
                    "Some block storage volumes in us-east-1a are unresponsive. Instances attached to them may be impaired.",
                ),
                (
                    "identified",
                    300.0,
                    "A storage node failure affects a subset of volumes in us-east-1a. Replacement is under way.",
                ),
            ],
        },
    }
}

/// The `summary.json` of `page` (a `PAGES` segment) for a scenario at elapsed `e`, where
/// the scenario started at `t0` and the time is `now` (unix seconds), speed `speed`.
pub fn summary(page: &str, scenario: Scenario, e: f64, t0: f64, now: f64, speed: f64) -> Option<Value> {
    let (_, name, page_id) = PAGES.iter().find(|(p, _, _)| *p == page)?;
    let created = rfc3339(1_577_836_800.0); // 2020-01-01
    let incident = match scenario.upstream() {
        Some((p, from)) if p == page && e >= from => Some((upstream_incident(page), from)),
        _ => None,
    };
    let wall = |se: f64| t0 + se / speed;
    let comps: Vec<Value> = components(page)
        .iter()
        .enumerate()
        .map(|(i, (id, cname, group_id))| {
            let hit = incident.as_ref().is_some_and(|(u, _)| u.component == *id);
            let status = if hit { incident.as_ref().map(|(u, _)| u.component_status).unwrap_or("operational") } else { "operational" };
            let is_group = id.ends_with("grp");
            let mut c = json!({
                "id": id, "name": cname, "status": status,
                "created_at": created, "updated_at": rfc3339(if hit { wall(incident.as_ref().map(|x| x.1).unwrap_or(0.0)) } else { t0 - 86_400.0 }),
                "position": i + 1, "description": null, "showcase": false, "start_date": null,
                "group_id": group_id, "page_id": page_id, "group": is_group,
                "only_show_if_degraded": false,
            });
            if is_group {
                let children: Vec<&str> =
                    components(page).iter().filter(|(_, _, g)| *g == Some(*id)).map(|(cid, _, _)| *cid).collect();
                c["components"] = json!(children);
            }
            c
        })
        .collect();

    let mut incidents = vec![];
    let (indicator, description) = match &incident {
        Some((u, from)) => {
            let updates: Vec<Value> = u
                .updates
                .iter()
                .rev()
                .filter(|(_, after, _)| e >= from + after)
                .enumerate()
                .map(|(k, (status, after, body))| {
                    let at = rfc3339(wall(from + after));
                    json!({
                        "id": format!("{page}upd{k:04}"), "status": status, "body": body,
                        "incident_id": format!("{page}inc0001"), "created_at": at, "updated_at": at,
                        "display_at": at, "affected_components": null, "deliver_notifications": true,
                        "custom_tweet": null, "tweet_id": null,
                    })
                })
                .collect();
            let status =
                updates.first().and_then(|u| u["status"].as_str()).unwrap_or("investigating").to_string();
            let last = updates.first().map(|u| u["created_at"].clone()).unwrap_or(json!(null));
            incidents.push(json!({
                "id": format!("{page}inc0001"), "name": u.name, "status": status,
                "created_at": rfc3339(wall(*from)), "updated_at": last, "monitoring_at": null,
                "resolved_at": null, "impact": u.impact, "shortlink": format!("https://stspg.io/{page}1"),
                "started_at": rfc3339(wall(*from)), "page_id": page_id, "incident_updates": updates,
                "components": [],
            }));
            match u.impact {
                "major" => ("major", "Partial System Outage"),
                _ => ("minor", "Minor Service Outage"),
            }
        }
        None => ("none", "All Systems Operational"),
    };

    let maintenances: Vec<Value> = if page == "codehost" {
        // a maintenance window planned for the next day, as real pages always seem to have
        let from = (now / 86_400.0).floor() * 86_400.0 + 86_400.0 + 3.0 * 3600.0;
        vec![json!({
            "id": "codehubmnt01", "name": "Scheduled maintenance for Packages", "status": "scheduled",
            "created_at": rfc3339(t0 - 3.0 * 86_400.0), "updated_at": rfc3339(t0 - 3.0 * 86_400.0),
            "monitoring_at": null, "resolved_at": null, "impact": "maintenance",
            "shortlink": "https://stspg.io/codehub-mnt", "started_at": rfc3339(from),
            "page_id": page_id, "incident_updates": [], "components": [],
            "scheduled_for": rfc3339(from), "scheduled_until": rfc3339(from + 2.0 * 3600.0),
        })]
    } else {
        vec![]
    };

    Some(json!({
        "page": { "id": page_id, "name": name, "url": format!("https://status.{page}.example"),
                  "time_zone": "Etc/UTC", "updated_at": rfc3339(now) },
        "components": comps,
        "incidents": incidents,
        "scheduled_maintenances": maintenances,
        "status": { "indicator": indicator, "description": description },
    }))
}
