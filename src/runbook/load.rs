//! The seam between the runtime and the runbook format: finding and reading runbooks.
//!
//! INTERIM: the real parser, classifier and discovery are `runbook::parse` and
//! `runbook::discover` (branch `rbformat`). Until they are merged, this file holds a
//! deliberately conservative reader so the runtime can be used and tested end to end:
//! front matter, headings as steps, fenced blocks with Runme-style attributes, callouts.
//! It has NO classifier: a block without `readonly` is `Unknown`, i.e. treated as
//! destructive (the safe side). On merge, `load_file` and `find_all` delegate to the real
//! ones and this reader goes away.
use anyhow::{Context, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::types::*;
use crate::util::duration;

/// Reads and parses one runbook file.
pub fn load_file(path: &Path) -> anyhow::Result<Runbook> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8(bytes.clone()).with_context(|| format!("{}: not UTF-8", path.display()))?;
    let hash = super::journal::sha256_hex(&bytes);
    parse_text(path, &hash, &text)
}

/// Every `*.md` under the directories (recursively), sorted; skips `README.md`.
pub fn find_all(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md")
                && !p.file_name().is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        walk(d, &mut out);
    }
    out.sort();
    out
}

/// Resolves NAME: an existing file path, else a runbook whose file stem is NAME.
pub fn resolve(name: &str, dirs: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let p = Path::new(name);
    if p.is_file() {
        return Ok(p.to_path_buf());
    }
    let all = find_all(dirs);
    let hits: Vec<&PathBuf> = all.iter().filter(|f| f.file_stem().is_some_and(|s| s == name)).collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "no runbook named `{name}` in {} (try `opsdeck runbook list`)",
            dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
        many => bail!(
            "`{name}` is ambiguous: {}",
            many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
struct Front {
    title: Option<String>,
    intent: Option<String>,
    owner: Option<String>,
    eta: Option<String>,
    #[serde(default)]
    params: Vec<FrontParam>,
    #[serde(default)]
    allowed_groups: Vec<String>,
    justification: Option<FrontJustification>,
}

#[derive(Debug, Deserialize)]
struct FrontParam {
    name: String,
    #[serde(rename = "type", default)]
    kind: Option<ParamKind>,
    default: Option<serde_json::Value>,
    pattern: Option<String>,
    #[serde(default)]
    choices: Vec<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FrontJustification {
    #[serde(default = "yes")]
    required: bool,
    pattern: Option<String>,
}

fn yes() -> bool {
    true
}

fn parse_text(path: &Path, hash: &str, text: &str) -> anyhow::Result<Runbook> {
    let f = path.display();
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut front = Front::default();
    if lines.first().is_some_and(|l| l.trim_end() == "---") {
        let end = lines[1..]
            .iter()
            .position(|l| l.trim_end() == "---")
            .map(|i| i + 1)
            .with_context(|| format!("{f}:1:1: front matter without a closing ---"))?;
        let yaml = lines[1..end].join("\n");
        front = serde_saphyr::from_str(&yaml).map_err(|e| anyhow::anyhow!("{f}:2:1: front matter: {e}"))?;
        start = end + 1;
    }
    let any_h2 = lines[start..].iter().any(|l| heading(l).is_some_and(|(lvl, _)| lvl == 2));
    let mut steps: Vec<Step> = Vec::new();
    let mut title = front.title.clone();
    let mut cur: Option<Step> = None;
    let mut i = start;
    while i < lines.len() {
        let line = lines[i];
        if let Some((lvl, text)) = heading(line) {
            if lvl == 1 && title.is_none() {
                title = Some(text.to_string());
            }
            if (any_h2 && lvl == 2) || (!any_h2 && !(lvl == 1 && title.as_deref() == Some(text))) {
                if let Some(s) = cur.take() {
                    steps.push(s);
                }
                cur = Some(new_step(text, i + 1));
            }
            i += 1;
            continue;
        }
        let t = line.trim_start();
        if let Some(fence) = ["```", "~~~"].into_iter().find(|f| t.starts_with(f)) {
            let info = t.trim_start_matches(fence.chars().next().unwrap_or('`')).trim();
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim_start().starts_with(fence))
                .unwrap_or(lines.len());
            let body = lines[i + 1..end].join("\n");
            let (lang, attrs) = info.split_once(char::is_whitespace).unwrap_or((info, ""));
            let attrs = attrs.trim().trim_start_matches('{').trim_end_matches('}');
            let line_no = i + 1;
            match lang {
                "sh" | "bash" | "shell" | "console" => {
                    let script = if lang == "console" {
                        body.lines().filter_map(|l| l.strip_prefix("$ ")).collect::<Vec<_>>().join("\n")
                    } else {
                        body
                    };
                    let attrs = parse_attrs(attrs).with_context(|| format!("{f}:{line_no}:1"))?;
                    let (safety, reason) = if attrs.destructive {
                        (Safety::Destructive, "attribute `destructive`".to_string())
                    } else if attrs.readonly {
                        (Safety::ReadOnly, "attribute `readonly`".to_string())
                    } else {
                        (Safety::Unknown, "not classified: treated as destructive".to_string())
                    };
                    let step = cur.get_or_insert_with(|| new_step("(first step)", line_no));
                    if step.blocks.is_empty()
                        && let Some(id) = &attrs.id
                    {
                        step.id = id.clone();
                    }
                    step.blocks.push(Block {
                        line: line_no,
                        lang: lang.into(),
                        script: script + "\n",
                        attrs,
                        safety,
                        reason,
                    });
                }
                "promql" if attrs.split_whitespace().any(|w| w == "verify") => {
                    let mut hold_for = Duration::ZERO;
                    let mut timeout = Duration::from_secs(300);
                    for w in attrs.split_whitespace() {
                        if let Some(v) = w.strip_prefix("for=") {
                            hold_for =
                                duration::parse(v).map_err(|e| anyhow::anyhow!("{f}:{line_no}:1: {e}"))?;
                        }
                        if let Some(v) = w.strip_prefix("timeout=") {
                            timeout =
                                duration::parse(v).map_err(|e| anyhow::anyhow!("{f}:{line_no}:1: {e}"))?;
                        }
                    }
                    let step = cur.get_or_insert_with(|| new_step("(first step)", line_no));
                    step.verify.push(VerifyBlock {
                        line: line_no,
                        query: body.trim().to_string(),
                        hold_for,
                        timeout,
                    });
                }
                _ => {}
            }
            i = end + 1;
            continue;
        }
        if let Some(step) = cur.as_mut() {
            if let Some(kind) =
                ["CAUTION", "WARNING"].into_iter().find(|k| t.starts_with(&format!("> [!{k}]")))
            {
                let mut text = Vec::new();
                let mut j = i + 1;
                while j < lines.len() && lines[j].trim_start().starts_with('>') {
                    text.push(lines[j].trim_start().trim_start_matches('>').trim());
                    j += 1;
                }
                step.callouts.push(Callout { kind: kind.into(), text: text.join(" ") });
                i = j;
                continue;
            }
            step.prose.push_str(line);
            step.prose.push('\n');
        }
        i += 1;
    }
    if let Some(s) = cur.take() {
        steps.push(s);
    }
    steps.retain(|s| !s.blocks.is_empty() || !s.verify.is_empty());
    let params = front
        .params
        .into_iter()
        .map(|p| ParamSpec {
            name: p.name,
            kind: p.kind.unwrap_or(ParamKind::String),
            default: p.default.map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }),
            pattern: p.pattern,
            choices: p.choices,
            description: p.description,
        })
        .collect();
    Ok(Runbook {
        path: path.to_path_buf(),
        file_hash: hash.to_string(),
        title: title.unwrap_or_else(|| {
            path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        }),
        intent: front.intent,
        owner: front.owner,
        eta: front
            .eta
            .map(|e| duration::parse(&e))
            .transpose()
            .map_err(|e| anyhow::anyhow!("{f}: eta: {e}"))?,
        params,
        allowed_groups: front.allowed_groups,
        justification: front
            .justification
            .map(|j| JustificationSpec { required: j.required, pattern: j.pattern }),
        steps,
    })
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let lvl = line.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&lvl) && line[lvl..].starts_with(' ') {
        Some((lvl, line[lvl..].trim()))
    } else {
        None
    }
}

