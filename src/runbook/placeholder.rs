//! Placeholders in runbook commands: `<pod_name>`, `{{cluster}}`, `YOUR_TOKEN_HERE`, and
//! variables a block uses but never assigns (`$PDB`). docs/runbook-format.md, "Placeholders".
//!
//! Contract:
//! - A placeholder is replaced in the script by a reference to its environment variable,
//!   quoted for where it stands: `"${OPSDECK_PH_POD_NAME}"` outside quotes,
//!   `${OPSDECK_PH_POD_NAME}` inside double quotes or an expanding here-document,
//!   `'"${OPSDECK_PH_POD_NAME}"'` inside single quotes. The value itself never becomes
//!   script text. Inside a quoted here-document (`<<'EOF'`) nothing is replaced.
//! - `<name>` is a placeholder when `<` is directly followed by a letter and the name
//!   (letters, digits, `_`, `-`, `.`, `:`, `/`, spaces) ends in a letter or digit directly
//!   before `>`; `<file`, `< file`, `<<EOF`, `<(cmd)` keep their shell meaning.
//! - `{{name}}` is a placeholder unless it is Go-template syntax (`{{.Name}}`, `{{end}}`).
use regex::Regex;
use std::sync::LazyLock;

use super::types::PlaceholderStyle;

fn re(p: &str) -> Regex {
    Regex::new(p).expect("static regex")
}

/// A placeholder found while rewriting a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub text: String,
    pub env: String,
    pub style: PlaceholderStyle,
    /// 0-based line within the text rewritten.
    pub line: usize,
}

static ANGLE: LazyLock<Regex> = LazyLock::new(|| re(r"^<([A-Za-z](?:[A-Za-z0-9_.:/ -]*[A-Za-z0-9_])?)>"));
static BRACES: LazyLock<Regex> = LazyLock::new(|| re(r"^\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}"));
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:(?:YOUR|MY)_[A-Z0-9_]*[A-Z0-9]|[A-Z][A-Z0-9_]*_HERE|CHANGE_?ME|REPLACE_?ME)\b")
});
const GO_TEMPLATE_WORDS: &[&str] = &[
    "end", "else", "range", "if", "with", "define", "template", "block", "break", "continue", "nil", "true",
    "false", "printf", "println", "print", "len", "index", "json", "toJson", "not", "and", "or",
];

/// The environment variable a placeholder's value reaches the script as.
pub fn env_name(inner: &str) -> String {
    let mut out = String::from("OPSDECK_PH_");
    let mut last_us = true;
    for c in inner.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
            last_us = false;
        } else if !last_us {
            out.push('_');
            last_us = true;
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
    /// The body of an expanding here-document: like double quotes, quotes are literal.
    Here,
    /// The body of a quoted here-document: nothing expands, nothing is replaced.
    Literal,
}

/// A placeholder at the start of `rest`: (length in bytes, text, inner name, style).
fn at(rest: &str, prev: Option<char>) -> Option<(usize, String, String, PlaceholderStyle)> {
    if rest.starts_with('<')
        && !matches!(prev, Some('<') | Some('>'))
        && !prev.is_some_and(|c| c.is_ascii_digit())
        && let Some(c) = ANGLE.captures(rest)
    {
        return Some((c[0].len(), c[0].to_string(), c[1].to_string(), PlaceholderStyle::Angle));
    }
    if rest.starts_with("{{") {
        if let Some(c) = BRACES.captures(rest)
            && !GO_TEMPLATE_WORDS.contains(&&c[1])
        {
            return Some((c[0].len(), c[0].to_string(), c[1].to_string(), PlaceholderStyle::Braces));
        }
        return None;
    }
    let boundary = !prev.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '{'));
    if boundary && let Some(m) = MARKER.find(rest) {
        return Some((m.end(), m.as_str().to_string(), m.as_str().to_string(), PlaceholderStyle::Marker));
    }
    None
}

static HEREDOC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"<<-?\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|\\([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))"#,
    )
});

