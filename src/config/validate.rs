//! The config schema (DESIGN.md section 5) checked over the spanned document, reporting
//! every problem with its place: unknown keys, wrong types, bad durations and URLs, missing
//! queries, references to sources that do not exist, duplicate names, bad priorities.
use std::collections::BTreeMap;

use toml_edit::TableLike;

use super::walk::{
    Diag, Span, Tbl, boolean, duration, known_keys, missing, nonempty, number, string, string_list,
    string_map, table, tables,
};
use crate::domain::SourceKind;
use crate::sources::exposition::Selector;

const ROOT_KEYS: &[&str] = &[
    "environment",
    "theme",
    "defaults",
    "prometheus",
    "scrape",
    "alertmanager",
    "statuspage",
    "health",
    "community",
    "moderation",
    "priority",
    "escalation",
    "runbooks",
    "audit",
    "readonly",
];
const SOURCE_KEYS: &[&str] = &[
    "name",
    "url",
    "poll",
    "timeout",
    "bearer_token_file",
    "bearer_token_env",
    "basic_auth",
    "headers",
    "secret_headers",
    "ca_file",
    "cluster",
    "max_body",
    "max_in_flight",
];
const HEALTH_KEYS: &[&str] = &[
    "service",
    "source",
    "availability",
    "slo",
    "latency_p99",
    "latency_target",
    "error_rate",
    "error_warn",
    "error_crit",
    "saturation",
    "saturation_warn",
    "latency_crit",
    "trend",
];
const HEALTH_QUERIES: &[&str] = &["availability", "latency_p99", "error_rate", "saturation"];
const COMMUNITY_KEYS: &[&str] = &["name", "query", "unit", "source", "week_over_week"];
const MODERATION_KEYS: &[&str] = &["source", "depth", "inflow", "throughput", "oldest_age", "sla"];
const PRIORITY_KEYS: &[&str] = &["label", "severity_label", "map", "default"];
const ESCALATION_KEYS: &[&str] =
    &["preset", "tiers", "phases", "targets", "correlate", "speed", "phase_rule"];
const PRESETS: &[&str] = &["matrix", "tiers"];

/// A pane's use of a source, checked once every source is known.
struct PaneUse {
    what: String,
    /// The `source =` value and its span, if given.
    source: Option<(String, Span)>,
    /// Where to point when the default source is missing.
    span: Span,
    /// Queries (text, span) the source must be able to answer.
    queries: Vec<(String, Span)>,
    /// Set when the pane needs history (week-over-week): the span of that setting.
    needs_history: Option<Span>,
}

