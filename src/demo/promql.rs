//! The small PromQL the simulator evaluates: the known queries of `queries::table()`
//! (matched whitespace-insensitively), raw selectors with `=`, `!=`, `=~`, `!~` matchers,
//! `sum|min|max|avg|count(...)`, `absent(...)`, parentheses, and a trailing comparison
//! with a number (`expr < 1`), which is what runbook verify blocks use. Anything else is a
//! `bad_data` error naming the query.
use std::sync::LazyLock;

use super::queries::{self, Measure, normalize, raw_series};
use super::sim::Frame;
use crate::domain::Labels;

pub type Vector = Vec<(Labels, f64)>;

/// A parsed query, evaluated once per instant (range queries parse once).
#[derive(Debug, Clone)]
pub enum Expr {
    /// A number literal: a scalar (`vector(1)` makes it a one-sample vector).
    Scalar(f64),
    Vector(f64),
    Known(Measure),
    Compare(Box<Expr>, &'static str, f64),
    Agg(&'static str, Box<Expr>),
    Select(String, Vec<M>),
}

/// Evaluates `query` at the frame's instant. `Err` is the message of a `bad_data` error.
///
/// Number literals (`1`) are scalars: callers answering an instant query check
/// `Expr::is_scalar` to send `resultType: scalar`.
pub fn evaluate(query: &str, f: &Frame) -> Result<Vector, String> {
    Ok(parse(query)?.eval(f))
}

/// Parses `query`; `Err` is the message of a `bad_data` error.
pub fn parse(query: &str) -> Result<Expr, String> {
    let q = query.trim();
    if q.is_empty() {
        return Err("invalid parameter \"query\": 1:1: parse error: no expression found in input".into());
    }
    check_balance(q)?;
    parse_expr(q).ok_or_else(|| {
        format!(
            "invalid parameter \"query\": the demo simulator does not know the query {q:?} \
             (it answers the demo config's queries and simple selectors of its own series)"
        )
    })
}

fn check_balance(q: &str) -> Result<(), String> {
    let mut depth: i32 = 0;
    let mut quote = None;
    for (i, c) in q.char_indices() {
        match (quote, c) {
            (Some(qc), c) if c == qc => quote = None,
            (Some(_), _) => {}
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '(') | (None, '{') | (None, '[') => depth += 1,
            (None, ')') | (None, '}') | (None, ']') => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!(
                        "invalid parameter \"query\": 1:{}: parse error: unexpected right parenthesis",
                        i + 1
                    ));
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        return Err(format!(
            "invalid parameter \"query\": 1:{}: parse error: unclosed left parenthesis",
            q.len()
        ));
    }
    Ok(())
}

/// The known queries, normalized once.
static KNOWN: LazyLock<Vec<(String, Measure)>> =
    LazyLock::new(|| queries::table().into_iter().map(|k| (normalize(&k.expr), k.measure)).collect());

fn parse_expr(q: &str) -> Option<Expr> {
    let q = q.trim();
    if let Ok(x) = q.parse::<f64>() {
        return Some(Expr::Scalar(x));
    }
    if let Some(Expr::Scalar(x)) = strip_call(q, "vector").and_then(parse_expr) {
        return Some(Expr::Vector(x));
    }
    let n = normalize(q);
    if let Some((_, m)) = KNOWN.iter().find(|(k, _)| *k == n) {
        return Some(Expr::Known(*m));
    }
    if let Some((lhs, op, rhs)) = split_comparison(q) {
        let op = ["<=", ">=", "==", "!=", "<", ">"].into_iter().find(|o| *o == op)?;
        return Some(Expr::Compare(Box::new(parse_expr(lhs)?), op, rhs));
    }
    if let Some(inner) = strip_call(q, "") {
        return parse_expr(inner);
    }
    for agg in ["sum", "min", "max", "avg", "count", "absent"] {
        if let Some(inner) = strip_call(q, agg) {
            return Some(Expr::Agg(agg, Box::new(parse_expr(inner)?)));
        }
    }
    parse_select(q)
}

impl Expr {
    pub fn is_scalar(&self) -> bool {
        matches!(self, Expr::Scalar(_))
    }

