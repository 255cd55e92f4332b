//! YAML front matter: title, intent, owner, eta, parameters, allowed groups,
//! justification; each error at its file line and column.
use serde::Deserialize;
use std::fmt;
use std::time::Duration;

use super::RunbookError;
use crate::runbook::types::*;
use crate::util::duration;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct FrontMatter {
    title: Option<String>,
    intent: Option<String>,
    owner: Option<String>,
    eta: Option<Scalar>,
    params: Vec<RawParam>,
    allowed_groups: Vec<String>,
    justification: Option<RawJustification>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawParam {
    name: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    default: Option<Scalar>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    choices: Vec<Scalar>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawJustification {
    #[serde(default)]
    required: Option<bool>,
    #[serde(default)]
    pattern: Option<String>,
}

/// A YAML scalar written as a string, number or boolean; kept as its text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

pub(super) type ErrFn<'a> = dyn Fn(usize, usize, String) -> RunbookError + 'a;

/// Splits off the front matter. The body keeps the file's line numbers (the front matter
/// lines become blank lines).
pub(super) fn front_matter(
    text: &str,
    lines: &[&str],
    err: &ErrFn,
) -> Result<(Option<(FrontMatter, usize)>, String), RunbookError> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Ok((None, text.to_string()));
    }
    let Some(close) = lines.iter().skip(1).position(|l| matches!(l.trim_end(), "---" | "...")).map(|p| p + 1)
    else {
        return Err(err(1, 1, "unterminated front matter: the `---` on line 1 has no closing `---`".into()));
    };
    let yaml = lines[1..close].join("\n");
    let fm: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        serde_saphyr::from_str(&yaml).map_err(|e| {
            let (line, col) =
                e.location().map(|l| (l.line() as usize, l.column() as usize)).unwrap_or((1, 1));
            let msg = e.without_snippet().to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).trim().to_string();
            err(line + 1, col.max(1), format!("front matter: {msg}"))
        })?
    };
    let mut body = "\n".repeat(close + 1);
    body.push_str(&lines[close + 1..].join("\n"));
    Ok((Some((fm, close)), body))
}

/// The first front-matter line (1-based file line, column) where `needle` appears.
pub(super) fn locate(lines: &[&str], end: usize, needle: &str) -> (usize, usize) {
    for (i, l) in lines.iter().enumerate().take(end).skip(1) {
        if let Some(c) = l.find(needle) {
            return (i + 1, c + 1);
        }
    }
    (1, 1)
}

pub(super) struct Meta {
    pub(super) title: Option<String>,
    pub(super) intent: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) eta: Option<Duration>,
    pub(super) params: Vec<ParamSpec>,
    pub(super) allowed_groups: Vec<String>,
    pub(super) justification: Option<JustificationSpec>,
}

impl Meta {
    pub(super) fn from_front_matter(
        fm: Option<&(FrontMatter, usize)>,
        lines: &[&str],
        err: &ErrFn,
    ) -> Result<Meta, RunbookError> {
        let Some((fm, end)) = fm else {
            return Ok(Meta {
                title: None,
                intent: None,
                owner: None,
                eta: None,
                params: vec![],
                allowed_groups: vec![],
                justification: None,
            });
        };
        let at = |needle: &str| locate(lines, *end, needle);
        let eta = match &fm.eta {
            None => None,
            Some(s) => Some(duration::parse(&s.to_string()).map_err(|e| {
                let (l, c) = at("eta:");
                err(l, c, format!("eta: {e}"))
            })?),
        };
        let mut params: Vec<ParamSpec> = Vec::new();
        for p in &fm.params {
            let (l, c) = {
                let (l, c) = at(&format!("name: {}", p.name));
                if l == 1 { at(&p.name) } else { (l, c) }
            };
            let fail = |m: String| err(l, c, format!("param `{}`: {m}", p.name));
            let valid_name = p.name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid_name {
                return Err(fail("a name is letters, digits, `_` and `-`, starting with a letter".into()));
            }
            if params.iter().any(|q| q.name == p.name) {
                return Err(fail("declared twice".into()));
            }
            let choices: Vec<String> = p.choices.iter().map(|s| s.to_string()).collect();
            let kind = match p.kind.as_deref() {
                None if !choices.is_empty() => ParamKind::Enum,
                None | Some("string") => ParamKind::String,
                Some("int") => ParamKind::Int,
                Some("enum") => ParamKind::Enum,
                Some("duration") => ParamKind::Duration,
                Some(other) => {
                    return Err(fail(format!(
                        "unknown type `{other}` (expected string, int, enum or duration)"
                    )));
                }
            };
            if kind == ParamKind::Enum && choices.is_empty() {
                return Err(fail("type enum needs `choices`".into()));
            }
            let re = match &p.pattern {
                Some(pat) => Some(regex::Regex::new(pat).map_err(|e| fail(format!("bad pattern: {e}")))?),
                None => None,
            };
            let default = p.default.as_ref().map(|d| d.to_string());
            if let Some(d) = &default {
                let bad = match kind {
                    ParamKind::Int => d.parse::<i64>().is_err().then(|| "is not an integer".to_string()),
                    ParamKind::Duration => duration::parse(d).err(),
                    _ => None,
                }
                .or_else(|| {
                    (!choices.is_empty() && !choices.contains(d))
                        .then(|| format!("is not one of {}", choices.join(", ")))
                })
                .or_else(|| {
                    re.as_ref().filter(|r| !r.is_match(d)).map(|r| format!("does not match {}", r.as_str()))
                });
                if let Some(why) = bad {
                    return Err(fail(format!("default `{d}` {why}")));
                }
            }
            params.push(ParamSpec {
                name: p.name.clone(),
                kind,
                default,
                pattern: p.pattern.clone(),
                choices,
                description: p.description.clone(),
            });
        }
        let justification = match &fm.justification {
            None => None,
            Some(j) => {
                if let Some(p) = &j.pattern {
                    regex::Regex::new(p).map_err(|e| {
                        let (l, c) = at("pattern:");
                        err(l, c, format!("justification: bad pattern: {e}"))
                    })?;
                }
                Some(JustificationSpec { required: j.required.unwrap_or(true), pattern: j.pattern.clone() })
            }
        };
        Ok(Meta {
            title: fm.title.clone(),
            intent: fm.intent.clone(),
            owner: fm.owner.clone(),
            eta,
            params,
            allowed_groups: fm.allowed_groups.clone(),
            justification,
        })
    }
}
