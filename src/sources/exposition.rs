//! Our own parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0
//! (DESIGN.md section 1: `prometheus-parse` drops names with `:` and mangles label values).
//!
//! Handles: names with `:`; quoted label values with `\\`, `\"`, `\n` escapes and any of
//! `,` `=` `}` `#` inside; a trailing comma in a label set; quoted UTF-8 names inside the
//! braces (`{"my.metric", "a.b"="v"}`); `# HELP`, `# TYPE`, `# UNIT`; histograms, summaries
//! and the OpenMetrics suffixes (`_total`, `_created`, `_bucket`, `_gcount`, ...);
//! timestamps (integer milliseconds in text 0.0.4, float seconds in OpenMetrics);
//! exemplars after ` # `; `# EOF`; `NaN`, `+Inf`, `-Inf`, `Inf`. Never panics.
use std::collections::BTreeMap;
use std::fmt;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Prometheus text 0.0.4: timestamps in integer milliseconds.
    Text,
    /// OpenMetrics 1.0: timestamps in float seconds, ends with `# EOF`.
    OpenMetrics,
}

impl Format {
    /// The format named by a response's `Content-Type`.
    pub fn from_content_type(ct: &str) -> Format {
        if ct.trim_start().to_ascii_lowercase().starts_with("application/openmetrics-text") {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
    /// OpenMetrics `unknown`, text `untyped`, or no TYPE line.
    Untyped,
}

impl MetricType {
    fn parse(s: &str) -> Option<MetricType> {
        Some(match s {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "summary" => MetricType::Summary,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            "untyped" | "unknown" => MetricType::Untyped,
            _ => return None,
        })
    }

    /// Sample-name suffixes a family of this type may use.
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total", "_created"],
            MetricType::Histogram => &["_bucket", "_sum", "_count", "_created"],
            MetricType::GaugeHistogram => &["_bucket", "_gsum", "_gcount"],
            MetricType::Summary => &["_sum", "_count", "_created"],
            MetricType::Info => &["_info"],
            _ => &[],
        }
    }
}

/// An exemplar attached to a sample (`... # {trace_id="abc"} 0.5 123`).
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    pub labels: Labels,
    pub value: f64,
    /// Unix seconds.
    pub timestamp: Option<f64>,
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct ScrapedSample {
    /// The sample's own name (`http_requests_total`, `x_bucket`), not the family's.
    pub name: String,
    pub labels: Labels,
    pub value: f64,
    /// Unix seconds (text-format milliseconds are converted).
    pub timestamp: Option<f64>,
    pub exemplar: Option<Exemplar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricFamily {
    pub name: String,
    pub kind: MetricType,
    pub help: Option<String>,
    pub unit: Option<String>,
    pub samples: Vec<ScrapedSample>,
}

/// A parse error with its 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} column {column}: {message}")]
pub struct ExpositionError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses either format; OpenMetrics is recognised by its `# EOF` line.
pub fn parse(text: &str) -> Result<Vec<MetricFamily>, ExpositionError> {
    let om = text.lines().any(|l| l.trim_end() == "# EOF");
    parse_as(text, if om { Format::OpenMetrics } else { Format::Text })
}

/// Every sample of every family, in order (the flat view).
pub fn parse_samples(text: &str) -> Result<Vec<ScrapedSample>, ExpositionError> {
    Ok(flatten(parse(text)?))
}

pub fn flatten(families: Vec<MetricFamily>) -> Vec<ScrapedSample> {
    families.into_iter().flat_map(|f| f.samples).collect()
}

/// Parses `text` as the given format.
pub fn parse_as(text: &str, format: Format) -> Result<Vec<MetricFamily>, ExpositionError> {
    let mut families: Vec<MetricFamily> = Vec::new();
    let mut seen_eof = false;
    for (i, raw) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if seen_eof {
            if line.trim().is_empty() {
                continue;
            }
            return Err(ExpositionError { line: lineno, column: 1, message: "content after `# EOF`".into() });
        }
        if line.trim().is_empty() {
            continue;
        }
        let mut p = Cursor { line, pos: 0, lineno };
        p.skip_ws();
        if p.peek() == Some('#') {
            if line.trim_end() == "# EOF" {
                seen_eof = true;
                continue;
            }
            parse_meta(&mut p, &mut families)?;
            continue;
        }
        let sample = parse_sample(&mut p, format)?;
        attach(&mut families, sample);
    }
    Ok(families)
}

