//! A small shell reader, just enough to classify what a script does. It splits a script
//! into simple commands (words after quote removal, redirections, here-document bodies)
//! and collects the scripts nested in `$(...)`, `<(...)` and backticks, which run too.
//!
//! It never executes or expands anything: `$VAR` stays literal text. When in doubt it
//! keeps more text rather than less, so that the rules see every command word.

/// One simple command, e.g. `sudo kubectl delete pod x > /tmp/out`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimpleCommand {
    /// 1-based line in the script where the command starts.
    pub line: usize,
    /// 1-based line of the command's last word (here-document bodies not counted).
    pub end_line: usize,
    /// Words after quote removal (`"a b"` -> `a b`). Variables stay literal.
    pub words: Vec<String>,
    /// Whether each word had an unquoted `$` (a value only known at run time).
    pub dynamic: Vec<bool>,
    pub redirects: Vec<Redirect>,
    /// Text fed to stdin: a here-document, a here-string, or the literal output of an
    /// `echo`/`printf` piped into it; [`FED`] when the input comes from a pipe or a file
    /// whose content is not known.
    pub stdin: Option<String>,
}

/// The stdin of a command fed by a pipe or a `< file` redirection: its content is unknown
/// (so a shell or a client reading it runs unknown commands).
pub const FED: &str = "\u{1}(input from a pipe or a file)";

/// Whether a command's stdin is [`FED`].
pub fn is_fed(stdin: Option<&str>) -> bool {
    stdin == Some(FED)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The operator without its fd number: `>`, `>>`, `>|`, `&>`, `&>>`, `>&`, `<`, `<&`,
    /// `<>`, `<<`, `<<-`, `<<<`.
    pub op: String,
    pub target: String,
}

/// The commands of a script, and the scripts nested in substitutions (with the line they
/// appear on).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    pub commands: Vec<SimpleCommand>,
    pub nested: Vec<(usize, String)>,
    /// Set when the text ends inside a quote, substitution or here-document: bash would
    /// read it differently (or refuse it), so the classifier does not trust this reading.
    pub incomplete: Option<(usize, &'static str)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word {
        text: String,
        dynamic: bool,
        line: usize,
    },
    /// `&&`, `||`, `;`, `;;`, `|`, `|&`, `&`, `(`, `)`, newline (`\n`).
    Op(&'static str, usize),
    Redir(String, usize),
    /// A here-document body, attached to the command that opened it.
    HereBody(String),
}

struct Lexer<'a> {
    c: &'a [char],
    pos: usize,
    line: usize,
    nested: Vec<(usize, String)>,
    incomplete: Option<(usize, &'static str)>,
    /// Here-documents opened on the current line: (delimiter, strip leading tabs).
    pending: Vec<(String, bool)>,
    expect_heredoc_word: Option<bool>,
}

/// Reads a script. Never fails: unbalanced quotes run to the end of the text.
pub fn parse(script: &str) -> Script {
    let chars: Vec<char> = script.chars().collect();
    let mut lx = Lexer {
        c: &chars,
        pos: 0,
        line: 1,
        nested: Vec::new(),
        incomplete: None,
        pending: Vec::new(),
        expect_heredoc_word: None,
    };
    let toks = lx.tokens(false);
    if !lx.pending.is_empty() {
        lx.open_at_end(lx.line, "here-document");
    }
    Script { commands: assemble(toks), nested: lx.nested, incomplete: lx.incomplete }
}

fn is_op_char(ch: char) -> bool {
    matches!(ch, '&' | '|' | ';' | '(' | ')' | '<' | '>' | '\n')
}

