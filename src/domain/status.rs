//! A public status page (Statuspage v2 `summary.json`), reduced to what the pane shows.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Statuspage v2 `summary.json`, reduced to what the pane shows. Unknown enum values
/// become `Unknown`, never a parse failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusSummary {
    pub page_name: String,
    pub page_url: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub indicator: Indicator,
    pub description: String,
    pub components: Vec<Component>,
    pub incidents: Vec<StatusIncident>,
    pub scheduled_maintenances: Vec<StatusIncident>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Indicator {
    None,
    Minor,
    Major,
    Critical,
    Maintenance,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub id: String,
    pub name: String,
    /// `operational`, `degraded_performance`, `partial_outage`, `major_outage`,
    /// `under_maintenance`, or whatever else the page sent.
    pub status: String,
    pub group: bool,
    pub group_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusIncident {
    pub name: String,
    /// `none`, `minor`, `major`, `critical`, `maintenance`.
    pub impact: String,
    /// `investigating`, `identified`, `monitoring`, `resolved`, `postmortem`,
    /// `scheduled`, `in_progress`, `verifying`, `completed`.
    pub status: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub latest_update: Option<String>,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub scheduled_until: Option<DateTime<Utc>>,
}
