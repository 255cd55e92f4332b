//! The Atlassian Statuspage v2 client (`/api/v2/summary.json`). Lenient by contract: unknown
//! enum values are kept as text (or `Indicator::Unknown`), missing optional fields are
//! defaults, and only a body without `status.indicator` (not a Statuspage page) is refused.
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;

use super::http::HttpClient;
use crate::config::types::{Defaults, SourceSpec};
use crate::domain::{Component, Indicator, SourceError, StatusIncident, StatusSummary};

#[derive(Debug, Clone)]
pub struct StatusClient {
    http: HttpClient,
}

impl StatusClient {
    pub fn new(spec: &SourceSpec, defaults: &Defaults) -> Result<Self, SourceError> {
        Ok(StatusClient { http: HttpClient::new(spec, defaults)? })
    }

    pub fn from_http(http: HttpClient) -> Self {
        StatusClient { http }
    }

    /// Fetches the configured URL (a `summary.json`; a `status.json` works too, with no
    /// components or incidents).
    pub async fn summary(&self) -> Result<StatusSummary, SourceError> {
        let body = self.http.get("", &[]).await?;
        if !body.is_success() {
            return Err(SourceError::Http { status: body.status, detail: body.excerpt() });
        }
        parse_summary(&body.bytes)
    }
}

#[derive(Deserialize)]
struct WireSummary {
    #[serde(default)]
    page: Option<WirePage>,
    #[serde(default)]
    status: Option<WireStatus>,
    #[serde(default)]
    components: Option<Vec<WireComponent>>,
    #[serde(default)]
    incidents: Option<Vec<WireIncident>>,
    #[serde(default)]
    scheduled_maintenances: Option<Vec<WireIncident>>,
}

#[derive(Deserialize, Default)]
struct WirePage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    updated_at: Option<DateTime<FixedOffset>>,
}

#[derive(Deserialize)]
struct WireStatus {
    #[serde(default)]
    indicator: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct WireComponent {
    id: String,
    name: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    group: Option<bool>,
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    position: Option<i64>,
    #[serde(default)]
    only_show_if_degraded: Option<bool>,
}

#[derive(Deserialize)]
struct WireIncident {
    name: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    impact: Option<String>,
    #[serde(default)]
    updated_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    scheduled_for: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    scheduled_until: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    incident_updates: Option<Vec<WireUpdate>>,
}

#[derive(Deserialize)]
struct WireUpdate {
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    display_at: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    created_at: Option<DateTime<FixedOffset>>,
}

/// `none|minor|major|critical|maintenance`; anything else is `Unknown`.
pub fn indicator(s: &str) -> Indicator {
    match s {
        "none" => Indicator::None,
        "minor" => Indicator::Minor,
        "major" => Indicator::Major,
        "critical" => Indicator::Critical,
        "maintenance" => Indicator::Maintenance,
        _ => Indicator::Unknown,
    }
}

fn utc(t: Option<DateTime<FixedOffset>>) -> Option<DateTime<Utc>> {
    t.map(|t| t.with_timezone(&Utc))
}

/// Parses `summary.json` (or `status.json`). Components are sorted as the page shows them
/// (groups and top-level components by position, each group's children after it, by
/// position); components marked `only_show_if_degraded` are left out while operational.
pub fn parse_summary(bytes: &[u8]) -> Result<StatusSummary, SourceError> {
    let w: WireSummary = super::http::parse_json(bytes)?;
    let Some(status) = w.status.filter(|s| s.indicator.is_some()) else {
        return Err(SourceError::Other(
            "not a Statuspage v2 summary (no status.indicator); is the URL .../api/v2/summary.json?".into(),
        ));
    };
    let page = w.page.unwrap_or_default();
    Ok(StatusSummary {
        page_name: page.name.unwrap_or_default(),
        page_url: page.url.unwrap_or_default(),
        updated_at: utc(page.updated_at),
        indicator: indicator(status.indicator.as_deref().unwrap_or("")),
        description: status.description.unwrap_or_default(),
        components: components(w.components.unwrap_or_default()),
        incidents: w.incidents.unwrap_or_default().into_iter().map(incident).collect(),
        scheduled_maintenances: w
            .scheduled_maintenances
            .unwrap_or_default()
            .into_iter()
            .map(incident)
            .collect(),
    })
}

/// Parses `components.json` (`{page, components}`).
pub fn parse_components(bytes: &[u8]) -> Result<Vec<Component>, SourceError> {
    let w: WireSummary = super::http::parse_json(bytes)?;
    Ok(components(w.components.unwrap_or_default()))
}

/// Parses `incidents.json` or `incidents/unresolved.json` (`{page, incidents}`).
pub fn parse_incidents(bytes: &[u8]) -> Result<Vec<StatusIncident>, SourceError> {
    let w: WireSummary = super::http::parse_json(bytes)?;
    Ok(w.incidents.unwrap_or_default().into_iter().map(incident).collect())
}

fn components(mut list: Vec<WireComponent>) -> Vec<Component> {
    list.retain(|c| !(c.only_show_if_degraded == Some(true) && c.status.as_deref() == Some("operational")));
    let ids: std::collections::HashSet<String> = list.iter().map(|c| c.id.clone()).collect();
    // A child whose group is missing is shown at the top level.
    let top = |c: &WireComponent| c.group_id.as_ref().is_none_or(|g| !ids.contains(g));
    let mut roots: Vec<&WireComponent> = list.iter().filter(|c| top(c)).collect();
    roots.sort_by_key(|c| c.position.unwrap_or(i64::MAX));
    let mut out = Vec::with_capacity(list.len());
    for r in roots {
        out.push(component(r));
        let mut kids: Vec<&WireComponent> =
            list.iter().filter(|c| !top(c) && c.group_id.as_deref() == Some(r.id.as_str())).collect();
        kids.sort_by_key(|c| c.position.unwrap_or(i64::MAX));
        out.extend(kids.into_iter().map(component));
    }
    out
}

fn component(c: &WireComponent) -> Component {
    Component {
        id: c.id.clone(),
        name: c.name.clone(),
        status: c.status.clone().unwrap_or_else(|| "unknown".into()),
        group: c.group.unwrap_or(false),
        group_id: c.group_id.clone(),
    }
}

/// Updates come newest first; the first is the latest.
fn incident(w: WireIncident) -> StatusIncident {
    let latest = w
        .incident_updates
        .as_ref()
        .and_then(|u| u.iter().max_by_key(|u| u.display_at.or(u.created_at)).or_else(|| u.first()));
    StatusIncident {
        name: w.name,
        impact: w.impact.unwrap_or_else(|| "none".into()),
        status: w.status.unwrap_or_else(|| "unknown".into()),
        updated_at: utc(w.updated_at),
        latest_update: latest.and_then(|u| u.body.clone()),
        scheduled_for: utc(w.scheduled_for),
        scheduled_until: utc(w.scheduled_until),
    }
}
