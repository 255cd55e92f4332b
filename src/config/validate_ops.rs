//! The schema of the operational tables (`[[kpi]]`, `[[deploy]]`, `[oncall]`, `[comms]`,
//! `[attention]`, `[[escalation.phase_rule]]`) over the spanned document, every problem
//! with its place. Called from `validate`.
use super::walk::{
    Diag, Span, Tbl, boolean, duration, known_keys, nonempty, string, string_list, string_map, table, tables,
};
use crate::derive::target::Target;

pub const ROOT_KEYS: &[&str] = &["kpi", "deploy", "oncall", "comms", "attention"];

pub fn validate(d: &mut Diag, root: Tbl) {
    for (t, span) in tables(d, root, "kpi") {
        kpi(d, Tbl { t, what: "[[kpi]]", span: &span });
    }
    for (t, span) in tables(d, root, "deploy") {
        deploy(d, Tbl { t, what: "[[deploy]]", span: &span });
    }
    if let Some((t, span)) = table(d, root, "oncall") {
        oncall(d, Tbl { t, what: "[oncall]", span: &span });
    }
    if let Some((t, span)) = table(d, root, "comms") {
        let tbl = Tbl { t, what: "[comms]", span: &span };
        known_keys(d, tbl, &["channel"]);
        for (t, span) in tables(d, tbl, "channel") {
            channel(d, Tbl { t, what: "[[comms.channel]]", span: &span });
        }
    }
    if let Some((t, span)) = table(d, root, "attention") {
        let tbl = Tbl { t, what: "[attention]", span: &span };
        known_keys(d, tbl, &["bell", "repeat", "wall_bell", "deadman"]);
        boolean(d, tbl, "bell");
        boolean(d, tbl, "wall_bell");
        duration(d, tbl, "repeat", false);
        string(d, tbl, "deadman", false);
    }
}

/// `[[escalation.phase_rule]]` rows (from `validate::escalation`).
pub fn phase_rules(d: &mut Diag, escalation: Tbl) {
    for (t, span) in tables(d, escalation, "phase_rule") {
        let tbl = Tbl { t, what: "[[escalation.phase_rule]]", span: &span };
        known_keys(d, tbl, &["labels", "preset", "phases"]);
        if string_map(d, tbl, "labels").is_empty() {
            d.at(tbl.span, "a phase rule needs `labels`, e.g. { team = \"trust-safety\" }");
        }
        match nonempty(d, tbl, "preset", false) {
            Some((p, s)) if !super::ops::PHASE_PRESETS.contains(&p.as_str()) => d.at(
                &s,
                format!(
                    "unknown phase preset `{p}`; expected one of {}",
                    super::ops::PHASE_PRESETS.join(", ")
                ),
            ),
            None if tbl.t.get("phases").is_none() => {
                d.at(tbl.span, "a phase rule needs `preset` or `phases`")
            }
            _ => {}
        }
    }
}

fn target(d: &mut Diag, tbl: Tbl, key: &str, required: bool) -> Option<Target> {
    let (text, span) = nonempty(d, tbl, key, required)?;
    match Target::parse(&text) {
        Ok(t) => Some(t),
        Err(e) => {
            d.at(&span, e);
            None
        }
    }
}

fn kpi(d: &mut Diag, tbl: Tbl) {
    known_keys(d, tbl, &["name", "query", "builtin", "source", "unit", "target", "window"]);
    nonempty(d, tbl, "name", true);
    let query = nonempty(d, tbl, "query", false);
    let builtin = nonempty(d, tbl, "builtin", false);
    match (&query, &builtin) {
        (None, None) => d.at(tbl.span, "[[kpi]] needs `query` (PromQL) or `builtin` (e.g. \"mttr\")"),
        (Some(_), Some((_, s))) => d.at(s, "give either `query` or `builtin`, not both"),
        (None, Some((b, s))) if !crate::derive::kpi::BUILTINS.contains(&b.as_str()) => d.at(
            s,
            format!("unknown built-in `{b}`; expected one of {}", crate::derive::kpi::BUILTINS.join(", ")),
        ),
        _ => {}
    }
    nonempty(d, tbl, "source", false);
    string(d, tbl, "unit", false);
    if let Some(t) = target(d, tbl, "target", false)
        && t.factor
        && let Some(e) = tbl.entry("target")
    {
        d.at(&e.value_span, "a KPI target is a number, not a factor (`2x` is for deploy triggers)");
    }
    duration(d, tbl, "window", false);
}