/// Adds a sample to the current family if its name belongs to it, else opens an untyped one.
fn attach(families: &mut Vec<MetricFamily>, sample: ScrapedSample) {
    if let Some(f) = families.last_mut()
        && belongs(f, &sample.name)
    {
        f.samples.push(sample);
        return;
    }
    // A later family of the same name (non-contiguous lines) still collects it.
    if let Some(f) = families.iter_mut().rev().find(|f| belongs(f, &sample.name)) {
        f.samples.push(sample);
        return;
    }
    families.push(MetricFamily {
        name: sample.name.clone(),
        kind: MetricType::Untyped,
        help: None,
        unit: None,
        samples: vec![sample],
    });
}

fn belongs(f: &MetricFamily, name: &str) -> bool {
    if name == f.name {
        return true;
    }
    match name.strip_prefix(f.name.as_str()) {
        Some(rest) => f.kind.suffixes().contains(&rest),
        None => false,
    }
}

/// Returns the family named `name`, creating it at the end (metadata opens a family).
fn family<'a>(families: &'a mut Vec<MetricFamily>, name: &str) -> &'a mut MetricFamily {
    let idx = match families.iter().rposition(|f| f.name == name) {
        Some(i) => i,
        None => {
            families.push(MetricFamily {
                name: name.to_string(),
                kind: MetricType::Untyped,
                help: None,
                unit: None,
                samples: Vec::new(),
            });
            families.len() - 1
        }
    };
    &mut families[idx]
}

fn parse_meta(p: &mut Cursor, families: &mut Vec<MetricFamily>) -> Result<(), ExpositionError> {
    p.bump(); // '#'
    if !p.eat(' ') {
        return Ok(()); // `#comment`
    }
    p.skip_ws();
    let keyword_start = p.pos;
    while let Some(c) = p.peek() {
        if c == ' ' || c == '\t' {
            break;
        }
        p.bump();
    }
    let keyword = &p.line[keyword_start..p.pos];
    if !matches!(keyword, "HELP" | "TYPE" | "UNIT") {
        return Ok(()); // a comment
    }
    p.skip_ws();
    let name = if p.peek() == Some('"') { p.quoted()? } else { p.metric_name()? };
    let rest_start = p.pos;
    if !p.at_end() && !p.eat(' ') && !p.eat('\t') {
        return Err(p.error("expected a space after the metric name"));
    }
    let rest = &p.line[p.pos.max(rest_start)..];
    match keyword {
        "HELP" => family(families, &name).help = Some(unescape_help(rest)),
        "UNIT" => family(families, &name).unit = Some(rest.trim().to_string()),
        _ => {
            let t = rest.trim();
            let kind = MetricType::parse(t).ok_or_else(|| {
                p.error(&format!(
                    "unknown metric type `{t}` (expected counter, gauge, histogram, summary, untyped, ...)"
                ))
            })?;
            let f = family(families, &name);
            if !f.samples.is_empty() && f.kind != kind {
                return Err(p.error(&format!("TYPE for `{name}` after its samples")));
            }
            f.kind = kind;
        }
    }
    Ok(())
}

fn unescape_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_sample(p: &mut Cursor, format: Format) -> Result<ScrapedSample, ExpositionError> {
    let mut name = if p.peek() == Some('{') { None } else { Some(p.metric_name()?) };
    let mut labels = Labels::new();
    if p.peek() == Some('{') {
        let quoted_name = p.label_set(&mut labels, name.is_none())?;
        if name.is_none() {
            name = quoted_name;
        }
    }
    let name = name.ok_or_else(|| p.error("expected a metric name"))?;
    if !p.skip_ws() {
        return Err(p.error("expected a space before the value"));
    }
    let value = p.value()?;
    let mut timestamp = None;
    let had_ws = p.skip_ws();
    if had_ws && !p.at_end() && p.peek() != Some('#') {
        timestamp = Some(p.timestamp(format)?);
        p.skip_ws();
    }
    let mut exemplar = None;
    if p.peek() == Some('#') {
        p.bump();
        p.skip_ws();
        if p.peek() != Some('{') {
            return Err(p.error("expected `{` to start an exemplar's labels"));
        }
        let mut ex_labels = Labels::new();
        p.label_set(&mut ex_labels, false)?;
        if !p.skip_ws() {
            return Err(p.error("expected a space before the exemplar value"));
        }
        let ex_value = p.value()?;
        let mut ex_ts = None;
        if p.skip_ws() && !p.at_end() {
            ex_ts = Some(p.timestamp(Format::OpenMetrics)?);
            p.skip_ws();
        }
        exemplar = Some(Exemplar { labels: ex_labels, value: ex_value, timestamp: ex_ts });
    }
    if !p.at_end() {
        return Err(p.error("unexpected text after the sample"));
    }
    Ok(ScrapedSample { name, labels, value, timestamp, exemplar })
}

