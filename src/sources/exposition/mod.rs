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

mod cursor;
mod selector;

use cursor::Cursor;
pub use selector::{LabelMatcher, MatchOp, Selector, SelectorError, sum_matching};

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