    pub fn eval(&self, f: &Frame) -> Vector {
        match self {
            Expr::Scalar(x) | Expr::Vector(x) => vec![(Labels::new(), *x)],
            Expr::Known(m) => queries::eval(*m, f),
            Expr::Compare(e, op, rhs) => {
                e.eval(f).into_iter().filter(|(_, x)| compare(*x, op, *rhs)).collect()
            }
            Expr::Agg(agg, e) => {
                let v = e.eval(f);
                if *agg == "absent" {
                    return if v.is_empty() { vec![(Labels::new(), 1.0)] } else { vec![] };
                }
                if v.is_empty() {
                    return vec![];
                }
                let xs = v.iter().map(|(_, x)| *x);
                let out = match *agg {
                    "sum" => xs.sum(),
                    "min" => xs.fold(f64::INFINITY, f64::min),
                    "max" => xs.fold(f64::NEG_INFINITY, f64::max),
                    "avg" => xs.sum::<f64>() / v.len() as f64,
                    _ => v.len() as f64,
                };
                vec![(Labels::new(), out)]
            }
            Expr::Select(name, matchers) => raw_series(f)
                .into_iter()
                .filter(|(n, labels, _)| n == name && matchers.iter().all(|m| m.matches(labels)))
                .map(|(n, mut labels, v)| {
                    labels.insert("__name__".into(), n);
                    (labels, v)
                })
                .collect(),
        }
    }
}

/// `name(inner)` -> inner, for the whole string only.
fn strip_call<'a>(q: &'a str, name: &str) -> Option<&'a str> {
    let rest = q.strip_prefix(name)?.trim_start();
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    // the closing paren must match the opening one
    let mut depth = 0;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    Some(inner)
}

fn split_comparison(q: &str) -> Option<(&str, &str, f64)> {
    let mut depth = 0;
    let mut quote = None;
    let bytes = q.as_bytes();
    let mut found = None;
    for (i, c) in q.char_indices() {
        match (quote, c) {
            (Some(qc), c) if c == qc => quote = None,
            (Some(_), _) => {}
            (None, '"') => quote = Some('"'),
            (None, '(') | (None, '{') | (None, '[') => depth += 1,
            (None, ')') | (None, '}') | (None, ']') => depth -= 1,
            (None, '<') | (None, '>') | (None, '=') | (None, '!') if depth == 0 => {
                let two = bytes.get(i + 1) == Some(&b'=');
                let op_len = if two { 2 } else { 1 };
                let op = &q[i..i + op_len];
                if ["<", ">", "<=", ">=", "==", "!="].contains(&op) && found.is_none() {
                    found = Some((i, op_len));
                }
            }
            _ => {}
        }
    }
    let (i, len) = found?;
    let rhs = q[i + len..].trim().strip_prefix("bool").unwrap_or(q[i + len..].trim()).trim();
    let value: f64 = rhs.parse().ok()?;
    Some((&q[..i], &q[i..i + len], value))
}

fn compare(x: f64, op: &str, y: f64) -> bool {
    match op {
        "<" => x < y,
        ">" => x > y,
        "<=" => x <= y,
        ">=" => x >= y,
        "==" => x == y,
        _ => x != y,
    }
}

/// A plain selector `name{label op "value", ...}` of one of the simulator's raw series.
fn parse_select(q: &str) -> Option<Expr> {
    let name_end = q.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(q.len());
    let (name, rest) = q.split_at(name_end);
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || !queries::RAW_NAMES.contains(&name)
    {
        return None;
    }
    let matchers = match rest.trim() {
        "" => vec![],
        r => parse_matchers(r.strip_prefix('{')?.strip_suffix('}')?)?,
    };
    Some(Expr::Select(name.to_string(), matchers))
}

#[derive(Debug, Clone)]
pub struct M {
    name: String,
    op: String,
    value: String,
}

impl M {
    fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.name).map(String::as_str).unwrap_or("");
        match self.op.as_str() {
            "=" => v == self.value,
            "!=" => v != self.value,
            op => {
                let hit = regex::Regex::new(&format!("^(?:{})$", self.value)).is_ok_and(|re| re.is_match(v));
                if op == "=~" { hit } else { !hit }
            }
        }
    }
}

fn parse_matchers(body: &str) -> Option<Vec<M>> {
    let mut out = Vec::new();
    let mut rest = body.trim();
    while !rest.is_empty() {
        let name_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
        let name = rest[..name_end].to_string();
        rest = rest[name_end..].trim_start();
        let op = ["=~", "!~", "!=", "="].into_iter().find(|op| rest.starts_with(op))?;
        rest = rest[op.len()..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => value.push(chars.next()?.1),
                '"' => break i,
                c => value.push(c),
            }
        };
        out.push(M { name, op: op.to_string(), value });
        rest = rest[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Some(out)
}
