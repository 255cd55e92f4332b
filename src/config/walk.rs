//! Typed access to a spanned TOML document that records every problem instead of stopping
//! at the first: each getter returns `None` and notes an error at the offending key or
//! value when the shape is wrong. `validate` describes the config schema with these.
use std::ops::Range;
use std::time::Duration;

use toml_edit::{Item, TableLike, Value};

use super::load::{ConfigError, line_col};

pub type Span = Option<Range<usize>>;

/// Collects errors against one file.
pub struct Diag<'a> {
    text: &'a str,
    file: &'a str,
    pub errors: Vec<ConfigError>,
    /// The checks only `opsdeck check` makes.
    pub checks: Checks,
}

/// What `opsdeck check` verifies beyond what every command needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    /// Parse every query bound for a [[prometheus]] source as PromQL.
    pub promql: bool,
    /// Check that `theme` names a built-in theme or a file in these folders.
    pub theme_dirs: Option<Vec<std::path::PathBuf>>,
}

impl<'a> Diag<'a> {
    pub fn new(text: &'a str, file: &'a str) -> Self {
        Diag { text, file, errors: Vec::new(), checks: Checks::default() }
    }

    /// The document's text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and column of the start of `span` (1:1 when unknown).
    pub fn place(&self, span: &Span) -> (usize, usize) {
        span.as_ref().map(|s| line_col(self.text, s.start)).unwrap_or((1, 1))
    }

    /// Records `message` at the start of `span`.
    pub fn at(&mut self, span: &Span, message: impl Into<String>) {
        let (line, column) = self.place(span);
        self.errors.push(ConfigError { file: self.file.to_string(), line, column, message: message.into() });
    }

    /// Errors in file order, each once.
    pub fn finish(mut self) -> Vec<ConfigError> {
        self.errors.sort_by_key(|e| (e.line, e.column));
        self.errors.dedup();
        self.errors
    }
}

/// A table (header or inline) with a name for messages (`[[prometheus]]`, `[defaults]`)
/// and the place to point at when a required key is missing.
#[derive(Clone, Copy)]
pub struct Tbl<'t> {
    pub t: &'t dyn TableLike,
    pub what: &'t str,
    pub span: &'t Span,
}

/// Where a key/value pair sits: the key's span and the value's span.
pub struct Entry<'t> {
    pub key_span: Span,
    pub value_span: Span,
    pub item: &'t Item,
}

impl<'t> Tbl<'t> {
    pub fn entry(&self, key: &str) -> Option<Entry<'t>> {
        let (k, item) = self.t.get_key_value(key)?;
        if item.is_none() {
            return None;
        }
        let value_span = item.span().or_else(|| k.span());
        Some(Entry { key_span: k.span(), value_span, item })
    }
}

/// Refuses keys not in `expected`, naming the expected ones (and the nearest, if close).
pub fn known_keys(d: &mut Diag, tbl: Tbl, expected: &[&str]) {
    for (key, _) in tbl.t.iter() {
        if expected.contains(&key) {
            continue;
        }
        let span = tbl.t.get_key_value(key).and_then(|(k, _)| k.span());
        let hint = nearest(key, expected).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
        let list = if expected.is_empty() { "none".to_string() } else { expected.join(", ") };
        d.at(&span, format!("unknown key `{key}` in {}{hint}; expected: {list}", tbl.what));
    }
}

/// The expected key within edit distance 2 of `key`, if any.
pub fn nearest<'e>(key: &str, expected: &[&'e str]) -> Option<&'e str> {
    expected.iter().map(|e| (levenshtein(key, e), *e)).filter(|(dist, _)| *dist <= 2).min().map(|(_, e)| e)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn value(item: &Item) -> Option<&Value> {
    item.as_value()
}

fn type_word(item: &Item) -> &'static str {
    match item {
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a float",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date-time",
        Item::Value(Value::Array(_)) | Item::ArrayOfTables(_) => "an array",
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::None => "nothing",
    }
}

/// Notes a missing required key at the table.
pub fn missing(d: &mut Diag, tbl: Tbl, key: &str, expected: &str) {
    d.at(tbl.span, format!("{} is missing `{key}` ({expected})", tbl.what));
}

/// A string value. `required` notes its absence.
pub fn string(d: &mut Diag, tbl: Tbl, key: &str, required: bool) -> Option<(String, Span)> {
    let Some(e) = tbl.entry(key) else {
        if required {
            missing(d, tbl, key, "a string");
        }
        return None;
    };
    match value(e.item).and_then(Value::as_str) {
        Some(s) => Some((s.to_string(), e.value_span)),
        None => {
            d.at(&e.value_span, format!("`{key}` must be a string, found {}", type_word(e.item)));
            None
        }
    }
}

/// A non-empty string (a name or a query).
pub fn nonempty(d: &mut Diag, tbl: Tbl, key: &str, required: bool) -> Option<(String, Span)> {
    let (s, span) = string(d, tbl, key, required)?;
    if s.trim().is_empty() {
        d.at(&span, format!("`{key}` must not be empty"));
        return None;
    }
    Some((s, span))
}

