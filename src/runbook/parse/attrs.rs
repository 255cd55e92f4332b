//! Block attributes: `{readonly confirm=typed:x timeout=2m}` and Runme's JSON form.
use super::markdown::RawCode;

pub(super) fn lang_of(info: &str) -> String {
    info.split(|c: char| c.is_whitespace() || c == '{').next().unwrap_or("").to_ascii_lowercase()
}

/// The text between `{` and `}` of an info string.
pub(super) fn attr_text(info: &str) -> Option<&str> {
    let open = info.find('{')?;
    let close = info.rfind('}').filter(|c| *c > open).unwrap_or(info.len());
    Some(&info[open + 1..close])
}

/// `key[=value]` tokens with their byte offset in `text`; quotes group and are removed.
pub(super) fn tokens(text: &str) -> Vec<(String, Option<String>, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1.is_whitespace() || chars[i].1 == ',' {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut tok = String::new();
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let c = chars[i].1;
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => tok.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() || c == ',' => break,
                None => tok.push(c),
            }
            i += 1;
        }
        // Keep the quotes of a typed:"text" value visible to the parser.
        let raw = &text[start..chars.get(i).map(|c| c.0).unwrap_or(text.len())];
        match raw.split_once('=') {
            Some((k, v)) => {
                // `confirm` keeps its quotes (typed:"text" differs from typed:param).
                let v = if k == "confirm" { v.to_string() } else { v.replace(['"', '\''], "") };
                out.push((k.replace(['"', '\''], ""), Some(v), start));
            }
            None => out.push((tok, None, start)),
        }
    }
    out
}

/// Runme's JSON form, `{"name":"drain","interactive":"false"}`, as `key[=value]` tokens
/// (`true` is a bare flag, `false` drops the key).
pub(super) fn json_tokens(text: &str) -> Result<Vec<(String, Option<String>, usize)>, String> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&format!("{{{text}}}")).map_err(|e| format!("bad JSON attributes: {e}"))?;
    let mut out = Vec::new();
    for (k, v) in map {
        let off = text.find(&format!("\"{k}\"")).unwrap_or(0);
        match v {
            serde_json::Value::Bool(true) => out.push((k, None, off)),
            serde_json::Value::Bool(false) | serde_json::Value::Null => {}
            serde_json::Value::String(s)
                if matches!(s.as_str(), "true") && matches!(k.as_str(), "readonly" | "destructive") =>
            {
                out.push((k, None, off))
            }
            serde_json::Value::String(s)
                if matches!(s.as_str(), "false") && matches!(k.as_str(), "readonly" | "destructive") => {}
            serde_json::Value::String(s) => out.push((k, Some(s), off)),
            other => out.push((k, Some(other.to_string()), off)),
        }
    }
    Ok(out)
}

/// (line, column) of byte `offset` of the attribute text of a block's info string.
pub(super) fn attr_pos(raw: &RawCode, lines: &[&str], offset: usize) -> (usize, usize) {
    let line_text = lines.get(raw.line - 1).copied().unwrap_or("");
    let attrs = attr_text(&raw.info).unwrap_or("");
    match line_text.find(attrs) {
        Some(p) if !attrs.is_empty() => (raw.line, p + offset + 1),
        _ => (raw.line, raw.col),
    }
}
