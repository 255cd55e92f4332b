//! From a fenced block to a runnable [`Block`] (attributes, commands, placeholders,
//! safety) or a [`VerifyBlock`].
use std::time::Duration;

use super::RunbookError;
use super::attrs::{attr_pos, attr_text, json_tokens, lang_of, tokens};
use super::front_matter::ErrFn;
use super::langs::mode_of;
use super::markdown::RawCode;
use crate::runbook::classify;
use crate::runbook::placeholder;
use crate::runbook::transcript::{self, Mode};
use crate::runbook::types::*;
use crate::util::duration;

pub(super) fn build_block(
    raw: &RawCode,
    lines: &[&str],
    params: &[ParamSpec],
    has_front_matter: bool,
    err: &ErrFn,
) -> Result<Block, RunbookError> {
    let lang = lang_of(&raw.info);
    let mut attrs = BlockAttrs::default();
    let mut runme_name: Option<String> = None;
    if let Some(text) = attr_text(&raw.info) {
        let toks = if text.trim_start().starts_with('"') {
            json_tokens(text).map_err(|m| {
                let (l, c) = attr_pos(raw, lines, 0);
                err(l, c, m)
            })?
        } else {
            tokens(text)
        };
        for (key, value, off) in toks {
            let (l, c) = attr_pos(raw, lines, off);
            let need = |v: &Option<String>| -> Result<String, RunbookError> {
                v.clone()
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| err(l, c, format!("attribute `{key}` needs a value")))
            };
            let dur = |v: &Option<String>| -> Result<Duration, RunbookError> {
                let v = need(v)?;
                duration::parse(&v).map_err(|e| err(l, c, format!("attribute `{key}`: {e}")))
            };
            match key.as_str() {
                "readonly" => attrs.readonly = true,
                "destructive" => attrs.destructive = true,
                "id" => attrs.id = Some(need(&value)?),
                "rollback" => attrs.rollback = Some(need(&value)?),
                "timeout" => attrs.timeout = Some(dur(&value)?),
                "eta" => attrs.eta = Some(dur(&value)?),
                "confirm" => {
                    let v = need(&value)?;
                    let confirm = if v == "yes" {
                        Confirm::Yes
                    } else if let Some(t) = v.strip_prefix("typed:") {
                        if t.len() >= 2
                            && (t.starts_with('"') && t.ends_with('"')
                                || t.starts_with('\'') && t.ends_with('\''))
                        {
                            Confirm::TypedText(t[1..t.len() - 1].to_string())
                        } else if t.is_empty() {
                            return Err(err(
                                l,
                                c,
                                "confirm=typed: needs a parameter name or a \"quoted text\"".into(),
                            ));
                        } else if params.iter().any(|p| p.name == t) {
                            Confirm::TypedParam(t.to_string())
                        } else {
                            return Err(err(
                                l,
                                c,
                                format!(
                                    "confirm=typed:{t} names an undeclared parameter `{t}` (declare it under `params`, or quote a literal: typed:\"{t}\")"
                                ),
                            ));
                        }
                    } else {
                        return Err(err(
                            l,
                            c,
                            format!("bad confirm `{v}` (expected yes, typed:<param> or typed:\"<text>\")"),
                        ));
                    };
                    attrs.confirm = Some(confirm);
                }
                // Runme's cell name: the id unless `id=` is given.
                "name" => runme_name = Some(need(&value)?),
                // Runme's presentation attributes: they do not change what runs.
                "interactive"
                | "background"
                | "closeTerminalOnSuccess"
                | "excludeFromRunAll"
                | "promptEnv"
                | "terminalRows"
                | "category"
                | "mimeType" => {}
                _ => {
                    return Err(err(
                        l,
                        c,
                        format!(
                            "unknown attribute `{key}` (expected readonly, destructive, confirm=, timeout=, eta=, rollback=, id=)"
                        ),
                    ));
                }
            }
        }
    }
    if attrs.id.is_none() {
        attrs.id = runme_name;
    }
    if attrs.readonly && attrs.destructive {
        let (l, c) = attr_pos(raw, lines, 0);
        return Err(err(l, c, "a block cannot be both readonly and destructive".into()));
    }
    let mode = mode_of(&lang).unwrap_or(Mode::Console);
    let extracted = transcript::extract(&raw.literal, mode);
    let script = extracted.script;
    let first = raw.line + 1;
    let commands: Vec<CommandLine> = extracted
        .commands
        .into_iter()
        .map(|c| CommandLine {
            line: first + c.line,
            prompt: c.prompt,
            context: c.client.as_ref().map_or("shell", |cl| cl.context()).to_string(),
            text: c.text,
        })
        .collect();
    let mut placeholders: Vec<Placeholder> = Vec::new();
    for f in extracted.placeholders {
        if !placeholders.iter().any(|p| p.env == f.env) {
            placeholders.push(Placeholder { text: f.text, env: f.env, style: f.style, line: first + f.line });
        }
    }
    // A runbook written for opsdeck declares its parameters: a variable it leaves
    // undeclared comes from the environment (and `opsdeck check` says so). Only plain
    // Markdown runbooks get their unassigned variables asked for.
    let known: Vec<String> = params.iter().map(|p| p.env_name()).collect();
    let undefined = if has_front_matter { vec![] } else { placeholder::undefined_variables(&script, &known) };
    for (name, l) in undefined {
        placeholders.push(Placeholder {
            text: format!("${name}"),
            env: name,
            style: PlaceholderStyle::Variable,
            line: first + l,
        });
    }
    let (verdict, why) = if extracted.kind == BlockKind::NoCommandFound {
        (
            Safety::Unknown,
            "no command found: the block's commands cannot be told from its output (runs as written; unknown, treated as destructive)".to_string(),
        )
    } else {
        classify::classify(&script)
    };
    let (safety, reason) = if attrs.destructive {
        (Safety::Destructive, "marked destructive".to_string())
    } else if attrs.confirm.is_some() && verdict == Safety::ReadOnly {
        (Safety::Destructive, "confirm= asks for a confirmation".to_string())
    } else if attrs.readonly && verdict != Safety::ReadOnly {
        (verdict, format!("marked readonly, but the classifier disagrees: {why}"))
    } else if attrs.readonly {
        (Safety::ReadOnly, format!("marked readonly ({why})"))
    } else {
        (verdict, why)
    };
    Ok(Block {
        line: raw.line,
        lang,
        kind: extracted.kind,
        script,
        commands,
        placeholders,
        attrs,
        safety,
        reason,
    })
}

pub(super) fn build_verify(raw: &RawCode, lines: &[&str], err: &ErrFn) -> Result<VerifyBlock, RunbookError> {
    let mut hold_for = Duration::ZERO;
    let mut timeout = Duration::from_secs(300);
    for (key, value, off) in tokens(attr_text(&raw.info).unwrap_or("")) {
        let (l, c) = attr_pos(raw, lines, off);
        let dur = |v: &Option<String>| -> Result<Duration, RunbookError> {
            let v = v.clone().unwrap_or_default();
            duration::parse(&v).map_err(|e| err(l, c, format!("attribute `{key}`: {e}")))
        };
        match key.as_str() {
            "verify" => {}
            "for" => hold_for = dur(&value)?,
            "timeout" => timeout = dur(&value)?,
            _ => {
                return Err(err(
                    l,
                    c,
                    format!("unknown attribute `{key}` on a promql block (expected verify, for=, timeout=)"),
                ));
            }
        }
    }
    let query = raw.literal.trim().to_string();
    if query.is_empty() {
        return Err(err(raw.line, raw.col, "empty promql verify block".into()));
    }
    Ok(VerifyBlock { line: raw.line, query, hold_for, timeout })
}
