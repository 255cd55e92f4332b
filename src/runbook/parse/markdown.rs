//! The Markdown structure: headings, fenced blocks, callouts and prose, gathered into
//! sections (a section with a step block or a verify block is a step).
use comrak::nodes::{AstNode, NodeValue};

use super::attrs::{attr_text, lang_of, tokens};
use super::langs::{is_step_block, swallowed};
use crate::runbook::types::*;

pub(super) enum Item {
    Heading { level: u8, text: String, line: usize },
    Code { info: String, literal: String, line: usize, col: usize, closed: bool },
    Callout { kind: String, text: String },
    Prose { text: String },
}

pub(super) fn source(lines: &[&str], start: usize, end: usize) -> String {
    let s = start.max(1) - 1;
    let e = end.min(lines.len());
    if s >= e {
        return String::new();
    }
    lines[s..e].join("\n")
}

pub(super) fn inline_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Top-level items in document order; code blocks nested in lists or quotes are lifted
/// out after the item that holds them (their text stays in its prose).
pub(super) fn collect_items<'a>(root: &'a AstNode<'a>, lines: &[&str]) -> Vec<Item> {
    let mut items = Vec::new();
    for node in root.children() {
        let data = node.data();
        let pos = data.sourcepos;
        match &data.value {
            NodeValue::Heading(h) => {
                items.push(Item::Heading { level: h.level, text: inline_text(node), line: pos.start.line })
            }
            NodeValue::CodeBlock(cb) if cb.fenced => items.push(Item::Code {
                info: cb.info.clone(),
                literal: cb.literal.clone(),
                line: pos.start.line,
                col: pos.start.column,
                closed: cb.closed,
            }),
            NodeValue::Alert(a)
                if matches!(
                    a.alert_type,
                    comrak::nodes::AlertType::Caution | comrak::nodes::AlertType::Warning
                ) =>
            {
                let kind = a.alert_type.default_title().to_ascii_uppercase();
                let raw = source(lines, pos.start.line, pos.end.line);
                let text: Vec<String> = raw
                    .lines()
                    .map(|l| {
                        let l = l.trim_start();
                        let l = l.strip_prefix('>').unwrap_or(l);
                        l.strip_prefix(' ').unwrap_or(l).to_string()
                    })
                    .filter(|l| !l.trim().to_ascii_uppercase().starts_with("[!"))
                    .collect();
                items.push(Item::Callout { kind, text: text.join("\n").trim().to_string() });
            }
            NodeValue::FrontMatter(_) => {}
            _ => {
                let text = source(lines, pos.start.line, pos.end.line);
                if !text.trim().is_empty() {
                    items.push(Item::Prose { text });
                }
                drop(data);
                for d in node.descendants().skip(1) {
                    let dd = d.data();
                    if let NodeValue::CodeBlock(cb) = &dd.value
                        && cb.fenced
                    {
                        items.push(Item::Code {
                            info: cb.info.clone(),
                            literal: cb.literal.clone(),
                            line: dd.sourcepos.start.line,
                            col: dd.sourcepos.start.column,
                            closed: cb.closed,
                        });
                    }
                }
            }
        }
    }
    items
}

pub(super) struct RawCode {
    pub(super) info: String,
    pub(super) literal: String,
    pub(super) line: usize,
    pub(super) col: usize,
}

pub(super) struct Section {
    pub(super) title: String,
    pub(super) level: u8,
    pub(super) line: usize,
    pub(super) prose: Vec<String>,
    pub(super) callouts: Vec<Callout>,
    /// Whether the last item added was a callout (it may move to the next step).
    pub(super) trailing_callouts: usize,
    pub(super) blocks: Vec<RawCode>,
    pub(super) verify: Vec<RawCode>,
}

pub(super) fn sectionize(items: Vec<Item>, has_h2: bool, problems: &mut Vec<FenceProblem>) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let new = |title: String, level: u8, line: usize| Section {
        title,
        level,
        line,
        prose: vec![],
        callouts: vec![],
        trailing_callouts: 0,
        blocks: vec![],
        verify: vec![],
    };
    for item in items {
        match item {
            Item::Heading { level, text, line } if !has_h2 || level <= 2 => {
                sections.push(new(text, level, line))
            }
            other => {
                if sections.is_empty() {
                    let line = match &other {
                        Item::Code { line, .. } => *line,
                        _ => 1,
                    };
                    sections.push(new("Preamble".into(), 0, line));
                }
                let sec = sections.last_mut().expect("a section exists");
                match other {
                    Item::Heading { text, line, level } => {
                        sec.prose.push(format!("{} {text}", "#".repeat(level as usize)));
                        let _ = line;
                        sec.trailing_callouts = 0;
                    }
                    Item::Prose { text } => {
                        sec.prose.push(text);
                        sec.trailing_callouts = 0;
                    }
                    Item::Callout { kind, text } => {
                        sec.callouts.push(Callout { kind, text });
                        sec.trailing_callouts += 1;
                    }
                    Item::Code { info, literal, line, col, closed } => {
                        let lang = lang_of(&info);
                        if let Some(h) = swallowed(&literal, closed) {
                            let why = if closed {
                                "its closing fence is missing (the next block's fence closes it)"
                            } else {
                                "it is never closed and runs to the end of the file"
                            };
                            problems.push(FenceProblem {
                                line,
                                column: col,
                                message: format!(
                                    "this fence swallows the heading `{}` (line {}): {why}",
                                    h.1,
                                    line + 1 + h.0
                                ),
                            });
                        }
                        let raw = RawCode { info, literal, line, col };
                        if is_step_block(&lang, &raw.literal) {
                            sec.blocks.push(raw);
                        } else if lang == "promql"
                            && attr_text(&raw.info).is_some_and(|a| tokens(a).iter().any(|t| t.0 == "verify"))
                        {
                            sec.verify.push(raw);
                        } else {
                            sec.prose.push(format!("```{}\n{}```", raw.info, raw.literal));
                        }
                        sec.trailing_callouts = 0;
                    }
                }
            }
        }
    }
    // A callout that ends a section belongs to the next step.
    for i in 0..sections.len().saturating_sub(1) {
        let n = sections[i].trailing_callouts;
        let next_is_step = !sections[i + 1].blocks.is_empty() || !sections[i + 1].verify.is_empty();
        if n > 0 && next_is_step {
            let at = sections[i].callouts.len() - n;
            let moved: Vec<Callout> = sections[i].callouts.drain(at..).collect();
            sections[i + 1].callouts.splice(0..0, moved);
        }
    }
    sections
}
