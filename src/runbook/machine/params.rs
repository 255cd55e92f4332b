//! Parameters: validation against the runbook, and the environment a block gets.
use std::collections::BTreeMap;

use super::super::exec::{is_reserved_env, param_env_name};
use super::super::types::{Confirm, ParamKind, ParamSpec, Runbook};

/// Validates parameters against the runbook: unknown names, missing values (defaults
/// applied), type, pattern, choices, reserved environment names, `typed:` references.
pub fn validate_params(
    runbook: &Runbook,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    validate_params_with(runbook, given, |k| std::env::var(k).ok())
}

/// `validate_params` with the environment passed in: a parameter not given takes
/// `ParamSpec::effective_default` (`OPSDECK_<NAME>` when set, else the runbook's default).
pub fn validate_params_with(
    runbook: &Runbook,
    given: &BTreeMap<String, String>,
    read_env: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut errors = Vec::new();
    let mut out = BTreeMap::new();
    for name in given.keys() {
        if !runbook.params.iter().any(|p| &p.name == name) {
            errors.push(format!("unknown parameter `{name}`"));
        }
    }
    for spec in &runbook.params {
        let env = param_env_name(&spec.name);
        if is_reserved_env(&env) {
            errors
                .push(format!("parameter `{}` would set the reserved environment variable {env}", spec.name));
            continue;
        }
        let fallback = spec.effective_default(&read_env);
        match given.get(&spec.name).or(fallback.as_ref()) {
            None => errors.push(format!("parameter `{}` is required (no default)", spec.name)),
            Some(v) => match check_value(spec, v) {
                Ok(()) => {
                    out.insert(spec.name.clone(), v.clone());
                }
                Err(e) => errors.push(e),
            },
        }
    }
    for step in &runbook.steps {
        for b in &step.blocks {
            if let Some(Confirm::TypedParam(p)) = &b.attrs.confirm
                && !runbook.params.iter().any(|s| &s.name == p)
            {
                errors.push(format!(
                    "step `{}` line {}: confirm=typed:{p} names no parameter",
                    step.id, b.line
                ));
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn check_value(spec: &ParamSpec, v: &str) -> Result<(), String> {
    let n = &spec.name;
    match spec.kind {
        ParamKind::Int => {
            v.parse::<i64>().map_err(|_| format!("parameter `{n}`: `{v}` is not an integer"))?;
        }
        ParamKind::Duration => {
            crate::util::duration::parse(v).map_err(|e| format!("parameter `{n}`: {e}"))?;
        }
        ParamKind::Enum if spec.choices.is_empty() => {
            return Err(format!("parameter `{n}`: enum without choices"));
        }
        _ => {}
    }
    if !spec.choices.is_empty() && !spec.choices.iter().any(|c| c == v) {
        return Err(format!("parameter `{n}`: `{v}` is not one of {}", spec.choices.join(", ")));
    }
    if let Some(p) = &spec.pattern {
        let re = regex::Regex::new(p).map_err(|e| format!("parameter `{n}`: bad pattern: {e}"))?;
        if !re.is_match(v) {
            return Err(format!("parameter `{n}`: `{v}` does not match {p}"));
        }
    }
    Ok(())
}

/// The environment of a block: every parameter under [`param_env_name`], plus
/// `OPSDECK_RUN_ID`, `OPSDECK_STEP` and `OPSDECK_DRILL` (`1` or `0`).
pub fn block_env(
    params: &BTreeMap<String, String>,
    run_id: &str,
    step_id: &str,
    drill: bool,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = params.iter().map(|(k, v)| (param_env_name(k), v.clone())).collect();
    env.push(("OPSDECK_RUN_ID".into(), run_id.into()));
    env.push(("OPSDECK_STEP".into(), step_id.into()));
    env.push(("OPSDECK_DRILL".into(), if drill { "1" } else { "0" }.into()));
    env
}

pub(super) fn needs_justification(rb: &Runbook) -> bool {
    rb.has_destructive() || rb.justification.as_ref().is_some_and(|j| j.required)
}
