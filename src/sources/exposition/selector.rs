//! Series selectors for raw `/metrics` scrapes (`name{label="v", other=~"re"}`) and
//! the sum over the samples they match.
use super::{ScrapedSample, cursor::Cursor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

#[derive(Debug, Clone)]
pub struct LabelMatcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    /// Anchored (`^(?:value)$`), for the regex operators.
    regex: Option<regex::Regex>,
}

impl LabelMatcher {
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Self, String> {
        let regex = match op {
            MatchOp::Regex | MatchOp::NotRegex => {
                Some(regex::Regex::new(&format!("^(?:{value})$")).map_err(|e| {
                    format!("bad regex for `{name}`: {}", e.to_string().lines().last().unwrap_or(""))
                })?)
            }
            _ => None,
        };
        Ok(LabelMatcher { name: name.to_string(), op, value: value.to_string(), regex })
    }

    /// A missing label matches as the empty string, as in Prometheus.
    pub fn matches(&self, value: Option<&str>) -> bool {
        let v = value.unwrap_or("");
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => v == self.value,
            (MatchOp::NotEqual, _) => v != self.value,
            (MatchOp::Regex, Some(r)) => r.is_match(v),
            (MatchOp::NotRegex, Some(r)) => !r.is_match(v),
            _ => false,
        }
    }
}

impl PartialEq for LabelMatcher {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name && self.op == o.op && self.value == o.value
    }
}

/// A PromQL instant-vector selector: `name{label="v", other=~"re"}`. The query language of
/// `[[scrape]]` sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    pub name: Option<String>,
    pub matchers: Vec<LabelMatcher>,
}

/// A selector parse error: what was expected, at which 1-based column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad selector at column {column}: {message}")]
pub struct SelectorError {
    pub column: usize,
    pub message: String,
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut p = Cursor { line: text, pos: 0, lineno: 1 };
        let err = |p: &Cursor, m: &str| SelectorError { column: p.error(m).column, message: m.to_string() };
        p.skip_ws();
        let name = if p.peek() == Some('{') {
            None
        } else {
            Some(p.ident(true).ok_or_else(|| err(&p, "expected a metric name or `{`"))?)
        };
        let mut matchers = Vec::new();
        p.skip_ws();
        if p.eat('{') {
            loop {
                p.skip_ws();
                if p.eat('}') {
                    break;
                }
                let lname = p.ident(false).ok_or_else(|| err(&p, "expected a label name or `}`"))?;
                p.skip_ws();
                let op = if p.line[p.pos..].starts_with("=~") {
                    MatchOp::Regex
                } else if p.line[p.pos..].starts_with("!~") {
                    MatchOp::NotRegex
                } else if p.line[p.pos..].starts_with("!=") {
                    MatchOp::NotEqual
                } else if p.line[p.pos..].starts_with('=') {
                    MatchOp::Equal
                } else {
                    return Err(err(&p, "expected `=`, `!=`, `=~` or `!~`"));
                };
                p.pos += if op == MatchOp::Equal { 1 } else { 2 };
                p.skip_ws();
                let value = promql_string(&mut p).map_err(|m| err(&p, &m))?;
                let start = p.pos;
                let m = LabelMatcher::new(&lname, op, &value).map_err(|m| {
                    let mut q = Cursor { line: text, pos: start, lineno: 1 };
                    q.pos = start;
                    err(&q, &m)
                })?;
                matchers.push(m);
                p.skip_ws();
                if p.eat(',') {
                    continue;
                }
                if p.eat('}') {
                    break;
                }
                return Err(err(&p, "expected `,` or `}`"));
            }
        }
        p.skip_ws();
        if !p.at_end() {
            return Err(err(
                &p,
                "unexpected text (a scrape source takes a selector, not a PromQL expression)",
            ));
        }
        let mut name = name;
        if name.is_none()
            && let Some(i) = matchers.iter().position(|m| m.name == "__name__" && m.op == MatchOp::Equal)
        {
            name = Some(matchers.remove(i).value);
        }
        if name.is_none() && matchers.iter().all(|m| m.matches(Some(""))) {
            return Err(SelectorError {
                column: 1,
                message: "a selector needs a metric name or a matcher that does not match everything".into(),
            });
        }
        Ok(Selector { name, matchers })
    }

    pub fn matches(&self, s: &ScrapedSample) -> bool {
        if let Some(n) = &self.name
            && *n != s.name
        {
            return false;
        }
        self.matchers.iter().all(|m| {
            if m.name == "__name__" {
                m.matches(Some(&s.name))
            } else {
                m.matches(s.labels.get(&m.name).map(String::as_str))
            }
        })
    }
}

/// A PromQL string literal: double or single quotes with Go escapes, or a raw backtick
/// string.
fn promql_string(p: &mut Cursor) -> Result<String, String> {
    let quote = match p.bump() {
        Some(q @ ('"' | '\'' | '`')) => q,
        _ => return Err("expected a quoted label value".into()),
    };
    let mut out = String::new();
    loop {
        match p.bump() {
            None => return Err("unterminated string".into()),
            Some(c) if c == quote => return Ok(out),
            Some('\\') if quote != '`' => match p.bump() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('\'') => out.push('\''),
                Some(o) => {
                    // Keep unknown escapes (e.g. `\.` in a regex) as written.
                    out.push('\\');
                    out.push(o);
                }
                None => return Err("unterminated string".into()),
            },
            Some(c) => out.push(c),
        }
    }
}

/// The sum of the values of the samples the selector matches; `None` when none match.
pub fn sum_matching(samples: &[ScrapedSample], selector: &Selector) -> Option<f64> {
    let mut it = samples.iter().filter(|s| selector.matches(s)).peekable();
    it.peek()?;
    Some(it.map(|s| s.value).sum())
}
