//! The line cursor both parsers read with: names, quoted strings, label sets, numbers.
use super::{ExpositionError, Format, Labels, parse_float};

pub(super) struct Cursor<'a> {
    pub(super) line: &'a str,
    pub(super) pos: usize,
    pub(super) lineno: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<char> {
        self.line[self.pos..].chars().next()
    }
    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }
    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.line.len()
    }
    /// Skips spaces and tabs; true if any were skipped.
    pub(super) fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
        self.pos > start
    }
    pub(super) fn error(&self, message: &str) -> ExpositionError {
        let column = self.line[..self.pos.min(self.line.len())].chars().count() + 1;
        ExpositionError { line: self.lineno, column, message: message.to_string() }
    }

    pub(super) fn ident(&mut self, colon: bool) -> Option<String> {
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

    pub(super) fn metric_name(&mut self) -> Result<String, ExpositionError> {
        self.ident(true).ok_or_else(|| self.error("expected a metric name"))
    }

    /// A double-quoted string with `\\`, `\"`, `\n` escapes; other escapes are kept as
    /// written (`\z` stays `\z`).
    pub(super) fn quoted(&mut self) -> Result<String, ExpositionError> {
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
    pub(super) fn label_set(
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

    pub(super) fn token(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' {
                break;
            }
            self.pos += c.len_utf8();
        }
        &self.line[start..self.pos]
    }

    pub(super) fn value(&mut self) -> Result<f64, ExpositionError> {
        let start = self.pos;
        let tok = self.token().to_string();
        parse_float(&tok).ok_or_else(|| {
            self.pos = start;
            self.error(&format!("`{tok}` is not a number"))
        })
    }

    pub(super) fn timestamp(&mut self, format: Format) -> Result<f64, ExpositionError> {
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
