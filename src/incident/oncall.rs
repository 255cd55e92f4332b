//! The on-call rotation: who holds each escalation tier at a time, until when, and who is
//! next. Pure: the time is an argument; the overrides file is read by `load_overrides`.
//!
//! Contracts:
//! - A rotation's shifts are `length` long and start at the handoff (`HH:MM` UTC) of the
//!   rotation's weekday (for lengths of a week or more) on or after its `start` date; the
//!   first member holds the first shift, then each in turn, round and round. Before the
//!   first shift the last member holds it (the shift before).
//! - An override covering the time wins over the rotation; `until` is then the earlier of
//!   the override's end and the next override's start.
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::Serialize;
use std::time::Duration;

use crate::config::{OncallSpec, OverrideSpec, RotationSpec};

#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    pub tier: String,
    pub members: Vec<String>,
    /// The start of the first shift.
    pub anchor: DateTime<Utc>,
    pub length: Duration,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rota {
    pub rotations: Vec<Rotation>,
    pub overrides: Vec<OverrideSpec>,
}

/// Who holds a tier at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    pub tier: String,
    pub name: String,
    pub until: Option<DateTime<Utc>>,
    /// Who takes over at `until`.
    pub next: Option<String>,
}

pub fn parse_weekday(s: &str) -> Option<Weekday> {
    s.trim().parse::<Weekday>().ok()
}

pub fn rotation(spec: &RotationSpec) -> Result<Rotation, String> {
    if spec.members.is_empty() {
        return Err(format!("rotation `{}` has no members", spec.tier));
    }
    if spec.length < Duration::from_secs(60) {
        return Err(format!("rotation `{}`: `length` must be at least 1m", spec.tier));
    }
    let time = NaiveTime::parse_from_str(spec.handoff.trim(), "%H:%M").map_err(|_| {
        format!("rotation `{}`: `handoff` must be HH:MM (UTC), not `{}`", spec.tier, spec.handoff)
    })?;
    let date = match &spec.start {
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| format!("rotation `{}`: `start` must be YYYY-MM-DD, not `{s}`", spec.tier))?,
        None => NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date"),
    };
    let weekday = match &spec.weekday {
        Some(w) => Some(
            parse_weekday(w)
                .ok_or_else(|| format!("rotation `{}`: `weekday` must be mon..sun, not `{w}`", spec.tier))?,
        ),
        None if spec.length >= Duration::from_secs(7 * 86_400) => Some(Weekday::Mon),
        None => None,
    };
    let mut day = date;
    if let Some(w) = weekday {
        while day.weekday() != w {
            day = day.succ_opt().ok_or("date out of range")?;
        }
    }
    let anchor = Utc.from_utc_datetime(&day.and_time(time));
    Ok(Rotation { tier: spec.tier.clone(), members: spec.members.clone(), anchor, length: spec.length })
}

impl Rota {
    /// The rota of `[oncall]` plus overrides read from its file (`extra`).
    pub fn from_spec(spec: &OncallSpec, extra: Vec<OverrideSpec>) -> Result<Rota, String> {
        let rotations = spec.rotation.iter().map(rotation).collect::<Result<_, _>>()?;
        let mut overrides = spec.overrides.clone();
        overrides.extend(extra);
        Ok(Rota { rotations, overrides })
    }

    pub fn is_empty(&self) -> bool {
        self.rotations.is_empty() && self.overrides.is_empty()
    }

    /// Every tier the rota knows, in config order (rotations, then override-only tiers).
    pub fn tiers(&self) -> Vec<String> {
        let mut out: Vec<String> = self.rotations.iter().map(|r| r.tier.clone()).collect();
        for o in &self.overrides {
            if !out.contains(&o.tier) {
                out.push(o.tier.clone());
            }
        }
        out
    }

    /// Who holds `tier` at `at`.
    pub fn holder(&self, tier: &str, at: DateTime<Utc>) -> Option<Holder> {
        let rot = self.rotations.iter().find(|r| r.tier == tier);
        let by_rotation = rot.map(|r| r.holder(at));
        let ovr = self.overrides.iter().find(|o| o.tier == tier && o.from <= at && at < o.until);
        let next_override =
            self.overrides.iter().filter(|o| o.tier == tier && o.from > at).min_by_key(|o| o.from);
        match (ovr, by_rotation) {
            (Some(o), rot_now) => {
                let until = next_override.map(|n| n.from.min(o.until)).unwrap_or(o.until);
                let next = match next_override {
                    Some(n) if n.from <= o.until => Some(n.name.clone()),
                    _ => rot.map(|r| r.holder(until).name),
                }
                .or_else(|| rot_now.map(|h| h.name));
                Some(Holder { tier: tier.to_string(), name: o.name.clone(), until: Some(until), next })
            }
            (None, Some(mut h)) => {
                if let Some(n) = next_override
                    && h.until.is_none_or(|u| n.from < u)
                {
                    h.until = Some(n.from);
                    h.next = Some(n.name.clone());
                }
                Some(h)
            }
            (None, None) => None,
        }
    }
}

impl Rotation {
    pub fn holder(&self, at: DateTime<Utc>) -> Holder {
        let len = self.length.as_secs() as i64;
        let since = (at - self.anchor).num_seconds();
        let shift = since.div_euclid(len);
        let n = self.members.len() as i64;
        let who = |k: i64| self.members[k.rem_euclid(n) as usize].clone();
        let until = self.anchor + chrono::Duration::seconds((shift + 1) * len);
        Holder { tier: self.tier.clone(), name: who(shift), until: Some(until), next: Some(who(shift + 1)) }
    }
}

/// The `[[override]]` rows of an overrides file (TOML).
pub fn parse_overrides(text: &str) -> Result<Vec<OverrideSpec>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default, rename = "override")]
        overrides: Vec<OverrideSpec>,
    }
    let f: File = toml::from_str(text).map_err(|e| e.message().to_string())?;
    Ok(f.overrides)
}

#[cfg(test)]
#[path = "oncall_tests.rs"]
mod tests;
