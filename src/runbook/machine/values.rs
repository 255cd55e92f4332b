//! Placeholders as parameters asked per block (`<pod_name>`, `{{cluster}}`, `CHANGEME`, an
//! undefined `$PDB`).
//!
//! Contract:
//! - Before a block runs (before its confirmation) every placeholder without a value in
//!   this run is asked (`Phase::NeedValue`), one at a time, in the block's order. A value
//!   is not empty and has no line break (nor NUL); a refused one is asked again with the
//!   reason. A `Variable` placeholder is not asked when opsdeck's own environment sets it
//!   (`RunOptions::inherited`: the block inherits it) or when it is a runbook parameter.
//! - Values are remembered for the rest of the run by environment variable (one variable,
//!   one value), reach the block only as environment variables, and are journaled in a
//!   `values_given` record before the block can run (a placeholder whose text looks
//!   secret as `***`). `resume` restores the journaled values; a secret one is asked again.
use std::collections::{BTreeMap, BTreeSet};

use super::super::exec::{is_reserved_env, param_env_name};
use super::super::journal::EventKind;
use super::super::types::{Placeholder, PlaceholderStyle, Runbook};
use super::{After, Effect, EntryExt, Machine, Phase, RunState, block_env};

/// Words that make a placeholder secret (its value is journaled and shown as `***`).
const SECRET_WORDS: [&str; 7] = ["token", "password", "passwd", "secret", "key", "auth", "credential"];

/// The text shown and journaled for a secret value.
pub const REDACTED: &str = "***";

/// Whether a placeholder's text (`<api_token>`, `$DB_PASSWORD`) looks secret.
pub fn is_secret(text: &str) -> bool {
    let t = text.to_lowercase();
    SECRET_WORDS.iter().any(|w| t.contains(w))
}

/// Checks a placeholder value: not empty, no line break, no NUL.
pub fn check_value_text(v: &str) -> Result<(), String> {
    if v.trim().is_empty() {
        return Err("a value is required (it cannot be empty)".into());
    }
    if v.contains(['\n', '\r']) {
        return Err("the value cannot contain a line break".into());
    }
    if v.contains('\0') {
        return Err("the value cannot contain a NUL character".into());
    }
    Ok(())
}

/// The placeholder's name without its marks: `<pod_name>` and `{{ pod_name }}` give
/// `pod_name`, `$PDB` and `${PDB}` give `PDB`, a marker is itself.
pub fn inner_name(p: &Placeholder) -> String {
    let t = p.text.trim();
    let inner = match p.style {
        PlaceholderStyle::Angle => t.trim_start_matches('<').trim_end_matches('>'),
        PlaceholderStyle::Braces => t.trim_start_matches("{{").trim_end_matches("}}"),
        PlaceholderStyle::Variable => t.trim_start_matches('$').trim_start_matches('{').trim_end_matches('}'),
        PlaceholderStyle::Marker => t,
    };
    inner.trim().to_string()
}

/// Every placeholder of the runbook.
fn all_placeholders(rb: &Runbook) -> impl Iterator<Item = &Placeholder> {
    rb.steps.iter().flat_map(|s| &s.blocks).flat_map(|b| &b.placeholders)
}

/// The runbook's `Variable` placeholders that `read_env` sets (not empty): not asked.
pub fn inherited_vars(rb: &Runbook, read_env: impl Fn(&str) -> Option<String>) -> BTreeSet<String> {
    all_placeholders(rb)
        .filter(|p| p.style == PlaceholderStyle::Variable)
        .filter(|p| read_env(&p.env).is_some_and(|v| !v.is_empty()))
        .map(|p| p.env.clone())
        .collect()
}

/// Splits `--param` pairs: the runbook's parameters, and placeholder values by environment
/// variable (a pair may name a placeholder by its variable, `OPSDECK_PH_POD_NAME`, or by
/// its inner name, `pod_name`). A name that is neither stays a parameter (and is refused
/// as unknown by `validate_params`); a bad placeholder value is an error.
#[allow(clippy::type_complexity)]
pub fn split_given(
    rb: &Runbook,
    given: &BTreeMap<String, String>,
) -> Result<(BTreeMap<String, String>, BTreeMap<String, String>), Vec<String>> {
    let mut params = BTreeMap::new();
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    for (k, v) in given {
        if rb.params.iter().any(|p| &p.name == k) {
            params.insert(k.clone(), v.clone());
            continue;
        }
        let hit = all_placeholders(rb).find(|p| &p.env == k || &inner_name(p) == k);
        match hit {
            Some(p) => match check_value_text(v) {
                Ok(()) => {
                    values.insert(p.env.clone(), v.clone());
                }
                Err(e) => errors.push(format!("--param {k}: {e}")),
            },
            None => {
                params.insert(k.clone(), v.clone());
            }
        }
    }
    if errors.is_empty() { Ok((params, values)) } else { Err(errors) }
}

/// What the operator is asked while the phase is `NeedValue`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuePrompt {
    pub step: usize,
    pub block: usize,
    pub step_title: String,
    pub placeholder: Placeholder,
    /// The block's commands as the runbook shows them that use the placeholder (all of
    /// them when none does, or the script when the block lists no commands).
    pub commands: Vec<String>,
    /// Its value is shown and journaled as `***`.
    pub secret: bool,
    /// Why the last value was refused.
    pub error: Option<String>,
    /// Values still to ask for this block after this one.
    pub remaining: usize,
}

impl Machine {
    /// The placeholder of `block` to ask next, if any.
    pub(super) fn missing_value(&self, step: usize, block: usize) -> Option<usize> {
        let b = &self.runbook.steps[step].blocks[block];
        b.placeholders.iter().position(|p| self.needs_value(p))
    }