/// Rewrites shell text, replacing every placeholder by a quoted variable reference.
pub fn substitute_shell(text: &str) -> (String, Vec<Found>) {
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let mut q = Quote::None;
    // Here-documents opened on the current line, then the body being read.
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut body: Option<(String, bool)> = None;
    for (ln, line) in text.split_inclusive('\n').enumerate() {
        if let Some((delim, expands)) = &body {
            if line.trim() == delim {
                out.push_str(line);
                body = None;
                if !pending.is_empty() {
                    body = Some(pending.remove(0));
                }
                continue;
            }
            let expands = *expands;
            rewrite(line, if expands { Quote::Here } else { Quote::Literal }, ln, &mut out, &mut found);
            continue;
        }
        q = rewrite(line, q, ln, &mut out, &mut found);
        if q == Quote::None {
            for c in HEREDOC.captures_iter(line) {
                if line[..c.get(0).map_or(0, |m| m.start())].ends_with('<') {
                    continue;
                }
                let (name, expands) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
                    (Some(n), ..) | (_, Some(n), ..) | (_, _, Some(n), _) => (n.as_str(), false),
                    (_, _, _, Some(n)) => (n.as_str(), true),
                    _ => continue,
                };
                pending.push((name.to_string(), expands));
            }
            if !pending.is_empty() {
                body = Some(pending.remove(0));
            }
        }
    }
    (out, found)
}

/// Rewrites text fed on stdin through an expanding here-document that opsdeck writes:
/// `\`, `$` and backticks are escaped so the text reaches the client as written, and each
/// placeholder becomes `${VAR}`.
pub fn substitute_input(text: &str) -> (String, Vec<Found>) {
    let mut out = String::new();
    let mut found = Vec::new();
    for (ln, line) in text.split_inclusive('\n').enumerate() {
        let mut i = 0;
        let mut prev = None;
        while i < line.len() {
            let rest = &line[i..];
            if let Some((len, t, inner, style)) = at(rest, prev) {
                let env = env_name(&inner);
                out.push_str(&format!("${{{env}}}"));
                found.push(Found { text: t, env, style, line: ln });
                i += len;
                prev = Some('}');
                continue;
            }
            let c = rest.chars().next().expect("non-empty");
            if matches!(c, '\\' | '$' | '`') {
                out.push('\\');
            }
            out.push(c);
            prev = Some(c);
            i += c.len_utf8();
        }
    }
    (out, found)
}

/// Rewrites one line starting in quote state `q`; returns the state at its end.
fn rewrite(line: &str, mut q: Quote, ln: usize, out: &mut String, found: &mut Vec<Found>) -> Quote {
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < line.len() {
        let rest = &line[i..];
        let c = rest.chars().next().expect("non-empty");
        if q != Quote::Literal
            && let Some((len, t, inner, style)) = at(rest, prev)
        {
            let env = env_name(&inner);
            let r = match q {
                Quote::None => format!("\"${{{env}}}\""),
                Quote::Single => format!("'\"${{{env}}}\"'"),
                _ => format!("${{{env}}}"),
            };
            out.push_str(&r);
            found.push(Found { text: t, env, style, line: ln });
            i += len;
            prev = Some('"');
            continue;
        }
        out.push(c);
        i += c.len_utf8();
        match (q, c) {
            (Quote::None | Quote::Double | Quote::Here, '\\') => {
                if let Some(n) = line[i..].chars().next() {
                    out.push(n);
                    i += n.len_utf8();
                }
            }
            (Quote::None, '#') if prev.is_none_or(|p| p.is_whitespace() || p == ';') => {
                // A comment: the rest of the line is not shell.
                out.push_str(&line[i..]);
                return q;
            }
            (Quote::None, '\'') => q = Quote::Single,
            (Quote::None, '"') => q = Quote::Double,
            (Quote::Single, '\'') => q = Quote::None,
            (Quote::Double, '"') => q = Quote::None,
            _ => {}
        }
        prev = Some(c);
    }
    q
}

static VAR_REF: LazyLock<Regex> =
    LazyLock::new(|| re(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))"));
