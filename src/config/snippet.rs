//! Diagnostics as `opsdeck check` prints them: `file:line:col: error: message`, then the
//! line of the file and a caret under the column. The quoted line never shows a secret:
//! values of keys that are not known to be harmless are masked character for character
//! (so the caret still lines up), and so is URL userinfo.
use unicode_width::UnicodeWidthChar;

use super::load::ConfigError;

/// Keys whose values are shown as written (a URL's userinfo and query still masked).
const SHOWN: &[&str] = &[
    "environment",
    "theme",
    "poll",
    "timeout",
    "name",
    "url",
    "service",
    "source",
    "availability",
    "slo",
    "latency_p99",
    "latency_target",
    "error_rate",
    "error_warn",
    "error_crit",
    "saturation",
    "saturation_warn",
    "query",
    "unit",
    "week_over_week",
    "depth",
    "inflow",
    "throughput",
    "oldest_age",
    "sla",
    "label",
    "severity_label",
    "default",
    "preset",
    "after",
    "dirs",
    "username",
    "bearer_token_env",
    "password_env",
    "bearer_token_file",
    "password_file",
    "ca_file",
    "map",
    "tiers",
    "phases",
    // the keymap file
    "keys",
];

/// The error, its line of `text` (when known) and a caret.
pub fn render(e: &ConfigError, text: Option<&str>) -> String {
    let head = format!("{}:{}:{}: error: {}", e.file, e.line, e.column, e.message);
    let Some(line) = text.and_then(|t| t.lines().nth(e.line.saturating_sub(1))) else { return head };
    render_line(&head, e.line, e.column, line, true)
}

/// `head`, then `line` (masked when `mask`) numbered `n`, then a caret at `column`.
pub fn render_line(head: &str, n: usize, column: usize, line: &str, mask: bool) -> String {
    let line = line.trim_end_matches('\r');
    let shown: String = if mask { masked(line) } else { line.to_string() };
    // One character in, one out: tabs and control characters become spaces and `?`.
    let shown: String = shown
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    let pad: usize = shown.chars().take(column.saturating_sub(1)).map(|c| c.width().unwrap_or(0)).sum();
    let num = n.to_string();
    let gutter = " ".repeat(num.len());
    format!("{head}\n {num} | {shown}\n {gutter} | {}^", " ".repeat(pad))
}

/// `line` with every value character masked unless its key is in [`SHOWN`].
pub fn masked(line: &str) -> String {
    let body = line.trim_start();
    if body.starts_with('[') || body.starts_with('#') || body.is_empty() {
        return line.to_string();
    }
    let Some(eq) = line.find('=') else { return mask_values(line) };
    let key = line[..eq].trim().trim_matches(['"', '\'']);
    let (head, value) = line.split_at(eq);
    if !SHOWN.contains(&key) {
        return format!("{head}{}", mask_values(value));
    }
    if key == "url" { format!("{head}{}", mask_userinfo(value)) } else { line.to_string() }
}

/// Every character but whitespace and TOML punctuation becomes `*`.
fn mask_values(s: &str) -> String {
    s.chars().map(|c| if c.is_whitespace() || "{}[],=\"'".contains(c) { c } else { '*' }).collect()
}

/// `http://user:pass@host/x?token=y` -> `http://*********@host/x?*******`.
fn mask_userinfo(s: &str) -> String {
    let mut out: Vec<char> = s.chars().collect();
    let chars: Vec<char> = s.chars().collect();
    let text: String = chars.iter().collect();
    let Some(scheme_end) = text.find("://") else { return text };
    let start = text[..scheme_end].chars().count() + 3;
    let end =
        chars[start..].iter().position(|c| matches!(c, '"' | '\'' | ' ')).map_or(chars.len(), |p| start + p);
    let authority_end = chars[start..end].iter().position(|c| *c == '/').map_or(end, |p| start + p);
    if let Some(at) = chars[start..authority_end].iter().rposition(|c| *c == '@') {
        out[start..start + at].iter_mut().for_each(|c| *c = '*');
    }
    if let Some(q) = chars[start..end].iter().position(|c| *c == '?') {
        out[start + q + 1..end].iter_mut().for_each(|c| *c = '*');
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: usize, column: usize) -> ConfigError {
        ConfigError { file: "c.toml".into(), line, column, message: "bad".into() }
    }

    #[test]
    fn the_caret_sits_under_the_column() {
        let text = "[[health]]\navailability = 'sum(rate(x[5m])'\n";
        assert_eq!(
            render(&err(2, 20), Some(text)),
            "c.toml:2:20: error: bad\n 2 | availability = 'sum(rate(x[5m])'\n   |                    ^"
        );
        assert_eq!(render(&err(9, 1), Some(text)), "c.toml:9:1: error: bad");
    }

    #[test]
    fn secrets_are_masked_in_the_quoted_line() {
        assert_eq!(masked("bearer_token = \"hunter22\""), "bearer_token = \"********\"");
        assert_eq!(
            masked("headers = { \"X-Api-Key\" = \"s3cret\" }"),
            "headers = { \"*********\" = \"******\" }"
        );
        assert_eq!(
            masked("url = \"http://ops:pw@h:9090/x?token=t\""),
            "url = \"http://******@h:9090/x?*******\""
        );
        assert_eq!(masked("url = 'http://h:9090'"), "url = 'http://h:9090'");
        assert_eq!(masked("theme = \"neon\""), "theme = \"neon\"");
        assert_eq!(masked("  continued secret"), "  ********* ******");
    }
}
