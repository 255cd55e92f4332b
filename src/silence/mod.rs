//! Silences, their whole lifecycle, against every configured Alertmanager: one POST per
//! cluster (failing over to the next member), lists merged across clusters, expire, extend,
//! and the record of each in the incidents whose alerts it silences.
//!
//! Contracts:
//! - Alertmanagers are one cluster when their `cluster` config keys are equal, else when
//!   `/api/v2/status` says so: the same sorted peer names (clustering on), or the same
//!   process (clustering off: same start time and version, e.g. two sources pointing at one
//!   server). One that does not answer is a cluster of its own.
//! - A silence is created once per cluster, at its first member that accepts it; a member's
//!   failure moves on to the next member and is reported.
//! - Lists ask one member per cluster (failing over) and show each silence once (by id),
//!   with its cluster, the member that returned it and the alerts it silences (from the
//!   alerts' `silencedBy`).
//! - Every silence created, expired or extended is recorded in the timeline of each open
//!   incident holding an alert it silences (created), or naming it (expired, extended).
pub mod cli;
pub mod ops;

use chrono::{DateTime, Utc};

use crate::config::{Config, SourceSpec};
use crate::domain::Silence;

/// Alertmanagers that share their silences.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The `cluster` key, else the first member's name.
    pub name: String,
    pub members: Vec<SourceSpec>,
}

/// What tells clusters apart (see the module contracts); None: unknown (unreachable).
pub fn identity(
    spec: &SourceSpec,
    status: Option<&crate::sources::alertmanager::AmStatus>,
) -> Option<String> {
    if let Some(c) = &spec.cluster {
        return Some(format!("cluster {c}"));
    }
    let st = status?;
    if st.cluster != "disabled" && !st.peers.is_empty() {
        return Some(format!("peers {}", st.peers.join(",")));
    }
    st.uptime.map(|u| format!("process {} {}", u.to_rfc3339(), st.version))
}

/// Groups sources by identity, in config order; a source without one is alone.
pub fn group(specs: Vec<(SourceSpec, Option<String>)>) -> Vec<Cluster> {
    let mut out: Vec<(Option<String>, Cluster)> = Vec::new();
    for (spec, id) in specs {
        match out.iter_mut().find(|(k, _)| k.is_some() && *k == id) {
            Some((_, c)) => c.members.push(spec),
            None => {
                let name = spec.cluster.clone().unwrap_or_else(|| spec.name.clone());
                out.push((id, Cluster { name, members: vec![spec] }));
            }
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

pub use crate::domain::{SilenceRow, SilencedAlert};

/// `1h12m`, `45s`; for a past time `expired`.
pub fn ends_in(end: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match (end - now).to_std() {
        Ok(d) if d.as_secs() > 0 => {
            crate::util::duration::format_compact(std::time::Duration::from_secs(d.as_secs()))
        }
        _ => "expired".into(),
    }
}

/// Builds a row; `alerts` are the alerts whose `silencedBy` names it.
pub fn row(
    s: &Silence,
    cluster: &str,
    sources: Vec<String>,
    alerts: Vec<SilencedAlert>,
    now: DateTime<Utc>,
) -> SilenceRow {
    SilenceRow {
        id: s.id.clone(),
        state: s.state.clone(),
        matchers_text: crate::domain::matchers_text(&s.matchers),
        matchers: s.matchers.clone(),
        created_by: s.created_by.clone(),
        comment: s.comment.clone(),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        ends_in: ends_in(s.ends_at, now),
        cluster: cluster.to_string(),
        sources,
        alerts,
    }
}

/// The Alertmanagers of the config, as clusters (asks each for its status).
pub async fn clusters(config: &Config) -> Vec<Cluster> {
    let specs = config.alertmanager.clone();
    let statuses = futures_util::future::join_all(specs.iter().map(|spec| async move {
        if spec.cluster.is_some() {
            return None;
        }
        let client = crate::sources::alertmanager::AmClient::new(spec, &config.defaults).ok()?;
        client.status().await.ok()
    }))
    .await;
    group(
        specs
            .iter()
            .cloned()
            .zip(statuses.iter())
            .map(|(s, st)| {
                let id = identity(&s, st.as_ref());
                (s, id)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::alertmanager::AmStatus;

    fn spec(name: &str, cluster: Option<&str>) -> SourceSpec {
        SourceSpec {
            name: name.into(),
            url: "http://x".into(),
            cluster: cluster.map(Into::into),
            ..Default::default()
        }
    }

    fn status(peers: &[&str], uptime: i64) -> AmStatus {
        AmStatus {
            version: "0.27".into(),
            cluster: if peers.is_empty() { "disabled".into() } else { "ready".into() },
            uptime: chrono::DateTime::from_timestamp(uptime, 0),
            peer_name: String::new(),
            peers: peers.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn groups_by_config_key_peers_or_process() {
        let a = spec("a", None);
        let b = spec("b", None);
        let c = spec("c", None);
        let d = spec("d", Some("eu"));
        let e = spec("e", Some("eu"));
        let f = spec("f", None);
        let same = status(&[], 100);
        let ids = vec![
            (a.clone(), identity(&a, Some(&same))),
            (b.clone(), identity(&b, Some(&same))),
            (c.clone(), identity(&c, Some(&status(&["p1", "p2"], 5)))),
            (d.clone(), identity(&d, None)),
            (e.clone(), identity(&e, None)),
            (f.clone(), identity(&f, None)),
        ];
        let g = group(ids);
        let names: Vec<Vec<&str>> =
            g.iter().map(|c| c.members.iter().map(|m| m.name.as_str()).collect()).collect();
        assert_eq!(names, vec![vec!["a", "b"], vec!["c"], vec!["d", "e"], vec!["f"]]);
        assert_eq!(g[2].name, "eu");
    }
}