fn new_step(title: &str, line: usize) -> Step {
    let id: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    Step {
        id,
        title: title.to_string(),
        line,
        prose: String::new(),
        callouts: vec![],
        blocks: vec![],
        verify: vec![],
    }
}

/// `readonly destructive confirm=typed:cluster confirm=typed:"text" timeout=2m eta=1m
/// rollback=step id=x`.
fn parse_attrs(s: &str) -> anyhow::Result<BlockAttrs> {
    let mut a = BlockAttrs::default();
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    for w in words {
        let (k, v) = w.split_once('=').unwrap_or((&w, ""));
        match k {
            "readonly" => a.readonly = true,
            "destructive" => a.destructive = true,
            "confirm" => {
                a.confirm = Some(if v == "yes" {
                    Confirm::Yes
                } else if let Some(t) = v.strip_prefix("typed:\"").and_then(|t| t.strip_suffix('"')) {
                    Confirm::TypedText(t.to_string())
                } else if let Some(p) = v.strip_prefix("typed:") {
                    Confirm::TypedParam(p.to_string())
                } else {
                    bail!("confirm=`{v}`: expected yes, typed:<param> or typed:\"text\"")
                })
            }
            "timeout" => a.timeout = Some(duration::parse(v).map_err(anyhow::Error::msg)?),
            "eta" => a.eta = Some(duration::parse(v).map_err(anyhow::Error::msg)?),
            "rollback" => a.rollback = Some(v.to_string()),
            "id" => a.id = Some(v.to_string()),
            other => bail!("unknown attribute `{other}`"),
        }
    }
    Ok(a)
}
