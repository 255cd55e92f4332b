//! The escalation policy: ordered tiers with delays, response phases, resolution targets
//! per severity. Built from `[escalation]` in the config; everything here is pure.
//!
//! Contracts:
//! - A tier holds the incident from its `after` (time since detection) until the next
//!   tier's `after`. Before the first tier's delay nobody holds it yet: the clock shows
//!   `Unassigned` and counts down to the first tier. With the `matrix` preset that is the
//!   first five minutes, in which the alert is being detected and picked up (the
//!   detection and initial-response phases); with `tiers`, L1 holds it at once.
//! - Acknowledging freezes the tier held at the acknowledgement (see `clock`).
//! - Phases follow elapsed time since detection, whether acknowledged or not.
use std::time::Duration;

use crate::config::{EscalationSpec, PhaseSpec, TierSpec};

use super::model::Severity;

/// What the clock shows before the first tier's delay.
pub const UNASSIGNED: &str = "Unassigned";

#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub after: Duration,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub after: Duration,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Ascending by `after`; never empty.
    pub tiers: Vec<Tier>,
    /// Ascending by `after`; the first starts at zero.
    pub phases: Vec<Phase>,
    /// Resolution target by severity (index 0 = P0); None: no target.
    pub targets: [Option<Duration>; 4],
    /// The correlation key (see `correlate`): per entry, alternative label names.
    pub correlate: Vec<Vec<String>>,
    /// Clock seconds per real second: every clock runs this much faster (the demo's
    /// `--speed`); 1 otherwise.
    pub speed: f64,
    /// Who holds each tier (empty: nobody named; the screen shows the tier only).
    pub oncall: super::oncall::Rota,
    /// Phases chosen by the opening alert's labels (`presets`), first match wins.
    pub phase_rules: Vec<super::presets::PhaseRule>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    #[error("escalation: unknown preset `{0}` (expected `matrix` or `tiers`)")]
    UnknownPreset(String),
    #[error("escalation: {0}")]
    Invalid(String),
}

fn m(min: u64) -> Duration {
    Duration::from_secs(min * 60)
}

fn tiers(list: &[(u64, &str)]) -> Vec<Tier> {
    list.iter().map(|(min, name)| Tier { after: m(*min), name: name.to_string() }).collect()
}

/// The link aggregator's matrix (the default).
pub fn matrix_tiers() -> Vec<Tier> {
    tiers(&[
        (5, "Primary on-call"),
        (15, "Secondary on-call"),
        (30, "Engineering manager"),
        (60, "Director/VP"),
    ])
}

/// The chat platform's tiers.
pub fn tiered_tiers() -> Vec<Tier> {
    tiers(&[(0, "L1"), (20, "L2"), (45, "L3"), (90, "L4")])
}

pub fn default_phases() -> Vec<Phase> {
    [(0, "Detection"), (2, "Initial response"), (5, "Mitigation"), (15, "Resolution"), (60, "Post-incident")]
        .iter()
        .map(|(min, name)| Phase { after: m(*min), name: name.to_string() })
        .collect()
}

impl Default for Policy {
    fn default() -> Self {
        Policy::from_spec(&EscalationSpec::default()).expect("the default policy is valid")
    }
}

