//! The top level of a `GET /api/v2/alerts` body, read as it arrives: a JSON array split into
//! its elements (one alert object each) without holding the body. Only the element being
//! read is buffered, and only when it straddles two chunks; the elements themselves are
//! parsed by the caller (`alert_cache`), which reports errors inside them at their place in
//! the body through the element's start position.
use crate::domain::SourceError;

/// Where an element starts in the body: line and column, 1-based (columns count bytes, as
/// serde_json's do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// A serde_json error inside the element at `self`, as a place in the whole body.
    pub fn error(self, e: &serde_json::Error) -> SourceError {
        let (line, column) = if e.line() <= 1 {
            (self.line, self.column + e.column().saturating_sub(1))
        } else {
            (self.line + e.line() - 1, e.column())
        };
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        SourceError::BadJson { line, column, message }
    }
}

/// Whether `b` can start a JSON value.
fn starts_value(b: u8) -> bool {
    matches!(b, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
}

fn not_a_list(b: u8) -> &'static str {
    if starts_value(b) { "invalid type: expected a list of alerts" } else { "expected value" }
}

fn not_an_alert(b: u8) -> &'static str {
    if starts_value(b) { "invalid type: expected an alert object" } else { "expected value" }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// After `[`: an element or `]`.
    First,
    /// After `,`: an element.
    Next,
    /// Inside an element.
    Elem,
    /// After an element: `,` or `]`.
    After,
    /// After the closing `]`: only whitespace.
    Done,
}

/// Splits a JSON array of objects into its elements, chunk by chunk.
#[derive(Debug)]
pub struct ArraySplitter {
    state: State,
    depth: u32,
    in_str: bool,
    esc: bool,
    /// The current element when it started in an earlier chunk.
    buf: Vec<u8>,
    /// Bytes of the body before the current chunk.
    offset: usize,
    line: usize,
    /// Absolute offset of the current line's first byte.
    line_start: usize,
    start: Pos,
    count: usize,
}

impl Default for ArraySplitter {
    fn default() -> Self {
        ArraySplitter {
            state: State::Start,
            depth: 0,
            in_str: false,
            esc: false,
            buf: Vec::new(),
            offset: 0,
            line: 1,
            line_start: 0,
            start: Pos { line: 1, column: 1 },
            count: 0,
        }
    }
}

impl ArraySplitter {
    fn pos(&self, abs: usize) -> Pos {
        Pos { line: self.line, column: abs - self.line_start + 1 }
    }

    fn fail(&self, abs: usize, message: &str) -> SourceError {
        let p = self.pos(abs);
        SourceError::BadJson { line: p.line, column: p.column, message: message.to_string() }
    }