/// Checks the whole document; every problem lands in `d`.
pub fn validate(d: &mut Diag, root: &dyn TableLike) {
    let root_span: Span = None;
    let root = Tbl { t: root, what: "the top level", span: &root_span };
    let root_keys: Vec<&str> = ROOT_KEYS.iter().chain(super::validate_ops::ROOT_KEYS).copied().collect();
    known_keys(d, root, &root_keys);
    string(d, root, "environment", false);
    if let Some((name, span)) = string(d, root, "theme", false)
        && let Some(dirs) = d.checks.theme_dirs.clone()
        && let Err(e) = crate::ui::Theme::find(&name, &dirs)
    {
        d.at(&span, e.to_string());
    }
    boolean(d, root, "readonly");
    if let Some((t, span)) = table(d, root, "defaults") {
        let tbl = Tbl { t, what: "[defaults]", span: &span };
        known_keys(d, tbl, &["poll", "timeout"]);
        duration(d, tbl, "poll", false);
        duration(d, tbl, "timeout", false);
    }

    let mut names: BTreeMap<String, (SourceKind, Span)> = BTreeMap::new();
    let mut first_metrics: Option<(String, SourceKind)> = None;
    for (key, kind) in [
        ("prometheus", SourceKind::Prometheus),
        ("scrape", SourceKind::Scrape),
        ("alertmanager", SourceKind::Alertmanager),
        ("statuspage", SourceKind::Statuspage),
    ] {
        let what = format!("[[{key}]]");
        for (t, span) in tables(d, root, key) {
            let tbl = Tbl { t, what: &what, span: &span };
            let Some((name, name_span)) = source(d, tbl) else { continue };
            if let Some((other_kind, other_span)) = names.get(&name) {
                let (line, col) = d.place(other_span);
                d.at(
                    &name_span,
                    format!(
                        "duplicate source name `{name}` (already used by a [[{}]] at line {line} column {col}); \
                         source names must be unique across all kinds",
                        kind_word(*other_kind)
                    ),
                );
                continue;
            }
            names.insert(name.clone(), (kind, name_span));
            let is_metrics = matches!(kind, SourceKind::Prometheus | SourceKind::Scrape);
            let better = match &first_metrics {
                None => true,
                Some((_, k)) => *k == SourceKind::Scrape && kind == SourceKind::Prometheus,
            };
            if is_metrics && better {
                first_metrics = Some((name, kind));
            }
        }
    }

    let mut uses = Vec::new();
    for (t, span) in tables(d, root, "health") {
        uses.extend(health(d, Tbl { t, what: "[[health]]", span: &span }));
    }
    for (t, span) in tables(d, root, "community") {
        uses.extend(community(d, Tbl { t, what: "[[community]]", span: &span }));
    }
    if let Some((t, span)) = table(d, root, "moderation") {
        uses.push(moderation(d, Tbl { t, what: "[moderation]", span: &span }));
    }
    for u in &uses {
        check_use(d, u, &names, first_metrics.as_ref());
    }

    if let Some((t, span)) = table(d, root, "priority") {
        priority(d, Tbl { t, what: "[priority]", span: &span });
    }
    if let Some((t, span)) = table(d, root, "escalation") {
        escalation(d, Tbl { t, what: "[escalation]", span: &span });
    }
    if let Some((t, span)) = table(d, root, "runbooks") {
        let tbl = Tbl { t, what: "[runbooks]", span: &span };
        known_keys(d, tbl, &["dirs", "webhook", "time_scale", "trusted_owners"]);
        string_list(d, tbl, "trusted_owners");
        if let Some((x, span)) = number(d, tbl, "time_scale")
            && !(x.is_finite() && (0.01..=1000.0).contains(&x))
        {
            d.at(&span, format!("`time_scale` must be between 0.01 and 1000, not {x}"));
        }
        if let Some(dirs) = string_list(d, tbl, "dirs") {
            for (dir, span) in dirs {
                if dir.trim().is_empty() {
                    d.at(&span, "`dirs` entries must not be empty");
                }
            }
        }
        if let Some((url, span)) = string(d, tbl, "webhook", false) {
            check_url(d, &url, &span, "webhook");
        }
    }
    super::validate_ops::validate(d, root);
    if let Some((t, span)) = table(d, root, "audit") {
        let tbl = Tbl { t, what: "[audit]", span: &span };
        known_keys(d, tbl, &["key_file"]);
        nonempty(d, tbl, "key_file", false);
    }
}

fn kind_word(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Prometheus => "prometheus",
        SourceKind::Scrape => "scrape",
        SourceKind::Alertmanager => "alertmanager",
        SourceKind::Statuspage => "statuspage",
    }
}

/// One source table; returns its name when it has a usable one.
fn source(d: &mut Diag, tbl: Tbl) -> Option<(String, Span)> {
    known_keys(d, tbl, SOURCE_KEYS);
    let name = nonempty(d, tbl, "name", true);
    if let Some((url, span)) = string(d, tbl, "url", true) {
        check_url(d, &url, &span, "url");
    }
    duration(d, tbl, "poll", false);
    duration(d, tbl, "timeout", false);
    let file = nonempty(d, tbl, "bearer_token_file", false);
    let env = nonempty(d, tbl, "bearer_token_env", false);
    if let (Some(_), Some((_, span))) = (&file, &env) {
        d.at(span, "give either `bearer_token_file` or `bearer_token_env`, not both");
    }
    if let Some((t, span)) = table(d, tbl, "basic_auth") {
        let ba = Tbl { t, what: "`basic_auth`", span: &span };
        known_keys(d, ba, &["username", "password_env", "password_file"]);
        nonempty(d, ba, "username", true);
        let pe = nonempty(d, ba, "password_env", false);
        let pf = nonempty(d, ba, "password_file", false);
        match (&pe, &pf) {
            (None, None) => d.at(
                &span,
                "`basic_auth` needs `password_env` or `password_file` (passwords are never written in the config)",
            ),
            (Some(_), Some((_, s))) => d.at(s, "give either `password_env` or `password_file`, not both"),
            _ => {}
        }
        if file.is_some() || env.is_some() {
            d.at(&span, "give either a bearer token or `basic_auth`, not both");
        }
    }
    for (k, kspan, v, vspan) in string_map(d, tbl, "headers") {
        if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
            d.at(&kspan, format!("`{k}` is not a valid HTTP header name"));
        }
        if reqwest::header::HeaderValue::from_str(&v).is_err() {
            d.at(&vspan, format!("the value of header `{k}` is not a valid HTTP header value"));
        }
    }
    string_list(d, tbl, "secret_headers");
    nonempty(d, tbl, "ca_file", false);
    nonempty(d, tbl, "cluster", false);
    limits(d, tbl);
    name
}

