//! The silence operations against the clusters (see the module contracts of `silence`),
//! and their records in the incident book.
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use super::{Cluster, SilenceRow, SilencedAlert, clusters, row};
use crate::config::Config;
use crate::domain::{Alert, NewSilence, SourceError, compile, matches_all};
use crate::incident::model::{EventKind, SilenceRecord, record_silence};
use crate::incident::{Policy, Store};
use crate::sources::alertmanager::AmClient;

fn client(config: &Config, spec: &crate::config::SourceSpec) -> Result<AmClient, SourceError> {
    AmClient::new(spec, &config.defaults)
}

/// Runs `op` at the first member of `cluster` that succeeds; the errors of those that
/// failed before, as `name: error`.
async fn failover<T, F, Fut>(config: &Config, cluster: &Cluster, op: F) -> (Option<(String, T)>, Vec<String>)
where
    F: Fn(AmClient) -> Fut,
    Fut: std::future::Future<Output = Result<T, SourceError>>,
{
    let mut errors = Vec::new();
    for spec in &cluster.members {
        let result = match client(config, spec) {
            Ok(c) => op(c).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(v) => return (Some((spec.name.clone(), v)), errors),
            Err(e) => errors.push(format!("{}: {e}", spec.name)),
        }
    }
    (None, errors)
}

/// Every alert of every cluster (one member each, failing over), de-duplicated.
pub async fn alerts(config: &Config, clusters: &[Cluster]) -> (Vec<Alert>, Vec<String>) {
    let mut per = Vec::new();
    let mut errors = Vec::new();
    for c in clusters {
        let (got, errs) = failover(config, c, |cl| async move { cl.alerts().await }).await;
        errors.extend(errs);
        if let Some((name, list)) = got {
            per.push((name, list.to_vec()));
        }
    }
    (crate::domain::dedup(&per), errors)
}

/// The alerts the matchers catch (Alertmanager's semantics).
pub fn caught<'a>(silence: &NewSilence, alerts: &'a [Alert]) -> Vec<&'a Alert> {
    let Ok(ms) = compile(&silence.matchers) else { return Vec::new() };
    alerts.iter().filter(|a| matches_all(&ms, &a.labels)).collect()
}

/// What a create did.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    /// Per cluster that accepted it: (member that accepted, silence id).
    pub ids: Vec<(String, String)>,
    /// Members that failed, `name: error` (including those failed over from).
    pub failed: Vec<String>,
    /// Fingerprints of the alerts it silences now.
    pub caught: Vec<String>,
    /// Incidents it was recorded in.
    pub recorded: Vec<u64>,
}

/// Creates the silence once per cluster and records it in the incidents of the alerts it
/// catches. An error when no cluster accepted it.
pub async fn create(config: &Config, store: &Store, s: &NewSilence) -> Result<Created, String> {
    if config.alertmanager.is_empty() {
        return Err("no [[alertmanager]] is configured".into());
    }
    compile(&s.matchers)?;
    let clusters = clusters(config).await;
    let (all, _) = alerts(config, &clusters).await;
    let caught: Vec<String> = caught(s, &all).iter().map(|a| a.fingerprint.clone()).collect();
    let mut ids = Vec::new();
    let mut failed = Vec::new();
    for c in &clusters {
        let (got, errs) = failover(config, c, |cl| async move { cl.create_silence(s).await }).await;
        failed.extend(errs);
        ids.extend(got);
    }
    if ids.is_empty() {
        return Err(format!("silence not created: {}", failed.join("; ")));
    }
    let record = crate::incident::silence::record(s, &ids[0].1);
    let recorded = record_created(store, config, &s.created_by, record, &caught).unwrap_or_default();
    Ok(Created { ids, failed, caught, recorded })
}

