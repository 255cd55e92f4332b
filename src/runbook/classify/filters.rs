//! Filters whose program decides: `sed`, `awk`, `perl -pe`, and `find` actions.
use super::rules::{Cx, V, de, has_flag, positionals, ro, short_has, un, words, worst};
use regex::Regex;
use std::sync::LazyLock;

pub fn sed(args: &[String]) -> V {
    if has_flag(args, &["--in-place"])
        || args.iter().any(|a| a.starts_with("--in-place="))
        || short_has(args, 'i')
    {
        return de("sed -i (edits files in place)");
    }
    static SED_W: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(^|[;}\n/])\s*[0-9$]*\s*[wWe](\s|$)|/[gpIi0-9]*w\s").expect("static regex")
    });
    if args.iter().any(|a| SED_W.is_match(a.strip_prefix("--expression=").unwrap_or(a))) {
        return un("sed program that writes files or runs commands");
    }
    ro("sed")
}

pub fn awk(args: &[String]) -> V {
    if has_flag(args, &["-f", "--file"]) {
        return un("awk -f (program from a file)");
    }
    if args.windows(2).any(|w| w[0] == "-i" && w[1] == "inplace") {
        return de("awk -i inplace");
    }
    static AWK_SIDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"system\s*\(|\|\s*getline|\bprintf?\b[^;}]*(>|\|)|\bfflush\b"#).expect("static regex")
    });
    let program =
        positionals(args, &["-F", "-v", "--field-separator", "--assign"]).first().copied().unwrap_or("");
    if AWK_SIDE.is_match(program) {
        return un("awk program that writes files or runs commands");
    }
    ro("awk")
}

pub fn find(args: &[String], cx: &Cx) -> V {
    let mut v = ro("find");
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-delete" => v = worst(v, de("find -delete")),
            "-fprint" | "-fprint0" | "-fprintf" | "-fls" => v = worst(v, de(format!("find {}", args[i]))),
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let start = i + 1;
                let mut end = start;
                while end < args.len() && args[end] != ";" && args[end] != "+" {
                    end += 1;
                }
                if end > start {
                    let d = &cx.argdyn[start.min(cx.argdyn.len())..end.min(cx.argdyn.len())];
                    let (s, r) = words(&args[start..end], d, cx.stdin, cx.depth + 1);
                    v = worst(v, (s, format!("find -exec {r}")));
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    v
}

/// `perl -pe 's/a/b/'`: read-only only as a filter whose program is nothing but
/// substitutions and transliterations (no `e` flag, no code in the replacement).
pub fn perl(args: &[String], cx: &Cx) -> V {
    let mut program = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "-e" || a == "-E" {
            if program.is_some() || cx.dynamic(i + 1) {
                return un("perl with several or run-time programs");
            }
            program = args.get(i + 1).map(String::as_str);
            i += 2;
            continue;
        }
        if let Some(rest) = a.strip_prefix('-').filter(|r| !r.is_empty() && !a.starts_with("--")) {
            // Only filter switches: -p -n -l -a -0 -F<sep>, clustered or not, ending in e.
            let core = rest.trim_end_matches(['e', 'E']);
            if !core.chars().all(|c| "pnla0".contains(c)) && !core.starts_with('F') {
                return un(format!("perl {a}"));
            }
            if rest.ends_with(['e', 'E']) {
                if program.is_some() || cx.dynamic(i + 1) {
                    return un("perl with several or run-time programs");
                }
                program = args.get(i + 1).map(String::as_str);
                i += 2;
                continue;
            }
        } else if program.is_none() {
            return super::scripts::script_file("perl", a, &args[i + 1..]);
        }
        i += 1;
    }
    match program {
        Some(p) if pure_substitutions(p) => ro("perl -pe s/// (a filter)"),
        Some(_) => un("perl program (runs arbitrary code)"),
        None => un("perl (reads a program from its input)"),
    }
}

fn pure_substitutions(p: &str) -> bool {
    if ["(?{", "(??{", "@{", "${", "`", "\\E"].iter().any(|x| p.contains(x)) {
        return false;
    }
    let c: Vec<char> = p.chars().collect();
    let mut i = 0;
    let mut any = false;
    loop {
        while i < c.len() && (c[i].is_whitespace() || c[i] == ';') {
            i += 1;
        }
        if i >= c.len() {
            return any;
        }
        let parts = if c[i] == 's' || c[i] == 'y' {
            i += 1;
            2
        } else if c[i] == 't' && c.get(i + 1) == Some(&'r') {
            i += 2;
            2
        } else {
            return false;
        };
        let Some(&d) = c.get(i) else { return false };
        if d.is_alphanumeric() || d.is_whitespace() || "{[(<".contains(d) {
            return false;
        }
        i += 1;
        for _ in 0..parts {
            while i < c.len() && c[i] != d {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            if i >= c.len() {
                return false;
            }
            i += 1;
        }
        while i < c.len() && c[i].is_ascii_alphabetic() {
            if !"gimsxrcdu".contains(c[i]) {
                return false;
            }
            i += 1;
        }
        any = true;
    }
}