/// Parses a sample value: Go float syntax plus `NaN`, `+Inf`, `-Inf`, `Inf`.
pub fn parse_float(s: &str) -> Option<f64> {
    match s {
        "NaN" | "nan" => return Some(f64::NAN),
        "+Inf" | "Inf" | "+inf" | "inf" => return Some(f64::INFINITY),
        "-Inf" | "-inf" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // Rust also accepts "infinity" and "nan" in other cases; Go does too. Reject only
    // what neither accepts.
    if s.is_empty() || s.contains('_') {
        return None;
    }
    s.parse::<f64>().ok()
}

struct Cursor<'a> {
    line: &'a str,
    pos: usize,
    lineno: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.line[self.pos..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn at_end(&self) -> bool {
        self.pos >= self.line.len()
    }
    /// Skips spaces and tabs; true if any were skipped.
    fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
        self.pos > start
    }
    fn error(&self, message: &str) -> ExpositionError {
        let column = self.line[..self.pos.min(self.line.len())].chars().count() + 1;
        ExpositionError { line: self.lineno, column, message: message.to_string() }
    }

    fn ident(&mut self, colon: bool) -> Option<String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let ok = c.is_ascii_alphabetic()
                || c == '_'
                || (colon && c == ':')
                || (self.pos > start && c.is_ascii_digit());
            if !ok {
                break;
            }
            self.pos += 1;
        }
        (self.pos > start).then(|| self.line[start..self.pos].to_string())
    }

    fn metric_name(&mut self) -> Result<String, ExpositionError> {
        self.ident(true).ok_or_else(|| self.error("expected a metric name"))
    }

    /// A double-quoted string with `\\`, `\"`, `\n` escapes; other escapes are kept as
    /// written (`\z` stays `\z`).
    fn quoted(&mut self) -> Result<String, ExpositionError> {
        if !self.eat('"') {
            return Err(self.error("expected `\"`"));
        }
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unterminated quoted string")),
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('\\') => out.push('\\'),
                    Some('"') => out.push('"'),
                    Some(o) => {
                        out.push('\\');
                        out.push(o);
                    }
                    None => return Err(self.error("unterminated quoted string")),
                },
                Some(c) => out.push(c),
            }
        }
    }

    /// `{name="value",...}`. With `allow_name`, a bare quoted string is the metric name
    /// (the UTF-8 form) and is returned.
    fn label_set(
        &mut self,
        labels: &mut Labels,
        allow_name: bool,
    ) -> Result<Option<String>, ExpositionError> {
        self.bump(); // '{'
        let mut metric_name = None;
        loop {
            self.skip_ws();
            if self.eat('}') {
                return Ok(metric_name);
            }
            let name_col = self.pos;
            let name = if self.peek() == Some('"') {
                self.quoted()?
            } else {
                self.ident(false).ok_or_else(|| self.error("expected a label name or `}`"))?
            };
            self.skip_ws();
            if self.peek() != Some('=') {
                let was_quoted = self.line[name_col..].starts_with('"');
                if was_quoted
                    && allow_name
                    && metric_name.is_none()
                    && matches!(self.peek(), Some(',') | Some('}'))
                {
                    metric_name = Some(name);
                } else {
                    return Err(self.error("expected `=` after the label name"));
                }
            } else {
                self.bump();
                self.skip_ws();
                let value = self.quoted()?;
                if labels.contains_key(&name) {
                    return Err(self.error(&format!("duplicate label `{name}`")));
                }
                labels.insert(name, value);
            }
            self.skip_ws();
            if self.eat(',') {
                continue;
            }
            if self.eat('}') {
                return Ok(metric_name);
            }
            return Err(self.error("expected `,` or `}` after a label"));
        }
    }

    fn token(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' {
                break;
            }
            self.pos += c.len_utf8();
        }
        &self.line[start..self.pos]
    }

    fn value(&mut self) -> Result<f64, ExpositionError> {
        let start = self.pos;
        let tok = self.token().to_string();
        parse_float(&tok).ok_or_else(|| {
            self.pos = start;
            self.error(&format!("`{tok}` is not a number"))
        })
    }

    fn timestamp(&mut self, format: Format) -> Result<f64, ExpositionError> {
        let start = self.pos;
        let tok = self.token().to_string();
        let parsed = match format {
            Format::Text => tok.parse::<i64>().map(|ms| ms as f64 / 1000.0).ok(),
            Format::OpenMetrics => parse_float(&tok).filter(|v| v.is_finite()),
        };
        parsed.ok_or_else(|| {
            self.pos = start;
            self.error(&format!("`{tok}` is not a timestamp"))
        })
    }
}