/// Records a created silence in every open incident holding one of `caught`.
pub fn record_created(
    store: &Store,
    config: &Config,
    who: &str,
    record: SilenceRecord,
    caught: &[String],
) -> Result<Vec<u64>, String> {
    let policy = Policy::from_spec(&config.escalation).unwrap_or_default();
    let now = Utc::now();
    let r = store.update(|book| {
        crate::incident::model::observe_time(book, &policy, now);
        let ids = crate::incident::correlate::incidents_of(book, caught);
        for id in &ids {
            record_silence(book, *id, who, record.clone(), now)?;
        }
        Ok::<_, crate::incident::model::IncidentError>(ids)
    });
    match r {
        Ok(Ok(ids)) => Ok(ids),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Records an expiry or extension in every incident whose timeline created the silence.
pub fn record_change(
    store: &Store,
    id: &str,
    kind: EventKind,
    now: DateTime<Utc>,
) -> Result<Vec<u64>, String> {
    let r = store.update(|book| {
        let mut hit = Vec::new();
        for inc in book.incidents.iter_mut() {
            let created = inc
                .timeline
                .iter()
                .any(|e| matches!(&e.kind, EventKind::SilenceCreated { silence_id, .. } if silence_id == id));
            if created {
                inc.push(now, kind.clone());
                hit.push(inc.id);
            }
        }
        Ok::<_, std::convert::Infallible>(hit)
    });
    match r {
        Ok(Ok(ids)) => Ok(ids),
        Ok(Err(e)) => match e {},
        Err(e) => Err(e.to_string()),
    }
}

/// Every silence of every cluster, once each, with the alerts it silences; with `all`
/// expired ones too. Active first, then pending, each soonest ending first.
pub async fn list(config: &Config, all: bool) -> (Vec<SilenceRow>, Vec<String>) {
    let clusters = clusters(config).await;
    list_in(config, &clusters, all, Utc::now()).await
}

pub async fn list_in(
    config: &Config,
    clusters: &[Cluster],
    all: bool,
    now: DateTime<Utc>,
) -> (Vec<SilenceRow>, Vec<String>) {
    let mut rows: BTreeMap<String, SilenceRow> = BTreeMap::new();
    let mut errors = Vec::new();
    for c in clusters {
        let (got, errs) = failover(config, c, |cl| async move {
            let silences = cl.silences().await?;
            let alerts = cl.alerts().await?;
            Ok((silences, alerts))
        })
        .await;
        errors.extend(errs);
        let Some((member, (silences, alerts))) = got else { continue };
        for s in silences.iter().filter(|s| all || s.state != "expired") {
            let caught: Vec<SilencedAlert> = alerts
                .iter()
                .filter(|a| a.silenced_by.contains(&s.id))
                .map(|a| SilencedAlert {
                    fingerprint: a.fingerprint.clone(),
                    alertname: a.name().to_string(),
                })
                .collect();
            rows.entry(s.id.clone())
                .and_modify(|r| r.sources.push(member.clone()))
                .or_insert_with(|| row(s, &c.name, vec![member.clone()], caught, now));
        }
    }
    let mut out: Vec<SilenceRow> = rows.into_values().collect();
    let rank = |s: &str| match s {
        "active" => 0,
        "pending" => 1,
        _ => 2,
    };
    out.sort_by(|a, b| (rank(&a.state), a.ends_at, &a.id).cmp(&(rank(&b.state), b.ends_at, &b.id)));
    (out, errors)
}

fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("`{id}` is not a silence id"));
    }
    Ok(())
}

/// Expires the silence in every cluster that has it; records it in the incidents.
pub async fn expire(config: &Config, store: &Store, id: &str, who: &str) -> Result<String, String> {
    check_id(id)?;
    let clusters = clusters(config).await;
    let (rows, _) = list_in(config, &clusters, true, Utc::now()).await;
    let Some(found) = rows.iter().find(|r| r.id == id) else {
        return Err(format!("no silence {id} in any Alertmanager"));
    };
    if found.state == "expired" {
        return Err(format!("silence {id} is already expired"));
    }
    let cluster = clusters.iter().find(|c| c.name == found.cluster).expect("listed from it");
    let (got, errs) = failover(config, cluster, |cl| async move { cl.expire_silence(id).await }).await;
    let Some((member, ())) = got else {
        return Err(format!("silence {id} not expired: {}", errs.join("; ")));
    };
    let kind = EventKind::SilenceExpired { who: who.to_string(), silence_id: id.to_string() };
    let recorded = record_change(store, id, kind, Utc::now()).unwrap_or_default();
    Ok(format!("silence {id} expired at {member}{}", recorded_text(&recorded)))
}

/// Extends the silence by `by` from its current end (or from now, when already over);
/// records it in the incidents.
pub async fn extend(
    config: &Config,
    store: &Store,
    id: &str,
    by: std::time::Duration,
    who: &str,
) -> Result<String, String> {
    check_id(id)?;
    let clusters = clusters(config).await;
    let now = Utc::now();
    let (rows, _) = list_in(config, &clusters, true, now).await;
    let Some(found) = rows.iter().find(|r| r.id == id) else {
        return Err(format!("no silence {id} in any Alertmanager"));
    };
    let by = chrono::Duration::from_std(by).map_err(|_| "the duration is too long".to_string())?;
    let ends_at = found.ends_at.max(now) + by;
    let s = NewSilence {
        matchers: found.matchers.clone(),
        starts_at: if found.state == "expired" { now } else { found.starts_at },
        ends_at,
        created_by: found.created_by.clone(),
        comment: found.comment.clone(),
    };
    let cluster = clusters.iter().find(|c| c.name == found.cluster).expect("listed from it");
    let (got, errs) = failover(config, cluster, |cl| {
        let s = s.clone();
        async move { cl.update_silence(id, &s).await }
    })
    .await;
    let Some((member, new_id)) = got else {
        return Err(format!("silence {id} not extended: {}", errs.join("; ")));
    };
    let kind = EventKind::SilenceExtended { who: who.to_string(), silence_id: new_id.clone(), ends_at };
    let recorded = record_change(store, id, kind, now).unwrap_or_default();
    let same = if new_id == id { String::new() } else { format!(" (now {new_id})") };
    Ok(format!(
        "silence {id}{same} extended until {} UTC at {member}{}",
        ends_at.format("%Y-%m-%d %H:%M"),
        recorded_text(&recorded)
    ))
}

pub fn recorded_text(ids: &[u64]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let l: Vec<String> = ids.iter().map(|i| format!("INC-{i}")).collect();
    format!("; recorded in {}", l.join(", "))
}
