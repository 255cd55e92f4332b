//! Alertmanager matchers as people type them (amtool's and the API's syntax), and matching
//! them against label sets.
//!
//! Accepted: `name=value`, `name!=value`, `name=~regex`, `name!~regex`; values bare or in
//! double quotes (with `\"` and `\\` escapes); several separated by commas or spaces, and
//! optionally wrapped in `{...}` as in `{severity="critical", job=~"api.*"}`. A regex is
//! anchored at both ends, as Alertmanager anchors it. Label names are
//! `[a-zA-Z_][a-zA-Z0-9_]*`.
use super::label_set::LabelSet;
use super::silence::Matcher;

/// Parses one or more matchers; the error says what is wrong and where.
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let t = text.trim();
    let inner = match (t.strip_prefix('{'), t.ends_with('}')) {
        (Some(rest), true) => &rest[..rest.len() - 1],
        (Some(_), false) => return Err("`{` is not closed with `}`".into()),
        (None, _) => t,
    };
    let mut out = Vec::new();
    let mut rest = inner.trim_start_matches([' ', ',']);
    while !rest.is_empty() {
        let (m, after) = parse_one(rest)?;
        out.push(m);
        rest = after.trim_start_matches([' ', ',', '\t']);
    }
    if out.is_empty() {
        return Err("no matcher given (expected e.g. alertname=\"DiskFull\")".into());
    }
    Ok(out)
}

/// Whether `text` reads as matchers at all (a `{`, or a label name followed by an
/// operator), as opposed to free text.
pub fn looks_like_matcher(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with('{') {
        return true;
    }
    let name_len = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(t.len());
    let op = &t[name_len..];
    name_len > 0 && (op.starts_with('=') || op.starts_with("!=") || op.starts_with("!~"))
}

fn parse_one(s: &str) -> Result<(Matcher, &str), String> {
    let name_len = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    let name = &s[..name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        let shown: String = s.chars().take(20).collect();
        return Err(format!("`{shown}`: expected a label name"));
    }
    let rest = s[name_len..].trim_start();
    let (is_equal, is_regex, op_len) = if rest.starts_with("=~") {
        (true, true, 2)
    } else if rest.starts_with("!~") {
        (false, true, 2)
    } else if rest.starts_with("!=") {
        (false, false, 2)
    } else if rest.starts_with('=') {
        (true, false, 1)
    } else {
        return Err(format!("`{name}`: expected one of = != =~ !~ after the label name"));
    };
    let rest = rest[op_len..].trim_start();
    let (value, after) = if let Some(q) = rest.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = q.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, e)) => value.push(e),
                    None => break,
                },
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                c => value.push(c),
            }
        }
        let end = end.ok_or_else(|| format!("`{name}`: the quoted value is not closed"))?;
        (value, &q[end..])
    } else {
        let end = rest.find([',', ' ', '\t', '}']).unwrap_or(rest.len());
        (rest[..end].to_string(), &rest[end..])
    };
    let after_trim = after.trim_start();
    if !after_trim.is_empty() && !after_trim.starts_with(',') && after.len() == after_trim.len() {
        return Err(format!(
            "`{name}`: unexpected `{}` after the value",
            after_trim.chars().next().unwrap_or(' ')
        ));
    }
    if is_regex {
        regex::Regex::new(&format!("^(?:{value})$")).map_err(|e| {
            let msg = e.to_string();
            let last = msg.lines().last().unwrap_or("").trim().to_string();
            format!("`{name}`: not a valid regex `{value}`: {last}")
        })?;
    }
    Ok((Matcher { name: name.to_string(), value, is_regex, is_equal }, after))
}

/// A matcher ready to match (its regex compiled once).
#[derive(Debug, Clone)]
pub struct CompiledMatcher {
    pub matcher: Matcher,
    regex: Option<regex::Regex>,
}

impl CompiledMatcher {
    pub fn new(matcher: &Matcher) -> Result<CompiledMatcher, String> {
        let regex = if matcher.is_regex {
            Some(regex::Regex::new(&format!("^(?:{})$", matcher.value)).map_err(|e| e.to_string())?)
        } else {
            None
        };
        Ok(CompiledMatcher { matcher: matcher.clone(), regex })
    }

    /// Alertmanager's semantics: a missing label is the empty string.
    pub fn matches_value(&self, value: Option<&str>) -> bool {
        let v = value.unwrap_or("");
        let hit = match &self.regex {
            Some(r) => r.is_match(v),
            None => v == self.matcher.value,
        };
        hit == self.matcher.is_equal
    }

    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.matches_value(labels.get(&self.matcher.name))
    }
}

/// Compiles every matcher; an invalid regex is an error.
pub fn compile(matchers: &[Matcher]) -> Result<Vec<CompiledMatcher>, String> {
    matchers.iter().map(CompiledMatcher::new).collect()
}

/// Whether every matcher matches the labels (an empty list matches nothing).
pub fn matches_all(matchers: &[CompiledMatcher], labels: &LabelSet) -> bool {
    !matchers.is_empty() && matchers.iter().all(|m| m.matches(labels))
}

/// `name="value", name!~"regex"`: matchers as a person reads them (and amtool accepts).
pub fn matchers_text(matchers: &[Matcher]) -> String {
    matchers.iter().map(matcher_text).collect::<Vec<_>>().join(", ")
}

pub fn matcher_text(m: &Matcher) -> String {
    let op = match (m.is_equal, m.is_regex) {
        (true, false) => "=",
        (false, false) => "!=",
        (true, true) => "=~",
        (false, true) => "!~",
    };
    format!("{}{op}{:?}", m.name, m.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ls(p: &[(&str, &str)]) -> LabelSet {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parses_the_api_and_amtool_forms() {
        let m = parse_matchers(r#"{a="b", c=~"d.*", e!="f"}"#).unwrap();
        assert_eq!(matchers_text(&m), r#"a="b", c=~"d.*", e!="f""#);
        let m = parse_matchers("alertname=DiskFull instance!~db-.* x=\"q \\\"u\\\"\"").unwrap();
        assert_eq!(m.len(), 3);
        assert!(!m[1].is_equal && m[1].is_regex);
        assert_eq!(m[2].value, "q \"u\"");
        assert!(parse_matchers("").is_err());
        assert!(parse_matchers("{a=\"b\"").unwrap_err().contains("not closed"));
        assert!(parse_matchers("a").unwrap_err().contains("expected one of"));
        assert!(parse_matchers("a=~\"(\"").unwrap_err().contains("regex"));
        assert!(parse_matchers("=x").unwrap_err().contains("label name"));
        assert!(looks_like_matcher("{severity=\"critical\"}") && looks_like_matcher("job=api"));
        assert!(!looks_like_matcher("disk full") && !looks_like_matcher("=x"));
    }

    #[test]
    fn matches_like_alertmanager() {
        let c = compile(&parse_matchers(r#"{a="b", c=~"d.*", e!="f"}"#).unwrap()).unwrap();
        assert!(matches_all(&c, &ls(&[("a", "b"), ("c", "dx")])));
        assert!(!matches_all(&c, &ls(&[("a", "b"), ("c", "xd")])), "anchored");
        assert!(!matches_all(&c, &ls(&[("a", "b"), ("c", "d"), ("e", "f")])));
        let absent = compile(&parse_matchers("x=\"\"").unwrap()).unwrap();
        assert!(matches_all(&absent, &ls(&[("a", "b")])), "a missing label is empty");
    }
}
