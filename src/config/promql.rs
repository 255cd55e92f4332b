//! PromQL for `opsdeck check`: every query bound for a `[[prometheus]]` source is parsed
//! with `promql-parser`, and a problem is placed at its line and column inside the query
//! string (through the TOML string's quotes and escapes). Only `check` does this: a
//! backend may accept dialects (MetricsQL) the parser does not, so the screen never refuses
//! to start over it.
use super::walk::{Diag, Span};

/// A query's problem: where in the query (a byte offset) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {offset})")]
pub struct QueryError {
    pub offset: usize,
    pub message: String,
}

/// Parses `q` as PromQL.
pub fn check(q: &str) -> Result<(), QueryError> {
    match promql_parser::parser::parse(q) {
        Ok(_) => Ok(()),
        Err(message) => Err(QueryError { offset: locate(q, &message), message }),
    }
}

/// Checks the query whose TOML value sits at `span`, noting a problem at its place.
pub fn check_at(d: &mut Diag, q: &str, span: &Span) {
    let Err(e) = check(q) else { return };
    let at = span.as_ref().map(|s| {
        let raw = d.text().get(s.clone()).unwrap_or_default();
        let start = s.start + inner_offset(raw, e.offset);
        start..start + 1
    });
    d.at(&at, format!("invalid PromQL: {}", e.message));
}

/// Where the parser's complaint is: an unbalanced bracket or an unterminated string (the
/// parser does not say where), else the token its message quotes, else the start.
pub fn locate(q: &str, message: &str) -> usize {
    if let Some(at) = unbalanced(q) {
        return at;
    }
    // `unexpected character: 'x'`, `unknown function with name 'foo'`, `call to function
    // 'rate'`, `unexpected '=' in label matching`: the last quoted token.
    let quoted = message.rsplit_once('\'').and_then(|(head, _)| head.rsplit_once('\'')).map(|(_, t)| t);
    if let Some(token) = quoted.filter(|t| !t.is_empty())
        && let Some(at) = q.find(token)
    {
        return at;
    }
    q.len() - q.trim_start().len()
}

/// The first bracket that is never closed (the innermost one at the end), a closer without
/// its opener, or the opening quote of an unterminated string. `#` starts a comment.
fn unbalanced(q: &str) -> Option<usize> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut chars = q.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                let mut closed = false;
                while let Some((_, s)) = chars.next() {
                    if s == '\\' && c != '`' {
                        chars.next();
                    } else if s == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Some(i);
                }
            }
            '#' => {
                for (_, s) in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => stack.push((c, i)),
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match stack.pop() {
                    Some((open, _)) if open == want => {}
                    _ => return Some(i),
                }
            }
            _ => {}
        }
    }
    stack.last().map(|(_, i)| *i)
}

/// The byte offset, within a TOML string value's source text `raw` (quotes included), of
/// byte `want` of the string's value: past the opening quotes, the newline right after
/// `'''`/`"""`, and the escapes of basic strings.
pub fn inner_offset(raw: &str, want: usize) -> usize {
    let (open, basic) = if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with("\"\"\"") {
        (3, true)
    } else {
        (1, raw.starts_with('"'))
    };
    let mut i = open.min(raw.len());
    if open == 3 {
        if raw[i..].starts_with("\r\n") {
            i += 2;
        } else if raw[i..].starts_with('\n') {
            i += 1;
        }
    }
    if !basic {
        return (i + want).min(raw.len().saturating_sub(1));
    }
    let b = raw.as_bytes();
    let mut decoded = 0;
    loop {
        // A line-ending backslash: the newline and the whitespace after it vanish.
        if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
            while i < raw.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            continue;
        }
        if i >= raw.len() || decoded >= want {
            break;
        }
        if b[i] != b'\\' {
            let n = raw[i..].chars().next().map_or(1, char::len_utf8);
            i += n;
            decoded += n;
            continue;
        }
        match b.get(i + 1) {
            Some(u @ (b'u' | b'U')) => {
                let len = if *u == b'u' { 4 } else { 8 };
                let hex = raw.get(i + 2..i + 2 + len).unwrap_or_default();
                let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                decoded += ch.map_or(1, char::len_utf8);
                i += 2 + len;
            }
            _ => {
                i += 2;
                decoded += 1;
            }
        }
    }
    i.min(raw.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_paren_points_at_the_paren() {
        let e = check("sum(rate(x[5m])").unwrap_err();
        assert_eq!(e.offset, 3, "{e}");
        assert!(check("sum(rate(x[5m]))").is_ok());
        assert_eq!(check("rate(x[5m]))").unwrap_err().offset, 11);
        assert_eq!(check("up{job=\"a)\"").unwrap_err().offset, 2, "the brace, not the paren in the string");
        assert_eq!(check("up{job=\"a)}").unwrap_err().offset, 7, "unterminated string");
    }

    #[test]
    fn a_quoted_token_is_found() {
        let e = check("sum(nosuchfn(x))").unwrap_err();
        assert_eq!(e.offset, 4, "{e}");
        let e = check("rate(x)").unwrap_err();
        assert_eq!(e.offset, 0, "{e}");
    }

    #[test]
    fn offsets_go_through_quotes_and_escapes() {
        assert_eq!(inner_offset("'abc'", 1), 2);
        assert_eq!(inner_offset("\"a\\\"b\"", 2), 4);
        assert_eq!(inner_offset("\"\\u00e9x\"", 2), 7);
        assert_eq!(inner_offset("'''\nab'''", 1), 5);
        assert_eq!(inner_offset("\"\"\"a\\\n   b\"\"\"", 1), 9);
    }
}