    /// Reads `chunk`, handing every element completed in it to `on_elem` with its start.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        mut on_elem: impl FnMut(&[u8], Pos) -> Result<(), SourceError>,
    ) -> Result<(), SourceError> {
        let mut i = 0;
        // Where the current element starts in this chunk, if it does.
        let mut elem_from: Option<usize> = if self.state == State::Elem { Some(0) } else { None };
        while i < chunk.len() {
            let b = chunk[i];
            let abs = self.offset + i;
            match self.state {
                State::Elem => {
                    if self.in_str {
                        // Skip to the next quote or backslash.
                        if self.esc {
                            self.esc = false;
                        } else {
                            match chunk[i..].iter().position(|&c| c == b'"' || c == b'\\') {
                                Some(k) => {
                                    i += k;
                                    if chunk[i] == b'\\' {
                                        self.esc = true;
                                    } else {
                                        self.in_str = false;
                                    }
                                }
                                None => i = chunk.len() - 1,
                            }
                        }
                    } else {
                        match b {
                            b'"' => self.in_str = true,
                            b'{' | b'[' => self.depth += 1,
                            b'}' | b']' => {
                                self.depth -= 1;
                                if self.depth == 0 {
                                    let from = elem_from.unwrap_or(0);
                                    if !self.buf.is_empty() {
                                        // It started in an earlier chunk.
                                        self.buf.extend_from_slice(&chunk[..=i]);
                                        let elem = std::mem::take(&mut self.buf);
                                        on_elem(&elem, self.start)?;
                                        self.buf = elem;
                                        self.buf.clear();
                                    } else {
                                        on_elem(&chunk[from..=i], self.start)?;
                                    }
                                    elem_from = None;
                                    self.count += 1;
                                    self.state = State::After;
                                }
                            }
                            b'\n' => {
                                self.line += 1;
                                self.line_start = abs + 1;
                            }
                            _ => {}
                        }
                    }
                }
                _ if b == b' ' || b == b'\t' || b == b'\r' => {}
                _ if b == b'\n' => {
                    self.line += 1;
                    self.line_start = abs + 1;
                }
                State::Start if b == b'[' => self.state = State::First,
                State::Start => return Err(self.fail(abs, not_a_list(b))),
                State::First if b == b']' => self.state = State::Done,
                State::First | State::Next if b == b'{' => {
                    self.state = State::Elem;
                    self.depth = 1;
                    self.start = self.pos(abs);
                    elem_from = Some(i);
                    self.buf.clear();
                }
                State::First | State::Next => return Err(self.fail(abs, not_an_alert(b))),
                State::After if b == b',' => self.state = State::Next,
                State::After if b == b']' => self.state = State::Done,
                State::After => return Err(self.fail(abs, "expected `,` or `]`")),
                State::Done => return Err(self.fail(abs, "trailing characters")),
            }
            i += 1;
        }
        if self.state == State::Elem {
            // This chunk's part of the element (all of it when the element continues).
            self.buf.extend_from_slice(&chunk[elem_from.unwrap_or(0)..]);
        }
        self.offset += chunk.len();
        Ok(())
    }

    /// The end of the body: the array must be complete. Returns how many elements it held.
    pub fn finish(&self) -> Result<usize, SourceError> {
        match self.state {
            State::Done => Ok(self.count),
            State::Start => Err(self.fail(self.offset, "EOF while parsing a list of alerts")),
            _ => Err(self.fail(self.offset, "EOF while parsing a list")),
        }
    }

    /// Bytes held for an element that straddles chunks (the splitter's whole memory).
    pub fn buffered(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(body: &[u8], chunk: usize) -> Result<Vec<(String, Pos)>, SourceError> {
        let mut s = ArraySplitter::default();
        let mut out = Vec::new();
        for c in body.chunks(chunk.max(1)) {
            s.feed(c, |e, p| {
                out.push((String::from_utf8_lossy(e).into_owned(), p));
                Ok(())
            })?;
        }
        let n = s.finish()?;
        assert_eq!(n, out.len());
        Ok(out)
    }

    #[test]
    fn elements_are_the_same_at_every_chunk_size() {
        let body = br#" [ {"a":"x}]\"{","b":[1,{"c":2}]},
{"d":{}} ,{"e":"\\"}] "#;
        let whole = split(body, body.len()).unwrap();
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[0].0, r#"{"a":"x}]\"{","b":[1,{"c":2}]}"#);
        assert_eq!(whole[1], (r#"{"d":{}}"#.to_string(), Pos { line: 2, column: 1 }));
        assert_eq!(whole[2].0, r#"{"e":"\\"}"#);
        for n in 1..body.len() {
            assert_eq!(split(body, n).unwrap(), whole, "chunks of {n}");
        }
        assert!(split(b"[]", 1).unwrap().is_empty());
    }

    #[test]
    fn broken_bodies_say_where() {
        for (body, line, column) in [
            (&br#"{"not":"a list"}"#[..], 1, 1),
            (b"[{\"a\":1}\n x]", 2, 2),
            (b"[{\"a\":1}", 1, 9),
            (b"[1]", 1, 2),
            (b"[] x", 1, 4),
            (b"", 1, 1),
        ] {
            for n in [1, 3, 100] {
                match split(body, n) {
                    Err(SourceError::BadJson { line: l, column: c, .. }) => {
                        assert_eq!((l, c), (line, column), "{}", String::from_utf8_lossy(body))
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
    }

    #[test]
    fn an_error_inside_an_element_is_placed_in_the_body() {
        let e = serde_json::from_str::<serde_json::Value>("{\"a\": x}").unwrap_err();
        let got = Pos { line: 3, column: 5 }.error(&e);
        assert!(matches!(got, SourceError::BadJson { line: 3, column: 11, .. }), "{got:?}");
        let e = serde_json::from_str::<serde_json::Value>("{\n \"a\": x}").unwrap_err();
        assert!(matches!(
            Pos { line: 3, column: 5 }.error(&e),
            SourceError::BadJson { line: 4, column: 7, .. }
        ));
    }
}