impl Policy {
    pub fn from_spec(spec: &EscalationSpec) -> Result<Policy, PolicyError> {
        let tiers = match (&spec.tiers, spec.preset.as_deref()) {
            (Some(list), _) => from_tier_specs(list)?,
            (None, None | Some("matrix")) => matrix_tiers(),
            (None, Some("tiers")) => tiered_tiers(),
            (None, Some(other)) => return Err(PolicyError::UnknownPreset(other.to_string())),
        };
        let phases = match &spec.phases {
            Some(list) => from_phase_specs(list)?,
            None => default_phases(),
        };
        let t = &spec.targets;
        let nonzero = |d: Option<Duration>| d.filter(|d| !d.is_zero());
        let targets = [nonzero(t.p0), nonzero(t.p1), nonzero(t.p2), nonzero(t.p3)];
        let correlate = match &spec.correlate {
            Some(list) => list
                .iter()
                .map(|e| e.split('|').map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
                .filter(|alts: &Vec<String>| !alts.is_empty())
                .collect(),
            None => super::correlate::default_key(),
        };
        let speed = spec.speed.filter(|s| s.is_finite() && *s > 0.0).unwrap_or(1.0);
        let phase_rules = super::presets::rules(&spec.phase_rule).map_err(PolicyError::Invalid)?;
        Ok(Policy { tiers, phases, targets, correlate, speed, oncall: Default::default(), phase_rules })
    }

    /// The policy of a whole config: `[escalation]` plus the `[oncall]` rota (its overrides
    /// file read here; a file that cannot be read is an error).
    pub fn from_config(cfg: &crate::config::Config) -> Result<Policy, PolicyError> {
        let mut p = Policy::from_spec(&cfg.escalation)?;
        let extra = match &cfg.oncall.overrides_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    PolicyError::Invalid(format!("on-call overrides {}: {e}", path.display()))
                })?;
                super::oncall::parse_overrides(&text)
                    .map_err(|e| PolicyError::Invalid(format!("on-call overrides {}: {e}", path.display())))?
            }
            None => Vec::new(),
        };
        p.oncall = super::oncall::Rota::from_spec(&cfg.oncall, extra)
            .map_err(|e| PolicyError::Invalid(format!("oncall: {e}")))?;
        Ok(p)
    }

    /// The phases of an incident whose opening alert has `labels`.
    pub fn phases_for(&self, labels: &std::collections::BTreeMap<String, String>) -> &[Phase] {
        super::presets::pick(&self.phase_rules, labels).unwrap_or(&self.phases)
    }

    /// Real time since detection as the clocks count it (scaled by `speed`).
    pub fn clock_time(&self, real: Duration) -> Duration {
        if self.speed == 1.0 { real } else { real.mul_f64(self.speed) }
    }

    /// The real time after detection at which the clocks show `clock` (inverse of
    /// `clock_time`).
    pub fn real_time(&self, clock: Duration) -> Duration {
        if self.speed == 1.0 { clock } else { clock.div_f64(self.speed) }
    }

    /// The index of the tier holding an incident `elapsed` after detection; None before
    /// the first tier's delay.
    pub fn tier_at(&self, elapsed: Duration) -> Option<usize> {
        self.tiers.iter().rposition(|t| t.after <= elapsed)
    }

    /// The tier after `current` (None: the first tier).
    pub fn next_tier(&self, current: Option<usize>) -> Option<&Tier> {
        self.tiers.get(current.map(|c| c + 1).unwrap_or(0))
    }

    pub fn tier_name(&self, tier: Option<usize>) -> &str {
        tier.and_then(|t| self.tiers.get(t)).map(|t| t.name.as_str()).unwrap_or(UNASSIGNED)
    }

    pub fn phase_at(&self, elapsed: Duration) -> &Phase {
        let i = self.phases.iter().rposition(|p| p.after <= elapsed).unwrap_or(0);
        &self.phases[i]
    }

    /// The last phase (post-incident), shown once an incident is resolved.
    pub fn final_phase(&self) -> &Phase {
        self.phases.last().expect("phases are never empty")
    }

    pub fn target(&self, severity: Severity) -> Option<Duration> {
        self.targets[severity as usize]
    }
}

fn from_tier_specs(list: &[TierSpec]) -> Result<Vec<Tier>, PolicyError> {
    if list.is_empty() {
        return Err(PolicyError::Invalid("`tiers` is empty".into()));
    }
    ascending(list.iter().map(|t| (t.after, t.name.as_str())), "tiers")?;
    Ok(list.iter().map(|t| Tier { after: t.after, name: t.name.clone() }).collect())
}

fn from_phase_specs(list: &[PhaseSpec]) -> Result<Vec<Phase>, PolicyError> {
    match list.first() {
        None => return Err(PolicyError::Invalid("`phases` is empty".into())),
        Some(p) if !p.after.is_zero() => {
            return Err(PolicyError::Invalid(format!(
                "the first phase (`{}`) must start at 0s, not {}",
                p.name,
                crate::util::duration::format_compact(p.after)
            )));
        }
        Some(_) => {}
    }
    ascending(list.iter().map(|p| (p.after, p.name.as_str())), "phases")?;
    Ok(list.iter().map(|p| Phase { after: p.after, name: p.name.clone() }).collect())
}

