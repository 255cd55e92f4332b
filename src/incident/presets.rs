//! Response-phase presets chosen by rule: an incident whose opening alert carries every
//! label of a `[[escalation.phase_rule]]` follows that rule's phases (first match wins),
//! e.g. `team = "trust-safety"` -> the content-crisis phases. Pure.
use std::collections::BTreeMap;
use std::time::Duration;

use super::policy::{Phase, default_phases};
use crate::config::PhaseRuleSpec;

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseRule {
    pub labels: BTreeMap<String, String>,
    pub phases: Vec<Phase>,
}

/// Preset names a rule may give.
pub use crate::config::PHASE_PRESETS as PRESETS;

/// Trust & safety's content crisis: threat detection 0-5 min, assessment 5-15, action
/// 15-30, recovery 30 min-24 h, then post-incident.
pub fn content_crisis() -> Vec<Phase> {
    [(0, "Threat detection"), (5, "Assessment"), (15, "Action"), (30, "Recovery"), (24 * 60, "Post-incident")]
        .iter()
        .map(|(min, name)| Phase { after: Duration::from_secs(min * 60), name: name.to_string() })
        .collect()
}

pub fn preset(name: &str) -> Option<Vec<Phase>> {
    match name {
        "default" => Some(default_phases()),
        "content-crisis" => Some(content_crisis()),
        _ => None,
    }
}

pub fn rules(specs: &[PhaseRuleSpec]) -> Result<Vec<PhaseRule>, String> {
    specs
        .iter()
        .map(|r| {
            let phases = match (&r.phases, r.preset.as_deref()) {
                (Some(list), _) if !list.is_empty() && list[0].after.is_zero() => {
                    list.iter().map(|p| Phase { after: p.after, name: p.name.clone() }).collect()
                }
                (Some(_), _) => return Err("a phase rule's `phases` must start at 0s".into()),
                (None, Some(name)) => preset(name).ok_or_else(|| {
                    format!("unknown phase preset `{name}`; expected one of {}", PRESETS.join(", "))
                })?,
                (None, None) => return Err("a phase rule needs `preset` or `phases`".into()),
            };
            Ok(PhaseRule { labels: r.labels.clone(), phases })
        })
        .collect()
}

/// The phases of the first rule whose labels all match.
pub fn pick<'p>(rules: &'p [PhaseRule], labels: &BTreeMap<String, String>) -> Option<&'p [Phase]> {
    rules
        .iter()
        .find(|r| !labels.is_empty() && r.labels.iter().all(|(k, v)| labels.get(k) == Some(v)))
        .map(|r| r.phases.as_slice())
}

/// The phase at `elapsed` in `phases` (ascending, the first at zero).
pub fn phase_in(phases: &[Phase], elapsed: Duration) -> &Phase {
    let i = phases.iter().rposition(|p| p.after <= elapsed).unwrap_or(0);
    &phases[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_label_picks_the_content_crisis_phases() {
        let spec = PhaseRuleSpec {
            labels: BTreeMap::from([("team".to_string(), "trust-safety".to_string())]),
            preset: Some("content-crisis".into()),
            phases: None,
        };
        let r = rules(&[spec]).unwrap();
        let ts = BTreeMap::from([("team".to_string(), "trust-safety".to_string()), ("a".into(), "b".into())]);
        let phases = pick(&r, &ts).unwrap();
        let m = |x: u64| Duration::from_secs(x * 60);
        assert_eq!(phase_in(phases, m(3)).name, "Threat detection");
        assert_eq!(phase_in(phases, m(10)).name, "Assessment");
        assert_eq!(phase_in(phases, m(20)).name, "Action");
        assert_eq!(phase_in(phases, m(120)).name, "Recovery");
        assert_eq!(phase_in(phases, m(25 * 60)).name, "Post-incident");
        let other = BTreeMap::from([("team".to_string(), "platform".to_string())]);
        assert!(pick(&r, &other).is_none());
        assert!(pick(&r, &BTreeMap::new()).is_none());
        let bad = PhaseRuleSpec { labels: BTreeMap::new(), preset: Some("nope".into()), phases: None };
        assert!(rules(&[bad]).is_err());
    }
}