fn deploy(d: &mut Diag, tbl: Tbl) {
    let keys = ["name", "source", "phase_query", "phases", "start_query", "rollback_runbook", "trigger"];
    known_keys(d, tbl, &keys);
    nonempty(d, tbl, "name", true);
    for k in ["source", "phase_query", "start_query", "rollback_runbook"] {
        nonempty(d, tbl, k, false);
    }
    if let Some(list) = string_list(d, tbl, "phases") {
        let span: Span = tbl.entry("phases").and_then(|e| e.value_span);
        let phases: Vec<String> = list.into_iter().map(|(s, _)| s).collect();
        if let Err(e) = crate::derive::deploy::parse_schedule(&phases) {
            d.at(&span, e);
        }
    }
    for (t, span) in tables(d, tbl, "trigger") {
        let tr = Tbl { t, what: "[[deploy.trigger]]", span: &span };
        known_keys(d, tr, &["name", "query", "threshold", "baseline", "for", "rollback_runbook"]);
        nonempty(d, tr, "name", true);
        nonempty(d, tr, "query", true);
        nonempty(d, tr, "rollback_runbook", false);
        let th = target(d, tr, "threshold", true);
        let baseline = duration(d, tr, "baseline", false);
        duration(d, tr, "for", false);
        if let Some(t) = th
            && t.factor
            && baseline.is_none()
        {
            d.at(tr.span, "a threshold like `> 2x` needs `baseline` (e.g. \"1h\": the query 1 h ago)");
        }
    }
}

fn oncall(d: &mut Diag, tbl: Tbl) {
    known_keys(d, tbl, &["rotation", "overrides_file", "override"]);
    nonempty(d, tbl, "overrides_file", false);
    for (t, span) in tables(d, tbl, "rotation") {
        let r = Tbl { t, what: "[[oncall.rotation]]", span: &span };
        known_keys(d, r, &["tier", "members", "handoff", "weekday", "length", "start"]);
        nonempty(d, r, "tier", true);
        match string_list(d, r, "members") {
            Some(m) if !m.is_empty() => {}
            Some(_) => d.at(r.span, "`members` is empty"),
            None if r.t.get("members").is_none() => d.at(r.span, "[[oncall.rotation]] is missing `members`"),
            None => {}
        }
        if let Some((h, s)) = string(d, r, "handoff", false)
            && chrono::NaiveTime::parse_from_str(h.trim(), "%H:%M").is_err()
        {
            d.at(&s, format!("`handoff` must be HH:MM (UTC), not `{h}`"));
        }
        if let Some((w, s)) = string(d, r, "weekday", false)
            && w.trim().parse::<chrono::Weekday>().is_err()
        {
            d.at(&s, format!("`weekday` must be mon, tue, wed, thu, fri, sat or sun, not `{w}`"));
        }
        duration(d, r, "length", false);
        if let Some((v, s)) = string(d, r, "start", false)
            && chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").is_err()
        {
            d.at(&s, format!("`start` must be a date YYYY-MM-DD, not `{v}`"));
        }
    }
    for (t, span) in tables(d, tbl, "override") {
        let o = Tbl { t, what: "[[oncall.override]]", span: &span };
        known_keys(d, o, &["tier", "name", "from", "until"]);
        nonempty(d, o, "tier", true);
        nonempty(d, o, "name", true);
        for k in ["from", "until"] {
            match o.entry(k) {
                None => d.at(
                    o.span,
                    format!("[[oncall.override]] is missing `{k}` (a time, 2026-11-23T09:00:00Z)"),
                ),
                Some(e) if e.item.as_datetime().is_none() && e.item.as_str().is_none() => {
                    d.at(&e.value_span, format!("`{k}` must be a time such as 2026-11-23T09:00:00Z"))
                }
                _ => {}
            }
        }
    }
}

fn channel(d: &mut Diag, tbl: Tbl) {
    known_keys(d, tbl, &["name", "severities", "every", "within"]);
    nonempty(d, tbl, "name", true);
    for (s, span) in string_list(d, tbl, "severities").unwrap_or_default() {
        if !severity_ok(&s) {
            d.at(&span, format!("`{s}` is not a severity (P0..P3 or SEV-1..SEV-4)"));
        }
    }
    let every = duration(d, tbl, "every", false);
    let within = string_map(d, tbl, "within");
    for (k, kspan, v, vspan) in &within {
        if !severity_ok(k) {
            d.at(kspan, format!("`within.{k}`: not a severity (P0..P3 or SEV-1..SEV-4)"));
        }
        if let Err(e) = crate::util::duration::parse(v) {
            d.at(vspan, format!("`within.{k}`: {e}"));
        }
    }
    if every.is_none() && within.is_empty() && tbl.t.get("every").is_none() {
        d.at(tbl.span, "a channel needs `every` (a cadence) or `within` (a deadline per severity)");
    }
}

/// `P0`..`P3` or `SEV-1`..`SEV-4` (as `incident::Severity::parse` takes them).
fn severity_ok(s: &str) -> bool {
    let t = s.trim().to_ascii_uppercase();
    crate::derive::Priority::parse(&t).is_some()
        || t.strip_prefix("SEV")
            .is_some_and(|n| ["1", "2", "3", "4"].contains(&n.trim_start_matches(['-', '_', ' '])))
}