// ---- selectors ---------------------------------------------------------------------------

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

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::GaugeHistogram => "gaugehistogram",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::Untyped => "untyped",
        };
        f.write_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_colons_and_hard_label_values() {
        let text = "job:http_requests:rate5m{path=\"/a,b\",q=\"x=y\",b=\"}\",h=\"# not a comment\"} 12.5\n";
        let s = parse_samples(text).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "job:http_requests:rate5m");
        assert_eq!(s[0].labels["path"], "/a,b");
        assert_eq!(s[0].labels["q"], "x=y");
        assert_eq!(s[0].labels["b"], "}");
        assert_eq!(s[0].labels["h"], "# not a comment");
        assert_eq!(s[0].value, 12.5);
    }

    #[test]
    fn tolerates_trailing_comma_inf_and_uppercase_exponent() {
        let s = parse_samples("go_memstats{area=\"heap\",} 1.5E+06\nx Inf\ny -Inf 1700000000000\n").unwrap();
        assert_eq!(s[0].labels["area"], "heap");
        assert_eq!(s[0].value, 1.5e6);
        assert_eq!(s[1].value, f64::INFINITY);
        assert_eq!(s[2].value, f64::NEG_INFINITY);
        assert_eq!(s[2].timestamp, Some(1_700_000_000.0));
    }

    #[test]
    fn errors_carry_line_and_column() {
        let e = parse("ok 1\nbad{a=\"x\" 2\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 11));
        assert!(e.message.contains("`,` or `}`"), "{e}");
        let e = parse("x abc\n").unwrap_err();
        assert_eq!((e.line, e.column, e.message.as_str()), (1, 3, "`abc` is not a number"));
        let e = parse("x{a=\"unterminated} 1\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn quoted_utf8_names_are_tolerated() {
        let s = parse_samples("{\"my.metric\", \"label.with.dots\"=\"v\"} 3\n").unwrap();
        assert_eq!(s[0].name, "my.metric");
        assert_eq!(s[0].labels["label.with.dots"], "v");
    }

    #[test]
    fn selectors_match_like_prometheus() {
        let samples = parse_samples(
            "r{path=\"/a,b\",code=\"500\"} 1\nr{path=\"/a,b\",code=\"503\"} 2\nr{path=\"/c\",code=\"500\"} 4\nr{path=\"/a,b\",code=\"200\"} 8\n",
        )
        .unwrap();
        let sum = |s: &str| sum_matching(&samples, &Selector::parse(s).unwrap());
        assert_eq!(sum("r{path=\"/a,b\",code=~\"5..\"}"), Some(3.0));
        assert_eq!(sum("r{code!~\"5..\"}"), Some(8.0));
        assert_eq!(sum("r{code!=\"500\"}"), Some(10.0));
        assert_eq!(sum("r{code=~\"5\"}"), None, "regexes are anchored");
        assert_eq!(sum("r"), Some(15.0));
        assert_eq!(sum("{__name__=\"r\", path='/c'}"), Some(4.0));
        assert_eq!(sum("r{missing=\"\"}"), Some(15.0), "a missing label is the empty string");
        assert_eq!(sum("nothing"), None);
    }

    #[test]
    fn bad_selectors_say_where() {
        let e = Selector::parse("r{code=~\"(\"}").unwrap_err();
        assert!(e.message.contains("bad regex"), "{e}");
        let e = Selector::parse("sum(r)").unwrap_err();
        assert_eq!(e.column, 4);
        let e = Selector::parse("r{code~\"5\"}").unwrap_err();
        assert!(e.message.contains("expected `=`"), "{e}");
        assert!(Selector::parse("{}").is_err());
    }
}