    fn needs_value(&self, p: &Placeholder) -> bool {
        if self.values.contains_key(&p.env) {
            return false;
        }
        if p.style == PlaceholderStyle::Variable {
            let param = self.runbook.params.iter().any(|s| param_env_name(&s.name) == p.env);
            // A reserved variable (PATH, LD_PRELOAD, OPSDECK_*) is never set from a prompt.
            return !(param || self.opts.inherited.contains(&p.env) || is_reserved_env(&p.env));
        }
        true
    }

    fn secret_env(&self, env: &str) -> bool {
        all_placeholders(&self.runbook).any(|p| p.env == env && is_secret(&p.text))
    }

    /// The prompt while the phase is `NeedValue`.
    pub fn value_prompt(&self) -> Option<ValuePrompt> {
        let Phase::NeedValue { step, block, placeholder, error } = &self.phase else { return None };
        let s = &self.runbook.steps[*step];
        let b = &s.blocks[*block];
        let p = b.placeholders.get(*placeholder)?.clone();
        let using: Vec<String> =
            b.commands.iter().filter(|c| c.text.contains(&p.text)).map(|c| c.text.clone()).collect();
        let commands = if !using.is_empty() {
            using
        } else if !b.commands.is_empty() {
            b.commands.iter().map(|c| c.text.clone()).collect()
        } else {
            vec![b.script.clone()]
        };
        let remaining = b.placeholders[placeholder + 1..].iter().filter(|q| self.needs_value(q)).count();
        Some(ValuePrompt {
            step: *step,
            block: *block,
            step_title: s.title.clone(),
            secret: is_secret(&p.text),
            placeholder: p,
            commands,
            error: error.clone(),
            remaining,
        })
    }

    pub(super) fn give_value(&mut self, step: usize, block: usize, placeholder: usize, v: String) {
        if let Err(e) = check_value_text(&v) {
            self.phase = Phase::NeedValue { step, block, placeholder, error: Some(e) };
            return;
        }
        let env = self.runbook.steps[step].blocks[block].placeholders[placeholder].env.clone();
        self.values.insert(env, v);
        self.next_block(step, block);
    }

    pub(super) fn cancel_value(&mut self, step: usize, block: usize, placeholder: usize) -> Vec<Effect> {
        let text = self.runbook.steps[step].blocks[block].placeholders[placeholder].text.clone();
        let e = self
            .entry_at(EventKind::BlockDeclined, step, Some(block))
            .detail(&format!("no value given for {text}"));
        self.push(e, After::Nothing);
        let unknown = self.steps[step].blocks[block] == RunState::Unknown;
        self.steps[step].state = if unknown { RunState::Unknown } else { RunState::Pending };
        self.phase = Phase::Ready { step };
        vec![Effect::Notice(format!("no value for {text}: step {} block {} not run", step + 1, block + 1))]
    }

    /// Journals the values `block` uses that are not in the journal yet.
    pub(super) fn journal_values(&mut self, step: usize, block: usize) {
        let b = &self.runbook.steps[step].blocks[block];
        let fresh: BTreeMap<String, String> = b
            .placeholders
            .iter()
            .filter(|p| !self.journaled_values.contains(&p.env))
            .filter_map(|p| self.values.get(&p.env).map(|v| (p.env.clone(), self.shown(&p.env, v))))
            .collect();
        if fresh.is_empty() {
            return;
        }
        let names: Vec<&str> =
            b.placeholders.iter().filter(|p| fresh.contains_key(&p.env)).map(|p| p.text.as_str()).collect();
        let mut e = self.entry_at(EventKind::ValuesGiven, step, Some(block)).detail(&names.join(", "));
        self.journaled_values.extend(fresh.keys().cloned());
        e.values = fresh;
        self.push(e, After::Nothing);
    }

    fn shown(&self, env: &str, v: &str) -> String {
        if self.secret_env(env) { REDACTED.to_string() } else { v.to_string() }
    }

    /// The block's placeholders with a value: `(as written, NAME, value or ***)`.
    pub fn shown_values(&self, step: usize, block: usize) -> Vec<(String, String, String)> {
        let mut seen = BTreeSet::new();
        self.runbook.steps[step].blocks[block]
            .placeholders
            .iter()
            .filter(|p| seen.insert(p.env.clone()))
            .filter_map(|p| {
                self.values.get(&p.env).map(|v| (p.text.clone(), p.env.clone(), self.shown(&p.env, v)))
            })
            .collect()
    }

    /// The block's environment: the parameters, the run's variables, and the block's
    /// placeholder values (`masked`: secret ones as `***`, for showing).
    pub(super) fn block_env(&self, step: usize, block: usize, masked: bool) -> Vec<(String, String)> {
        let mut env =
            block_env(&self.params, &self.opts.run_id, &self.runbook.steps[step].id, self.opts.drill);
        for p in &self.runbook.steps[step].blocks[block].placeholders {
            if env.iter().any(|(k, _)| k == &p.env) {
                continue;
            }
            if let Some(v) = self.values.get(&p.env) {
                let v = if masked { self.shown(&p.env, v) } else { v.clone() };
                env.push((p.env.clone(), v));
            }
        }
        env
    }

    /// Resume: values from the journal (a secret one was journaled as `***` and is asked
    /// again).
    pub(super) fn restore_values(&mut self, values: &BTreeMap<String, String>) {
        for (k, v) in values {
            if self.secret_env(k) || check_value_text(v).is_err() {
                continue;
            }
            self.values.insert(k.clone(), v.clone());
            self.journaled_values.insert(k.clone());
        }
    }
}