/// `max_body` (a size: `"128MiB"` or an integer of bytes, at least 1 KiB) and
/// `max_in_flight` (an integer from 1 to 256).
fn limits(d: &mut Diag, tbl: Tbl) {
    if let Some(e) = tbl.entry("max_body") {
        let parsed = match e.item.as_value() {
            Some(toml_edit::Value::Integer(i)) => {
                u64::try_from(*i.value()).map_err(|_| "must be positive".to_string())
            }
            Some(toml_edit::Value::String(s)) => crate::util::bytes::parse(s.value()),
            _ => Err("must be a size such as \"128MiB\" or a number of bytes".to_string()),
        };
        match parsed {
            Ok(n) if n < 1024 => d.at(&e.value_span, "`max_body` must be at least 1KiB"),
            Ok(_) => {}
            Err(msg) => d.at(&e.value_span, format!("`max_body`: {msg}")),
        }
    }
    if let Some(e) = tbl.entry("max_in_flight") {
        match e.item.as_value() {
            Some(toml_edit::Value::Integer(i)) if (1..=256).contains(i.value()) => {}
            _ => d.at(&e.value_span, "`max_in_flight` must be an integer from 1 to 256"),
        }
    }
}

/// URLs must be absolute http(s) with a host.
pub fn check_url(d: &mut Diag, url: &str, span: &Span, key: &str) {
    if !url.contains("://") {
        return d.at(span, format!("`{key}` must start with http:// or https:// (found `{url}`)"));
    }
    match reqwest::Url::parse(url) {
        Err(e) => {
            d.at(span, format!("`{key}` is not a valid URL ({e}); expected e.g. http://127.0.0.1:9090"))
        }
        Ok(u) if u.scheme() != "http" && u.scheme() != "https" => {
            d.at(span, format!("`{key}` must use http or https, not `{}`", u.scheme()))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => d.at(span, format!("`{key}` has no host")),
        Ok(_) => {}
    }
}

fn pane_source(d: &mut Diag, tbl: Tbl) -> Option<(String, Span)> {
    nonempty(d, tbl, "source", false)
}

fn health(d: &mut Diag, tbl: Tbl) -> Option<PaneUse> {
    known_keys(d, tbl, HEALTH_KEYS);
    let service = nonempty(d, tbl, "service", true);
    let source = pane_source(d, tbl);
    let mut queries = Vec::new();
    for q in HEALTH_QUERIES {
        if let Some(found) = nonempty(d, tbl, q, false) {
            queries.push(found);
        }
    }
    if queries.is_empty() && HEALTH_QUERIES.iter().all(|q| tbl.t.get(q).is_none()) {
        let name = service.as_ref().map(|(s, _)| format!(" `{s}`")).unwrap_or_default();
        d.at(
            tbl.span,
            format!("[[health]]{name} needs at least one query: availability, latency_p99, error_rate or saturation"),
        );
    }
    if let Some((slo, span)) = number(d, tbl, "slo")
        && !(slo > 0.0 && slo < 100.0)
    {
        d.at(&span, "`slo` must be a percentage between 0 and 100 (exclusive), e.g. 99.95");
    }
    duration(d, tbl, "latency_target", false);
    duration(d, tbl, "latency_crit", false);
    let warn = percent(d, tbl, "error_warn");
    let crit = percent(d, tbl, "error_crit");
    let warn_v = warn.as_ref().map(|w| w.0).unwrap_or(1.0);
    let crit_v = crit.as_ref().map(|c| c.0).unwrap_or(5.0);
    if warn_v > crit_v {
        let span = crit.or(warn).map(|x| x.1);
        d.at(&span.unwrap_or_else(|| tbl.span.clone()), "`error_warn` must not be above `error_crit`");
    }
    percent(d, tbl, "saturation_warn");
    Some(PaneUse {
        what: format!("[[health]] `{}`", service.map(|s| s.0).unwrap_or_default()),
        source,
        span: tbl.span.clone(),
        queries,
        needs_history: None,
    })
}

fn percent(d: &mut Diag, tbl: Tbl, key: &str) -> Option<(f64, Span)> {
    let (v, span) = number(d, tbl, key)?;
    if !(0.0..=100.0).contains(&v) {
        d.at(&span, format!("`{key}` is a percentage: expected 0 to 100"));
        return None;
    }
    Some((v, span))
}

fn community(d: &mut Diag, tbl: Tbl) -> Option<PaneUse> {
    known_keys(d, tbl, COMMUNITY_KEYS);
    let name = nonempty(d, tbl, "name", true);
    let query = nonempty(d, tbl, "query", true);
    string(d, tbl, "unit", false);
    let source = pane_source(d, tbl);
    let wow = boolean(d, tbl, "week_over_week").filter(|(b, _)| *b).map(|(_, s)| s);
    Some(PaneUse {
        what: format!("[[community]] `{}`", name.map(|n| n.0).unwrap_or_default()),
        source,
        span: tbl.span.clone(),
        queries: query.into_iter().collect(),
        needs_history: wow,
    })
}

fn moderation(d: &mut Diag, tbl: Tbl) -> PaneUse {
    known_keys(d, tbl, MODERATION_KEYS);
    let source = pane_source(d, tbl);
    let mut queries = Vec::new();
    for (key, required) in [("depth", true), ("inflow", true), ("throughput", true), ("oldest_age", false)] {
        if let Some(q) = nonempty(d, tbl, key, required) {
            queries.push(q);
        }
    }
    duration(d, tbl, "sla", false);
    PaneUse { what: "[moderation]".into(), source, span: tbl.span.clone(), queries, needs_history: None }
}

/// The pane's source must exist and be a metrics source that can answer its queries.
fn check_use(
    d: &mut Diag,
    u: &PaneUse,
    names: &BTreeMap<String, (SourceKind, Span)>,
    first_metrics: Option<&(String, SourceKind)>,
) {
    let kind = match &u.source {
        Some((name, span)) => match names.get(name) {
            None => {
                let known: Vec<&str> = names
                    .iter()
                    .filter(|(_, (k, _))| matches!(k, SourceKind::Prometheus | SourceKind::Scrape))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let list = if known.is_empty() { "none configured".to_string() } else { known.join(", ") };
                d.at(
                    span,
                    format!("`source = \"{name}\"` names no configured source; metrics sources: {list}"),
                );
                return;
            }
            Some((k @ (SourceKind::Alertmanager | SourceKind::Statuspage), _)) => {
                d.at(
                    span,
                    format!(
                        "`source = \"{name}\"` is a [[{}]] source; panes need a [[prometheus]] or [[scrape]] source",
                        kind_word(*k)
                    ),
                );
                return;
            }
            Some((k, _)) => *k,
        },
        None => match first_metrics {
            Some((_, k)) => *k,
            None => {
                d.at(
                    &u.span,
                    format!("{} has no source: configure a [[prometheus]] (or [[scrape]]) source", u.what),
                );
                return;
            }
        },
    };
    if kind == SourceKind::Prometheus && d.checks.promql {
        for (q, span) in &u.queries {
            super::promql::check_at(d, q, span);
        }
    }
    if kind == SourceKind::Scrape {
        for (q, span) in &u.queries {
            if let Err(e) = Selector::parse(q) {
                d.at(
                    span,
                    format!(
                        "a [[scrape]] source answers only metric selectors (name and label matchers); \
                         `{q}` is not one: {e}"
                    ),
                );
            }
        }
        if let Some(span) = &u.needs_history {
            d.at(span, "`week_over_week` needs a [[prometheus]] source (a [[scrape]] source has no history)");
        }
    }
}

fn priority(d: &mut Diag, tbl: Tbl) {
    known_keys(d, tbl, PRIORITY_KEYS);
    nonempty(d, tbl, "label", false);
    nonempty(d, tbl, "severity_label", false);
    for (k, _, v, span) in string_map(d, tbl, "map") {
        if crate::derive::Priority::parse(&v).is_none() {
            d.at(&span, format!("`map.{k}` must be one of P0, P1, P2, P3, not `{v}`"));
        }
    }
    if let Some((v, span)) = string(d, tbl, "default", false)
        && crate::derive::Priority::parse(&v).is_none()
    {
        d.at(&span, format!("`default` must be one of P0, P1, P2, P3, not `{v}`"));
    }
}

fn escalation(d: &mut Diag, tbl: Tbl) {
    known_keys(d, tbl, ESCALATION_KEYS);
    if let Some((p, span)) = string(d, tbl, "preset", false)
        && !PRESETS.contains(&p.as_str())
    {
        d.at(&span, format!("unknown escalation preset `{p}`; expected `matrix` or `tiers`"));
    }
    ordered_steps(d, tbl, "tiers", "an escalation tier");
    ordered_steps(d, tbl, "phases", "a response phase");
    super::validate_ops::phase_rules(d, tbl);
    if let Some((v, span)) = number(d, tbl, "speed")
        && !(0.01..=1000.0).contains(&v)
    {
        d.at(&span, "`speed` must be between 0.01 and 1000");
    }
    if let Some(list) = string_list(d, tbl, "correlate") {
        for (label, span) in list {
            if label.split('|').any(|l| l.trim().is_empty()) {
                d.at(&span, "`correlate` entries are label names, or alternatives like \"service|job\"");
            }
        }
    }
    if let Some((t, span)) = table(d, tbl, "targets") {
        let targets = Tbl { t, what: "[escalation.targets]", span: &span };
        known_keys(d, targets, &["P0", "P1", "P2", "P3"]);
        for key in ["P0", "P1", "P2", "P3"] {
            let _ = after_duration_key(d, targets, key);
        }
    }
}

/// `tiers` and `phases`: a non-empty list of `{ after, name }` in increasing `after`.
fn ordered_steps(d: &mut Diag, tbl: Tbl, key: &str, what: &str) {
    let Some(entry) = tbl.entry(key) else { return };
    let steps = tables(d, tbl, key);
    if steps.is_empty() && entry.item.as_array().is_some_and(|a| a.is_empty()) {
        d.at(
            &entry.value_span,
            format!("`{key}` is empty; give at least one, e.g. {{ after = \"5m\", name = \"Primary\" }}"),
        );
    }
    let mut last: Option<std::time::Duration> = None;
    for (t, span) in steps {
        let tier = Tbl { t, what, span: &span };
        known_keys(d, tier, &["after", "name"]);
        nonempty(d, tier, "name", true);
        if tier.t.get("after").is_none() {
            missing(d, tier, "after", "a duration such as \"5m\"");
            continue;
        }
        let after = after_duration(d, tier);
        if let (Some(prev), Some((cur, span))) = (last, &after)
            && *cur <= prev
        {
            d.at(span, format!("{key} must be listed in increasing order of `after`"));
        }
        if let Some((cur, _)) = after {
            last = Some(cur);
        }
    }
}

/// `after` may be zero (`"0s"`: at once), unlike other durations.
fn after_duration(d: &mut Diag, tier: Tbl) -> Option<(std::time::Duration, Span)> {
    after_duration_key(d, tier, "after")
}

/// A duration that may be zero, under `key`.
fn after_duration_key(d: &mut Diag, tier: Tbl, key: &str) -> Option<(std::time::Duration, Span)> {
    let e = tier.entry(key)?;
    let Some(s) = e.item.as_str() else {
        d.at(&e.value_span, format!("`{key}` must be a duration string such as \"5m\""));
        return None;
    };
    match crate::util::duration::parse(s) {
        Ok(v) => Some((v, e.value_span)),
        Err(msg) => {
            d.at(&e.value_span, format!("`{key}`: {msg}"));
            None
        }
    }
}