/// A duration written as a string (`5s`, `2m`, `1h30m`), greater than zero.
pub fn duration(d: &mut Diag, tbl: Tbl, key: &str, required: bool) -> Option<(Duration, Span)> {
    let Some(e) = tbl.entry(key) else {
        if required {
            missing(d, tbl, key, "a duration such as \"5s\"");
        }
        return None;
    };
    let Some(s) = value(e.item).and_then(Value::as_str) else {
        d.at(
            &e.value_span,
            format!("`{key}` must be a duration string such as \"5s\", found {}", type_word(e.item)),
        );
        return None;
    };
    match crate::util::duration::parse(s) {
        Ok(dur) if dur.is_zero() => {
            d.at(&e.value_span, format!("`{key}` must be longer than zero"));
            None
        }
        Ok(dur) => Some((dur, e.value_span)),
        Err(msg) => {
            d.at(&e.value_span, format!("`{key}`: {msg}"));
            None
        }
    }
}

/// A number (integer or float).
pub fn number(d: &mut Diag, tbl: Tbl, key: &str) -> Option<(f64, Span)> {
    let e = tbl.entry(key)?;
    match value(e.item) {
        Some(Value::Float(f)) if f.value().is_finite() => Some((*f.value(), e.value_span)),
        Some(Value::Integer(i)) => Some((*i.value() as f64, e.value_span)),
        _ => {
            d.at(&e.value_span, format!("`{key}` must be a finite number, found {}", type_word(e.item)));
            None
        }
    }
}

pub fn boolean(d: &mut Diag, tbl: Tbl, key: &str) -> Option<(bool, Span)> {
    let e = tbl.entry(key)?;
    match value(e.item).and_then(Value::as_bool) {
        Some(b) => Some((b, e.value_span)),
        None => {
            d.at(&e.value_span, format!("`{key}` must be true or false, found {}", type_word(e.item)));
            None
        }
    }
}

/// An array of strings.
pub fn string_list(d: &mut Diag, tbl: Tbl, key: &str) -> Option<Vec<(String, Span)>> {
    let e = tbl.entry(key)?;
    let Some(arr) = value(e.item).and_then(Value::as_array) else {
        d.at(&e.value_span, format!("`{key}` must be an array of strings, found {}", type_word(e.item)));
        return None;
    };
    let mut out = Vec::new();
    for v in arr.iter() {
        match v.as_str() {
            Some(s) => out.push((s.to_string(), v.span())),
            None => d.at(&v.span(), format!("`{key}` must hold strings, found {}", v.type_name())),
        }
    }
    Some(out)
}

/// A sub-table, written as `[section]` or inline `{ ... }`.
pub fn table<'t>(d: &mut Diag, tbl: Tbl<'t>, key: &str) -> Option<(&'t dyn TableLike, Span)> {
    let e = tbl.entry(key)?;
    match e.item.as_table_like() {
        Some(t) => Some((t, e.value_span.or(e.key_span))),
        None => {
            d.at(&e.value_span, format!("`{key}` must be a table, found {}", type_word(e.item)));
            None
        }
    }
}

/// An array of tables, written as `[[key]]` blocks or `key = [{ ... }, ...]`.
pub fn tables<'t>(d: &mut Diag, tbl: Tbl<'t>, key: &str) -> Vec<(&'t dyn TableLike, Span)> {
    let Some(e) = tbl.entry(key) else { return Vec::new() };
    match e.item {
        Item::ArrayOfTables(a) => {
            a.iter().map(|t| (t as &dyn TableLike, t.span().or(e.key_span.clone()))).collect()
        }
        Item::Value(Value::Array(a)) => {
            let mut out = Vec::new();
            for v in a.iter() {
                match v.as_inline_table() {
                    Some(t) => out.push((t as &dyn TableLike, v.span())),
                    None => d.at(&v.span(), format!("`{key}` must hold tables, found {}", v.type_name())),
                }
            }
            out
        }
        other => {
            d.at(
                &e.value_span,
                format!(
                    "`{key}` must be an array of tables (`[[{key}]]` blocks), found {}",
                    type_word(other)
                ),
            );
            Vec::new()
        }
    }
}

/// A table of string values (`headers`, the priority `map`), with each value's span.
pub fn string_map(d: &mut Diag, tbl: Tbl, key: &str) -> Vec<(String, Span, String, Span)> {
    let Some((t, _)) = table(d, tbl, key) else { return Vec::new() };
    let mut out = Vec::new();
    for (k, item) in t.iter() {
        let key_span = t.get_key_value(k).and_then(|(k, _)| k.span());
        match item.as_str() {
            Some(v) => out.push((k.to_string(), key_span, v.to_string(), item.span())),
            None => d.at(&item.span(), format!("`{key}.{k}` must be a string, found {}", type_word(item))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_key() {
        assert_eq!(nearest("urll", &["name", "url"]), Some("url"));
        assert_eq!(nearest("wholly_different", &["name", "url"]), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