fn ascending<'a>(items: impl Iterator<Item = (Duration, &'a str)>, what: &str) -> Result<(), PolicyError> {
    let mut prev: Option<(Duration, &str)> = None;
    for (after, name) in items {
        if name.trim().is_empty() {
            return Err(PolicyError::Invalid(format!("a name in `{what}` is empty")));
        }
        if let Some((p, pname)) = prev
            && after <= p
        {
            return Err(PolicyError::Invalid(format!(
                "`{what}` must be in ascending order of `after`: `{name}` does not come after `{pname}`"
            )));
        }
        prev = Some((after, name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(toml_text: &str) -> EscalationSpec {
        // serde only: these tests check the policy's own errors, which the config
        // validator would otherwise report first.
        toml::from_str::<crate::config::Config>(toml_text).unwrap().escalation
    }

    #[test]
    fn default_is_the_matrix_with_default_phases_and_targets() {
        let p = Policy::default();
        assert_eq!(p.tiers, matrix_tiers());
        assert_eq!(p.phases, default_phases());
        assert_eq!(p.target(Severity::P0), Some(m(60)));
        assert_eq!(p.target(Severity::P1), Some(m(240)));
        assert_eq!(p.target(Severity::P2), Some(m(24 * 60)));
        assert_eq!(p.target(Severity::P3), None);
    }

    #[test]
    fn presets_and_explicit_tiers_from_config() {
        let p = Policy::from_spec(&spec("[escalation]\npreset = \"tiers\"\n")).unwrap();
        assert_eq!(p.tiers, tiered_tiers());
        let p = Policy::from_spec(&spec(
            "[escalation]\ntiers = [{ after = \"1m\", name = \"A\" }, { after = \"10m\", name = \"B\" }]\n",
        ))
        .unwrap();
        assert_eq!(
            p.tiers,
            vec![Tier { after: m(1), name: "A".into() }, Tier { after: m(10), name: "B".into() }]
        );
        let err = Policy::from_spec(&spec("[escalation]\npreset = \"nope\"\n")).unwrap_err();
        assert_eq!(err, PolicyError::UnknownPreset("nope".into()));
        let err = Policy::from_spec(&spec(
            "[escalation]\ntiers = [{ after = \"10m\", name = \"A\" }, { after = \"1m\", name = \"B\" }]\n",
        ))
        .unwrap_err();
        assert!(err.to_string().contains("ascending"), "{err}");
    }

    #[test]
    fn phases_and_targets_are_configurable() {
        let p = Policy::from_spec(&spec(
            "[escalation]\nphases = [{ after = \"0s\", name = \"Triage\" }, { after = \"30m\", name = \"Fix\" }]\n\
             targets = { P1 = \"2h\", P2 = \"0s\" }\n",
        ))
        .unwrap();
        assert_eq!(p.phase_at(m(29)).name, "Triage");
        assert_eq!(p.phase_at(m(30)).name, "Fix");
        assert_eq!(p.target(Severity::P0), Some(m(60)), "a key left out keeps its default");
        assert_eq!(p.target(Severity::P1), Some(m(120)));
        assert_eq!(p.target(Severity::P2), None, "0s means no target");
        let err = Policy::from_spec(&spec("[escalation]\nphases = [{ after = \"1m\", name = \"Late\" }]\n"))
            .unwrap_err();
        assert!(err.to_string().contains("must start at 0s"), "{err}");
    }

    #[test]
    fn tier_lookup() {
        let p = Policy::default();
        assert_eq!(p.tier_at(Duration::from_secs(299)), None);
        assert_eq!(p.tier_name(None), UNASSIGNED);
        assert_eq!(p.tier_at(Duration::from_secs(300)), Some(0));
        assert_eq!(p.tier_at(Duration::from_secs(10_000)), Some(3));
        assert_eq!(p.next_tier(Some(3)), None);
        assert_eq!(p.next_tier(None).unwrap().name, "Primary on-call");
    }
}