static ASSIGNED: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?m)(?:^|[\s;&|({`])(?:export\s+|local\s+|readonly\s+|typeset\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=",
        r"\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b",
        r"\bselect\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b",
        r"\b(?:mapfile|readarray)\s+(?:-\w+\s+(?:\S+\s+)?)*([A-Za-z_][A-Za-z0-9_]*)",
        r"\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)",
        r"\bexport\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:$|;)",
    ]
    .iter()
    .map(|p| re(p))
    .collect()
});
static READ_VARS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bread\s+((?:-[a-zA-Z]*[pdnNtui]\s+(?:'[^']*'|\S+)\s+|-[a-zA-Z]+\s+)*)((?:[A-Za-z_][A-Za-z0-9_]*\s*)+)",
    )
});

/// Variables every shell or session has: never asked for.
const WELL_KNOWN: &[&str] = &[
    "HOME",
    "USER",
    "LOGNAME",
    "PATH",
    "PWD",
    "OLDPWD",
    "SHELL",
    "HOSTNAME",
    "HOSTTYPE",
    "OSTYPE",
    "MACHTYPE",
    "TERM",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "UID",
    "EUID",
    "GID",
    "PPID",
    "RANDOM",
    "SECONDS",
    "LINENO",
    "BASHPID",
    "BASH",
    "BASH_VERSION",
    "BASH_SOURCE",
    "BASH_REMATCH",
    "FUNCNAME",
    "PIPESTATUS",
    "IFS",
    "REPLY",
    "OPTARG",
    "OPTIND",
    "KUBECONFIG",
    "DISPLAY",
    "SSH_AUTH_SOCK",
    "SUDO_USER",
    "SHLVL",
    "COLUMNS",
    "LINES",
    "EPOCHSECONDS",
];

/// Variables `script` reads but never assigns, in order of first use, with the 0-based
/// line of that use. Single-quoted text and quoted here-documents do not expand.
pub fn undefined_variables(script: &str, known: &[String]) -> Vec<(String, usize)> {
    let mut assigned: Vec<String> = Vec::new();
    for r in ASSIGNED.iter() {
        for c in r.captures_iter(script) {
            assigned.push(c[1].to_string());
        }
    }
    for c in READ_VARS.captures_iter(script) {
        assigned.extend(c[2].split_whitespace().map(str::to_string));
    }
    let mut out: Vec<(String, usize)> = Vec::new();
    for (ln, text) in expanding_text(script) {
        for c in VAR_REF.captures_iter(&text) {
            let (name, modifier) = match (c.get(1), c.get(3)) {
                (Some(n), _) => (n.as_str(), c.get(2).map_or("", |m| m.as_str())),
                (_, Some(n)) => (n.as_str(), ""),
                _ => continue,
            };
            // `${X:-default}`, `${X-default}`, `${X:=x}`, `${#X}` and the like do not need a value.
            if !modifier.is_empty() && !modifier.starts_with(":?") && !modifier.starts_with('?') {
                continue;
            }
            let ours = name.starts_with("OPSDECK_");
            if ours
                || WELL_KNOWN.contains(&name)
                || name.starts_with("XDG_")
                || name.starts_with("BASH_")
                || assigned.iter().any(|a| a == name)
                || known.iter().any(|k| k == name)
                || out.iter().any(|(n, _)| n == name)
            {
                continue;
            }
            out.push((name.to_string(), ln));
        }
    }
    out
}

/// The parts of `script` where `$` expands, each with its 0-based line: single-quoted
/// text, comments and quoted here-document bodies are left out.
fn expanding_text(script: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut q = Quote::None;
    let mut body: Option<(String, bool)> = None;
    for (ln, line) in script.split_inclusive('\n').enumerate() {
        if let Some((delim, expands)) = &body {
            if line.trim() == delim {
                body = None;
            } else if *expands {
                out.push((ln, line.to_string()));
            }
            continue;
        }
        let mut kept = String::new();
        let mut prev: Option<char> = None;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match (q, c) {
                (Quote::Single, '\'') => q = Quote::None,
                (Quote::Single, _) => {}
                (Quote::None, '\'') => q = Quote::Single,
                (Quote::None, '#') if prev.is_none_or(|p| p.is_whitespace() || p == ';') => break,
                (Quote::None | Quote::Double, '\\') => {
                    chars.next();
                }
                (Quote::None, '"') => q = Quote::Double,
                (Quote::Double, '"') => q = Quote::None,
                _ => kept.push(c),
            }
            prev = Some(c);
        }
        if q == Quote::None
            && let Some(c) = HEREDOC.captures(line)
        {
            let expands = c.get(4).is_some();
            let name = (1..=4).find_map(|i| c.get(i)).map(|m| m.as_str().to_string()).unwrap_or_default();
            body = Some((name, expands));
        }
        out.push((ln, kept));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(t: &str) -> (String, Vec<String>) {
        let (s, f) = substitute_shell(t);
        (s, f.into_iter().map(|f| format!("{}={}", f.text, f.env)).collect())
    }

    #[test]
    fn angle_placeholders_become_quoted_references_never_redirections() {
        let (s, f) = sub("oc delete pod <pod_name> -n <NAMESPACE>\n");
        assert_eq!(s, "oc delete pod \"${OPSDECK_PH_POD_NAME}\" -n \"${OPSDECK_PH_NAMESPACE}\"\n");
        assert_eq!(f, ["<pod_name>=OPSDECK_PH_POD_NAME", "<NAMESPACE>=OPSDECK_PH_NAMESPACE"]);
        let (s, _) = sub("aws s3 rm s3://<BUCKET_NAME>/<CORRUPTED_BLOCK_ID>/ --recursive");
        assert_eq!(
            s,
            "aws s3 rm s3://\"${OPSDECK_PH_BUCKET_NAME}\"/\"${OPSDECK_PH_CORRUPTED_BLOCK_ID}\"/ --recursive"
        );
        let (s, f) = sub("NODE_NAME='<value of instance label from alert>'");
        assert_eq!(s, "NODE_NAME=''\"${OPSDECK_PH_VALUE_OF_INSTANCE_LABEL_FROM_ALERT}\"''");
        assert_eq!(f.len(), 1);
        let (s, _) = sub("echo \"pod <pod>\"");
        assert_eq!(s, "echo \"pod ${OPSDECK_PH_POD}\"");
        for keep in [
            "sort <in.txt >out.txt",
            "cat < file",
            "cat <<EOF\nx\nEOF\n",
            "diff <(ls a) <(ls b)",
            "cmd 2>&1 >/dev/null",
            "x <<<\"$y\"",
        ] {
            assert_eq!(sub(keep), (keep.to_string(), vec![]), "{keep}");
        }
    }

    #[test]
    fn braces_and_markers_but_not_go_templates() {
        let (s, f) = sub(
            "kubectl --context {{cluster}} get pods -o go-template='{{range .items}}{{.metadata.name}}{{end}}'",
        );
        assert_eq!(f, ["{{cluster}}=OPSDECK_PH_CLUSTER"]);
        assert!(s.contains("'{{range .items}}{{.metadata.name}}{{end}}'"));
        let (s, f) = sub("curl -H \"Authorization: Bearer YOUR_TOKEN_HERE\" https://x");
        assert_eq!(s, "curl -H \"Authorization: Bearer ${OPSDECK_PH_YOUR_TOKEN_HERE}\" https://x");
        assert_eq!(f.len(), 1);
        assert_eq!(sub("echo $YOUR_TOKEN").1.len(), 0);
        assert_eq!(sub("# replace <x> below\nls").1.len(), 0);
    }

    #[test]
    fn quoted_here_documents_are_left_alone_and_expanding_ones_are_rewritten() {
        let (s, f) = sub("cat <<'EOF'\n<x>\nEOF\ncat <<EOF\n<y>\nEOF\n");
        assert_eq!(s, "cat <<'EOF'\n<x>\nEOF\ncat <<EOF\n${OPSDECK_PH_Y}\nEOF\n");
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn input_text_is_escaped_and_placeholders_referenced() {
        let (s, f) =
            substitute_input("select pg_terminate_backend(<pid>) from x where a = '$1' and b = `c` \\\\;\n");
        assert_eq!(
            s,
            "select pg_terminate_backend(${OPSDECK_PH_PID}) from x where a = '\\$1' and b = \\`c\\` \\\\\\\\;\n"
        );
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn undefined_variables_are_the_ones_never_assigned() {
        let s = "NS=foo\nkubectl -n $NS get pdb $PDB\nfor p in a; do echo $p; done\necho '$QUOTED' \"$DQ\" ${DEF:-x} $HOME $1\nread -r A B\necho $A $B # $COMMENT\n";
        let v: Vec<String> = undefined_variables(s, &[]).into_iter().map(|v| v.0).collect();
        assert_eq!(v, ["PDB", "DQ"]);
        assert!(undefined_variables("echo $PDB", &["PDB".into()]).is_empty());
        assert!(undefined_variables("cat <<'EOF'\n$X\nEOF\n", &[]).is_empty());
        assert_eq!(undefined_variables("cat <<EOF\n$X\nEOF\n", &[])[0].0, "X");
    }
}