impl Lexer<'_> {
    /// Records the first construct left open at the end of the text.
    fn open_at_end(&mut self, line: usize, what: &'static str) {
        if self.incomplete.is_none() {
            self.incomplete = Some((line, what));
        }
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.c.get(self.pos + k).copied()
    }

    /// Tokens until the end, or (with `in_subst`) until the `)` closing a `$(`.
    fn tokens(&mut self, in_subst: bool) -> Vec<Tok> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(ch) = self.peek(0) {
            match ch {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\\' if self.peek(1) == Some('\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                '#' => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                '\n' => {
                    out.push(Tok::Op("\n", self.line));
                    self.pos += 1;
                    self.line += 1;
                    if !self.pending.is_empty() {
                        for (delim, strip) in std::mem::take(&mut self.pending) {
                            let body = self.here_body(&delim, strip);
                            out.push(Tok::HereBody(body));
                        }
                    }
                }
                ')' if in_subst && depth == 0 => {
                    self.pos += 1;
                    return out;
                }
                '<' | '>' if self.peek(1) == Some('(') || (ch == '<' && self.placeholder_len().is_some()) => {
                    let line = self.line;
                    let (text, dynamic) = self.word();
                    out.push(Tok::Word { text, dynamic, line });
                }
                _ if is_op_char(ch) || self.redir_ahead().is_some() => {
                    if let Some((op, len)) = self.redir_ahead() {
                        self.pos += len;
                        if op.starts_with("<<") && op != "<<<" {
                            self.expect_heredoc_word = Some(op == "<<-");
                        }
                        out.push(Tok::Redir(op, self.line));
                        continue;
                    }
                    let two: String = self.c[self.pos..(self.pos + 2).min(self.c.len())].iter().collect();
                    let op: &'static str = match two.as_str() {
                        "&&" => "&&",
                        "||" => "||",
                        ";;" => ";;",
                        "|&" => "|&",
                        _ => match ch {
                            '|' => "|",
                            ';' => ";",
                            '&' => "&",
                            '(' => "(",
                            _ => ")",
                        },
                    };
                    if op == "(" {
                        depth += 1;
                    } else if op == ")" {
                        depth = depth.saturating_sub(1);
                    }
                    self.pos += op.len();
                    out.push(Tok::Op(op, self.line));
                }
                _ => {
                    let line = self.line;
                    let (text, dynamic) = self.word();
                    if let Some(strip) = self.expect_heredoc_word.take() {
                        self.pending.push((text.clone(), strip));
                    }
                    out.push(Tok::Word { text, dynamic, line });
                }
            }
        }
        out
    }

    /// The length of a `<placeholder>` at the cursor: `<` directly followed by a name of
    /// letters, digits, `_`, `-`, `.`, closed by `>`, with no space inside; the `>` must not
    /// be followed by something a redirection could take (`<in>out`, `<a>>b`, `<a>&2`).
    fn placeholder_len(&self) -> Option<usize> {
        if self.peek(0) != Some('<') || !self.peek(1).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let mut i = 1;
        while self.peek(i).is_some_and(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) {
            i += 1;
        }
        if self.peek(i) != Some('>') {
            return None;
        }
        match self.peek(i + 1) {
            Some(c) if c.is_ascii_alphanumeric() || "_>&|~$`'\"".contains(c) => None,
            _ => Some(i + 1),
        }
    }

    /// A redirection operator at the cursor (with an optional fd number): (op, length).
    fn redir_ahead(&self) -> Option<(String, usize)> {
        let mut i = 0;
        while self.peek(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        let rest: String = self.c[self.pos + i..(self.pos + i + 3).min(self.c.len())].iter().collect();
        const OPS: [&str; 12] = ["&>>", "<<<", "<<-", ">>", ">|", "&>", ">&", "<&", "<>", "<<", ">", "<"];
        for op in OPS {
            if rest.starts_with(op) {
                if op.starts_with('&') && i > 0 {
                    return None;
                }
                return Some((op.to_string(), i + op.len()));
            }
        }
        None
    }

    fn here_body(&mut self, delim: &str, strip: bool) -> String {
        let mut body = String::new();
        let line0 = self.line;
        loop {
            if self.pos >= self.c.len() {
                self.open_at_end(line0, "here-document");
                return body;
            }
            let start = self.pos;
            while self.peek(0).is_some_and(|c| c != '\n') {
                self.pos += 1;
            }
            let line: String = self.c[start..self.pos].iter().collect();
            if self.peek(0) == Some('\n') {
                self.pos += 1;
            }
            self.line += 1;
            let cmp = if strip { line.trim_start_matches('\t') } else { line.as_str() };
            if cmp.trim_end() == delim {
                return body;
            }
            body.push_str(&line);
            body.push('\n');
        }
    }

    /// One word, quotes removed. Substitutions inside are recorded in `nested` and kept as
    /// their source text in the word.
    fn word(&mut self) -> (String, bool) {
        let mut text = String::new();
        let mut dynamic = false;
        while let Some(ch) = self.peek(0) {
            match ch {
                ' ' | '\t' | '\r' | '\n' => break,
                _ if is_op_char(ch) && !(ch == '<' || ch == '>') => break,
                '<' | '>' if self.peek(1) == Some('(') => {
                    self.pos += 2;
                    let inner = self.subst();
                    text.push_str(&format!("{ch}({inner})"));
                    dynamic = true;
                }
                '<' if self.placeholder_len().is_some() => {
                    let n = self.placeholder_len().unwrap_or(1);
                    text.extend(&self.c[self.pos..self.pos + n]);
                    self.pos += n;
                    dynamic = true;
                }
                '<' | '>' => break,
                '\\' => {
                    if self.peek(1) == Some('\n') {
                        self.pos += 2;
                        self.line += 1;
                    } else if let Some(n) = self.peek(1) {
                        text.push(n);
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                    }
                }
                '\'' => {
                    self.pos += 1;
                    let line0 = self.line;
                    loop {
                        let Some(c) = self.peek(0) else {
                            self.open_at_end(line0, "single quote");
                            break;
                        };
                        self.pos += 1;
                        if c == '\'' {
                            break;
                        }
                        if c == '\n' {
                            self.line += 1;
                        }
                        text.push(c);
                    }
                }
                '"' => {
                    self.pos += 1;
                    let line0 = self.line;
                    loop {
                        let Some(c) = self.peek(0) else {
                            self.open_at_end(line0, "double quote");
                            break;
                        };
                        match c {
                            '"' => {
                                self.pos += 1;
                                break;
                            }
                            '\\' if matches!(self.peek(1), Some('"' | '\\' | '$' | '`')) => {
                                text.push(self.peek(1).unwrap_or('\\'));
                                self.pos += 2;
                            }
                            '\\' if self.peek(1) == Some('\n') => {
                                self.pos += 2;
                                self.line += 1;
                            }
                            '$' | '`' => dynamic |= self.dollar_or_backtick(&mut text),
                            _ => {
                                if c == '\n' {
                                    self.line += 1;
                                }
                                text.push(c);
                                self.pos += 1;
                            }
                        }
                    }
                }
                '$' | '`' => dynamic |= self.dollar_or_backtick(&mut text),
                _ => {
                    text.push(ch);
                    self.pos += 1;
                }
            }
        }
        (text, dynamic)
    }

    /// At a `$` or a backtick: copies the expansion's source text into `text`, records
    /// command substitutions. Returns whether the text is only known at run time.
    fn dollar_or_backtick(&mut self, text: &mut String) -> bool {
        let ch = self.peek(0).unwrap_or('$');
        if ch == '`' {
            self.pos += 1;
            let line = self.line;
            let mut inner = String::new();
            loop {
                let Some(c) = self.peek(0) else {
                    self.open_at_end(line, "backtick substitution");
                    break;
                };
                self.pos += 1;
                match c {
                    '`' => break,
                    '\\' if matches!(self.peek(0), Some('`' | '\\' | '$')) => {
                        inner.push(self.peek(0).unwrap_or('\\'));
                        self.pos += 1;
                    }
                    _ => {
                        if c == '\n' {
                            self.line += 1;
                        }
                        inner.push(c);
                    }
                }
            }
            text.push_str(&format!("`{inner}`"));
            self.nested.push((line, inner));
            return true;
        }
        match self.peek(1) {
            // `$"..."` (a translated string) and `$'...'` (ANSI-C quoting) are quotes.
            Some('"' | '\'') => {
                self.pos += 1;
                false
            }
            Some('(') if self.peek(2) == Some('(') => {
                // Arithmetic: copy to the matching `))`. A command substitution inside it
                // still runs: then the body is read as a nested script.
                let line0 = self.line;
                let start = self.pos;
                let mut depth = 0i32;
                loop {
                    let Some(c) = self.peek(0) else {
                        self.open_at_end(line0, "$((...))");
                        break;
                    };
                    text.push(c);
                    self.pos += 1;
                    if c == '\n' {
                        self.line += 1;
                    }
                    if c == '(' {
                        depth += 1;
                    } else if c == ')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                let body: String = self.c[(start + 3).min(self.pos)..self.pos].iter().collect();
                if body.contains("$(") || body.contains('`') {
                    let inner = body.trim_end_matches(')');
                    self.nested.push((line0, inner.to_string()));
                }
                true
            }
            Some('(') => {
                self.pos += 2;
                let inner = self.subst();
                text.push_str(&format!("$({inner})"));
                true
            }
            Some('{') => {
                let mut depth = 0i32;
                let line0 = self.line;
                let start = self.pos;
                loop {
                    let Some(c) = self.peek(0) else {
                        self.open_at_end(line0, "${...}");
                        break;
                    };
                    text.push(c);
                    self.pos += 1;
                    if c == '{' {
                        depth += 1;
                    } else if c == '}' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                // `${X:-$(cmd)}` runs cmd: read the expansion's operand as a script.
                let body: String = self.c[(start + 2).min(self.pos)..self.pos].iter().collect();
                if body.contains("$(") || body.contains('`') {
                    self.nested.push((line0, body.trim_end_matches('}').to_string()));
                }
                true
            }
            Some(c) if c.is_ascii_alphanumeric() || "_@*#?$!-".contains(c) => {
                text.push('$');
                self.pos += 1;
                while let Some(c) = self.peek(0) {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        text.push(c);
                        self.pos += 1;
                    } else {
                        if text.ends_with('$') && "@*#?$!-".contains(c) {
                            text.push(c);
                            self.pos += 1;
                        }
                        break;
                    }
                }
                true
            }
            _ => {
                text.push('$');
                self.pos += 1;
                false
            }
        }
    }

    /// After `$(` or `<(`: lexes to the matching `)` and records the inner script.
    fn subst(&mut self) -> String {
        let start = self.pos;
        let line = self.line;
        let saved = std::mem::take(&mut self.pending);
        let _ = self.tokens(true);
        self.pending = saved;
        let closed = self.pos > start && self.c.get(self.pos - 1) == Some(&')');
        if !closed || self.pos > self.c.len() {
            self.open_at_end(line, "$(...) substitution");
        }
        let end = if closed { self.pos - 1 } else { self.pos.min(self.c.len()) };
        let inner: String = self.c[start..end].iter().collect();
        self.nested.push((line, inner.clone()));
        inner
    }
}

/// Groups tokens into simple commands; pipes carry a literal `echo`/`printf` output on.
fn assemble(toks: Vec<Tok>) -> Vec<SimpleCommand> {
    let mut out: Vec<SimpleCommand> = Vec::new();
    let mut cur = SimpleCommand::default();
    let mut heredoc_owner: Vec<usize> = Vec::new();
    // After a pipe: Some(literal output of the left side, if known).
    let mut piped: Option<Option<String>> = None;
    let mut in_case = 0usize;
    let mut i = 0;
    let flush =
        |cur: &mut SimpleCommand, out: &mut Vec<SimpleCommand>, piped: &mut Option<Option<String>>| {
            if !cur.words.is_empty() || !cur.redirects.is_empty() {
                if cur.stdin.is_none() {
                    cur.stdin = match piped.take() {
                        Some(Some(text)) => Some(text),
                        Some(None) => Some(FED.to_string()),
                        None => None,
                    };
                }
                let from_file = cur.redirects.iter().any(|r| r.op == "<" && r.target != "/dev/null");
                if cur.stdin.is_none() && from_file {
                    cur.stdin = Some(FED.to_string());
                }
                out.push(std::mem::take(cur));
            }
            *piped = None;
        };
    while i < toks.len() {
        match &toks[i] {
            Tok::Word { text, dynamic, line } => {
                if cur.words.is_empty() && cur.redirects.is_empty() {
                    cur.line = *line;
                }
                cur.words.push(text.clone());
                cur.dynamic.push(*dynamic);
                cur.end_line = *line;
            }
            Tok::Redir(op, line) => {
                if cur.words.is_empty() && cur.redirects.is_empty() {
                    cur.line = *line;
                }
                cur.end_line = *line;
                let target = match toks.get(i + 1) {
                    Some(Tok::Word { text, line, .. }) => {
                        cur.end_line = *line;
                        i += 1;
                        text.clone()
                    }
                    _ => String::new(),
                };
                if op == "<<<" {
                    cur.stdin = Some(target.clone());
                }
                if op == "<<" || op == "<<-" {
                    heredoc_owner.push(out.len());
                }
                cur.redirects.push(Redirect { op: op.clone(), target });
            }
            Tok::HereBody(body) => {
                if !heredoc_owner.is_empty() {
                    let idx = heredoc_owner.remove(0);
                    if let Some(c) = out.get_mut(idx) {
                        c.stdin = Some(body.clone());
                    } else if idx == out.len() {
                        cur.stdin = Some(body.clone());
                    }
                }
            }
            Tok::Op(op, _) => {
                // `pattern)` inside `case ... esac` is a pattern, not a command.
                if *op == ")" && in_case > 0 && cur.words.len() == 1 && cur.redirects.is_empty() {
                    cur = SimpleCommand::default();
                    i += 1;
                    continue;
                }
                match cur.words.first().map(String::as_str) {
                    Some("case") => in_case += 1,
                    Some("esac") => in_case = in_case.saturating_sub(1),
                    _ => {}
                }
                let feeds = if *op == "|" || *op == "|&" { Some(literal_output(&cur)) } else { None };
                flush(&mut cur, &mut out, &mut piped);
                piped = feeds;
            }
        }
        i += 1;
    }
    flush(&mut cur, &mut out, &mut piped);
    out
}

/// The output of `echo ...` / `printf ...` when it is fully literal.
fn literal_output(c: &SimpleCommand) -> Option<String> {
    let first = c.words.first()?;
    if !(first == "echo" || first == "printf") || c.dynamic.iter().any(|d| *d) {
        return None;
    }
    let args: Vec<&str> =
        c.words[1..].iter().map(String::as_str).filter(|w| !(w.starts_with('-') && w.len() <= 3)).collect();
    Some(args.join(" ").replace("\\n", "\n"))
}

#[cfg(test)]
#[path = "shell_tests.rs"]
mod tests;
